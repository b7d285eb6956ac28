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
        var symbolic = report.Symbolic;
        void Dims(string property, string tensor, CnnShape.Shapes.Shape shape)
        {
            if (symbolic is not null && symbolic.TryGetValue(tensor, out var dims))
            {
                w.WriteStartArray(property);
                foreach (var d in dims)
                {
                    if (long.TryParse(d, out long v)) w.WriteNumberValue(v);
                    else w.WriteStringValue(d);
                }
                w.WriteEndArray();
            }
            else JsonOut.Dims(w, property, shape);
        }
        Dims("input", report.InputName, report.Input);
        Dims("output", report.Outputs[0], report.Tensors[report.Outputs[0]].Shape);
        w.WriteStartArray("layers");
        foreach (var row in report.Layers)
        {
            w.WriteStartObject();
            w.WriteString("name", row.Name);
            w.WriteString("type", row.Type);
            Dims("output", row.Tensor, row.Output);
            w.WriteNumber("params", row.Params);
            w.WriteNumber("macs", row.Macs);
            w.WriteNumber("activation_bytes", row.ActivationBytes);
            w.WritePropertyName("rf");
            Field(w, row.Field);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("tensors");
        foreach (var (name, (shape, _)) in report.Tensors) Dims(name, name, shape);
        w.WriteEndObject();
        w.WriteStartObject("outputs");
        foreach (var name in report.Outputs)
        {
            w.WriteStartObject(name);
            Dims("shape", name, report.Tensors[name].Shape);
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
        if (symbolic is not null && symbolic.Count > 0)
        {
            w.WriteStartObject("symbolic");
            foreach (var (name, dims) in symbolic)
            {
                w.WriteStartArray(name);
                foreach (var d in dims) w.WriteStringValue(d);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
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
