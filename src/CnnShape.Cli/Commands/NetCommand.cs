using System.CommandLine;
using CnnShape.Cli.Rendering;
using CnnShape.Formats;
using CnnShape.Formats.Json;
using CnnShape.Networks;
using CnnShape.ReceptiveFields;
using CnnShape.Shapes;

namespace CnnShape.Cli.Commands;

/// <summary><c>cnnshape net FILE</c>: every layer's shape, parameters, MACs, memory and receptive field.</summary>
internal static class NetCommand
{
    public static Command Build(TextWriter output)
    {
        var file = new Argument<string>("file") { Description = "A PyTorch print(model) text, a cnnshape YAML network, or a file of layer lines." };
        var input = new Option<string?>("--input", "-i") { Description = "The input shape (overrides the one in the file)." };
        var format = new Option<string>("--format") { Description = "table (default), markdown or csv.", DefaultValueFactory = _ => "table" };
        var unit = new Option<string?>("--unit") { Description = "An output unit, e.g. 3,5: print the input region it sees." };
        var json = new Option<bool>("--json") { Description = "Write the CONTRACT JSON on stdout." };
        var eval = new Option<bool>("--eval") { Description = "Evaluation mode (model.eval()): BatchNorm uses running statistics, so one value per channel is fine." };
        var allNodes = new Option<bool>("--all-nodes") { Description = "Also show the ONNX nodes that compute only from constants (Identity of a weight, static shape arithmetic)." };
        var command = new Command("net", "Shapes, parameters, MACs, memory and receptive fields of a whole network.") { file, input, format, unit, json, eval, allNodes };
        command.SetAction(p =>
        {
            string path = p.GetValue(file)!;
            var report = Analyze(path, p.GetValue(input), !p.GetValue(eval));
            if (p.GetValue(json))
            {
                output.Write(NetJson.Render(report));
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

    internal static NetworkReport Analyze(string path, string? inputText, bool training = true)
    {
        if (!File.Exists(path)) throw new CnnShapeException($"{path}: no such file.");
        var shape = inputText is null ? null : Shape.Parse(inputText);
        if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var model = Formats.Onnx.OnnxReader.Read(stream, Path.GetFileName(path));
            return CnnShape.Onnx.OnnxAnalyzer.Analyze(model, Path.GetFileName(path), shape);
        }
        var info = new FileInfo(path);
        if (info.Length > 64L << 20) throw new CnnShapeException($"{path}: the file is {info.Length >> 20} MB; network text files are limited to 64 MB.");
        var network = NetworkText.Read(File.ReadAllText(path), Path.GetFileName(path));
        return NetworkAnalyzer.Analyze(network, shape, training);
    }
}
