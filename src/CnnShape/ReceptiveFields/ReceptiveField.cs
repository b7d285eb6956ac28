namespace CnnShape.ReceptiveFields;

/// <summary>
/// The receptive field of one spatial axis, exactly: unit u sees input pixels [<see cref="First"/>(u), <see cref="Last"/>(u)].
/// Through convolutions and pooling every unit's field has the same size and moves by a whole jump, so one unit
/// describes them all; after upsampling, transposed convolutions or adaptive pooling the field changes from unit to
/// unit with a period (a ×2 upsampling: two kinds of units), so the fields of one period are kept and the rest follow:
/// <c>First(u + Period) = First(u) + Shift</c>.
/// </summary>
public sealed record AxisField
{
    private readonly long[] _first;
    private readonly long[] _last;

    /// <summary>Fields of one period of units: unit r (0 ≤ r &lt; period) sees [first[r], last[r]]; first &gt; last means none.</summary>
    internal AxisField(long[] first, long[] last, long shift)
    {
        _first = first;
        _last = last;
        Shift = shift;
        long largest = 0;
        for (int r = 0; r < first.Length; r++) largest = Math.Max(largest, last[r] - first[r] + 1);
        Size = largest;
    }

    /// <summary>A field the same for every unit: unit u sees [start + u·jump, start + u·jump + size − 1].</summary>
    public static AxisField Uniform(long start, long size, long jump) => new([start], [start + size - 1], jump);

    /// <summary>The field of the network input itself: one pixel, jump 1, starting at 0.</summary>
    public static readonly AxisField Identity = Uniform(0, 1, 1);

    /// <summary>The field of a network input axis of <paramref name="size"/> pixels.</summary>
    public static AxisField Input(long size) => Identity with { Extent = size };

    /// <summary>How many units the fields take to repeat (1 through convolutions and pooling).</summary>
    public int Period => _first.Length;

    /// <summary>How far, in input pixels, the fields move over one period.</summary>
    public long Shift { get; }

    /// <summary>The input pixels the largest field of a unit spans (every unit's, when the period is 1).</summary>
    public Fraction Size { get; }

    /// <summary>The distance in input pixels between neighbouring units' fields, on average over a period (exact when it is 1).</summary>
    public Fraction Jump => new(Shift, Period);

    /// <summary>The input coordinate of the first pixel of unit 0's field (negative when it begins in the padding).</summary>
    public Fraction Start => First(0);

    /// <summary>The first input pixel unit <paramref name="unit"/> sees (any unit: those past the tensor's ends follow the period).</summary>
    public long First(long unit)
    {
        long q = Internal.Checked.FloorDiv(unit, Period);
        return Internal.Checked.Add(_first[(int)(unit - q * Period)], Internal.Checked.Mul(q, Shift, "a receptive field"), "a receptive field");
    }

    /// <summary>The last input pixel unit <paramref name="unit"/> sees (less than <see cref="First"/> when it sees none).</summary>
    public long Last(long unit)
    {
        long q = Internal.Checked.FloorDiv(unit, Period);
        return Internal.Checked.Add(_last[(int)(unit - q * Period)], Internal.Checked.Mul(q, Shift, "a receptive field"), "a receptive field");
    }

    /// <summary>How many units the tensor has along the axis (−1 when not known).</summary>
    public long Extent { get; init; } = -1;

    /// <summary>The units of earlier tensors each unit reads (null for the network input, whose units are its pixels).</summary>
    internal Lineage? From { get; init; }

    /// <summary>
    /// The input pixels unit <paramref name="unit"/> really sees — its field without the units of earlier tensors that lie
    /// in their padding, and with the weights resampling really gives (PyTorch's float32 source positions): [first, last],
    /// or null when it sees none (a unit of padding). The units read are followed back to the input, each once.
    /// </summary>
    public (long First, long Last)? Seen(long unit)
    {
        var memo = new Dictionary<(AxisField, long), (long, long)?>(KeyComparer.Instance);
        var stack = new Stack<(AxisField Field, long Unit)>();
        stack.Push((this, unit));
        while (stack.Count > 0)
        {
            var (f, u) = stack.Peek();
            if (memo.ContainsKey((f, u)))
            {
                stack.Pop();
                continue;
            }
            if (u < 0 || f.Extent >= 0 && u >= f.Extent)
            {
                memo[(f, u)] = null;
                stack.Pop();
                continue;
            }
            if (f.From is not { } from)
            {
                memo[(f, u)] = (u, u);
                stack.Pop();
                continue;
            }
            bool ready = true;
            foreach (var source in from.Sources)
            {
                foreach (long t in from.Reads(u))
                {
                    if (!memo.ContainsKey((source, t)))
                    {
                        stack.Push((source, t));
                        ready = false;
                    }
                }
            }
            if (!ready) continue;
            long lo = long.MaxValue, hi = long.MinValue;
            foreach (var source in from.Sources)
            {
                foreach (long t in from.Reads(u))
                {
                    if (memo[(source, t)] is { } r)
                    {
                        lo = Math.Min(lo, r.Item1);
                        hi = Math.Max(hi, r.Item2);
                    }
                }
            }
            memo[(f, u)] = lo <= hi ? (lo, hi) : null;
            stack.Pop();
        }
        return memo[(this, unit)];
    }

    private sealed class KeyComparer : IEqualityComparer<(AxisField, long)>
    {
        public static readonly KeyComparer Instance = new();
        public bool Equals((AxisField, long) x, (AxisField, long) y) => ReferenceEquals(x.Item1, y.Item1) && x.Item2 == y.Item2;
        public int GetHashCode((AxisField, long) k) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(k.Item1), k.Item2);
    }

    /// <inheritdoc/>
    public bool Equals(AxisField? other) =>
        other is not null && Shift == other.Shift && Extent == other.Extent
        && _first.AsSpan().SequenceEqual(other._first) && _last.AsSpan().SequenceEqual(other._last);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Shift, Period, _first[0], _last[0]);
}

/// <summary>Where an axis's units come from: the fields they read and which of their units (the same for each source).</summary>
/// <param name="Sources">The earlier tensors' fields (several for a merge).</param>
/// <param name="Reads">The source units unit u reads with a non-zero weight.</param>
internal sealed record Lineage(IReadOnlyList<AxisField> Sources, Func<long, IEnumerable<long>> Reads);

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

    /// <summary>A tensor the model makes itself (a parameter, torch.zeros): it reads nothing of the input.</summary>
    public static readonly ReceptiveField Constant = new NoField(mixed: false) { IsConstant = true };
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

    /// <summary>Whether the tensor is a constant of the model (it reads nothing of the input).</summary>
    public bool IsConstant { get; init; }
}
