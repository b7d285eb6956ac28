using System.Text.Json;
using CnnShape.Formats;
using CnnShape.Shapes;

namespace CnnShape.Contract;

/// <summary>
/// The requests of CONTRACT.md as types, each read in one place: the CLI's batch lines and the web API's bodies go
/// through the same readers, so a field means the same thing (and is refused with the same words) everywhere.
/// </summary>
public static class Requests
{
    /// <summary>The largest nesting a request may have.</summary>
    public const int MaxDepth = 16;

    /// <summary>Parses a JSON object; anything else is refused.</summary>
    public static JsonDocument Object(ReadOnlySpan<byte> json)
    {
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
            doc = JsonDocument.ParseValue(ref reader);
            if (reader.Read()) throw new CnnShapeException("not a JSON object (text after the closing brace).");
        }
        catch (JsonException e)
        {
            throw new CnnShapeException($"not a JSON object ({e.Message})");
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw new CnnShapeException("expected a JSON object.");
        }
        return doc;
    }

    /// <summary>A required string field.</summary>
    public static string String(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new CnnShapeException($"\"{name}\" must be a string.");

    /// <summary>An optional string field.</summary>
    public static string? OptionalString(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new CnnShapeException($"\"{name}\" must be a string.");
    }

    /// <summary>An optional boolean field (false when absent).</summary>
    public static bool Flag(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new CnnShapeException($"\"{name}\" must be true or false."),
        };
    }

    /// <summary>An integer field, with a default when absent (null: required).</summary>
    public static long Long(JsonElement body, string name, long? fallback)
    {
        if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return fallback ?? throw new CnnShapeException($"\"{name}\" is required.");
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long x)) return x;
        throw new CnnShapeException($"\"{name}\" must be an integer, got {v.GetRawText()}.");
    }

    /// <summary>A shape field: an array of integers (or a shape written as text, as the page's input box has it).</summary>
    public static Shape? OptionalShape(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String) return v.GetString()!.Trim().Length == 0 ? null : Shape.Parse(v.GetString()!);
        if (v.ValueKind != JsonValueKind.Array) throw new CnnShapeException($"\"{name}\" must be an array of integers.");
        var dims = new List<long>();
        foreach (var d in v.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long x)) throw new CnnShapeException($"\"{name}\" must hold integers, got {d.GetRawText()}.");
            dims.Add(x);
        }
        return Shape.Of([.. dims]);
    }
}

/// <summary><c>{"layer": "…", "input": [dims]}</c> (other fields ignored): one layer on one input.</summary>
/// <param name="Layer">The layer text.</param>
/// <param name="Input">The input shape.</param>
/// <param name="Eval">Evaluation mode (<c>"eval": true</c>).</param>
public sealed record LayerRequest(string Layer, Shape Input, bool Eval = false)
{
    /// <summary>Reads a request object.</summary>
    public static LayerRequest Read(JsonElement body)
    {
        string text = Requests.String(body, "layer");
        var shape = Requests.OptionalShape(body, "input") ?? throw new CnnShapeException("\"input\" must be an array of integers such as [1, 3, 224, 224].");
        return new LayerRequest(text, shape, Requests.Flag(body, "eval"));
    }

    /// <summary>Reads one request from UTF-8 JSON.</summary>
    public static LayerRequest Read(ReadOnlySpan<byte> json)
    {
        using var doc = Requests.Object(json);
        return Read(doc.RootElement);
    }
}

/// <summary>
/// <c>{"text", "format"?, "input"?, "eval"?, "class"?, "args"?}</c>: a network written in one of the text formats.
/// The format is said, not guessed from a file name: <c>auto</c> (the default) reads it from the text itself.
/// </summary>
/// <param name="Text">The network text.</param>
/// <param name="Format">auto, printed, lines, yaml or python.</param>
/// <param name="Input">The input shape, overriding the one the text declares.</param>
/// <param name="Eval">Evaluation mode.</param>
/// <param name="Class">For Python source: the class to build.</param>
/// <param name="Args">For Python source: constructor arguments, <c>"k=v, …"</c>.</param>
public sealed record NetRequest(string Text, NetworkFormat Format, Shape? Input, bool Eval = false, string? Class = null, string? Args = null)
{
    /// <summary>Reads a request object.</summary>
    public static NetRequest Read(JsonElement body) => new(
        Requests.String(body, "text"),
        NetworkText.ParseFormat(Requests.OptionalString(body, "format") ?? "auto"),
        Requests.OptionalShape(body, "input"),
        Requests.Flag(body, "eval"),
        Requests.OptionalString(body, "class"),
        Requests.OptionalString(body, "args"));
}

/// <summary><c>{"input", "output", "kernel", "stride"?, "dilation"?, "transposed"?}</c>: one axis to pad.</summary>
/// <param name="Input">Input size.</param>
/// <param name="Output">The output size wanted.</param>
/// <param name="Kernel">Kernel size.</param>
/// <param name="Stride">Stride (default 1).</param>
/// <param name="Dilation">Dilation (default 1).</param>
/// <param name="Transposed">Solve for a transposed convolution.</param>
public sealed record PadRequest(long Input, long Output, long Kernel, long Stride, long Dilation, bool Transposed)
{
    /// <summary>Reads a request object.</summary>
    public static PadRequest Read(JsonElement body) => new(
        Requests.Long(body, "input", null), Requests.Long(body, "output", null), Requests.Long(body, "kernel", null),
        Requests.Long(body, "stride", 1), Requests.Long(body, "dilation", 1), Requests.Flag(body, "transposed"));

    /// <summary>Reads one request from UTF-8 JSON.</summary>
    public static PadRequest Read(ReadOnlySpan<byte> json)
    {
        using var doc = Requests.Object(json);
        return Read(doc.RootElement);
    }
}
