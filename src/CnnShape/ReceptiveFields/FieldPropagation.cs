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
        if (layer is LazyLayer lazy) layer = lazy.For(input).Layer;
        if (layer is WrappedLayer wrapped) layer = wrapped.Inner;
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
            case TensorOp op:
                {
                    var effect = op.Effect(input, output, field is SpatialField sf ? sf.Axes.Length : 0);
                    if (effect == FieldEffect.Constant) return ReceptiveField.Constant;
                    if (field is not SpatialField) return field;
                    if (op.GeometryFor(input, output) is not null) break;
                    return effect switch
                    {
                        FieldEffect.Keep => field,
                        FieldEffect.Global => ReceptiveField.Global,
                        FieldEffect.Mixed => ReceptiveField.Flattened,
                        _ => ReceptiveField.None,
                    };
                }
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
                        var transposed = Transposed(axes[i + offset], t.Kernel[i], t.Stride[i], t.Padding[i], t.Dilation[i]);
                        if (transposed is null) return ReceptiveField.None;
                        result[i + offset] = transposed;
                    }
                    return ReceptiveField.Spatial(result);
                }
            case ResampleGeometry r:
                {
                    var result = (AxisField[])axes.Clone();
                    int offset = n - r.InSize.Length;
                    bool allGlobal = r.Rule == Sampling.Area;
                    for (int i = 0; i < r.InSize.Length; i++)
                    {
                        if (i + offset < 0) continue;
                        if (!(r.Rule == Sampling.Area && r.OutSize[i] == 1)) allGlobal = false;
                        var resampled = Resample(axes[i + offset], r.InSize[i], r.OutSize[i], r.Rule, r.Scales?[i], pytorch: true);
                        if (resampled is null) return ReceptiveField.None;
                        result[i + offset] = resampled;
                    }
                    if (allGlobal) return ReceptiveField.Global;
                    return ReceptiveField.Spatial(result);
                }
        }
        return field;
    }

    /// <summary>The field of a tensor with its extents set from its shape, so later units know which of its units exist.</summary>
    public static ReceptiveField WithExtents(ReceptiveField field, IReadOnlyList<Symbolic.Dim>? shape)
    {
        if (field is not SpatialField s || shape is null || shape.Count < s.Axes.Length) return field;
        bool same = true;
        for (int a = 0; a < s.Axes.Length && same; a++)
        {
            var extent = shape[shape.Count - s.Axes.Length + a];
            same = s.Axes[a].Extent == (extent.IsKnown ? extent.Value : -1);
        }
        if (same) return field;
        var axes = (AxisField[])s.Axes.Clone();
        for (int a = 0; a < axes.Length; a++)
        {
            var extent = shape[shape.Count - axes.Length + a];
            axes[a] = axes[a] with { Extent = extent.IsKnown ? extent.Value : -1 };
        }
        return ReceptiveField.Spatial(axes);
    }

    private static bool SameSpatialDims(Shape input, Shape output, int spatial) =>
        output.Rank >= spatial && input.Dims[^spatial..].SequenceEqual(output.Dims[^spatial..]) && input.Rank == output.Rank;

    /// <summary>The longest period cnnshape keeps (a chain of coprime resamplings could make it grow without end).</summary>
    private const int MaxPeriod = 1 << 16;

    /// <summary>
    /// The fields of a tensor whose unit u reads the previous tensor's units <paramref name="reads"/>(u): its field is the
    /// union of theirs. <paramref name="period"/> units of the new tensor advance <paramref name="advance"/> units of the
    /// previous one, a whole number of its periods, so the new fields repeat with that period. Null past
    /// <see cref="MaxPeriod"/>.
    /// </summary>
    private static AxisField? Compose(AxisField f, long period, long advance, Func<long, IEnumerable<long>> reads, Func<long, IEnumerable<long>>? exactReads = null)
    {
        if (period > MaxPeriod || advance % f.Period != 0) return null;
        var first = new long[period];
        var last = new long[period];
        for (long u = 0; u < period; u++)
        {
            long lo = long.MaxValue, hi = long.MinValue, anchor = 0;
            bool any = false;
            foreach (long i in reads(u))
            {
                anchor = i;
                long a = f.First(i), b = f.Last(i);
                if (a > b) continue;
                any = true;
                lo = Math.Min(lo, a);
                hi = Math.Max(hi, b);
            }
            if (!any)
            {
                // sees nothing: an empty interval where its neighbours are
                lo = f.First(anchor);
                hi = lo - 1;
            }
            first[u] = lo;
            last[u] = hi;
        }
        long shift = Internal.Checked.Mul(advance / f.Period, f.Shift, "a receptive field");
        return new AxisField(first, last, shift) { From = new Lineage([f], exactReads ?? reads) };
    }

    /// <summary>
    /// A sliding window (convolution, pooling, padding): unit u reads units u·s − padBefore + t·d (0 ≤ t &lt; k) of its
    /// input. With one field per unit this is the usual recurrence jump′ = jump·s, size′ = size + d·(k − 1)·jump,
    /// start′ = start − padBefore·jump.
    /// </summary>
    public static AxisField Window(AxisField f, long kernel, long stride, long padBefore, long dilation)
    {
        long period = f.Period / Gcd(f.Period, stride);
        return Compose(f, period, period * stride, u => Taps(u * stride - padBefore, kernel, dilation))!;
    }

    private static IEnumerable<long> Taps(long from, long kernel, long dilation)
    {
        for (long t = 0; t < kernel; t++) yield return from + t * dilation;
    }

    /// <summary>
    /// A transposed convolution: output o receives input i when o = i·s − p + t·d (0 ≤ t &lt; k). Its fields repeat every
    /// s outputs (per period of the input); with a kernel shorter than the stride some outputs see nothing.
    /// </summary>
    public static AxisField? Transposed(AxisField f, long kernel, long stride, long padding, long dilation) =>
        Compose(f, Internal.Checked.Mul(stride, f.Period, "a receptive field"), f.Period, o => Sources(o, kernel, stride, padding, dilation));

    private static IEnumerable<long> Sources(long o, long kernel, long stride, long padding, long dilation)
    {
        for (long t = 0; t < kernel; t++)
        {
            long x = o + padding - t * dilation;
            if (Internal.Checked.PyMod(x, stride) == 0) yield return Internal.Checked.FloorDiv(x, stride);
        }
    }

    /// <summary>
    /// Resampling from <paramref name="inSize"/> to <paramref name="outSize"/> units (upsampling, PixelShuffle, adaptive
    /// pooling): unit u reads the source positions its <paramref name="rule"/> gives with a non-zero weight. The scale is
    /// the one the framework uses: 1/scale_factor when a scale factor was given (PyTorch), in/out otherwise. With that
    /// ratio a/b in lowest terms the fields repeat every b units, moved by a. The units really seen follow PyTorch's own
    /// float32 source positions when <paramref name="pytorch"/> is set (a ×3 bilinear gives both taps a weight where exact
    /// arithmetic would give one of them 0).
    /// </summary>
    public static AxisField? Resample(AxisField f, long inSize, long outSize, Sampling rule, double? scaleFactor = null, bool pytorch = false)
    {
        if (outSize <= 0 || inSize <= 0) return f;
        bool corners = rule is Sampling.LinearAlignCorners or Sampling.CubicAlignCorners;
        long a, b;
        if (corners) (a, b) = (inSize - 1, outSize - 1);
        else if (scaleFactor is double sf && sf > 0 && rule != Sampling.Area && Ratio(1 / sf) is { } r) (a, b) = r;
        else (a, b) = (inSize, outSize);
        Func<long, IEnumerable<long>>? exact = pytorch ? PyTorchSampled(inSize, outSize, rule, scaleFactor) : null;
        if (b == 0) return Compose(f, f.Period, 0, _ => [0], exact);
        long g = Gcd(a, b);
        (a, b) = (a / g, b / g);
        long period = Internal.Checked.Mul(b, f.Period / Gcd(f.Period, a == 0 ? f.Period : a), "a receptive field");
        return Compose(f, period, period / b * a, u => Sampled(u, a, b, rule), exact);
    }

    /// <summary>The fraction a/b (b ≤ 4096) a double stands for, when it is within 1e-9 of one (1/2.5 is 2/5).</summary>
    private static (long, long)? Ratio(double x)
    {
        for (long b = 1; b <= 4096; b++)
        {
            long a = (long)Math.Round(x * b);
            if (Math.Abs(x - (double)a / b) < 1e-9 * Math.Max(1, x)) return (a, b);
        }
        return null;
    }

    /// <summary>
    /// The source units PyTorch's CPU kernels read with a non-zero weight for output unit u (ATen UpSample.h /
    /// UpSampleKernel.cpp). The scale is a float32: <c>(float)(1/scale_factor)</c>, <c>(float)in/(float)out</c>, or
    /// <c>(float)(in−1)/(out−1)</c> with align_corners. Nearest modes take <c>⌊dst·scale⌋</c> (nearest-exact
    /// <c>⌊(dst + ½)·scale⌋</c>) in float32, clamped to in − 1; an output as long as the input (or twice it, for nearest)
    /// copies. Linear and cubic compute the source position from that float scale in double precision (measured against
    /// PyTorch's forward pass: a ×3 bilinear then gives both taps a small weight where exact arithmetic gives one of them 0),
    /// linear clamping it at 0 and dropping a tap of weight 0, cubic reading four taps clamped to the input.
    /// </summary>
    private static Func<long, IEnumerable<long>> PyTorchSampled(long inSize, long outSize, Sampling rule, double? scaleFactor)
    {
        bool corners = rule is Sampling.LinearAlignCorners or Sampling.CubicAlignCorners;
        float scale = corners ? (outSize > 1 ? (float)(inSize - 1) / (outSize - 1) : 0f)
            : scaleFactor is double sf && sf > 0 ? (float)(1.0 / sf) : (float)inSize / outSize;
        long Clamp(long i) => Math.Clamp(i, 0, inSize - 1);
        if (outSize == inSize && rule != Sampling.Area) return u => [u];
        return rule switch
        {
            Sampling.Nearest => u => [outSize == 2 * inSize ? u >> 1 : Math.Min((long)MathF.Floor(u * scale), inSize - 1)],
            Sampling.NearestExact => u => [Math.Min((long)MathF.Floor((u + 0.5f) * scale), inSize - 1)],
            Sampling.Area => u => Range(Internal.Checked.FloorDiv(u * inSize, outSize), -Internal.Checked.FloorDiv(-(u + 1) * inSize, outSize) - 1),
            Sampling.Linear or Sampling.LinearAsymmetric or Sampling.LinearAlignCorners => u =>
            {
                double real = rule == Sampling.Linear ? (double)scale * (u + 0.5) - 0.5 : (double)scale * u;
                if (real < 0) real = 0;
                long i0 = Math.Min((long)Math.Floor(real), inSize - 1);
                double lambda = Math.Clamp(real - i0, 0, 1);
                return lambda > 0 && i0 < inSize - 1 ? [i0, i0 + 1] : [i0];
            }
            ,
            _ => u =>
            {
                double real = rule == Sampling.Cubic ? (double)scale * (u + 0.5) - 0.5 : (double)scale * u;
                long i0 = (long)Math.Floor(real);
                if (real - i0 == 0) return [Clamp(i0)];
                return [Clamp(i0 - 1), Clamp(i0), Clamp(i0 + 1), Clamp(i0 + 2)];
            }
            ,
        };
    }

    /// <summary>The source units output unit u reads under a ratio a/b, with a non-zero weight.</summary>
    private static IEnumerable<long> Sampled(long u, long a, long b, Sampling rule)
    {
        long Floor(long num, long den) => Internal.Checked.FloorDiv(num, den);
        switch (rule)
        {
            case Sampling.Nearest:
                return [Floor(u * a, b)];
            case Sampling.NearestExact:
                return [Floor((2 * u + 1) * a, 2 * b)];
            case Sampling.NearestRoundPreferFloor:
                // x = (u + ½)·a/b − ½, rounded half down: ⌈x − ½⌉
                return [-Floor(-((2 * u + 1) * a - 2 * b), 2 * b)];
            case Sampling.Area:
                return Range(Floor(u * a, b), -Floor(-(u + 1) * a, b) - 1);
            default:
                {
                    // linear and cubic: x = (u + ½)·a/b − ½ (half-pixel), u·a/b (asymmetric, align_corners), interior taps
                    bool half = rule is Sampling.Linear or Sampling.Cubic;
                    long num = half ? (2 * u + 1) * a - b : 2 * u * a, den = 2 * b;
                    long i0 = Floor(num, den);
                    bool exact = Internal.Checked.PyMod(num, den) == 0;
                    bool cubic = rule is Sampling.Cubic or Sampling.CubicAsymmetric or Sampling.CubicAlignCorners;
                    if (exact) return [i0];
                    return cubic ? [i0 - 1, i0, i0 + 1, i0 + 2] : [i0, i0 + 1];
                }
        }
    }

    private static IEnumerable<long> Range(long from, long to)
    {
        for (long i = from; i <= to; i++) yield return i;
    }

    private static long Gcd(long a, long b)
    {
        a = Math.Abs(a);
        b = Math.Abs(b);
        while (b != 0) (a, b) = (b, a % b);
        return a == 0 ? 1 : a;
    }

    /// <summary>
    /// The union over every path into a merge. With equal jumps the union is exact: it starts at the smallest start and ends at
    /// the largest end. With different jumps the fields drift apart, and the size is the largest union over the tensor's units.
    /// </summary>
    public static (ReceptiveField Field, string? Disagreement) Union(IReadOnlyList<ReceptiveField> fields, Shape output, IReadOnlyList<string> names)
    {
        // a constant the model makes (a parameter, a bias tensor) adds nothing of the input
        var read = fields.Where(f => f is not NoField { IsConstant: true }).ToList();
        if (read.Count == 0) return (ReceptiveField.Constant, null);
        fields = read;
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
            var axes = spatial.Select(s => s.Axes[a]).ToList();
            var first = axes[0];
            long extent = Math.Max(1, output.Rank - n + a >= 0 ? output[output.Rank - n + a] : 1);
            bool sameJump = axes.All(f => f.Jump == first.Jump);
            // the union repeats with the least common period when the jumps agree; otherwise over the tensor's own units
            long period = sameJump ? axes.Aggregate(1L, (p, f) => Math.Min(MaxPeriod + 1L, p / Gcd(p, f.Period) * f.Period)) : extent;
            if (period > MaxPeriod) return (ReceptiveField.None, null);
            var lo = new long[period];
            var hi = new long[period];
            for (long u = 0; u < period; u++)
            {
                lo[u] = long.MaxValue;
                hi[u] = long.MinValue;
                foreach (var f in axes)
                {
                    long x = f.First(u), y = f.Last(u);
                    if (x > y) continue;
                    lo[u] = Math.Min(lo[u], x);
                    hi[u] = Math.Max(hi[u], y);
                }
                if (lo[u] > hi[u])
                {
                    lo[u] = first.First(u);
                    hi[u] = lo[u] - 1;
                }
            }
            long shift = (first.Jump * period).Floor();
            result[a] = new AxisField(lo, hi, shift) { From = new Lineage(axes, u => [u]) };
            if (disagreement is null)
            {
                for (int i = 1; i < axes.Count; i++)
                {
                    var f = axes[i];
                    var centre0 = new Fraction(first.First(0) + first.Last(0), 2);
                    var centre = new Fraction(f.First(0) + f.Last(0), 2);
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

}
