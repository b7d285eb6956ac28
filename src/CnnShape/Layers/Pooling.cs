using CnnShape.Internal;
using CnnShape.Rules;
using CnnShape.Shapes;

namespace CnnShape.Layers;

/// <summary>The pooling operation; it decides which of PyTorch's padding limits apply.</summary>
public enum PoolKind
{
    /// <summary>MaxPool1d/2d/3d.</summary>
    Max,
    /// <summary>AvgPool1d/2d/3d.</summary>
    Average,
    /// <summary>LPPool1d/2d: an average pool of xᵖ with no padding.</summary>
    Power,
}

/// <summary><c>MaxPool/AvgPool 1d/2d/3d</c> and <c>LPPool1d/2d</c>: a sliding window with PyTorch's ceil-mode rule.</summary>
public sealed class Pooling : Layer
{
    internal Pooling(string type, PoolKind kind, int spatial, long[] kernel, long[] stride, long[] padding, long[] dilation, bool ceilMode, long? divisorOverride)
        : base(type)
    {
        Kind = kind;
        Spatial = spatial;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        CeilMode = ceilMode;
        DivisorOverride = divisorOverride;
    }

    /// <summary>The same pooling with another ceil_mode.</summary>
    public Pooling WithCeilMode(bool ceilMode) => new(Type, Kind, Spatial, Kernel, Stride, Padding, Dilation, ceilMode, DivisorOverride);

    /// <summary>Max, average or power-average.</summary>
    public PoolKind Kind { get; }
    /// <summary>Spatial dimensions.</summary>
    public int Spatial { get; }
    /// <summary>Window size per axis.</summary>
    public long[] Kernel { get; }
    /// <summary>Stride per axis (PyTorch's default is the kernel size).</summary>
    public long[] Stride { get; }
    /// <summary>Implicit padding on both sides, per axis.</summary>
    public long[] Padding { get; }
    /// <summary>Dilation per axis (max pooling only; 1 otherwise).</summary>
    public long[] Dilation { get; }
    /// <summary>Whether the output size rounds up (with the last-window rule).</summary>
    public bool CeilMode { get; }
    /// <summary>AvgPool's divisor_override, if given.</summary>
    public long? DivisorOverride { get; }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        if (DivisorOverride == 0) throw new CnnShapeException($"{Type}: divisor_override must be non-zero (divisor must be not zero).");
        for (int i = 0; i < Spatial; i++)
        {
            string axis = Ranks.AxisName(i, Spatial);
            if (Kernel[i] <= 0) throw new CnnShapeException($"{Type}: kernel size should be greater than zero, but got kernel_size={Ranks.Join(Kernel, ", ")}.");
            if (Stride[i] <= 0) throw new CnnShapeException($"{Type}: stride should be greater than zero, but got stride={Ranks.Join(Stride, ", ")}.");
            if (Dilation[i] <= 0) throw new CnnShapeException($"{Type}: dilation should be greater than zero, but got dilation={Ranks.Join(Dilation, ", ")}.");
            if (Padding[i] < 0) throw new CnnShapeException($"{Type}: pad must be non-negative, but got padding={Ranks.Join(Padding, ", ")}.");
            long limit = PadLimit(i);
            if (Padding[i] > limit)
            {
                string of = UsesDilatedLimit && Dilation[i] != 1
                    ? $"the dilated kernel ({Dilation[i]}·({Kernel[i]}−1) + 1 = {Window.Span(Kernel[i], Dilation[i])})"
                    : $"the kernel size ({Kernel[i]})";
                throw new CnnShapeException($"{Type}: padding {Padding[i]} on axis {axis} is more than half of {of}: PyTorch allows at most {limit}.");
            }
        }

        var layout = Layout.For(input, Spatial, Type);
        // Every dimension but the batch must be non-empty (pool2d/pool3d shape checks).
        for (int a = layout.Batched ? 1 : 0; a < input.Rank; a++)
        {
            if (input[a] == 0) throw new CnnShapeException($"{Type}: expected the input's non-batch dimensions to be non-empty, but got input {input}.");
        }
        if (Type == "AvgPool3d")
        {
            // avg_pool3d also requires the unpadded input to be at least the kernel on every axis.
            for (int i = 0; i < Spatial; i++)
            {
                if (input[layout.FirstSpatial + i] < Kernel[i])
                {
                    throw new CnnShapeException($"{Type}: input image ({Ranks.Join(input.Dims[layout.FirstSpatial..])}) is smaller than the kernel size ({Ranks.Join(Kernel)}) on axis {Ranks.AxisName(i, Spatial)}; avg_pool3d requires the unpadded input to cover the kernel.");
                }
            }
        }

        var dims = input.ToArray();
        var steps = new AxisStep[Spatial];
        var outs = new long[Spatial];
        for (int i = 0; i < Spatial; i++)
        {
            long size = input[layout.FirstSpatial + i];
            outs[i] = Window.PoolingOutput(size, Kernel[i], Padding[i], Padding[i], Stride[i], Dilation[i], CeilMode);
            var (padding, dilation, kernel, stride, output, ceil) = (Padding[i], Dilation[i], Kernel[i], Stride[i], outs[i], CeilMode);
            steps[i] = new AxisStep(Ranks.AxisName(i, Spatial), () => Formulas.Pooling(size, padding, dilation, kernel, stride, ceil, output));
        }
        for (int i = 0; i < Spatial; i++)
        {
            if (outs[i] < 1)
            {
                var ins = input.Dims[layout.FirstSpatial..];
                string prefix = Type == "MaxPool1d" ? "max_pool1d() invalid computed output size: " : "";
                throw new CnnShapeException($"{Type}: {prefix}given input size ({Ranks.Join(ins)}), the calculated output size is ({Ranks.Join(outs)}); output size is too small ({steps[i].Axis}: {steps[i].Formula}).") { TooSmall = true };
            }
            dims[layout.FirstSpatial + i] = outs[i];
        }
        return new LayerResult(Shape.Own(dims), 0, 0, steps);
    }

    /// <summary>MaxPool2d (current PyTorch) measures its padding limit against the dilated kernel; every other pool against the plain kernel.</summary>
    private bool UsesDilatedLimit => Type == "MaxPool2d";

    /// <summary>The largest padding PyTorch accepts on an axis (<see cref="Window.PoolPaddingLimit"/>).</summary>
    private long PadLimit(int axis) => Window.PoolPaddingLimit(UsesDilatedLimit ? PoolLimit.HalfDilatedKernel : PoolLimit.HalfKernel, Kernel[axis], Dilation[axis]);

    /// <summary>Which limit this pool obeys, for the solvers.</summary>
    internal PoolLimit Limit => UsesDilatedLimit ? PoolLimit.HalfDilatedKernel : PoolLimit.HalfKernel;

    internal override Geometry GeometryFor(Shape input, Shape output) => new WindowGeometry(Kernel, Stride, Padding, Dilation);
}
