using CnnShape.Internal;
using CnnShape.Rules;

namespace CnnShape.Solvers;

/// <summary>The padding that makes a window (convolution or pooling) turn <c>input</c> into exactly <c>output</c>.</summary>
/// <param name="Symmetric">The smallest P with P on both sides that gives the output, or null when no even total fits.</param>
/// <param name="Before">Padding before, from the smallest total (⌊T/2⌋, or ⌈T/2⌉ in the ONNX SAME_LOWER convention).</param>
/// <param name="After">Padding after: T − before.</param>
/// <param name="SmallestTotal">The smallest total padding T that gives the output.</param>
/// <param name="LargestTotal">The largest total that still gives it: T + s − 1 (the floor absorbs the rest).</param>
/// <param name="Span">The window's span d·(k − 1) + 1.</param>
/// <param name="LowerBound">(M − 1)·s + span − in: the smallest total the formula allows, before clamping at 0.</param>
public sealed record PaddingAnswer(long? Symmetric, long Before, long After, long SmallestTotal, long LargestTotal, long Span, long LowerBound);

/// <summary>The padding and output_padding that make a transposed convolution give exactly <c>output</c>.</summary>
/// <param name="Padding">The smallest padding P ≥ 0 that works.</param>
/// <param name="OutputPadding">The output_padding it needs (0 ≤ OP &lt; max(stride, dilation)).</param>
public sealed record TransposedPaddingAnswer(long Padding, long OutputPadding);

/// <summary>Which side gets the odd extra when the smallest total padding is odd.</summary>
public enum SplitConvention
{
    /// <summary>PyTorch's 'same': the extra goes after (as does F.pad written (T div 2, T − T div 2)).</summary>
    PyTorch,
    /// <summary>TensorFlow/Keras 'same': the extra goes after (bottom/right).</summary>
    TensorFlow,
    /// <summary>ONNX auto_pad SAME_UPPER: the extra goes at the end.</summary>
    OnnxUpper,
    /// <summary>ONNX auto_pad SAME_LOWER: the extra goes at the beginning.</summary>
    OnnxLower,
}

/// <summary>
/// Solves padding exactly. For a window of span E = d·(k − 1) + 1 and stride s, total padding T gives
/// out = ⌊(in + T − E)/s⌋ + 1, so out = M exactly when (M − 1)·s + E − in ≤ T ≤ (M − 1)·s + E − in + s − 1.
/// </summary>
public static class PaddingSolver
{
    /// <summary>Padding for a convolution or pooling window; refuses (with the reachable outputs) when none gives the output.</summary>
    public static PaddingAnswer Window(long input, long output, long kernel, long stride = 1, long dilation = 1, SplitConvention convention = SplitConvention.PyTorch)
    {
        Validate(input, output, kernel, stride, dilation);
        long span = Rules.Window.Span(kernel, dilation);
        long low = Checked.Add(Checked.Add(Checked.Mul(output - 1, stride, "the padding"), span, "the padding"), -input, "the padding");
        long high = Checked.Add(low, stride - 1, "the padding");
        if (high < 0)
        {
            long smallest = input >= span ? (input - span) / stride + 1 : 1;
            throw new CnnShapeException(
                $"no non-negative padding gives output {output} from input {input} with kernel {kernel}, stride {stride}, dilation {dilation}: " +
                $"padding only makes the output larger, and with no padding it is already {smallest} " +
                $"(⌊({input} − {span})/{stride}⌋ + 1). The reachable outputs are {smallest}, {smallest + 1}, {smallest + 2}, …; " +
                $"to get {output}, raise the stride or the kernel, or crop the input.");
        }
        long total = Math.Max(0, low);
        long? symmetric = null;
        long half = (total + 1) / 2;
        if (2 * half <= high) symmetric = half;
        long before = convention == SplitConvention.OnnxLower ? (total + 1) / 2 : total / 2;
        return new PaddingAnswer(symmetric, before, total - before, total, high, span, low);
    }

    /// <summary>
    /// Padding for a transposed convolution: out = (in − 1)·s − 2P + E + OP, so for base = (in − 1)·s + E − M,
    /// P = max(0, ⌈base/2⌉) and OP = 2P − base, which must stay below max(s, d) (PyTorch's output_padding rule).
    /// </summary>
    public static TransposedPaddingAnswer Transposed(long input, long output, long kernel, long stride = 1, long dilation = 1)
    {
        Validate(input, output, kernel, stride, dilation);
        long span = Rules.Window.Span(kernel, dilation);
        long top = Checked.Add(Checked.Mul(input - 1, stride, "the transposed output"), span, "the transposed output");
        long baseValue = top - output;
        long padding = baseValue <= 0 ? 0 : (baseValue + 1) / 2;
        long outputPadding = 2 * padding - baseValue;
        long limit = Math.Max(stride, dilation);
        if (outputPadding >= limit)
        {
            string reachable = limit >= 2
                ? $"every output from 1 to {top + limit - 1} ((in − 1)·s + d·(k − 1) + 1 + max(s, d) − 1)"
                : $"{top}, {top - 2}, {top - 4}, … down to 1 (stride and dilation 1: output_padding must be 0, and each unit of padding removes 2)";
            throw new CnnShapeException(
                $"no padding ≥ 0 with output_padding < max(stride, dilation) = {limit} gives output {output} from input {input} with kernel {kernel}, stride {stride}, dilation {dilation}: " +
                $"it would need output_padding {outputPadding}. The reachable outputs are {reachable}.");
        }
        return new TransposedPaddingAnswer(padding, outputPadding);
    }

    private static void Validate(long input, long output, long kernel, long stride, long dilation)
    {
        if (input < 1) throw new CnnShapeException($"the input size must be at least 1, got {input}.");
        if (output < 1) throw new CnnShapeException($"the output size must be at least 1, got {output}.");
        if (kernel < 1) throw new CnnShapeException($"the kernel size must be at least 1, got {kernel}.");
        if (stride < 1) throw new CnnShapeException($"the stride must be at least 1, got {stride}.");
        if (dilation < 1) throw new CnnShapeException($"the dilation must be at least 1, got {dilation}.");
    }
}
