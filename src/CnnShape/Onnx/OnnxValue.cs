using CnnShape.ReceptiveFields;
using CnnShape.Symbolic;

namespace CnnShape.Onnx;

/// <summary>
/// What the analysis knows of one ONNX value: its shape (dimensions may be symbolic; null when even the rank is unknown),
/// its contents when they are small constants or shape arithmetic (integers may be symbolic: <c>Shape</c> of a dynamic
/// input holds <c>batch</c>), its element type, and its receptive field.
/// </summary>
internal sealed class OnnxValue
{
    /// <summary>The dimensions, or null when the rank is unknown.</summary>
    public Dim[]? Shape { get; init; }

    /// <summary>Integer contents in row-major order, when known.</summary>
    public Dim[]? Ints { get; init; }

    /// <summary>Floating-point contents in row-major order, when known (float32 values are exact doubles).</summary>
    public double[]? Floats { get; init; }

    /// <summary>
    /// Float contents that are a symbolic size times a float32 factor — <c>float32(h) · 1.5</c> — as exporters compute a
    /// scaled size (<c>recompute_scale_factor</c>); a Floor of them is the exact <see cref="Dim.ScaleFloat32"/>.
    /// </summary>
    public (Dim Size, float Scale)[]? Scaled { get; init; }

    /// <summary>The one value every element holds (ConstantOfShape), even when the tensor is too big or too symbolic to list.</summary>
    public double? Fill { get; init; }

    /// <summary>ONNX TensorProto.DataType (1 float, 6 int32, 7 int64, 9 bool, 10 float16, 11 double; 0 unknown).</summary>
    public int Type { get; init; }

    /// <summary>The receptive field of the value's units.</summary>
    public ReceptiveField Field { get; init; } = ReceptiveField.None;

    /// <summary>Whether the value depends on no graph input but the data: an initializer, a constant, or computed only from them (a weight).</summary>
    public bool IsConstant { get; init; }

    /// <summary>A value nothing is known of.</summary>
    public static OnnxValue Unknown() => new();

    /// <summary>Whether the element type is an integer type (shape arithmetic runs on these).</summary>
    public bool IsInteger => Type is 2 or 3 or 4 or 5 or 6 or 7 or 9 or 12 or 13;

    /// <summary>The element count, when the shape is known.</summary>
    public Dim? Count => Shape is null ? null : Dim.Product(Shape);

    /// <summary>The same value, marked as computed from constants only.</summary>
    public OnnxValue AsConstant() => new() { Shape = Shape, Ints = Ints, Floats = Floats, Type = Type, Field = Field, IsConstant = true };

    /// <summary>The same value with another receptive field.</summary>
    public OnnxValue WithField(ReceptiveField field) => new() { Shape = Shape, Ints = Ints, Floats = Floats, Type = Type, Field = field, IsConstant = IsConstant };

    /// <summary>A copy with another shape (contents dropped unless given).</summary>
    public OnnxValue WithShape(Dim[] shape, ReceptiveField? field = null) => new() { Shape = shape, Type = Type, Field = field ?? Field };
}
