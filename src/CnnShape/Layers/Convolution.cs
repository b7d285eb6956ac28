using CnnShape.Internal;
using CnnShape.Rules;
using CnnShape.Shapes;
using static CnnShape.Layers.Limits;

namespace CnnShape.Layers;

/// <summary>Small checks shared by the convolution layers.</summary>
internal static class Limits
{
    /// <summary>Whether any value is ≤ <paramref name="bound"/> (a loop: these run once per layer application).</summary>
    public static bool AnyAtMost(long[] values, long bound)
    {
        foreach (var v in values)
        {
            if (v <= bound) return true;
        }
        return false;
    }
}

/// <summary><c>Conv1d/2d/3d</c>: a sliding window with padding, stride, dilation and groups.</summary>
public sealed class Convolution : Layer
{
    internal Convolution(int spatial, long inChannels, long outChannels, long[] kernel, long[] stride, long[] padBefore, long[] padAfter,
        long[] dilation, long groups, bool bias, BorderMode mode, string? paddingWord)
        : base($"Conv{spatial}d")
    {
        Spatial = spatial;
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        PadBefore = padBefore;
        PadAfter = padAfter;
        Dilation = dilation;
        Groups = groups;
        Bias = bias;
        Mode = mode;
        PaddingWord = paddingWord;
        if (mode != BorderMode.Constant)
        {
            // A non-zero padding_mode pads with F.pad first (F.pad order: last axis first), then convolves without padding.
            var fpad = new long[2 * spatial];
            for (int i = 0; i < spatial; i++)
            {
                fpad[2 * (spatial - 1 - i)] = padBefore[i];
                fpad[2 * (spatial - 1 - i) + 1] = padAfter[i];
            }
            _border = new Pad($"{Type} (padding_mode='{Borders.Word(mode)}' pads with F.pad first)", fpad, mode, moduleSpatial: null);
        }
        // PyTorch's _ConvNd.__init__ rules, in its order.
        if (groups <= 0) throw new CnnShapeException($"{Type}: groups must be a positive integer, got {groups}.");
        if (inChannels < 0 || outChannels < 0) throw new CnnShapeException($"{Type}: in_channels ({inChannels}) and out_channels ({outChannels}) cannot be negative.");
        if (inChannels % groups != 0) throw new CnnShapeException($"{Type}: in_channels must be divisible by groups, but {inChannels} is not divisible by {groups}.");
        if (outChannels % groups != 0) throw new CnnShapeException($"{Type}: out_channels must be divisible by groups, but {outChannels} is not divisible by {groups}.");
        if (paddingWord == "same" && stride.Any(s => s != 1)) throw new CnnShapeException($"{Type}: padding='same' is not supported for strided convolutions (stride={Ranks.Join(stride, ", ")}).");
        for (int i = 0; i < spatial; i++)
        {
            if (kernel[i] < 0) throw new CnnShapeException($"{Type}: kernel_size cannot be negative ({Ranks.Join(kernel, ", ")}).");
        }
    }

    /// <summary>Spatial dimensions (1, 2 or 3).</summary>
    public int Spatial { get; }
    /// <summary>Input channels.</summary>
    public long InChannels { get; }
    /// <summary>Output channels.</summary>
    public long OutChannels { get; }
    /// <summary>Kernel size per spatial axis.</summary>
    public long[] Kernel { get; }
    /// <summary>Stride per spatial axis.</summary>
    public long[] Stride { get; }
    /// <summary>Padding before each axis (left/top/front).</summary>
    public long[] PadBefore { get; }
    /// <summary>Padding after each axis; differs from <see cref="PadBefore"/> only for 'same' with an even dilated kernel (the extra goes after, as PyTorch does).</summary>
    public long[] PadAfter { get; }
    /// <summary>Dilation per spatial axis.</summary>
    public long[] Dilation { get; }
    /// <summary>Groups.</summary>
    public long Groups { get; }
    /// <summary>Whether the layer has a bias.</summary>
    public bool Bias { get; }
    /// <summary>The padding mode (<see cref="BorderMode.Constant"/> for PyTorch's 'zeros').</summary>
    public BorderMode Mode { get; }

    private readonly Pad? _border;
    /// <summary><c>same</c> or <c>valid</c> when the padding was given as a string.</summary>
    public string? PaddingWord { get; }

    /// <inheritdoc/>
    public override long Params
    {
        get
        {
            // weight: (out, in/groups, *kernel); bias: (out,)
            long weight = Checked.Mul(OutChannels, InChannels / Groups, "the weight count");
            foreach (var k in Kernel) weight = Checked.Mul(weight, k, "the weight count");
            return Checked.Add(weight, Bias ? OutChannels : 0, "the parameter count");
        }
    }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        // ATen convolution checks, in its order: stride > 0, padding ≥ 0, dilation > 0, kernel > 0, channels, size.
        if (AnyAtMost(Stride, 0)) throw new CnnShapeException($"{Type}: non-positive stride is not supported (stride={Ranks.Join(Stride, ", ")}).");
        if (AnyAtMost(PadBefore, -1)) throw new CnnShapeException($"{Type}: negative padding is not supported (padding={Ranks.Join(PadBefore, ", ")}).");
        if (AnyAtMost(Dilation, 0)) throw new CnnShapeException($"{Type}: dilation should be greater than zero, but got {Ranks.Join(Dilation, ", ")}.");
        var layout = Layout.For(input, Spatial, Type);
        if (AnyAtMost(Kernel, 0)) throw new CnnShapeException($"{Type}: kernel size should be greater than zero, but got {Ranks.Join(Kernel, ", ")}.");
        // check_shape_forward: the weight (out_channels, in_channels/groups, *kernel) needs at least one output channel
        if (OutChannels == 0) throw new CnnShapeException($"{Type}: given groups={Groups}, expected weight to be at least 1 at dimension 0, but got weight of size [0, {InChannels / Groups}, {Ranks.Join(Kernel, ", ")}] instead (out_channels is 0).");
        long channels = input[layout.ChannelAxis];
        if (channels != InChannels)
        {
            throw new CnnShapeException($"{Type}: expected input {input} to have {InChannels} channels (in_channels), but got {channels} channels instead.",
                mismatch: new Mismatch("in_channels", InChannels, channels, layout.ChannelAxis - input.Rank));
        }

        _border?.Apply(input);
        var padded = new long[Spatial];
        var effective = new long[Spatial];
        for (int i = 0; i < Spatial; i++)
        {
            long size = input[layout.FirstSpatial + i];
            padded[i] = Window.Padded(size, PadBefore[i], PadAfter[i]);
            effective[i] = Window.Span(Kernel[i], Dilation[i]);
        }
        for (int i = 0; i < Spatial; i++)
        {
            if (padded[i] < effective[i])
            {
                throw new CnnShapeException($"{Type}: calculated padded input size per channel: ({Ranks.Join(padded)}). Kernel size (dilated): ({Ranks.Join(effective)}). Kernel size can't be greater than the padded input size (axis {Ranks.AxisName(i, Spatial)}: {padded[i]} < {effective[i]}).") { TooSmall = true };
            }
        }
        for (int i = 0; i < Spatial; i++)
        {
            if (input[layout.FirstSpatial + i] == 0 && input.Numel() == 0 && channels != 0 && (!layout.Batched || input[0] != 0))
            {
                throw new CnnShapeException($"{Type}: only zero batch or zero channel inputs are supported, but got input shape {input}.");
            }
        }

        var dims = input.ToArray();
        // an input with no channels gives an output with none (ATen's empty-convolution path), whatever out_channels is
        dims[layout.ChannelAxis] = channels == 0 ? 0 : OutChannels;
        var steps = new AxisStep[Spatial];
        for (int i = 0; i < Spatial; i++)
        {
            long size = input[layout.FirstSpatial + i];
            long output = Window.ConvolutionOutput(size, PadBefore[i], PadAfter[i], Kernel[i], Stride[i], Dilation[i]);
            dims[layout.FirstSpatial + i] = output;
            var (before, after, dilation, kernel, stride) = (PadBefore[i], PadAfter[i], Dilation[i], Kernel[i], Stride[i]);
            steps[i] = new AxisStep(Ranks.AxisName(i, Spatial), () => Formulas.Convolution(size, before, after, dilation, kernel, stride, output));
        }
        var result = Shape.Own(dims);
        // MACs: every output element sums in_channels/groups · Πkernel products.
        long perOutput = InChannels / Groups;
        foreach (var k in Kernel) perOutput = Checked.Mul(perOutput, k, "the MAC count");
        long macs = Checked.Mul(result.Numel(), perOutput, "the MAC count");
        return new LayerResult(result, Params, macs, steps);
    }

    internal override Geometry GeometryFor(Shape input, Shape output) => new WindowGeometry(Kernel, Stride, PadBefore, Dilation);
}

/// <summary><c>ConvTranspose1d/2d/3d</c>: the gradient of a convolution, which grows the input.</summary>
public sealed class TransposedConvolution : Layer
{
    internal TransposedConvolution(int spatial, long inChannels, long outChannels, long[] kernel, long[] stride, long[] padding,
        long[] outputPadding, long groups, bool bias, long[] dilation)
        : base($"ConvTranspose{spatial}d")
    {
        Spatial = spatial;
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        OutputPadding = outputPadding;
        Groups = groups;
        Bias = bias;
        Dilation = dilation;
        if (groups <= 0) throw new CnnShapeException($"{Type}: groups must be a positive integer, got {groups}.");
        if (inChannels < 0 || outChannels < 0) throw new CnnShapeException($"{Type}: in_channels ({inChannels}) and out_channels ({outChannels}) cannot be negative.");
        if (inChannels % groups != 0) throw new CnnShapeException($"{Type}: in_channels must be divisible by groups, but {inChannels} is not divisible by {groups}.");
        if (outChannels % groups != 0) throw new CnnShapeException($"{Type}: out_channels must be divisible by groups, but {outChannels} is not divisible by {groups}.");
        if (kernel.Any(k => k < 0)) throw new CnnShapeException($"{Type}: kernel_size cannot be negative ({Ranks.Join(kernel, ", ")}).");
    }

    /// <summary>Spatial dimensions (1, 2 or 3).</summary>
    public int Spatial { get; }
    /// <summary>Input channels.</summary>
    public long InChannels { get; }
    /// <summary>Output channels.</summary>
    public long OutChannels { get; }
    /// <summary>Kernel size per axis.</summary>
    public long[] Kernel { get; }
    /// <summary>Stride per axis.</summary>
    public long[] Stride { get; }
    /// <summary>Padding per axis (removed from both sides of the output).</summary>
    public long[] Padding { get; }
    /// <summary>Extra size added to one side of the output per axis.</summary>
    public long[] OutputPadding { get; }
    /// <summary>Groups.</summary>
    public long Groups { get; }
    /// <summary>Whether the layer has a bias.</summary>
    public bool Bias { get; }
    /// <summary>Dilation per axis.</summary>
    public long[] Dilation { get; }

    /// <inheritdoc/>
    public override long Params
    {
        get
        {
            // weight: (in, out/groups, *kernel); bias: (out,)
            long weight = Checked.Mul(InChannels, OutChannels / Groups, "the weight count");
            foreach (var k in Kernel) weight = Checked.Mul(weight, k, "the weight count");
            return Checked.Add(weight, Bias ? OutChannels : 0, "the parameter count");
        }
    }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input) => Apply(input, null);

    /// <summary>
    /// Applies the layer, optionally with the call-time <c>output_size</c> (PyTorch's <c>forward(input, output_size)</c>):
    /// it picks output_padding = size − min, where min = (in − 1)·s − 2p + d·(k − 1) + 1, and accepts sizes up to min + s − 1.
    /// </summary>
    public LayerResult Apply(Shape input, long[]? outputSize)
    {
        var layout = Layout.For(input, Spatial, Type);
        var outputPadding = OutputPadding;
        if (outputSize is not null)
        {
            int nonSpatial = layout.Batched ? 2 : 1;
            var requested = outputSize.Length == Spatial + nonSpatial ? outputSize[nonSpatial..] : outputSize;
            if (requested.Length != Spatial)
            {
                throw new CnnShapeException($"{Type}: for {input.Rank}-D input, output_size must have {Spatial} or {Spatial + nonSpatial} elements (got {outputSize.Length}).");
            }
            outputPadding = new long[Spatial];
            var min = new long[Spatial];
            var max = new long[Spatial];
            for (int i = 0; i < Spatial; i++)
            {
                min[i] = Window.TransposedOutput(input[layout.FirstSpatial + i], Kernel[i], Stride[i], Padding[i], Padding[i], Dilation[i], 0);
                max[i] = min[i] + Stride[i] - 1;
            }
            for (int i = 0; i < Spatial; i++)
            {
                if (requested[i] < min[i] || requested[i] > max[i])
                {
                    throw new CnnShapeException($"{Type}: requested an output size of ({Ranks.Join(requested, ", ")}), but valid sizes range from ({Ranks.Join(min, ", ")}) to ({Ranks.Join(max, ", ")}) for an input of {input}.");
                }
                outputPadding[i] = requested[i] - min[i];
            }
        }

        if (AnyAtMost(Stride, 0)) throw new CnnShapeException($"{Type}: non-positive stride is not supported (stride={Ranks.Join(Stride, ", ")}).");
        if (AnyAtMost(Padding, -1)) throw new CnnShapeException($"{Type}: negative padding is not supported (padding={Ranks.Join(Padding, ", ")}).");
        if (AnyAtMost(outputPadding, -1)) throw new CnnShapeException($"{Type}: negative output_padding is not supported (output_padding={Ranks.Join(outputPadding, ", ")}).");
        if (AnyAtMost(Dilation, 0)) throw new CnnShapeException($"{Type}: dilation should be greater than zero, but got {Ranks.Join(Dilation, ", ")}.");
        if (AnyAtMost(Kernel, 0)) throw new CnnShapeException($"{Type}: kernel size should be greater than zero, but got {Ranks.Join(Kernel, ", ")}.");
        // the weight (in_channels, out_channels/groups, *kernel) needs at least one input channel
        if (InChannels == 0) throw new CnnShapeException($"{Type}: given groups={Groups}, expected weight to be at least 1 at dimension 0, but got weight of size [0, {OutChannels / Groups}, {Ranks.Join(Kernel, ", ")}] instead (in_channels is 0).");
        // an empty weight (in_channels, 0, *kernel): the kernels refuse it, and the empty-batch path indexes its first value
        if (OutChannels == 0) throw new CnnShapeException($"{Type}: out_channels is 0, so the weight [{InChannels}, 0, {Ranks.Join(Kernel, ", ")}] is empty; PyTorch expects a non-empty weight.");
        long channels = input[layout.ChannelAxis];
        if (channels != InChannels)
        {
            throw new CnnShapeException($"{Type}: expected input {input} to have {InChannels} channels (in_channels), but got {channels} channels instead.",
                mismatch: new Mismatch("in_channels", InChannels, channels, layout.ChannelAxis - input.Rank));
        }
        // an empty input is only allowed through an empty batch: not through an empty spatial axis
        if (input.Numel() == 0 && (!layout.Batched || input[0] != 0))
        {
            throw new CnnShapeException($"{Type}: only zero batch or zero channel inputs are supported, but got input shape {input}.");
        }
        // An empty batch takes ATen's empty-convolution path (Convolution.cpp, _select_conv_backend → ConvBackend::Empty,
        // current PyTorch too): no kernel runs, so neither its output_padding check nor its "output size is too small";
        // the output is viewed to the computed size, which fails only when a size is negative.
        bool emptyBatch = layout.Batched && input[0] == 0;
        for (int i = 0; i < Spatial && !emptyBatch; i++)
        {
            // slow_conv_transpose shape check: output_padding must be smaller than either stride or dilation.
            if (!Window.OutputPaddingAllowed(outputPadding[i], Stride[i], Dilation[i]))
            {
                throw new CnnShapeException($"{Type}: output padding must be smaller than either stride or dilation, but axis {Ranks.AxisName(i, Spatial)} has output_padding {outputPadding[i]}, stride {Stride[i]} and dilation {Dilation[i]}.");
            }
        }
        var dims = input.ToArray();
        dims[layout.ChannelAxis] = OutChannels;
        var steps = new AxisStep[Spatial];
        var outs = new long[Spatial];
        for (int i = 0; i < Spatial; i++)
        {
            long size = input[layout.FirstSpatial + i];
            outs[i] = Window.TransposedOutput(size, Kernel[i], Stride[i], Padding[i], Padding[i], Dilation[i], outputPadding[i]);
            var (stride, padding, dilation, kernel, extra, output) = (Stride[i], Padding[i], Dilation[i], Kernel[i], outputPadding[i], outs[i]);
            steps[i] = new AxisStep(Ranks.AxisName(i, Spatial), () => Formulas.Transposed(size, stride, padding, dilation, kernel, extra, output));
        }
        if (outs.Any(o => o < (emptyBatch ? 0 : 1)))
        {
            var ins = new long[Spatial];
            for (int i = 0; i < Spatial; i++) ins[i] = input[layout.FirstSpatial + i];
            throw new CnnShapeException($"{Type}: given input size per channel ({Ranks.Join(ins)}), the calculated output size per channel is ({Ranks.Join(outs)}); output size is too small.") { TooSmall = true };
        }
        for (int i = 0; i < Spatial; i++) dims[layout.FirstSpatial + i] = outs[i];
        var result = Shape.Own(dims);
        // MACs: every input element is multiplied into out_channels/groups · Πkernel outputs.
        long perInput = OutChannels / Groups;
        foreach (var k in Kernel) perInput = Checked.Mul(perInput, k, "the MAC count");
        long macs = Checked.Mul(input.Numel(), perInput, "the MAC count");
        return new LayerResult(result, Params, macs, steps);
    }

    internal override Geometry GeometryFor(Shape input, Shape output) => new TransposedGeometry(Kernel, Stride, Padding, Dilation);
}
