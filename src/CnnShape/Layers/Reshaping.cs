using CnnShape.Internal;
using CnnShape.Shapes;

namespace CnnShape.Layers;

/// <summary>Python-style dimension wrapping: −1 is the last dimension; a 0-d tensor wraps as if it had one dimension.</summary>
internal static class Dims
{
    public static int Wrap(long dim, int rank, string layer, string argument)
    {
        int effective = Math.Max(rank, 1);
        if (dim < -effective || dim >= effective)
        {
            throw new CnnShapeException($"{layer}: {argument}={dim} is out of range for a {rank}-D input (expected a dimension in [{-effective}, {effective - 1}]).");
        }
        return (int)(dim < 0 ? dim + effective : dim);
    }
}

/// <summary><c>Flatten(start_dim=1, end_dim=-1)</c>: merges the dimensions start..end into one.</summary>
public sealed class Flatten : Layer
{
    internal Flatten(long start, long end) : base("Flatten")
    {
        Start = start;
        End = end;
    }

    /// <summary>First dimension merged.</summary>
    public long Start { get; }
    /// <summary>Last dimension merged.</summary>
    public long End { get; }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        int start = Dims.Wrap(Start, input.Rank, Type, "start_dim");
        int end = Dims.Wrap(End, input.Rank, Type, "end_dim");
        if (input.Rank == 0) return new LayerResult(Shape.Own([1]), 0, 0, []);
        if (start > end) throw new CnnShapeException($"Flatten: start_dim ({Start} → {start}) cannot come after end_dim ({End} → {end}) for a {input.Rank}-D input.");
        var dims = new List<long>();
        for (int i = 0; i < start; i++) dims.Add(input[i]);
        long merged = 1;
        for (int i = start; i <= end; i++) merged = Checked.Mul(merged, input[i], "the flattened size");
        dims.Add(merged);
        for (int i = end + 1; i < input.Rank; i++) dims.Add(input[i]);
        var parts = string.Join("·", Enumerable.Range(start, end - start + 1).Select(i => input[i]));
        return new LayerResult(Shape.Own([.. dims]), 0, 0, start == end ? [] : [new AxisStep($"dims {start}..{end}", $"{parts} = {merged}")]);
    }
}

/// <summary><c>Unflatten(dim, unflattened_size)</c>: splits one dimension; one entry may be −1 (inferred).</summary>
public sealed class Unflatten : Layer
{
    internal Unflatten(long dim, long[] sizes) : base("Unflatten")
    {
        Dim = dim;
        Sizes = sizes;
    }

    /// <summary>The dimension split.</summary>
    public long Dim { get; }
    /// <summary>The sizes it is split into.</summary>
    public long[] Sizes { get; }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        if (Sizes.Length == 0) throw new CnnShapeException("Unflatten: unflattened_size must be non-empty.");
        int dim = Dims.Wrap(Dim, input.Rank, Type, "dim");
        if (input.Rank == 0) throw new CnnShapeException($"Unflatten: cannot unflatten a 0-d input.");
        int inferred = -1;
        long product = 1;
        for (int i = 0; i < Sizes.Length; i++)
        {
            if (Sizes[i] == -1)
            {
                if (inferred >= 0) throw new CnnShapeException($"Unflatten: only one dimension can be inferred (-1), got ({string.Join(", ", Sizes)}).");
                inferred = i;
            }
            else if (Sizes[i] < 0) throw new CnnShapeException($"Unflatten: invalid size {Sizes[i]} in unflattened_size ({string.Join(", ", Sizes)}).");
            else product = Checked.Mul(product, Sizes[i], "the unflattened size");
        }
        var sizes = (long[])Sizes.Clone();
        long n = input[dim];
        if (inferred >= 0)
        {
            if (product == 0 || n % product != 0) throw new CnnShapeException($"Unflatten: sizes ({string.Join(", ", Sizes)}) don't multiply up to the size of dim {dim} ({n}) of input {input}.");
            sizes[inferred] = n / product;
        }
        else if (product != n)
        {
            throw new CnnShapeException($"Unflatten: sizes ({string.Join(", ", Sizes)}) multiply to {product}, not to the size of dim {dim} ({n}) of input {input}.");
        }
        var dims = new List<long>();
        for (int i = 0; i < dim; i++) dims.Add(input[i]);
        dims.AddRange(sizes);
        for (int i = dim + 1; i < input.Rank; i++) dims.Add(input[i]);
        return new LayerResult(Shape.Own([.. dims]), 0, 0, []);
    }
}

/// <summary><c>Linear(in_features, out_features, bias=True)</c>: acts on the last dimension.</summary>
public sealed class Linear : Layer
{
    internal Linear(long inFeatures, long outFeatures, bool bias) : base("Linear")
    {
        if (inFeatures < 0 || outFeatures < 0) throw new CnnShapeException($"Linear: in_features ({inFeatures}) and out_features ({outFeatures}) cannot be negative.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Bias = bias;
    }

    /// <summary>Input features (the input's last dimension).</summary>
    public long InFeatures { get; }
    /// <summary>Output features.</summary>
    public long OutFeatures { get; }
    /// <summary>Whether there is a bias.</summary>
    public bool Bias { get; }

    /// <inheritdoc/>
    public override long Params => Checked.Add(Checked.Mul(InFeatures, OutFeatures, "the weight count"), Bias ? OutFeatures : 0, "the parameter count");

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        if (input.Rank == 0) throw new CnnShapeException("Linear: the input must be at least 1-D, but got a 0-D input.");
        if (input[input.Rank - 1] != InFeatures)
        {
            throw new CnnShapeException($"Linear: the input's last dimension ({input[input.Rank - 1]}, of {input}) must equal in_features ({InFeatures}) — mat1 and mat2 shapes cannot be multiplied.",
                mismatch: new Mismatch("in_features", InFeatures, input[input.Rank - 1], -1));
        }
        var output = input.With(input.Rank - 1, OutFeatures);
        long macs = Checked.Mul(output.Numel(), InFeatures, "the MAC count");
        return new LayerResult(output, Params, macs, [new AxisStep("features", $"{InFeatures} → {OutFeatures}")]);
    }

    internal override Geometry GeometryFor(Shape input, Shape output) => new GlobalGeometry();
}
