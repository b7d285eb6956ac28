using System.CommandLine;
using CnnShape.Cli.Rendering;
using CnnShape.Contract;
using CnnShape.Layers;
using CnnShape.Shapes;

namespace CnnShape.Cli.Commands;

/// <summary><c>cnnshape layer "LAYER" --input SHAPE</c> and <c>cnnshape layer --batch FILE</c>.</summary>
internal static class LayerCommand
{
    public static Command Build(TextWriter output, Terminal terminal)
    {
        var layer = new Argument<string?>("layer") { Description = "The layer, as PyTorch code or printed form, e.g. \"nn.Conv2d(3, 64, 7, stride=2, padding=3)\".", Arity = ArgumentArity.ZeroOrOne };
        var input = new Option<string?>("--input", "-i") { Description = "The input shape, e.g. 1x3x224x224 or 1,3,224,224." };
        var outputSize = new Option<string?>("--output-size") { Description = "For ConvTranspose: the call-time output_size (forward(input, output_size))." };
        var batch = new Option<string?>("--batch") { Description = "A file of JSON lines {\"layer\": …, \"input\": […]} (- for stdin); one JSON answer per line." };
        var json = new Option<bool>("--json") { Description = "Write JSON on stdout." };
        var eval = new Option<bool>("--eval") { Description = "Evaluation mode (model.eval()): BatchNorm uses running statistics, so one value per channel is fine." };
        var command = new Command("layer", "The output shape of one layer applied to an input shape, with the arithmetic.") { layer, input, outputSize, batch, json, eval };
        command.SetAction(p =>
        {
            string? file = p.GetValue(batch);
            if (file is not null)
            {
                if (p.GetValue(layer) is not null) throw new CnnShapeException("give either a layer with --input, or --batch FILE, not both.");
                return RunBatch(file, output, training: !p.GetValue(eval));
            }
            string text = p.GetValue(layer) ?? throw new CnnShapeException("no layer given: write cnnshape layer \"nn.Conv2d(3, 64, 3, padding=1)\" --input 1x3x32x32 (or use --batch FILE).");
            string shapeText = p.GetValue(input) ?? throw new CnnShapeException("no input shape given: add --input, e.g. --input 1x3x224x224.");
            var shape = Shape.Parse(shapeText);
            var built = LayerEngine.Build(text);
            LayerResult result;
            string? sizeText = p.GetValue(outputSize);
            if (sizeText is not null)
            {
                if (built is not TransposedConvolution transposed) throw new CnnShapeException($"--output-size applies to ConvTranspose layers only, not to {built.Type}.");
                long[] size = Shape.Parse(sizeText).ToArray();
                try { result = transposed.Apply(shape, size); }
                catch (CnnShapeException e) { throw new CnnShapeException($"layer `{text.Trim()}` on input {shape}: {e.Message}"); }
            }
            else
            {
                result = LayerEngine.Apply(built, shape, text, training: !p.GetValue(eval));
            }
            output.Write(p.GetValue(json) ? Answers.Layer(result) + "\n" : Prose.Fit(LayerReport.Render(text.Trim(), built, shape, result), terminal.Width));
            return Cli.Ok;
        });
        return command;
    }

    /// <summary>Streams JSON lines through <see cref="LayerBatch"/>: one answer per line in, in order.</summary>
    internal static int RunBatch(string file, TextWriter output, bool training = true)
    {
        if (file != "-" && Directory.Exists(file)) throw new CnnShapeException($"'{file}' is a directory, not a file of JSON lines.");
        if (file != "-" && !File.Exists(file)) throw new CnnShapeException($"the file '{file}' does not exist.");
        using var stream = file == "-" ? Console.OpenStandardInput() : new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        output.Flush();
        var raw = output is StreamWriter sw ? sw.BaseStream : throw new InvalidOperationException("the batch writes bytes to the output stream");
        LayerBatch.Run(stream, raw, training);
        return Cli.Ok;
    }
}

/// <summary><c>cnnshape layers</c>: the supported layer names.</summary>
internal static class LayersCommand
{
    public static Command Build(TextWriter output)
    {
        var json = new Option<bool>("--json") { Description = "Write the names as a JSON array." };
        var command = new Command("layers", "List the layers cnnshape knows.") { json };
        command.SetAction(p =>
        {
            var names = LayerCatalog.Names.Order(StringComparer.Ordinal).ToList();
            if (p.GetValue(json))
            {
                output.Write(Answers.Write(w =>
                {
                    w.WriteStartArray();
                    foreach (var name in names) w.WriteStringValue(name);
                    w.WriteEndArray();
                }));
                output.Write('\n');
                return Cli.Ok;
            }
            foreach (var name in names) output.WriteLine(name);
            return Cli.Ok;
        });
        return command;
    }
}
