namespace CnnShape.Rules;

/// <summary>How <c>F.pad</c> fills a border — also how a convolution with a <c>padding_mode</c> other than zeros pads first.</summary>
public enum BorderMode
{
    /// <summary>A constant value (zeros): ZeroPad, ConstantPad, a convolution's implicit padding, ONNX <c>constant</c>.</summary>
    Constant,
    /// <summary>Mirror without repeating the edge (ReflectionPad, <c>padding_mode='reflect'</c>, ONNX <c>reflect</c>).</summary>
    Reflect,
    /// <summary>Repeat the edge value (ReplicationPad, <c>padding_mode='replicate'</c>, ONNX <c>edge</c>).</summary>
    Replicate,
    /// <summary>Wrap around (CircularPad, <c>padding_mode='circular'</c>, ONNX <c>wrap</c>).</summary>
    Circular,
}

/// <summary>The limits of <c>F.pad</c>'s non-constant modes on one axis, as ATen's padding kernels check them.</summary>
public static class Borders
{
    /// <summary>The mode as PyTorch spells it (<c>reflect</c>, <c>replicate</c>, <c>circular</c>, <c>constant</c>).</summary>
    public static string Word(BorderMode mode) => mode switch
    {
        BorderMode.Reflect => "reflect",
        BorderMode.Replicate => "replicate",
        BorderMode.Circular => "circular",
        _ => "constant",
    };

    /// <summary>
    /// Whether padding (<paramref name="before"/>, <paramref name="after"/>) is allowed on an axis of <paramref name="size"/>:
    /// reflection needs each side below the size (<c>ReflectionPad.cpp</c>: "Padding size should be less than the
    /// corresponding input dimension"), circular at most the size (<c>_pad_circular</c>: it may wrap only once),
    /// replicate and reflect a non-empty axis. Returns the broken rule, or null.
    /// </summary>
    public static string? Violation(BorderMode mode, long before, long after, long size) => mode switch
    {
        BorderMode.Reflect when size == 0 => $"reflect padding needs a non-empty axis, but the size is 0",
        BorderMode.Replicate when size == 0 => $"replicate padding needs a non-empty axis, but the size is 0",
        BorderMode.Reflect when before >= size || after >= size =>
            $"reflect padding must be less than the input size on each side, but the size is {size} and the padding ({before}, {after})",
        BorderMode.Circular when before > size || after > size =>
            $"circular padding ({before}, {after}) wraps around more than once on an axis of size {size}",
        _ => null,
    };
}
