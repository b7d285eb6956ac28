using CnnShape.Internal;
using CnnShape.Shapes;

namespace CnnShape.Layers;

/// <summary><c>AdaptiveAvgPool/AdaptiveMaxPool 1d/2d/3d</c>: the output size is given; <c>None</c> keeps that axis's input size.</summary>
public sealed class AdaptivePooling : Layer
{
    internal AdaptivePooling(string type, int spatial, long?[] outputSize, bool max, bool asTuple = false) : base(type)
    {
        Spatial = spatial;
        OutputSize = outputSize;
        IsMax = max;
        _asTuple = asTuple;
    }

    /// <summary>output_size was written as a tuple (Python's <c>_list_with_default</c> then checks the input's rank).</summary>
    private readonly bool _asTuple;

    /// <summary>Spatial dimensions.</summary>
    public int Spatial { get; }
    /// <summary>The requested size per axis, <c>null</c> for "keep the input size".</summary>
    public long?[] OutputSize { get; }
    /// <summary>Max (true) or average pooling.</summary>
    public bool IsMax { get; }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        // Python's _list_with_default (F.adaptive_*_pool2d/3d): a tuple needs more input dims than it has entries; None
        // entries take the input's size. (adaptive_*_pool1d is bound directly and has no such step.)
        if (Spatial > 1 && (_asTuple || OutputSize.Any(o => o is null)) && input.Rank <= OutputSize.Length)
        {
            throw new CnnShapeException($"{Type}: input dimension should be at least {OutputSize.Length + 1}, got {input}.");
        }
        if (MeanShortcut(input) is { } mean) return mean;
        var layout = Layout.For(input, Spatial, Type);
        // The kernels check every size from dim 1 on (not the batch, nor the channels of an unbatched input),
        // except adaptive_avg_pool2d (and 1d, which runs it on an unsqueezed input), which checks only H and W.
        int firstChecked = !IsMax && Spatial <= 2 ? layout.FirstSpatial : 1;
        for (int a = firstChecked; a < input.Rank; a++)
        {
            if (input[a] == 0) throw new CnnShapeException($"{Type}: expected the input to have non-zero size for non-batch dimensions, but input {input} has dimension {a} empty.");
        }
        var dims = input.ToArray();
        var steps = new AxisStep[Spatial];
        for (int i = 0; i < Spatial; i++)
        {
            long size = input[layout.FirstSpatial + i];
            long output = OutputSize[i] ?? size;
            if (output < 0) throw new CnnShapeException($"{Type}: elements of output_size must be greater than or equal to 0, but got {string.Join(", ", OutputSize.Select(o => o?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None"))}.");
            dims[layout.FirstSpatial + i] = output;
            string how = OutputSize[i] is null ? "None keeps the size" : "output_size";
            steps[i] = new AxisStep(Ranks.AxisName(i, Spatial), () => Formulas.Given(size, output, how));
        }
        return new LayerResult(Shape.Own(dims), 0, 0, steps);
    }

    /// <summary>
    /// ATen's adaptive_avg_pool2d/3d take a shortcut when every output size is 1: <c>input.mean({-1, -2[, -3]}, keepdim)</c>,
    /// before their rank and empty-size checks, so <c>AdaptiveAvgPool2d(1)</c> pools the last two dims of any input of rank
    /// ≥ 2 (a 5-D [2, 8, 4, 7, 7] gives [2, 8, 4, 1, 1]) and an empty H or W gives 1. adaptive_avg_pool1d checks its rank
    /// (2 or 3) and then runs the 2-D pool on the input unsqueezed at −2, so it takes the shortcut for an output of 1 too.
    /// Current PyTorch keeps the shortcut (aten/src/ATen/native/AdaptiveAveragePooling.cpp, adaptive_avg_pool2d_symint;
    /// AdaptiveAveragePooling3d.cpp, adaptive_avg_pool3d_symint: only XPU tensors skip it).
    /// </summary>
    private LayerResult? MeanShortcut(Shape input)
    {
        if (IsMax || input.Rank < Spatial) return null;
        var sizes = new long[Spatial];
        for (int i = 0; i < Spatial; i++)
        {
            sizes[i] = OutputSize[i] ?? input[input.Rank - Spatial + i];
            if (sizes[i] != 1) return null;
        }
        // (an input with fewer dims than the mean's is refused by the rank check below, as mean refuses the dim)
        if (Spatial == 1) Layout.For(input, 1, Type);
        var dims = input.ToArray();
        var steps = new AxisStep[Spatial];
        for (int i = 0; i < Spatial; i++)
        {
            int axis = input.Rank - Spatial + i;
            long size = input[axis];
            dims[axis] = 1;
            steps[i] = new AxisStep(Ranks.AxisName(i, Spatial), () => Formulas.Given(size, 1, "output_size"));
        }
        return new LayerResult(Shape.Own(dims), 0, 0, steps);
    }

    internal override Geometry GeometryFor(Shape input, Shape output)
    {
        if (!IsMax && output.Rank >= Spatial && output.Dims[^Spatial..].ToArray().All(d => d == 1) && input.Rank != Spatial + 1 && input.Rank != Spatial + 2)
        {
            // the mean shortcut on an input of another rank: the last Spatial dims are pooled
            return new ResampleGeometry(input.Dims[^Spatial..].ToArray(), output.Dims[^Spatial..].ToArray(), ReceptiveFields.Sampling.Area);
        }
        var layout = Layout.For(input, Spatial, Type);
        return new ResampleGeometry(input.Dims[layout.FirstSpatial..].ToArray(), output.Dims[layout.FirstSpatial..].ToArray(), ReceptiveFields.Sampling.Area);
    }
}
