using System.Text;
using CnnShape.Diagnosis;
using CnnShape.Networks;

namespace CnnShape.Cli.Rendering;

/// <summary>A failing network for people: the table up to the failure with the failing row marked, the cause, and the checked fixes as line edits.</summary>
internal static class DiagnosisReport
{
    public static string Render(Diagnosis.Diagnosis d, IReadOnlyList<string> lines)
    {
        var sb = new StringBuilder();
        var failing = new LayerRow(d.Node, "✗ refused", null, 0, 0, 0, ReceptiveFields.ReceptiveField.None);
        sb.Append(NetTable.Render(d.Report with { Layers = [.. d.Report.Layers, failing] }, allNodes: true, totals: false));
        sb.Append('\n');
        sb.Append("✗ ").Append(d.Line is int l ? $"line {l}, " : "").Append($"'{d.Node}': ").Append(d.Error.Rule).Append('\n');
        sb.Append("  cause  ").Append(d.Cause).Append('\n');
        // what the input leaves ambiguous up to the failure (print(model)'s hidden AvgPool ceil_mode may be the cause)
        foreach (var w in d.Report.Warnings) sb.Append("  warning  ").Append(w).Append('\n');
        if (d.Fixes.Count == 0)
        {
            sb.Append("  no fix found that cnnshape could check; the cause above is what to change.\n");
            return sb.ToString();
        }
        sb.Append("\nfixes (each one checked: the edited network runs, with the output shown)\n");
        int n = 1;
        foreach (var fix in d.Fixes)
        {
            sb.Append($"  {n++}. {fix.Why}  → output {Symbolic.Dim.Format(fix.Output)}\n");
            if (fix.Input is { } input) sb.Append($"     input {input}\n");
            foreach (var e in fix.Edits)
            {
                if (e.Line is int line)
                {
                    sb.Append($"     line {line,-4} - {(line - 1 < lines.Count ? lines[line - 1] : "")}\n");
                    sb.Append($"               + {e.Text}\n");
                }
                else sb.Append($"     after {e.After,-3} + {e.Text}\n");
            }
        }
        return sb.ToString();
    }
}
