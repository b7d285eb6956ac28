namespace CnnShape.Formats;

/// <summary>
/// A network as given, before it is read: an ONNX model (recognised by its name or by its bytes) or text in one of the
/// text formats (UTF-8). The caller opens the bytes — a file, standard input, a request body — and this decides what
/// they are; an ONNX model is read later from a stream it opens again, by seeking, so its weights are never loaded.
/// </summary>
public sealed class NetworkInput
{
    /// <summary>The largest text accepted (an ONNX model has no such limit).</summary>
    public const long TextLimit = 64L << 20;

    private readonly Func<Stream>? _onnx;

    private NetworkInput(string name, Func<Stream>? onnx, string? text, NetworkFormat format)
    {
        Name = name;
        _onnx = onnx;
        Text = text;
        Format = format;
    }

    /// <summary>The name messages use (a file name, <c>stdin</c>, <c>network</c>).</summary>
    public string Name { get; }

    /// <summary>The text, for the text formats; null for an ONNX model.</summary>
    public string? Text { get; }

    /// <summary>The text format (<see cref="NetworkFormat.Auto"/>: read from the text itself).</summary>
    public NetworkFormat Format { get; }

    /// <summary>Whether the input is an ONNX model.</summary>
    public bool IsOnnx => _onnx is not null;

    /// <summary>The ONNX bytes as a stream (opened anew on each call; the caller disposes it).</summary>
    public Stream OpenOnnx() => _onnx is { } open ? open() : throw new InvalidOperationException("not an ONNX model");

    /// <summary>Text in a given (or detected) format.</summary>
    public static NetworkInput FromText(string text, string name, NetworkFormat format = NetworkFormat.Auto) => new(name, null, text, format);

    /// <summary>An ONNX model whose bytes <paramref name="open"/> gives.</summary>
    public static NetworkInput FromOnnx(Func<Stream> open, string name) => new(name, open, null, NetworkFormat.Auto);

    /// <summary>
    /// Decides what the bytes <paramref name="open"/> gives are: ONNX when <paramref name="name"/> ends in <c>.onnx</c> or
    /// the bytes start as a ModelProto does (field 1, <c>ir_version</c>: byte 0x08) and are not text; otherwise UTF-8 text
    /// (a byte-order mark dropped), refused when it holds NUL bytes, is not UTF-8 or is over 64 MB.
    /// </summary>
    public static NetworkInput Detect(Func<Stream> open, string name)
    {
        using var stream = open();
        var head = new byte[256];
        int length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (LooksLikeOnnx(head.AsSpan(0, length), name)) return FromOnnx(open, name);
        using var all = new MemoryStream();
        all.Write(head, 0, length);
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            all.Write(chunk, 0, read);
            if (all.Length > TextLimit) throw new CnnShapeException($"the input is over {TextLimit >> 20} MB; network text is limited to {TextLimit >> 20} MB.", new Place { File = name });
        }
        return FromText(Decode(all.ToArray(), name), name);
    }

    private static bool LooksLikeOnnx(ReadOnlySpan<byte> head, string name)
    {
        if (name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) return true;
        if (head.Length < 2 || head[0] != 0x08) return false;
        foreach (var b in head)
        {
            if (b < 0x09 || b is > 0x0D and < 0x20) return true;
        }
        return false;
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
