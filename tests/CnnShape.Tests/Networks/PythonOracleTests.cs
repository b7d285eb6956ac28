using System.Text.Json;
using CnnShape.Diagnosis;
using CnnShape.Formats.Python;
using CnnShape.Networks;
using CnnShape.Shapes;

namespace CnnShape.Tests.Networks;

/// <summary>
/// Model classes written the ways people write them, and torchvision's own model files as Debian installs them
/// (oracle/gen_python.py): read from source without Python, every call of a leaf module has PyTorch's output shape, in
/// PyTorch's order; the parameter count and the outputs are PyTorch's; a model PyTorch refuses fails on PyTorch's line.
/// </summary>
public class PythonOracleTests
{
    private const string Torchvision = "/usr/lib/python3/dist-packages/torchvision/models";

    private static readonly Dictionary<string, JsonElement> Cases = OracleCases.Read("python.jsonl").ToDictionary(c => c.GetProperty("id").GetString()!, c => c);

    public static TheoryData<string> Names => [.. Cases.Keys];

    private static (PythonModel Model, string File) Read(JsonElement c)
    {
        string file = c.GetProperty("file").GetString()!;
        string path = file.StartsWith("torchvision:", StringComparison.Ordinal)
            ? Path.Combine(Torchvision, file["torchvision:".Length..])
            : Path.Combine(AppContext.BaseDirectory, "Oracle", "python", Path.GetFileName(file));
        Assert.True(File.Exists(path), $"{path} is missing: torchvision's model files come from Debian's python3-torchvision (run .ci/setup).");
        string? args = c.GetProperty("args").ValueKind == JsonValueKind.Null ? null : c.GetProperty("args").GetString();
        var model = PythonReader.Read(File.ReadAllText(path), Path.GetFileName(path), Shape.Of(OracleCases.Dims(c.GetProperty("input"))),
            training: !c.GetProperty("eval").GetBoolean(), new PythonOptions(c.GetProperty("class").GetString(), args, path));
        return (model, Path.GetFileName(path));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_leaf_module_call_has_PyTorchs_shape_in_PyTorchs_order(string name)
    {
        var c = Cases[name];
        var (model, _) = Read(c);
        var expected = c.GetProperty("calls").EnumerateArray().Select(x => $"{x[0].GetString()} {(x[1].ValueKind == JsonValueKind.Null ? "-" : Shape.Of(OracleCases.Dims(x[1])).ToString())}").ToList();
        var actual = model.Calls.Select(x => $"{x.Name} {(x.Output is null ? "-" : x.Output.ToString())}").ToList();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_parameter_count_is_PyTorchs(string name)
    {
        var c = Cases[name];
        var (model, _) = Read(c);
        Assert.Equal(c.GetProperty("params").GetInt64(), model.Parameters);
        // and the trainable ones: what the code left with requires_grad
        Assert.Equal(c.GetProperty("trainable").GetInt64(), model.Parameters - model.Network.Frozen);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_run_ends_as_PyTorchs_does(string name)
    {
        var c = Cases[name];
        var (model, file) = Read(c);
        var run = NetworkAnalyzer.Run(model.Network, model.Input, training: !c.GetProperty("eval").GetBoolean());
        var error = c.GetProperty("error");
        if (error.ValueKind == JsonValueKind.Null)
        {
            Assert.Null(run.Failure);
            var outputs = c.GetProperty("outputs").EnumerateArray().Select(o => Shape.Of(OracleCases.Dims(o)).ToString()).ToList();
            Assert.Equal(outputs, run.Report.Outputs.Select(o => run.Report.Tensors[o].Shape.ToString()).ToList());
            // the report's total is the model's: rows, plus parameters of modules no row shows
            Assert.Equal(c.GetProperty("params").GetInt64(), run.Report.TotalParams);
            return;
        }
        Assert.NotNull(run.Failure);
        Assert.Equal(file, run.Failure.Node.Place.File);
        Assert.Equal(error.GetProperty("line").GetInt32(), run.Failure.Node.Place.Line);
    }

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
