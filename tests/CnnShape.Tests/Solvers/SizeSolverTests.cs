using CnnShape.Formats;
using CnnShape.Shapes;
using CnnShape.Solvers;
using CsCheck;

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

public class ConfigurationSolverTests
{
    private static readonly WindowKind[] All = [WindowKind.Convolution, WindowKind.MaxPool, WindowKind.AvgPool, WindowKind.Transposed];

    private static string Name(WindowKind k) => k switch { WindowKind.Convolution => "conv", WindowKind.MaxPool => "maxpool", WindowKind.AvgPool => "avgpool", _ => "transposed" };

    [Fact]
    public void Every_solution_PyTorch_finds_by_brute_force_and_only_those_are_found()
    {
        var failures = new List<string>();
        foreach (var c in OracleCases.Read("solve.jsonl"))
        {
            var b = c.GetProperty("bounds");
            var bounds = new SearchBounds(b.GetProperty("kernel").GetInt64(), b.GetProperty("stride").GetInt64(), b.GetProperty("padding").GetInt64(), b.GetProperty("dilation").GetInt64());
            long n = c.GetProperty("input").GetInt64(), m = c.GetProperty("output").GetInt64();
            var ours = ConfigurationSolver.Solve(n, m, All, bounds).Solutions
                .Select(s => $"{Name(s.Kind)} {s.Kernel} {s.Stride} {s.Padding} {s.Dilation} {s.OutputPadding}").Order(StringComparer.Ordinal).ToList();
            var expected = c.GetProperty("solutions").EnumerateArray()
                .Select(s => string.Join(" ", s.EnumerateArray().Select(x => x.ValueKind == System.Text.Json.JsonValueKind.String ? x.GetString() : x.GetInt64().ToString()))).Order(StringComparer.Ordinal).ToList();
            if (!ours.SequenceEqual(expected))
            {
                failures.Add($"{n} → {m}: missing [{string.Join("; ", expected.Except(ours).Take(5))}], extra [{string.Join("; ", ours.Except(expected).Take(5))}]");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Every_printed_solution_computed_forward_gives_the_target()
    {
        Gen.Select(Gen.Long[1, 300], Gen.Long[1, 300]).Sample((n, m) =>
        {
            foreach (var s in ConfigurationSolver.Solve(n, m, All, new SearchBounds(5, 4, 3, 2)).Solutions.Take(50))
            {
                var input = Shape.Of(1, 1, n, n);
                string text = s.Code().Replace("C, C", "1, 1", StringComparison.Ordinal);
                Assert.Equal(m, LayerEngine.Apply(text, input).Output[3]);
            }
        }, iter: 200);
    }

    [Fact]
    public void Solutions_come_usual_designs_first_and_a_huge_space_is_refused()
    {
        var solutions = ConfigurationSolver.Solve(32, 16, All, new SearchBounds(7, 4, 3, 2)).Solutions.ToList();

        // the usual halving designs lead: k3/s2/p1 convolution, then the odd kernels with "same" padding, then pools of stride = kernel
        Assert.Equal(["nn.Conv2d(C, C, 3, stride=2, padding=1)", "nn.Conv2d(C, C, 5, stride=2, padding=2)", "nn.Conv2d(C, C, 7, stride=2, padding=3)", "nn.MaxPool2d(2)", "nn.AvgPool2d(2)"],
            solutions.Take(5).Select(s => s.Code()));
        // and the rest simplest first: the unusual 1×1 strided pool comes after every usual design
        Assert.True(solutions.FindIndex(s => s.Code() == "nn.MaxPool2d(1, stride=2)") > solutions.FindIndex(s => s.Code() == "nn.Conv2d(C, C, 1, stride=2)"));
        Assert.Contains("lower the largest kernel", Assert.Throws<CnnShapeException>(() => ConfigurationSolver.Solve(32, 16, All, new SearchBounds(100_000, 1000, 1000, 1))).Message);
    }
}

/// <summary>sizes and net are one engine: on every oracle network, a size is accepted exactly when net runs the network at it.</summary>
public class SizesAgreeWithNetTests
{
    private static readonly Dictionary<string, System.Text.Json.JsonElement> Nets = OracleCases.Read("nets.jsonl")
        .ToDictionary(c => $"nets/{c.GetProperty("id").GetInt32()} ({c.GetProperty("kind").GetString()})", c => c);

    public static TheoryData<string> Names => [.. Nets.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Sizes_accepts_exactly_the_sizes_net_runs(string name)
    {
        var c = Nets[name];
        var network = NetworkText.Read(c.GetProperty("text").GetString()!, c.GetProperty("kind").GetString() == "yaml" ? "net.yaml" : "model.txt");
        var input = Shape.Of(OracleCases.Dims(c.GetProperty("input")));
        if (input.Rank < 3) return;
        long to = Math.Min(input[2] + 12, 80);
        var answer = SizeSolver.Solve(network, input, 2, 1, to);
        var accepted = answer.Accepted.SelectMany(r => Enumerable.Range(0, (int)((r.Last - r.Start) / r.Step) + 1).Select(i => r.Start + i * r.Step)).ToHashSet();
        var disagreements = new List<string>();
        for (long n = 1; n <= to; n++)
        {
            bool runs;
            try
            {
                CnnShape.Networks.NetworkAnalyzer.Analyze(network, input.With(2, n));
                runs = true;
            }
            catch (CnnShapeException)
            {
                runs = false;
            }
            if (runs != accepted.Contains(n)) disagreements.Add($"size {n}: net {(runs ? "runs" : "refuses")}, sizes {(accepted.Contains(n) ? "accepts" : "refuses")}");
        }
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements.Take(10)));
    }
}
