using CnnShape.Formats;
using CnnShape.Shapes;
using CnnShape.Solvers;

namespace CnnShape.Tests.Solvers;

public class SizeSolverTests
{
    [Fact]
    public void Every_size_PyTorch_accepts_and_only_those_are_accepted()
    {
        var failures = new List<string>();
        int count = 0;
        foreach (var c in OracleCases.Read("sizes.jsonl"))
        {
            count++;
            var network = NetworkText.Read(c.GetProperty("text").GetString()!, "net.yaml");
            int axis = c.GetProperty("axis").GetInt32();
            var answer = SizeSolver.Solve(network, Shape.Of(OracleCases.Dims(c.GetProperty("input"))), axis, c.GetProperty("from").GetInt64(), c.GetProperty("to").GetInt64());
            var ours = answer.Accepted.SelectMany(r => Enumerable.Range(0, (int)((r.Last - r.Start) / r.Step) + 1).Select(i => r.Start + i * r.Step)).ToList();
            var expected = OracleCases.Dims(c.GetProperty("accepted")).ToList();
            if (!ours.SequenceEqual(expected)) failures.Add($"case {count} axis {axis}: PyTorch accepts [{string.Join(", ", expected.Take(12))}…] ({expected.Count}), cnnshape [{string.Join(", ", ours.Take(12))}…] ({ours.Count})");
        }
        Assert.True(count >= 20);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void A_four_level_unet_accepts_exactly_the_multiples_of_16_and_keeps_their_size()
    {
        var text = File.ReadAllLines(OracleCases.PathOf("sizes.jsonl"))[0];
        var c = System.Text.Json.JsonDocument.Parse(text).RootElement;
        var network = NetworkText.Read(c.GetProperty("text").GetString()!, "net.yaml");

        var answer = SizeSolver.Solve(network, Shape.Of(1, 2, 32, 32), 2, 1, 1_000_000);

        Assert.Equal([(16L, 16L, 1_000_000L)], answer.Accepted);
        Assert.Equal(16, answer.Smallest);
        Assert.StartsWith("n (exactly, on every accepted size", answer.OutputFormula);
    }

    [Fact]
    public void Progressions_group_equally_spaced_runs()
    {
        Assert.Equal([(3L, 2L, 9L), (20L, 1L, 20L)], SizeSolver.Progressions([3, 5, 7, 9, 20]));
        Assert.Equal([(4L, 1L, 4L), (10L, 1L, 10L)], SizeSolver.Progressions([4, 10]));
    }

    [Fact]
    public void Absurd_ranges_are_refused()
    {
        var network = NetworkText.Read("input: 1x1x8x8\nlayers:\n  - a: ReLU()\n", "n.yaml");

        Assert.Contains("narrow it", Assert.Throws<CnnShapeException>(() => SizeSolver.Solve(network, Shape.Of(1, 1, 8, 8), 2, 1, 1L << 40)).Message);
        Assert.Contains("1 ≤ from ≤ to", Assert.Throws<CnnShapeException>(() => SizeSolver.Solve(network, Shape.Of(1, 1, 8, 8), 2, 0, 5)).Message);
        Assert.Contains("not a dimension", Assert.Throws<CnnShapeException>(() => SizeSolver.Solve(network, Shape.Of(1, 1, 8, 8), 7, 1, 5)).Message);
    }
}
