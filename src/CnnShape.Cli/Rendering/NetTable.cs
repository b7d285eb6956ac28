using System.Globalization;
using System.Text;
using CnnShape.Networks;
using CnnShape.ReceptiveFields;
using CnnShape.Shapes;
using Spectre.Console;

namespace CnnShape.Cli.Rendering;

/// <summary>The per-layer report as a terminal table, Markdown or CSV, and the region one output unit sees.</summary>
internal static class NetTable
{
    private static readonly string[] Header = ["name", "type", "output", "params", "MACs", "memory", "RF size", "jump", "start"];

    private static string[] Cells(LayerRow r) =>
    [
        r.Name, r.Type, r.Output.ToString(), LayerReport.Count(r.Params), LayerReport.Count(r.Macs), Bytes(r.ActivationBytes),
        .. FieldCells(r.Field),
    ];

    public static string[] FieldCells(ReceptiveField field) => field switch
    {
        SpatialField s => [Join(s.Axes.Select(a => a.Size)), Join(s.Axes.Select(a => a.Jump)), Join(s.Axes.Select(a => a.Start))],
        GlobalField => ["global", "", ""],
        _ => ["—", "", ""],
    };

    private static string Join(IEnumerable<Fraction> values) => string.Join(" × ", values.Select(v => v.ToString()));

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    private static string Totals(NetworkReport report) =>
        $"input {report.Input} → output {report.Tensors[report.Outputs[0]].Shape}; {report.Layers.Count} layers, {LayerReport.Count(report.TotalParams)} params, " +
        $"{LayerReport.Count(report.TotalMacs)} MACs, {Bytes(report.TotalActivationBytes)} of float32 activations";

    public static string Render(NetworkReport report)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer), Interactive = InteractionSupport.No });
        console.Profile.Width = 200;
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in Header) table.AddColumn(h is "params" or "MACs" or "memory" ? new TableColumn(h).RightAligned() : new TableColumn(h));
        foreach (var row in report.Layers) table.AddRow(Cells(row).Select(c => new Text(c)).ToArray());
        console.Write(table);
        console.WriteLine(Totals(report));
        foreach (var w in report.Warnings) console.WriteLine("warning: " + w);
        return writer.ToString();
    }

    public static string Markdown(NetworkReport report)
    {
        var sb = new StringBuilder();
        sb.Append("| ").Append(string.Join(" | ", Header)).Append(" |\n");
        sb.Append('|').Append(string.Concat(Header.Select(h => h is "params" or "MACs" or "memory" ? "---:|" : "---|"))).Append('\n');
        foreach (var row in report.Layers) sb.Append("| ").Append(string.Join(" | ", Cells(row).Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))).Append(" |\n");
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
            string[] cells = [r.Name, r.Type, r.Output.ToString(), r.Params.ToString(CultureInfo.InvariantCulture), r.Macs.ToString(CultureInfo.InvariantCulture),
                r.ActivationBytes.ToString(CultureInfo.InvariantCulture), f[0], f[1], f[2]];
            sb.Append(string.Join(",", cells.Select(Quote))).Append('\n');
        }
        return sb.ToString();
    }

    private static string Quote(string cell) => cell.Contains(',') || cell.Contains('"') ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    /// <summary>The input region output unit (i, j, …) of the first output sees: unclipped, and clipped to the image.</summary>
    public static string Unit(NetworkReport report, string unitText)
    {
        string name = report.Outputs[0];
        var (shape, field) = report.Tensors[name];
        if (field is not SpatialField s) throw new CnnShapeException($"--unit: the output '{name}' has {(field is GlobalField ? "a global field: every unit sees the whole input" : "no spatial axes")}.");
        var parts = unitText.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != s.Axes.Length) throw new CnnShapeException($"--unit needs {s.Axes.Length} indices (one per spatial axis of {shape}), got '{unitText}'.");
        var sb = new StringBuilder($"unit ({unitText}) of '{name}' {shape} sees:\n");
        for (int a = 0; a < parts.Length; a++)
        {
            if (!long.TryParse(parts[a], NumberStyles.Integer, CultureInfo.InvariantCulture, out long u) || u < 0 || u >= shape[shape.Rank - s.Axes.Length + a])
            {
                throw new CnnShapeException($"--unit: index '{parts[a]}' is not a unit of axis {a} (size {shape[shape.Rank - s.Axes.Length + a]}).");
            }
            var f = s.Axes[a];
            var first = f.Start + f.Jump * u;
            var last = first + f.Size - 1;
            long inSize = report.Input[report.Input.Rank - s.Axes.Length + a];
            long lo = Math.Max(0, first.Floor()), hi = Math.Min(inSize - 1, last.Ceiling());
            sb.Append(CultureInfo.InvariantCulture, $"  axis {a}: input [{first}, {last}] unclipped; [{lo}, {hi}] inside the image (size {inSize})\n");
        }
        return sb.ToString();
    }
}
