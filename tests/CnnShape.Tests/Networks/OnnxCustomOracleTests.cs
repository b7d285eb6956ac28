using System.Text.Json;
using CnnShape.Formats.Onnx;
using CnnShape.Networks;
using CnnShape.Onnx;
using CnnShape.Shapes;

namespace CnnShape.Tests.Networks;

/// <summary>
/// ONNX beyond the exporter's happy path (oracle/gen_onnx_custom.py): custom modules exported by PyTorch at opsets
/// 9–17 with static and dynamic axes, and one-operator graphs (strict preconditions; opsets 18–21), each run in ONNX
/// Runtime with every value an output. cnnshape gives every value ONNX Runtime's shape at every input tried, refuses
/// where ONNX Runtime refuses, and — for dynamic axes — its symbolic answer evaluates to the same shapes at every size
/// PyTorch runs the model at.
/// </summary>
public class OnnxCustomOracleTests
{
    private static readonly Dictionary<string, JsonElement> Cases = OracleCases.Read("onnx_custom.jsonl").ToDictionary(c => c.GetProperty("file").GetString()!, c => c);

    public static TheoryData<string> Names => [.. Cases.Keys];

    public static TheoryData<string> Dynamic => [.. Cases.Where(c => c.Value.TryGetProperty("dynamic", out var d) && d.EnumerateObject().Any()).Select(c => c.Key)];

    private static OnnxModel Load(string file)
    {
        using var stream = File.OpenRead(OracleCases.PathOf(Path.Combine("onnx", "custom", file)));
        return OnnxReader.Read(stream, file);
    }

    private static string Text(IEnumerable<long> dims) => "[" + string.Join(", ", dims) + "]";

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_value_has_ONNX_Runtimes_shape_and_refusals_are_ONNX_Runtimes(string file)
    {
        var c = Cases[file];
        var model = Load(file);
        foreach (var run in c.GetProperty("runs").EnumerateArray())
        {
            // one-operator graphs declare their inputs; an export is fed the run's input
            Shape? input = run.GetProperty("input").ValueKind == JsonValueKind.Array ? Shape.Of(OracleCases.Dims(run.GetProperty("input"))) : null;
            if (run.TryGetProperty("error", out var error))
            {
                var refusal = Assert.Throws<CnnShapeException>(() => OnnxAnalyzer.Analyze(model, file, input));
                Assert.StartsWith(file, refusal.Message);
                continue;
            }
            var report = OnnxAnalyzer.Analyze(model, file, input);
            foreach (var value in run.GetProperty("values").EnumerateObject())
            {
                Assert.True(report.Tensors.TryGetValue(value.Name, out var info), $"{file} at {input}: no value '{value.Name}'");
                Assert.True(info.IsKnown, $"{file} at {input}: '{value.Name}' is {(info.Dims is null ? "unknown" : Symbolic.Dim.Format(info.Dims))}, ONNX Runtime gives {Text(OracleCases.Dims(value.Value))}");
                Assert.Equal(Text(OracleCases.Dims(value.Value)), Text(info.Shape.ToArray()));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dynamic))]
    public void The_symbolic_answer_evaluates_to_ONNX_Runtimes_shapes_at_every_size(string file)
    {
        var c = Cases[file];
        var model = Load(file);
        if (c.GetProperty("runs").EnumerateArray().All(r => r.TryGetProperty("error", out _)))
        {
            // refused at every size (an invalid constant): refused symbolically too
            Assert.Throws<CnnShapeException>(() => OnnxAnalyzer.Analyze(model, file));
            return;
        }
        var report = OnnxAnalyzer.Analyze(model, file);
        var symbols = c.GetProperty("dynamic").EnumerateObject().ToDictionary(a => a.Value.GetString()!, a => int.Parse(a.Name, System.Globalization.CultureInfo.InvariantCulture));
        foreach (var run in c.GetProperty("runs").EnumerateArray())
        {
            // the symbolic answer is stated for the sizes the model runs at in PyTorch; where the export runs past
            // PyTorch's own check (a window larger than a 1-pixel map) the concrete answer above follows ONNX Runtime
            if (!run.TryGetProperty("values", out var values) || run.GetProperty("pytorch").ValueKind != JsonValueKind.Array) continue;
            var input = OracleCases.Dims(run.GetProperty("input"));
            long Bind(string symbol) => symbols.TryGetValue(symbol, out int axis) ? input[axis] : throw new InvalidOperationException($"{file}: unknown symbol {symbol}");
            foreach (var value in values.EnumerateObject())
            {
                Assert.True(report.Tensors.TryGetValue(value.Name, out var info), $"{file}: no value '{value.Name}'");
                if (info.Dims is null)
                {
                    // an If whose condition tests a symbolic size: which branch runs (and so even the rank) depends on it
                    Assert.Contains(report.Warnings, w => w.Contains("(If): its condition is not known from the shapes", StringComparison.Ordinal));
                    continue;
                }
                var expected = OracleCases.Dims(value.Value);
                Assert.Equal(expected.Length, info.Dims!.Count);
                // a size no exact expression gives (float32 arithmetic on symbolic sizes) is unknown, and said so
                bool Formed(Symbolic.Dim d) => d.IsKnown || !d.HasUnknown;
                if (!info.Dims!.All(Formed)) Assert.Contains(report.Warnings, w => w.Contains("unknown", StringComparison.Ordinal));
                var evaluated = info.Dims!.Select((d, i) => Formed(d) ? d.Evaluate(Bind) : expected[i]).ToArray();
                Assert.True(Text(expected) == Text(evaluated),
                    $"{file}: '{value.Name}' is {Symbolic.Dim.Format(info.Dims!)} = {Text(evaluated)} at input {Text(input)}; ONNX Runtime gives {Text(OracleCases.Dims(value.Value))}");
            }
        }
        // and no probe value anywhere: the report's input keeps its symbols
        Assert.Contains(report.Input, d => !d.IsKnown);
    }
}
