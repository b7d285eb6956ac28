using CnnShape.Formats;
using CnnShape.Networks;
using CnnShape.ReceptiveFields;
using CnnShape.Shapes;

namespace CnnShape.Tests.Networks;

/// <summary>The built-in examples under examples/, against oracle/gen_examples.py's PyTorch runs and measured fields
/// (which reproduce the published AlexNet 195, VGG-16 212 / start −90, ResNet-18 435 and ResNet-50 427 / start −213).</summary>
public class ExampleTests
{
    private static string Repo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "cnnshape.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    public static TheoryData<string> Files() => new(OracleCases.Read("examples.jsonl").Select(c => c.GetProperty("file").GetString()!));

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_example_agrees_with_PyTorch_in_every_tensor_the_parameters_and_the_measured_field(string file)
    {
        var c = OracleCases.Read("examples.jsonl").Single(x => x.GetProperty("file").GetString() == file);
        var network = NetworkText.Read(File.ReadAllText(Path.Combine(Repo(), "examples", file)), file);
        var report = NetworkAnalyzer.Analyze(network, Shape.Of(OracleCases.Dims(c.GetProperty("input"))));

        foreach (var t in c.GetProperty("tensors").EnumerateObject())
        {
            Assert.True(report.Tensors.ContainsKey(t.Name), $"{file}: no tensor '{t.Name}'");
            Assert.Equal(Shape.Of(OracleCases.Dims(t.Value)), report.Tensors[t.Name].Shape);
        }
        Assert.Equal(c.GetProperty("params").GetInt64(), report.TotalParams);

        if (c.TryGetProperty("rf", out var rf))
        {
            var bigger = NetworkAnalyzer.Analyze(network, Shape.Of(OracleCases.Dims(rf.GetProperty("input"))));
            var field = Assert.IsType<SpatialField>(bigger.Tensors[rf.GetProperty("tensor").GetString()!].Field);
            var unit = OracleCases.Dims(rf.GetProperty("unit"));
            var regions = rf.GetProperty("region").EnumerateArray().Select(OracleCases.Dims).ToList();
            for (int a = 0; a < field.Axes.Length; a++)
            {
                var f = field.Axes[a];
                var first = f.Start + f.Jump * unit[a];
                Assert.Equal((Fraction)regions[a][0], first);
                Assert.Equal((Fraction)(regions[a][1] - regions[a][0] + 1), f.Size);
            }
        }
    }
}
