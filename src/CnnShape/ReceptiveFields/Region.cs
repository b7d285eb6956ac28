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

/// <summary>One spatial axis of a unit's region.</summary>
/// <param name="Name">The axis as PyTorch's documentation names it: L; H, W; D, H, W.</param>
/// <param name="Dim">The tensor dimension of the axis.</param>
/// <param name="Index">The unit's index along it.</param>
/// <param name="Region">The input pixels it sees, unclipped and inside the image.</param>
/// <param name="InputSize">The input's size along the axis.</param>
public sealed record UnitAxis(string Name, int Dim, long Index, AxisRegion Region, long InputSize);

/// <summary>The input region one unit of a row sees: the row shown, its shape and each spatial axis.</summary>
/// <param name="Layer">The row's name (the network's output tensor when no row was named).</param>
/// <param name="Output">The row's output shape.</param>
/// <param name="Axes">Per spatial axis, outermost first.</param>
public sealed record UnitRegion(string Layer, Shapes.Shape Output, IReadOnlyList<UnitAxis> Axes);

/// <summary>The region of one unit of a report's row: what <c>net --unit</c> and the page's hover both answer.</summary>
public static class UnitRegions
{
    /// <summary>
    /// The region unit <paramref name="unit"/> (one index per spatial axis) of <paramref name="row"/> sees — of the
    /// network's (first) output when <paramref name="row"/> is null. Refused when the row has no spatial field, its sizes
    /// are symbolic, or an index is outside its axis.
    /// </summary>
    public static UnitRegion Of(Networks.NetworkReport report, Networks.LayerRow? row, IReadOnlyList<long> unit)
    {
        string tensor = row?.Tensor ?? report.Outputs[0];
        var info = report.Tensors[tensor];
        string shown = row?.Name ?? tensor;
        if (info.Field is not SpatialField s) throw new CnnShapeException($"'{shown}' has {(info.Field is GlobalField ? "a global field: every unit sees the whole input" : "no spatial axes")}, so no unit has a region.");
        if (!info.IsKnown || report.Input.Any(d => !d.IsKnown)) throw new CnnShapeException($"'{shown}' has symbolic sizes; give a concrete input shape to pick a unit.");
        var shape = info.Shape;
        int n = s.Axes.Length;
        if (unit.Count != n) throw new CnnShapeException($"a unit needs {n} indices (one per spatial axis of {shape}), got {unit.Count}.");
        var axes = new UnitAxis[n];
        for (int a = 0; a < n; a++)
        {
            int dim = shape.Rank - n + a;
            string name = Internal.Ranks.AxisName(a, n);
            if (unit[a] < 0 || unit[a] >= shape[dim]) throw new CnnShapeException($"index {unit[a]} is not a unit of axis {name} (size {shape[dim]}).");
            long inSize = report.Input[report.Input.Count - n + a].Value;
            axes[a] = new UnitAxis(name, dim, unit[a], Region.Of(s.Axes[a], unit[a], inSize), inSize);
        }
        return new UnitRegion(shown, shape, axes);
    }
}
