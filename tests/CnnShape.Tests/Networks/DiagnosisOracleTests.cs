using System.Text.Json;
using CnnShape.Diagnosis;
using CnnShape.Formats;
using CnnShape.Shapes;

namespace CnnShape.Tests.Networks;

/// <summary>
/// Broken networks, broken the ways they break in practice (oracle/gen_broken.py): cnnshape locates each failure at the
/// layer and line where PyTorch raised, keeps a fix that keeps the user's input, and offers exactly the fixes PyTorch ran
/// (edited text applied as the edits say) with the outputs cnnshape claims.
/// </summary>
public class DiagnosisOracleTests
{
    private static readonly Dictionary<string, JsonElement> Cases = OracleCases.Read("broken.jsonl")
        .ToDictionary(c => $"broken/{c.GetProperty("id").GetInt32()}: {c.GetProperty("kind").GetString()} ({c.GetProperty("format").GetString()})", c => c);

    public static TheoryData<string> Names => [.. Cases.Keys];

    private static Diagnosis.Diagnosis Diagnose(JsonElement c)
    {
        string format = c.GetProperty("format").GetString()!;
        var source = new TextSource(c.GetProperty("text").GetString()!, format == "yaml" ? "net.yaml" : "model.txt", NetworkText.ParseFormat(format));
        var d = Diagnoser.Diagnose(source, Shape.Of(OracleCases.Dims(c.GetProperty("input"))));
        Assert.NotNull(d);
        return d;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_failure_is_located_where_PyTorch_raised(string name)
    {
        var c = Cases[name];
        var d = Diagnose(c);

        Assert.Equal(c.GetProperty("failing").GetString(), d.Node);
        Assert.Equal(c.GetProperty("line").GetInt32(), d.Line);
        Assert.False(string.IsNullOrWhiteSpace(d.Cause));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_fix_offered_is_one_PyTorch_ran_with_the_output_claimed(string name)
    {
        var c = Cases[name];
        var d = Diagnose(c);
        var recorded = c.GetProperty("fixes").EnumerateArray().ToList();

        Assert.Equal(recorded.Count, d.Fixes.Count);
        for (int i = 0; i < recorded.Count; i++)
        {
            var r = recorded[i];
            var fix = d.Fixes[i];
            Assert.Equal(r.GetProperty("why").GetString(), fix.Why);
            var edits = r.GetProperty("edits").EnumerateArray().Select(e => new Edit(
                e.TryGetProperty("line", out var l) ? l.GetInt32() : null, e.TryGetProperty("after", out var a) ? a.GetInt32() : null, e.GetProperty("text").GetString()!)).ToList();
            Assert.Equal(edits, fix.Edits);
            Assert.Equal(r.TryGetProperty("input", out var input) ? OracleCases.Dims(input) : null, fix.Input?.ToArray());
            var claimed = fix.Output.Select(x => x.Value).ToArray();
            Assert.Equal(OracleCases.Dims(r.GetProperty("output")), claimed);
            // PyTorch ran the edited network and got what cnnshape claims
            var pytorch = r.GetProperty("pytorch");
            Assert.True(pytorch.ValueKind == JsonValueKind.Array, $"PyTorch refused fix {i + 1} ({fix.Why}): {pytorch}");
            Assert.Equal(claimed, OracleCases.Dims(pytorch));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_fix_keeps_the_users_input(string name)
    {
        var d = Diagnose(Cases[name]);

        Assert.Contains(d.Fixes, f => f.Input is null);
    }
}
