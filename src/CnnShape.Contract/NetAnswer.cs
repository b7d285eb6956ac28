using System.Text.Json;
using CnnShape.Networks;
using CnnShape.ReceptiveFields;
using CnnShape.Symbolic;

namespace CnnShape.Contract;

/// <summary>The <c>net</c> JSON document of CONTRACT.md.</summary>
public static class NetAnswer
{
    // property names encoded once: a report of a million rows writes each a million times
    private static readonly JsonEncodedText P_name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText P_type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText P_output = JsonEncodedText.Encode("output");
    private static readonly JsonEncodedText P_params = JsonEncodedText.Encode("params");
    private static readonly JsonEncodedText P_macs = JsonEncodedText.Encode("macs");
    private static readonly JsonEncodedText P_activation_bytes = JsonEncodedText.Encode("activation_bytes");
    private static readonly JsonEncodedText P_rf = JsonEncodedText.Encode("rf");
    private static readonly JsonEncodedText P_line = JsonEncodedText.Encode("line");
    private static readonly JsonEncodedText P_size = JsonEncodedText.Encode("size");
    private static readonly JsonEncodedText P_jump = JsonEncodedText.Encode("jump");
    private static readonly JsonEncodedText P_start = JsonEncodedText.Encode("start");
    private static readonly JsonEncodedText P_global = JsonEncodedText.Encode("global");
    private static readonly JsonEncodedText P_inferred = JsonEncodedText.Encode("inferred");

    /// <summary>The whole report: input, output, layers, tensors, outputs, totals, warnings.</summary>
    public static string Write(NetworkReport report) => Answers.Write(w =>
    {
        w.WriteStartObject();
        Body(w, report);
        w.WriteEndObject();
    });

    /// <summary>The whole report written straight to <paramref name="stream"/> as UTF-8 (a million rows never held as one string).</summary>
    public static void Write(Stream stream, NetworkReport report)
    {
        using var w = new Utf8JsonWriter(stream, Answers.Options with { SkipValidation = true });
        w.WriteStartObject();
        Body(w, report);
        w.WriteEndObject();
        w.Flush();
    }

    /// <summary>Hands what is written so far to the stream or buffer below, so a long report streams.</summary>
    private static void Spill(Utf8JsonWriter w)
    {
        if (w.BytesPending > 1 << 16) w.Flush();
    }

    /// <summary>The report's properties, written into an object already open.</summary>
    public static void Body(Utf8JsonWriter w, NetworkReport report)
    {
        Dims(w, "input", report.Input);
        Dims(w, "output", report.Tensors[report.Outputs[0]].Dims);
        w.WriteStartArray("layers");
        foreach (var row in report.Layers)
        {
            Row(w, row);
            Spill(w);
        }
        w.WriteEndArray();
        w.WriteStartObject("tensors");
        foreach (var (name, info) in report.Tensors)
        {
            Dims(w, name, info.Dims);
            Spill(w);
        }
        w.WriteEndObject();
        w.WriteStartObject("outputs");
        foreach (var name in report.Outputs)
        {
            w.WriteStartObject(name);
            Dims(w, "shape", report.Tensors[name].Dims);
            w.WritePropertyName("rf");
            Field(w, report.Tensors[name].Field);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("totals");
        w.WriteNumber("params", report.TotalParams);
        w.WriteNumber("trainable_params", report.TotalParams - report.FrozenParams);
        Number(w, "macs", report.TotalMacs);
        Number(w, "activation_bytes", report.TotalActivationBytes);
        w.WriteEndObject();
        if (report.IsSymbolic)
        {
            var symbols = report.Input.SelectMany(d => d.Symbols).Distinct().ToList();
            w.WriteStartArray("symbols");
            foreach (var s in symbols) w.WriteStringValue(s);
            w.WriteEndArray();
        }
        w.WriteStartArray("warnings");
        foreach (var warning in report.Warnings) w.WriteStringValue(warning);
        w.WriteEndArray();
    }

    /// <summary>
    /// A network PyTorch refuses (CONTRACT.md, "When the network fails"): <c>{"error", "at": {"layer", "line"}, "cause",
    /// "fixes": [{"why", "edits", "input"?, "output"}], "layers": [rows up to the failure], "warnings"}</c>.
    /// </summary>
    public static string Write(Diagnosis.Diagnosis d) => Answers.Write(w =>
    {
        w.WriteStartObject();
        Answers.ErrorFields(w, d.Error);
        w.WriteStartObject("at");
        w.WriteString("layer", d.Node);
        if (d.Line is int line) w.WriteNumber("line", line);
        else w.WriteNull("line");
        w.WriteEndObject();
        w.WriteString("cause", d.Cause);
        w.WriteStartArray("fixes");
        foreach (var fix in d.Fixes)
        {
            w.WriteStartObject();
            w.WriteString("why", fix.Why);
            w.WriteStartArray("edits");
            foreach (var e in fix.Edits)
            {
                w.WriteStartObject();
                if (e.Line is int l) w.WriteNumber("line", l);
                if (e.After is int a) w.WriteNumber("after", a);
                w.WriteString("text", e.Text);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (fix.Input is { } input)
            {
                w.WriteStartArray("input");
                foreach (var x in input.Dims) w.WriteNumberValue(x);
                w.WriteEndArray();
            }
            Dims(w, "output", fix.Output);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("layers");
        foreach (var row in d.Report.Layers) Row(w, row);
        w.WriteEndArray();
        w.WriteStartArray("warnings");
        foreach (var warning in d.Report.Warnings) w.WriteStringValue(warning);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>One layer row: name, type, output, params, macs, activation bytes, rf (and line when it has one).</summary>
    public static void Row(Utf8JsonWriter w, LayerRow row)
    {
        w.WriteStartObject();
        w.WriteString(P_name, row.Name);
        w.WriteString(P_type, row.Type);
        Dims(w, P_output, row.Output);
        w.WriteNumber(P_params, row.Params);
        Number(w, P_macs, row.Macs);
        Number(w, P_activation_bytes, row.ActivationBytes);
        w.WritePropertyName(P_rf);
        Field(w, row.Field);
        if (row.Line is int line) w.WriteNumber(P_line, line);
        if (row.Inferred is var (parameter, value))
        {
            w.WriteStartObject("inferred");
            w.WriteNumber(parameter, value);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>Dimensions as a JSON array: numbers, and Python expressions (<c>"2*batch"</c>, <c>"?"</c>) for symbolic ones; null for an unknown rank.</summary>
    public static void Dims(Utf8JsonWriter w, string name, IReadOnlyList<Dim>? dims)
    {
        w.WritePropertyName(name);
        DimsValue(w, dims);
    }

    private static void Dims(Utf8JsonWriter w, JsonEncodedText name, IReadOnlyList<Dim>? dims)
    {
        w.WritePropertyName(name);
        DimsValue(w, dims);
    }

    private static void DimsValue(Utf8JsonWriter w, IReadOnlyList<Dim>? dims)
    {
        if (dims is null)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartArray();
        for (int i = 0; i < dims.Count; i++) Value(w, dims[i]);
        w.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, string name, Dim value) => Number(w, JsonEncodedText.Encode(name), value);

    private static void Number(Utf8JsonWriter w, JsonEncodedText name, Dim value)
    {
        w.WritePropertyName(name);
        Value(w, value);
    }

    private static void Value(Utf8JsonWriter w, Dim d)
    {
        if (d.IsKnown) w.WriteNumberValue(d.Value);
        else w.WriteStringValue(d.ToPython());
    }

    /// <summary>A receptive field: per-axis size/jump/start, <c>{"global": true}</c>, or null.</summary>
    public static void Field(Utf8JsonWriter w, ReceptiveField field)
    {
        switch (field)
        {
            case GlobalField:
                w.WriteStartObject();
                w.WriteBoolean(P_global, true);
                w.WriteEndObject();
                break;
            case SpatialField s:
                w.WriteStartObject();
                w.WriteStartArray(P_size);
                foreach (var a in s.Axes) Number(w, a.Size);
                w.WriteEndArray();
                w.WriteStartArray(P_jump);
                foreach (var a in s.Axes) Number(w, a.Jump);
                w.WriteEndArray();
                w.WriteStartArray(P_start);
                foreach (var a in s.Axes) Number(w, a.Start);
                w.WriteEndArray();
                w.WriteEndObject();
                break;
            default:
                w.WriteNullValue();
                break;
        }
    }

    private static void Number(Utf8JsonWriter w, Fraction v)
    {
        if (v.IsInteger) w.WriteNumberValue(v.Num);
        else w.WriteNumberValue(v.ToDouble());
    }
}
