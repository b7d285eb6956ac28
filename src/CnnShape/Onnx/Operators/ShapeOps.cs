using CnnShape.ReceptiveFields;
using CnnShape.Rules;
using CnnShape.Symbolic;

namespace CnnShape.Onnx.Operators;

/// <summary>
/// ONNX operators that move, join, split and reshape tensors — with ONNX's own strictness (Squeeze of a size other than 1,
/// Split parts that do not add up, Reshape to another element count, Gather out of bounds are refused) and their contents
/// carried when they are shape arithmetic.
/// </summary>
internal static class ShapeOps
{
    private static OnnxValue Ints(Dim[] values, Dim[]? shape = null) => new() { Shape = shape ?? [values.Length], Type = 7, Ints = values };

    /// <summary>Shape (start/end from opset 15): the dimensions as a 1-D int64 tensor — symbolic ones included.</summary>
    public static OnnxValue[] Shape(OpContext c)
    {
        var xs = c.Shape(0);
        int r = xs.Length;
        long start = c.Int("start", 0), end = c.Int("end", r);
        int s = (int)Math.Clamp(start < 0 ? start + r : start, 0, r), e = (int)Math.Clamp(end < 0 ? end + r : end, 0, r);
        return [Ints(xs[s..Math.Max(s, e)])];
    }

    /// <summary>Size: the element count as a scalar.</summary>
    public static OnnxValue[] Size(OpContext c) => [Ints([Dim.Product(c.Shape(0))], [])];

    /// <summary>
    /// Reshape (allowzero from opset 14): 0 copies the input's size (unless allowzero), one −1 takes what is left; the
    /// element count must not change.
    /// </summary>
    public static OnnxValue[] Reshape(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        var target = c.Opset >= 5 ? c.IntsOf(1, "target shape") : (c.Ints("shape") ?? throw c.Refuse("the attribute shape is required.")).Select(v => (Dim)v).ToArray();
        bool allowZero = c.Int("allowzero", 0) != 0;
        var shape = new Dim[target.Length];
        int infer = -1;
        for (int i = 0; i < target.Length; i++)
        {
            var t = target[i];
            if (t.IsKnown && t.Value == 0 && !allowZero)
            {
                if (i >= xs.Length) throw c.Refuse($"the target shape {OpContext.Text(target)} copies dimension {i} (a 0), which the input {OpContext.Text(xs)} does not have.");
                shape[i] = xs[i];
            }
            else if (t.IsKnown && t.Value == -1)
            {
                if (infer >= 0) throw c.Refuse($"the target shape {OpContext.Text(target)} has more than one −1.");
                infer = i;
                shape[i] = 1;
            }
            else if (t.IsKnown && t.Value < -1) throw c.Refuse($"the target shape {OpContext.Text(target)} has the negative size {t}.");
            else shape[i] = t;
        }
        var total = Dim.Product(xs);
        if (infer >= 0)
        {
            var rest = Dim.Product(shape);
            var q = Dim.ExactDiv(total, rest);
            if (q is null)
            {
                if (total.IsKnown && rest.IsKnown) throw c.Refuse($"cannot reshape {OpContext.Text(xs)} ({total} elements) into {OpContext.Text(target)}: {total} is not a multiple of {rest}.");
                c.Notes.Add($"the −1 in {OpContext.Text(target)} is {total} / ({rest}), which is not an exact expression");
                q = Dim.Unknown();
            }
            shape[infer] = q.Value;
        }
        var count = Dim.Product(shape);
        if (Dim.KnownDifference(count, total) is long d && d != 0)
        {
            throw c.Refuse($"cannot reshape {OpContext.Text(xs)} ({total} elements) into {OpContext.Text(shape)} ({count} elements).");
        }
        return [new OnnxValue { Shape = shape, Type = x.Type, Ints = x.Ints, Floats = x.Floats, Field = Fields.KeepSpatial(x.Field, xs, shape) }];
    }

    /// <summary>Flatten (axis, default 1): [∏ dims before axis, ∏ dims from axis].</summary>
    public static OnnxValue[] Flatten(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        long axis = c.Int("axis", 1);
        if (axis < -xs.Length || axis > xs.Length) throw c.Refuse($"axis {axis} is out of range for a rank-{xs.Length} input (expected [{-xs.Length}, {xs.Length}]).");
        int a = (int)(axis < 0 ? axis + xs.Length : axis);
        var shape = new[] { Dim.Product(xs[..a]), Dim.Product(xs[a..]) };
        var field = x.Field is SpatialField && a < xs.Length ? ReceptiveField.Flattened : x.Field;
        return [new OnnxValue { Shape = shape, Type = x.Type, Ints = x.Ints, Floats = x.Floats, Field = field }];
    }

    private static long[]? AxesOf(OpContext c)
    {
        if (c.Opset >= 13) return c.Has(1) ? c.KnownInts(1, "axes") : null;
        return c.Ints("axes");
    }

    /// <summary>Squeeze: removes the given axes, each of which must have size 1 (all size-1 axes when none are given).</summary>
    public static OnnxValue[] Squeeze(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        var axes = AxesOf(c);
        HashSet<int> drop;
        if (axes is null)
        {
            if (xs.Any(d => !d.IsKnown)) throw new NotInferable("Squeeze without axes on a symbolic shape removes axes only known at run time");
            drop = Enumerable.Range(0, xs.Length).Where(i => xs[i].Value == 1).ToHashSet();
        }
        else
        {
            drop = [];
            foreach (var axis in axes)
            {
                int a = c.Axis(axis, xs.Length);
                if (!drop.Add(a)) throw c.Refuse($"axis {axis} is given twice.");
                if (xs[a].IsKnown && xs[a].Value != 1) throw c.Refuse($"axis {a} of {OpContext.Text(xs)} has size {xs[a]}; only axes of size 1 can be squeezed.");
                if (!xs[a].IsKnown) c.Notes.Add($"axis {a} ({xs[a]}) is taken to be 1, as Squeeze requires");
            }
        }
        var shape = xs.Where((_, i) => !drop.Contains(i)).ToArray();
        return [new OnnxValue { Shape = shape, Type = x.Type, Ints = x.Ints, Floats = x.Floats, Field = Fields.KeepSpatial(x.Field, xs, shape) is NoField ? SqueezeField(x.Field, xs, drop) : x.Field }];
    }

    private static ReceptiveField SqueezeField(ReceptiveField field, Dim[] xs, HashSet<int> drop)
    {
        if (field is not SpatialField sf) return field;
        // dropping leading size-1 axes keeps the spatial ones
        return drop.All(a => a < xs.Length - sf.Axes.Length) ? field : ReceptiveField.Flattened;
    }

    /// <summary>Unsqueeze: inserts size-1 axes at the given positions of the output (each in range, none twice).</summary>
    public static OnnxValue[] Unsqueeze(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        var axes = AxesOf(c) ?? throw c.Refuse("axes are required.");
        int rank = xs.Length + axes.Length;
        var positions = new HashSet<int>();
        foreach (var axis in axes)
        {
            if (!positions.Add(c.Axis(axis, rank))) throw c.Refuse($"axis {axis} is given twice.");
        }
        var shape = new Dim[rank];
        int k = 0;
        for (int i = 0; i < rank; i++) shape[i] = positions.Contains(i) ? 1 : xs[k++];
        bool keepsSpatial = x.Field is SpatialField sf && positions.All(p => p < rank - sf.Axes.Length);
        return [new OnnxValue { Shape = shape, Type = x.Type, Ints = x.Ints, Floats = x.Floats, Field = keepsSpatial || x.Field is not SpatialField ? x.Field : ReceptiveField.Flattened }];
    }

    /// <summary>Transpose (perm, default reversed): a permutation of the axes.</summary>
    public static OnnxValue[] Transpose(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        int rank = xs.Length;
        var perm = c.Ints("perm") ?? Enumerable.Range(0, rank).Reverse().Select(i => (long)i).ToArray();
        if (perm.Length != rank || perm.Any(p => p < 0 || p >= rank) || perm.Distinct().Count() != rank)
        {
            throw c.Refuse($"perm [{string.Join(", ", perm)}] is not a permutation of the {rank} axes.");
        }
        var shape = perm.Select(p => xs[p]).ToArray();
        int spatial = x.Field is SpatialField sf ? sf.Axes.Length : 0;
        bool keeps = spatial > 0 && Enumerable.Range(0, spatial).All(i => perm[rank - spatial + i] == rank - spatial + i);
        void Source(long[] o, long[] i)
        {
            for (int k = 0; k < rank; k++) i[perm[k]] = o[k];
        }
        return [new OnnxValue
        {
            Shape = shape, Type = x.Type, Field = keeps || x.Field is not SpatialField ? x.Field : ReceptiveField.None,
            Ints = Contents.Map(x.Ints, xs, shape, Source), Floats = Contents.Map(x.Floats, xs, shape, Source),
        }];
    }

    /// <summary>Concat (axis): <see cref="Concatenation"/>; 1-D contents are joined.</summary>
    public static OnnxValue[] Concat(OpContext c)
    {
        var present = Enumerable.Range(0, c.Node.Inputs.Count).Where(c.Has).ToList();
        if (present.Count == 0) throw c.Refuse("it needs at least one input.");
        var shapes = present.Select(c.Shape).ToList();
        var names = present.Select(i => c.Node.Inputs[i]).ToList();
        int rank = shapes[0].Length;
        if (rank == 0) throw c.Refuse("scalars cannot be concatenated.");
        int axis = c.Axis(c.Int("axis", 0), rank);
        Dim[] shape;
        try { shape = Concatenation.Shape(shapes, axis, names); }
        catch (CnnShapeException e) { throw new CnnShapeException("Concat: " + e.Rule, mismatch: e.Mismatch); }
        var values = present.Select(c.In).ToList();
        var field = Elementwise.Union(present.Where(i => !c.IsWeight(i)).Select(i => c.In(i).Field).ToList(), shape, names);
        // contents along the joined axis: output index o[axis] falls in one input's range
        var offsets = new long[present.Count + 1];
        bool known = shapes.All(s => s[axis].IsKnown);
        for (int k = 0; known && k < present.Count; k++) offsets[k + 1] = offsets[k] + shapes[k][axis].Value;
        T[]? Join<T>(Func<OnnxValue, T[]?> of)
        {
            if (!known || values.Any(v => of(v) is null)) return null;
            if (rank == 1) return values.SelectMany(v => of(v)!).ToArray();
            var parts = values.Select((v, k) => (Values: of(v)!, Shape: shapes[k])).ToList();
            // stack the inputs' contents along a new leading axis of the widest input, then map
            var result = new List<T>();
            var outDims = shape;
            if (outDims.Any(d => !d.IsKnown) || outDims.Aggregate(1L, (p, d) => p * d.Value) > OpContext.MaxKept) return null;
            long count = outDims.Aggregate(1L, (p, d) => p * d.Value);
            var o = new long[rank];
            for (long flat = 0; flat < count; flat++)
            {
                long rest = flat;
                for (int a = rank - 1; a >= 0; a--) { o[a] = rest % outDims[a].Value; rest /= outDims[a].Value; }
                int which = Array.FindLastIndex(offsets, 0, present.Count, off => off <= o[axis]);
                var (vals, sh) = parts[which];
                long index = 0;
                for (int a = 0; a < rank; a++) index = index * sh[a].Value + (a == axis ? o[a] - offsets[which] : o[a]);
                result.Add(vals[index]);
            }
            return [.. result];
        }
        return [new OnnxValue { Shape = shape, Type = values[0].Type, Field = field, Ints = Join(v => v.Ints), Floats = Join(v => v.Floats) }];
    }

    /// <summary>
    /// Split (axis; split as an attribute before opset 13, an input from 13; num_outputs from 18): the parts must add up
    /// to the axis; without them the axis is cut into equal parts (the last smaller from opset 18).
    /// </summary>
    public static OnnxValue[] Split(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        if (xs.Length == 0) throw c.Refuse("a scalar cannot be split.");
        int axis = c.Axis(c.Int("axis", 0), xs.Length);
        int count = c.Node.Outputs.Count;
        long[]? split = c.Opset >= 13 ? (c.Has(1) ? c.KnownInts(1, "split sizes") : null) : c.Ints("split");
        var dim = xs[axis];
        var parts = new Dim[count];
        if (split is not null)
        {
            if (split.Length != count) throw c.Refuse($"split has {split.Length} parts for {count} outputs.");
            if (split.Any(p => p < 0)) throw c.Refuse($"split [{string.Join(", ", split)}] has a negative part.");
            long sum = split.Sum();
            if (dim.IsKnown && sum != dim.Value) throw c.Refuse($"split [{string.Join(", ", split)}] adds up to {sum}, but axis {axis} of {OpContext.Text(xs)} has {dim}.");
            for (int i = 0; i < count; i++) parts[i] = split[i];
        }
        else
        {
            long n = c.Opset >= 18 && c.HasAttr("num_outputs") ? c.Int("num_outputs", count) : count;
            if (n != count) throw c.Refuse($"num_outputs is {n} but the node has {count} outputs.");
            if (n < 1) throw c.Refuse("it needs at least one output.");
            if (c.Opset >= 18)
            {
                // ceil(dim / n) each, the last one what is left
                var each = Dim.CeilDiv(dim, n);
                for (int i = 0; i < count; i++) parts[i] = i < count - 1 ? each : dim - each * (count - 1);
            }
            else
            {
                if (dim.IsKnown && dim.Value % n != 0) throw c.Refuse($"axis {axis} of {OpContext.Text(xs)} ({dim}) does not split into {n} equal parts.");
                for (int i = 0; i < count; i++) parts[i] = Dim.FloorDiv(dim, n);
            }
        }
        return parts.Select(p =>
        {
            var s = (Dim[])xs.Clone();
            s[axis] = p;
            return new OnnxValue { Shape = s, Type = x.Type, Field = x.Field };
        }).ToArray();
    }

    /// <summary>
    /// Slice (starts/ends/axes/steps as attributes before opset 10, inputs from 10): ONNX clamps starts and ends to the
    /// axis, negative ones counting from the end. On a symbolic axis the usual exporter forms are exact (<c>x[k:]</c>,
    /// <c>x[:−k]</c>, <c>x[−k:]</c>); others leave the size unknown.
    /// </summary>
    public static OnnxValue[] Slice(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        long[] starts, ends;
        long[]? axes, steps = null;
        if (c.Opset >= 10)
        {
            starts = c.KnownInts(1, "starts");
            ends = c.KnownInts(2, "ends");
            axes = c.Has(3) ? c.KnownInts(3, "axes") : null;
            steps = c.Has(4) ? c.KnownInts(4, "steps") : null;
        }
        else
        {
            starts = c.Ints("starts") ?? throw c.Refuse("starts are required.");
            ends = c.Ints("ends") ?? throw c.Refuse("ends are required.");
            axes = c.Ints("axes");
        }
        if (ends.Length != starts.Length || axes is not null && axes.Length != starts.Length || steps is not null && steps.Length != starts.Length)
        {
            throw c.Refuse($"starts ({starts.Length}), ends ({ends.Length}), axes and steps must have the same length.");
        }
        var shape = (Dim[])xs.Clone();
        var ranges = new (long Start, long Step)[xs.Length];
        for (int i = 0; i < xs.Length; i++) ranges[i] = (0, 1);
        var crop = new (long Start, long Step)?[xs.Length];
        var seen = new HashSet<int>();
        for (int i = 0; i < starts.Length; i++)
        {
            int a = c.Axis(axes?[i] ?? i, xs.Length);
            if (!seen.Add(a)) throw c.Refuse($"axis {a} is sliced twice.");
            long step = steps?[i] ?? 1;
            if (step == 0) throw c.Refuse("a step cannot be 0.");
            var dim = xs[a];
            if (dim.IsKnown)
            {
                long d = dim.Value;
                long st = starts[i] < 0 ? starts[i] + d : starts[i], en = ends[i] < 0 ? ends[i] + d : ends[i];
                if (step > 0)
                {
                    st = Math.Clamp(st, 0, d);
                    en = Math.Clamp(en, 0, d);
                    shape[a] = en > st ? (en - st + step - 1) / step : 0;
                }
                else
                {
                    st = Math.Clamp(st, -1, d - 1);
                    en = Math.Clamp(en, -1, d - 1);
                    shape[a] = st > en ? (st - en + (-step) - 1) / -step : 0;
                }
                ranges[a] = (st, step);
                crop[a] = step > 0 ? (st, step) : null;
            }
            else
            {
                shape[a] = SymbolicSlice(dim, starts[i], ends[i], step) ?? Unknown(c, dim, starts[i], ends[i], step);
                crop[a] = starts[i] >= 0 && step > 0 ? (starts[i], step) : null;
            }
        }
        void Source(long[] o, long[] i)
        {
            for (int a = 0; a < o.Length; a++) i[a] = ranges[a].Start + o[a] * ranges[a].Step;
        }
        return [new OnnxValue
        {
            Shape = shape, Type = x.Type, Field = SliceField(x.Field, xs, seen, crop),
            Ints = Contents.Map(x.Ints, xs, shape, Source), Floats = Contents.Map(x.Floats, xs, shape, Source),
        }];
    }

    private static Dim Unknown(OpContext c, Dim dim, long start, long end, long step)
    {
        c.Notes.Add($"slicing {dim} from {start} to {end} by {step} has no exact size");
        return Dim.Unknown();
    }

    /// <summary>Slices of a symbolic axis whose size is exact for every size at least as large as the bounds.</summary>
    private static Dim? SymbolicSlice(Dim dim, long start, long end, long step)
    {
        if (step < 1) return null;
        bool toEnd = end >= int.MaxValue;
        // the length of the clamped range, then every step-th element of it: ⌈length / step⌉
        Dim? length = (start >= 0, toEnd, end < 0) switch
        {
            (true, true, _) => Dim.Max(dim - start, 0),
            (false, true, _) => Dim.Min(dim, -start),
            (true, false, true) => Dim.Max(dim + end - start, 0),
            (true, false, false) => Dim.Max(Dim.Min(dim, end) - start, 0),
            _ => null,
        };
        return length is not { } l ? null : step == 1 ? l : Dim.CeilDiv(l, step);
    }

    /// <summary>A crop of the spatial axes: unit i of the slice is unit start + i·step of the input (a window of size 1).</summary>
    private static ReceptiveField SliceField(ReceptiveField field, Dim[] xs, HashSet<int> sliced, (long Start, long Step)?[] crop)
    {
        if (field is not SpatialField sf) return field;
        int first = xs.Length - sf.Axes.Length;
        var axes = (AxisField[])sf.Axes.Clone();
        foreach (int a in sliced)
        {
            if (a < first) continue;
            if (crop[a] is not { } c) return ReceptiveField.None;
            axes[a - first] = FieldPropagation.Window(axes[a - first], 1, c.Step, -c.Start, 1);
        }
        return ReceptiveField.Spatial(axes);
    }

    /// <summary>Gather (axis): data.shape[:axis] + indices.shape + data.shape[axis+1:]; constant indices are bounds-checked.</summary>
    public static OnnxValue[] Gather(OpContext c)
    {
        var data = c.In(0);
        var ds = c.Shape(0);
        var indices = c.In(1);
        var ix = c.Shape(1);
        if (ds.Length == 0) throw c.Refuse("the data must have rank ≥ 1.");
        int axis = c.Axis(c.Int("axis", 0), ds.Length);
        var shape = ds[..axis].Concat(ix).Concat(ds[(axis + 1)..]).ToArray();
        Dim[]? ints = null;
        if (indices.Ints is not null)
        {
            foreach (var i in indices.Ints)
            {
                if (i.IsKnown && ds[axis].IsKnown && (i.Value < -ds[axis].Value || i.Value >= ds[axis].Value))
                {
                    throw c.Refuse($"index {i} is out of bounds for axis {axis} of size {ds[axis]}.");
                }
            }
            if (data.Ints is not null && ds.Length == 1 && indices.Ints.All(i => i.IsKnown))
            {
                long n = data.Ints.Length;
                ints = indices.Ints.Select(i => data.Ints[i.Value < 0 ? i.Value + n : i.Value]).ToArray();
            }
        }
        return [new OnnxValue { Shape = shape, Type = data.Type, Ints = ints }];
    }

    /// <summary>GatherElements / ScatterElements / ScatterND: the output has the indices' (or the data's) shape.</summary>
    public static OnnxValue[] LikeInput(OpContext c, int input)
    {
        var v = c.In(input);
        return [new OnnxValue { Shape = c.Shape(input), Type = c.In(0).Type, Field = c.Op.StartsWith("Scatter", StringComparison.Ordinal) ? v.Field : ReceptiveField.None }];
    }

    /// <summary>Tile: one repeat per axis (a count mismatch is refused); each size multiplied.</summary>
    public static OnnxValue[] Tile(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        var repeats = c.IntsOf(1, "repeats");
        if (repeats.Length != xs.Length) throw c.Refuse($"repeats has {repeats.Length} values, but the input {OpContext.Text(xs)} has rank {xs.Length}.");
        foreach (var r in repeats) if (r.IsKnown && r.Value < 0) throw c.Refuse($"repeats must be non-negative, got {OpContext.Text(repeats)}.");
        var shape = xs.Select((d, i) => d * repeats[i]).ToArray();
        return [new OnnxValue { Shape = shape, Type = x.Type }];
    }

    /// <summary>Expand: the input broadcast with the given shape (numpy rules, in both directions).</summary>
    public static OnnxValue[] Expand(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        var target = c.IntsOf(1, "target shape");
        var shape = Broadcasting.Shape([xs, target], [c.Node.Inputs[0], "shape"], out var undecided);
        if (undecided is not null) c.Notes.Add(undecided);
        return [new OnnxValue { Shape = shape, Type = x.Type, Field = x.Field }];
    }

    /// <summary>DepthToSpace / SpaceToDepth (blocksize b): [N, C/b², H·b, W·b] and [N, C·b², H/b, W/b], divisibility checked.</summary>
    public static OnnxValue[] DepthSpace(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        if (xs.Length != 4) throw c.Refuse($"the input must be 4-D, got {OpContext.Text(xs)}.");
        long b = c.Int("blocksize", 0);
        if (b < 1) throw c.Refuse($"blocksize must be positive, got {b}.");
        long b2 = Internal.Checked.Mul(b, b, "the block");
        if (c.Op == "DepthToSpace")
        {
            if (xs[1].IsKnown && xs[1].Value % b2 != 0) throw c.Refuse($"the {xs[1]} channels are not divisible by blocksize² = {b2}.");
            return [new OnnxValue { Shape = [xs[0], Dim.FloorDiv(xs[1], b2), xs[2] * b, xs[3] * b], Type = x.Type, Field = Fields.Unknown(x.Field) }];
        }
        for (int i = 2; i < 4; i++)
        {
            if (xs[i].IsKnown && xs[i].Value % b != 0) throw c.Refuse($"spatial size {xs[i]} is not divisible by blocksize {b}.");
        }
        return [new OnnxValue { Shape = [xs[0], xs[1] * b2, Dim.FloorDiv(xs[2], b), Dim.FloorDiv(xs[3], b)], Type = x.Type, Field = Fields.Unknown(x.Field) }];
    }
}
