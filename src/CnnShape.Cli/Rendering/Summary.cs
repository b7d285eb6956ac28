using System.Text.RegularExpressions;
using CnnShape.Networks;
using CnnShape.ReceptiveFields;
using CnnShape.Symbolic;

namespace CnnShape.Cli.Rendering;

/// <summary>
/// The lines under the net table: input and output with the batch check, the output's receptive field, and the totals
/// block (parameters trainable and not, then memory: parameters, input, forward pass, their sum — each saying what it
/// counts). Other blocks (training memory) go after it.
/// </summary>
internal static partial class Summary
{
    /// <summary>The summary as text fitted to the table's width.</summary>
    public static string Render(NetworkReport report, TableOptions options) => Prose.Fit(string.Join("\n", Lines(report, options)) + "\n", options.Width);

    /// <summary>The summary's lines, unwrapped.</summary>
    public static List<string> Lines(NetworkReport report, TableOptions options)
    {
        bool exact = options.Exact;
        string? batch = report.BatchSymbol;
        var output = report.Tensors[report.Outputs[0]];
        var lines = new List<string>
        {
            $"input {NetTable.Dims(report.Input)} → output {NetTable.Dims(output.Dims)}; {Batch(report)}",
        };
        if (Field(output.Field) is string field) lines.Add("receptive field of the output: " + field);
        string per = batch is not null ? $" (per sample: the batch '{batch}' is symbolic)" : "";
        lines.Add($"{report.Layers.Count} rows, {Count(report.TotalMacs, batch, exact)} MACs{per}");
        lines.Add("");
        long total = report.TotalParams, frozen = report.FrozenParams;
        lines.Add($"params  {Units.Count(total, true)}{(exact ? "" : $" ({Units.Count(total)})")}: {Units.Count(total - frozen, true)} trainable, {Units.Count(frozen, true)} non-trainable{(frozen > 0 ? " (frozen by the code)" : "")}");
        var (dtype, size) = options.Dtype;
        Dim parameters = total * size;
        Dim input = Dim.Product(report.Input) * size;
        Dim forward = report.TotalActivationBytes;
        lines.Add($"memory, {dtype}:");
        lines.Add($"  params        {Bytes(parameters, batch, exact),11}  each parameter once; buffers (BatchNorm's running statistics) not counted");
        lines.Add($"  input         {Bytes(input, batch, exact),11}  the input tensor");
        lines.Add($"  forward pass  {Bytes(forward, batch, exact),11}  every row's output, in-place ones too, none freed; no gradients");
        lines.Add($"  total         {Bytes(parameters + input + forward, batch, exact),11}  the three above");
        return lines;
    }

    private static string Count(Dim n, string? batch, bool exact) =>
        n.IsKnown ? Units.Count(n.Value, exact) : batch is not null && n.Per(batch) is long k ? Units.Count(k, exact) : n.ToString();

    private static string Bytes(Dim n, string? batch, bool exact) =>
        n.IsKnown ? Units.Bytes(n.Value, exact) : batch is not null && n.Per(batch) is long k ? Units.Bytes(k, exact) : n + " B";

    /// <summary>The field one output unit sees: size, jump and start per axis, global, or nothing to say.</summary>
    private static string? Field(ReceptiveField field) => field switch
    {
        SpatialField s => $"{Join(s.Axes.Select(a => a.Size))} (jump {Join(s.Axes.Select(a => a.Jump))}, start {Join(s.Axes.Select(a => a.Start))})",
        GlobalField => "global (every unit sees the whole input)",
        _ => null,
    };

    private static string Join(IEnumerable<Fraction> values) => string.Join(" × ", values.Select(v => v.ToString()));

    [GeneratedRegex(@"^(?:Conv|ConvTranspose|MaxPool|AvgPool|LPPool|AdaptiveAvgPool|AdaptiveMaxPool|FractionalMaxPool)([123])d")]
    private static partial Regex SpatialLayer();

    /// <summary>
    /// The batch check: the input's first dimension followed through every row of rank two or more. A row where it
    /// changes mixes samples (a view or reshape that moved features into the batch); an input one rank short of its
    /// first spatial layer has no batch dimension at all (PyTorch reads it as one unbatched sample).
    /// </summary>
    internal static string Batch(NetworkReport report)
    {
        if (report.Input.Count == 0) return "no batch dimension (a scalar input)";
        var first = report.Layers.Select(r => SpatialLayer().Match(r.Type)).FirstOrDefault(m => m.Success);
        if (first is not null && report.Input.Count == first.Groups[1].Value[0] - '0' + 1)
        {
            return $"no batch dimension: PyTorch reads {NetTable.Dims(report.Input)} as one unbatched sample ({(report.Input.Count switch { 2 => "C, L", 3 => "C, H, W", _ => "C, D, H, W" })}); add a batch of 1 in front to batch it";
        }
        var batch = report.Input[0];
        foreach (var row in report.Layers)
        {
            if (row.Constant || row.Output is null || row.Output.Count < 2) continue;
            if (row.Output[0] != batch)
            {
                string where = row.Line is int line ? $"'{row.Name}' (line {line})" : $"'{row.Name}'";
                return $"⚠ the batch dimension is {batch} at the input but {row.Output[0]} at {where}: that row mixes samples (a view or reshape with a size that moves features into the batch?)";
            }
        }
        return $"batch {batch} kept in every row";
    }
}
