using System.Text;
using CnnShape.Networks;

namespace CnnShape.Cli.Rendering;

/// <summary>
/// A failing network for people: the table up to the failure with the failing row marked (laid out like any net table:
/// the terminal's width, <c>--compact</c>, <c>--depth</c>), then the cause and the checked fixes as line edits, wrapped
/// to the terminal at words.
/// </summary>
internal static class DiagnosisReport
{
    /// <summary>The whole report; <paramref name="withRule"/> repeats PyTorch's refusal (where no stderr line says it).</summary>
    public static string Render(Diagnosis.Diagnosis d, IReadOnlyList<string> lines, TableOptions options, bool withRule) =>
        Table(d, options) + Body(d, lines, options.Width, withRule);

    /// <summary>The rows that ran, and the failing one.</summary>
    public static string Table(Diagnosis.Diagnosis d, TableOptions options)
    {
        var failing = new LayerRow(d.Node, "✗ refused", null, 0, 0, 0, ReceptiveFields.ReceptiveField.None);
        return NetTable.Render(d.Report with { Layers = [.. d.Report.Layers, failing] }, options with { AllNodes = true }, totals: false) + "\n";
    }

    /// <summary>Where it fails, the cause, and the fixes.</summary>
    public static string Body(Diagnosis.Diagnosis d, IReadOnlyList<string> lines, int? width, bool withRule)
    {
        var sb = new StringBuilder();
        sb.Append("✗ ").Append(d.Line is int l ? $"line {l}, " : "").Append($"'{d.Node}'");
        sb.Append(withRule ? ": " + d.Error.Rule : " is where PyTorch stops").Append('\n');
        sb.Append("  cause  ").Append(d.Cause).Append('\n');
        // what the input leaves ambiguous up to the failure (print(model)'s hidden AvgPool ceil_mode may be the cause)
        foreach (var w in d.Report.Warnings) sb.Append("  warning  ").Append(w).Append('\n');
        if (d.Fixes.Count == 0)
        {
            sb.Append("  no fix found that cnnshape could check; the cause above is what to change.\n");
            return Prose.Fit(sb.ToString(), width);
        }
        sb.Append("\nfixes (each one checked: the edited network runs, with the output shown)\n");
        string text = Prose.Fit(sb.ToString(), width);
        var fixes = new StringBuilder();
        int n = 1;
        foreach (var fix in d.Fixes)
        {
            fixes.Append(Wrap($"  {n++}. {fix.Why}  → output {Symbolic.Dim.Format(fix.Output)}", width, 5)).Append('\n');
            if (fix.Input is { } input) fixes.Append($"     input {input}\n");
            foreach (var e in fix.Edits)
            {
                // the edit's code, wrapped (if at all) under the code rather than under the line number
                if (e.Line is int line)
                {
                    fixes.Append(Wrap($"     line {line,-4} - {(line - 1 < lines.Count ? lines[line - 1] : "")}", width, 17)).Append('\n');
                    fixes.Append(Wrap($"               + {e.Text}", width, 17)).Append('\n');
                }
                else fixes.Append(Wrap($"     after {e.After,-3} + {e.Text}", width, 17)).Append('\n');
            }
        }
        return text + fixes;
    }

    private static string Wrap(string line, int? width, int hang) => width is int w ? Prose.Wrap(line, w, hang) : line;
}
