using System.Globalization;
using System.Text;
using CnnShape.Networks;
using CnnShape.ReceptiveFields;
using CnnShape.Shapes;
using CnnShape.Symbolic;
using Spectre.Console;

namespace CnnShape.Cli.Rendering;

/// <summary>The per-layer report as a terminal table, Markdown or CSV, and the region one output unit sees.</summary>
/// <summary>How the table is laid out: the width to fit (null: no limit), nesting depth, and the element type memory is counted in.</summary>
/// <param name="Width">The terminal's columns; columns are dropped by priority to fit (null: every column).</param>
/// <param name="Depth">Rows of modules nested deeper than this are folded into their parent module (names with dots).</param>
/// <param name="Compact">Only name, type, output and parameters.</param>
/// <param name="AllNodes">Also the ONNX nodes that compute only from constants.</param>
internal sealed record TableOptions(int? Width = null, int? Depth = null, bool Compact = false, bool AllNodes = false);

internal static class NetTable
{
    private static readonly string[] Header = ["name", "type", "output", "params", "MACs", "memory", "RF size", "jump", "start"];

    /// <summary>The table's columns, most important first; a narrow terminal drops from the end (args, start, jump, …).</summary>
    private static readonly (string Name, int Priority, bool Right)[] Columns =
    [
        ("name", 0, false), ("type", 0, false), ("args", 7, false), ("output", 0, false), ("params", 1, true), ("MACs", 3, true),
        ("memory", 2, true), ("RF size", 4, false), ("jump", 5, false), ("start", 6, false),
    ];

    private static string[] Cells(LayerRow r, string? batch) =>
    [
        r.Name, r.Inferred is var (p, v) ? $"{r.Type} ({p}={v})" : r.Type, Dims(r.Output), LayerReport.Count(r.Params), Count(r.Macs, batch), Bytes(r.ActivationBytes, batch),
        .. FieldCells(r.Field),
    ];

    private static string[] TableCells(LayerRow r, string? batch)
    {
        var c = Cells(r, batch);
        return [c[0], c[1], Arguments(r.Text), .. c[2..]];
    }

    /// <summary>
    /// A layer's arguments as torchinfo shows them, short: the argument list of its text with kernel_size, stride,
    /// padding, dilation and groups written k, s, p, d, g and equal tuples collapsed (<c>3, 64, k=3, s=2, p=1</c>).
    /// </summary>
    public static string Arguments(string? text)
    {
        if (text is null) return "";
        int open = text.IndexOf('('), close = text.LastIndexOf(')');
        if (open < 0 || close <= open) return "";
        string args = text[(open + 1)..close];
        args = System.Text.RegularExpressions.Regex.Replace(args, @"\((\d+)(?:, \1)+\)", "$1");
        foreach (var (from, to) in new[] { ("kernel_size=", "k="), ("stride=", "s="), ("padding=", "p="), ("dilation=", "d="), ("groups=", "g="), ("output_padding=", "op="), ("inplace=True", "inplace"), ("bias=False", "no bias") })
        {
            args = args.Replace(from, to, StringComparison.Ordinal);
        }
        return args.Length > 40 ? args[..39] + "…" : args;
    }

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
        $"input {Dims(report.Input)} → output {Dims(report.Tensors[report.Outputs[0]].Dims)}; {report.Layers.Count} layers, {LayerReport.Count(report.TotalParams)} params{(report.FrozenParams > 0 ? $" ({LayerReport.Count(report.TotalParams - report.FrozenParams)} trainable, {LayerReport.Count(report.FrozenParams)} frozen)" : "")}, " +
        $"{Count(report.TotalMacs, report.BatchSymbol)} MACs, {Bytes(report.TotalActivationBytes, report.BatchSymbol)} of activations" +
        (report.BatchSymbol is string b ? $" (per sample: the batch '{b}' is symbolic)" : "");

    /// <summary>
    /// Rows of modules nested deeper than <paramref name="depth"/> (names with more dots) folded into one row of their
    /// parent module: its output is the last one's, its parameters, MACs and memory the sums, its type the rows' count.
    /// </summary>
    public static List<LayerRow> Fold(IReadOnlyList<LayerRow> rows, int depth)
    {
        var result = new List<LayerRow>();
        string? group = null;
        var members = new List<LayerRow>();
        void Flush()
        {
            if (members.Count == 0) return;
            if (members.Count == 1) result.Add(members[0]);
            else
            {
                var last = members[^1];
                result.Add(last with
                {
                    Name = group!,
                    Type = $"({members.Count} rows)",
                    Params = members.Sum(m => m.Params),
                    Macs = members.Aggregate((Dim)0, (s, m) => s + m.Macs),
                    ActivationBytes = members.Aggregate((Dim)0, (s, m) => s + m.ActivationBytes),
                    Text = null,
                    Inferred = null,
                });
            }
            members.Clear();
        }
        foreach (var row in rows)
        {
            var parts = ModulePath(row.Name);
            string key = parts.Count > depth ? string.Join(".", parts.Take(depth)) : row.Name;
            if (key != group) Flush();
            group = key;
            members.Add(row);
        }
        Flush();
        return result;
    }

    /// <summary>A row name's module path: dotted parts, a function's own name kept whole (<c>layer1.0.F.relu</c> → layer1, 0, F.relu).</summary>
    private static List<string> ModulePath(string name)
    {
        var parts = name.Split('.').ToList();
        int f = parts.FindIndex(p => p is "F" or "torch" or "nn" or "functional");
        if (f >= 0) parts = [.. parts.Take(f), string.Join(".", parts.Skip(f))];
        return parts;
    }

    public static string Render(NetworkReport report, bool allNodes = false, bool totals = true) => Render(report, new TableOptions(AllNodes: allNodes), totals);

    public static string Render(NetworkReport report, TableOptions options, bool totals = true)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer), Interactive = InteractionSupport.No });
        var rows = new List<LayerRow>();
        int folded = 0;
        foreach (var row in report.Layers)
        {
            if (row.Constant && !options.AllNodes) folded++;
            else rows.Add(row);
        }
        if (options.Depth is int depth) rows = Fold(rows, Math.Max(1, depth));
        var cells = rows.Select(r => TableCells(r, report.BatchSymbol)).ToList();
        // keep the columns that fit, dropping the least important first; an empty column is never shown
        var keep = Enumerable.Range(0, Columns.Length).Where(i => cells.Any(c => c[i].Length > 0) || Columns[i].Priority == 0).ToList();
        if (options.Compact) keep = keep.Where(i => Columns[i].Name is "name" or "type" or "output" or "params").ToList();
        int Width(int i) => Math.Max(Columns[i].Name.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length));
        int Total(IEnumerable<int> columns) => columns.Sum(i => Width(i) + 3) + 1;
        var dropped = new List<string>();
        if (options.Width is int limit)
        {
            foreach (var i in Enumerable.Range(0, Columns.Length).Where(keep.Contains).OrderByDescending(i => Columns[i].Priority).ToList())
            {
                if (Total(keep) <= limit || Columns[i].Priority == 0) break;
                keep.Remove(i);
                dropped.Add(Columns[i].Name);
            }
            console.Profile.Width = Math.Max(limit, 40);
        }
        else
        {
            console.Profile.Width = Math.Max(Total(keep), 80);
        }
        var table = new Table().Border(TableBorder.Rounded);
        foreach (int i in keep) table.AddColumn(Columns[i].Right ? new TableColumn(Columns[i].Name).RightAligned() : new TableColumn(Columns[i].Name));
        foreach (var c in cells) table.AddRow(keep.Select(i => new Text(c[i])).ToArray());
        console.Write(table);
        if (!totals) return writer.ToString();
        var lines = new List<string> { Totals(report) };
        if (dropped.Count > 0) lines.Add($"({string.Join(", ", Enumerable.Reverse(dropped))} not shown at {options.Width} columns; --wide shows every column)");
        if (folded > 0) lines.Add($"{folded} nodes that compute only from constants (weights, static shapes) are not shown; --all-nodes shows them.");
        foreach (var w in report.Warnings) lines.Add("warning: " + w);
        // the lines below the table are plain text: no wrapping by the table's width
        return writer.ToString() + string.Join("\n", lines) + "\n";
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

    /// <summary>
    /// The region output unit <paramref name="unitText"/> (<c>3,5</c>) of the row named <paramref name="layer"/> sees (the
    /// network's output when none is named), by <see cref="ReceptiveFields.UnitRegions"/>.
    /// </summary>
    public static ReceptiveFields.UnitRegion UnitRegion(NetworkReport report, string unitText, string? layer)
    {
        LayerRow? row = null;
        if (layer is not null)
        {
            row = report.Layers.LastOrDefault(r => r.Name == layer || r.Tensor == layer);
            if (row is null)
            {
                var hint = Layers.Suggest.Closest(layer, report.Layers.Select(r => r.Name));
                throw new CnnShapeException($"--layer: no row is named '{layer}'{(hint is null ? "" : $" (did you mean '{hint}'?)")}.");
            }
        }
        var parts = unitText.Split(',', StringSplitOptions.TrimEntries);
        var unit = new long[parts.Length];
        for (int a = 0; a < parts.Length; a++)
        {
            if (!long.TryParse(parts[a], NumberStyles.Integer, CultureInfo.InvariantCulture, out unit[a])) throw new CnnShapeException($"--unit: '{parts[a]}' is not a whole number; write the unit as indices, e.g. 3,5.");
        }
        return ReceptiveFields.UnitRegions.Of(report, row, unit);
    }

    /// <summary>The region as text: per axis, unclipped and inside the image.</summary>
    public static string Unit(NetworkReport report, string unitText, string? layer = null)
    {
        var region = UnitRegion(report, unitText, layer);
        var sb = new StringBuilder($"unit ({unitText}) of '{region.Layer}' {region.Output} sees:\n");
        foreach (var a in region.Axes)
        {
            var r = a.Region;
            string inside = r.InsideFirst is long lo ? $"[{lo}, {r.InsideLast}] inside the image" : "nothing inside the image";
            sb.Append(CultureInfo.InvariantCulture, $"  {a.Name}: input [{r.First}, {r.Last}] unclipped; {inside} (size {a.InputSize})\n");
        }
        return sb.ToString();
    }
}
