using System.Text;

namespace CnnShape.Tests.Cli;

/// <summary>
/// The refusals people read, one of each kind of rule, compared with approved text (Snapshots/refusals.approved.txt):
/// the command, its exit code and stderr as printed. When they differ, the test writes refusals.received.txt beside the
/// approved file; read the difference, and copy it over the approved file when the new text is the better one.
/// </summary>
public sealed class RefusalSnapshotTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>The refusals: a command line, and for net the file it reads (name, text).</summary>
    private static readonly (string[] Args, (string Name, string Text)? File)[] Cases =
    [
        // one layer: the constructor's rules, the forward's rules, the text itself
        (["layer", "MaxPool2d(kernel_size=2, padding=2)", "--input", "1x3x8x8"], null),
        (["layer", "nn.Conv2d(3, 16, 3)", "--input", "1x4x32x32"], null),
        (["layer", "nn.Conv2d(3, 16, 7)", "--input", "1x3x4x4"], null),
        (["layer", "nn.Conv2d(3, 16, 3)", "--input", "1x3x32"], null),
        (["layer", "nn.Conv2d(3, 16, 3, groups=2)", "--input", "1x3x32x32"], null),
        (["layer", "nn.Conv2d(3, 16, 3, stride=2, padding='same')", "--input", "1x3x32x32"], null),
        (["layer", "nn.ConvTranspose2d(8, 8, 3, stride=2, output_padding=2)", "--input", "1x8x8x8"], null),
        (["layer", "nn.MaxPool2d(3, stride=2)", "--input", "1x8x1x1"], null),
        (["layer", "nn.AvgPool3d(3)", "--input", "1x2x2x8x8"], null),
        (["layer", "nn.Linear(400, 120)", "--input", "1x2704"], null),
        (["layer", "nn.BatchNorm2d(16)", "--input", "1x16x1x1"], null),
        (["layer", "nn.BatchNorm2d(16)", "--input", "1x8x4x4"], null),
        (["layer", "nn.GroupNorm(3, 16)", "--input", "1x16x4x4"], null),
        (["layer", "nn.ReflectionPad2d(4)", "--input", "1x3x4x4"], null),
        (["layer", "nn.Upsample(scale_factor=2, mode='bilinear')", "--input", "1x3x8"], null),
        (["layer", "nn.PixelShuffle(2)", "--input", "1x6x4x4"], null),
        (["layer", "nn.Flatten(2, 5)", "--input", "1x3x4x4"], null),
        (["layer", "nn.Unflatten(1, (4, 5))", "--input", "1x21"], null),
        (["layer", "nn.Conv2d(3, 16, 3, paddin=1)", "--input", "1x3x8x8"], null),
        (["layer", "nn.Conv2e(3, 16, 3)", "--input", "1x3x8x8"], null),
        (["layer", "nn.Conv2d(3, 16, 3", "--input", "1x3x8x8"], null),
        (["layer", "nn.Conv2d(3, 16, 'three')", "--input", "1x3x8x8"], null),
        (["layer", "nn.Linear(4611686018427387904, 4)", "--input", "1x4611686018427387904"], null),
        // shapes
        (["layer", "nn.ReLU()", "--input", "1x-3x8x8"], null),
        (["layer", "nn.ReLU()", "--input", "1xtwox8"], null),
        // networks: their structure, their layers, their merges
        (["net", "lines.txt", "--input", "1x3x32x32"], ("lines.txt", "Conv2d(3, 8, 3)\nConv2d(9, 8, 3)\n")),
        (["net", "merge.yaml"], ("merge.yaml", "input: 1x8x16x16\nlayers:\n  - conv: Conv2d(8, 8, 3)\n  - sum: {add: [conv, input]}\n")),
        (["net", "cycle.yaml"], ("cycle.yaml", "input: 1x3x8x8\nlayers:\n  - a: {layer: ReLU(), from: b}\n  - b: {layer: ReLU(), from: a}\n")),
        (["net", "unknown.yaml"], ("unknown.yaml", "input: 1x3x8x8\nlayers:\n  - a: {layer: ReLU(), from: inptu}\n")),
        (["net", "bad.yaml"], ("bad.yaml", "input: 1x3x8x8\nlayerz: []\n")),
        (["net", "resnet.txt", "--input", "1x3x64x64"], ("resnet.txt", "ResNet(\n  (conv1): Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False)\n  (layer1): Sequential(\n    (0): BasicBlock(\n      (conv1): Conv2d(64, 64, kernel_size=(3, 3))\n    )\n  )\n)\n")),
        (["net", "noinput.txt"], ("noinput.txt", "Conv2d(3, 8, 3)\n")),
        (["net", "model.py", "--input", "1x3x32x32"], ("model.py", "import torch\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 8, 3)\n\n    def forward(self, x):\n        if x.sum() > 0:\n            return x\n        return self.conv(x)\n")),
        (["net", "missing.txt"], null),
        // solvers
        (["pad", "--input", "8", "--output", "2", "--kernel", "3", "--stride", "2"], null),
        (["pad", "--input", "8", "--output", "20", "--kernel", "3", "--stride", "2", "--transposed"], null),
    ];

    [Fact]
    public void Every_kind_of_refusal_reads_as_approved()
    {
        var text = new StringBuilder();
        foreach (var (args, file) in Cases)
        {
            var run = args.ToArray();
            if (file is var (name, body)) run[1] = _files.Write(name, body);
            else if (args[0] == "net") run[1] = Path.Combine(_files.Folder, args[1]);
            var r = CliRunner.Run(run);
            text.Append("$ cnnshape ").Append(string.Join(" ", args.Select(a => a.Contains(' ') || a.Contains('(') ? $"'{a}'" : a))).Append('\n');
            text.Append("exit ").Append(r.ExitCode).Append('\n');
            text.Append(r.Stderr.Replace(_files.Folder + "/", "", StringComparison.Ordinal)).Append('\n');
        }
        string actual = text.ToString();
        string approved = Path.Combine(AppContext.BaseDirectory, "Snapshots", "refusals.approved.txt");
        string expected = File.Exists(approved) ? File.ReadAllText(approved) : "";
        if (actual != expected)
        {
            string received = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Snapshots", "refusals.received.txt");
            File.WriteAllText(received, actual);
        }
        Assert.Equal(expected, actual);
    }
}
