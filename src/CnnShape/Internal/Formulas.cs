using System.Globalization;

namespace CnnShape.Internal;

/// <summary>The arithmetic of each layer kind written out with the numbers substituted, the way a teacher writes it.</summary>
internal static class Formulas
{
    private static string N(long v) => v < 0 ? "(−" + (-v).ToString(CultureInfo.InvariantCulture) + ")" : v.ToString(CultureInfo.InvariantCulture);

    private static string Padding(long before, long after) => before == after ? $"2·{N(before)}" : $"{N(before)} + {N(after)}";

    /// <summary>⌊(in + 2·p − d·(k−1) − 1)/s⌋ + 1 = out</summary>
    public static string Convolution(long input, long before, long after, long dilation, long kernel, long stride, long output) =>
        $"⌊({N(input)} + {Padding(before, after)} − {N(dilation)}·({N(kernel)}−1) − 1)/{N(stride)}⌋ + 1 = {N(output)}";

    /// <summary>Pooling, with ceil mode and its last-window rule spelt out when it applies.</summary>
    public static string Pooling(long input, long padding, long dilation, long kernel, long stride, bool ceil, long output)
    {
        string body = $"({N(input)} + 2·{N(padding)} − {N(dilation)}·({N(kernel)}−1) − 1)/{N(stride)}";
        if (!ceil) return $"⌊{body}⌋ + 1 = {N(output)}";
        long unclipped = Rules.Window.PoolingUnclipped(input, kernel, padding, padding, stride, dilation, ceilMode: true);
        if (unclipped == output) return $"⌈{body}⌉ + 1 = {N(output)}";
        return $"⌈{body}⌉ + 1 = {N(unclipped)}, but the last window would start at ({N(unclipped)}−1)·{N(stride)} = {N((unclipped - 1) * stride)} ≥ {N(input)} + {N(padding)}, inside the right padding, so PyTorch drops it: {N(output)}";
    }

    /// <summary>(in−1)·s − 2·p + d·(k−1) + output_padding + 1 = out</summary>
    public static string Transposed(long input, long stride, long padding, long dilation, long kernel, long outputPadding, long output) =>
        $"({N(input)}−1)·{N(stride)} − 2·{N(padding)} + {N(dilation)}·({N(kernel)}−1) + {N(outputPadding)} + 1 = {N(output)}";

    /// <summary>⌊in·scale⌋ = out</summary>
    public static string Scale(long input, double scale, long output) =>
        $"⌊{N(input)}·{scale.ToString("R", CultureInfo.InvariantCulture)}⌋ = {N(output)}";

    /// <summary>in + before + after = out</summary>
    public static string Pad(long input, long before, long after, long output) =>
        $"{N(input)} + {N(before)} + {N(after)} = {N(output)}";

    /// <summary>An output size given directly (adaptive pooling, Upsample(size=…)).</summary>
    public static string Given(long input, long output, string how) => $"{N(input)} → {N(output)} ({how})";
}
