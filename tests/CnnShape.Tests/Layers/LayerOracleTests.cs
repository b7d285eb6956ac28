using System.Text.Json;
using CnnShape.Shapes;

namespace CnnShape.Tests.Layers;

public class LayerOracleTests
{
    private static string Outcome(string text, long[] input)
    {
        try
        {
            return "output " + LayerEngine.Apply(text, Shape.Of(input)).Output;
        }
        catch (CnnShapeException e)
        {
            return "refused: " + e.Message;
        }
    }

    private static string Expected(JsonElement c) =>
        c.TryGetProperty("output", out var o) ? "output " + Shape.Of(OracleCases.Dims(o)) : "refused";

    private static void AgreeWith(string file, bool alsoPrintedForm)
    {
        var failures = new List<string>();
        int count = 0;
        foreach (var c in OracleCases.Read(file))
        {
            count++;
            var input = OracleCases.Dims(c.GetProperty("input"));
            string expected = Expected(c);
            var forms = new List<string> { c.GetProperty("layer").GetString()! };
            if (alsoPrintedForm && c.TryGetProperty("repr", out var r) && r.ValueKind == JsonValueKind.String) forms.Add(r.GetString()!);
            foreach (var text in forms)
            {
                string actual = Outcome(text, input);
                if (actual != expected && !(expected == "refused" && actual.StartsWith("refused", StringComparison.Ordinal)))
                {
                    string why = c.TryGetProperty("error", out var e) ? $" (PyTorch: {e.GetString()})" : "";
                    failures.Add($"{text} on {Shape.Of(input)}: expected {expected}{why}, got {actual}");
                }
            }
        }
        Assert.True(count > 0, $"{file} holds no cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} cases disagree with PyTorch:\n" + string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void Every_generated_case_agrees_with_PyTorch_in_both_text_forms() => AgreeWith("layers.jsonl", alsoPrintedForm: true);

    [Fact]
    public void Every_shared_sample_agrees_with_PyTorch() => AgreeWith("samples.jsonl", alsoPrintedForm: true);
}
