namespace CnnShape.ReceptiveFields;

/// <summary>The input pixels one unit sees along one axis: the whole field, and the part of it inside the image.</summary>
/// <param name="First">Input coordinate of the field's first pixel (negative in the padding; fractional after upsampling).</param>
/// <param name="Last">Input coordinate of the field's last pixel.</param>
/// <param name="InsideFirst">The first pixel inside the image, or null when the field lies wholly in the padding.</param>
/// <param name="InsideLast">The last pixel inside the image, or null when the field lies wholly in the padding.</param>
public sealed record AxisRegion(Fraction First, Fraction Last, long? InsideFirst, long? InsideLast)
{
    /// <summary>How many image pixels the field covers (0 when it lies in the padding).</summary>
    public long InsideCount => InsideFirst is long a && InsideLast is long b ? b - a + 1 : 0;
}

/// <summary>
/// Which input pixels a unit sees: the one function the table, <c>--unit</c>, the tests and the web page use.
/// Unit i's field spans <c>[First(i), Last(i)]</c> (<c>[start + i·jump, start + i·jump + size − 1]</c> when every unit's
/// field has the same size); the pixels it really sees are those inside the image that reach the tensor at all.
/// </summary>
public static class Region
{
    /// <summary>The region of unit <paramref name="unit"/> along an axis whose input has <paramref name="inputSize"/> pixels.</summary>
    public static AxisRegion Of(AxisField field, long unit, long inputSize)
    {
        long first = field.First(unit), last = field.Last(unit);
        // the pixels really seen: through real units only (not padding), clipped to the image
        if (field.Seen(unit) is not { } seen) return new AxisRegion(first, last, null, null);
        long lo = Math.Max(0, seen.First), hi = Math.Min(inputSize - 1, seen.Last);
        return lo <= hi ? new AxisRegion(first, last, lo, hi) : new AxisRegion(first, last, null, null);
    }
}
