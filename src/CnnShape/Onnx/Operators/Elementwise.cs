using CnnShape.ReceptiveFields;
using CnnShape.Rules;
using CnnShape.Symbolic;

namespace CnnShape.Onnx.Operators;

/// <summary>
/// Element-wise ONNX operators: the unary ones keep the shape; the binary and variadic ones broadcast (<see cref="Broadcasting"/>)
/// and fold small constant contents — the shape arithmetic exporters write (<c>Shape → Gather → Mul → Concat → Reshape</c>),
/// with symbolic sizes kept as expressions.
/// </summary>
internal static class Elementwise
{
    /// <summary>Same shape, same field (activations, Dropout's first output, Softmax, …).</summary>
    public static OnnxValue[] Unary(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        if (c.Op is "Softmax" or "LogSoftmax" or "Hardmax") c.Axis(c.Int("axis", c.Opset >= 13 ? -1 : 1), Math.Max(xs.Length, 1));
        var y = new OnnxValue
        {
            Shape = xs,
            Type = c.Op is "IsNaN" or "IsInf" or "Not" ? 9 : x.Type,
            Field = x.Field,
            Ints = c.Op is "Not" ? Not(x.Ints) : UnaryInts(c.Op, x.Ints) ?? FloorScaled(c.Op, x.Scaled),
            Floats = UnaryFloats(c.Op, x.Floats),
        };
        // Dropout and friends: a mask of the same shape
        return [y, new OnnxValue { Shape = xs, Type = 9 }];
    }

    /// <summary>Floor of a scaled size: ⌊float32(size) · scale⌋, the exact size a float32 scale gives (<see cref="Dim.ScaleFloat32"/>).</summary>
    private static Dim[]? FloorScaled(string op, (Dim Size, float Scale)[]? scaled) =>
        op == "Floor" && scaled is not null ? scaled.Select(s => Dim.ScaleFloat32(s.Size, s.Scale)).ToArray() : null;

    /// <summary>The contents after an integer unary op the exporters use in shape arithmetic (Neg, Abs, Relu, Sign; Floor, Ceil and Round of integers).</summary>
    private static Dim[]? UnaryInts(string op, Dim[]? values) => values is null ? null : op switch
    {
        "Floor" or "Ceil" or "Round" => values,
        "Neg" => values.Select(v => -v).ToArray(),
        "Abs" when values.All(v => v.IsKnown) => values.Select(v => (Dim)Math.Abs(v.Value)).ToArray(),
        "Relu" when values.All(v => v.IsKnown) => values.Select(v => (Dim)Math.Max(0, v.Value)).ToArray(),
        "Sign" when values.All(v => v.IsKnown) => values.Select(v => (Dim)Math.Sign(v.Value)).ToArray(),
        _ => null,
    };

    /// <summary>The contents after a float unary op (Floor, Ceil, Round half to even, Neg, Abs, Sqrt, Reciprocal, Relu, Exp, Log).</summary>
    private static double[]? UnaryFloats(string op, double[]? values) => values is null ? null : op switch
    {
        "Floor" => values.Select(v => Math.Floor(v)).ToArray(),
        "Ceil" => values.Select(v => Math.Ceiling(v)).ToArray(),
        "Round" => values.Select(v => Math.Round(v, MidpointRounding.ToEven)).ToArray(),
        "Neg" => values.Select(v => -v).ToArray(),
        "Abs" => values.Select(v => Math.Abs(v)).ToArray(),
        "Sqrt" => values.Select(v => Math.Sqrt(v)).ToArray(),
        "Reciprocal" => values.Select(v => 1 / v).ToArray(),
        "Relu" => values.Select(v => Math.Max(0, v)).ToArray(),
        "Exp" => values.Select(v => Math.Exp(v)).ToArray(),
        "Log" => values.Select(v => Math.Log(v)).ToArray(),
        "Sign" => values.Select(v => (double)Math.Sign(v)).ToArray(),
        _ => null,
    };

    /// <summary>Identity, and Clip (its bounds do not change the shape): contents kept.</summary>
    public static OnnxValue[] Identity(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        return [new OnnxValue { Shape = xs, Type = x.Type, Field = x.Field, Ints = c.Op == "Identity" ? x.Ints : null, Floats = c.Op == "Identity" ? x.Floats : null }];
    }

    /// <summary>Cast / CastLike: same shape; integer contents kept, converted to float where the target type is floating.</summary>
    public static OnnxValue[] Cast(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        int to = c.Op == "CastLike" ? c.In(1).Type : (int)c.Int("to", 0);
        Dim[]? ints = null;
        double[]? floats = null;
        bool toFloat = to is 1 or 10 or 11 or 16;
        bool toInt = to is 2 or 3 or 4 or 5 or 6 or 7 or 9 or 12 or 13;
        if (toInt)
        {
            if (x.Ints is not null) ints = to == 9 ? x.Ints.Select(d => d.IsKnown ? (Dim)(d.Value != 0 ? 1 : 0) : Dim.Unknown()).ToArray() : x.Ints;
            else if (x.Floats is not null && x.Floats.All(double.IsFinite) && x.Floats.All(f => Math.Abs(f) < 9e18)) ints = x.Floats.Select(f => (Dim)(long)Math.Truncate(f)).ToArray();
        }
        (Dim, float)[]? scaled = null;
        if (toInt && x.Scaled is not null && ints is null)
        {
            // a float → int cast truncates; sizes are non-negative, so it is the floor
            ints = x.Scaled.Select(s => Dim.ScaleFloat32(s.Size, s.Scale)).ToArray();
        }
        else if (toFloat)
        {
            if (x.Floats is not null) floats = to == 1 ? x.Floats.Select(f => (double)(float)f).ToArray() : x.Floats;
            else if (x.Ints is not null && x.Ints.All(d => d.IsKnown)) floats = x.Ints.Select(d => to == 1 ? (float)d.Value : (double)d.Value).ToArray();
            else if (x.Ints is not null) scaled = x.Ints.Select(d => (d, 1f)).ToArray();
            else if (x.Scaled is not null && to == 1) scaled = x.Scaled;
        }
        return [new OnnxValue { Shape = xs, Type = to, Field = x.Field, Ints = ints, Floats = floats, Scaled = scaled }];
    }

    /// <summary>PRelu: the slope broadcasts to X (unidirectionally); the slope is a parameter.</summary>
    public static OnnxValue[] PRelu(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        var slope = c.Shape(1);
        var shape = Broadcasting.Shape([xs, slope], c.Node.Inputs, out _);
        c.Params = Convolutions.Weights(c, 1);
        return [new OnnxValue { Shape = shape, Type = x.Type, Field = x.Field }];
    }

    /// <summary>
    /// Binary and variadic broadcasting operators (Add … Where, Expand's broadcast). Integer contents fold: + − · are exact on
    /// symbolic sizes, Div truncates (floors for symbolic sizes, which are non-negative), comparisons fold where decided.
    /// </summary>
    public static OnnxValue[] Broadcast(OpContext c)
    {
        var present = Enumerable.Range(0, c.Node.Inputs.Count).Where(c.Has).ToList();
        if (present.Count == 0) throw c.Refuse("it needs at least one input.");
        var values = present.Select(c.In).ToList();
        var shapes = present.Select(c.Shape).ToList();
        var names = present.Select(i => c.Node.Inputs[i]).ToList();
        var shape = Broadcasting.Shape(shapes, names, out var undecided);
        if (undecided is not null) c.Notes.Add(undecided);
        var fields = present.Where(i => !c.IsWeight(i)).Select(i => c.In(i).Field).ToList();
        var field = Union(fields, shape, names);
        int type = c.Op is "Equal" or "Greater" or "Less" or "GreaterOrEqual" or "LessOrEqual" or "And" or "Or" or "Xor" ? 9
            : c.Op == "Where" ? values[1].Type : values[0].Type;
        var result = new OnnxValue { Shape = shape, Type = type, Field = field, Ints = FoldInts(c, values, shape), Floats = FoldFloats(c, values, shape, type), Scaled = FoldScaled(c, values) };
        return [result];
    }

    /// <summary>A symbolic size (cast to float32) times one float32 constant: the scaled size Floor turns into a dimension.</summary>
    private static (Dim, float)[]? FoldScaled(OpContext c, List<OnnxValue> values)
    {
        if (c.Op != "Mul" || values.Count != 2) return null;
        foreach (var (a, b) in new[] { (values[0], values[1]), (values[1], values[0]) })
        {
            if (a.Scaled is { Length: 1 } s && s[0].Scale == 1f && b.Floats is { Length: 1 } f) return [(s[0].Size, (float)f[0])];
        }
        return null;
    }

    /// <summary>The union of the operands' fields (<see cref="FieldPropagation.Union"/>) over a possibly symbolic output.</summary>
    internal static ReceptiveField Union(IReadOnlyList<ReceptiveField> fields, Dim[] shape, IReadOnlyList<string> names)
    {
        if (fields.Count == 0) return ReceptiveField.None;
        if (fields.Count == 1) return fields[0];
        var extents = Shapes.Shape.Own(shape.Select(d => d.IsKnown ? d.Value : 1).ToArray());
        return FieldPropagation.Union(fields, extents, names).Field;
    }

    private static Dim[]? Not(Dim[]? ints) => ints?.Select(d => d.IsKnown ? (Dim)(d.Value == 0 ? 1 : 0) : Dim.Unknown()).ToArray();

    /// <summary>The row-major source index of output element <paramref name="flat"/> in an operand broadcast to <paramref name="shape"/>.</summary>
    private static int SourceIndex(long[] shape, Dim[] operand, long flat)
    {
        long index = 0, stride = 1;
        for (int a = shape.Length - 1, k = operand.Length - 1; a >= 0; a--, k--)
        {
            long coordinate = flat % shape[a];
            flat /= shape[a];
            if (k < 0) continue;
            long size = operand[k].Value;
            if (size != 1) index += coordinate * stride;
            stride *= size;
        }
        return (int)index;
    }

    private static long[]? KnownCount(Dim[] shape, IEnumerable<OnnxValue> values)
    {
        if (shape.Any(d => !d.IsKnown)) return null;
        if (values.Any(v => v.Shape is null || v.Shape.Any(d => !d.IsKnown))) return null;
        var dims = shape.Select(d => d.Value).ToArray();
        long count = 1;
        foreach (var d in dims)
        {
            count *= d;
            if (count > OpContext.MaxKept) return null;
        }
        return dims;
    }

    private static Dim[]? FoldInts(OpContext c, List<OnnxValue> values, Dim[] shape)
    {
        if (values.Any(v => v.Ints is null)) return null;
        if (c.Op == "Where" ? values.Count != 3 : c.Op is not ("Sum" or "Max" or "Min" or "Mean") && values.Count != 2) return null;
        var dims = KnownCount(shape, values);
        if (dims is null) return null;
        long count = dims.Aggregate(1L, (p, d) => p * d);
        var result = new Dim[count];
        for (long f = 0; f < count; f++)
        {
            var operands = values.Select(v => v.Ints!.Length == 0 ? (Dim?)null : v.Ints![SourceIndex(dims, v.Shape!, f) % v.Ints.Length]).ToList();
            if (operands.Any(o => o is null)) return null;
            var r = Apply(c, operands.Select(o => o!.Value).ToList());
            if (r is null) return null;
            result[f] = r.Value;
        }
        return result;
    }

    private static Dim? Apply(OpContext c, List<Dim> v)
    {
        Dim a = v[0];
        Dim b = v.Count > 1 ? v[1] : 0;
        switch (c.Op)
        {
            case "Add": return a + b;
            case "Sub": return a - b;
            case "Mul": return a * b;
            case "Sum": return v.Aggregate((x, y) => x + y);
            case "Max": return v.Aggregate(Dim.Max);
            case "Min": return v.Aggregate(Dim.Min);
            case "Div":
                if (b.IsKnown && b.Value == 0) throw c.Refuse("an integer division by zero in the shape arithmetic.");
                if (a.IsKnown && b.IsKnown) return a.Value / b.Value; // ONNX integer Div truncates (C++ semantics)
                if (b.IsKnown && b.Value > 0) return Dim.FloorDiv(a, b.Value); // sizes are non-negative: floor = truncation
                return Dim.ExactDiv(a, b);
            case "Mod":
                if (!a.IsKnown || !b.IsKnown) return null;
                if (b.Value == 0) throw c.Refuse("an integer modulo by zero in the shape arithmetic.");
                return c.Int("fmod", 0) != 0 ? a.Value % b.Value : Internal.Checked.PyMod(a.Value, b.Value);
            case "Pow":
                if (!a.IsKnown || !b.IsKnown || b.Value < 0 || b.Value > 64) return null;
                long p = 1;
                for (long i = 0; i < b.Value; i++) p = Internal.Checked.Mul(p, a.Value, "a power");
                return p;
            case "Equal" or "Less" or "Greater" or "LessOrEqual" or "GreaterOrEqual":
                {
                    var d = Dim.KnownDifference(a, b);
                    if (d is not long diff) return null;
                    bool r = c.Op switch { "Equal" => diff == 0, "Less" => diff < 0, "Greater" => diff > 0, "LessOrEqual" => diff <= 0, _ => diff >= 0 };
                    return r ? 1 : 0;
                }
            case "And" or "Or" or "Xor":
                if (!a.IsKnown || !b.IsKnown) return null;
                bool x = a.Value != 0, y = b.Value != 0;
                return (c.Op switch { "And" => x && y, "Or" => x || y, _ => x ^ y }) ? 1 : 0;
            case "Where":
                if (!a.IsKnown) return null;
                return a.Value != 0 ? v[1] : v[2];
            default:
                return null;
        }
    }

    private static double[]? FoldFloats(OpContext c, List<OnnxValue> values, Dim[] shape, int type)
    {
        if (type is not (1 or 10 or 11 or 16)) return null;
        if (c.Op is not ("Add" or "Sub" or "Mul" or "Div" or "Max" or "Min" or "Pow" or "Where")) return null;
        var operands = new List<double[]>();
        foreach (var v in values)
        {
            if (v.Floats is not null) operands.Add(v.Floats);
            else if (v.Ints is not null && v.Ints.All(d => d.IsKnown)) operands.Add(v.Ints.Select(d => (double)d.Value).ToArray());
            else return null;
        }
        var dims = KnownCount(shape, values);
        if (dims is null) return null;
        long count = dims.Aggregate(1L, (p, d) => p * d);
        var result = new double[count];
        for (long f = 0; f < count; f++)
        {
            var o = values.Select((v, k) => operands[k].Length == 0 ? double.NaN : operands[k][SourceIndex(dims, v.Shape!, f) % operands[k].Length]).ToList();
            double r = c.Op switch
            {
                "Add" => o[0] + o[1],
                "Sub" => o[0] - o[1],
                "Mul" => o[0] * o[1],
                "Div" => o[0] / o[1],
                "Max" => Math.Max(o[0], o[1]),
                "Min" => Math.Min(o[0], o[1]),
                "Pow" => Math.Pow(o[0], o[1]),
                _ => o[0] != 0 ? o[1] : o[2],
            };
            // a float32 tensor computes in float32
            result[f] = type == 1 ? (float)r : r;
        }
        return result;
    }
}
