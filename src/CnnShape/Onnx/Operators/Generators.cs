using CnnShape.ReceptiveFields;
using CnnShape.Symbolic;

namespace CnnShape.Onnx.Operators;

/// <summary>ONNX operators that make tensors (Constant, ConstantOfShape, Range, EyeLike …) and those whose sizes depend on data (NonZero, TopK).</summary>
internal static class Generators
{
    /// <summary>Constant: the value attribute (tensor, int(s), float(s)).</summary>
    public static OnnxValue[]? Constant(OpContext c)
    {
        var a = c.Node.Attributes;
        if (a.TryGetValue("value", out var v) && v.Tensor is { } t) return [FromTensor(t)];
        if (a.TryGetValue("value_ints", out var vi) && vi.Ints is { } ints) return [new OnnxValue { Shape = [ints.Length], Type = 7, Ints = ints.Select(i => (Dim)i).ToArray() }];
        if (a.TryGetValue("value_int", out var v1) && v1.Int is long one) return [new OnnxValue { Shape = [], Type = 7, Ints = [one] }];
        if (a.TryGetValue("value_float", out var vf) && vf.Float is float f) return [new OnnxValue { Shape = [], Type = 1, Floats = [f] }];
        if (a.TryGetValue("value_floats", out var vfs) && vfs.Floats is { } fs) return [new OnnxValue { Shape = [fs.Length], Type = 1, Floats = fs.Select(z => (double)z).ToArray() }];
        if (a.ContainsKey("sparse_value") || a.ContainsKey("value_string") || a.ContainsKey("value_strings")) return null;
        throw c.Refuse("it has no value attribute.");
    }

    /// <summary>An initializer or constant tensor as a value: its dims, type and (small) contents.</summary>
    public static OnnxValue FromTensor(OnnxTensor t, bool constant = true) => new()
    {
        IsConstant = constant,
        Shape = t.Dims.Select(d => (Dim)d).ToArray(),
        Type = t.DataType,
        Ints = t.Ints?.Select(i => (Dim)i).ToArray(),
        Floats = t.Floats,
    };

    /// <summary>ConstantOfShape: the shape is the input's contents (symbolic sizes included).</summary>
    public static OnnxValue[] ConstantOfShape(OpContext c)
    {
        var shape = c.IntsOf(0, "shape");
        foreach (var d in shape) if (d.IsKnown && d.Value < 0) throw c.Refuse($"the shape {OpContext.Text(shape)} has a negative size.");
        var tensor = c.Node.Attributes.TryGetValue("value", out var a) ? a.Tensor : null;
        int type = tensor?.DataType ?? 1;
        var count = Dim.Product(shape);
        Dim[]? ints = null;
        double[]? floats = null;
        if (count.IsKnown && count.Value <= OpContext.MaxKept)
        {
            if (tensor?.Ints is { Length: 1 } iv) ints = Enumerable.Repeat((Dim)iv[0], (int)count.Value).ToArray();
            else if (tensor?.Floats is { Length: 1 } fv) floats = Enumerable.Repeat(fv[0], (int)count.Value).ToArray();
            else if (tensor is null) floats = new double[count.Value];
        }
        double fill = tensor?.Ints is { Length: 1 } i1 ? i1[0] : tensor?.Floats is { Length: 1 } f1 ? f1[0] : 0;
        return [new OnnxValue { Shape = shape, Type = type, Ints = ints, Floats = floats, Fill = fill }];
    }

    /// <summary>Range(start, limit, delta): <c>max(⌈(limit − start)/delta⌉, 0)</c> elements.</summary>
    public static OnnxValue[] Range(OpContext c)
    {
        var start = Scalar(c, 0, "start");
        var limit = Scalar(c, 1, "limit");
        var delta = Scalar(c, 2, "delta");
        if (!delta.IsKnown) throw new NotInferable("the delta of Range is symbolic");
        if (delta.Value == 0) throw c.Refuse("delta cannot be 0.");
        var count = Dim.Max(Dim.CeilDiv(limit - start, delta.Value), 0);
        Dim[]? ints = null;
        if (count.IsKnown && count.Value <= OpContext.MaxKept)
        {
            ints = new Dim[count.Value];
            for (long i = 0; i < count.Value; i++) ints[i] = start + delta.Value * i;
        }
        return [new OnnxValue { Shape = [count], Type = c.In(0).Type, Ints = ints }];
    }

    private static Dim Scalar(OpContext c, int i, string what)
    {
        var v = c.In(i);
        if (v.Ints is { Length: 1 } one) return one[0];
        if (v.Floats is { Length: 1 } f && f[0] == Math.Floor(f[0]) && Math.Abs(f[0]) < 1e15) return (long)f[0];
        throw new NotInferable($"the {what} of Range is computed at run time");
    }

    /// <summary>NonZero: [rank, the number of non-zeros] — a count only the data knows.</summary>
    public static OnnxValue[] NonZero(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        // the count is known when the contents are: every element of a filled tensor, or the non-zero ones of small contents
        Dim? count = x.Fill is double fill ? (fill != 0 ? Dim.Product(xs) : 0)
            : x.Ints is { } ints && ints.All(d => d.IsKnown) ? ints.Count(d => d.Value != 0)
            : x.Floats is { } floats ? floats.Count(f => f != 0)
            : null;
        if (count is null) c.Notes.Add("the number of non-zero elements is known only at run time");
        return [new OnnxValue { Shape = [xs.Length, count ?? Dim.Unknown()], Type = 7 }];
    }

    /// <summary>TopK(X, K; axis): values and indices with K along the axis.</summary>
    public static OnnxValue[] TopK(OpContext c)
    {
        var xs = c.Shape(0);
        int axis = c.Axis(c.Int("axis", -1), xs.Length);
        Dim k = c.Opset >= 10 ? c.IntsOf(1, "k") is { Length: 1 } one ? one[0] : throw c.Refuse("K must hold one value.") : c.Int("k", 0);
        if (k.IsKnown && xs[axis].IsKnown && (k.Value < 0 || k.Value > xs[axis].Value)) throw c.Refuse($"K = {k} is outside [0, {xs[axis]}] for axis {axis} of {OpContext.Text(xs)}.");
        var shape = (Dim[])xs.Clone();
        shape[axis] = k;
        return [new OnnxValue { Shape = shape, Type = c.In(0).Type }, new OnnxValue { Shape = shape, Type = 7 }];
    }

    /// <summary>ArgMax / ArgMin (axis, keepdims): the axis reduced to 1 or removed.</summary>
    public static OnnxValue[] ArgReduce(OpContext c)
    {
        var xs = c.Shape(0);
        int axis = c.Axis(c.Int("axis", 0), Math.Max(xs.Length, 1));
        var shape = c.Int("keepdims", 1) != 0 ? xs.Select((d, i) => i == axis ? (Dim)1 : d).ToArray() : xs.Where((_, i) => i != axis).ToArray();
        return [new OnnxValue { Shape = shape, Type = 7, Field = ReduceField(c.In(0).Field, xs.Length, [axis]) }];
    }

    /// <summary>
    /// ReduceMean … ReduceSumSquare: axes as an attribute, or as an input (ReduceSum from opset 13, the others from 18);
    /// keepdims (default 1); noop_with_empty_axes.
    /// </summary>
    public static OnnxValue[] Reduce(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        int rank = xs.Length;
        bool axesAsInput = c.Opset >= 18 || c.Op == "ReduceSum" && c.Opset >= 13;
        long[]? axes = axesAsInput ? (c.Has(1) ? c.KnownInts(1, "axes") : null) : c.Ints("axes");
        bool keep = c.Int("keepdims", 1) != 0;
        if ((axes is null || axes.Length == 0) && c.Int("noop_with_empty_axes", 0) != 0) return [new OnnxValue { Shape = xs, Type = x.Type, Field = x.Field }];
        var set = (axes is null || axes.Length == 0 ? Enumerable.Range(0, rank).Select(i => (long)i) : axes).Select(a => c.Axis(a, Math.Max(rank, 1))).ToHashSet();
        var shape = keep ? xs.Select((d, i) => set.Contains(i) ? (Dim)1 : d).ToArray() : xs.Where((_, i) => !set.Contains(i)).ToArray();
        return [new OnnxValue { Shape = shape, Type = x.Type, Field = ReduceField(x.Field, rank, set) }];
    }

    private static ReceptiveField ReduceField(ReceptiveField field, int rank, IEnumerable<int> axes) =>
        field is SpatialField sf && axes.Any(a => a >= rank - sf.Axes.Length) ? ReceptiveField.Global : field;

    /// <summary>EyeLike, RandomNormalLike, RandomUniformLike, Bernoulli, CumSum, Trilu: the input's shape.</summary>
    public static OnnxValue[] Like(OpContext c)
    {
        var x = c.In(0);
        return [new OnnxValue { Shape = c.Shape(0), Type = x.Type }];
    }

    /// <summary>RandomNormal / RandomUniform: the shape attribute.</summary>
    public static OnnxValue[] Random(OpContext c)
    {
        var shape = c.Ints("shape") ?? throw c.Refuse("the attribute shape is required.");
        return [new OnnxValue { Shape = shape.Select(d => (Dim)d).ToArray(), Type = (int)c.Int("dtype", 1) }];
    }
}

/// <summary>The opset 17–21 operators that only move sizes around: DFT, CenterCropPad, AffineGrid (ONNX operator specs).</summary>
internal static class NewOps
{
    /// <summary>
    /// DFT: the input's last axis holds the real (1) or real and imaginary (2) parts and becomes 2; along the transformed
    /// axis (attribute before opset 20, input 2 from it) the size is dft_length when given, and ⌊n/2⌋ + 1 when onesided.
    /// </summary>
    public static OnnxValue[] Dft(OpContext c)
    {
        var xs = c.Shape(0);
        int rank = xs.Length;
        if (rank < 2) throw c.Refuse($"the input must have at least 2 dimensions, got {OpContext.Text(xs)}.");
        if (xs[^1].IsKnown && xs[^1].Value is not (1 or 2)) throw c.Refuse($"the last dimension holds the real (1) or complex (2) parts, got {xs[^1]}.");
        long axisValue = c.Opset >= 20 ? (c.Has(2) ? c.KnownInts(2, "axis") is [var one] ? one : throw c.Refuse("axis must be one value.") : -2) : c.Int("axis", 1);
        int axis = c.Axis(axisValue, rank);
        if (axis == rank - 1) throw c.Refuse("the last axis holds the complex parts and cannot be transformed.");
        var shape = (Dim[])xs.Clone();
        if (c.Has(1)) shape[axis] = c.IntsOf(1, "dft_length") is [var n] ? n : throw c.Refuse("dft_length must be one value.");
        if (c.Int("onesided", 0) == 1) shape[axis] = Dim.FloorDiv(shape[axis], 2) + 1;
        shape[^1] = 2;
        return [new OnnxValue { Shape = shape, Type = c.In(0).Type }];
    }

    /// <summary>CenterCropPad: the sizes along the axes (all by default) become the given shape, cropped or padded around the centre.</summary>
    public static OnnxValue[] CenterCropPad(OpContext c)
    {
        var xs = c.Shape(0);
        var sizes = c.IntsOf(1, "shape");
        var axes = c.Ints("axes")?.Select(a => c.Axis(a, xs.Length)).ToArray() ?? Enumerable.Range(0, xs.Length).ToArray();
        if (sizes.Length != axes.Length) throw c.Refuse($"shape has {sizes.Length} values for {axes.Length} axes.");
        var shape = (Dim[])xs.Clone();
        for (int i = 0; i < axes.Length; i++)
        {
            if (sizes[i].IsKnown && sizes[i].Value < 0) throw c.Refuse($"a size cannot be negative, got {sizes[i]}.");
            shape[axes[i]] = sizes[i];
        }
        return [new OnnxValue { Shape = shape, Type = c.In(0).Type }];
    }

    /// <summary>AffineGrid: theta [N, 2, 3] and size [N, C, H, W] give [N, H, W, 2]; theta [N, 3, 4] and [N, C, D, H, W] give [N, D, H, W, 3].</summary>
    public static OnnxValue[] AffineGrid(OpContext c)
    {
        var theta = c.Shape(0);
        var size = c.IntsOf(1, "size");
        if (size.Length is not (4 or 5)) throw c.Refuse($"size must be [N, C, H, W] or [N, C, D, H, W], got {size.Length} values.");
        int spatial = size.Length - 2;
        if (theta.Length != 3) throw c.Refuse($"theta must be 3-D, got {OpContext.Text(theta)}.");
        if (theta[1].IsKnown && theta[1].Value != spatial || theta[2].IsKnown && theta[2].Value != spatial + 1)
        {
            throw c.Refuse($"theta of {OpContext.Text(theta)} does not fit a {spatial}-D grid (it must be [N, {spatial}, {spatial + 1}]).");
        }
        Dim[] shape = [size[0], .. size[2..], spatial];
        return [new OnnxValue { Shape = shape, Type = c.In(0).Type }];
    }
}
