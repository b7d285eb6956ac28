using CnnShape.Shapes;

namespace CnnShape.Layers;

/// <summary>
/// A layer that keeps the shape: activations, dropout, Identity, Softmax… Some still check the input
/// (a Softmax dim in range, PReLU's channel count, Dropout1d's rank) as PyTorch does.
/// </summary>
public sealed class Elementwise : Layer
{
    private readonly Action<Shape>? _check;
    private readonly bool _trainingOnly;

    internal Elementwise(string type, long parameters = 0, Action<Shape>? check = null, bool trainingOnly = false) : base(type)
    {
        Params = parameters;
        _check = check;
        _trainingOnly = trainingOnly;
    }

    /// <inheritdoc/>
    public override long Params { get; }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        _check?.Invoke(input);
        return new LayerResult(input, Params, 0, []);
    }

    /// <inheritdoc/>
    public override LayerResult ApplyInEval(Shape input) => _trainingOnly ? new LayerResult(input, Params, 0, []) : Apply(input);
}

/// <summary><c>GLU(dim=-1)</c>: splits a dimension in two halves and gates one with the other, halving it.</summary>
public sealed class Glu : Layer
{
    internal Glu(long dim) : base("GLU") => Dim = dim;

    /// <summary>The dimension halved.</summary>
    public long Dim { get; }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        if (input.Rank == 0) throw new CnnShapeException("GLU: glu does not support 0-d inputs, because the halved size must be even.");
        int dim = Dims.Wrap(Dim, input.Rank, Type, "dim");
        if (input[dim] % 2 != 0) throw new CnnShapeException($"GLU: the halved dimension must be even, but dimension {dim} of {input} has size {input[dim]}.");
        return new LayerResult(input.With(dim, input[dim] / 2), 0, 0, [new AxisStep($"dim {dim}", $"{input[dim]} / 2 = {input[dim] / 2}")]);
    }
}
