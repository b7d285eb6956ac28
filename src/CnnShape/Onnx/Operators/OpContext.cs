using System.Globalization;
using CnnShape.Symbolic;

namespace CnnShape.Onnx.Operators;

/// <summary>
/// Raised inside an operator when an input it needs is not known well enough (its rank, or the contents of a shape
/// input that is computed at run time): the node's outputs become unknown and the analysis goes on. Never leaves the
/// analyzer.
/// </summary>
internal sealed class NotInferable(string reason) : Exception(reason);

/// <summary>One node being inferred: its inputs, attributes and opset, the refusals it may raise, and its counts.</summary>
internal sealed class OpContext(OnnxNode node, long opset, IReadOnlyList<OnnxValue?> inputs, Func<int, bool> isWeight)
{
    /// <summary>Values with at most this many elements keep their contents (the shape arithmetic exporters write).</summary>
    public const int MaxKept = 4096;

    public OnnxNode Node { get; } = node;

    public string Op => Node.OpType;

    public long Opset { get; } = opset;

    /// <summary>Learnable parameters the node holds (its weight initializers).</summary>
    public long Params { get; set; }

    /// <summary>Multiply–accumulates the node performs.</summary>
    public Dim Macs { get; set; }

    /// <summary>Notes for the report (a dimension that could not be formed, a value taken as given).</summary>
    public List<string> Notes { get; } = [];

    public int InputCount => inputs.Count;

    /// <summary>Whether input <paramref name="i"/> is a graph initializer (a weight, not an activation).</summary>
    public bool IsWeight(int i) => isWeight(i);

    /// <summary>Whether optional input <paramref name="i"/> is given.</summary>
    public bool Has(int i) => i < inputs.Count && i < Node.Inputs.Count && Node.Inputs[i].Length > 0;

    /// <summary>A required input.</summary>
    public OnnxValue In(int i) =>
        Has(i) ? inputs[i] ?? throw new NotInferable($"input '{Node.Inputs[i]}' is unknown") : throw Refuse($"input {i} is required but not given.");

    /// <summary>An optional input, or null.</summary>
    public OnnxValue? Opt(int i) => Has(i) ? In(i) : null;

    /// <summary>A required input's shape; an unknown rank makes the node's outputs unknown.</summary>
    public Dim[] Shape(int i) => In(i).Shape ?? throw new NotInferable($"the rank of input '{Node.Inputs[i]}' is unknown");

    /// <summary>The known integer contents of input <paramref name="i"/> (a shape, axes, pads, repeats …).</summary>
    public Dim[] IntsOf(int i, string what)
    {
        var v = In(i);
        return v.Ints ?? throw new NotInferable($"its {what} ('{Node.Inputs[i]}') are computed at run time");
    }

    /// <summary>Known integer contents that must be numbers (axes, pads, repeats) rather than symbolic sizes.</summary>
    public long[] KnownInts(int i, string what)
    {
        var dims = IntsOf(i, what);
        var result = new long[dims.Length];
        for (int k = 0; k < dims.Length; k++)
        {
            if (!dims[k].IsKnown) throw new NotInferable($"its {what} depend on the symbolic size {dims[k]}");
            result[k] = dims[k].Value;
        }
        return result;
    }

    /// <summary>The known float contents of input <paramref name="i"/> (scales).</summary>
    public double[] FloatsOf(int i, string what)
    {
        var v = In(i);
        if (v.Floats is not null) return v.Floats;
        if (v.Ints is not null && v.Ints.All(d => d.IsKnown)) return v.Ints.Select(d => (double)d.Value).ToArray();
        throw new NotInferable($"its {what} ('{Node.Inputs[i]}') are computed at run time");
    }

    public bool HasAttr(string name) => Node.Attributes.ContainsKey(name);

    public long Int(string name, long fallback) => Node.Attributes.TryGetValue(name, out var a) && a.Int is long v ? v : fallback;

    public float Float(string name, float fallback) => Node.Attributes.TryGetValue(name, out var a) && a.Float is float v ? v : fallback;

    public string Str(string name, string fallback) => Node.Attributes.TryGetValue(name, out var a) && a.String is string s ? s : fallback;

    /// <summary>An ints attribute (a single int counts as one), or null when absent.</summary>
    public long[]? Ints(string name) => Node.Attributes.TryGetValue(name, out var a) ? a.Ints ?? (a.Int is long i ? [i] : null) : null;

    public float[]? Floats(string name) => Node.Attributes.TryGetValue(name, out var a) ? a.Floats ?? (a.Float is float f ? [f] : null) : null;

    /// <summary>An ints attribute with exactly <paramref name="count"/> values, defaulting to <paramref name="fallback"/> repeated.</summary>
    public long[] IntsExactly(string name, int count, long fallback)
    {
        var v = Ints(name);
        if (v is null) return Enumerable.Repeat(fallback, count).ToArray();
        if (v.Length != count) throw Refuse($"attribute {name} has {v.Length} values, but the input has {count} spatial axes.");
        return v;
    }

    /// <summary>An axis in [−rank, rank) wrapped to [0, rank).</summary>
    public int Axis(long axis, int rank, string what = "axis")
    {
        if (axis < -rank || axis >= rank) throw Refuse($"{what} {axis} is out of range for a rank-{rank} input (expected [{-rank}, {rank - 1}]).");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    /// <summary>The operator's refusal, naming the operator (the node's place is added by the analyzer).</summary>
    public CnnShapeException Refuse(string rule) => new($"{Op}: {rule}");

    /// <summary>A shape written for messages.</summary>
    public static string Text(IReadOnlyList<Dim> dims) => Dim.Format(dims);

    /// <summary>A number for messages.</summary>
    public static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
}
