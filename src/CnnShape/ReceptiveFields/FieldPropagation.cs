using CnnShape.Layers;
using CnnShape.Shapes;

namespace CnnShape.ReceptiveFields;

/// <summary>How receptive fields move through one layer and through merges.</summary>
internal static class FieldPropagation
{
    /// <summary>The field of a layer's output from the field of its input.</summary>
    public static ReceptiveField ThroughLayer(Layer layer, ReceptiveField field, Shape input, Shape output)
    {
        if (field is GlobalField) return field;
        switch (layer)
        {
            case Linear:
                // A dense layer on flattened positions, or on a spatial last axis, mixes every position.
                if (field is NoField { FromSpatial: true }) return ReceptiveField.Global;
                if (field is SpatialField && input.Rank >= 3) return ReceptiveField.Global;
                return field;
            case Flatten or Unflatten:
                if (field is SpatialField && !SameSpatialDims(input, output, ((SpatialField)field).Axes.Length)) return ReceptiveField.Flattened;
                return field;
        }
        if (field is not SpatialField spatial) return field;
        var geometry = layer.GeometryFor(input, output);
        var axes = spatial.Axes;
        int n = axes.Length;
        switch (geometry)
        {
            case null:
                return field;
            case GlobalGeometry:
                return ReceptiveField.Global;
            case WindowGeometry w:
                {
                    // Only the trailing spatial axes move; a layer with fewer axes (a 1-d pad on a 2-d map) leaves the others.
                    var result = (AxisField[])axes.Clone();
                    int offset = n - w.Kernel.Length;
                    for (int i = Math.Max(0, -offset); i < w.Kernel.Length; i++)
                    {
                        int a = i + offset;
                        if (a < 0) continue;
                        result[a] = Window(axes[a], w.Kernel[i], w.Stride[i], w.PadBefore[i], w.Dilation[i]);
                    }
                    return ReceptiveField.Spatial(result);
                }
            case TransposedGeometry t:
                {
                    var result = (AxisField[])axes.Clone();
                    int offset = n - t.Kernel.Length;
                    for (int i = 0; i < t.Kernel.Length; i++)
                    {
                        if (i + offset < 0) continue;
                        result[i + offset] = Transposed(axes[i + offset], t.Kernel[i], t.Stride[i], t.Padding[i], t.Dilation[i]);
                    }
                    return ReceptiveField.Spatial(result);
                }
            case ResampleGeometry r:
                {
                    var result = (AxisField[])axes.Clone();
                    int offset = n - r.InSize.Length;
                    bool allGlobal = r.Adaptive;
                    for (int i = 0; i < r.InSize.Length; i++)
                    {
                        if (i + offset < 0) continue;
                        if (!(r.Adaptive && r.OutSize[i] == 1)) allGlobal = false;
                        result[i + offset] = r.Adaptive
                            ? Adaptive(axes[i + offset], r.InSize[i], r.OutSize[i])
                            : Nearest(axes[i + offset], r.InSize[i], r.OutSize[i], Taps(layer));
                    }
                    if (allGlobal) return ReceptiveField.Global;
                    return ReceptiveField.Spatial(result);
                }
        }
        return field;
    }

    private static bool SameSpatialDims(Shape input, Shape output, int spatial) =>
        output.Rank >= spatial && input.Dims[^spatial..].SequenceEqual(output.Dims[^spatial..]) && input.Rank == output.Rank;

    /// <summary>
    /// A sliding window (convolution, pooling, padding): jump′ = jump·s, size′ = size + d·(k − 1)·jump,
    /// start′ = start − padBefore·jump (unit 0's window begins padBefore pixels before the input).
    /// </summary>
    public static AxisField Window(AxisField f, long kernel, long stride, long padBefore, long dilation) =>
        new(f.Size + (Fraction)(dilation * (kernel - 1)) * f.Jump, f.Jump * stride, f.Start - (Fraction)padBefore * f.Jump);

    /// <summary>
    /// A transposed convolution: output o receives input i when o = i·s − p + t·d (0 ≤ t &lt; k), i.e. from
    /// i ∈ [⌈(o + p − d(k−1))/s⌉, ⌊(o + p)/s⌋]. jump′ = jump/s; size′ is the largest over one period of s outputs;
    /// start′ is unit 0's first contributing input.
    /// </summary>
    public static AxisField Transposed(AxisField f, long kernel, long stride, long padding, long dilation)
    {
        long reach = dilation * (kernel - 1);
        Fraction size = 0;
        for (long o = 0; o < stride; o++)
        {
            long lo = CeilDiv(o + padding - reach, stride), hi = FloorDiv(o + padding, stride);
            if (hi < lo) continue;
            var s = f.Size + (Fraction)(hi - lo) * f.Jump;
            if (s > size) size = s;
        }
        long first = CeilDiv(padding - reach, stride);
        return new AxisField(size, f.Jump / stride, f.Start + (Fraction)first * f.Jump);
    }

    /// <summary>
    /// Adaptive pooling: unit i averages inputs [⌊i·in/out⌋, ⌈(i+1)·in/out⌉); the size is the largest window, the jump in/out.
    /// </summary>
    public static AxisField Adaptive(AxisField f, long inSize, long outSize)
    {
        if (outSize <= 0) return f;
        long largest = 0;
        for (long i = 0; i < Math.Min(outSize, 4096); i++)
        {
            long start = i * inSize / outSize, end = CeilDiv((i + 1) * inSize, outSize);
            largest = Math.Max(largest, end - start);
        }
        return new AxisField(f.Size + (Fraction)(largest - 1) * f.Jump, f.Jump * new Fraction(inSize, outSize), f.Start);
    }

    /// <summary>
    /// Upsampling: unit o reads source index ⌊o·in/out⌋ (nearest) or the interpolation taps around it (2 for linear,
    /// 4 for cubic); jump′ = jump·in/out, size′ = size + (taps − 1)·jump; unit 0 starts at input 0 (PyTorch clamps there).
    /// </summary>
    public static AxisField Nearest(AxisField f, long inSize, long outSize, int taps) =>
        outSize <= 0 ? f : new AxisField(f.Size + (Fraction)(taps - 1) * f.Jump, f.Jump * new Fraction(inSize, outSize), f.Start);

    private static int Taps(Layer layer) => layer is Upsample u
        ? u.Mode switch { "linear" or "bilinear" or "trilinear" => 2, "bicubic" => 4, _ => 1 }
        : 1;

    /// <summary>
    /// The union over every path into a merge. With equal jumps the union is exact: it starts at the smallest start and ends at
    /// the largest end. With different jumps the fields drift apart, and the size is the largest union over the tensor's units.
    /// </summary>
    public static (ReceptiveField Field, string? Disagreement) Union(IReadOnlyList<ReceptiveField> fields, Shape output, IReadOnlyList<string> names)
    {
        if (fields.Any(f => f is GlobalField)) return (ReceptiveField.Global, null);
        var spatial = fields.OfType<SpatialField>().ToList();
        if (spatial.Count == 0) return (fields.Count > 0 ? fields[0] : ReceptiveField.None, null);
        if (spatial.Count < fields.Count)
        {
            // A branch with no spatial axes (e.g. a squeezed pooled vector) broadcast over the map: every unit sees it.
            return (ReceptiveField.Global, null);
        }
        int n = spatial[0].Axes.Length;
        if (spatial.Any(s => s.Axes.Length != n)) return (ReceptiveField.None, null);
        var result = new AxisField[n];
        string? disagreement = null;
        for (int a = 0; a < n; a++)
        {
            var first = spatial[0].Axes[a];
            long extent = output.Rank - n + a >= 0 ? output[output.Rank - n + a] : 1;
            Fraction start = first.Start, size = 0;
            bool sameJump = spatial.All(s => s.Axes[a].Jump == first.Jump);
            foreach (long unit in sameJump ? [0L] : new[] { 0L, Math.Max(0, extent - 1) })
            {
                Fraction lo = first.Start + first.Jump * unit, hi = lo + first.Size;
                foreach (var s in spatial)
                {
                    var f = s.Axes[a];
                    lo = Fraction.Min(lo, f.Start + f.Jump * unit);
                    hi = Fraction.Max(hi, f.Start + f.Jump * unit + f.Size);
                }
                if (unit == 0) start = lo;
                size = Fraction.Max(size, hi - lo);
            }
            result[a] = new AxisField(size, first.Jump, start);
            if (disagreement is null)
            {
                for (int i = 1; i < spatial.Count; i++)
                {
                    var f = spatial[i].Axes[a];
                    var centre0 = first.Start + (first.Size - 1) / 2;
                    var centre = f.Start + (f.Size - 1) / 2;
                    if (f.Jump != first.Jump)
                    {
                        disagreement = $"paths '{names[0]}' and '{names[i]}' disagree in jump on spatial axis {a} ({first.Jump} vs {f.Jump}); the union is taken over every unit";
                        break;
                    }
                    if (centre != centre0)
                    {
                        disagreement = $"paths '{names[0]}' and '{names[i]}' disagree in centre on spatial axis {a} ({centre0} vs {centre}); the field is their union";
                        break;
                    }
                }
            }
        }
        return (ReceptiveField.Spatial(result), disagreement);
    }

    private static long FloorDiv(long a, long b) => Internal.Checked.FloorDiv(a, b);
    private static long CeilDiv(long a, long b) => -Internal.Checked.FloorDiv(-a, b);
}
