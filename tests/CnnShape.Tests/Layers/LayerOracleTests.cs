using System.Text.Json;
using CnnShape.Shapes;

namespace CnnShape.Tests.Layers;

/// <summary>Every case PyTorch answered (generated layers, shared samples, edges) is one named test: same output, or a refusal where PyTorch refuses.</summary>
public class LayerOracleTests
{
    private static readonly Dictionary<string, JsonElement> Cases = Load("layers.jsonl", "samples.jsonl", "edges.jsonl");

    private static Dictionary<string, JsonElement> Load(params string[] files)
    {
        var cases = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            int line = 0;
            foreach (var c in OracleCases.Read(file))
            {
                line++;
                string id = c.TryGetProperty("id", out var i) ? i.GetString()! : $"{Path.GetFileNameWithoutExtension(file)}/{line}";
                cases[$"{id}: {c.GetProperty("layer").GetString()} on {Shape.Of(OracleCases.Dims(c.GetProperty("input")))}"] = c;
            }
        }
        return cases;
    }

    public static TheoryData<string> Generated => Names("layers/");
    public static TheoryData<string> Samples => Names("samples/");
    public static TheoryData<string> Edges => Names("zero-size/", "argument-type/", "run-time/", "torch.Size/", "issue-23/");
    public static TheoryData<string> Sweeps => Names("sweep-zero/", "sweep-eval/", "sweep-args/");

    private static TheoryData<string> Names(params string[] prefixes)
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Keys.Where(k => prefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)))) data.Add(name);
        return data;
    }

    private static string Outcome(string text, long[] input, bool training)
    {
        try
        {
            return "output " + LayerEngine.Apply(LayerEngine.Build(text), Shape.Of(input), text, training).Output;
        }
        catch (CnnShapeException e)
        {
            return "refused: " + e.Message;
        }
    }

    private static void Agrees(string name)
    {
        var c = Cases[name];
        var input = OracleCases.Dims(c.GetProperty("input"));
        bool training = !(c.TryGetProperty("mode", out var mode) && mode.GetString() == "eval");
        string expected = c.TryGetProperty("output", out var o) ? "output " + Shape.Of(OracleCases.Dims(o)) : "refused";
        string why = c.TryGetProperty("error", out var e) ? $" (PyTorch: {e.GetString()})" : "";
        var forms = new List<string> { c.GetProperty("layer").GetString()! };
        if (c.TryGetProperty("repr", out var r) && r.ValueKind == JsonValueKind.String) forms.Add(r.GetString()!);
        foreach (var text in forms)
        {
            string actual = Outcome(text, input, training);
            bool same = actual == expected || expected == "refused" && actual.StartsWith("refused", StringComparison.Ordinal);
            Assert.True(same, $"{text} on {Shape.Of(input)}: expected {expected}{why}, got {actual}");
        }
    }

    [Theory]
    [MemberData(nameof(Generated))]
    public void A_generated_layer_agrees_with_PyTorch_in_both_text_forms(string name) => Agrees(name);

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_shared_sample_agrees_with_PyTorch(string name) => Agrees(name);

    [Theory]
    [MemberData(nameof(Edges))]
    public void An_edge_case_agrees_with_PyTorch(string name) => Agrees(name);

    [Theory]
    [MemberData(nameof(Sweeps))]
    public void A_swept_layer_agrees_with_PyTorch(string name) => Agrees(name);

    [Fact]
    public void The_oracle_files_hold_their_cases()
    {
        int Count(string prefix) => Cases.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(Count("layers/") > 4000, $"{Count("layers/")} generated cases");
        Assert.True(Count("samples/") > 300, $"{Count("samples/")} samples");
        Assert.True(Count("zero-size/") > 40 && Count("argument-type/") > 40 && Count("run-time/") > 40, "edge cases");
        Assert.True(Count("sweep-zero/") > 3000 && Count("sweep-eval/") > 300 && Count("sweep-args/") > 4000 && Count("issue-23/") > 20, "sweeps");
    }
}
