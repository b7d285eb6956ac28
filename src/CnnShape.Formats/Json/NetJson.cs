using System.Text.Json;
using CnnShape.Networks;
using CnnShape.ReceptiveFields;

namespace CnnShape.Formats.Json;

/// <summary>The <c>net</c> JSON document of CONTRACT.md.</summary>
public static class NetJson
{
    /// <summary>See the class summary.</summary>
    public static string Render(NetworkReport report) => JsonOut.Write(w =>
    {
        w.WriteStartObject();
        JsonOut.Dims(w, "input", report.Input);
        JsonOut.Dims(w, "output", report.Tensors[report.Outputs[0]].Shape);
        w.WriteStartArray("layers");
        foreach (var row in report.Layers)
        {
            w.WriteStartObject();
            w.WriteString("name", row.Name);
            w.WriteString("type", row.Type);
            JsonOut.Dims(w, "output", row.Output);
            w.WriteNumber("params", row.Params);
            w.WriteNumber("macs", row.Macs);
            w.WriteNumber("activation_bytes", row.ActivationBytes);
            w.WritePropertyName("rf");
            Field(w, row.Field);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("tensors");
        foreach (var (name, (shape, _)) in report.Tensors) JsonOut.Dims(w, name, shape);
        w.WriteEndObject();
        w.WriteStartObject("outputs");
        foreach (var name in report.Outputs)
        {
            w.WriteStartObject(name);
            JsonOut.Dims(w, "shape", report.Tensors[name].Shape);
            w.WritePropertyName("rf");
            Field(w, report.Tensors[name].Field);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("totals");
        w.WriteNumber("params", report.TotalParams);
        w.WriteNumber("macs", report.TotalMacs);
        w.WriteNumber("activation_bytes", report.TotalActivationBytes);
        w.WriteEndObject();
        w.WriteStartArray("warnings");
        foreach (var warning in report.Warnings) w.WriteStringValue(warning);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>See the class summary.</summary>
    public static void Field(Utf8JsonWriter w, ReceptiveField field)
    {
        switch (field)
        {
            case GlobalField:
                w.WriteStartObject();
                w.WriteBoolean("global", true);
                w.WriteEndObject();
                break;
            case SpatialField s:
                w.WriteStartObject();
                Numbers(w, "size", s.Axes.Select(a => a.Size));
                Numbers(w, "jump", s.Axes.Select(a => a.Jump));
                Numbers(w, "start", s.Axes.Select(a => a.Start));
                w.WriteEndObject();
                break;
            default:
                w.WriteNullValue();
                break;
        }
    }

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<Fraction> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            if (v.IsInteger) w.WriteNumberValue(v.Num);
            else w.WriteNumberValue(v.ToDouble());
        }
        w.WriteEndArray();
    }
}
