using CnnShape.Internal;

namespace CnnShape.Arithmetic;

/// <summary>The output-size formulas of sliding windows, each exactly as PyTorch's ATen computes it.</summary>
public static class WindowArithmetic
{
    /// <summary>The span of a dilated kernel: d·(k − 1) + 1.</summary>
    public static long EffectiveKernel(long kernel, long dilation) =>
        Checked.Add(Checked.Mul(dilation, kernel - 1, "the dilated kernel"), 1, "the dilated kernel");

    /// <summary>
    /// Convolution on an already padded length: out = ⌊(padded − d·(k − 1) − 1) / s⌋ + 1
    /// (ATen <c>conv_output_size</c>; the caller has checked padded ≥ d·(k − 1) + 1).
    /// </summary>
    public static long Convolution(long padded, long kernel, long stride, long dilation) =>
        Checked.FloorDiv(padded - EffectiveKernel(kernel, dilation), stride) + 1;

    /// <summary>
    /// Pooling (ATen <c>pooling_output_shape_pad_lr</c>):
    /// out = ⌊(in + padL + padR − d·(k − 1) − 1 + (ceil ? s − 1 : 0)) / s⌋ + 1, and in ceil mode a last window
    /// that would start in the right padding is dropped: if (out − 1)·s ≥ in + padL then out − 1.
    /// </summary>
    public static long Pooling(long input, long kernel, long padBefore, long padAfter, long stride, long dilation, bool ceilMode)
    {
        long numerator = Checked.Add(Checked.Add(input, padBefore, "the padded input"), padAfter, "the padded input")
                         - EffectiveKernel(kernel, dilation) + (ceilMode ? stride - 1 : 0);
        long output = Checked.FloorDiv(numerator, stride) + 1;
        if (ceilMode && LastWindowStartsInPadding(input, padBefore, stride, output)) output--;
        return output;
    }

    /// <summary>PyTorch's ceil-mode rule: the window of output <paramref name="output"/> − 1 starts at (out − 1)·s, which must lie before in + padL.</summary>
    public static bool LastWindowStartsInPadding(long input, long padBefore, long stride, long output) =>
        Checked.Mul(output - 1, stride, "the last window's start") >= input + padBefore;

    /// <summary>Transposed convolution (ATen <c>conv_transpose</c> shape): out = (in − 1)·s − 2p + d·(k − 1) + output_padding + 1.</summary>
    public static long Transposed(long input, long kernel, long stride, long padding, long dilation, long outputPadding)
    {
        long grown = Checked.Mul(input - 1, stride, "the transposed output");
        long result = Checked.Add(grown, -Checked.Mul(2, padding, "the transposed output"), "the transposed output");
        result = Checked.Add(result, Checked.Mul(dilation, kernel - 1, "the transposed output"), "the transposed output");
        return Checked.Add(result, outputPadding + 1, "the transposed output");
    }
}
