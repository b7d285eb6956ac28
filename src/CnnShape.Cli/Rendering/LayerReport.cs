using System.Globalization;
using System.Text;
using CnnShape.Layers;
using CnnShape.Shapes;

namespace CnnShape.Cli.Rendering;

/// <summary>The human answer for one layer: shapes, the arithmetic per axis with the numbers in it, params and MACs.</summary>
internal static class LayerReport
{
    public static string Render(string text, Layer layer, Shape input, LayerResult result)
    {
        var sb = new StringBuilder();
        sb.Append(text).Append('\n');
        sb.Append("  input   ").Append(input).Append('\n');
        sb.Append("  output  ").Append(result.Output).Append('\n');
        foreach (var step in result.Steps) sb.Append("    ").Append(step.Axis).Append(": ").Append(step.Formula).Append('\n');
        if (result.Inferred is var (parameter, value)) sb.Append("  ").Append(parameter).Append(" = ").Append(Count(value)).Append(" (from the input)\n");
        sb.Append("  params  ").Append(Count(result.Params)).Append("    MACs  ").Append(Count(result.Macs)).Append('\n');
        return sb.ToString();
    }

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
