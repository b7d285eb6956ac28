using System.Globalization;
using System.Text;
using CnnShape.Networks;
using CnnShape.ReceptiveFields;
using CnnShape.Shapes;
using CnnShape.Symbolic;
using Spectre.Console;

namespace CnnShape.Cli.Rendering;

/// <summary>The per-layer report as a terminal table, Markdown or CSV, and the region one output unit sees.</summary>
internal static class NetTable
{
    private static readonly string[] Header = ["name", "type", "output", "params", "MACs", "memory", "RF size", "jump", "start"];

    private static string[] Cells(LayerRow r, string? batch) =>
    [
        r.Name, r.Inferred is var (p, v) ? $"{r.Type} ({p}={v})" : r.Type, Dims(r.Output), LayerReport.Count(r.Params), Count(r.Macs, batch), Bytes(r.ActivationBytes, batch),
        .. FieldCells(r.Field),
    ];

    /// <summary>Dimensions as PyTorch prints a shape; <c>?</c> for an unknown rank.</summary>
    public static string Dims(IReadOnlyList<Dim>? dims) => dims is null ? "?" : Dim.Format(dims);

    /// <summary>A count: a number, k/sample when it is k times a symbolic batch, or the expression.</summary>
    private static string Count(Dim n, string? batch) =>
        n.IsKnown ? LayerReport.Count(n.Value) : batch is not null && n.Per(batch) is long k ? LayerReport.Count(k) + "/sample" : n.ToString();

    public static string[] FieldCells(ReceptiveField field) => field switch
    {
        SpatialField s => [Join(s.Axes.Select(a => a.Size)), Join(s.Axes.Select(a => a.Jump)), Join(s.Axes.Select(a => a.Start))],
        GlobalField => ["global", "", ""],
        _ => ["—", "", ""],
    };

    private static string Join(IEnumerable<Fraction> values) => string.Join(" × ", values.Select(v => v.ToString()));

    public static string Bytes(Dim bytes, string? batch) =>
        bytes.IsKnown ? Bytes(bytes.Value) : batch is not null && bytes.Per(batch) is long k ? Bytes(k) + "/sample" : bytes + " B";

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    private static string Totals(NetworkReport report) =>
        $"input {Dims(report.Input)} → output {Dims(report.Tensors[report.Outputs[0]].Dims)}; {report.Layers.Count} layers, {LayerReport.Count(report.TotalParams)} params, " +
        $"{Count(report.TotalMacs, report.BatchSymbol)} MACs, {Bytes(report.TotalActivationBytes, report.BatchSymbol)} of activations" +
        (report.BatchSymbol is string b ? $" (per sample: the batch '{b}' is symbolic)" : "");

    public static string Render(NetworkReport report, bool allNodes = false, bool totals = true)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer), Interactive = InteractionSupport.No });
        console.Profile.Width = 200;
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in Header) table.AddColumn(h is "params" or "MACs" or "memory" ? new TableColumn(h).RightAligned() : new TableColumn(h));
        int folded = 0;
        foreach (var row in report.Layers)
        {
            if (row.Constant && !allNodes)
            {
                folded++;
                continue;
            }
            table.AddRow(Cells(row, report.BatchSymbol).Select(c => new Text(c)).ToArray());
        }
        console.Write(table);
        if (!totals) return writer.ToString();
        console.WriteLine(Totals(report));
        if (folded > 0) console.WriteLine($"{folded} nodes that compute only from constants (weights, static shapes) are not shown; --all-nodes shows them.");
        foreach (var w in report.Warnings) console.WriteLine("warning: " + w);
        return writer.ToString();
    }

    public static string Markdown(NetworkReport report)
    {
        var sb = new StringBuilder();
        sb.Append("| ").Append(string.Join(" | ", Header)).Append(" |\n");
        sb.Append('|').Append(string.Concat(Header.Select(h => h is "params" or "MACs" or "memory" ? "---:|" : "---|"))).Append('\n');
        foreach (var row in report.Layers) sb.Append("| ").Append(string.Join(" | ", Cells(row, report.BatchSymbol).Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))).Append(" |\n");
        sb.Append('\n').Append(Totals(report)).Append('\n');
        foreach (var w in report.Warnings) sb.Append("\n> warning: ").Append(w).Append('\n');
        return sb.ToString();
    }

    public static string Csv(NetworkReport report)
    {
        var sb = new StringBuilder("name,type,output,params,macs,activation_bytes,rf_size,rf_jump,rf_start\n");
        foreach (var r in report.Layers)
        {
            var f = FieldCells(r.Field);
            string[] cells = [r.Name, r.Type, Dims(r.Output), r.Params.ToString(CultureInfo.InvariantCulture), r.Macs.ToPython(),
                r.ActivationBytes.ToPython(), f[0], f[1], f[2]];
            sb.Append(string.Join(",", cells.Select(Quote))).Append('\n');
        }
        return sb.ToString();
    }

    private static string Quote(string cell) => cell.Contains(',') || cell.Contains('"') ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    /// <summary>The input region output unit (i, j, …) of the first output sees (<see cref="ReceptiveFields.Region"/>): unclipped, and clipped to the image.</summary>
    public static string Unit(NetworkReport report, string unitText)
    {
        string name = report.Outputs[0];
        var info = report.Tensors[name];
        if (info.Field is not SpatialField s) throw new CnnShapeException($"the output '{name}' has {(info.Field is GlobalField ? "a global field: every unit sees the whole input" : "no spatial axes")}, so no unit has a region.");
        if (!info.IsKnown || report.Input.Any(d => !d.IsKnown)) throw new CnnShapeException($"the output '{name}' has symbolic sizes; give a concrete input shape to pick a unit.");
        var shape = info.Shape;
        var parts = unitText.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != s.Axes.Length) throw new CnnShapeException($"a unit needs {s.Axes.Length} indices (one per spatial axis of {shape}), got '{unitText}'.");
        var sb = new StringBuilder($"unit ({unitText}) of '{name}' {shape} sees:\n");
        for (int a = 0; a < parts.Length; a++)
        {
            long extent = shape[shape.Rank - s.Axes.Length + a];
            if (!long.TryParse(parts[a], NumberStyles.Integer, CultureInfo.InvariantCulture, out long u) || u < 0 || u >= extent)
            {
                throw new CnnShapeException($"index '{parts[a]}' is not a unit of axis {a} (size {extent}).");
            }
            long inSize = report.Input[report.Input.Count - s.Axes.Length + a].Value;
            var r = ReceptiveFields.Region.Of(s.Axes[a], u, inSize);
            string inside = r.InsideFirst is long lo ? $"[{lo}, {r.InsideLast}] inside the image" : "nothing inside the image";
            sb.Append(CultureInfo.InvariantCulture, $"  axis {a}: input [{r.First}, {r.Last}] unclipped; {inside} (size {inSize})\n");
        }
        return sb.ToString();
    }
}
