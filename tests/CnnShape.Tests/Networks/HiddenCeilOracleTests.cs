using System.Text.Json;
using CnnShape.Formats;
using CnnShape.Networks;
using CnnShape.Shapes;

namespace CnnShape.Tests.Networks;

/// <summary>
/// print(model) hides AvgPool's ceil_mode (oracle/gen_nets.py, hidden.jsonl: 120 printed Sequentials whose AvgPools may
/// set it). cnnshape reads the text as PyTorch would run it with ceil_mode=False, and warns at exactly the AvgPools where
/// ceil_mode=True would give another output, or run where False is refused — whether the network then runs or fails.
/// </summary>
public class HiddenCeilOracleTests
{
    private static readonly Dictionary<string, JsonElement> Cases = OracleCases.Read("hidden.jsonl").ToDictionary(c => c.GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), c => c);

    public static TheoryData<string> Ids => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Ids))]
    public void An_AvgPool_whose_hidden_ceil_mode_changes_the_answer_is_warned_and_no_other(string id)
    {
        var c = Cases[id];
        var run = NetworkAnalyzer.Run(NetworkText.Read(c.GetProperty("text").GetString()!, "model.txt"), Shape.Of(OracleCases.Dims(c.GetProperty("input"))));

        // the text as read: PyTorch's outputs up to where it refuses
        var layers = c.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(c.TryGetProperty("error", out _), run.Failure is not null);
        Assert.Equal(layers.Select(l => $"{l.GetProperty("name").GetString()} {Shape.Of(OracleCases.Dims(l.GetProperty("output")))}"),
            run.Report.Layers.Select(r => $"{r.Name} {Symbolic.Dim.Format(r.Output!)}"));
        // the warnings: one per AvgPool where ceil_mode=True would change the answer
        var expected = c.GetProperty("changes").EnumerateArray().Select(x => $"'{x.GetString()}'").ToList();
        var warned = run.Report.Warnings.Where(w => w.Contains("does not show", StringComparison.Ordinal))
            .Select(w => w[w.IndexOf('\'', StringComparison.Ordinal)..(w.IndexOf('\'', w.IndexOf('\'', StringComparison.Ordinal) + 1) + 1)]).ToList();
        Assert.Equal(expected, warned);
    }

    [Fact]
    public void The_oracle_holds_nets_where_the_hidden_argument_matters_both_ways()
    {
        Assert.Equal(120, Cases.Count);
        Assert.Contains(Cases.Values, c => c.GetProperty("changes").GetArrayLength() > 0 && !c.TryGetProperty("error", out _));
        Assert.Contains(Cases.Values, c => c.GetProperty("changes").GetArrayLength() > 0 && c.TryGetProperty("error", out _));
    }
}
