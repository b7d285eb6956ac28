using System.Globalization;
using System.Text;
using CnnShape.Internal;

namespace CnnShape.Symbolic;

/// <summary>
/// An integer expression in a normal form: a constant plus a sum of coefficient · monomial, where a monomial is a product
/// of atoms — a symbol (<c>batch</c>, <c>h</c>), a floor division of an expression by a positive constant, a min or max of
/// two expressions, a float32 scaling (ONNX Resize), or an unknown. Equal normal forms are equal expressions; the
/// simplifications are exact for integer symbols (floors of floors fold, constants leave a floor in multiples of the divisor).
/// </summary>
internal sealed class Expr : IEquatable<Expr>
{
    private Expr(long constant, Term[] terms)
    {
        Constant = constant;
        Terms = terms;
        Key = MakeKey();
    }

    /// <summary>The constant part.</summary>
    public long Constant { get; }

    /// <summary>The non-constant terms, sorted by monomial key (no zero coefficients, no repeated monomials).</summary>
    public Term[] Terms { get; }

    /// <summary>A canonical text: equal keys, equal expressions.</summary>
    public string Key { get; }

    /// <summary>Whether the expression is a constant.</summary>
    public bool IsConstant => Terms.Length == 0;

    public static Expr Const(long value) => new(value, []);

    public static Expr Of(Atom atom) => new(0, [new Term(new Monomial([atom]), 1)]);

    public static Expr Symbol(string name) => Of(new SymbolAtom(name));

    private static int _unknowns;

    /// <summary>A fresh unknown: equal only to itself.</summary>
    public static Expr Unknown() => Of(new UnknownAtom(Interlocked.Increment(ref _unknowns)));

    /// <summary>Every symbol the expression mentions (not the unknowns).</summary>
    public IEnumerable<string> Symbols() => Terms.SelectMany(t => t.Monomial.Atoms).SelectMany(a => a.Symbols()).Distinct();

    /// <summary>Whether an unknown appears anywhere in it.</summary>
    public bool HasUnknown => Terms.Any(t => t.Monomial.Atoms.Any(a => a.HasUnknown));

    private static Expr Make(long constant, Dictionary<string, (Monomial M, long Coef)> terms)
    {
        var list = terms.Values.Where(t => t.Coef != 0).OrderBy(t => t.M.Key, StringComparer.Ordinal).Select(t => new Term(t.M, t.Coef)).ToArray();
        return new Expr(constant, list);
    }

    public static Expr operator +(Expr a, Expr b)
    {
        var terms = new Dictionary<string, (Monomial, long)>(StringComparer.Ordinal);
        foreach (var t in a.Terms) terms[t.Monomial.Key] = (t.Monomial, t.Coef);
        foreach (var t in b.Terms)
        {
            terms[t.Monomial.Key] = terms.TryGetValue(t.Monomial.Key, out var e)
                ? (t.Monomial, Checked.Add(e.Item2, t.Coef, "a symbolic dimension"))
                : (t.Monomial, t.Coef);
        }
        return Make(Checked.Add(a.Constant, b.Constant, "a symbolic dimension"), terms);
    }

    public static Expr operator -(Expr a) => a * -1;

    public static Expr operator -(Expr a, Expr b) => a + -b;

    public static Expr operator *(Expr a, long k)
    {
        if (k == 0) return Const(0);
        return new Expr(Checked.Mul(a.Constant, k, "a symbolic dimension"), a.Terms.Select(t => new Term(t.Monomial, Checked.Mul(t.Coef, k, "a symbolic dimension"))).ToArray());
    }

    public static Expr operator *(Expr a, Expr b)
    {
        if (a.IsConstant) return b * a.Constant;
        if (b.IsConstant) return a * b.Constant;
        var terms = new Dictionary<string, (Monomial, long)>(StringComparer.Ordinal);
        void Add(Monomial m, long coef)
        {
            terms[m.Key] = terms.TryGetValue(m.Key, out var e) ? (m, Checked.Add(e.Item2, coef, "a symbolic dimension")) : (m, coef);
        }
        long constant = Checked.Mul(a.Constant, b.Constant, "a symbolic dimension");
        foreach (var t in a.Terms)
        {
            if (b.Constant != 0) Add(t.Monomial, Checked.Mul(t.Coef, b.Constant, "a symbolic dimension"));
            foreach (var u in b.Terms) Add(t.Monomial.Times(u.Monomial), Checked.Mul(t.Coef, u.Coef, "a symbolic dimension"));
        }
        if (a.Constant != 0)
        {
            foreach (var u in b.Terms) Add(u.Monomial, Checked.Mul(u.Coef, a.Constant, "a symbolic dimension"));
        }
        return Make(constant, terms);
    }

    /// <summary>
    /// ⌊a / k⌋ for a constant k ≠ 0, simplified: multiples of k leave the floor (⌊(k·Q + R)/k⌋ = Q + ⌊R/k⌋), a common
    /// factor g of the rest and k cancels (⌊(g·X + r)/(g·m)⌋ = ⌊(X + ⌊r/g⌋)/m⌋), and a floor inside folds
    /// (⌊(⌊X/a⌋ + c)/k⌋ = ⌊(X + c·a)/(a·k)⌋). All exact for integer X.
    /// </summary>
    public static Expr FloorDiv(Expr a, long k)
    {
        if (k == 0) throw new CnnShapeException("a dimension is divided by zero.");
        if (k < 0) return FloorDiv(-a, -k);
        if (k == 1) return a;
        if (a.IsConstant) return Const(Checked.FloorDiv(a.Constant, k));
        // split every coefficient into a multiple of k and a remainder in [0, k)
        var quotient = new Dictionary<string, (Monomial, long)>(StringComparer.Ordinal);
        var rest = new Dictionary<string, (Monomial, long)>(StringComparer.Ordinal);
        foreach (var t in a.Terms)
        {
            long q = Checked.FloorDiv(t.Coef, k), r = t.Coef - q * k;
            if (q != 0) quotient[t.Monomial.Key] = (t.Monomial, q);
            if (r != 0) rest[t.Monomial.Key] = (t.Monomial, r);
        }
        long q0 = Checked.FloorDiv(a.Constant, k), r0 = a.Constant - q0 * k;
        var whole = Make(q0, quotient);
        if (rest.Count == 0) return whole;
        // cancel a common factor of the rest's coefficients and k
        long g = k;
        foreach (var (_, c) in rest.Values) g = Gcd(g, c);
        long m = k / g;
        long r1 = Checked.FloorDiv(r0, g);
        var reduced = Make(r1, rest.ToDictionary(kv => kv.Key, kv => (kv.Value.Item1, kv.Value.Item2 / g), StringComparer.Ordinal));
        if (m == 1) return whole + reduced;
        // ⌊(⌊X/b⌋ + c)/m⌋ = ⌊(X + c·b)/(b·m)⌋
        if (reduced.Terms.Length == 1 && reduced.Terms[0].Coef == 1 && reduced.Terms[0].Monomial.Atoms is [FloorAtom inner])
        {
            var folded = inner.Numerator + Const(Checked.Mul(reduced.Constant, inner.Divisor, "a symbolic dimension"));
            return whole + FloorDiv(folded, Checked.Mul(inner.Divisor, m, "a symbolic dimension"));
        }
        return whole + Of(new FloorAtom(reduced, m));
    }

    /// <summary>⌈a / k⌉ = ⌊(a + k − 1) / k⌋ for k &gt; 0.</summary>
    public static Expr CeilDiv(Expr a, long k) => k > 0 ? FloorDiv(a + Const(k - 1), k) : -FloorDiv(-a, k);

    /// <summary>a / b when b divides a exactly as polynomials (b a constant, or a single monomial); otherwise null.</summary>
    public static Expr? ExactDiv(Expr a, Expr b)
    {
        if (b.IsConstant)
        {
            if (b.Constant == 0) return null;
            if (a.Constant % b.Constant != 0 || a.Terms.Any(t => t.Coef % b.Constant != 0)) return null;
            return new Expr(a.Constant / b.Constant, a.Terms.Select(t => new Term(t.Monomial, t.Coef / b.Constant)).ToArray());
        }
        if (b.Constant != 0 || b.Terms.Length != 1 || a.Constant != 0) return null;
        var (bm, bc) = (b.Terms[0].Monomial, b.Terms[0].Coef);
        var terms = new Dictionary<string, (Monomial, long)>(StringComparer.Ordinal);
        long constant = 0;
        foreach (var t in a.Terms)
        {
            if (t.Coef % bc != 0) return null;
            var m = t.Monomial.Over(bm);
            if (m is null) return null;
            // a term that is the divisor's monomial times a number leaves that number
            if (m.Atoms.Length == 0) constant = Checked.Add(constant, t.Coef / bc, "a symbolic dimension");
            else terms[m.Key] = (m, t.Coef / bc);
        }
        return Make(constant, terms);
    }

    public static Expr Min(Expr a, Expr b) => MinMax(a, b, max: false);

    public static Expr Max(Expr a, Expr b) => MinMax(a, b, max: true);

    private static Expr MinMax(Expr a, Expr b, bool max)
    {
        var d = a - b;
        if (d.IsConstant) return (d.Constant >= 0) == max ? a : b;
        var (x, y) = string.CompareOrdinal(a.Key, b.Key) <= 0 ? (a, b) : (b, a);
        return Of(new MinMaxAtom(x, y, max));
    }

    /// <summary>⌊float32(a)·scale⌋ as ONNX shape inference computes Resize sizes (float32 product, then floor).</summary>
    public static Expr ScaleFloor(Expr a, float scale)
    {
        if (a.IsConstant) return Const(Rules.Interpolation.ScaleFloat32(a.Constant, scale));
        // an integer scale is exact while the value stays below 2^24
        if (scale == MathF.Floor(scale) && scale is >= 1 and < 1 << 20) return a * (long)scale;
        return Of(new ScaleAtom(a, scale));
    }

    /// <summary>The value with every symbol bound; overflow is refused.</summary>
    public long Evaluate(Func<string, long> bind)
    {
        long sum = Constant;
        foreach (var t in Terms) sum = Checked.Add(sum, Checked.Mul(t.Coef, t.Monomial.Evaluate(bind), "a symbolic dimension"), "a symbolic dimension");
        return sum;
    }

    /// <summary>Python syntax: <c>2*batch</c>, <c>(h + 1)//2</c>, <c>min(h, 7)</c>.</summary>
    public string ToPython() => Format(python: true);

    /// <summary>Mathematical notation: <c>2·batch</c>, <c>⌊(h + 1)/2⌋</c>, <c>min(h, 7)</c>.</summary>
    public override string ToString() => Format(python: false);

    internal string Format(bool python)
    {
        var sb = new StringBuilder();
        var ordered = Terms.OrderByDescending(t => t.Monomial.Atoms.Length).ThenBy(t => t.Monomial.Key, StringComparer.Ordinal);
        foreach (var t in ordered)
        {
            long c = t.Coef;
            if (sb.Length == 0) { if (c < 0) sb.Append(python ? "-" : "−"); }
            else sb.Append(c < 0 ? (python ? " - " : " − ") : " + ");
            long abs = Math.Abs(c);
            if (abs != 1) sb.Append(abs.ToString(CultureInfo.InvariantCulture)).Append(python ? "*" : "·");
            sb.Append(t.Monomial.Format(python, coefficient: abs != 1));
        }
        if (Constant != 0 || sb.Length == 0)
        {
            if (sb.Length == 0) sb.Append(Constant.ToString(CultureInfo.InvariantCulture));
            else sb.Append(Constant < 0 ? (python ? " - " : " − ") : " + ").Append(Math.Abs(Constant).ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private string MakeKey()
    {
        var sb = new StringBuilder();
        sb.Append(Constant.ToString(CultureInfo.InvariantCulture));
        foreach (var t in Terms) sb.Append('+').Append(t.Coef.ToString(CultureInfo.InvariantCulture)).Append('*').Append(t.Monomial.Key);
        return sb.ToString();
    }

    private static long Gcd(long a, long b)
    {
        a = Math.Abs(a);
        b = Math.Abs(b);
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    public bool Equals(Expr? other) => other is not null && Key == other.Key;

    public override bool Equals(object? obj) => Equals(obj as Expr);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);
}

/// <summary>A coefficient times a monomial.</summary>
internal readonly record struct Term(Monomial Monomial, long Coef);

/// <summary>A product of atoms (sorted by key; a repeated atom is a power).</summary>
internal sealed class Monomial
{
    public Monomial(Atom[] atoms)
    {
        Atoms = atoms.OrderBy(a => a.Key, StringComparer.Ordinal).ToArray();
        Key = string.Join("*", Atoms.Select(a => a.Key));
    }

    public Atom[] Atoms { get; }

    public string Key { get; }

    public Monomial Times(Monomial other) => new([.. Atoms, .. other.Atoms]);

    /// <summary>This monomial divided by <paramref name="other"/>, when every atom of it appears here; otherwise null.</summary>
    public Monomial? Over(Monomial other)
    {
        var left = Atoms.ToList();
        foreach (var a in other.Atoms)
        {
            int i = left.FindIndex(x => x.Key == a.Key);
            if (i < 0) return null;
            left.RemoveAt(i);
        }
        return new Monomial([.. left]);
    }

    public long Evaluate(Func<string, long> bind)
    {
        long p = 1;
        foreach (var a in Atoms) p = Checked.Mul(p, a.Evaluate(bind), "a symbolic dimension");
        return p;
    }

    public string Format(bool python, bool coefficient) =>
        string.Join(python ? "*" : "·", Atoms.Select(a => a.Format(python, inProduct: coefficient || Atoms.Length > 1)));
}

/// <summary>The indivisible parts of an expression.</summary>
internal abstract class Atom
{
    public abstract string Key { get; }
    public abstract long Evaluate(Func<string, long> bind);
    public abstract string Format(bool python, bool inProduct);
    public abstract IEnumerable<string> Symbols();
    public virtual bool HasUnknown => false;
}

/// <summary>A named dimension (an ONNX <c>dim_param</c>, a Python variable).</summary>
internal sealed class SymbolAtom(string name) : Atom
{
    public string Name { get; } = name;
    public override string Key => "s:" + Name;
    public override long Evaluate(Func<string, long> bind) => bind(Name);
    public override string Format(bool python, bool inProduct) => Name;
    public override IEnumerable<string> Symbols() => [Name];
}

/// <summary>A dimension nothing determines statically (NonZero's count, a data-dependent size): equal only to itself.</summary>
internal sealed class UnknownAtom(int id) : Atom
{
    public override string Key => "u:" + id.ToString(CultureInfo.InvariantCulture);
    public override long Evaluate(Func<string, long> bind) => throw new CnnShapeException("an unknown dimension has no value.");
    public override string Format(bool python, bool inProduct) => "?";
    public override IEnumerable<string> Symbols() => [];
    public override bool HasUnknown => true;
}

/// <summary>⌊numerator / divisor⌋ with divisor ≥ 2 and the numerator in normal form.</summary>
internal sealed class FloorAtom(Expr numerator, long divisor) : Atom
{
    public Expr Numerator { get; } = numerator;
    public long Divisor { get; } = divisor;
    public override string Key => "f:(" + Numerator.Key + ")/" + Divisor.ToString(CultureInfo.InvariantCulture);
    public override long Evaluate(Func<string, long> bind) => Checked.FloorDiv(Numerator.Evaluate(bind), Divisor);
    public override IEnumerable<string> Symbols() => Numerator.Symbols();
    public override bool HasUnknown => Numerator.HasUnknown;

    public override string Format(bool python, bool inProduct)
    {
        string n = Numerator.Format(python);
        bool simple = Numerator.Terms.Length == 1 && Numerator.Constant == 0 && Numerator.Terms[0].Coef == 1 && Numerator.Terms[0].Monomial.Atoms.Length == 1;
        string d = Divisor.ToString(CultureInfo.InvariantCulture);
        if (!python) return $"⌊{(simple ? n : $"({n})")}/{d}⌋";
        string floor = (simple ? n : $"({n})") + "//" + d;
        return inProduct ? $"({floor})" : floor;
    }
}

/// <summary>min(a, b) or max(a, b) of two expressions whose difference is not a constant.</summary>
internal sealed class MinMaxAtom(Expr a, Expr b, bool max) : Atom
{
    public override string Key => (max ? "max(" : "min(") + a.Key + "," + b.Key + ")";
    public override long Evaluate(Func<string, long> bind) => max ? Math.Max(a.Evaluate(bind), b.Evaluate(bind)) : Math.Min(a.Evaluate(bind), b.Evaluate(bind));
    public override string Format(bool python, bool inProduct) => $"{(max ? "max" : "min")}({a.Format(python)}, {b.Format(python)})";
    public override IEnumerable<string> Symbols() => a.Symbols().Concat(b.Symbols());
    public override bool HasUnknown => a.HasUnknown || b.HasUnknown;
}

/// <summary>⌊float32(x)·scale⌋ in float32 arithmetic (ONNX Resize with a non-integer scale).</summary>
internal sealed class ScaleAtom(Expr x, float scale) : Atom
{
    public override string Key => "r:(" + x.Key + ")*" + scale.ToString("R", CultureInfo.InvariantCulture);
    public override long Evaluate(Func<string, long> bind) => Rules.Interpolation.ScaleFloat32(x.Evaluate(bind), scale);
    public override IEnumerable<string> Symbols() => x.Symbols();
    public override bool HasUnknown => x.HasUnknown;

    public override string Format(bool python, bool inProduct)
    {
        string s = scale.ToString("R", CultureInfo.InvariantCulture);
        string inner = x.Terms.Length == 1 && x.Constant == 0 && x.Terms[0].Coef == 1 ? x.Format(python) : $"({x.Format(python)})";
        return python ? $"floor({inner}*{s})" : $"⌊{inner}·{s}⌋";
    }
}
