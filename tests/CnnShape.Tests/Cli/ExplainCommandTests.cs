using System.Text.Json;
using CnnShape.Diagnosis;

namespace CnnShape.Tests.Cli;

/// <summary>cnnshape explain: every shape error PyTorch raised in oracle/gen_errors.py (whole tracebacks) is read, with its numbers.</summary>
public sealed class ExplainCommandTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly List<JsonElement> Errors = [.. OracleCases.Read("errors.jsonl")];

    public static TheoryData<int> Indices => [.. Enumerable.Range(0, Errors.Count)];

    [Theory]
    [MemberData(nameof(Indices))]
    public void A_PyTorch_traceback_is_read_with_its_numbers(int index)
    {
        var c = Errors[index];
        var explained = PyTorchErrors.Explain(c.GetProperty("text").GetString()!);

        Assert.NotNull(explained);
        Assert.Equal(c.GetProperty("kind").GetString(), explained.Kind);
        var numbers = c.GetProperty("numbers");
        if (numbers.TryGetProperty("in_features", out var f))
        {
            Assert.Equal(f.GetInt64(), explained.Expected);
            Assert.Equal(numbers.GetProperty("features").GetInt64(), explained.Actual);
        }
        if (numbers.TryGetProperty("expected", out var e))
        {
            Assert.Equal(e.GetInt64(), explained.Expected);
            Assert.Equal(numbers.GetProperty("actual").GetInt64(), explained.Actual);
        }
    }

    [Fact]
    public void With_the_network_the_error_is_located_and_the_fixes_given()
    {
        var net = _files.Write("lenet.txt", "input: 1x1x64x64\nConv2d(1, 6, 5)\nReLU()\nMaxPool2d(2)\nConv2d(6, 16, 5)\nReLU()\nMaxPool2d(2)\nFlatten()\nLinear(16 * 5 * 5, 120)\nLinear(120, 10)\n");

        var r = CliRunner.Run("explain", "RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x2704 and 400x120)", "--net", net, "--json");

        Assert.Equal(0, r.ExitCode);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal("linear-features", root.GetProperty("kind").GetString());
        Assert.Contains("on line 9", root.GetProperty("located").GetString());
        var fix = root.GetProperty("diagnosis").GetProperty("fixes")[0];
        Assert.Equal("Linear(16 * 13 * 13, 120)", fix.GetProperty("edits")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void An_error_that_is_not_a_shape_error_is_refused()
    {
        var r = CliRunner.Run("explain", "CUDA out of memory. Tried to allocate 2.00 GiB");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a shape error cnnshape knows", r.Stderr);
    }
}
