using CnnShape.Internal;
using CnnShape.Rules;

namespace CnnShape.Solvers;

/// <summary>What kind of layer a configuration is for.</summary>
public enum WindowKind
{
    /// <summary>A convolution (any padding up to the bound).</summary>
    Convolution,
    /// <summary>Max pooling (PyTorch: padding at most half of the kernel, dilation allowed).</summary>
    MaxPool,
    /// <summary>Average pooling (padding at most half of the kernel, no dilation).</summary>
    AvgPool,
    /// <summary>A transposed convolution (with output_padding below max(stride, dilation)).</summary>
    Transposed,
}

/// <summary>One configuration that gives the target.</summary>
/// <param name="Kind">Layer kind.</param>
/// <param name="Kernel">Kernel size.</param>
/// <param name="Stride">Stride.</param>
/// <param name="Padding">Symmetric padding.</param>
/// <param name="Dilation">Dilation.</param>
/// <param name="OutputPadding">output_padding (transposed only).</param>
public sealed record Configuration(WindowKind Kind, long Kernel, long Stride, long Padding, long Dilation, long OutputPadding)
{
    /// <summary>The layer written as PyTorch code (channels left as C).</summary>
    public string Code() => Kind switch
    {
        WindowKind.Convolution => $"nn.Conv2d(C, C, {Kernel}{Opt("stride", Stride, 1)}{Opt("padding", Padding, 0)}{Opt("dilation", Dilation, 1)})",
        WindowKind.MaxPool => $"nn.MaxPool2d({Kernel}{(Stride == Kernel ? "" : $", stride={Stride}")}{Opt("padding", Padding, 0)}{Opt("dilation", Dilation, 1)})",
        WindowKind.AvgPool => $"nn.AvgPool2d({Kernel}{(Stride == Kernel ? "" : $", stride={Stride}")}{Opt("padding", Padding, 0)})",
        _ => $"nn.ConvTranspose2d(C, C, {Kernel}{Opt("stride", Stride, 1)}{Opt("padding", Padding, 0)}{Opt("output_padding", OutputPadding, 0)}{Opt("dilation", Dilation, 1)})",
    };

    private static string Opt(string name, long value, long fallback) => value == fallback ? "" : $", {name}={value}";
}

/// <summary>Bounds of the search (inclusive).</summary>
/// <param name="MaxKernel">Largest kernel.</param>
/// <param name="MaxStride">Largest stride.</param>
/// <param name="MaxPadding">Largest padding.</param>
/// <param name="MaxDilation">Largest dilation.</param>
public sealed record SearchBounds(long MaxKernel, long MaxStride, long MaxPadding, long MaxDilation);

/// <summary>The solutions, simplest first, and how many candidates were tried.</summary>
/// <param name="Solutions">Every configuration that gives the target, simplest first.</param>
/// <param name="Candidates">How many candidates were checked.</param>
public sealed record SolveAnswer(IReadOnlyList<Configuration> Solutions, long Candidates);

/// <summary>
/// Enumerates every (kernel, stride, padding, dilation[, output_padding]) within bounds that turns the input size into the
/// target with PyTorch's formulas and limits, ranked simplest first: no dilation, small kernel, small padding, small stride.
/// </summary>
public static class ConfigurationSolver
{
    /// <summary>The most candidates one search may check.</summary>
    public const long MaxCandidates = 5_000_000_000;

    /// <summary>How many candidates a search would check.</summary>
    public static long CandidateCount(IReadOnlyCollection<WindowKind> kinds, SearchBounds b)
    {
        long total = 0;
        foreach (var kind in kinds)
        {
            long d = kind is WindowKind.AvgPool ? 1 : b.MaxDilation;
            long per = Checked.Mul(Checked.Mul(Checked.Mul(b.MaxKernel, b.MaxStride, "the search space"), b.MaxPadding + 1, "the search space"), d, "the search space");
            if (kind == WindowKind.Transposed) per = Checked.Mul(per, Math.Max(b.MaxStride, b.MaxDilation), "the search space");
            total = Checked.Add(total, per, "the search space");
        }
        return total;
    }

    /// <summary>Runs the search; <paramref name="progress"/> receives the fraction done now and then.</summary>
    public static SolveAnswer Solve(long input, long output, IReadOnlyCollection<WindowKind> kinds, SearchBounds b, Action<double>? progress = null)
    {
        if (input < 1 || output < 1) throw new CnnShapeException($"the input and output sizes must be at least 1, got {input} and {output}.");
        if (b.MaxKernel < 1 || b.MaxStride < 1 || b.MaxDilation < 1 || b.MaxPadding < 0) throw new CnnShapeException("the bounds must be at least 1 (kernel, stride, dilation) and 0 (padding).");
        long total = CandidateCount(kinds, b);
        if (total > MaxCandidates) throw new CnnShapeException($"the search space holds {total:N0} candidates, more than the {MaxCandidates:N0} cnnshape enumerates; lower the largest kernel, stride, padding or dilation.");
        var solutions = new List<Configuration>();
        long tried = 0;
        foreach (var kind in kinds)
        {
            long maxD = kind is WindowKind.AvgPool ? 1 : b.MaxDilation;
            for (long k = 1; k <= b.MaxKernel; k++)
            {
                for (long d = 1; d <= maxD; d++)
                {
                    for (long s = 1; s <= b.MaxStride; s++)
                    {
                        for (long p = 0; p <= b.MaxPadding; p++)
                        {
                            if (kind == WindowKind.Transposed)
                            {
                                long op = 0;
                                for (; Window.OutputPaddingAllowed(op, s, d); op++)
                                {
                                    tried++;
                                    if (Window.TransposedOutput(input, k, s, p, p, d, op) == output) solutions.Add(new Configuration(kind, k, s, p, d, op));
                                }
                                tried += Math.Max(b.MaxStride, b.MaxDilation) - op;
                                continue;
                            }
                            tried++;
                            // PyTorch's pooling padding limits (the printed layers are MaxPool2d and AvgPool2d)
                            if (kind == WindowKind.MaxPool && p > Window.PoolPaddingLimit(PoolLimit.HalfDilatedKernel, k, d)) continue;
                            if (kind == WindowKind.AvgPool && p > Window.PoolPaddingLimit(PoolLimit.HalfKernel, k, d)) continue;
                            if (!Window.Fits(input, p, p, k, d)) continue;
                            long result = kind == WindowKind.Convolution
                                ? Window.ConvolutionOutput(input, p, p, k, s, d)
                                : Window.PoolingOutput(input, k, p, p, s, d, ceilMode: false);
                            if (result == output) solutions.Add(new Configuration(kind, k, s, p, d, 0));
                        }
                    }
                }
                progress?.Invoke((double)tried / total);
            }
        }
        solutions.Sort((x, y) =>
        {
            int c = Usual(x).CompareTo(Usual(y));
            if (c == 0) c = (x.Dilation > 1).CompareTo(y.Dilation > 1);
            if (c == 0) c = x.Kernel.CompareTo(y.Kernel);
            if (c == 0) c = x.Padding.CompareTo(y.Padding);
            if (c == 0) c = x.Stride.CompareTo(y.Stride);
            if (c == 0) c = x.Dilation.CompareTo(y.Dilation);
            if (c == 0) c = x.OutputPadding.CompareTo(y.OutputPadding);
            if (c == 0) c = x.Kind.CompareTo(y.Kind);
            return c;
        });
        return new SolveAnswer(solutions, tried);
    }

    /// <summary>
    /// How usual a design is, most usual first: a convolution with odd kernel and "same" padding, (k − 1)/2 (k3/s2/p1);
    /// a pool whose stride is its kernel (MaxPool2d(2)) and ResNet's k3/s2/p1 max pool; a patchifying convolution whose
    /// stride is its kernel; a 1×1 convolution; then the rest.
    /// </summary>
    private static int Usual(Configuration c) => c switch
    {
        { Kind: WindowKind.Convolution, Dilation: 1 } when c.Kernel % 2 == 1 && c.Kernel >= 3 && c.Padding == (c.Kernel - 1) / 2 => 0,
        { Kind: WindowKind.MaxPool or WindowKind.AvgPool, Dilation: 1, Padding: 0 } when c.Kernel == c.Stride => 1,
        { Kind: WindowKind.MaxPool, Kernel: 3, Stride: 2, Padding: 1, Dilation: 1 } => 1,
        { Kind: WindowKind.Convolution, Dilation: 1, Padding: 0 } when c.Kernel == c.Stride && c.Kernel > 1 => 2,
        { Kind: WindowKind.Convolution, Kernel: 1 } => 3,
        _ => 4,
    };
}
