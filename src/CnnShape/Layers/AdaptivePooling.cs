using CnnShape.Internal;
using CnnShape.Shapes;

namespace CnnShape.Layers;

/// <summary><c>AdaptiveAvgPool/AdaptiveMaxPool 1d/2d/3d</c>: the output size is given; <c>None</c> keeps that axis's input size.</summary>
public sealed class AdaptivePooling : Layer
{
    internal AdaptivePooling(string type, int spatial, long?[] outputSize, bool max) : base(type)
    {
        Spatial = spatial;
        OutputSize = outputSize;
        IsMax = max;
    }

    /// <summary>Spatial dimensions.</summary>
    public int Spatial { get; }
    /// <summary>The requested size per axis, <c>null</c> for "keep the input size".</summary>
    public long?[] OutputSize { get; }
    /// <summary>Max (true) or average pooling.</summary>
    public bool IsMax { get; }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        var layout = Layout.For(input, Spatial, Type);
        // Python's _list_with_default: None entries take the input's size; it needs more input dims than output entries.
        if (OutputSize.Any(o => o is null) && input.Rank <= OutputSize.Length)
        {
            throw new CnnShapeException($"{Type}: input dimension should be at least {OutputSize.Length + 1}, got {input}.");
        }
        // The average kernels check only the spatial sizes; the max kernels every non-batch size.
        int firstChecked = IsMax ? (layout.Batched ? 1 : (Spatial == 1 ? 0 : 1)) : layout.FirstSpatial;
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

    internal override Geometry GeometryFor(Shape input, Shape output)
    {
        var layout = Layout.For(input, Spatial, Type);
        return new ResampleGeometry(input.Dims[layout.FirstSpatial..].ToArray(), output.Dims[layout.FirstSpatial..].ToArray(), ReceptiveFields.Sampling.Area);
    }
}
