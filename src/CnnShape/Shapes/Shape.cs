using System.Globalization;
using System.Text;

namespace CnnShape.Shapes;

/// <summary>A full tensor shape (batch and channels included), as PyTorch's <c>tensor.shape</c> prints it.</summary>
public sealed class Shape : IEquatable<Shape>
{
    private readonly long[] _dims;

    private Shape(long[] dims) => _dims = dims;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dims.Length;

    /// <summary>The size of dimension <paramref name="axis"/> (0-based, non-negative).</summary>
    public long this[int axis] => _dims[axis];

    /// <summary>The sizes, outermost first.</summary>
    public ReadOnlySpan<long> Dims => _dims;

    /// <summary>A copy of the sizes.</summary>
    public long[] ToArray() => (long[])_dims.Clone();

    /// <summary>Makes a shape; every size must be non-negative.</summary>
    public static Shape Of(params long[] dims)
    {
        foreach (var d in dims)
        {
            if (d < 0) throw new CnnShapeException($"shape {Format(dims)}: a dimension cannot be negative ({d}).");
        }
        return new Shape((long[])dims.Clone());
    }

    /// <summary>Wraps an array the caller will not change again (sizes already checked).</summary>
    internal static Shape Own(long[] dims) => new(dims);

    /// <summary>The number of elements, with overflow refused.</summary>
    public long Numel()
    {
        long n = 1;
        foreach (var d in _dims) n = Internal.Checked.Mul(n, d, "the number of elements");
        return n;
    }

    /// <summary>A copy with one dimension replaced.</summary>
    public Shape With(int axis, long size)
    {
        var dims = ToArray();
        dims[axis] = size;
        return new Shape(dims);
    }

    /// <summary>
    /// Parses a shape as people paste it: <c>1x3x224x224</c>, <c>1×3×224×224</c>, <c>1,3,224,224</c>, <c>1 3 224 224</c>,
    /// <c>[1, 3, 224, 224]</c>, <c>(1, 3, 224, 224)</c> or PyTorch's own <c>torch.Size([1, 3, 224, 224])</c>.
    /// </summary>
    public static Shape Parse(string text)
    {
        var t = text.Trim();
        if (t.StartsWith("torch.Size(", StringComparison.Ordinal) && t.EndsWith(')')) t = t["torch.Size(".Length..^1].Trim();
        else if (t.StartsWith("Size(", StringComparison.Ordinal) && t.EndsWith(')')) t = t["Size(".Length..^1].Trim();
        if (t.StartsWith('[') && t.EndsWith(']') || t.StartsWith('(') && t.EndsWith(')')) t = t[1..^1].Trim();
        t = t.TrimEnd(',').Trim();
        if (t.Length == 0) throw new CnnShapeException($"shape '{text}': no dimensions; write it like 1x3x224x224 or 1,3,224,224.");
        char[] separators = t.Contains('x') || t.Contains('X') || t.Contains('×') ? ['x', 'X', '×'] : t.Contains(',') ? [','] : [' ', '\t'];
        var parts = t.Split(separators, StringSplitOptions.TrimEntries | (separators[0] == ' ' ? StringSplitOptions.RemoveEmptyEntries : StringSplitOptions.None));
        var dims = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out dims[i]))
            {
                throw new CnnShapeException($"shape '{text}': dimension {i + 1} ('{parts[i]}') is not a whole number that fits in 64 bits; write shapes like 1x3x224x224, 1,3,224,224 or torch.Size([1, 3, 224, 224]).");
            }
            if (dims[i] < 0) throw new CnnShapeException($"shape '{text}': dimension {i + 1} is negative ({dims[i]}).");
        }
        return new Shape(dims);
    }

    /// <summary>PyTorch's list form: <c>[1, 3, 224, 224]</c>.</summary>
    public override string ToString() => Format(_dims);

    internal static string Format(ReadOnlySpan<long> dims)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(dims[i].ToString(CultureInfo.InvariantCulture));
        }
        return sb.Append(']').ToString();
    }

    /// <inheritdoc/>
    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Shape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _dims) h.Add(d);
        return h.ToHashCode();
    }
}
