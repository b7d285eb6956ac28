using System.Text.Json;
using CnnShape.Diagnosis;
using CnnShape.Formats.Python;
using CnnShape.Networks;
using CnnShape.Shapes;

namespace CnnShape.Tests.Networks;

/// <summary>
/// Model classes written the ways people write them (oracle/gen_python.py): read from source without Python, every call
/// of a leaf module has PyTorch's output shape, in PyTorch's order; the parameter count and the outputs are PyTorch's; a
/// model PyTorch refuses fails on PyTorch's line; every fix offered is one PyTorch ran.
/// </summary>
public class PythonOracleTests
{
    private static Dictionary<string, JsonElement> Cases => PythonOracle.Cases;

    /// <summary>The generated model classes (torchvision's files are read by the integration tests).</summary>
    public static TheoryData<string> Names => [.. Cases.Keys.Where(n => !PythonOracle.IsTorchvision(n))];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_leaf_module_call_has_PyTorchs_shape_in_PyTorchs_order(string name) => PythonOracle.Calls(name);

    [Theory]
    [MemberData(nameof(Names))]
    public void The_parameter_count_is_PyTorchs(string name) => PythonOracle.Parameters(name);

    [Theory]
    [MemberData(nameof(Names))]
    public void The_run_ends_as_PyTorchs_does(string name) => PythonOracle.Ending(name);

    public static TheoryData<string> Broken => [.. Cases.Where(c => c.Value.TryGetProperty("fixes", out _)).Select(c => c.Key)];

    [Theory]
    [MemberData(nameof(Broken))]
    public void Every_fix_offered_is_an_edit_of_the_source_PyTorch_ran_with_the_output_claimed(string name)
    {
        var c = Cases[name];
        string path = Path.Combine(AppContext.BaseDirectory, "Oracle", "python", Path.GetFileName(c.GetProperty("file").GetString()!));
        string? args = c.GetProperty("args").ValueKind == JsonValueKind.Null ? null : c.GetProperty("args").GetString();
        bool training = !c.GetProperty("eval").GetBoolean();
        var input = Shape.Of(OracleCases.Dims(c.GetProperty("input")));
        var source = new PythonSource(File.ReadAllText(path), Path.GetFileName(path), input, training, new PythonOptions(c.GetProperty("class").GetString(), args, path));
        var d = Diagnoser.Diagnose(source, input, training);

        Assert.NotNull(d);
        Assert.Equal(c.GetProperty("error").GetProperty("line").GetInt32(), d.Line);
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
            var claimed = fix.Output.Select(x => x.Value).ToArray();
            Assert.Equal(OracleCases.Dims(r.GetProperty("output")), claimed);
            var pytorch = r.GetProperty("pytorch");
            Assert.True(pytorch.ValueKind == JsonValueKind.Array, $"PyTorch refused fix {i + 1} ({fix.Why}): {pytorch}");
            Assert.Equal(claimed, OracleCases.Dims(pytorch));
        }
    }
}
