using System.Text.Json;
using CnnShape.Rules;
using CnnShape.Solvers;
using CsCheck;

namespace CnnShape.Tests.Solvers;

public class PaddingSolverTests
{
    private static string Solve(JsonElement c)
    {
        long n = c.GetProperty("input").GetInt64(), m = c.GetProperty("output").GetInt64(), k = c.GetProperty("kernel").GetInt64();
        long s = c.GetProperty("stride").GetInt64(), d = c.GetProperty("dilation").GetInt64();
        try
        {
            if (c.GetProperty("transposed").GetBoolean())
            {
                var t = PaddingSolver.Transposed(n, m, k, s, d);
                return $"padding {t.Padding}, output_padding {t.OutputPadding}";
            }
            var w = PaddingSolver.Window(n, m, k, s, d);
            return $"symmetric {w.Symmetric?.ToString() ?? "none"}, before {w.Before}, after {w.After}";
        }
        catch (CnnShapeException)
        {
            return "none";
        }
    }

    private static string Expected(JsonElement c)
    {
        var e = c.GetProperty("expected");
        if (e.ValueKind == JsonValueKind.String) return "none";
        if (e.TryGetProperty("padding", out var p)) return $"padding {p.GetInt64()}, output_padding {e.GetProperty("output_padding").GetInt64()}";
        var sym = e.GetProperty("symmetric");
        return $"symmetric {(sym.ValueKind == JsonValueKind.Null ? "none" : sym.GetInt64().ToString())}, before {e.GetProperty("before").GetInt64()}, after {e.GetProperty("after").GetInt64()}";
    }

    private static readonly List<JsonElement> Cases = [.. OracleCases.Read("pad.jsonl")];

    /// <summary>Every brute-forced problem, named by its line and numbers: <c>17: 32→16 k3 s2 d1</c> (<c>T</c> when transposed).</summary>
    public static TheoryData<string> Names => [.. Cases.Select((c, i) =>
        $"{i}: {c.GetProperty("input")}→{c.GetProperty("output")} k{c.GetProperty("kernel")} s{c.GetProperty("stride")} d{c.GetProperty("dilation")}{(c.GetProperty("transposed").GetBoolean() ? " T" : "")}")];

    [Theory]
    [MemberData(nameof(Names))]
    public void The_brute_forced_case_agrees_with_PyTorch(string name)
    {
        var c = Cases[int.Parse(name[..name.IndexOf(':')], System.Globalization.CultureInfo.InvariantCulture)];

        Assert.Equal(Expected(c), Solve(c));
    }

    [Fact]
    public void The_oracle_holds_over_a_thousand_problems() => Assert.True(Cases.Count >= 1000, $"{Cases.Count} problems");

    private static readonly Gen<(long N, long M, long K, long S, long D)> Problem =
        Gen.Select(Gen.Long[1, 2000], Gen.Long[1, 2000], Gen.Long[1, 11], Gen.Long[1, 8], Gen.Long[1, 4]);

    [Fact]
    public void Every_window_answer_computed_forward_gives_the_target_and_no_smaller_total_does()
    {
        Problem.Sample(p =>
        {
            PaddingAnswer a;
            try { a = PaddingSolver.Window(p.N, p.M, p.K, p.S, p.D); }
            catch (CnnShapeException)
            {
                // Refused: then even zero padding already overshoots the target.
                Assert.True(Window.PoolingOutput(p.N, p.K, 0, 0, p.S, p.D, false) > p.M || p.N < p.D * (p.K - 1) + 1 && p.M < 1);
                return;
            }
            Assert.Equal(p.M, Window.PoolingOutput(p.N, p.K, a.Before, a.After, p.S, p.D, false));
            Assert.Equal(p.M, Window.PoolingOutput(p.N, p.K, a.LargestTotal, 0, p.S, p.D, false));
            if (a.SmallestTotal > 0) Assert.NotEqual(p.M, Window.PoolingOutput(p.N, p.K, a.SmallestTotal - 1, 0, p.S, p.D, false));
            if (a.Symmetric is long sym) Assert.Equal(p.M, Window.PoolingOutput(p.N, p.K, sym, sym, p.S, p.D, false));
        });
    }

    [Fact]
    public void Every_transposed_answer_computed_forward_gives_the_target_with_a_legal_output_padding()
    {
        Problem.Sample(p =>
        {
            TransposedPaddingAnswer a;
            try { a = PaddingSolver.Transposed(p.N, p.M, p.K, p.S, p.D); }
            catch (CnnShapeException) { return; }
            Assert.InRange(a.OutputPadding, 0, Math.Max(p.S, p.D) - 1);
            Assert.Equal(p.M, Window.TransposedOutput(p.N, p.K, p.S, a.Padding, a.Padding, p.D, a.OutputPadding));
        });
    }

    [Fact]
    public void An_impossible_target_names_the_reachable_outputs()
    {
        var e = Assert.Throws<CnnShapeException>(() => PaddingSolver.Window(32, 3, 3));

        Assert.Equal("no non-negative padding gives output 3 from input 32 with kernel 3, stride 1, dilation 1: padding only makes the output larger, and with no padding it is already 30 (⌊(32 − 3)/1⌋ + 1). The reachable outputs are 30, 31, 32, …; to get 3, raise the stride or the kernel, or crop the input.", e.Message);
    }

    [Theory]
    [InlineData(0, 5, 3, 1, 1, "the input size must be at least 1, got 0.")]
    [InlineData(5, -1, 3, 1, 1, "the output size must be at least 1, got -1.")]
    [InlineData(5, 5, 0, 1, 1, "the kernel size must be at least 1, got 0.")]
    [InlineData(5, 5, 3, 0, 1, "the stride must be at least 1, got 0.")]
    public void Zero_or_negative_sizes_are_refused_with_the_reason(long n, long m, long k, long s, long d, string message)
    {
        Assert.Equal(message, Assert.Throws<CnnShapeException>(() => PaddingSolver.Window(n, m, k, s, d)).Message);
    }
}
