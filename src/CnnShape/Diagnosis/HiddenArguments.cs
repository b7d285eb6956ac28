using CnnShape.Layers;
using CnnShape.Networks;
using CnnShape.Shapes;

namespace CnnShape.Diagnosis;

/// <summary>
/// What PyTorch's print(model) leaves out where it changes a shape. Every module's <c>extra_repr</c> shows the arguments
/// that decide its output size but one: AvgPool1d/2d/3d print kernel_size, stride and padding, not ceil_mode (nor
/// count_include_pad or divisor_override, which change values, not sizes). A layer written that way is read with
/// ceil_mode=False; where True would give another size, the report says so, with the line to write.
/// </summary>
public static class HiddenArguments
{
    /// <summary>
    /// A warning when the node is an AvgPool written as print(model) shows it and ceil_mode=True would change its output
    /// — or, with <paramref name="output"/> null (ceil_mode=False was refused: no window fits), would run; null otherwise.
    /// </summary>
    public static string? Check(LayerNode node, Shape input, Shape? output)
    {
        if (node.Layer is not Pooling { Kind: PoolKind.Average, CeilMode: false } pool) return null;
        string text = node.Text;
        // code (nn.AvgPool2d(...)) says what it means; the printed form shows kernel_size= and padding= and never ceil_mode
        if (text.Contains("ceil_mode", StringComparison.Ordinal) || text.StartsWith("nn.", StringComparison.Ordinal) || text.StartsWith("torch.", StringComparison.Ordinal)) return null;
        if (!text.Contains("kernel_size=", StringComparison.Ordinal)) return null;
        Shape other;
        try { other = pool.WithCeilMode(true).Apply(input).Output; }
        catch (CnnShapeException) { return null; }
        if (other.Equals(output)) return null;
        int close = text.LastIndexOf(')');
        string written = close > 0 ? text[..close] + ", ceil_mode=True)" : text;
        string read = output is null ? $"which PyTorch refuses on {input}" : $"and gives {output}";
        return $"{node.Place.Location}'{node.Name}': print(model) does not show {pool.Type}'s ceil_mode; cnnshape read ceil_mode=False, {read}, but with ceil_mode=True the output is {other} — if your module sets it, write `{written}` on that line.";
    }
}
