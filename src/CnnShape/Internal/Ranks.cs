using CnnShape.Shapes;

namespace CnnShape.Internal;

/// <summary>Where the channel and spatial axes are for a layer with a fixed number of spatial dimensions.</summary>
internal readonly record struct Layout(bool Batched, int ChannelAxis, int FirstSpatial, int SpatialCount)
{
    /// <summary>
    /// PyTorch's layers with n spatial dims take (C, *spatial) unbatched or (N, C, *spatial) batched;
    /// any other rank is refused, as PyTorch refuses it.
    /// </summary>
    public static Layout For(Shape input, int spatial, string layer, bool allowUnbatched = true)
    {
        if (input.Rank == spatial + 2) return new Layout(true, 1, 2, spatial);
        if (allowUnbatched && input.Rank == spatial + 1) return new Layout(false, 0, 1, spatial);
        string expected = allowUnbatched
            ? $"a {spatial + 1}-D (unbatched) or {spatial + 2}-D (batched) input"
            : $"a {spatial + 2}-D input";
        throw new CnnShapeException($"{layer} expects {expected}, but got a {input.Rank}-D input of shape {input}.");
    }
}

/// <summary>Axis names and number lists for messages and traces.</summary>
internal static class Ranks
{
    public static string AxisName(int index, int count) => count switch
    {
        1 => "L",
        2 => index == 0 ? "H" : "W",
        3 => index switch { 0 => "D", 1 => "H", _ => "W" },
        _ => $"dim {index}",
    };

    public static string Join(ReadOnlySpan<long> values, string separator = " x ")
    {
        var parts = new string[values.Length];
        for (int i = 0; i < values.Length; i++) parts[i] = values[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(separator, parts);
    }
}
