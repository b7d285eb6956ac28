using CnnShape.Internal;
using CnnShape.Rules;
using CnnShape.Shapes;

namespace CnnShape.Layers;

/// <summary>How a tensor operation moves receptive fields.</summary>
internal enum FieldEffect
{
    /// <summary>The spatial positions stay where they are.</summary>
    Keep,
    /// <summary>The spatial axes are merged or moved into features (a dense layer after it sees them all).</summary>
    Mixed,
    /// <summary>Every output unit reads every spatial position.</summary>
    Global,
    /// <summary>The output does not depend on the input at all (a constant).</summary>
    Constant,
    /// <summary>Positions move in a way cnnshape does not describe per unit.</summary>
    Unknown,
}

/// <summary>
/// An operation on a tensor written in a model's forward (<c>x.view(…)</c>, <c>x.permute(…)</c>, <c>x[:, :, 1:]</c>,
/// <c>x.mean((2, 3))</c>…): PyTorch's shape rule, its refusals, and the layout (strides) of its result, which decides
/// whether a later <c>view</c> works.
/// </summary>
public abstract class TensorOp : Layer
{
    private protected TensorOp(string type) : base(type)
    {
    }

    /// <summary>The strides of the result for an input with <paramref name="strides"/> (contiguous unless the op is a view).</summary>
    public virtual long[] OutputStrides(Shape input, long[] strides, Shape output) => TensorLayout.Contiguous(output.ToArray());

    internal virtual FieldEffect Effect(Shape input, Shape output, int spatial) =>
        output.Rank >= spatial && input.Rank >= spatial && input.Dims[^spatial..].SequenceEqual(output.Dims[^spatial..]) ? FieldEffect.Keep : FieldEffect.Mixed;

    private protected static LayerResult Result(Shape output, string axis, string formula) => new(output, 0, 0, [new AxisStep(axis, formula)]);

    private protected static string Text(IEnumerable<long> sizes) => "[" + string.Join(", ", sizes) + "]";
}

/// <summary>Makes the tensor operations (for readers of model code).</summary>
public static class TensorOps
{
    /// <summary><c>x.view(sizes)</c> (with the input's strides, to check the layout) or <c>x.reshape(sizes)</c> (strides null).</summary>
    public static TensorOp View(string op, long[] sizes, long[]? inputStrides) => new ViewOp(op, sizes, inputStrides);

    /// <summary><c>x.permute(dims)</c>.</summary>
    public static TensorOp Permute(long[] dims) => new PermuteOp(dims);

    /// <summary><c>x.transpose(d0, d1)</c>; <c>x.t()</c> when <paramref name="t"/>.</summary>
    public static TensorOp Transpose(long dim0, long dim1, bool t = false) => new TransposeOp(dim0, dim1, t);

    /// <summary><c>x.squeeze()</c> (dims null) or <c>x.squeeze(dims)</c>.</summary>
    public static TensorOp Squeeze(long[]? dims) => new SqueezeOp(dims);

    /// <summary><c>x.unsqueeze(dim)</c>.</summary>
    public static TensorOp Unsqueeze(long dim) => new UnsqueezeOp(dim);

    /// <summary><c>x.mean(dims, keepdim)</c>, <c>sum</c>, <c>amax</c>…; dims null reduces every dimension.</summary>
    public static TensorOp Reduce(string op, long[]? dims, bool keepdim) => new ReduceOp(op, dims, keepdim);

    /// <summary><c>x[items]</c>: basic indexing with ints, slices, None and one Ellipsis.</summary>
    public static TensorOp Index(IReadOnlyList<IndexItem> items) => new IndexOp(items);

    /// <summary><c>x.expand(sizes)</c>.</summary>
    public static TensorOp Expand(long[] sizes) => new ExpandOp(sizes);

    /// <summary><c>x.repeat(repeats)</c>.</summary>
    public static TensorOp Repeat(long[] repeats) => new RepeatOp(repeats);

    /// <summary>A tensor the model makes itself (an nn.Parameter, a buffer, torch.zeros in forward): its shape whatever the input.</summary>
    public static TensorOp Constant(long[] shape, long parameters, string what) => new ConstantOp(shape, parameters, what);

    /// <summary>An element-wise function (<c>x.exp()</c>, <c>F.normalize(x, dim=1)</c>, <c>x.cumsum(2)</c>): the shape stays; <paramref name="dims"/> must be dimensions of it.</summary>
    public static TensorOp Pointwise(string name, long[]? dims = null) => new PointwiseOp(name, dims);

    /// <summary>A layer whose parameters are tensors the model holds (F.conv2d with an nn.Parameter weight): <paramref name="parameters"/> of them are counted here.</summary>
    public static Layer WithParameters(Layer layer, long parameters) => new WrappedLayer(layer, parameters, eval: false);

    /// <summary>A layer that always runs as in evaluation mode (F.batch_norm(training=False)).</summary>
    public static Layer InEvaluation(Layer layer) => new WrappedLayer(layer, null, eval: true);
}

/// <summary>A layer with its parameter count or its mode fixed by how the code calls it.</summary>
internal sealed class WrappedLayer(Layer inner, long? parameters, bool eval) : Layer(inner.Type)
{
    public Layer Inner { get; } = inner;

    public override long Params => parameters ?? Inner.Params;

    public override LayerResult Apply(Shape input)
    {
        var result = eval ? Inner.ApplyInEval(input) : Inner.Apply(input);
        return parameters is long p ? result with { Params = p } : result;
    }

    internal override Geometry? GeometryFor(Shape input, Shape output) => Inner.GeometryFor(input, output);
}

internal sealed class PointwiseOp(string name, long[]? dims) : TensorOp(name)
{
    public override LayerResult Apply(Shape input)
    {
        foreach (var d in dims ?? []) Dims.Wrap(d, input.Rank, Type, "dim");
        return new LayerResult(input, 0, 0, []);
    }

    public override long[] OutputStrides(Shape input, long[] strides, Shape output) => TensorLayout.DenseLike(input.ToArray(), strides);

    internal override FieldEffect Effect(Shape input, Shape output, int spatial)
    {
        // along a spatial axis (a cumulative sum, a flip) positions move; across channels they stay
        foreach (var d in dims ?? [])
        {
            int w = Dims.Wrap(d, input.Rank, Type, "dim");
            if (w >= input.Rank - spatial && Type is not "normalize" and not "softmax") return FieldEffect.Unknown;
        }
        return FieldEffect.Keep;
    }
}

/// <summary>One item of a tensor index: an int, a slice, None (a new axis) or <c>...</c>.</summary>
public abstract record IndexItem
{
    /// <summary><c>x[i]</c>.</summary>
    public sealed record At(long Index) : IndexItem;

    /// <summary><c>x[start:stop:step]</c>; null for a bound left out.</summary>
    public sealed record Range(long? Start, long? Stop, long Step) : IndexItem;

    /// <summary><c>x[None]</c>.</summary>
    public sealed record NewAxis : IndexItem;

    /// <summary><c>x[...]</c>.</summary>
    public sealed record Rest : IndexItem;
}

internal sealed class ViewOp(string method, long[] sizes, long[]? inputStrides) : TensorOp(method)
{
    private string op => Type;

    public override LayerResult Apply(Shape input)
    {
        long numel = input.Numel();
        var sizes1 = TensorLayout.InferSize(sizes, numel, $"{op}({string.Join(", ", sizes)})");
        if (inputStrides is not null && TensorLayout.ViewStrides(input.ToArray(), inputStrides, sizes1) is null)
        {
            throw new CnnShapeException($"view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces): the input {input} has strides ({string.Join(", ", inputStrides)}) after a permute, transpose or slice. Use .reshape(...) instead, or .contiguous() before .view.",
                mismatch: new Mismatch("contiguous", 1, 0, 0));
        }
        var output = Shape.Own(sizes1);
        string parts = input.Rank == 0 ? "1" : string.Join("·", input.ToArray());
        return Result(output, "elements", $"{parts} = {numel} → {Text(sizes1)}");
    }

    public override long[] OutputStrides(Shape input, long[] strides, Shape output) =>
        TensorLayout.ViewStrides(input.ToArray(), strides, output.ToArray()) ?? TensorLayout.Contiguous(output.ToArray());
}

internal sealed class PermuteOp(long[] dims) : TensorOp("permute")
{
    private int[] Order(Shape input)
    {
        if (dims.Length != input.Rank)
        {
            throw new CnnShapeException($"permute: the number of dimensions in the tensor input does not match the length of the desired ordering of dimensions, i.e. input.dim() = {input.Rank} is not equal to len(dims) = {dims.Length}.");
        }
        var order = dims.Select(d => Dims.Wrap(d, input.Rank, "permute", "dims")).ToArray();
        if (order.Distinct().Count() != order.Length) throw new CnnShapeException($"permute: duplicate dims are not allowed ({string.Join(", ", dims)}).");
        return order;
    }

    public override LayerResult Apply(Shape input)
    {
        var order = Order(input);
        var output = Shape.Own(order.Select(d => input[d]).ToArray());
        return Result(output, "dims", $"{input} → ({string.Join(", ", order)}) → {output}");
    }

    public override long[] OutputStrides(Shape input, long[] strides, Shape output) => Order(input).Select(d => strides[d]).ToArray();

    internal override FieldEffect Effect(Shape input, Shape output, int spatial)
    {
        var order = Order(input);
        for (int i = 0; i < spatial; i++) if (order[^(i + 1)] != input.Rank - 1 - i) return FieldEffect.Mixed;
        return FieldEffect.Keep;
    }
}

internal sealed class TransposeOp(long dim0, long dim1, bool t) : TensorOp(t ? "t" : "transpose")
{
    private (int, int) Pair(Shape input)
    {
        if (t)
        {
            if (input.Rank > 2) throw new CnnShapeException($"t() expects a tensor with <= 2 dimensions, but self is {input.Rank}D.");
            return input.Rank < 2 ? (0, 0) : (0, 1);
        }
        return (Dims.Wrap(dim0, input.Rank, "transpose", "dim0"), Dims.Wrap(dim1, input.Rank, "transpose", "dim1"));
    }

    public override LayerResult Apply(Shape input)
    {
        var (a, b) = Pair(input);
        var dims = input.ToArray();
        if (dims.Length > 0) (dims[a], dims[b]) = (dims[b], dims[a]);
        var output = Shape.Own(dims);
        return Result(output, "dims", $"{input} → swap {a}, {b} → {output}");
    }

    public override long[] OutputStrides(Shape input, long[] strides, Shape output)
    {
        var (a, b) = Pair(input);
        var s = (long[])strides.Clone();
        if (s.Length > 0) (s[a], s[b]) = (s[b], s[a]);
        return s;
    }

    internal override FieldEffect Effect(Shape input, Shape output, int spatial)
    {
        var (a, b) = Pair(input);
        if (a == b) return FieldEffect.Keep;
        int first = input.Rank - spatial;
        return a < first && b < first ? FieldEffect.Keep : FieldEffect.Mixed;
    }
}

internal sealed class SqueezeOp(long[]? dims) : TensorOp("squeeze")
{
    private HashSet<int> Removed(Shape input)
    {
        var removed = new HashSet<int>();
        if (dims is null)
        {
            for (int i = 0; i < input.Rank; i++) if (input[i] == 1) removed.Add(i);
            return removed;
        }
        foreach (var d in dims)
        {
            int w = Dims.Wrap(d, input.Rank, "squeeze", "dim");
            if (input.Rank > 0 && input[w] == 1) removed.Add(w);
        }
        return removed;
    }

    public override LayerResult Apply(Shape input)
    {
        var removed = Removed(input);
        var output = Shape.Own(Enumerable.Range(0, input.Rank).Where(i => !removed.Contains(i)).Select(i => input[i]).ToArray());
        return Result(output, "dims", $"{input} → {output}");
    }

    public override long[] OutputStrides(Shape input, long[] strides, Shape output)
    {
        var removed = Removed(input);
        return Enumerable.Range(0, input.Rank).Where(i => !removed.Contains(i)).Select(i => strides[i]).ToArray();
    }
}

internal sealed class UnsqueezeOp(long dim) : TensorOp("unsqueeze")
{
    public override LayerResult Apply(Shape input)
    {
        int d = Dims.Wrap(dim, input.Rank + 1, "unsqueeze", "dim");
        var dims = input.ToArray().ToList();
        dims.Insert(d, 1);
        var output = Shape.Own([.. dims]);
        return Result(output, "dims", $"{input} → {output}");
    }

    public override long[] OutputStrides(Shape input, long[] strides, Shape output)
    {
        int d = Dims.Wrap(dim, input.Rank + 1, "unsqueeze", "dim");
        var s = strides.ToList();
        s.Insert(d, d >= input.Rank ? 1 : Checked.Mul(input[d], strides[d], "a stride"));
        return [.. s];
    }
}

internal sealed class ReduceOp(string name, long[]? dims, bool keepdim) : TensorOp(name)
{
    private string op => Type;

    private HashSet<int> Reduced(Shape input)
    {
        if (dims is null) return [.. Enumerable.Range(0, input.Rank)];
        var set = new HashSet<int>();
        foreach (var d in dims)
        {
            int w = Dims.Wrap(d, input.Rank, op, "dim");
            if (!set.Add(w)) throw new CnnShapeException($"{op}: dim {w} appears multiple times in the list of dims.");
        }
        return set;
    }

    public override LayerResult Apply(Shape input)
    {
        var reduced = Reduced(input);
        if (op is "amax" or "amin" or "max" or "min" or "argmax" or "argmin")
        {
            foreach (int d in reduced)
            {
                if (input[d] == 0) throw new CnnShapeException($"{op}(): expected reduction dim {d} to have non-zero size (the input is {input}).");
            }
        }
        var output = new List<long>();
        for (int i = 0; i < input.Rank; i++)
        {
            if (!reduced.Contains(i)) output.Add(input[i]);
            else if (keepdim) output.Add(1);
        }
        var result = Shape.Own([.. output]);
        return Result(result, "dims", $"{op} over ({string.Join(", ", reduced.Order())}){(keepdim ? ", keepdim" : "")}: {input} → {result}");
    }

    internal override FieldEffect Effect(Shape input, Shape output, int spatial)
    {
        var reduced = Reduced(input);
        int spatialReduced = Enumerable.Range(input.Rank - spatial, spatial).Count(reduced.Contains);
        if (spatialReduced == 0) return base.Effect(input, output, spatial);
        return spatialReduced == spatial ? FieldEffect.Global : FieldEffect.Unknown;
    }
}

internal sealed class IndexOp(IReadOnlyList<IndexItem> items) : TensorOp("getitem")
{
    /// <summary>For each input dimension: the item applied to it (null: kept whole); and the output dims with their sources.</summary>
    private (List<(long Size, int Source, long Start, long Step)> Out, Shape Output) Plan(Shape input)
    {
        int rests = items.Count(i => i is IndexItem.Rest);
        if (rests > 1) throw new CnnShapeException("an index can only have a single ellipsis ('...').");
        int consuming = items.Count(i => i is IndexItem.At or IndexItem.Range);
        if (consuming > input.Rank) throw new CnnShapeException($"too many indices for tensor of dimension {input.Rank} ({consuming} given).");
        var result = new List<(long, int, long, long)>();
        int dim = 0;
        foreach (var item in items)
        {
            switch (item)
            {
                case IndexItem.Rest:
                    for (int k = 0; k < input.Rank - consuming; k++, dim++) result.Add((input[dim], dim, 0, 1));
                    break;
                case IndexItem.NewAxis:
                    result.Add((1, -1, 0, 1));
                    break;
                case IndexItem.At at:
                    {
                        long size = input[dim];
                        if (at.Index < -size || at.Index >= size) throw new CnnShapeException($"index {at.Index} is out of bounds for dimension {dim} with size {size}.");
                        dim++;
                        break;
                    }
                case IndexItem.Range r:
                    {
                        if (r.Step <= 0) throw new CnnShapeException("step must be greater than zero.");
                        long size = input[dim];
                        long Clamp(long? v, long fallback)
                        {
                            if (v is null) return fallback;
                            long x = v.Value < 0 ? v.Value + size : v.Value;
                            return Math.Clamp(x, 0, size);
                        }
                        long start = Clamp(r.Start, 0), stop = Clamp(r.Stop, size);
                        long length = stop <= start ? 0 : (stop - start + r.Step - 1) / r.Step;
                        result.Add((length, dim, start, r.Step));
                        dim++;
                        break;
                    }
            }
        }
        for (; dim < input.Rank; dim++) result.Add((input[dim], dim, 0, 1));
        return (result, Shape.Own(result.Select(r => r.Item1).ToArray()));
    }

    public override LayerResult Apply(Shape input)
    {
        var (_, output) = Plan(input);
        return Result(output, "index", $"{input} → {output}");
    }

    public override long[] OutputStrides(Shape input, long[] strides, Shape output)
    {
        var (plan, _) = Plan(input);
        return plan.Select((p, i) => p.Source < 0 ? (i + 1 < plan.Count && plan[i + 1].Source >= 0 ? Checked.Mul(strides[plan[i + 1].Source], input[plan[i + 1].Source], "a stride") : 1) : Checked.Mul(strides[p.Source], p.Step, "a stride")).ToArray();
    }

    internal override Geometry? GeometryFor(Shape input, Shape output)
    {
        // slicing only the trailing spatial axes is a window of one: unit i reads input start + i·step
        var (plan, _) = Plan(input);
        if (plan.Count != input.Rank || plan.Select((p, i) => p.Source == i).Any(same => !same)) return null;
        int spatial = Math.Max(0, input.Rank - 2);
        if (spatial == 0) return null;
        var tail = plan.Skip(input.Rank - spatial).ToList();
        return new WindowGeometry([.. tail.Select(_ => 1L)], [.. tail.Select(p => p.Step)], [.. tail.Select(p => -p.Start)], [.. tail.Select(_ => 1L)]);
    }

    internal override FieldEffect Effect(Shape input, Shape output, int spatial)
    {
        var (plan, _) = Plan(input);
        if (plan.Count == input.Rank && plan.Select((p, i) => p.Source == i).All(x => x)) return FieldEffect.Keep;
        // axes removed or added: the spatial ones must survive in order at the end
        var tail = plan.Skip(Math.Max(0, plan.Count - spatial)).ToList();
        bool kept = tail.Count == spatial && tail.Select((p, i) => p.Source == input.Rank - spatial + i && p.Start == 0 && p.Step == 1 && p.Size == input[p.Source]).All(x => x);
        return kept ? FieldEffect.Keep : FieldEffect.Unknown;
    }
}

internal sealed class ExpandOp(long[] sizes) : TensorOp("expand")
{
    public override LayerResult Apply(Shape input)
    {
        if (sizes.Length < input.Rank)
        {
            throw new CnnShapeException($"expand: the number of sizes provided ({sizes.Length}) must be greater or equal to the number of dimensions in the tensor ({input.Rank}).");
        }
        int lead = sizes.Length - input.Rank;
        var output = new long[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            long target = sizes[i];
            if (i < lead)
            {
                if (target < 0) throw new CnnShapeException($"expand: the expanded size of the tensor ({target}) isn't allowed in a leading, non-existing dimension {i}.");
                output[i] = target;
                continue;
            }
            long have = input[i - lead];
            if (target == -1) output[i] = have;
            else if (have != target && have != 1)
            {
                throw new CnnShapeException($"The expanded size of the tensor ({target}) must match the existing size ({have}) at non-singleton dimension {i}. Target sizes: {Text(sizes)}. Tensor sizes: {Text(input.ToArray())}.",
                    mismatch: new Mismatch("expand", have, target, i));
            }
            else if (target < 0) throw new CnnShapeException($"expand: invalid size {target}.");
            else output[i] = target;
        }
        var result = Shape.Own(output);
        return Result(result, "dims", $"{input} → {result}");
    }

    public override long[] OutputStrides(Shape input, long[] strides, Shape output)
    {
        int lead = output.Rank - input.Rank;
        return Enumerable.Range(0, output.Rank).Select(i => i < lead || input[i - lead] != output[i] ? 0 : strides[i - lead]).ToArray();
    }

    internal override FieldEffect Effect(Shape input, Shape output, int spatial) =>
        base.Effect(input, output, spatial) == FieldEffect.Keep ? FieldEffect.Keep : FieldEffect.Unknown;
}

internal sealed class RepeatOp(long[] repeats) : TensorOp("repeat")
{
    public override LayerResult Apply(Shape input)
    {
        if (repeats.Length < input.Rank) throw new CnnShapeException($"repeat: number of dimensions of repeat dims ({repeats.Length}) can not be smaller than number of dimensions of tensor ({input.Rank}).");
        if (repeats.Any(r => r < 0)) throw new CnnShapeException($"repeat: trying to create a tensor with negative dimension: {Text(repeats)}.");
        int lead = repeats.Length - input.Rank;
        var output = repeats.Select((r, i) => Checked.Mul(r, i < lead ? 1 : input[i - lead], "a repeated size")).ToArray();
        var result = Shape.Own(output);
        return Result(result, "dims", $"{input} × {Text(repeats)} → {result}");
    }

    internal override FieldEffect Effect(Shape input, Shape output, int spatial) =>
        base.Effect(input, output, spatial) == FieldEffect.Keep ? FieldEffect.Keep : FieldEffect.Unknown;
}

internal sealed class ConstantOp(long[] shape, long parameters, string what) : TensorOp(what)
{
    public override long Params => parameters;

    public override LayerResult Apply(Shape input) => new(Shape.Own(shape), parameters, 0, []);

    internal override FieldEffect Effect(Shape input, Shape output, int spatial) => FieldEffect.Constant;
}
