using System.Text.Json;

namespace CnnShape.Tests.Cli;

public class LayerCommandTests
{
    /// <summary>From this many lines in one read <c>layer --batch</c> splits the work across the cores (LayerBatch.ParallelThreshold).</summary>
    private const int LayerBatchParallelThreshold = 2048;

    [Fact]
    public void Json_answer_holds_the_output_shape_as_PyTorch_prints_it()
    {
        var r = CliRunner.Run("layer", "nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)", "--input", "1x3x224x224", "--json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal([1, 64, 112, 112], doc.RootElement.GetProperty("output").EnumerateArray().Select(x => x.GetInt64()));
        Assert.Equal(9408, doc.RootElement.GetProperty("params").GetInt64());
    }

    [Fact]
    public void Python_integer_powers_are_evaluated_exactly()
    {
        var r = CliRunner.Run("layer", "nn.Linear(2**10, 2**3)", "--input", "4x1024", "--json");

        Assert.Equal("{\"output\":[4,8],\"params\":8200,\"macs\":32768}\n", r.Stdout);
    }

    [Fact]
    public void Comma_separated_shapes_and_the_printed_form_are_accepted()
    {
        var r = CliRunner.Run("layer", "Upsample(scale_factor=2.0, mode=nearest)", "--input", "1,3,7,9", "--json");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("{\"output\":[1,3,14,18],\"params\":0,\"macs\":0}\n", r.Stdout);
    }

    [Fact]
    public void A_refusal_exits_2_with_the_rule_in_one_paragraph_and_no_stack_trace()
    {
        var r = CliRunner.Run("layer", "MaxPool2d(kernel_size=2, padding=2)", "--input", "1x3x8x8");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("MaxPool2d: padding 2 on axis H is more than half of the kernel size (2): PyTorch allows at most 1.", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.Single(r.Stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public void With_json_a_refusal_is_an_error_object_on_stdout()
    {
        var r = CliRunner.Run("layer", "nn.Conv2d(3, 64, 7, strides=2)", "--input", "1x3x224x224", "--json");

        Assert.Equal(2, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("layer `nn.Conv2d(3, 64, 7, strides=2)`: Conv2d() has no argument 'strides' — did you mean 'stride'? Its arguments are: in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device, dtype.",
            doc.RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("nn.Conv2d(3, 64, 7", "column 19")]
    [InlineData("", "the text is empty")]
    [InlineData("Conv2d(3, 64, 3) trailing", "unexpected text after the closing ')'")]
    [InlineData("Conv2d(3, 64, 99999999999999999999)", "does not fit in 64 bits")]
    [InlineData("Conv2d(3, 64, 3, padding=4611686018427387904)", "does not fit in 64-bit integers")]
    [InlineData("Conv2d(3, 64, 3, padding=2**62)", "does not fit in 64-bit integers")]
    [InlineData("Conv2d(3, 64, 2**64)", "2 ** 64 does not fit in 64 bits")]
    [InlineData("Conv2d(3, 'x', 3)", "out_channels must be an int")]
    [InlineData("Conv2dd(3, 64, 3)", "did you mean 'Conv2d'?")]
    [InlineData("Conv2d(3, 64)", "missing the required argument 'kernel_size'")]
    [InlineData("Conv2d(3, 64, 3, stride=1, stride=2)", "keyword argument 'stride' is repeated")]
    [InlineData("Conv2d(3, 64, kernel_size=3, 1)", "positional argument follows a keyword argument")]
    [InlineData("((((((((", "a layer name such as Conv2d was expected")]
    public void Malformed_layer_text_is_refused_with_the_place_and_the_rule(string text, string expected)
    {
        var r = CliRunner.Run("layer", text, "--input", "1x3x8x8");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
    }

    [Theory]
    [InlineData("1x3x-8x8", "negative")]
    [InlineData("1xax8", "not a whole number")]
    [InlineData("", "no dimensions")]
    public void A_malformed_shape_is_refused(string shape, string expected)
    {
        var r = CliRunner.Run("layer", "ReLU()", "--input", shape);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
    }

    [Fact]
    public void Batch_answers_every_line_in_order_and_a_bad_line_gets_its_own_error()
    {
        using var files = new TempFiles();
        var file = Path.Combine(files.Folder, "batch.jsonl");
        File.WriteAllLines(file,
        [
            "{\"layer\": \"nn.Conv2d(3, 8, 3)\", \"input\": [1, 3, 8, 8], \"note\": \"ignored\"}",
            "not json",
            "{\"layer\": \"MaxPool2d(2)\", \"input\": [1, 3, 1, 1]}",
            "{\"layer\": \"ReLU()\", \"input\": [2, \"x\"]}",
            "{\"layer\": \"AvgPool2d(3, ceil_mode=True)\", \"input\": [1, 2, 10, 10]}",
        ]);

        var r = CliRunner.Run("layer", "--batch", file);

        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("{\"output\":[1,8,6,6]", lines[0]);
        Assert.StartsWith("{\"error\":\"line 2: not a JSON object", lines[1]);
        Assert.StartsWith("{\"error\":\"line 3: layer `MaxPool2d(2)` on input [1, 3, 1, 1]", lines[2]);
        Assert.StartsWith("{\"error\":\"line 4: \\\"input\\\" must hold integers", lines[3]);
        Assert.StartsWith("{\"output\":[1,2,4,4]", lines[4]);
    }

    [Fact]
    public void Batch_files_with_a_byte_order_mark_and_crlf_line_ends_are_read()
    {
        using var files = new TempFiles();
        var file = Path.Combine(files.Folder, "batch.jsonl");
        File.WriteAllBytes(file, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("{\"layer\": \"ReLU()\", \"input\": [2, 3]}\r\n{\"layer\": \"Flatten()\", \"input\": [2, 3, 4]}\r\n")]);

        var r = CliRunner.Run("layer", "--batch", file);

        Assert.Equal("{\"output\":[2,3],\"params\":0,\"macs\":0}\n{\"output\":[2,12],\"params\":0,\"macs\":0}\n", r.Stdout);
    }

    [Fact]
    public void Batch_with_eval_answers_every_line_as_after_model_eval_as_PyTorch_does()
    {
        // every oracle case PyTorch answered after model.eval(), through one batch: same outputs, refused where it refused;
        // four times over, so the batch is split across the cores and repeated requests come from the answer cache
        var cases = OracleCases.Read("edges.jsonl").Where(c => c.TryGetProperty("mode", out var m) && m.GetString() == "eval").ToList();
        cases = [.. cases, .. cases, .. cases, .. cases];
        using var files = new TempFiles();
        var file = Path.Combine(files.Folder, "eval.jsonl");
        File.WriteAllLines(file, cases.Select(c => JsonSerializer.Serialize(new { layer = c.GetProperty("layer").GetString(), input = OracleCases.Dims(c.GetProperty("input")) })));

        var eval = CliRunner.Run("layer", "--batch", file, "--eval");
        var training = CliRunner.Run("layer", "--batch", file);

        var answers = eval.Stdout.TrimEnd('\n').Split('\n');
        Assert.True(cases.Count > LayerBatchParallelThreshold, $"{cases.Count} eval lines");
        Assert.Equal(cases.Count, answers.Length);
        for (int i = 0; i < cases.Count; i++)
        {
            string expected = cases[i].TryGetProperty("output", out var o) ? $"{{\"output\":{JsonSerializer.Serialize(OracleCases.Dims(o))}," : "{\"error\":";
            Assert.True(answers[i].StartsWith(expected, StringComparison.Ordinal), $"line {i + 1}: {cases[i].GetProperty("layer")} on {cases[i].GetProperty("input")} in eval mode: expected {expected}…, got {answers[i]}");
        }
        // the same lines without --eval differ where the mode matters (BatchNorm1d(2) on [1, 2], Dropout2d() on [3])
        Assert.NotEqual(eval.Stdout, training.Stdout);
    }

    [Fact]
    public void Transposed_output_size_picks_the_output_padding_or_names_the_valid_range()
    {
        var ok = CliRunner.Run("layer", "ConvTranspose2d(8, 4, 3, stride=2, padding=1)", "--input", "1x8x7x7", "--output-size", "1x4x14x14", "--json");
        var bad = CliRunner.Run("layer", "ConvTranspose2d(8, 4, 3, stride=2, padding=1)", "--input", "1x8x7x7", "--output-size", "15x15");

        Assert.Equal("{\"output\":[1,4,14,14],\"params\":292,\"macs\":14112}\n", ok.Stdout);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("valid sizes range from (13, 13) to (14, 14)", bad.Stderr);
    }
}

public class JsonEverywhereTests
{
    [Theory]
    [InlineData("layers", "--json")]
    [InlineData("--json")]
    [InlineData("pad", "--input", "8", "--output", "8", "--kernel", "3", "--json")]
    [InlineData("solve", "--input", "8", "--output", "4", "--json")]
    public void Every_command_writes_one_json_document_with_json(params string[] args)
    {
        var r = CliRunner.Run(args);

        Assert.Equal(0, r.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Stdout);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Undefined, doc.RootElement.ValueKind);
    }

    [Fact]
    public void An_unknown_option_exits_2_with_a_json_error()
    {
        var r = CliRunner.Run("pad", "--inptu", "8", "--json");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--inptu", System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement.GetProperty("error").GetString());
    }
}
