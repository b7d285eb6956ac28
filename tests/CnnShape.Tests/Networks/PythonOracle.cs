using System.Text.Json;
using CnnShape.Formats.Python;
using CnnShape.Networks;
using CnnShape.Shapes;

namespace CnnShape.Tests.Networks;

/// <summary>
/// The checks of the Python reader oracle (oracle/gen_python.py), one per recorded fact: shared by the core tests (the
/// generated model classes) and the integration tests (torchvision's own files, as Debian installs them).
/// </summary>
internal static class PythonOracle
{
    private const string Torchvision = "/usr/lib/python3/dist-packages/torchvision/models";

    public static readonly Dictionary<string, JsonElement> Cases = OracleCases.Read("python.jsonl").ToDictionary(c => c.GetProperty("id").GetString()!, c => c);

    /// <summary>Whether a case reads one of torchvision's installed model files.</summary>
    public static bool IsTorchvision(string name) => Cases[name].GetProperty("file").GetString()!.StartsWith("torchvision:", StringComparison.Ordinal);

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

    /// <summary>Every call of a leaf module has PyTorch's output shape, in PyTorch's order.</summary>
    public static void Calls(string name)
    {
        var c = Cases[name];
        var (model, _) = Read(c);
        var expected = c.GetProperty("calls").EnumerateArray().Select(x => $"{x[0].GetString()} {(x[1].ValueKind == JsonValueKind.Null ? "-" : Shape.Of(OracleCases.Dims(x[1])).ToString())}").ToList();
        var actual = model.Calls.Select(x => $"{x.Name} {(x.Output is null ? "-" : x.Output.ToString())}").ToList();
        Assert.Equal(expected, actual);
    }

    /// <summary>The parameter count, and its trainable part, are PyTorch's.</summary>
    public static void Parameters(string name)
    {
        var c = Cases[name];
        var (model, _) = Read(c);
        Assert.Equal(c.GetProperty("params").GetInt64(), model.Parameters);
        // and the trainable ones: what the code left with requires_grad
        Assert.Equal(c.GetProperty("trainable").GetInt64(), model.Parameters - model.Network.Frozen);
    }

    /// <summary>The run ends as PyTorch's does: its outputs and total, or a failure on PyTorch's line.</summary>
    public static void Ending(string name)
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
}
