using System.CommandLine;
using CnnShape.Cli.Rendering;
using CnnShape.Contract;
using CnnShape.Formats;
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
            var options = new NetOptions(p.GetValue(input) is string i ? Shape.Parse(i) : null, !p.GetValue(eval),
                new Formats.Python.PythonOptions(p.GetValue(modelClass), p.GetValue(modelArgs), path == "-" ? null : path));
            var outcome = NetPipeline.Run(Open(path), options);
            var dtypeSize = DtypeSize(p.GetValue(dtype)!);
            var table = new TableOptions(p.GetValue(wide) ? null : terminal.Width, p.GetValue(depth), p.GetValue(compact), p.GetValue(allNodes))
            {
                Columns = p.GetValue(columns)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => c.ToLowerInvariant()).ToList(),
                InputColumn = p.GetValue(inputColumn),
                Exact = p.GetValue(exact),
                Flat = p.GetValue(flat),
                Dtype = (p.GetValue(dtype)!.ToLowerInvariant(), (int)dtypeSize),
            };
            if (outcome.Diagnosis is { } diagnosis)
            {
                // a network PyTorch refuses: exit 2 with the one paragraph on stderr, said once, between the table up to
                // the failure and the cause with its fixes on stdout (the order a terminal shows them in)
                if (p.GetValue(json)) output.Write(NetAnswer.Write(diagnosis) + "\n");
                else
                {
                    output.Write(DiagnosisReport.Table(diagnosis, table));
                    output.Flush();
                }
                stderr.WriteLine(Cli.Paragraph(diagnosis.Error.Message, terminal.ErrorWidth));
                stderr.Flush();
                if (!p.GetValue(json)) output.Write(DiagnosisReport.Body(diagnosis, outcome.Lines!, table.Width, withRule: false));
                return Cli.InvalidInput;
            }
            var report = WithDtype(outcome.Report, dtypeSize);
            string? unitText = p.GetValue(unit);
            if (unitText is not null)
            {
                output.Write(p.GetValue(json) ? Answers.Region(NetTable.UnitRegion(report, unitText, p.GetValue(layer))) + "\n" : Prose.Fit(NetTable.Unit(report, unitText, p.GetValue(layer)), terminal.Width));
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
                "table" => NetTable.Render(report, table),
                "markdown" or "md" => NetTable.Markdown(report),
                "csv" => NetTable.Csv(report),
                var f => throw new CnnShapeException($"--format must be table, markdown or csv, got '{f}'."),
            });
            return Cli.Ok;
        });
        return command;
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

    /// <summary>
    /// The network file as given (<c>-</c> for standard input, read whole), for <see cref="NetworkInput.Detect"/> to say
    /// what it is; a file is opened again, and read by seeking, when it is ONNX.
    /// </summary>
    internal static NetworkInput Open(string path)
    {
        if (path == "-")
        {
            using var stdin = Console.OpenStandardInput();
            using var copy = new MemoryStream();
            stdin.CopyTo(copy);
            var bytes = copy.ToArray();
            return NetworkInput.Detect(() => new MemoryStream(bytes, writable: false), "stdin");
        }
        if (Directory.Exists(path)) throw new CnnShapeException($"{path} is a directory; give a network file (a .onnx model, print(model) text, layer lines, YAML or Python).");
        if (!File.Exists(path)) throw new CnnShapeException($"{path}: no such file.");
        return NetworkInput.Detect(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Path.GetFileName(path));
    }
}
