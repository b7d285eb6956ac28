using CnnShape.Internal;
using CnnShape.Shapes;

namespace CnnShape.Layers;

/// <summary>
/// A layer one of whose sizes the input decides: PyTorch's <c>LazyLinear</c> / <c>LazyConv2d</c> / <c>LazyBatchNorm2d</c> …
/// (in_features or in_channels or num_features taken from the first input), or any layer written with a <c>?</c> for
/// that size (<c>Linear(?, 120)</c>). On each input it builds the layer with the size that fits and applies it.
/// </summary>
public sealed class LazyLayer : Layer
{
    private readonly Func<Shape, long> _infer;
    private readonly Func<long, Layer> _make;
    private readonly Dictionary<long, Layer> _built = [];

    internal LazyLayer(string type, string parameter, Func<Shape, long> infer, Func<long, Layer> make) : base(type)
    {
        Parameter = parameter;
        _infer = infer;
        _make = make;
    }

    /// <summary>The size the input decides (<c>in_features</c>, <c>in_channels</c>, <c>num_features</c>, <c>num_channels</c>).</summary>
    public string Parameter { get; }

    /// <summary>The layer built for an input, and the size it took.</summary>
    public (Layer Layer, long Value) For(Shape input)
    {
        long value = _infer(input);
        lock (_built)
        {
            if (!_built.TryGetValue(value, out var layer)) _built[value] = layer = _make(value);
            return (layer, value);
        }
    }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        var (layer, value) = For(input);
        return layer.Apply(input) with { Inferred = (Parameter, value) };
    }

    /// <inheritdoc/>
    public override LayerResult ApplyInEval(Shape input)
    {
        var (layer, value) = For(input);
        return layer.ApplyInEval(input) with { Inferred = (Parameter, value) };
    }

    internal override Geometry? GeometryFor(Shape input, Shape output) => For(input).Layer.GeometryFor(input, output);

    /// <summary>in_features: the input's last dimension (<c>LazyLinear</c>).</summary>
    internal static long LastDim(Shape input, string type) =>
        input.Rank >= 1 ? input[input.Rank - 1] : throw new CnnShapeException($"{type}: a 0-d input has no last dimension to take in_features from.");

    /// <summary>in_channels of an n-d convolution: dim 1 of a batched input, dim 0 of an unbatched one.</summary>
    internal static long Channels(Shape input, int spatial, string type) => input.Rank == spatial + 2 ? input[1]
        : input.Rank == spatial + 1 ? input[0]
        : throw new CnnShapeException($"{type}: expected a {spatial + 1}-D (unbatched) or {spatial + 2}-D (batched) input, but got input of size {input}.");

    /// <summary>num_features of a batch norm: dim 1.</summary>
    internal static long DimOne(Shape input, string type) =>
        input.Rank >= 2 ? input[1] : throw new CnnShapeException($"{type}: expected at least a 2-D input to take num_features from, got {input}.");

    /// <summary>num_features of an n-d instance norm: the dimension before the n spatial ones.</summary>
    internal static long BeforeSpatial(Shape input, int spatial, string type) =>
        input.Rank >= spatial + 1 ? input[input.Rank - spatial - 1] : throw new CnnShapeException($"{type}: expected a {spatial + 1}-D or {spatial + 2}-D input, got {input}.");

    /// <summary>A size the input decides must be positive to build a layer with it.</summary>
    internal static long Checked(long value, string type, string parameter) => value;

    /// <summary>Overflow-checked product for sizes (kept here for the lazy builders' messages).</summary>
    internal static long Product(long a, long b) => Internal.Checked.Mul(a, b, "a size");
}
