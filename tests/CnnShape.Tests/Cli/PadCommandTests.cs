using System.Text.Json;

namespace CnnShape.Tests.Cli;

public class PadCommandTests
{
    [Fact]
    public void Json_answer_has_the_contract_fields()
    {
        var r = CliRunner.Run("pad", "--input", "32", "--output", "16", "--kernel", "3", "--stride", "2", "--json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(1, doc.RootElement.GetProperty("symmetric").GetInt64());
        Assert.Equal(0, doc.RootElement.GetProperty("before").GetInt64());
        Assert.Equal(1, doc.RootElement.GetProperty("after").GetInt64());
    }

    [Fact]
    public void No_even_total_gives_a_null_symmetric_answer()
    {
        var r = CliRunner.Run("pad", "--input", "10", "--output", "10", "--kernel", "4", "--json");

        Assert.Equal("{\"symmetric\":null,\"before\":1,\"after\":2,\"total_min\":3,\"total_max\":3}\n", r.Stdout);
    }

    [Fact]
    public void Onnx_lower_convention_puts_the_extra_before()
    {
        var r = CliRunner.Run("pad", "--input", "10", "--output", "10", "--kernel", "4", "--convention", "onnx-lower", "--json");

        Assert.StartsWith("{\"symmetric\":null,\"before\":2,\"after\":1", r.Stdout);
    }

    [Fact]
    public void Transposed_answer_gives_padding_and_output_padding()
    {
        var r = CliRunner.Run("pad", "--input", "8", "--output", "16", "--kernel", "3", "--stride", "2", "--transposed", "--json");

        Assert.Equal("{\"padding\":1,\"output_padding\":1}\n", r.Stdout);
    }

    [Fact]
    public void Impossible_target_exits_2_and_says_what_is_reachable()
    {
        var r = CliRunner.Run("pad", "--input", "32", "--output", "3", "--kernel", "3", "--json");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("The reachable outputs are 30, 31, 32", JsonDocument.Parse(r.Stdout).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public void Batch_answers_each_line()
    {
        using var files = new TempFiles();
        var file = Path.Combine(files.Folder, "batch.jsonl");
        File.WriteAllLines(file,
        [
            "{\"input\": 32, \"output\": 16, \"kernel\": 3, \"stride\": 2, \"dilation\": 1, \"transposed\": false}",
            "{\"input\": 8, \"output\": 16, \"kernel\": 4, \"stride\": 2, \"transposed\": true}",
            "{\"input\": 32, \"output\": 3, \"kernel\": 3}",
            "{\"input\": \"x\"}",
            "garbage",
        ]);

        var lines = CliRunner.Run("pad", "--batch", file).Stdout.TrimEnd('\n').Split('\n');

        Assert.Equal(5, lines.Length);
        Assert.Equal("{\"symmetric\":1,\"before\":0,\"after\":1,\"total_min\":1,\"total_max\":2}", lines[0]);
        Assert.Equal("{\"padding\":1,\"output_padding\":0}", lines[1]);
        Assert.StartsWith("{\"error\":\"line 3: no non-negative padding", lines[2]);
        Assert.StartsWith("{\"error\":\"line 4: \\\"input\\\" must be an integer", lines[3]);
        Assert.StartsWith("{\"error\":\"line 5: not a JSON object", lines[4]);
    }
}
