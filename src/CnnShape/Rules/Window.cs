using CnnShape.Internal;
using CnnShape.Symbolic;

namespace CnnShape.Rules;

/// <summary>Which padding limit a pooling window obeys (PyTorch checks it differently per operator).</summary>
public enum PoolLimit
{
    /// <summary>Padding at most half of the plain kernel: AvgPool, LPPool, MaxPool1d and MaxPool3d (<c>kernel / 2</c>).</summary>
    HalfKernel,
    /// <summary>Padding at most half of the dilated kernel: MaxPool2d in current PyTorch (<c>(d·(k − 1) + 1) / 2</c>).</summary>
    HalfDilatedKernel,
    /// <summary>No limit (ONNX pools).</summary>
    None,
}

/// <summary>
/// The arithmetic of sliding windows — convolution, pooling, transposed convolution — each formula once, as ATen (or ONNX)
/// computes it. Layers, the ONNX operators, the solvers, the size solver and the formula text all call these.
/// </summary>
public static class Window
{
    /// <summary>The span of a dilated kernel: <c>d·(k − 1) + 1</c>.</summary>
    public static long Span(long kernel, long dilation) =>
        Checked.Add(Checked.Mul(dilation, kernel - 1, "the dilated kernel"), 1, "the dilated kernel");

    /// <summary>The padded length <c>in + padL + padR</c>.</summary>
    public static long Padded(long input, long padBefore, long padAfter) =>
        Checked.Add(Checked.Add(input, padBefore, "the padded input"), padAfter, "the padded input");

    /// <summary>
    /// Convolution (ATen <c>conv_output_size</c>, ConvUtils.h): <c>out = ⌊(in + padL + padR − d·(k − 1) − 1) / s⌋ + 1</c>.
    /// PyTorch refuses a padded input shorter than the span before computing it (see <see cref="Fits"/>).
    /// </summary>
    public static long ConvolutionOutput(long input, long padBefore, long padAfter, long kernel, long stride, long dilation) =>
        ConvolutionOutput((Dim)input, padBefore, padAfter, kernel, stride, dilation).Value;

    /// <summary>The convolution size of a symbolic (or known) input: the same formula in exact integer expressions.</summary>
    public static Dim ConvolutionOutput(Dim input, long padBefore, long padAfter, long kernel, long stride, long dilation) =>
        Dim.FloorDiv(input + padBefore + padAfter - Span(kernel, dilation), stride) + 1;

    /// <summary>Whether the window fits in the padded input at least once: <c>in + padL + padR ≥ d·(k − 1) + 1</c>.</summary>
    public static bool Fits(long input, long padBefore, long padAfter, long kernel, long dilation) =>
        Padded(input, padBefore, padAfter) >= Span(kernel, dilation);

    /// <summary>
    /// Pooling (ATen <c>pooling_output_shape_pad_lr</c>, Pool.h):
    /// <c>out = ⌊(in + padL + padR − d·(k − 1) − 1 + (ceil ? s − 1 : 0)) / s⌋ + 1</c>, and in ceil mode a last window that
    /// would start inside the right padding is dropped: if <c>(out − 1)·s ≥ in + padL</c> then <c>out − 1</c>.
    /// ONNX MaxPool/AveragePool with <c>ceil_mode=1</c> follow the same rule (onnx shape inference, ORT).
    /// </summary>
    public static long PoolingOutput(long input, long kernel, long padBefore, long padAfter, long stride, long dilation, bool ceilMode)
    {
        long output = PoolingUnclipped(input, kernel, padBefore, padAfter, stride, dilation, ceilMode);
        if (ceilMode && LastWindowStartsInPadding(input, padBefore, stride, output)) output--;
        return output;
    }

    /// <summary>
    /// The pooling size of a symbolic input. In ceil mode the drop is <c>min(out, ⌈(in + padL)/s⌉)</c>: the last window
    /// must start before <c>in + padL</c>, and with <c>padR ≤ span</c> at most one window is ever dropped, so the two forms
    /// agree; beyond that the size cannot be formed and is unknown.
    /// </summary>
    public static Dim PoolingOutput(Dim input, long kernel, long padBefore, long padAfter, long stride, long dilation, bool ceilMode)
    {
        if (input.IsKnown) return PoolingOutput(input.Value, kernel, padBefore, padAfter, stride, dilation, ceilMode);
        var output = Dim.FloorDiv(input + padBefore + padAfter - Span(kernel, dilation) + (ceilMode ? stride - 1 : 0), stride) + 1;
        if (!ceilMode) return output;
        if (padAfter > Span(kernel, dilation)) return Dim.Unknown();
        return Dim.Min(output, Dim.CeilDiv(input + padBefore, stride));
    }

    /// <summary>
    /// ONNX's pooling size as ONNX Runtime and onnx's shape inference compute it: the floor rule, except that the division
    /// is C++'s, truncating toward zero, so a window up to a stride larger than the padded input still gives one output
    /// (MaxPool k=2, s=2 on a 1-pixel input gives 1, where PyTorch refuses). Symbolic sizes keep the floor form, which
    /// agrees wherever the window fits.
    /// </summary>
    public static Dim OnnxPoolingOutput(Dim input, long kernel, long padBefore, long padAfter, long stride, long dilation, bool ceilMode)
    {
        if (!input.IsKnown || ceilMode) return PoolingOutput(input, kernel, padBefore, padAfter, stride, dilation, ceilMode);
        long numerator = Padded(input.Value, padBefore, padAfter) - Span(kernel, dilation);
        return numerator / stride + 1;
    }

    /// <summary>The pooling size before the ceil-mode drop: <c>⌊(in + padL + padR − span + (ceil ? s − 1 : 0)) / s⌋ + 1</c>.</summary>
    public static long PoolingUnclipped(long input, long kernel, long padBefore, long padAfter, long stride, long dilation, bool ceilMode) =>
        Checked.FloorDiv(Padded(input, padBefore, padAfter) - Span(kernel, dilation) + (ceilMode ? stride - 1 : 0), stride) + 1;

    /// <summary>PyTorch's ceil-mode rule: the window of output <c>out − 1</c> starts at <c>(out − 1)·s</c>, which must lie before <c>in + padL</c>.</summary>
    public static bool LastWindowStartsInPadding(long input, long padBefore, long stride, long output) =>
        Checked.Mul(output - 1, stride, "the last window's start") >= input + padBefore;

    /// <summary>
    /// The largest padding PyTorch accepts for a pooling window. Current ATen checks <c>pad ≤ (d·(k − 1) + 1) / 2</c> in
    /// <c>pooling_output_shape</c> and <c>pool2d_shape_check</c> (MaxPool2d); <c>max_pool1d</c> and <c>pool3d_shape_check</c>
    /// (and the average pools, which have no dilation) check <c>pad ≤ k / 2</c>. PyTorch 1.13 used <c>k / 2</c> everywhere.
    /// </summary>
    public static long PoolPaddingLimit(PoolLimit limit, long kernel, long dilation) => limit switch
    {
        PoolLimit.HalfDilatedKernel => Span(kernel, dilation) / 2,
        PoolLimit.HalfKernel => kernel / 2,
        _ => long.MaxValue,
    };

    /// <summary>
    /// Transposed convolution (ATen <c>conv_transpose</c> output size; ONNX ConvTranspose with explicit pads):
    /// <c>out = (in − 1)·s − padL − padR + d·(k − 1) + output_padding + 1</c> (PyTorch pads both sides by <c>padding</c>).
    /// </summary>
    public static long TransposedOutput(long input, long kernel, long stride, long padBefore, long padAfter, long dilation, long outputPadding) =>
        TransposedOutput((Dim)input, kernel, stride, padBefore, padAfter, dilation, outputPadding).Value;

    /// <summary>The transposed size of a symbolic (or known) input, the same formula.</summary>
    public static Dim TransposedOutput(Dim input, long kernel, long stride, long padBefore, long padAfter, long dilation, long outputPadding) =>
        (input - 1) * stride - padBefore - padAfter + Checked.Mul(dilation, kernel - 1, "the transposed output") + outputPadding + 1;

    /// <summary>PyTorch's output_padding rule (<c>slow_conv_transpose</c> shape check): it must be smaller than either the stride or the dilation.</summary>
    public static bool OutputPaddingAllowed(long outputPadding, long stride, long dilation) =>
        outputPadding < stride || outputPadding < dilation;

    /// <summary>
    /// PyTorch's <c>padding='same'</c> (<c>_conv_forward</c> / <c>convolution</c> 'same' mode): the total <c>d·(k − 1)</c> is
    /// split <c>⌊total / 2⌋</c> before and the rest (the extra one, for an even span) after.
    /// </summary>
    public static (long Before, long After) SameSplit(long kernel, long dilation)
    {
        long total = Checked.Mul(dilation, kernel - 1, "the 'same' padding");
        return (total / 2, total - total / 2);
    }

    /// <summary>
    /// ONNX <c>auto_pad=SAME_UPPER|SAME_LOWER</c> for Conv and the pools: the output is <c>⌈in / s⌉</c>, so the total padding is
    /// <c>max(0, (⌈in / s⌉ − 1)·s + d·(k − 1) + 1 − in)</c>; SAME_UPPER puts the odd extra at the end, SAME_LOWER at the beginning.
    /// </summary>
    public static (long Before, long After) AutoPadSplit(long input, long kernel, long stride, long dilation, bool upper)
    {
        long output = Checked.FloorDiv(input + stride - 1, stride);
        long total = Math.Max(0, Checked.Add(Checked.Mul(output - 1, stride, "the SAME padding"), Span(kernel, dilation), "the SAME padding") - input);
        long small = total / 2;
        return upper ? (small, total - small) : (total - small, small);
    }

    /// <summary>The ONNX SAME output size <c>⌈in / s⌉</c> (what auto_pad SAME pads to, for any input).</summary>
    public static Dim AutoPadOutput(Dim input, long stride) => Dim.CeilDiv(input, stride);
}
