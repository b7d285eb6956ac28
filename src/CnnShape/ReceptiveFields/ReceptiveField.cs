namespace CnnShape.ReceptiveFields;

/// <summary>
/// The receptive field of one spatial axis: <c>Size</c> input pixels, <c>Jump</c> input pixels between neighbouring units,
/// and <c>Start</c>, the input coordinate of the first pixel of unit 0's field (negative inside the padding).
/// </summary>
/// <param name="Size">Pixels one unit sees along this axis (the largest over units when they differ).</param>
/// <param name="Jump">Distance in input pixels between the fields of neighbouring units.</param>
/// <param name="Start">Input coordinate where unit 0's field begins.</param>
public sealed record AxisField(Fraction Size, Fraction Jump, Fraction Start)
{
    /// <summary>The field of the network input itself: one pixel, jump 1, starting at 0.</summary>
    public static readonly AxisField Identity = new(1, 1, 0);
}

/// <summary>What one tensor's units see of the network input.</summary>
public abstract record ReceptiveField
{
    /// <summary>A field per spatial axis (the usual case).</summary>
    public static ReceptiveField Spatial(AxisField[] axes) => new SpatialField(axes);

    /// <summary>Every unit depends on the whole input along its spatial axes (global pooling, flatten+linear, SE gating).</summary>
    public static readonly ReceptiveField Global = new GlobalField();

    /// <summary>The tensor has no spatial axes relative to the input (e.g. spatial dims flattened away).</summary>
    public static readonly ReceptiveField None = new NoField(mixed: false);

    /// <summary>Spatial axes were flattened without mixing: a following dense layer makes the field global.</summary>
    public static readonly ReceptiveField Flattened = new NoField(mixed: true);
}

/// <summary>A field per spatial axis.</summary>
/// <param name="Axes">One field per spatial axis, in the tensor's order (D, H, W).</param>
public sealed record SpatialField(AxisField[] Axes) : ReceptiveField;

/// <summary>The whole input.</summary>
public sealed record GlobalField : ReceptiveField;

/// <summary>No spatial axes relative to the input.</summary>
/// <param name="mixed">True when the spatial axes were flattened into features (so a dense layer on them is global).</param>
public sealed record NoField(bool mixed) : ReceptiveField
{
    /// <summary>Whether spatial positions were flattened into this tensor's features.</summary>
    public bool FromSpatial { get; } = mixed;
}
