using System.Text.Json;
using System.Text.RegularExpressions;
using CnnShape.Networks;

namespace CnnShape.Contract;

/// <summary>
/// The network as a graph, for the page's graph view: for each row the rows it reads from (its edges; −1 is the
/// network's input), its arguments in short, and each module's class — written beside the net answer's rows.
/// </summary>
public static partial class GraphAnswer
{
    /// <summary>
    /// <c>"graph": {"input": [dims], "from": [[row, …], …], "args": ["3, 64, k=7, s=2, p=3", …], "modules": {"layer1": "Sequential", …},
    /// "failing": [row, …]?}</c>; <paramref name="failing"/> is what a failing node reads (null when nothing failed).
    /// </summary>
    public static void Write(Utf8JsonWriter w, NetworkReport report, IReadOnlyList<string>? failing = null)
    {
        // a tensor's producer is the last row that wrote it (a Python name rebound, an ONNX value is written once)
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        w.WriteStartObject("graph");
        NetAnswer.Dims(w, "input", report.Input);
        w.WriteStartArray("from");
        for (int i = 0; i < report.Layers.Count; i++)
        {
            Sources(w, report, producer, report.Layers[i].Inputs);
            producer[report.Layers[i].Tensor] = i;
        }
        w.WriteEndArray();
        w.WriteStartArray("args");
        foreach (var row in report.Layers) w.WriteStringValue(ShortArguments(row.Text));
        w.WriteEndArray();
        w.WriteStartObject("modules");
        foreach (var (name, type) in report.ModuleTypes) w.WriteString(name, type);
        w.WriteEndObject();
        if (failing is not null)
        {
            w.WritePropertyName("failing");
            Sources(w, report, producer, failing);
        }
        w.WriteEndObject();
    }

    private static void Sources(Utf8JsonWriter w, NetworkReport report, Dictionary<string, int> producer, IReadOnlyList<string> inputs)
    {
        w.WriteStartArray();
        var seen = new HashSet<int>();
        foreach (var name in inputs)
        {
            // weights and constants of an ONNX node are no edges: only the input and what rows produce
            int from = producer.TryGetValue(name, out var p) ? p : name == report.InputName ? -1 : int.MinValue;
            if (from != int.MinValue && seen.Add(from)) w.WriteNumberValue(from);
        }
        w.WriteEndArray();
    }

    [GeneratedRegex(@"\((\d+)(?:, \1)+\)")]
    private static partial Regex EqualTuple();

    /// <summary>
    /// A layer's arguments as torchinfo shows them, short: the argument list of its text with kernel_size, stride,
    /// padding, dilation and groups written k, s, p, d, g and equal tuples collapsed (<c>3, 64, k=3, s=2, p=1</c>).
    /// </summary>
    public static string ShortArguments(string? text)
    {
        if (text is null) return "";
        int open = text.IndexOf('('), close = text.LastIndexOf(')');
        if (open < 0 || close <= open) return "";
        string args = EqualTuple().Replace(text[(open + 1)..close], "$1");
        foreach (var (from, to) in new[] { ("kernel_size=", "k="), ("stride=", "s="), ("padding=", "p="), ("dilation=", "d="), ("groups=", "g="), ("output_padding=", "op="), ("inplace=True", "inplace"), ("bias=False", "no bias") })
        {
            args = args.Replace(from, to, StringComparison.Ordinal);
        }
        return args.Length > 40 ? args[..39] + "…" : args;
    }
}
