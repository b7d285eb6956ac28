using System.Text.Json;
using CnnShape.Formats;
using CnnShape.Networks;
using CnnShape.ReceptiveFields;
using CnnShape.Shapes;

namespace CnnShape.Tests.Networks;

/// <summary>
/// Receptive fields that change from unit to unit (upsampling in every mode, transposed convolutions, adaptive pooling,
/// pixel shuffles, crops and pads): every unit along the middle row and column, against the gradient support PyTorch
/// measured (oracle/gen_fields.py).
/// </summary>
public class FieldOracleTests
{
    private static readonly Dictionary<string, JsonElement> Cases = OracleCases.Read("fields.jsonl")
        .ToDictionary(c => $"fields/{c.GetProperty("id").GetInt32()}: {c.GetProperty("text").GetString()!.Trim().Replace("\n", "; ", StringComparison.Ordinal)}", c => c);

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_unit_sees_what_PyTorch_measured(string name)
    {
        var c = Cases[name];
        var input = Shape.Of(OracleCases.Dims(c.GetProperty("input")));
        var report = NetworkAnalyzer.Analyze(LayerLinesReader.Read(c.GetProperty("text").GetString()!, "net.txt"), input);
        var output = report.Tensors[report.Outputs[0]];
        Assert.Equal(OracleCases.Dims(c.GetProperty("output")), output.Shape.ToArray());
        var field = Assert.IsType<SpatialField>(output.Field);
        var problems = new List<string>();
        foreach (var axis in c.GetProperty("axes").EnumerateArray())
        {
            int a = axis.GetProperty("axis").GetInt32();
            var other = OracleCases.Dims(axis.GetProperty("other"));
            // a unit sees the product of its axes' regions: nothing at all when its unit on another axis sees nothing
            bool otherSees = Enumerable.Range(0, other.Length).Where(b => b != a).All(b => Region.Of(field.Axes[b], other[b], input[2 + b]).InsideFirst is not null);
            foreach (var unit in axis.GetProperty("units").EnumerateObject())
            {
                long u = long.Parse(unit.Name, System.Globalization.CultureInfo.InvariantCulture);
                var region = Region.Of(field.Axes[a], u, input[2 + a]);
                string predicted = region.InsideFirst is long lo && otherSees ? $"[{lo}, {region.InsideLast}]" : "nothing";
                string measured = unit.Value.ValueKind == JsonValueKind.Null ? "nothing" : $"[{unit.Value[0].GetInt64()}, {unit.Value[1].GetInt64()}]";
                if (predicted != measured) problems.Add($"axis {a} unit {u}: measured {measured}, cnnshape {predicted} (unclipped [{region.First}, {region.Last}])");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(12)));
    }
}
