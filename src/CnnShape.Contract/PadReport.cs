using System.Globalization;
using System.Text;
using CnnShape.Solvers;

namespace CnnShape.Contract;

/// <summary>The padding answers in words, with the arithmetic: what <c>cnnshape pad</c> prints and the page's Padding tab shows.</summary>
public static class PadReport
{
    /// <summary>A window (convolution or pooling) padding answer, worked: the span, the condition, the totals, the splits and how each framework writes them.</summary>
    public static string Window(long n, long m, long k, long s, long d, PaddingAnswer a, SplitConvention split, int spatial = 2)
    {
        long span = a.Span, low = a.LowerBound;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"window k={k}, s={s}, d={d}: input {n} → output {m}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  span          d·(k−1) + 1 = {d}·({k}−1) + 1 = {span}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  condition     ⌊({n} + T − {span})/{s}⌋ + 1 = {m}  ⇔  {low} ≤ T ≤ {a.LargestTotal}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  total         smallest T = {a.SmallestTotal}");
        sb.Append(s > 1 ? $"; every total from {a.SmallestTotal} to {a.LargestTotal} gives {m} (the floor absorbs up to s − 1 = {s - 1})\n" : "\n");
        if (a.Symmetric is long sym)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  symmetric     padding={sym} (total {2 * sym})\n");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"  symmetric     none: no even total lies in [{low}, {a.LargestTotal}]\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"  asymmetric    before {a.Before}, after {a.After} ({SplitName(split)})\n");
        // PyTorch's own padding='same' pads exactly this for stride 1 (the odd extra after), for any kernel and dilation
        if (s == 1 && m == n) sb.Append(CultureInfo.InvariantCulture, $"  PyTorch       nn.Conv{spatial}d(C_in, C_out, {k}{(d > 1 ? $", dilation={d}" : "")}, padding='same') does exactly this (stride 1 only)\n");
        if (a.Before != a.After)
        {
            // the pad layer of the user's dimensionality; F.pad lists the last axis first, each as (before, after)
            string pair = $"{a.Before}, {a.After}";
            string all = string.Join(", ", Enumerable.Repeat(pair, spatial));
            sb.Append(CultureInfo.InvariantCulture, $"    PyTorch     nn.ZeroPad{spatial}d(({all})) or F.pad(x, ({all})) before the layer, then padding=0 (every axis padded alike; each pair is (before, after), the last axis first)\n");
            sb.Append(CultureInfo.InvariantCulture, $"    ONNX        pads=[{a.Before}, {a.After}] (begin, end){(a.Before < a.After ? ", the split auto_pad=SAME_UPPER makes" : ", the split auto_pad=SAME_LOWER makes")}\n");
            sb.Append("    TensorFlow  'same' puts the extra after (bottom/right)");
            long tfOut = (n + s - 1) / s;
            sb.Append(tfOut == m ? $"; padding='same' gives exactly ⌈{n}/{s}⌉ = {m} here\n" : $"; padding='same' would give ⌈{n}/{s}⌉ = {tfOut}, not {m}\n");
        }
        // the blog formula p = ((out − 1)·s + d·(k − 1) + 1 − in)/2: said only where it misleads
        double textbook = low / 2.0;
        bool agrees = a.Symmetric is long p && p == textbook;
        if (!agrees)
        {
            string why = low < 0 ? "it is negative here: the floor already reaches the output with less padding"
                : low % 2 != 0 ? "it is not a whole number here: the total is odd, so no symmetric padding meets it exactly"
                : $"but padding={a.Symmetric} is the smallest that gives {m}";
            sb.Append(CultureInfo.InvariantCulture, $"  note          the usual p = ((out − 1)·s + d·(k − 1) + 1 − in)/2 = {textbook.ToString(CultureInfo.InvariantCulture)}; {why}\n");
        }
        return sb.ToString();
    }

    private static string SplitName(SplitConvention split) => split switch
    {
        SplitConvention.OnnxLower => "ONNX SAME_LOWER: the odd extra goes before",
        SplitConvention.OnnxUpper => "ONNX SAME_UPPER: the odd extra goes after",
        SplitConvention.TensorFlow => "TensorFlow 'same': the odd extra goes after",
        _ => "PyTorch: the odd extra goes after, as padding='same' does",
    };

    /// <summary>A transposed convolution's padding and output_padding, worked.</summary>
    public static string Transposed(long n, long m, long k, long s, long d, TransposedPaddingAnswer a)
    {
        long span = d * (k - 1) + 1;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"transposed k={k}, s={s}, d={d}: input {n} → output {m}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  formula       ({n}−1)·{s} − 2·P + {d}·({k}−1) + OP + 1 = {m}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  answer        padding={a.Padding}, output_padding={a.OutputPadding}   ({n - 1}·{s} − {2 * a.Padding} + {span - 1} + {a.OutputPadding} + 1 = {m})\n");
        sb.Append(CultureInfo.InvariantCulture, $"  rule          PyTorch needs output_padding < max(stride, dilation) = {Math.Max(s, d)}\n");
        if (m < n)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  note          a transposed convolution grows its input (about ×{s}); shrinking {n} to {m} takes padding {a.Padding}, which crops the output — a plain convolution or a pool is the usual way to shrink (cnnshape pad without --transposed)\n");
        }
        return sb.ToString();
    }
}
