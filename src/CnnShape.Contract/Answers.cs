using System.Buffers;
using System.Text;
using System.Text.Json;
using CnnShape.Layers;
using CnnShape.Solvers;

namespace CnnShape.Contract;

/// <summary>The answers of CONTRACT.md, each written in one place for the CLI (<c>--json</c>, batches) and the web API.</summary>
public static class Answers
{
    /// <summary>The contract's writer options: UTF-8 as is (no \\u escapes for ×, →, quotes).</summary>
    internal static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A JSON document written by <paramref name="body"/>, as a string.</summary>
    public static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, Options)) body(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A writer over <paramref name="buffer"/> with the contract's options (reuse it with <c>Reset</c>).</summary>
    public static Utf8JsonWriter Writer(IBufferWriter<byte> buffer) => new(buffer, Options);

    /// <summary><c>{"output": [dims], "params": n, "macs": n}</c>, and the arithmetic per axis when asked.</summary>
    public static void Layer(Utf8JsonWriter w, LayerResult result, bool withSteps = false)
    {
        w.WriteStartObject();
        w.WriteStartArray("output");
        foreach (var d in result.Output.Dims) w.WriteNumberValue(d);
        w.WriteEndArray();
        w.WriteNumber("params", result.Params);
        w.WriteNumber("macs", result.Macs);
        if (result.Inferred is var (parameter, value))
        {
            w.WriteStartObject("inferred");
            w.WriteNumber(parameter, value);
            w.WriteEndObject();
        }
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
    }

    /// <summary>The layer answer as a string.</summary>
    public static string Layer(LayerResult result, bool withSteps = false) => Write(w => Layer(w, result, withSteps));

    /// <summary>
    /// <c>{"error": message, …}</c> with the place as data: <c>file</c>, <c>line</c>, <c>column</c>, <c>node</c>, <c>layer</c>
    /// (the layer text) — each only when known.
    /// </summary>
    public static void Error(Utf8JsonWriter w, CnnShapeException e)
    {
        w.WriteStartObject();
        ErrorFields(w, e);
        w.WriteEndObject();
    }

    /// <summary>The error's fields, into an object already open.</summary>
    public static void ErrorFields(Utf8JsonWriter w, CnnShapeException e)
    {
        w.WriteString("error", e.Message);
        var p = e.Place;
        if (p.File is not null) w.WriteString("file", p.File);
        if (p.Line is int line) w.WriteNumber("line", line);
        if (p.Column is int column) w.WriteNumber("column", column);
        if (p.Node is not null) w.WriteString("node", p.Node);
        if (p.Text is not null) w.WriteString("layer", p.Text);
    }

    /// <summary>The error answer as a string.</summary>
    public static string Error(CnnShapeException e) => Write(w => Error(w, e));

    /// <summary>A bare <c>{"error": message}</c> (a malformed request that has no place).</summary>
    public static string Error(string message) => Error(new CnnShapeException(message));

    /// <summary><c>{"symmetric": P or null, "before", "after", "total_min", "total_max"}</c>.</summary>
    public static void Pad(Utf8JsonWriter w, PaddingAnswer a)
    {
        w.WriteStartObject();
        if (a.Symmetric is long sym) w.WriteNumber("symmetric", sym);
        else w.WriteNull("symmetric");
        w.WriteNumber("before", a.Before);
        w.WriteNumber("after", a.After);
        w.WriteNumber("total_min", a.SmallestTotal);
        w.WriteNumber("total_max", a.LargestTotal);
        w.WriteEndObject();
    }

    /// <summary><c>{"padding", "output_padding"}</c>.</summary>
    public static void Pad(Utf8JsonWriter w, TransposedPaddingAnswer a)
    {
        w.WriteStartObject();
        w.WriteNumber("padding", a.Padding);
        w.WriteNumber("output_padding", a.OutputPadding);
        w.WriteEndObject();
    }

    /// <summary>
    /// The region one unit sees (<c>net --unit --json</c> and <c>POST /api/region</c>): <c>{"layer", "output", "unit": {"H": 3,
    /// "W": 5}, "axes": {"H": {"dim", "index", "first", "last", "exact", "inside", "input"}, …}}</c>, axes in order.
    /// </summary>
    public static string Region(ReceptiveFields.UnitRegion region) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("layer", region.Layer);
        w.WriteStartArray("output");
        foreach (var d in region.Output.Dims) w.WriteNumberValue(d);
        w.WriteEndArray();
        w.WriteStartObject("unit");
        foreach (var a in region.Axes) w.WriteNumber(a.Name, a.Index);
        w.WriteEndObject();
        w.WriteStartObject("axes");
        foreach (var a in region.Axes)
        {
            var r = a.Region;
            w.WriteStartObject(a.Name);
            w.WriteNumber("dim", a.Dim);
            w.WriteNumber("index", a.Index);
            w.WriteNumber("first", r.First.ToDouble());
            w.WriteNumber("last", r.Last.ToDouble());
            w.WriteString("exact", $"[{r.First}, {r.Last}]");
            if (r.InsideFirst is long lo)
            {
                w.WriteStartArray("inside");
                w.WriteNumberValue(lo);
                w.WriteNumberValue(r.InsideLast!.Value);
                w.WriteEndArray();
            }
            else w.WriteNull("inside");
            w.WriteNumber("input", a.InputSize);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>Solves a pad request and writes its answer (window or transposed).</summary>
    public static string Pad(PadRequest r, SplitConvention convention = SplitConvention.PyTorch) => r.Transposed
        ? Write(w => Pad(w, PaddingSolver.Transposed(r.Input, r.Output, r.Kernel, r.Stride, r.Dilation)))
        : Write(w => Pad(w, PaddingSolver.Window(r.Input, r.Output, r.Kernel, r.Stride, r.Dilation, convention)));
}
