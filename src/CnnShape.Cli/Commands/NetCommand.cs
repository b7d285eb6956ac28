using System.CommandLine;
using CnnShape.Cli.Rendering;
using CnnShape.Formats;
using CnnShape.Formats.Contract;
using CnnShape.Networks;
using CnnShape.ReceptiveFields;
using CnnShape.Shapes;

namespace CnnShape.Cli.Commands;

/// <summary><c>cnnshape net FILE</c>: every layer's shape, parameters, MACs, memory and receptive field.</summary>
internal static class NetCommand
{
    public static Command Build(TextWriter output, TextWriter stderr, Terminal terminal)
    {
        var file = new Argument<string>("file") { Description = "A network: ONNX, PyTorch print(model) text, the Python source of an nn.Module, cnnshape YAML, or layer lines (- for stdin)." };
        var modelClass = new Option<string?>("--class") { Description = "Python source: the class (or function) that makes the model (default: the nn.Module class no other class uses)." };
        var modelArgs = new Option<string?>("--args") { Description = "Python source: the constructor's arguments as Python writes them, e.g. \"num_classes=10\"." };
        var input = new Option<string?>("--input", "-i") { Description = "The input shape (overrides the one in the file)." };
        var format = new Option<string>("--format") { Description = "table (default), markdown or csv.", DefaultValueFactory = _ => "table" };
        var unit = new Option<string?>("--unit") { Description = "An output unit, e.g. 3,5 (H, W): the input region it sees (of the network's output, or of --layer)." };
        var layer = new Option<string?>("--layer") { Description = "With --unit: the row whose unit it is (its name as the table shows it)." };
        var json = new Option<bool>("--json") { Description = "Write the CONTRACT JSON on stdout." };
        var eval = new Option<bool>("--eval") { Description = "Evaluation mode (model.eval()): BatchNorm uses running statistics, so one value per channel is fine." };
        var allNodes = new Option<bool>("--all-nodes") { Description = "Also show the ONNX nodes that compute only from constants (Identity of a weight, static shape arithmetic)." };
        var wide = new Option<bool>("--wide") { Description = "Every column, however wide the terminal (by default columns are dropped, least important first, to fit it)." };
        var compact = new Option<bool>("--compact") { Description = "Only name, type, output and parameters." };
        var depth = new Option<int?>("--depth") { Description = "Fold the rows of modules nested deeper than this into their parent module (features.0 → features at --depth 1)." };
        var dtype = new Option<string>("--dtype") { Description = "The element type parameters and activations are counted in: float32 (default), float16, bfloat16, float64, int8.", DefaultValueFactory = _ => "float32" };
        var columns = new Option<string?>("--columns") { Description = $"The columns to show, in order: {string.Join(", ", NetTable.ColumnKeys)} (rf is size, jump and start)." };
        var inputColumn = new Option<bool>("--input-col") { Description = "Show each row's input shape." };
        var exact = new Option<bool>("--exact") { Description = "MACs and memory as exact integers (the table and the totals), not 15.35 G and 58.3 MB." };
        var flat = new Option<bool>("--flat") { Description = "One row per call with its full dotted name, instead of the indented module tree." };
        var command = new Command("net", "Shapes, parameters, MACs, memory and receptive fields of a whole network.") { file, input, format, unit, layer, json, eval, allNodes, modelClass, modelArgs, wide, compact, depth, dtype, columns, inputColumn, exact, flat };
        command.SetAction(p =>
        {
            string path = p.GetValue(file)!;
            var python = new Formats.Python.PythonOptions(p.GetValue(modelClass), p.GetValue(modelArgs), path == "-" ? null : path);
            var (maybe, diagnosis, lines) = Run(path, p.GetValue(input), !p.GetValue(eval), python);
            var dtypeSize = DtypeSize(p.GetValue(dtype)!);
            var options = new TableOptions(p.GetValue(wide) ? null : terminal.Width, p.GetValue(depth), p.GetValue(compact), p.GetValue(allNodes))
            {
                Columns = p.GetValue(columns)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => c.ToLowerInvariant()).ToList(),
                InputColumn = p.GetValue(inputColumn),
                Exact = p.GetValue(exact),
                Flat = p.GetValue(flat),
                Dtype = (p.GetValue(dtype)!.ToLowerInvariant(), (int)dtypeSize),
            };
            if (diagnosis is not null)
            {
                // a network PyTorch refuses: exit 2 with the one paragraph on stderr, said once, between the table up to
                // the failure and the cause with its fixes on stdout (the order a terminal shows them in)
                if (p.GetValue(json)) output.Write(NetAnswer.Write(diagnosis) + "\n");
                else
                {
                    output.Write(DiagnosisReport.Table(diagnosis, options));
                    output.Flush();
                }
                stderr.WriteLine(Cli.Paragraph(diagnosis.Error.Message, terminal.ErrorWidth));
                stderr.Flush();
                if (!p.GetValue(json)) output.Write(DiagnosisReport.Body(diagnosis, lines!, options.Width, withRule: false));
                return Cli.InvalidInput;
            }
            var report = WithDtype(maybe!, dtypeSize);
            string? unitText = p.GetValue(unit);
            if (unitText is not null)
            {
                output.Write(p.GetValue(json) ? UnitJson(report, unitText, p.GetValue(layer)) + "\n" : Prose.Fit(NetTable.Unit(report, unitText, p.GetValue(layer)), terminal.Width));
                return Cli.Ok;
            }
            if (p.GetValue(layer) is not null) throw new CnnShapeException("--layer goes with --unit: the row whose unit's region to give.");
            if (p.GetValue(json))
            {
                if (output is StreamWriter { BaseStream: var stream } writer)
                {
                    writer.Flush();
                    NetAnswer.Write(stream, report);
                }
                else output.Write(NetAnswer.Write(report));
                output.Write('\n');
                return Cli.Ok;
            }
            output.Write(p.GetValue(format) switch
            {
                "table" => NetTable.Render(report, options),
                "markdown" or "md" => NetTable.Markdown(report),
                "csv" => NetTable.Csv(report),
                var f => throw new CnnShapeException($"--format must be table, markdown or csv, got '{f}'."),
            });
            return Cli.Ok;
        });
        return command;
    }

    /// <summary>The report, or — for a text network PyTorch refuses — its diagnosis (with the text's lines).</summary>
    internal static (NetworkReport? Report, Diagnosis.Diagnosis? Diagnosis, IReadOnlyList<string>? Lines) Run(string path, string? inputText, bool training = true, Formats.Python.PythonOptions? python = null)
    {
        var shape = inputText is null ? null : Shape.Parse(inputText);
        var source = NetSource.Load(path);
        if (source.IsOnnx)
        {
            if (python is { ClassName: not null } or { Arguments: not null }) throw new CnnShapeException("--class and --args are for Python source, not ONNX.", new Place { File = source.Name });
            return (Analyze(path, inputText, training), null, null);
        }
        var text = NetworkText.Open(source.Text!, source.Name, NetworkFormat.Auto, shape, training, python);
        var (report, diagnosis) = Diagnosis.Diagnoser.Check(text, shape, training);
        if (diagnosis is not null) return (null, diagnosis, text.Lines);
        if (text is Formats.Python.PythonSource py && py.Model.Notes.Count > 0) report = report with { Warnings = [.. py.Model.Notes, .. report.Warnings] };
        return (report, null, null);
    }

    /// <summary><c>{"layer", "output", "unit": {"H": 3, "W": 5}, "axes": {"H": {"dim", "index", "first", "last", "inside", "input"}}}</c>.</summary>
    internal static string UnitJson(NetworkReport report, string unitText, string? layer)
    {
        var (_, name, shape, axes) = NetTable.UnitRegion(report, unitText, layer);
        return Answers.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("layer", name);
            w.WriteStartArray("output");
            foreach (var d in shape.Dims) w.WriteNumberValue(d);
            w.WriteEndArray();
            w.WriteStartObject("unit");
            foreach (var a in axes) w.WriteNumber(a.Name, a.Index);
            w.WriteEndObject();
            w.WriteStartObject("axes");
            foreach (var a in axes)
            {
                w.WriteStartObject(a.Name);
                w.WriteNumber("dim", a.Dim);
                w.WriteNumber("index", a.Index);
                w.WriteNumber("first", a.Region.First.ToDouble());
                w.WriteNumber("last", a.Region.Last.ToDouble());
                if (a.Region.InsideFirst is long lo)
                {
                    w.WriteStartArray("inside");
                    w.WriteNumberValue(lo);
                    w.WriteNumberValue(a.Region.InsideLast!.Value);
                    w.WriteEndArray();
                }
                else w.WriteNull("inside");
                w.WriteNumber("input", a.InputSize);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>The bytes of one element of the type <c>--dtype</c> names.</summary>
    internal static long DtypeSize(string dtype) => dtype.ToLowerInvariant() switch
    {
        "float32" or "float" or "fp32" => 4,
        "float16" or "half" or "fp16" or "bfloat16" or "bf16" => 2,
        "float64" or "double" or "fp64" => 8,
        "int8" or "uint8" or "qint8" => 1,
        _ => throw new CnnShapeException($"--dtype must be float32, float16, bfloat16, float64 or int8, got '{dtype}'."),
    };

    /// <summary>The report with activation memory counted in another element type (float32 is what the analysis counts).</summary>
    internal static NetworkReport WithDtype(NetworkReport report, long size)
    {
        if (size == 4) return report;
        return report with
        {
            Layers = report.Layers.Select(r => r.Output is null ? r : r with { ActivationBytes = Symbolic.Dim.Product(r.Output) * size }).ToList(),
        };
    }

    internal static NetworkReport Analyze(string path, string? inputText, bool training = true)
    {
        var shape = inputText is null ? null : Shape.Parse(inputText);
        var source = NetSource.Load(path);
        if (source.IsOnnx)
        {
            using var stream = source.OpenOnnx();
            var model = Formats.Onnx.OnnxReader.Read(stream, source.Name);
            return CnnShape.Onnx.OnnxAnalyzer.Analyze(model, source.Name, shape);
        }
        var network = NetworkText.Read(source.Text!, source.Name);
        return NetworkAnalyzer.Analyze(network, shape, training);
    }
}

/// <summary>
/// A network file as given on the command line (or <c>-</c> for stdin): ONNX, recognised by its extension or by its
/// bytes (a protobuf, not text), or text read as UTF-8.
/// </summary>
internal sealed class NetSource
{
    private const long TextLimit = 64L << 20;

    private NetSource(string name, string? path, byte[]? bytes, string? text)
    {
        Name = name;
        _path = path;
        _bytes = bytes;
        Text = text;
    }

    private readonly string? _path;
    private readonly byte[]? _bytes;

    /// <summary>The name messages use (the file name, or "stdin").</summary>
    public string Name { get; }

    /// <summary>The text, for the text formats.</summary>
    public string? Text { get; }

    /// <summary>Whether the file is an ONNX model.</summary>
    public bool IsOnnx => Text is null;

    /// <summary>The ONNX bytes as a stream (the file itself, read by seeking, when it is one).</summary>
    public Stream OpenOnnx() => _path is not null
        ? new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16)
        : new MemoryStream(_bytes!, writable: false);

    public static NetSource Load(string path)
    {
        if (path == "-")
        {
            using var stdin = Console.OpenStandardInput();
            using var copy = new MemoryStream();
            stdin.CopyTo(copy);
            var bytes = copy.ToArray();
            return LooksLikeOnnx(bytes, "") ? new NetSource("stdin", null, bytes, null) : new NetSource("stdin", null, null, Decode(bytes, "stdin"));
        }
        if (Directory.Exists(path)) throw new CnnShapeException($"{path} is a directory; give a network file (a .onnx model, print(model) text, layer lines, YAML or Python).");
        if (!File.Exists(path)) throw new CnnShapeException($"{path}: no such file.");
        string name = Path.GetFileName(path);
        using (var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            var head = new byte[Math.Min(256, probe.Length)];
            probe.ReadExactly(head);
            if (LooksLikeOnnx(head, path)) return new NetSource(name, path, null, null);
            if (probe.Length > TextLimit) throw new CnnShapeException($"the file is {probe.Length >> 20} MB; network text files are limited to {TextLimit >> 20} MB.", new Place { File = name });
        }
        return new NetSource(name, path, null, Decode(File.ReadAllBytes(path), name));
    }

    /// <summary>ONNX by extension, or by content: a ModelProto starts with field 1 (ir_version, a varint: byte 0x08) and is not text.</summary>
    private static bool LooksLikeOnnx(byte[] head, string path)
    {
        if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) return true;
        if (head.Length < 2 || head[0] != 0x08) return false;
        return head.Any(b => b < 0x09 || b is > 0x0D and < 0x20);
    }

    private static string Decode(byte[] bytes, string name)
    {
        if (bytes.Contains((byte)0)) throw new CnnShapeException("the file holds binary data (NUL bytes) and is not an ONNX model; give a network as text (print(model), layer lines, YAML or Python) or as .onnx.", new Place { File = name });
        try
        {
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new CnnShapeException($"the file is not UTF-8 text (byte {e.Index}); save it as UTF-8.", new Place { File = name });
        }
    }
}
