using CnnShape.Internal;
using CnnShape.Rules;
using CnnShape.Shapes;

namespace CnnShape.Layers;

/// <summary>
/// <c>ZeroPad/ConstantPad/ReflectionPad/ReplicationPad/CircularPad 1d/2d/3d</c>: <c>F.pad</c> with the layer's padding,
/// given last axis first — (left, right, top, bottom, front, back). A negative padding crops.
/// </summary>
public sealed class Pad : Layer
{
    internal Pad(string type, long[] padding, BorderMode mode, int? moduleSpatial) : base(type)
    {
        Padding = padding;
        Mode = mode;
        ModuleSpatial = moduleSpatial;
    }

    /// <summary>Padding amounts in <c>F.pad</c> order: last axis (before, after), then the one before it, …</summary>
    public long[] Padding { get; }
    /// <summary>The fill mode.</summary>
    public BorderMode Mode { get; }
    /// <summary>CircularPadNd checks its input rank itself (n+1 or n+2); the other modules leave it to F.pad.</summary>
    public int? ModuleSpatial { get; }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        if (ModuleSpatial is int n && input.Rank != n + 1 && input.Rank != n + 2)
        {
            throw new CnnShapeException($"{Type}: expected a {n + 1}-D or {n + 2}-D input, but got a {input.Rank}-D input {input}.");
        }
        if (Padding.Length % 2 != 0) throw new CnnShapeException($"{Type}: the padding must have an even length (a before and after per axis), got {Padding.Length} values.");
        int padded = Padding.Length / 2;
        if (padded > input.Rank) throw new CnnShapeException($"{Type}: {Padding.Length} padding values pad {padded} dimensions, but the input {input} has only {input.Rank}.");
        return Mode == BorderMode.Constant ? ApplyConstant(input, padded) : ApplyBorder(input, padded);
    }

    private (long before, long after) Amounts(int k, int padded) => (Padding[2 * (padded - 1 - k)], Padding[2 * (padded - 1 - k) + 1]);

    /// <summary>
    /// ATen <c>constant_pad_nd</c>: negative pads first crop with <c>narrow</c> (which cannot go below 0);
    /// if no pad is positive the cropped tensor is the answer, otherwise every padded size must end up &gt; 0.
    /// </summary>
    private LayerResult ApplyConstant(Shape input, int padded)
    {
        int first = input.Rank - padded;
        var dims = input.ToArray();
        bool anyPositive = Padding.Any(p => p > 0);
        var steps = new AxisStep[padded];
        for (int k = 0; k < padded; k++)
        {
            var (before, after) = Amounts(k, padded);
            long size = input[first + k];
            long afterBefore = size + Math.Min(before, 0);
            if (afterBefore < 0 || afterBefore + Math.Min(after, 0) < 0)
            {
                throw new CnnShapeException($"{Type}: the negative padding ({before}, {after}) crops more than the {size} positions of dimension {first + k} of {input}.");
            }
            long output = Checked.Add(Checked.Add(size, before, "the padded size"), after, "the padded size");
            if (anyPositive && output <= 0)
            {
                throw new CnnShapeException($"{Type}: the input size {size} plus padding {before} and {after} gives {output} for dimension {first + k} of {input}; with some positive padding every padded size must stay above 0.");
            }
            dims[first + k] = output;
            steps[k] = new AxisStep($"dim {first + k}", () => Formulas.Pad(size, before, after, output));
        }
        return new LayerResult(Shape.Own(dims), 0, 0, steps);
    }

    /// <summary>
    /// Reflect / replicate / circular go through ATen's per-rank kernels: 2 values pad a 2-D or 3-D input, 4 a 3-D or 4-D,
    /// 6 a 4-D or 5-D. Reflect needs each pad &lt; the size; circular each pad ≤ the size (wraps at most once).
    /// </summary>
    private LayerResult ApplyBorder(Shape input, int padded)
    {
        string mode = Borders.Word(Mode);
        if (!(input.Rank == padded + 1 || input.Rank == padded + 2) || padded is < 1 or > 3)
        {
            if (Mode == BorderMode.Circular)
            {
                throw new CnnShapeException($"{Type}: circular padding of {padded} dimension(s) needs a {padded + 1}-D or {padded + 2}-D input, but got {input}.");
            }
            throw new CnnShapeException($"{Type}: {mode} padding with {Padding.Length} values needs a {padded + 1}-D or {padded + 2}-D input, but got {input.Rank}-D {input} (only 2-D to 5-D inputs are supported).");
        }
        int first = input.Rank - padded;
        bool batched = input.Rank == padded + 2;
        var dims = input.ToArray();
        var steps = new AxisStep[padded];
        if (Mode != BorderMode.Circular)
        {
            for (int a = batched ? 1 : 0; a < input.Rank; a++)
            {
                if (input[a] == 0) throw new CnnShapeException($"{Type}: expected a {padded + 1}-D or {padded + 2}-D input with non-zero dimensions (a zero batch is allowed), but got {input}.");
            }
        }
        bool anyOutputPositive = false;
        for (int k = 0; k < padded; k++)
        {
            var (before, after) = Amounts(k, padded);
            long size = input[first + k];
            if (Borders.Violation(Mode, before, after, size) is string violation)
            {
                throw new CnnShapeException($"{Type}: {violation} (dimension {first + k} of {input}).");
            }
            long output = Checked.Add(Checked.Add(size, before, "the padded size"), after, "the padded size");
            if (Mode == BorderMode.Circular && output < 0)
            {
                throw new CnnShapeException($"{Type}: the negative circular padding ({before}, {after}) leaves a negative size on dimension {first + k} of {input}.");
            }
            if (output >= 1) anyOutputPositive = true;
            dims[first + k] = output;
            steps[k] = new AxisStep($"dim {first + k}", () => Formulas.Pad(size, before, after, output));
        }
        // The reflection/replication kernels refuse only when no padded axis keeps a positive size.
        if (Mode != BorderMode.Circular && (!anyOutputPositive || dims.Skip(first).Any(d => d < 0)))
        {
            throw new CnnShapeException($"{Type}: input {input} is too small for padding ({string.Join(", ", Padding)}): the calculated output is {Shape.Format(dims)}.");
        }
        return new LayerResult(Shape.Own(dims), 0, 0, steps);
    }

    internal override Geometry? GeometryFor(Shape input, Shape output)
    {
        int padded = Padding.Length / 2;
        var before = new long[padded];
        for (int k = 0; k < padded; k++) before[k] = Amounts(k, padded).before;
        var ones = Enumerable.Repeat(1L, padded).ToArray();
        return new WindowGeometry(ones, ones, before, ones);
    }
}
