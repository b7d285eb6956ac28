using System.Buffers;
using System.Text;
using System.Text.Json;
using CnnShape.Layers;
using CnnShape.Shapes;

namespace CnnShape.Formats.Json;

/// <summary>The JSON documents the CLI writes (CONTRACT.md), built with a writer — no reflection, AOT-safe.</summary>
public static class JsonOut
{
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>See the class summary.</summary>
    public static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, Options)) body(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>See the class summary.</summary>
    public static string Error(string message) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteEndObject();
    });

    /// <summary>See the class summary.</summary>
    public static void Dims(Utf8JsonWriter w, string name, Shape shape)
    {
        w.WriteStartArray(name);
        foreach (var d in shape.Dims) w.WriteNumberValue(d);
        w.WriteEndArray();
    }

    /// <summary>See the class summary.</summary>
    public static string LayerAnswer(LayerResult result, bool withSteps = false) => Write(w =>
    {
        w.WriteStartObject();
        Dims(w, "output", result.Output);
        w.WriteNumber("params", result.Params);
        w.WriteNumber("macs", result.Macs);
        if (withSteps)
        {
            w.WriteStartArray("steps");
            foreach (var step in result.Steps)
            {
                w.WriteStartObject();
                w.WriteString("axis", step.Axis);
                w.WriteString("formula", step.Formula);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    });
}
