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
            WriteAnswer(line, lineNumber, cache, output);
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
        var sb = new System.Text.StringBuilder(64);
        using (var w = new StringWriter(sb)) WriteAnswer(line, lineNumber, cache, w);
        return sb.ToString();
    }

    /// <summary>
    /// One batch line in, one JSON answer out, written straight to the output: the line is read with a forward-only
    /// <see cref="Utf8JsonReader"/> (other fields skipped) and built layers are cached by their text.
    /// </summary>
    internal static void WriteAnswer(string line, long lineNumber, Dictionary<string, object> cache, TextWriter output)
    {
        try
        {
            var (text, dims) = ReadLine(line, lineNumber);
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
            var result = LayerEngine.Apply(layer, shape, text);
            Span<char> buffer = stackalloc char[24];
            output.Write("{\"output\":[");
            var outDims = result.Output.Dims;
            for (int i = 0; i < outDims.Length; i++)
            {
                if (i > 0) output.Write(',');
                WriteNumber(output, outDims[i], buffer);
            }
            output.Write("],\"params\":");
            WriteNumber(output, result.Params, buffer);
            output.Write(",\"macs\":");
            WriteNumber(output, result.Macs, buffer);
            output.Write('}');
        }
        catch (CnnShapeException e)
        {
            string message = e.Message.StartsWith("line ", StringComparison.Ordinal) ? e.Message : $"line {lineNumber}: {e.Message}";
            output.Write(JsonOut.Error(message));
        }
    }

    private static void WriteNumber(TextWriter output, long value, Span<char> buffer)
    {
        value.TryFormat(buffer, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        output.Write(buffer[..written]);
    }

    [ThreadStatic]
    private static byte[]? _lineBytes;

    private static (string Text, long[] Dims) ReadLine(string line, long lineNumber)
    {
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(line.Length);
        if (_lineBytes is null || _lineBytes.Length < max) _lineBytes = new byte[Math.Max(max, 4096)];
        int length = System.Text.Encoding.UTF8.GetBytes(line, _lineBytes);
        var reader = new Utf8JsonReader(_lineBytes.AsSpan(0, length), new JsonReaderOptions { MaxDepth = 16 });
        string? text = null;
        List<long>? dims = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new CnnShapeException($"line {lineNumber}: expected a JSON object {{\"layer\": …, \"input\": […]}}.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("layer"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String) throw new CnnShapeException($"line {lineNumber}: \"layer\" must be a string.");
                    text = reader.GetString();
                }
                else if (reader.ValueTextEquals("input"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray) throw new CnnShapeException($"line {lineNumber}: \"input\" must be an array of integers.");
                    dims = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long d))
                        {
                            string got = reader.TokenType == JsonTokenType.String ? $"\"{reader.GetString()}\"" : reader.TokenType.ToString();
                            throw new CnnShapeException($"line {lineNumber}: \"input\" must hold integers, got {got}.");
                        }
                        dims.Add(d);
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) throw new CnnShapeException($"line {lineNumber}: not a JSON object (text after the closing brace).");
        }
        catch (JsonException e)
        {
            throw new CnnShapeException($"line {lineNumber}: not a JSON object ({e.Message})");
        }
        if (text is null) throw new CnnShapeException($"line {lineNumber}: \"layer\" must be a string.");
        if (dims is null) throw new CnnShapeException($"line {lineNumber}: \"input\" must be an array of integers.");
        return (text, [.. dims]);
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
                output.Write(JsonOut.Write(w =>
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
