using System.Buffers;
using System.Text.Json;
using CnnShape.Layers;
using CnnShape.Shapes;

namespace CnnShape.Contract;

/// <summary>
/// <c>layer --batch</c>: JSON lines <c>{"layer", "input"}</c> in, one answer line out per line, in order. Lines are cut
/// from a byte buffer and read in place; what arrives together is answered together, split across the cores in two
/// halves whose answers are written in order; whatever has been read is answered and flushed before the next read, so a
/// client that writes one line and waits gets its answer.
/// </summary>
public static class LayerBatch
{
    /// <summary>Below this many lines in one read, one core answers them all.</summary>
    private const int ParallelThreshold = 2048;

    /// <summary>Answers every line of <paramref name="input"/> on <paramref name="output"/>, in training mode (as a freshly built module) or, with <paramref name="training"/> false, as after <c>model.eval()</c>.</summary>
    public static void Run(Stream input, Stream output, bool training = true)
    {
        int workers = Math.Clamp(Environment.ProcessorCount, 1, 8);
        var states = Enumerable.Range(0, workers).Select(_ => new Worker(training)).ToArray();
        byte[] buffer = new byte[1 << 20];
        int start = 0, end = 0;
        long lineNumber = 0;
        bool first = true;
        var lines = new List<(int Start, int Length)>(4096);
        while (true)
        {
            int read = input.Read(buffer, end, buffer.Length - end);
            end += read;
            if (first && end >= 3)
            {
                // a UTF-8 byte-order mark (Windows editors write one) is not part of the first line
                if (buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) start = 3;
                first = false;
            }
            lines.Clear();
            int scan = start;
            while (true)
            {
                int newline = buffer.AsSpan(scan, end - scan).IndexOf((byte)'\n');
                if (newline < 0) break;
                lines.Add((scan, newline));
                scan += newline + 1;
            }
            if (read == 0 && scan < end)
            {
                lines.Add((scan, end - scan));
                scan = end;
            }
            Answer(buffer, lines, lineNumber, states, output);
            lineNumber += lines.Count;
            if (read == 0) break;
            // keep the unfinished line at the front; grow the buffer for a line longer than it
            Buffer.BlockCopy(buffer, scan, buffer, 0, end - scan);
            end -= scan;
            start = 0;
            if (end == buffer.Length)
            {
                if (buffer.Length >= 1 << 28) throw new CnnShapeException($"line {lineNumber + 1} is longer than 256 MB.");
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
        output.Flush();
    }

    private static void Answer(byte[] buffer, List<(int Start, int Length)> lines, long firstNumber, Worker[] workers, Stream output)
    {
        if (lines.Count == 0) return;
        int parts = lines.Count >= ParallelThreshold ? workers.Length : 1;
        int per = (lines.Count + parts - 1) / parts;
        if (parts == 1) workers[0].Answer(buffer, lines, 0, lines.Count, firstNumber);
        else
        {
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
            {
                int from = p * per, to = Math.Min(lines.Count, from + per);
                workers[p].Answer(buffer, lines, from, to, firstNumber);
            });
        }
        for (int p = 0; p < parts; p++) workers[p].Drain(output);
        output.Flush();
    }

    /// <summary>One core's state: its layer cache, scratch buffers and the answers it has written.</summary>
    private sealed class Worker
    {
        private readonly LayerCache _cache = new();
        private readonly ArrayBufferWriter<byte> _out = new(1 << 16);
        private readonly Utf8JsonWriter _json;
        private readonly List<long> _dims = new(8);
        private char[] _chars = new char[256];
        private char[] _key = new char[512];

        /// <summary>Answers by request (layer text and input): a batch that repeats a request, refused or not, computes it once.</summary>
        private readonly Dictionary<string, object> _answers = new(StringComparer.Ordinal);
        private const int AnswerCapacity = 8192;

        private readonly bool _training;

        public Worker(bool training)
        {
            _training = training;
            _json = Answers.Writer(_out);
        }

        public void Drain(Stream output)
        {
            output.Write(_out.WrittenSpan);
            _out.ResetWrittenCount();
        }

        public void Answer(byte[] buffer, List<(int Start, int Length)> lines, int from, int to, long firstNumber)
        {
            for (int i = from; i < to; i++)
            {
                var (s, n) = lines[i];
                Answer(buffer.AsSpan(s, n), firstNumber + i + 1);
            }
        }

        private void Answer(ReadOnlySpan<byte> line, long number)
        {
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            _json.Reset();
            try
            {
                int length = Read(line);
                var text = _chars.AsSpan(0, length);
                var lookup = _answers.GetAlternateLookup<ReadOnlySpan<char>>();
                var key = Key(text);
                if (!lookup.TryGetValue(key, out var answer))
                {
                    answer = Compute(text);
                    if (_answers.Count >= AnswerCapacity) _answers.Clear();
                    _answers[new string(key)] = answer;
                }
                if (answer is LayerResult result) Answers.Layer(_json, result);
                else WriteError((CnnShapeException)answer, number);
            }
            catch (CnnShapeException e)
            {
                WriteError(e, number);
            }
            _json.Flush();
            _out.Write("\n"u8);
        }

        /// <summary>The request as a key: the layer text, then the input's dims.</summary>
        private ReadOnlySpan<char> Key(ReadOnlySpan<char> text)
        {
            int needed = text.Length + 1 + _dims.Count * 21;
            if (_key.Length < needed) _key = new char[Math.Max(needed, _key.Length * 2)];
            text.CopyTo(_key);
            int at = text.Length;
            _key[at++] = '\u0001';
            foreach (long d in _dims)
            {
                d.TryFormat(_key.AsSpan(at), out int written, default, System.Globalization.CultureInfo.InvariantCulture);
                at += written;
                _key[at++] = ',';
            }
            return _key.AsSpan(0, at);
        }

        /// <summary>The answer for a request not seen before: the result, or PyTorch's refusal (kept, not thrown again).</summary>
        private object Compute(ReadOnlySpan<char> text)
        {
            if (!_cache.TryBuild(text, out var layer, out var refusal)) return refusal!;
            try
            {
                return LayerEngine.Apply(layer!, Shape.Of([.. _dims]), text.Trim().ToString(), _training);
            }
            catch (CnnShapeException e)
            {
                return e;
            }
        }

        private void WriteError(CnnShapeException e, long number)
        {
            _json.WriteStartObject();
            _json.WriteString("error", "line " + number.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": " + e.Message);
            _json.WriteNumber("line", number);
            if (e.Place.Text is not null) _json.WriteString("layer", e.Place.Text);
            _json.WriteEndObject();
        }

        /// <summary>Reads <c>{"layer": "…", "input": […]}</c> (other fields skipped): the text into the char buffer, the dims into the list.</summary>
        private int Read(ReadOnlySpan<byte> line)
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = Requests.MaxDepth });
            int textLength = -1;
            bool sawInput = false;
            _dims.Clear();
            try
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new CnnShapeException("expected a JSON object {\"layer\": …, \"input\": […]}.");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("layer"u8))
                    {
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.String) throw new CnnShapeException("\"layer\" must be a string.");
                        int needed = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
                        if (_chars.Length < needed) _chars = new char[Math.Max(needed, _chars.Length * 2)];
                        textLength = reader.CopyString(_chars);
                    }
                    else if (reader.ValueTextEquals("input"u8))
                    {
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.StartArray) throw new CnnShapeException("\"input\" must be an array of integers.");
                        sawInput = true;
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long d))
                            {
                                string got = reader.TokenType == JsonTokenType.String ? $"\"{reader.GetString()}\"" : reader.TokenType.ToString();
                                throw new CnnShapeException($"\"input\" must hold integers, got {got}.");
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
                if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) throw new CnnShapeException("not a JSON object (text after the closing brace).");
            }
            catch (JsonException e)
            {
                throw new CnnShapeException($"not a JSON object ({e.Message})");
            }
            if (textLength < 0) throw new CnnShapeException("\"layer\" must be a string.");
            if (!sawInput) throw new CnnShapeException("\"input\" must be an array of integers.");
            return textLength;
        }
    }
}
