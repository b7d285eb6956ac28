using CnnShape.Formats.Python;
using CnnShape.Networks;
using CnnShape.Shapes;
using Xunit.Abstractions;

namespace CnnShape.Tests.Networks;

/// <summary>
/// The Python reader's refusals and its Python: what it cannot follow is refused with file:line and the construct; a
/// mutated model file is never a crash or a hang; Python's own semantics (closures, defaults, MRO, super, slicing,
/// f-strings, integer arithmetic) as PyTorch's model code relies on them.
/// </summary>
public class PythonReaderTests(ITestOutputHelper output)
{
    private const string Header = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n";

    private static PythonModel Read(string body, string input = "1x3x8x8", string? cls = null, string? args = null, bool training = true) =>
        PythonReader.Read(Header + body, "model.py", Shape.Parse(input), training, new PythonOptions(cls, args));

    private static string Run(string body, string input = "1x3x8x8", string? cls = null, string? args = null)
    {
        var model = Read(body, input, cls, args);
        var report = NetworkAnalyzer.Analyze(model.Network, model.Input);
        return string.Join(" ", report.Outputs.Select(o => report.Tensors[o].Shape.ToString()));
    }

    [Fact]
    public void Python_semantics_that_model_code_relies_on()
    {
        // closures capture per call, defaults are evaluated once, floor division and modulo follow Python, f-strings and %
        const string body = """
            def make(n):
                def conv(c):
                    return nn.Conv2d(c, n, 1)
                return conv

            WIDTHS = [make(k) for k in (4, 6)]
            assert -7 // 2 == -4 and -7 % 3 == 2 and 2 ** 10 == 1024 and 7 / 2 == 3.5
            assert f"{3:03d}-{'a'!r}" == "003-'a'" and "layer%d" % 5 == "layer5" and "{}x{}".format(2, 3) == "2x3"
            assert [1, 2, 3][::-1] == [3, 2, 1] and (1, 2) + (3,) == (1, 2, 3) and sorted({3: 1, 1: 2}) == [1, 3]

            class Base(nn.Module):
                scale = 2

                def __init__(self):
                    super().__init__()
                    self.layers = nn.ModuleList()

            class Net(Base):
                def __init__(self, widths=WIDTHS):
                    super(Net, self).__init__()
                    for i, w in enumerate(widths):
                        self.layers.append(w(3 if i == 0 else 4))
                    self.head = nn.Sequential(*[nn.ReLU() for _ in range(self.scale)])

                def forward(self, x):
                    for layer in self.layers[:1]:
                        x = layer(x)
                    *_, h, w = x.shape
                    return self.head(x)[:, :, : h // 2, w // 4 :]
            """;
        Assert.Equal("[1, 4, 4, 6]", Run(body));
    }

    [Fact]
    public void Registration_follows_nn_Module()
    {
        // a module assigned before super().__init__() is refused as PyTorch refuses it, at its line
        var e = Assert.Throws<CnnShapeException>(() => Read("""
            class Net(nn.Module):
                def __init__(self):
                    self.conv = nn.Conv2d(3, 4, 1)
                    super().__init__()

                def forward(self, x):
                    return self.conv(x)
            """));
        Assert.Equal("model.py:7:9: AttributeError: cannot assign module before Module.__init__() call.", e.Message);

        // a module called twice: two rows with the same name, its parameters counted once
        var model = Read("""
            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 3, 3, padding=1)

                def forward(self, x):
                    return self.conv(self.conv(x))
            """);
        var report = NetworkAnalyzer.Analyze(model.Network, model.Input);
        Assert.Equal(["conv", "conv"], report.Layers.Select(r => r.Name));
        Assert.Equal(84, report.TotalParams);
        Assert.Equal(84, model.Parameters);
    }

    [Fact]
    public void What_it_cannot_follow_is_refused_with_the_place_and_the_construct()
    {
        var lstm = Assert.Throws<CnnShapeException>(() => Read("""
            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.rnn = nn.LSTM(8, 16)

                def forward(self, x):
                    return self.rnn(x)
            """, "1x4x8"));
        Assert.StartsWith("model.py:11:16: nn.LSTM is not followed by cnnshape", lstm.Message);

        var value = Assert.Throws<CnnShapeException>(() => Read("""
            class Net(nn.Module):
                def forward(self, x):
                    if x.sum() > 0:
                        return x
                    return -x
            """));
        Assert.Contains("model.py:7:", value.Message);
        Assert.Contains("cnnshape follows shapes, not values", value.Message);

        var missing = Assert.Throws<CnnShapeException>(() => Read("class Net(nn.Module):\n    pass\n", cls: "Nett"));
        Assert.Equal("model.py: the file defines no class or function 'Nett' (did you mean 'Net'?); its nn.Module classes are: Net.", missing.Message);

        var syntax = Assert.Throws<CnnShapeException>(() => Read("class Net(nn.Module):\n    def forward(self, x)\n        return x\n"));
        Assert.Equal("model.py:6:25: expected ':' but found end of line.", syntax.Message);

        var loop = Assert.Throws<CnnShapeException>(() => Read("class Net(nn.Module):\n    def forward(self, x):\n        while True:\n            pass\n"));
        Assert.Contains("steps (an endless loop?)", loop.Message);

        var deep = Assert.Throws<CnnShapeException>(() => Read("X = " + new string('(', 5000) + "1" + new string(')', 5000) + "\n"));
        Assert.Contains("nests more than", deep.Message);
    }

    [Fact]
    public void The_default_class_is_the_one_no_other_class_uses_and_args_are_python()
    {
        const string body = """
            class Block(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.conv = nn.Conv2d(c, c, 3, padding=1)

                def forward(self, x):
                    return self.conv(x)

            class Net(nn.Module):
                def __init__(self, blocks=2, width=3):
                    super().__init__()
                    self.body = nn.Sequential(*[Block(width) for _ in range(blocks)])
                    self.head = nn.Linear(width, 5)

                def forward(self, x):
                    return self.head(self.body(x).mean((2, 3)))
            """;
        Assert.Equal("[1, 5]", Run(body));
        Assert.Equal("[1, 3, 8, 8]", Run(body, cls: "Block", args: "3"));
        var model = Read(body, args: "blocks=3");
        Assert.Equal(["body.0.conv", "body.1.conv", "body.2.conv", "head"], model.Calls.Select(c => c.Name));
        var bad = Assert.Throws<CnnShapeException>(() => Read(body, args: "blocks=="));
        Assert.StartsWith("--args: --args must be Python call arguments", bad.Message);
    }

    [Fact]
    public void A_view_after_a_transpose_is_refused_as_PyTorch_refuses_it_and_reshape_is_not()
    {
        const string body = """
            class Net(nn.Module):
                def forward(self, x):
                    x = x.transpose(1, 2)
                    return x.{0}(x.size(0), -1)
            """;
        Assert.Equal("[1, 24]", Run(string.Format(body, "reshape"), "1x3x8"));
        Assert.Equal("[1, 24]", Run(string.Format(body, "contiguous().view"), "1x3x8"));
        var model = Read(string.Format(body, "view"), "1x3x8");
        var run = NetworkAnalyzer.Run(model.Network, model.Input);
        Assert.NotNull(run.Failure);
        Assert.Equal(8, run.Failure.Node.Place.Line);
        Assert.StartsWith("view size is not compatible", run.Failure.Error.Rule);
    }

    [Fact]
    public void Mutated_model_files_are_refused_never_a_crash_or_a_hang()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Oracle", "python"), "*.py").OrderBy(f => f).Select(File.ReadAllText).ToArray();
        var rng = new Random(4321);
        const string Noise = "()[]{}:,.=*+-/%@#'\"\\\n\t xnselfdefclassreturn0123456789";
        int refused = 0, answered = 0;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 3000; i++)
        {
            var text = files[i % files.Length];
            var lines = text.Split('\n').ToList();
            switch (rng.Next(6))
            {
                case 0: { int at = rng.Next(text.Length); text = text[..at] + text[(at + 1)..]; break; }
                case 1: { int at = rng.Next(text.Length); text = text[..at] + Noise[rng.Next(Noise.Length)] + text[at..]; break; }
                case 2: { int k = rng.Next(lines.Count); lines.RemoveAt(k); text = string.Join("\n", lines); break; }
                case 3: { int k = rng.Next(lines.Count); lines.Insert(k, lines[rng.Next(lines.Count)]); text = string.Join("\n", lines); break; }
                case 4: text = text[..rng.Next(text.Length)]; break;
                default:
                    {
                        var words = System.Text.RegularExpressions.Regex.Matches(text, @"\b\w+\b").Select(m => m.Value).Distinct().ToList();
                        text = System.Text.RegularExpressions.Regex.Replace(text, $@"\b{words[rng.Next(words.Count)]}\b", words[rng.Next(words.Count)]);
                        break;
                    }
            }
            try
            {
                var model = PythonReader.Read(text, "fuzz.py", Shape.Of(2, 3, 32, 32), true, new PythonOptions());
                NetworkAnalyzer.Run(model.Network, model.Input);
                answered++;
            }
            catch (CnnShapeException e)
            {
                refused++;
                if (!e.Message.StartsWith("fuzz.py", StringComparison.Ordinal) && !e.Message.StartsWith("--args", StringComparison.Ordinal) || e.Rule.Length < 10)
                {
                    Assert.Fail($"mutation {i}: a refusal without its place or rule: {e.Message}");
                }
            }
        }
        output.WriteLine($"{answered} answered, {refused} refused in {stopwatch.ElapsedMilliseconds} ms");
        Assert.True(refused > 100 && answered > 100, $"{answered} answered, {refused} refused");
    }
}
