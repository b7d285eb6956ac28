using CnnShape.ReceptiveFields;
using CnnShape.Rules;
using CnnShape.Symbolic;

namespace CnnShape.Onnx.Operators;

/// <summary>ONNX Conv and ConvTranspose, on <see cref="Window"/>'s formulas; and the window attributes the pools share.</summary>
internal static class Convolutions
{
    /// <summary>The window attributes of a Conv or pool node, checked against the number of spatial axes.</summary>
    internal sealed record WindowAttributes(long[] Kernel, long[] Strides, long[] Dilations, long[]? PadsBegin, long[]? PadsEnd, string AutoPad);

    internal static WindowAttributes Attributes(OpContext c, int spatial, long[] kernel)
    {
        if (kernel.Length != spatial) throw c.Refuse($"kernel_shape has {kernel.Length} values, but the input has {spatial} spatial axes.");
        if (kernel.Any(k => k < 1)) throw c.Refuse($"kernel_shape must be positive, got [{string.Join(", ", kernel)}].");
        var strides = c.IntsExactly("strides", spatial, 1);
        var dilations = c.IntsExactly("dilations", spatial, 1);
        if (strides.Any(s => s < 1)) throw c.Refuse($"strides must be positive, got [{string.Join(", ", strides)}].");
        if (dilations.Any(d => d < 1)) throw c.Refuse($"dilations must be positive, got [{string.Join(", ", dilations)}].");
        string auto = c.Str("auto_pad", "NOTSET");
        if (auto is not ("NOTSET" or "SAME_UPPER" or "SAME_LOWER" or "VALID")) throw c.Refuse($"auto_pad must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got '{auto}'.");
        long[]? begin = null, end = null;
        if (auto == "NOTSET")
        {
            var pads = c.Ints("pads") ?? new long[2 * spatial];
            if (pads.Length != 2 * spatial) throw c.Refuse($"pads has {pads.Length} values for {spatial} spatial axes (it needs {2 * spatial}: the beginnings, then the ends).");
            if (pads.Any(p => p < 0)) throw c.Refuse($"pads must be non-negative, got [{string.Join(", ", pads)}].");
            begin = pads[..spatial];
            end = pads[spatial..];
        }
        else if (auto == "VALID")
        {
            begin = new long[spatial];
            end = new long[spatial];
        }
        return new WindowAttributes(kernel, strides, dilations, begin, end, auto);
    }

    /// <summary>
    /// The padding of one axis: explicit, VALID (none), or SAME (<see cref="Window.AutoPadSplit"/>, which needs a known
    /// size; null for a symbolic one).
    /// </summary>
    internal static (long Begin, long End)? Pads(WindowAttributes w, int i, Dim input)
    {
        if (w.PadsBegin is not null) return (w.PadsBegin[i], w.PadsEnd![i]);
        if (!input.IsKnown) return null;
        return Window.AutoPadSplit(input.Value, w.Kernel[i], w.Strides[i], w.Dilations[i], w.AutoPad == "SAME_UPPER");
    }

    /// <summary>
    /// What Conv and ConvTranspose read alike: X of rank ≥ 3, W of the same rank, a positive group, and the window
    /// attributes with the kernel from kernel_shape or from W.
    /// </summary>
    private static (OnnxValue X, Dim[] Xs, Dim[] W, int Spatial, long Group, WindowAttributes A) Operands(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        var w = c.Shape(1);
        if (xs.Length < 3) throw c.Refuse($"the input must have rank ≥ 3 (N, C, spatial…), got {OpContext.Text(xs)}.");
        if (w.Length != xs.Length) throw c.Refuse($"the weight {OpContext.Text(w)} must have the input's rank {xs.Length}.");
        int spatial = xs.Length - 2;
        long group = c.Int("group", 1);
        if (group < 1) throw c.Refuse($"group must be positive, got {group}.");
        var kernel = c.Ints("kernel_shape") ?? KnownKernel(c, w[2..]);
        var a = Attributes(c, spatial, kernel);
        return (x, xs, w, spatial, group, a);
    }

    /// <summary>
    /// Conv (opsets 1, 11): X [N, C, D…], W [M, C/group, k…], B [M]. Output [N, M, out…] with
    /// <c>out = ⌊(in + padB + padE − d·(k − 1) − 1)/s⌋ + 1</c>, or <c>⌈in/s⌉</c> with auto_pad SAME.
    /// </summary>
    public static OnnxValue[] Conv(OpContext c)
    {
        var (x, xs, w, spatial, group, a) = Operands(c);
        if (xs[1].IsKnown && w[1].IsKnown && xs[1].Value != w[1].Value * group)
        {
            throw new CnnShapeException($"Conv: the input has {xs[1]} channels, but the weight {OpContext.Text(w)} with group {group} takes {w[1]}·{group} = {w[1].Value * group}.",
                mismatch: new Mismatch("in_channels", w[1].Value * group, xs[1].Value, 1));
        }
        if (w[0].IsKnown && w[0].Value % group != 0) throw c.Refuse($"the {w[0]} output channels are not divisible by group {group}.");
        var shape = new Dim[xs.Length];
        shape[0] = xs[0];
        shape[1] = w[0];
        var pads = new long[spatial];
        bool padsKnown = true;
        for (int i = 0; i < spatial; i++)
        {
            var p = Pads(a, i, xs[2 + i]);
            if (p is { } known)
            {
                pads[i] = known.Begin;
                if (xs[2 + i].IsKnown && !Window.Fits(xs[2 + i].Value, known.Begin, known.End, a.Kernel[i], a.Dilations[i]))
                {
                    throw new CnnShapeException($"Conv: on spatial axis {i} the padded input {Window.Padded(xs[2 + i].Value, known.Begin, known.End)} is smaller than the dilated kernel {Window.Span(a.Kernel[i], a.Dilations[i])}.") { TooSmall = true };
                }
                shape[2 + i] = Window.ConvolutionOutput(xs[2 + i], known.Begin, known.End, a.Kernel[i], a.Strides[i], a.Dilations[i]);
            }
            else
            {
                padsKnown = false;
                shape[2 + i] = Window.AutoPadOutput(xs[2 + i], a.Strides[i]);
            }
        }
        c.Params = Weights(c, 1, 2);
        var perOutput = Dim.Product(w[1..]);
        c.Macs = Dim.Product(shape) * perOutput;
        var field = padsKnown ? Fields.Window(x.Field, a.Kernel, a.Strides, pads, a.Dilations, transposed: false) : Fields.Unknown(x.Field);
        return [new OnnxValue { Shape = shape, Type = x.Type, Field = field }];
    }

    /// <summary>
    /// ConvTranspose: X [N, C, D…], W [C, M/group, k…]. Output channels M = W[1]·group; sizes from output_shape, or
    /// <c>s·(in − 1) + output_padding + d·(k − 1) + 1 − padB − padE</c>, or with auto_pad SAME <c>in·s</c> (less where the
    /// kernel is shorter than the stride: the padding cannot be negative).
    /// </summary>
    public static OnnxValue[] ConvTranspose(OpContext c)
    {
        var (x, xs, w, spatial, group, a) = Operands(c);
        if (xs[1].IsKnown && w[0].IsKnown && xs[1].Value != w[0].Value)
        {
            throw new CnnShapeException($"ConvTranspose: the input has {xs[1]} channels, but the weight {OpContext.Text(w)} takes {w[0]}.",
                mismatch: new Mismatch("in_channels", w[0].Value, xs[1].Value, 1));
        }
        var outputPadding = c.IntsExactly("output_padding", spatial, 0);
        var outputShape = c.Ints("output_shape");
        if (outputShape is not null && outputShape.Length != spatial && outputShape.Length != spatial + 2)
        {
            throw c.Refuse($"output_shape has {outputShape.Length} values for {spatial} spatial axes.");
        }
        var shape = new Dim[xs.Length];
        shape[0] = xs[0];
        shape[1] = w[1] * group;
        var pads = new long[spatial];
        bool padsKnown = true;
        for (int i = 0; i < spatial; i++)
        {
            if (outputShape is not null)
            {
                shape[2 + i] = outputShape[^spatial..][i];
                // the pads the node then uses: total = s·(in − 1) + op + span − out, split as auto_pad says (SAME_UPPER: extra at the end)
                if (xs[2 + i].IsKnown)
                {
                    long total = Window.TransposedOutput(xs[2 + i].Value, a.Kernel[i], a.Strides[i], 0, 0, a.Dilations[i], outputPadding[i]) - shape[2 + i].Value;
                    pads[i] = a.AutoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                }
                else padsKnown = false;
            }
            else if (a.PadsBegin is not null)
            {
                pads[i] = a.PadsBegin[i];
                shape[2 + i] = Window.TransposedOutput(xs[2 + i], a.Kernel[i], a.Strides[i], a.PadsBegin[i], a.PadsEnd![i], a.Dilations[i], outputPadding[i]);
            }
            else
            {
                // auto_pad SAME aims at out = in·s: the total padding s·(in − 1) + op + span − in·s = op + span − s, clamped
                // at 0 (ONNX Runtime's ComputeTransposePadAndOutputShape, onnx's shape inference), splits with the extra at
                // the end (SAME_UPPER); out = s·(in − 1) + op + span − total, which is in·s unless the kernel is shorter
                // than the stride (kernel 1, stride 3, input 5: 13)
                long total = Math.Max(0, outputPadding[i] + Window.Span(a.Kernel[i], a.Dilations[i]) - a.Strides[i]);
                shape[2 + i] = xs[2 + i] * a.Strides[i] + Math.Min(0, outputPadding[i] + Window.Span(a.Kernel[i], a.Dilations[i]) - a.Strides[i]);
                pads[i] = a.AutoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
            }
            if (shape[2 + i].IsKnown && shape[2 + i].Value < 1)
            {
                throw new CnnShapeException($"ConvTranspose: the output size on spatial axis {i} is {shape[2 + i]} (input {xs[2 + i]}, kernel {a.Kernel[i]}, stride {a.Strides[i]}).") { TooSmall = true };
            }
        }
        c.Params = Weights(c, 1, 2);
        c.Macs = Dim.Product(xs) * Dim.Product(w[1..]);
        var field = padsKnown ? Fields.Window(x.Field, a.Kernel, a.Strides, pads, a.Dilations, transposed: true) : Fields.Unknown(x.Field);
        return [new OnnxValue { Shape = shape, Type = x.Type, Field = field }];
    }

    private static long[] KnownKernel(OpContext c, Dim[] dims)
    {
        if (dims.Any(d => !d.IsKnown)) throw new NotInferable("the kernel size is not known (no kernel_shape and a symbolic weight)");
        return dims.Select(d => d.Value).ToArray();
    }

    /// <summary>The learnable elements among the given inputs: those that are initializers (weights, biases).</summary>
    internal static long Weights(OpContext c, params int[] inputs)
    {
        long total = 0;
        foreach (int i in inputs)
        {
            if (!c.Has(i) || !c.IsWeight(i)) continue;
            var count = c.In(i).Count;
            if (count is { IsKnown: true } n) total = Internal.Checked.Add(total, n.Value, "the parameter count");
        }
        return total;
    }
}

/// <summary>Receptive fields through ONNX nodes, on the same propagation as the layers.</summary>
internal static class Fields
{
    /// <summary>A sliding (or transposed) window over the trailing spatial axes.</summary>
    public static ReceptiveField Window(ReceptiveField field, long[] k, long[] s, long[] padBegin, long[] d, bool transposed)
    {
        if (field is not SpatialField sf) return field;
        var axes = (AxisField[])sf.Axes.Clone();
        int offset = axes.Length - k.Length;
        for (int i = 0; i < k.Length; i++)
        {
            if (i + offset < 0) continue;
            var next = transposed
                ? FieldPropagation.Transposed(axes[i + offset], k[i], s[i], padBegin[i], d[i])
                : FieldPropagation.Window(axes[i + offset], k[i], s[i], padBegin[i], d[i]);
            if (next is null) return ReceptiveField.None;
            axes[i + offset] = next;
        }
        return ReceptiveField.Spatial(axes);
    }

    /// <summary>A field whose geometry depends on a symbolic size: not stated.</summary>
    public static ReceptiveField Unknown(ReceptiveField field) => field is SpatialField ? ReceptiveField.None : field;

    /// <summary>Dense mixing of every position (Gemm on flattened maps, global pools): global.</summary>
    public static ReceptiveField Mixed(ReceptiveField field) => field switch
    {
        NoField { FromSpatial: true } or SpatialField or GlobalField => ReceptiveField.Global,
        _ => field,
    };

    /// <summary>
    /// The field kept when the trailing spatial dims survive unchanged, flattened otherwise. In row-major order equal
    /// trailing dims keep every element's spatial coordinates whatever happens to the dims before them, so a reshape that
    /// regroups the channels — ShuffleNet's channel shuffle, [N, 2C, H, W] → [N, 2, C, H, W] and back — keeps the field
    /// although the rank changes.
    /// </summary>
    public static ReceptiveField KeepSpatial(ReceptiveField field, Dim[] before, Dim[] after)
    {
        if (field is not SpatialField sf) return field;
        int n = sf.Axes.Length;
        if (after.Length >= n && before.Length >= n && after[^n..].SequenceEqual(before[^n..])) return field;
        return ReceptiveField.Flattened;
    }
}
