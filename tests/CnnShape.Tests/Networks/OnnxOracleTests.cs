using CnnShape.Formats.Onnx;
using CnnShape.Onnx;
using CnnShape.Shapes;

namespace CnnShape.Tests.Networks;

public class OnnxOracleTests
{
    [Fact]
    public void Every_tensor_of_the_torchvision_exports_agrees_with_onnx_shape_inference_and_the_output_with_PyTorch()
    {
        var failures = new List<string>();
        int models = 0, tensors = 0;
        foreach (var c in OracleCases.Read("onnx.jsonl").Where(c => !c.TryGetProperty("symbolic", out _)))
        {
            models++;
            string file = c.GetProperty("file").GetString()!;
            using var stream = File.OpenRead(OracleCases.PathOf(Path.Combine("onnx", file)));
            NetworkReportOrError(file, stream, c, failures, ref tensors);
        }
        Assert.True(models >= 10, $"{models} models");
        Assert.True(failures.Count == 0, $"{failures.Count} disagreements over {tensors} tensors in {models} models:\n" + string.Join("\n", failures.Take(30)));
    }

    private static void NetworkReportOrError(string file, Stream stream, System.Text.Json.JsonElement c, List<string> failures, ref int tensors)
    {
        CnnShape.Networks.NetworkReport report;
        try
        {
            report = OnnxAnalyzer.Analyze(OnnxReader.Read(stream, file), file);
        }
        catch (CnnShapeException e)
        {
            failures.Add($"{file}: refused: {e.Message}");
            return;
        }
        foreach (var w in report.Warnings) failures.Add($"{file}: {w}");
        var pytorch = Shape.Of(OracleCases.Dims(c.GetProperty("output")));
        var ours = report.Tensors[report.Outputs[0]].Shape;
        if (!ours.Equals(pytorch)) failures.Add($"{file}: output {ours}, PyTorch {pytorch}");
        foreach (var t in c.GetProperty("tensors").EnumerateObject())
        {
            tensors++;
            var expected = Shape.Of(OracleCases.Dims(t.Value));
            if (!report.Tensors.TryGetValue(t.Name, out var actual)) failures.Add($"{file}: tensor '{t.Name}' missing (onnx: {expected})");
            else if (!actual.IsKnown || !actual.Shape.Equals(expected)) failures.Add($"{file}: tensor '{t.Name}': onnx {expected}, cnnshape {CnnShape.Symbolic.Dim.Format(actual.Dims ?? [])}");
        }
    }
}

public class OnnxSymbolTests
{
    [Fact]
    public void A_dynamic_batch_travels_as_its_symbol_as_onnx_shape_inference_says()
    {
        int compared = 0;
        foreach (var c in OracleCases.Read("onnx.jsonl").Where(c => c.TryGetProperty("symbolic", out _)))
        {
            string file = c.GetProperty("file").GetString()!;
            using var stream = File.OpenRead(OracleCases.PathOf(Path.Combine("onnx", file)));
            var report = OnnxAnalyzer.Analyze(OnnxReader.Read(stream, file), file);
            Assert.True(report.IsSymbolic);
            foreach (var t in c.GetProperty("tensors").EnumerateObject())
            {
                if (!report.Tensors.TryGetValue(t.Name, out var ours)) continue;
                var expected = t.Value.EnumerateArray().Select(d => d.ValueKind == System.Text.Json.JsonValueKind.Number ? d.GetInt64().ToString() : d.GetString()!).ToArray();
                Assert.NotNull(ours.Dims);
                var actual = ours.Dims.Select(d => d.ToPython()).ToArray();
                Assert.Equal(expected.Length, actual.Length);
                for (int i = 0; i < expected.Length; i++)
                {
                    // onnx names dims it derives itself unk__N; those are compared only as "not a number"
                    if (expected[i].StartsWith("unk__", StringComparison.Ordinal)) Assert.False(long.TryParse(actual[i], out _), $"{file} {t.Name}[{i}]");
                    else Assert.True(expected[i] == actual[i], $"{file} {t.Name}[{i}]: onnx {expected[i]}, cnnshape {actual[i]}");
                    compared++;
                }
            }
        }
        Assert.True(compared > 900, $"{compared} dims compared");
    }
}

public class OnnxFieldTests
{
    [Fact]
    public void Every_exported_trunk_has_the_receptive_field_measured_in_PyTorch()
    {
        var failures = new List<string>();
        int count = 0;
        foreach (var c in OracleCases.Read("onnx_rf.jsonl"))
        {
            count++;
            string file = c.GetProperty("file").GetString()!;
            using var stream = File.OpenRead(OracleCases.PathOf(Path.Combine("onnx", file)));
            var report = OnnxAnalyzer.Analyze(OnnxReader.Read(stream, file), file);
            var output = report.Tensors[report.Outputs[0]];
            Assert.Equal(Shape.Of(OracleCases.Dims(c.GetProperty("output"))), output.Shape);
            var field = Assert.IsType<CnnShape.ReceptiveFields.SpatialField>(output.Field);
            var unit = OracleCases.Dims(c.GetProperty("unit"));
            var regions = c.GetProperty("region").EnumerateArray().Select(OracleCases.Dims).ToList();
            for (int a = 0; a < 2; a++)
            {
                var f = field.Axes[a];
                var region = CnnShape.ReceptiveFields.Region.Of(f, unit[a], report.Input[2 + a].Value);
                var measured = $"[{regions[a][0]}, {regions[a][1]}]";
                var predicted = $"[{region.First}, {region.Last}]";
                if (measured != predicted) failures.Add($"{file} axis {a}: measured {measured}, cnnshape {predicted} (size {f.Size}, jump {f.Jump}, start {f.Start})");
            }
        }
        Assert.True(count >= 6);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
