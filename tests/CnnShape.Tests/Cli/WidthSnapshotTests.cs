using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace CnnShape.Tests.Cli;

/// <summary>
/// Every command's every output path — answers, refusals on stderr, failure diagnoses — as people see them in a terminal
/// 80 and 120 columns wide: approved text (Snapshots/width/NAME.WIDTH.txt), no line wider than the terminal, and no
/// word, number or shape split across lines (every word of the fitted output is a word of the unfitted one).
/// Set CNNSHAPE_APPROVE=1 to write the snapshots from the current output, then read them before committing.
/// </summary>
public partial class WidthSnapshotTests
{
    private static string Repo([CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    private static string Example(string name) => Path.Combine(Repo(), "examples", name);

    private static string Input(string name) => Path.Combine(Repo(), "tests", "CnnShape.Tests", "Snapshots", "inputs", name);

    private static string Oracle(string path) => Path.Combine(Repo(), "tests", "CnnShape.Tests", "Oracle", path);

    private const string Torchvision = "/usr/lib/python3/dist-packages/torchvision/models/resnet.py";

    /// <summary>Each path by name: the arguments that take it.</summary>
    private static readonly Dictionary<string, string[]> Paths = new()
    {
        ["landing"] = [],
        ["layer"] = ["layer", "nn.Conv2d(3, 64, 7, stride=2, padding=3)", "--input", "1x3x224x224"],
        ["layer-ceil-drop"] = ["layer", "MaxPool1d(2, stride=2, padding=1, ceil_mode=True)", "--input", "1x1x5"],
        ["layer-lazy"] = ["layer", "nn.LazyLinear(120)", "--input", "1x2704"],
        ["layer-refused"] = ["layer", "MaxPool2d(kernel_size=2, padding=2)", "--input", "1x3x8x8"],
        ["layer-unknown"] = ["layer", "Conv2dd(3, 8, 3)", "--input", "1x3x8x8"],
        ["layer-no-input"] = ["layer", "nn.Conv2d(3, 8, 3)"],
        ["net-vgg16"] = ["net", Example("vgg16.txt"), "--input", "1x3x224x224"],
        ["net-vgg16-compact"] = ["net", Example("vgg16.txt"), "--input", "1x3x224x224", "--compact"],
        ["net-resnet18-depth1"] = ["net", Torchvision, "--class", "resnet18", "--input", "1x3x224x224", "--depth", "1"],
        ["net-resnet50-depth2"] = ["net", Torchvision, "--class", "resnet50", "--input", "1x3x224x224", "--depth", "2"],
        ["net-resnet50-yaml"] = ["net", Example("resnet50.yaml"), "--depth", "1"],
        ["net-unet-py-depth1"] = ["net", Example("unet.py"), "--depth", "1"],
        ["net-unet-py-tree"] = ["net", Example("unet.py"), "--depth", "3", "--input-col"],
        ["net-unet-yaml"] = ["net", Example("unet.yaml")],
        ["net-lenet5-exact"] = ["net", Example("lenet5.txt"), "--exact"],
        ["net-lenet5-columns"] = ["net", Example("lenet5.txt"), "--columns", "name,output,rf,memory"],
        ["net-lenet5-unbatched"] = ["net", Example("lenet5.txt"), "--input", "1x32x32"],
        ["net-vgg16-unbatched"] = ["net", Example("vgg16.txt"), "--input", "3x224x224", "--compact"],
        ["net-frozen"] = ["net", Oracle("python/072_frozen.py"), "--input", "2x3x16x16"],
        ["net-onnx"] = ["net", Oracle("onnx/squeezenet1_0_224.onnx")],
        ["net-onnx-dynamic"] = ["net", Oracle("onnx/resnet18_dynamic_batch.onnx"), "--compact"],
        ["net-unit"] = ["net", Example("vgg16.txt"), "--input", "1x3x224x224", "--unit", "3,5"],
        ["net-failure-printed"] = ["net", Input("lenet_64.txt"), "--input", "1x1x64x64"],
        ["net-failure-printed-compact"] = ["net", Input("lenet_64.txt"), "--input", "1x1x64x64", "--compact"],
        ["net-failure-python"] = ["net", Input("lenet.py"), "--input", "1x3x64x64"],
        ["net-missing-file"] = ["net", "no-such-network.yaml"],
        ["net-bad-columns"] = ["net", Example("lenet5.txt"), "--columns", "name,colour"],
        ["pad"] = ["pad", "--input", "32", "--output", "16", "--kernel", "3", "--stride", "2"],
        ["pad-same"] = ["pad", "--input", "10", "--output", "10", "--kernel", "4"],
        ["pad-transposed"] = ["pad", "--input", "8", "--output", "16", "--kernel", "3", "--stride", "2", "--transposed"],
        ["pad-transposed-shrink"] = ["pad", "--input", "16", "--output", "8", "--kernel", "3", "--stride", "1", "--transposed"],
        ["pad-unreachable"] = ["pad", "--input", "64", "--output", "16", "--kernel", "3"],
        ["solve"] = ["solve", "--input", "32", "--output", "16", "--limit", "5"],
        ["solve-none"] = ["solve", "--input", "5", "--output", "400", "--kind", "conv"],
        ["sizes"] = ["sizes", Example("unet.yaml"), "--axis", "2", "--to", "200"],
        ["sizes-none"] = ["sizes", Example("vgg16.txt"), "--input", "1x3x224x224", "--axis", "2", "--to", "20"],
        ["explain"] = ["explain", "RuntimeError: mat1 and mat2 shapes cannot be multiplied (64x2304 and 4096x10)"],
        ["explain-net"] = ["explain", "RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x2704 and 400x120)", "--net", Input("lenet_64.txt"), "--input", "1x1x64x64"],
        ["explain-unknown"] = ["explain", "ValueError: something else entirely went wrong here"],
        ["unknown-option"] = ["net", Example("lenet5.txt"), "--colour", "red"],
    };

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in Paths.Keys)
        {
            data.Add(name, 80);
            data.Add(name, 120);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_output_path_fits_the_terminal_and_matches_its_approved_text(string name, int width)
    {
        if (Paths[name].Contains(Torchvision)) Assert.True(File.Exists(Torchvision), "Debian's python3-torchvision is needed: run .ci/setup");

        var run = CliRunner.RunAt(width, Paths[name]);
        var unfitted = CliRunner.RunAt(null, Paths[name]);

        string text = $"$ cnnshape {string.Join(" ", Paths[name].Select(Shown))}\nexit {run.ExitCode}\n--- stdout\n{run.Stdout}--- stderr\n{run.Stderr}";
        foreach (var line in (run.Stdout + run.Stderr).Split('\n'))
        {
            Assert.True(line.Length <= width, $"{name} at {width}: a line of {line.Length} columns:\n{line}");
        }
        var words = Words(unfitted.Stdout + unfitted.Stderr).ToHashSet();
        foreach (var word in Words(run.Stdout + run.Stderr))
        {
            Assert.True(words.Contains(word) || Layout().IsMatch(word), $"{name} at {width}: '{word}' is not a word of the unfitted output (split across lines?)");
        }
        Approve(name, width, text);
    }

    [Fact]
    public void A_failure_says_its_message_once()
    {
        var r = CliRunner.RunAt(80, "net", Input("lenet_64.txt"), "--input", "1x1x64x64");

        Assert.Equal(2, r.ExitCode);
        string both = Regex.Replace(r.Stdout + r.Stderr, @"\s+", " ");
        Assert.Single(Regex.Matches(both, Regex.Escape("must equal in_features (400)")));
    }

    /// <summary>A path of the test machine shown as the file name, so the snapshots hold on any checkout.</summary>
    private static string Shown(string arg) => arg.Contains('/') && arg.StartsWith('/') ? (arg.StartsWith(Repo(), StringComparison.Ordinal) ? Path.GetRelativePath(Repo(), arg) : arg) : arg.Contains(' ') ? $"\"{arg}\"" : arg;

    /// <summary>
    /// The words of a text: what lies between spaces and the table's rules, a path cut after each '/' (where a long ONNX
    /// name may break); the line a narrow table adds to say which columns it leaves out is not counted.
    /// </summary>
    private static IEnumerable<string> Words(string text) =>
        Rules().Split(Regex.Replace(text, @"^\(to fit [^)]*\)", "", RegexOptions.Multiline)).Where(w => w.Length > 0);

    [GeneratedRegex(@"[\s│╭╮╰╯├┤┬┴┼─]+|(?<=/)")]
    private static partial Regex Rules();

    /// <summary>What only a fitted layout writes: the landing table's "H:".</summary>
    [GeneratedRegex(@"^H:$")]
    private static partial Regex Layout();

    private static void Approve(string name, int width, string text)
    {
        string file = Path.Combine(Repo(), "tests", "CnnShape.Tests", "Snapshots", "width", $"{name}.{width}.txt");
        text = text.Replace(Repo() + "/", "", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("CNNSHAPE_APPROVE") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
            return;
        }
        Assert.True(File.Exists(file), $"no approved snapshot {file}: run with CNNSHAPE_APPROVE=1 and read it");
        Assert.Equal(File.ReadAllText(file), text);
    }
}
