using System.Globalization;

namespace CnnShape.Symbolic;

/// <summary>
/// A tensor dimension: a known size, or an exact integer expression of symbolic sizes (<c>batch</c>, <c>⌊h/2⌋</c>,
/// <c>16·⌊h/4⌋·⌊w/4⌋</c>), or unknown (<c>?</c>). Arithmetic on known sizes is checked 64-bit arithmetic.
/// </summary>
public readonly struct Dim : IEquatable<Dim>
{
    private readonly long _value;
    private readonly Expr? _expr;

    private Dim(long value, Expr? expr)
    {
        _value = value;
        _expr = expr;
    }

    private static Dim From(Expr e) => e.IsConstant ? new Dim(e.Constant, null) : new Dim(0, e);

    /// <summary>A named symbolic size.</summary>
    public static Dim Symbol(string name) => new(0, Expr.Symbol(name));

    /// <summary>A fresh unknown size (equal only to itself).</summary>
    public static Dim Unknown() => new(0, Expr.Unknown());

    /// <summary>A known size.</summary>
    public static implicit operator Dim(long value) => new(value, null);

    /// <summary>Whether the size is a number.</summary>
    public bool IsKnown => _expr is null;

    /// <summary>Whether something unknown (not just symbolic) is part of it.</summary>
    public bool HasUnknown => _expr?.HasUnknown ?? false;

    /// <summary>The size; only for known dimensions.</summary>
    public long Value => _expr is null ? _value : throw new InvalidOperationException($"the dimension {this} is symbolic");

    /// <summary>The symbols it depends on.</summary>
    public IEnumerable<string> Symbols => _expr?.Symbols() ?? [];

    private Expr E => _expr ?? Expr.Const(_value);

    /// <summary>Sum.</summary>
    public static Dim operator +(Dim a, Dim b) => a.IsKnown && b.IsKnown ? Internal.Checked.Add(a._value, b._value, "a dimension") : From(a.E + b.E);
    /// <summary>Difference.</summary>
    public static Dim operator -(Dim a, Dim b) => a.IsKnown && b.IsKnown ? Internal.Checked.Add(a._value, -b._value, "a dimension") : From(a.E - b.E);
    /// <summary>Product.</summary>
    public static Dim operator *(Dim a, Dim b) => a.IsKnown && b.IsKnown ? Internal.Checked.Mul(a._value, b._value, "a dimension") : From(a.E * b.E);
    /// <summary>Negation.</summary>
    public static Dim operator -(Dim a) => a.IsKnown ? -a._value : From(-a.E);

    /// <summary>⌊a / k⌋ (floor division, as Python's <c>//</c> and ATen's <c>div_rtn</c>).</summary>
    public static Dim FloorDiv(Dim a, long k) => a.IsKnown ? (k == 0 ? throw new CnnShapeException("a dimension is divided by zero.") : Internal.Checked.FloorDiv(a._value, k)) : From(Expr.FloorDiv(a.E, k));

    /// <summary>⌈a / k⌉.</summary>
    public static Dim CeilDiv(Dim a, long k) => a.IsKnown ? (k == 0 ? throw new CnnShapeException("a dimension is divided by zero.") : -Internal.Checked.FloorDiv(-a._value, k)) : From(Expr.CeilDiv(a.E, k));

    /// <summary>⌊a / b⌋ for a known or symbolic divisor: exact when b divides a as polynomials, unknown when it cannot be formed.</summary>
    public static Dim FloorDiv(Dim a, Dim b)
    {
        if (b.IsKnown) return FloorDiv(a, b._value);
        var q = Expr.ExactDiv(a.E, b.E);
        return q is null ? Unknown() : From(q);
    }

    /// <summary>a / b exactly, or null when it is not an exact quotient (Reshape's −1, a known count divided by a known count).</summary>
    public static Dim? ExactDiv(Dim a, Dim b)
    {
        if (a.IsKnown && b.IsKnown) return b._value != 0 && a._value % b._value == 0 ? a._value / b._value : null;
        var q = Expr.ExactDiv(a.E, b.E);
        return q is null ? null : From(q);
    }

    /// <summary>The smaller.</summary>
    public static Dim Min(Dim a, Dim b) => a.IsKnown && b.IsKnown ? Math.Min(a._value, b._value) : From(Expr.Min(a.E, b.E));

    /// <summary>The larger.</summary>
    public static Dim Max(Dim a, Dim b) => a.IsKnown && b.IsKnown ? Math.Max(a._value, b._value) : From(Expr.Max(a.E, b.E));

    /// <summary>⌊float32(a) · scale⌋ (ONNX Resize).</summary>
    public static Dim ScaleFloat32(Dim a, float scale) => a.IsKnown ? Rules.Interpolation.ScaleFloat32(a._value, scale) : From(Expr.ScaleFloor(a.E, scale));

    /// <summary>The difference a − b when it is a known number (so the comparison is decided for every value of the symbols).</summary>
    public static long? KnownDifference(Dim a, Dim b)
    {
        var d = a - b;
        return d.IsKnown ? d._value : null;
    }

    /// <summary>k when the dimension is exactly k·<paramref name="symbol"/> (a count per sample of a symbolic batch); otherwise null.</summary>
    public long? Per(string symbol) =>
        _expr is { Constant: 0, Terms: [{ Monomial.Atoms: [SymbolAtom s] } term] } && s.Name == symbol ? term.Coef : null;

    /// <summary>The value with every symbol bound.</summary>
    public long Evaluate(Func<string, long> bind) => _expr is null ? _value : _expr.Evaluate(bind);

    /// <summary>Python syntax (<c>2*batch</c>, <c>(h + 1)//2</c>); a number for a known size.</summary>
    public string ToPython() => _expr is null ? _value.ToString(CultureInfo.InvariantCulture) : _expr.ToPython();

    /// <summary>Mathematical notation (<c>2·batch</c>, <c>⌊(h + 1)/2⌋</c>); a number for a known size.</summary>
    public override string ToString() => _expr is null ? _value.ToString(CultureInfo.InvariantCulture) : _expr.ToString();

    /// <summary>Equal as expressions (two unknowns are equal only if they are the same one).</summary>
    public bool Equals(Dim other) => IsKnown ? other.IsKnown && _value == other._value : !other.IsKnown && _expr!.Equals(other._expr);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Dim d && Equals(d);

    /// <inheritdoc/>
    public override int GetHashCode() => _expr?.GetHashCode() ?? _value.GetHashCode();

    /// <summary>Equality.</summary>
    public static bool operator ==(Dim a, Dim b) => a.Equals(b);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Dim a, Dim b) => !a.Equals(b);

    /// <summary>Formats a shape of dimensions as PyTorch prints a shape: <c>[batch, 3, 224, 224]</c>.</summary>
    public static string Format(IReadOnlyList<Dim> dims) => "[" + string.Join(", ", dims.Select(d => d.ToString())) + "]";

    /// <summary>The product of the dimensions (a tensor's element count).</summary>
    public static Dim Product(IEnumerable<Dim> dims)
    {
        Dim p = 1;
        foreach (var d in dims) p *= d;
        return p;
    }
}
