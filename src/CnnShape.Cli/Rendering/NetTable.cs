using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CnnShape.Networks;
using CnnShape.ReceptiveFields;
using CnnShape.Shapes;
using CnnShape.Symbolic;
using Spectre.Console;

namespace CnnShape.Cli.Rendering;

/// <summary>How the table is laid out: the width to fit (null: no limit), nesting depth, and which columns.</summary>
/// <param name="Width">The terminal's columns; columns are dropped by priority to fit (null: every column).</param>
/// <param name="Depth">Rows of modules nested deeper than this are folded into their parent module (names with dots).</param>
/// <param name="Compact">Only name, type, output and parameters.</param>
/// <param name="AllNodes">Also the ONNX nodes that compute only from constants.</param>
internal sealed record TableOptions(int? Width = null, int? Depth = null, bool Compact = false, bool AllNodes = false)
{
    /// <summary>The columns asked for by key (<c>--columns name,output,rf</c>), in that order; null: by priority.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>Show each row's input shape (torchinfo's Input Shape).</summary>
    public bool InputColumn { get; init; }

    /// <summary>MACs and bytes as exact integers rather than in human units.</summary>
    public bool Exact { get; init; }

    /// <summary>Full dotted names, one row per call, instead of the indented module tree.</summary>
    public bool Flat { get; init; }

    /// <summary>The element type parameters and activations are counted in, and its size.</summary>
    public (string Name, int Bytes) Dtype { get; init; } = ("float32", 4);
}

/// <summary>The per-layer report as a terminal table (the module tree, folded to a depth), Markdown or CSV, and the region one output unit sees.</summary>
internal static class NetTable
{
    private static readonly string[] Header = ["name", "type", "output", "params", "MACs", "memory", "RF size", "jump", "start"];

    /// <summary>
    /// The table's columns in the order shown, with the key <c>--columns</c> names them by and their priority: a narrow
    /// terminal drops the highest number first (args, memory, MACs, then the field's start, jump and size).
    /// </summary>
    private static readonly (string Key, string Title, int Priority, bool Right)[] Columns =
    [
        ("name", "name", 0, false), ("type", "type", 0, false), ("args", "args", 7, false), ("input", "input", 0, false),
        ("output", "output", 0, false), ("params", "params", 0, true), ("trainable", "trainable", 1, false),
        ("size", "RF size", 2, false), ("jump", "jump", 3, false), ("start", "start", 4, false),
        ("macs", "MACs", 5, true), ("memory", "memory", 6, true),
    ];

    /// <summary>The keys <c>--columns</c> takes (<c>rf</c> is size, jump and start).</summary>
    public static IReadOnlyList<string> ColumnKeys => [.. Columns.Select(c => c.Key), "rf"];

    /// <summary>A row as the table shows it: the row (or a module's rows folded into one), its label and depth in the tree.</summary>
    private sealed record Shown(LayerRow Row, string Label, int Level, bool Module, long Frozen);

    private static string[] Cells(LayerRow r, string? batch, bool exact = true) =>
    [
        r.Name, r.Inferred is var (p, v) ? $"{r.Type} ({p}={v})" : r.Type, Dims(r.Output), LayerReport.Count(r.Params), Count(r.Macs, batch, exact), Bytes(r.ActivationBytes, batch, exact),
        .. FieldCells(r.Field),
    ];

    /// <summary>A layer's arguments in short, as torchinfo shows them (<c>3, 64, k=3, s=2, p=1</c>).</summary>
    public static string Arguments(string? text) => Contract.GraphAnswer.ShortArguments(text);

    /// <summary>Dimensions as PyTorch prints a shape; <c>?</c> for an unknown rank.</summary>
    public static string Dims(IReadOnlyList<Dim>? dims) => dims is null ? "?" : Dim.Format(dims);

    /// <summary>A count: a number (exact, or in human units), k/sample when it is k times a symbolic batch, or the expression.</summary>
    private static string Count(Dim n, string? batch, bool exact) =>
        n.IsKnown ? Units.Count(n.Value, exact) : batch is not null && n.Per(batch) is long k ? Units.Count(k, exact) + "/sample" : n.ToString();

    public static string[] FieldCells(ReceptiveField field) => field switch
    {
        SpatialField s => [Join(s.Axes.Select(a => a.Size)), Join(s.Axes.Select(a => a.Jump)), Join(s.Axes.Select(a => a.Start))],
        GlobalField => ["global", "", ""],
        _ => ["—", "", ""],
    };

    private static string Join(IEnumerable<Fraction> values) => string.Join(" × ", values.Select(v => v.ToString()));

    /// <summary>Bytes in human units (or exact), per sample when the batch is symbolic.</summary>
    public static string Bytes(Dim bytes, string? batch, bool exact = false) =>
        bytes.IsKnown ? Units.Bytes(bytes.Value, exact) : batch is not null && bytes.Per(batch) is long k ? Units.Bytes(k, exact) + "/sample" : bytes + " B";

    /// <summary>
    /// Rows of modules nested deeper than <paramref name="depth"/> (names with more dots) folded into one row of their
    /// parent module: its output is the last one's, its parameters, MACs and memory the sums, its type the module's class
    /// (or the rows' count). A folded row keeps the indices its rows share (<c>downs.0</c>, when a ModuleList's blocks run
    /// between other calls), so no two folded rows of different modules have one name.
    /// </summary>
    public static List<LayerRow> Fold(IReadOnlyList<LayerRow> rows, int depth, IReadOnlyDictionary<string, string>? types = null) =>
        [.. FoldRows(rows, depth, types).Select(f => f.Row)];

    private static List<(LayerRow Row, List<string> Path, List<LayerRow> Members)> FoldRows(IReadOnlyList<LayerRow> rows, int depth, IReadOnlyDictionary<string, string>? types)
    {
        var result = new List<(LayerRow, List<string>, List<LayerRow>)>();
        List<string>? group = null;
        var members = new List<LayerRow>();
        void Flush()
        {
            if (members.Count == 0) return;
            var paths = members.Select(m => ModulePath(m.Name, types)).ToList();
            if (members.Count == 1 && paths[0].Count <= depth) result.Add((members[0], paths[0], [members[0]]));
            else
            {
                // the indices every member shares stay in the name: downs.0, not downs
                var path = new List<string>(group!);
                int at = path.Count;
                while (paths.All(p => p.Count > at + 1) && paths.All(p => p[at] == paths[0][at]) && IsIndex(paths[0][at]))
                {
                    path[^1] += "." + paths[0][at];
                    at++;
                }
                string name = string.Join(".", path);
                var last = members[^1];
                string type = types is not null && types.TryGetValue(name, out var t) ? t : $"({members.Count} rows)";
                result.Add((last with
                {
                    Name = name,
                    Type = type,
                    Params = members.Sum(m => m.Params),
                    Macs = members.Aggregate((Dim)0, (s, m) => s + m.Macs),
                    ActivationBytes = members.Aggregate((Dim)0, (s, m) => s + m.ActivationBytes),
                    Text = null,
                    Inferred = null,
                    Inputs = members[0].Inputs,
                }, path, [.. members]));
            }
            members.Clear();
        }
        foreach (var row in rows)
        {
            var parts = ModulePath(row.Name, types);
            var key = parts.Count > depth ? parts.Take(depth).ToList() : parts;
            if (group is null || !key.SequenceEqual(group) || parts.Count <= depth) Flush();
            group = key;
            members.Add(row);
        }
        Flush();
        return result;
    }

    private static bool IsIndex(string part) => part.Length > 0 && part.All(char.IsAsciiDigit);

    /// <summary>
    /// A row name's module path: dotted parts, a function's own name kept whole (<c>layer1.0.F.relu</c> → layer1, 0,
    /// F.relu), and a ModuleList's or ModuleDict's index kept with it (<c>downs.0</c>): such a container is never called
    /// itself, so its blocks are the level its parent calls.
    /// </summary>
    private static List<string> ModulePath(string name, IReadOnlyDictionary<string, string>? types = null)
    {
        var parts = name.Split('.').ToList();
        int f = parts.FindIndex(p => p is "F" or "torch" or "nn" or "functional");
        if (f >= 0) parts = [.. parts.Take(f), string.Join(".", parts.Skip(f))];
        if (types is null || types.Count == 0) return parts;
        var path = new List<string>();
        string qualified = "";
        for (int i = 0; i < parts.Count; i++)
        {
            qualified = qualified.Length == 0 ? parts[i] : qualified + "." + parts[i];
            if (path.Count > 0 && types.TryGetValue(qualified[..(qualified.Length - parts[i].Length - 1)], out var t) && t is "ModuleList" or "ModuleDict") path[^1] += "." + parts[i];
            else path.Add(parts[i]);
        }
        return path;
    }

    /// <summary>
    /// The rows as the table shows them: with module names (dotted, not ONNX's slashed ones) and not <c>--flat</c>, as
    /// the module tree — a row for each module entered, holding its rows' sums, and its rows indented under it —
    /// folded below <c>--depth</c>; otherwise one row per call with its full name.
    /// </summary>
    private static List<Shown> Tree(NetworkReport report, IReadOnlyList<LayerRow> rows, TableOptions options)
    {
        bool tree = !options.Flat && rows.Any(r => r.Name.Contains('.', StringComparison.Ordinal)) && !rows.Any(r => r.Name.Contains('/', StringComparison.Ordinal));
        var folded = options.Depth is int depth
            ? FoldRows(rows, Math.Max(1, depth), report.ModuleTypes)
            : [.. rows.Select(r => (Row: r, Path: ModulePath(r.Name, report.ModuleTypes), Members: new List<LayerRow> { r }))];
        if (!tree) return [.. folded.Select(f => new Shown(f.Row, f.Row.Name, 0, f.Members.Count > 1, FrozenOf(report, f.Members)))];
        var shown = new List<Shown>();
        var open = new List<string>();
        for (int i = 0; i < folded.Count; i++)
        {
            var path = folded[i].Path;
            int keep = 0;
            while (keep < open.Count && keep < path.Count - 1 && open[keep] == path[keep]) keep++;
            open.RemoveRange(keep, open.Count - keep);
            for (int level = keep; level < path.Count - 1; level++)
            {
                // a module entered: its row sums the rows that follow while they stay inside it
                var prefix = path.Take(level + 1).ToList();
                var inside = new List<LayerRow>();
                for (int j = i; j < folded.Count && StartsWith(folded[j].Path, prefix); j++) inside.AddRange(folded[j].Members);
                string name = string.Join(".", prefix);
                var last = inside[^1];
                var module = last with
                {
                    Name = name,
                    Type = report.ModuleTypes.TryGetValue(name, out var t) ? t : "",
                    Params = inside.Sum(m => m.Params),
                    Macs = inside.Aggregate((Dim)0, (s, m) => s + m.Macs),
                    ActivationBytes = 0,
                    Text = null,
                    Inferred = null,
                    Inputs = inside[0].Inputs,
                };
                shown.Add(new Shown(module, prefix[^1], level, true, FrozenOf(report, inside)));
                open.Add(prefix[^1]);
            }
            shown.Add(new Shown(folded[i].Row, path[^1], path.Count - 1, folded[i].Members.Count > 1, FrozenOf(report, folded[i].Members)));
        }
        return shown;
    }

    private static bool StartsWith(List<string> path, List<string> prefix) => path.Count > prefix.Count && path.Take(prefix.Count).SequenceEqual(prefix);

    /// <summary>The frozen parameters of the rows (each module's own, counted at the row that holds its parameters).</summary>
    private static long FrozenOf(NetworkReport report, IEnumerable<LayerRow> rows) =>
        report.FrozenByModule.Count == 0 ? 0 : rows.Where(r => r.Params > 0).Sum(r => report.FrozenByModule.TryGetValue(r.Name, out var f) ? Math.Min(f, r.Params) : 0);

    /// <summary>Whether a row's parameters are trained: yes, no (frozen), partly, or nothing when it has none.</summary>
    private static string Trainable(long parameters, long frozen) => parameters == 0 ? "" : frozen == 0 ? "yes" : frozen >= parameters ? "no" : "partly";

    /// <summary>The shape of a row's first input (and how many more it reads), from the report's tensors.</summary>
    private static string InputOf(NetworkReport report, LayerRow row)
    {
        var known = row.Inputs.Where(n => n.Length > 0 && report.Tensors.ContainsKey(n)).ToList();
        if (known.Count == 0) return "";
        string first = Dims(report.Tensors[known[0]].Dims);
        return known.Count == 1 ? first : $"{first} +{known.Count - 1}";
    }

    /// <summary>A name on lines of at most <paramref name="room"/> columns, broken only after a '/' (a name without one stays whole).</summary>
    private static string Break(string name, int room)
    {
        if (name.Length <= room || !name.Contains('/', StringComparison.Ordinal)) return name;
        var lines = new List<string>();
        string line = "";
        foreach (var piece in Regex.Split(name, "(?<=/)"))
        {
            if (line.Length > 0 && line.Length + piece.Length > room)
            {
                lines.Add(line);
                line = "";
            }
            line += piece;
        }
        lines.Add(line);
        return string.Join("\n", lines);
    }

    public static string Render(NetworkReport report, bool allNodes = false, bool totals = true) => Render(report, new TableOptions(AllNodes: allNodes), totals);

    public static string Render(NetworkReport report, TableOptions options, bool totals = true)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer), Interactive = InteractionSupport.No });
        var rows = new List<LayerRow>();
        int hidden = 0;
        foreach (var row in report.Layers)
        {
            if (row.Constant && !options.AllNodes) hidden++;
            else rows.Add(row);
        }
        var shown = Tree(report, rows, options);
        string? batch = report.BatchSymbol;
        var cells = shown.Select(s =>
        {
            var r = s.Row;
            var c = Cells(r, batch, options.Exact);
            string name = new string(' ', 2 * s.Level) + s.Label;
            return new[]
            {
                name, c[1], Arguments(r.Text), InputOf(report, r), c[2], c[3], Trainable(r.Params, s.Frozen), c[6], c[7], c[8], c[4],
                s.Module && r.ActivationBytes == 0 ? "" : c[5],
            };
        }).ToList();
        List<int> keep;
        var dropped = new List<string>();
        if (options.Columns is { } asked)
        {
            keep = [];
            foreach (var key in asked)
            {
                foreach (var k in key == "rf" ? ["size", "jump", "start"] : new[] { key })
                {
                    int i = Array.FindIndex(Columns, c => c.Key == k);
                    if (i < 0) throw new CnnShapeException($"--columns: '{key}' is not a column; the columns are {string.Join(", ", ColumnKeys)}.");
                    if (!keep.Contains(i)) keep.Add(i);
                }
            }
        }
        else
        {
            // an empty column is never shown; the input column only when asked for, the trainable one when something is frozen
            keep = Enumerable.Range(0, Columns.Length).Where(i => Columns[i].Key switch
            {
                "input" => options.InputColumn,
                "trainable" => report.FrozenParams > 0,
                _ => cells.Any(c => c[i].Length > 0) || Columns[i].Priority == 0,
            }).ToList();
            if (options.Compact) keep = keep.Where(i => Columns[i].Key is "name" or "type" or "output" or "params").ToList();
            if (options.Width is int limit)
            {
                int Width(int i) => Math.Max(Columns[i].Title.Length, cells.Count == 0 ? 0 : cells.Max(c => Prose.Measure(c[i])));
                int Total(IEnumerable<int> columns) => columns.Sum(i => Width(i) + 3) + 1;
                foreach (var i in keep.OrderByDescending(i => Columns[i].Priority).ToList())
                {
                    if (Total(keep) <= limit || Columns[i].Priority == 0) break;
                    keep.Remove(i);
                    dropped.Add(Columns[i].Title);
                }
                // still too wide: long names (ONNX's /layer1/layer1.0/conv1/Conv) go on several lines, broken after a '/'
                if (Total(keep) > limit)
                {
                    int room = Math.Max(12, limit - (Total(keep) - Width(0)));
                    foreach (var c in cells) c[0] = Break(c[0], room);
                }
            }
        }
        console.Profile.Width = options.Width is int w ? Math.Max(w, 40) : 4096;
        var table = new Table().Border(TableBorder.Rounded);
        foreach (int i in keep) table.AddColumn(Columns[i].Right ? new TableColumn(Columns[i].Title).RightAligned() : new TableColumn(Columns[i].Title));
        foreach (var c in cells) table.AddRow(keep.Select(i => new Text(c[i])).ToArray());
        console.Write(table);
        string text = string.Join("\n", writer.ToString().Split('\n').Select(l => l.TrimEnd()));
        if (!totals) return text;
        var lines = new List<string>();
        if (dropped.Count > 0) lines.Add($"(to fit {options.Width} columns: no {string.Join(", ", Enumerable.Reverse(dropped))}; --wide shows them)");
        if (hidden > 0) lines.Add($"{hidden} nodes that compute only from constants (weights, static shapes) are not shown; --all-nodes shows them.");
        return text + Prose.Fit(string.Join("\n", lines) + (lines.Count > 0 ? "\n" : ""), options.Width) + Summary.Render(report, options);
    }

    public static string Markdown(NetworkReport report)
    {
        var sb = new StringBuilder();
        sb.Append("| ").Append(string.Join(" | ", Header)).Append(" |\n");
        sb.Append('|').Append(string.Concat(Header.Select(h => h is "params" or "MACs" or "memory" ? "---:|" : "---|"))).Append('\n');
        foreach (var row in report.Layers) sb.Append("| ").Append(string.Join(" | ", Cells(row, report.BatchSymbol).Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))).Append(" |\n");
        sb.Append("\n```\n").Append(string.Join("\n", Summary.Lines(report, new TableOptions { Exact = true }))).Append("\n```\n");
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
