using CnnShape.Shapes;

namespace CnnShape.Layers;

/// <summary>A layer as PyTorch builds it: constructed once (constructor checks done), then applied to input shapes.</summary>
public abstract class Layer
{
    /// <summary>Creates a layer of the given PyTorch class name.</summary>
    private protected Layer(string type) => Type = type;

    /// <summary>PyTorch's class name, e.g. <c>Conv2d</c>.</summary>
    public string Type { get; }

    /// <summary>The output shape for one input shape, or a <see cref="CnnShapeException"/> where PyTorch refuses.</summary>
    public abstract LayerResult Apply(Shape input);

    /// <summary>The output in evaluation mode (<c>model.eval()</c>); only batch statistics make it differ from <see cref="Apply(Shape)"/>.</summary>
    public virtual LayerResult ApplyInEval(Shape input) => Apply(input);

    /// <summary>Learnable parameters (weights and biases; running statistics are buffers, not counted).</summary>
    public virtual long Params => 0;

    /// <summary>The per-axis sliding-window geometry for receptive fields; <c>null</c> when the layer keeps positions.</summary>
    internal virtual Geometry? GeometryFor(Shape input, Shape output) => null;
}

/// <summary>The answer for one layer on one input: output shape, parameter count, MACs and the arithmetic per spatial axis.</summary>
/// <param name="Output">The output shape (first output, for layers that return several).</param>
/// <param name="Params">Learnable parameters.</param>
/// <param name="Macs">Multiply–accumulate operations for the whole input (batch included).</param>
/// <param name="Steps">The formula per spatial axis with the numbers substituted.</param>
public sealed record LayerResult(Shape Output, long Params, long Macs, IReadOnlyList<AxisStep> Steps)
{
    /// <summary>For a lazy layer (or a <c>?</c>): the size the input decided, e.g. (in_features, 400).</summary>
    public (string Parameter, long Value)? Inferred { get; init; }
}

/// <summary>One spatial axis's arithmetic, as a teacher writes it: <c>⌊(32 + 2·1 − 1·(3−1) − 1)/1⌋ + 1 = 32</c>.</summary>
/// <remarks>The text is formatted only when read, so a batch that wants only shapes never pays for it.</remarks>
public sealed class AxisStep
{
    private readonly Func<string>? _format;
    private string? _formula;

    /// <summary>A step with its formula already written.</summary>
    public AxisStep(string axis, string formula)
    {
        Axis = axis;
        _formula = formula;
    }

    /// <summary>A step whose formula is written when first read.</summary>
    internal AxisStep(string axis, Func<string> format)
    {
        Axis = axis;
        _format = format;
    }

    /// <summary>The axis name (L; H, W; D, H, W) or a dimension index.</summary>
    public string Axis { get; }

    /// <summary>The formula with the numbers in it, ending in <c>= result</c>.</summary>
    public string Formula => _formula ??= _format!();
}

/// <summary>How a layer maps input positions to output positions, per spatial axis, for receptive fields.</summary>
internal abstract record Geometry;

/// <summary>A sliding window per axis: output unit i reads inputs [i·stride − padBefore, … + dilation·(kernel−1)].</summary>
internal sealed record WindowGeometry(long[] Kernel, long[] Stride, long[] PadBefore, long[] Dilation) : Geometry;

/// <summary>A transposed window per axis (a convolution run backwards).</summary>
internal sealed record TransposedGeometry(long[] Kernel, long[] Stride, long[] Padding, long[] Dilation) : Geometry;

/// <summary>Output unit i of each axis reads input positions by a sampling rule (upsampling, PixelShuffle, adaptive pooling).</summary>
/// <remarks><c>Scales</c>: the scale factor per axis when the layer was given one (PyTorch then samples with 1/scale_factor).</remarks>
internal sealed record ResampleGeometry(long[] InSize, long[] OutSize, ReceptiveFields.Sampling Rule, double[]? Scales = null) : Geometry;

/// <summary>The layer mixes every position of every axis (global pooling to 1, flatten then linear).</summary>
internal sealed record GlobalGeometry : Geometry;
