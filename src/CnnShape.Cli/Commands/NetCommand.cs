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
    public static Command Build(TextWriter output, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "A network: ONNX, PyTorch print(model) text, the Python source of an nn.Module, cnnshape YAML, or layer lines (- for stdin)." };
        var modelClass = new Option<string?>("--class") { Description = "Python source: the class (or function) that makes the model (default: the nn.Module class no other class uses)." };
        var modelArgs = new Option<string?>("--args") { Description = "Python source: the constructor's arguments as Python writes them, e.g. \"num_classes=10\"." };
        var input = new Option<string?>("--input", "-i") { Description = "The input shape (overrides the one in the file)." };
        var format = new Option<string>("--format") { Description = "table (default), markdown or csv.", DefaultValueFactory = _ => "table" };
        var unit = new Option<string?>("--unit") { Description = "An output unit, e.g. 3,5: print the input region it sees." };
        var json = new Option<bool>("--json") { Description = "Write the CONTRACT JSON on stdout." };
        var eval = new Option<bool>("--eval") { Description = "Evaluation mode (model.eval()): BatchNorm uses running statistics, so one value per channel is fine." };
        var allNodes = new Option<bool>("--all-nodes") { Description = "Also show the ONNX nodes that compute only from constants (Identity of a weight, static shape arithmetic)." };
        var command = new Command("net", "Shapes, parameters, MACs, memory and receptive fields of a whole network.") { file, input, format, unit, json, eval, allNodes, modelClass, modelArgs };
        command.SetAction(p =>
        {
            string path = p.GetValue(file)!;
            var python = new Formats.Python.PythonOptions(p.GetValue(modelClass), p.GetValue(modelArgs), path == "-" ? null : path);
            var (maybe, diagnosis, lines) = Run(path, p.GetValue(input), !p.GetValue(eval), python);
            if (diagnosis is not null)
            {
                // a network PyTorch refuses: exit 2 with the one paragraph on stderr, and the diagnosis on stdout
                if (p.GetValue(json)) output.Write(NetAnswer.Write(diagnosis) + "\n");
                else output.Write(DiagnosisReport.Render(diagnosis, lines!));
                stderr.WriteLine("cnnshape: " + Cli.Visible(diagnosis.Error.Message));
                return Cli.InvalidInput;
            }
            var report = maybe!;
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
            string? unitText = p.GetValue(unit);
            if (unitText is not null)
            {
                output.Write(NetTable.Unit(report, unitText));
                return Cli.Ok;
            }
            output.Write(p.GetValue(format) switch
            {
                "table" => NetTable.Render(report, p.GetValue(allNodes)),
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
