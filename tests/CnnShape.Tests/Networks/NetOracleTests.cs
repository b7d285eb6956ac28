using System.Text.Json;
using CnnShape.Formats;
using CnnShape.Networks;
using CnnShape.ReceptiveFields;
using CnnShape.Shapes;

namespace CnnShape.Tests.Networks;

public class NetOracleTests
{
    /// <summary>The input interval unit <paramref name="unit"/> sees along one axis, clipped to the image (<see cref="Region"/>); null when it sees only padding.</summary>
    private static long[]? Clipped(AxisField f, long unit, long inputSize) =>
        Region.Of(f, unit, inputSize) is { InsideFirst: long lo, InsideLast: long hi } ? [lo, hi] : null;

    private static string Check(JsonElement c)
    {
        string file = c.GetProperty("kind").GetString() == "yaml" ? "net.yaml" : "model.txt";
        var input = Shape.Of(OracleCases.Dims(c.GetProperty("input")));
        NetworkReport report;
        try
        {
            report = NetworkAnalyzer.Analyze(NetworkText.Read(c.GetProperty("text").GetString()!, file), input);
        }
        catch (CnnShapeException e)
        {
            return c.TryGetProperty("error", out _) ? "" : $"refused: {e.Message}";
        }
        if (c.TryGetProperty("error", out var error)) return $"PyTorch refused ({error.GetString()}) but cnnshape answered";
        var problems = new List<string>();
        foreach (var layer in c.GetProperty("layers").EnumerateArray())
        {
            string name = layer.GetProperty("name").GetString()!;
            var expected = Shape.Of(OracleCases.Dims(layer.GetProperty("output")));
            if (!report.Tensors.TryGetValue(name, out var actual)) problems.Add($"no tensor '{name}'");
            else if (!actual.Shape.Equals(expected)) problems.Add($"'{name}': expected {expected}, got {actual.Shape}");
        }
        if (c.TryGetProperty("rf", out var rf))
        {
            if (rf.TryGetProperty("input", out var rfInput))
            {
                // the field is measured on an input enlarged until it keeps clear of the borders
                input = Shape.Of(OracleCases.Dims(rfInput));
                report = NetworkAnalyzer.Analyze(NetworkText.Read(c.GetProperty("text").GetString()!, file), input);
            }
            var field = report.Tensors[report.Outputs[0]].Field;
            if (rf.TryGetProperty("global", out _))
            {
                if (field is not GlobalField) problems.Add($"expected a global field, got {field}");
            }
            else if (field is not SpatialField s) problems.Add($"expected a spatial field, got {field}");
            else
            {
                var unit = OracleCases.Dims(rf.GetProperty("unit"));
                var regions = rf.GetProperty("region").EnumerateArray().ToList();
                for (int a = 0; a < s.Axes.Length; a++)
                {
                    var predicted = Clipped(s.Axes[a], unit[a], input[2 + a]);
                    if (predicted is not null && predicted[1] - predicted[0] + 1 != s.Axes[a].Size) problems.Add($"axis {a}: the predicted field [{predicted[0]}, {predicted[1]}] is clipped");
                    var measured = regions[a].ValueKind == JsonValueKind.Null ? null : OracleCases.Dims(regions[a]);
                    string p = predicted is null ? "nothing" : $"[{predicted[0]}, {predicted[1]}]";
                    string m = measured is null ? "nothing" : $"[{measured[0]}, {measured[1]}]";
                    if (p != m) problems.Add($"axis {a} unit {unit[a]}: measured {m}, predicted {p} (size {s.Axes[a].Size}, jump {s.Axes[a].Jump}, start {s.Axes[a].Start})");
                }
            }
        }
        return string.Join("; ", problems);
    }

    private static readonly Dictionary<string, JsonElement> Cases = OracleCases.Read("nets.jsonl").ToDictionary(c => $"{c.GetProperty("kind").GetString()}_{c.GetProperty("id").GetInt32()}", c => c);

    /// <summary>Every generated network, by its kind and id (printed_0, yaml_200, …).</summary>
    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void The_generated_network_agrees_with_PyTorch_in_shapes_and_measured_receptive_fields(string name)
    {
        string problem = Check(Cases[name]);

        Assert.True(problem.Length == 0, problem);
    }

    [Fact]
    public void The_oracle_holds_enough_networks_and_measured_fields()
    {
        Assert.True(Cases.Count >= 150 && Cases.Values.Count(c => c.TryGetProperty("rf", out _)) >= 150, $"{Cases.Count} nets");
    }
}
