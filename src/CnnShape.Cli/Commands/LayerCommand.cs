using System.CommandLine;
using System.Text.Json;
using CnnShape.Cli.Rendering;
using CnnShape.Formats.Json;
using CnnShape.Layers;
using CnnShape.Shapes;

namespace CnnShape.Cli.Commands;

/// <summary><c>cnnshape layer "LAYER" --input SHAPE</c> and <c>cnnshape layer --batch FILE</c>.</summary>
internal static class LayerCommand
{
    public static Command Build(TextWriter output)
    {
        var layer = new Argument<string?>("layer") { Description = "The layer, as PyTorch code or printed form, e.g. \"nn.Conv2d(3, 64, 7, stride=2, padding=3)\".", Arity = ArgumentArity.ZeroOrOne };
        var input = new Option<string?>("--input", "-i") { Description = "The input shape, e.g. 1x3x224x224 or 1,3,224,224." };
        var outputSize = new Option<string?>("--output-size") { Description = "For ConvTranspose: the call-time output_size (forward(input, output_size))." };
        var batch = new Option<string?>("--batch") { Description = "A file of JSON lines {\"layer\": …, \"input\": […]} (- for stdin); one JSON answer per line." };
        var json = new Option<bool>("--json") { Description = "Write JSON on stdout." };
        var command = new Command("layer", "The output shape of one layer applied to an input shape, with the arithmetic.") { layer, input, outputSize, batch, json };
        command.SetAction(p =>
        {
            string? file = p.GetValue(batch);
            if (file is not null)
            {
                if (p.GetValue(layer) is not null) throw new CnnShapeException("give either a layer with --input, or --batch FILE, not both.");
                return RunBatch(file, output);
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
                result = LayerEngine.Apply(built, shape, text);
            }
            output.Write(p.GetValue(json) ? JsonOut.LayerAnswer(result) + "\n" : LayerReport.Render(text.Trim(), built, shape, result));
            return Cli.Ok;
        });
        return command;
    }

    /// <summary>Streams JSON lines: one answer per line in, in order; a bad line gets its own error and the rest go on.</summary>
    internal static int RunBatch(string file, TextWriter output)
    {
        using var reader = file == "-" ? new StreamReader(Console.OpenStandardInput()) : OpenFile(file);
        var cache = new Dictionary<string, object>(StringComparer.Ordinal);
        long lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            output.Write(AnswerLine(line, lineNumber, cache));
            output.Write('\n');
        }
        return Cli.Ok;
    }

    private static StreamReader OpenFile(string file)
    {
        if (!File.Exists(file)) throw new CnnShapeException($"--batch: the file '{file}' does not exist.");
        return new StreamReader(file);
    }

    internal static string AnswerLine(string line, long lineNumber, Dictionary<string, object> cache)
    {
        string? text = null;
        try
        {
            JsonElement layerValue, inputValue;
            using (var doc = ParseLine(line, lineNumber))
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw new CnnShapeException($"line {lineNumber}: expected a JSON object {{\"layer\": …, \"input\": […]}}.");
                if (!root.TryGetProperty("layer", out layerValue) || layerValue.ValueKind != JsonValueKind.String) throw new CnnShapeException($"line {lineNumber}: \"layer\" must be a string.");
                if (!root.TryGetProperty("input", out inputValue) || inputValue.ValueKind != JsonValueKind.Array) throw new CnnShapeException($"line {lineNumber}: \"input\" must be an array of integers.");
                text = layerValue.GetString()!;
                var dims = new long[inputValue.GetArrayLength()];
                int i = 0;
                foreach (var d in inputValue.EnumerateArray())
                {
                    if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out dims[i])) throw new CnnShapeException($"line {lineNumber}: \"input\" must hold integers, got {d.GetRawText()}.");
                    i++;
                }
                var shape = Shape.Of(dims);
                Layer layer;
                if (cache.TryGetValue(text, out var cached))
                {
                    if (cached is CnnShapeException refusal) throw refusal;
                    layer = (Layer)cached;
                }
                else
                {
                    try { layer = LayerEngine.Build(text); }
                    catch (CnnShapeException e)
                    {
                        if (cache.Count < 100_000) cache[text] = e;
                        throw;
                    }
                    if (cache.Count < 100_000) cache[text] = layer;
                }
                return JsonOut.LayerAnswer(LayerEngine.Apply(layer, shape, text));
            }
        }
        catch (CnnShapeException e)
        {
            string message = e.Message.StartsWith("line ", StringComparison.Ordinal) ? e.Message : $"line {lineNumber}: {e.Message}";
            return JsonOut.Error(message);
        }
    }

    private static JsonDocument ParseLine(string line, long lineNumber)
    {
        try
        {
            return JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new CnnShapeException($"line {lineNumber}: not a JSON object ({e.Message})");
        }
    }
}

/// <summary><c>cnnshape layers</c>: the supported layer names.</summary>
internal static class LayersCommand
{
    public static Command Build(TextWriter output)
    {
        var command = new Command("layers", "List the layers cnnshape knows.");
        command.SetAction(_ =>
        {
            foreach (var name in LayerCatalog.Names.Order(StringComparer.Ordinal)) output.WriteLine(name);
            return Cli.Ok;
        });
        return command;
    }
}
