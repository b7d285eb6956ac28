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

    /// <summary>
    /// Streams JSON lines: one answer per line in, in order; a bad line gets its own error and the rest go on.
    /// Lines are cut from a byte buffer and read as UTF-8 in place; built layers are cached by their text.
    /// </summary>
    internal static int RunBatch(string file, TextWriter output)
    {
        using var stream = file == "-" ? Console.OpenStandardInput() : OpenFile(file);
        var batch = new Batch(output);
        byte[] buffer = new byte[1 << 20];
        int start = 0, end = 0;
        bool first = true;
        while (true)
        {
            if (first && end >= 3)
            {
                // a UTF-8 byte-order mark (Windows editors write one) is not part of the first line
                if (buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) start = 3;
                first = false;
            }
            int newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                batch.Answer(buffer.AsSpan(start, newline));
                start += newline + 1;
                continue;
            }
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length)
            {
                if (buffer.Length >= 1 << 28) throw new CnnShapeException($"--batch: line {batch.LineNumber + 1} is longer than 256 MB.");
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            int read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                if (end > start) batch.Answer(buffer.AsSpan(start, end - start));
                break;
            }
            end += read;
        }
        return Cli.Ok;
    }

    private static Stream OpenFile(string file)
    {
        if (!File.Exists(file)) throw new CnnShapeException($"--batch: the file '{file}' does not exist.");
        return new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    /// <summary>The state of one batch: the output, the line count and the cache of built layers.</summary>
    private sealed class Batch(TextWriter output)
    {
        private readonly Dictionary<string, object> _cache = new(StringComparer.Ordinal);
        private char[] _chars = new char[256];
        private readonly List<long> _dims = new(8);

        public long LineNumber { get; private set; }

        public void Answer(ReadOnlySpan<byte> line)
        {
            LineNumber++;
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            try
            {
                int length = Read(line);
                var span = _chars.AsSpan(0, length);
                var lookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
                Layer layer;
                string text;
                if (lookup.TryGetValue(span, out var cached))
                {
                    if (cached is CnnShapeException refusal)
                    {
                        // A layer PyTorch will not build: answered from the cache without throwing again.
                        output.Write(JsonOut.Error($"line {LineNumber}: {refusal.Message}"));
                        output.Write('\n');
                        return;
                    }
                    layer = (Layer)cached;
                    text = "";
                }
                else
                {
                    text = new string(span);
                    try { layer = LayerEngine.Build(text); }
                    catch (CnnShapeException e)
                    {
                        if (_cache.Count < 100_000) _cache[text] = e;
                        throw;
                    }
                    if (_cache.Count < 100_000) _cache[text] = layer;
                }
                var shape = Shape.Of([.. _dims]);
                LayerResult result;
                try { result = layer.Apply(shape); }
                catch (CnnShapeException e)
                {
                    // the same message LayerEngine.Apply gives, without applying the layer a second time
                    throw new CnnShapeException($"layer `{span.Trim().ToString()}` on input {shape}: {e.Message}");
                }
                catch (OverflowException)
                {
                    throw new CnnShapeException($"layer `{span.Trim().ToString()}` on input {shape}: the computation overflows 64-bit integers; cnnshape refuses rather than give a wrong number.");
                }
                Write(result);
            }
            catch (CnnShapeException e)
            {
                string message = e.Message.StartsWith("line ", StringComparison.Ordinal) ? e.Message : $"line {LineNumber}: {e.Message}";
                output.Write(JsonOut.Error(message));
            }
            output.Write('\n');
        }

        private void Write(LayerResult result)
        {
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

        /// <summary>Reads {"layer": "…", "input": […]} (other fields skipped): the layer text into the char buffer, the dims into the list.</summary>
        private int Read(ReadOnlySpan<byte> line)
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 16 });
            int textLength = -1;
            bool sawInput = false;
            _dims.Clear();
            try
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new CnnShapeException($"line {LineNumber}: expected a JSON object {{\"layer\": …, \"input\": […]}}.");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("layer"u8))
                    {
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.String) throw new CnnShapeException($"line {LineNumber}: \"layer\" must be a string.");
                        int needed = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
                        if (_chars.Length < needed) _chars = new char[Math.Max(needed, _chars.Length * 2)];
                        textLength = reader.CopyString(_chars);
                    }
                    else if (reader.ValueTextEquals("input"u8))
                    {
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.StartArray) throw new CnnShapeException($"line {LineNumber}: \"input\" must be an array of integers.");
                        sawInput = true;
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long d))
                            {
                                string got = reader.TokenType == JsonTokenType.String ? $"\"{reader.GetString()}\"" : reader.TokenType.ToString();
                                throw new CnnShapeException($"line {LineNumber}: \"input\" must hold integers, got {got}.");
                            }
                            _dims.Add(d);
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
                if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) throw new CnnShapeException($"line {LineNumber}: not a JSON object (text after the closing brace).");
            }
            catch (JsonException e)
            {
                throw new CnnShapeException($"line {LineNumber}: not a JSON object ({e.Message})");
            }
            if (textLength < 0) throw new CnnShapeException($"line {LineNumber}: \"layer\" must be a string.");
            if (!sawInput) throw new CnnShapeException($"line {LineNumber}: \"input\" must be an array of integers.");
            return textLength;
        }
    }

    private static void WriteNumber(TextWriter output, long value, Span<char> buffer)
    {
        value.TryFormat(buffer, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        output.Write(buffer[..written]);
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
