using System.Text.Json;

namespace CnnShape.Tests.Cli;

public sealed class NetCommandTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string Write(string name, string text) => _files.Write(name, text);

    private const string Residual = """
        # a residual block
        input: 1x8x16x16
        layers:
          - conv1: Conv2d(8, 8, 3, padding=1, bias=False)
          - bn1: BatchNorm2d(8)
          - relu1: ReLU()
          - conv2: Conv2d(8, 8, 3, padding=1, bias=False)
          - sum: {add: [conv2, input]}
          - out: ReLU()
        """;

    [Fact]
    public void Json_holds_the_contract_fields_with_names_shapes_and_fields()
    {
        var r = CliRunner.Run("net", Write("block.yaml", Residual), "--json");

        Assert.Equal(0, r.ExitCode);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal([1, 8, 16, 16], root.GetProperty("input").EnumerateArray().Select(x => x.GetInt64()));
        Assert.Equal(["conv1", "bn1", "relu1", "conv2", "sum", "out"], root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()));
        Assert.Equal("Add", root.GetProperty("layers")[4].GetProperty("type").GetString());
        Assert.True(root.GetProperty("tensors").TryGetProperty("input", out _));
        var rf = root.GetProperty("outputs").GetProperty("out").GetProperty("rf");
        // two 3×3 convolutions (union with the identity path): 5 pixels, starting 2 before the image
        Assert.Equal([5, 5], rf.GetProperty("size").EnumerateArray().Select(x => x.GetInt64()));
        Assert.Equal([-2, -2], rf.GetProperty("start").EnumerateArray().Select(x => x.GetInt64()));
    }

    [Fact]
    public void Input_option_overrides_the_declared_input()
    {
        var r = CliRunner.Run("net", Write("block.yaml", Residual), "--input", "2x8x9x9", "--json");

        Assert.Equal([2, 8, 9, 9], JsonDocument.Parse(r.Stdout).RootElement.GetProperty("output").EnumerateArray().Select(x => x.GetInt64()));
    }

    [Fact]
    public void A_shape_mismatch_at_a_merge_names_the_node_and_both_shapes()
    {
        var r = CliRunner.Run("net", Write("bad.yaml", Residual.Replace("padding=1, bias=False)\n  - sum", "bias=False)\n  - sum")));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.yaml:8: merge 'sum'", r.Stderr);
        Assert.Contains("'conv2' is [1, 8, 14, 14] and 'input' is [1, 8, 16, 16]", r.Stderr);
    }

    [Fact]
    public void Cycles_and_unknown_names_are_refused_with_their_lines()
    {
        var cycle = CliRunner.Run("net", Write("cycle.yaml", "input: 1x3x8x8\nlayers:\n  - a: {layer: ReLU(), from: b}\n  - b: {layer: ReLU(), from: a}\n"));
        var unknown = CliRunner.Run("net", Write("unknown.yaml", "input: 1x3x8x8\nlayers:\n  - a: {layer: ReLU(), from: inptu}\n"));

        Assert.Equal(2, cycle.ExitCode);
        Assert.Contains("the network has a cycle: 'a' (cycle.yaml:3), 'b' (cycle.yaml:4)", cycle.Stderr);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown.yaml:3: 'a' reads 'inptu', which no layer defines (did you mean 'input'?)", unknown.Stderr);
    }

    [Fact]
    public void A_custom_module_in_printed_text_is_refused_with_the_two_formats_that_can_express_it()
    {
        var text = "ResNet(\n  (conv1): Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False)\n  (layer1): Sequential(\n    (0): BasicBlock(\n      (conv1): Conv2d(64, 64, kernel_size=(3, 3))\n    )\n  )\n)\n";
        var r = CliRunner.Run("net", Write("resnet.txt", text), "--input", "1x3x64x64");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("resnet.txt:1: the model is a 'ResNet', not an nn.Sequential", r.Stderr);
        Assert.Contains("YAML format", r.Stderr);
        Assert.Contains("ONNX", r.Stderr);
    }

    [Theory]
    [InlineData("model.txt", "Sequential(\n  (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))\n", "the model ends before its last ')'")]
    [InlineData("model.txt", "Sequential(\n  (0): Conv2d(3, 8, kernel_size=(3, 3)\n)\n", "model.txt:2:39: layer '0' `Conv2d(3, 8, kernel_size=(3, 3)`: cannot read the layer text: the call is not closed")]
    [InlineData("net.yaml", "input: 1x3x8x8\nlayers:\n  - a: [1, 2\n", "net.yaml:4:1: not valid YAML")]
    [InlineData("net.yaml", "input: 1x3x8x8\nlayers:\n  - a: {add: [input]}\n", "net.yaml:3: 'add' needs a list of at least two names")]
    [InlineData("net.yaml", "input: 1x3x8x8\nlayerz: []\n", "net.yaml:2: unknown key 'layerz'")]
    [InlineData("lines.txt", "Conv2d(3, 8, 3)\nConv2d(9, 8, 3)\n", "lines.txt:2: layer '1' `Conv2d(9, 8, 3)` on input [1, 8, 30, 30]: Conv2d: expected input [1, 8, 30, 30] to have 9 channels")]
    public void Malformed_files_are_refused_naming_file_line_and_problem(string name, string text, string expected)
    {
        var r = CliRunner.Run("net", Write(name, text), "--input", "1x3x32x32");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
    }

    [Fact]
    public void Unit_option_prints_the_region_one_output_unit_sees()
    {
        var r = CliRunner.Run("net", Write("lines.txt", "input: 1x1x10x10\nConv2d(1, 1, 3, padding=1)\nMaxPool2d(2)\n"), "--unit", "0,4");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("H: input [-1, 2] unclipped; [0, 2] inside the image (size 10)", r.Stdout);
        Assert.Contains("W: input [7, 10] unclipped; [7, 9] inside the image (size 10)", r.Stdout);
    }

    [Fact]
    public void A_hundred_thousand_layer_network_is_analysed_without_overflowing_the_stack()
    {
        var lines = new System.Text.StringBuilder("input: 1x4x8x8\n");
        for (int i = 0; i < 100_000; i++) lines.Append(i % 2 == 0 ? "Conv2d(4, 4, 3, padding=1)\n" : "ReLU()\n");

        var r = CliRunner.Run("net", Write("deep.txt", lines.ToString()), "--json");

        Assert.Equal(0, r.ExitCode);
        var rf = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("outputs").GetProperty("99999").GetProperty("rf");
        Assert.Equal(100_001, rf.GetProperty("size")[0].GetInt64());
    }
}

public class LayerLineNameTests
{
    [Fact]
    public void Lines_copied_from_print_model_keep_their_child_names()
    {
        var network = CnnShape.Formats.NetworkText.Read("(conv1): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))\n(act): ReLU(inplace=True)\n", "lines.txt");
        var report = CnnShape.Networks.NetworkAnalyzer.Analyze(network, CnnShape.Shapes.Shape.Of(1, 3, 10, 10));

        Assert.Equal(["conv1", "act"], report.Layers.Select(l => l.Name));
        Assert.Equal(CnnShape.Shapes.Shape.Of(1, 8, 8, 8), report.Tensors["act"].Shape);
    }
}

public sealed class EvalModeTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string Write(string name, string text) => _files.Write(name, text);

    [Fact]
    public void Batch_norm_on_one_value_per_channel_is_refused_in_training_mode_and_fine_in_eval_mode()
    {
        var path = Path.Combine(_files.Folder, "head.txt");
        File.WriteAllText(path, "input: 1x8x4x4\nFlatten()\nLinear(128, 16)\nBatchNorm1d(16)\nReLU()\n");

        var training = CliRunner.Run("net", path);
        var eval = CliRunner.Run("net", path, "--eval", "--json");

        Assert.Equal(2, training.ExitCode);
        Assert.Contains("expected more than 1 value per channel when training", training.Stderr);
        Assert.Equal(0, eval.ExitCode);
        Assert.Contains("\"output\":[1,16]", eval.Stdout);
    }

    [Fact]
    public void An_empty_printed_Sequential_child_runs_nothing()
    {
        var r = CliRunner.Run("net", Write("model.txt", "Sequential(\n  (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))\n  (1): Sequential()\n  (2): ReLU()\n)\n"), "--input", "1x3x8x8", "--json");

        Assert.Equal(0, r.ExitCode);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(["0", "2"], root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()));
    }

    [Fact]
    public void A_unit_made_by_padding_after_a_crop_sees_no_input_pixel()
    {
        var path = Write("crop.yaml", "input: 1x1x10x10\nlayers:\n  - crop: ZeroPad2d(-2)\n  - pad: ZeroPad2d(2)\n");

        var padding = CliRunner.Run("net", path, "--unit", "0,0");
        var image = CliRunner.Run("net", path, "--unit", "2,7");

        Assert.Contains("H: input [0, 0] unclipped; nothing inside the image", padding.Stdout);
        Assert.Contains("H: input [2, 2] unclipped; [2, 2] inside the image", image.Stdout);
        Assert.Contains("W: input [7, 7] unclipped; [7, 7] inside the image", image.Stdout);
    }

    [Fact]
    public void A_directory_a_binary_file_and_control_bytes_are_refused_clearly()
    {
        var folder = CliRunner.Run("net", _files.Folder);
        var binary = CliRunner.Run("net", _files.Write("weights.bin", [0x01, 0x00, 0x02, 0xff]));
        var escape = CliRunner.Run("net", Write("bad.txt", "Conv2dd\u001b[2J(3, 8, 3)\n"), "--input", "1x3x8x8");

        Assert.Equal(2, folder.ExitCode);
        Assert.Contains("is a directory", folder.Stderr);
        Assert.Equal(2, binary.ExitCode);
        Assert.Contains("binary data", binary.Stderr);
        Assert.Equal(2, escape.ExitCode);
        Assert.DoesNotContain("\u001b", escape.Stderr);
        Assert.Contains("\\u001b", escape.Stderr);
    }

    [Fact]
    public void Onnx_is_recognised_by_its_bytes_whatever_the_file_is_called()
    {
        var bytes = File.ReadAllBytes(OracleCases.PathOf(Path.Combine("onnx", "alexnet_224.onnx")));

        var r = CliRunner.Run("net", _files.Write("model.bin", bytes), "--json");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal([1, 1000], JsonDocument.Parse(r.Stdout).RootElement.GetProperty("output").EnumerateArray().Select(x => x.GetInt64()));
    }
}

public sealed class PythonNetCommandTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string Write(string name, string text) => _files.Write(name, text);

    private const string LeNet = """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F


        class Net(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.features = nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2))
                self.fc1 = nn.Linear(6 * 14 * 14, num_classes)

            def forward(self, x):
                x = self.features(x)
                x = x.view(x.size(0), -1)
                return F.log_softmax(self.fc1(x), dim=1)


        if __name__ == "__main__":
            print(Net()(torch.randn(2, 3, 32, 32)).shape)
        """;

    [Fact]
    public void Python_source_gives_a_row_per_call_named_as_named_modules_with_the_line_of_each()
    {
        var r = CliRunner.Run("net", Write("lenet.py", LeNet), "--json", "--args", "num_classes=7");

        Assert.Equal(0, r.ExitCode);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(["features.0", "features.1", "features.2", "view", "fc1", "F.log_softmax"], layers.Select(l => l.GetProperty("name").GetString()));
        Assert.Equal([13, 13, 13, 14, 15, 15], layers.Select(l => l.GetProperty("line").GetInt32()));
        // the input the file makes, said so
        Assert.Equal([2, 3, 32, 32], root.GetProperty("input").EnumerateArray().Select(x => x.GetInt64()));
        Assert.Contains(root.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("line 19 of lenet.py makes it"));
        Assert.Equal([2, 7], layers[^1].GetProperty("output").EnumerateArray().Select(x => x.GetInt64()));
    }

    [Fact]
    public void Python_source_that_fails_gives_the_statement_and_fixes_as_source_edits()
    {
        var r = CliRunner.Run("net", Write("lenet.py", LeNet), "--input", "1x3x64x64", "--json");

        Assert.Equal(2, r.ExitCode);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal("fc1", root.GetProperty("at").GetProperty("layer").GetString());
        Assert.Equal(15, root.GetProperty("at").GetProperty("line").GetInt32());
        var first = root.GetProperty("fixes")[0];
        Assert.Equal("        self.fc1 = nn.Linear(6 * 14 * 14, num_classes)".Replace("6 * 14 * 14", "5400", StringComparison.Ordinal),
            first.GetProperty("edits")[0].GetProperty("text").GetString());
        Assert.StartsWith("cnnshape: lenet.py:15:", r.Stderr);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_named_in_words_not_dotnet_types()
    {
        var r = CliRunner.Run("pad", "--input", "abc", "--output", "3", "--kernel", "3");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("cnnshape: --input takes a whole number, not 'abc'. Run `cnnshape --help` for usage.\n", r.Stderr);
    }

    [Fact]
    public void Python_options_are_checked()
    {
        var missing = CliRunner.Run("net", Write("lenet.py", LeNet), "--class", "LeNet");
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("cnnshape: lenet.py: the file defines no class or function 'LeNet' (did you mean 'Net'?); its nn.Module classes are: Net.\n", missing.Stderr);

        var yaml = CliRunner.Run("net", Write("net.txt", "Conv2d(3, 8, 3)\n"), "--input", "1x3x8x8", "--args", "num_classes=3");
        Assert.Equal(2, yaml.ExitCode);
        Assert.Contains("--class and --args are for Python source", yaml.Stderr);
    }
}
