using System.Globalization;
using CnnShape.Internal;

namespace CnnShape.ReceptiveFields;

/// <summary>An exact rational number (jumps and starts become fractional after upsampling); overflow is refused.</summary>
public readonly record struct Fraction
{
    /// <summary>Numerator (carries the sign).</summary>
    public long Num { get; }
    /// <summary>Denominator (positive).</summary>
    public long Den { get; }

    /// <summary>Makes num/den in lowest terms.</summary>
    public Fraction(long num, long den)
    {
        if (den == 0) throw new DivideByZeroException();
        if (den < 0) { num = -num; den = -den; }
        long g = Gcd(Math.Abs(num), den);
        Num = g > 1 ? num / g : num;
        Den = g > 1 ? den / g : den;
    }

    /// <summary>A whole number.</summary>
    public static implicit operator Fraction(long value) => new(value, 1);

    private static long Gcd(long a, long b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a == 0 ? 1 : a;
    }

    /// <summary>Whether the value is a whole number.</summary>
    public bool IsInteger => Den == 1;

    /// <summary>Sum.</summary>
    public static Fraction operator +(Fraction a, Fraction b) =>
        new(Checked.Add(Checked.Mul(a.Num, b.Den, "a receptive field"), Checked.Mul(b.Num, a.Den, "a receptive field"), "a receptive field"), Checked.Mul(a.Den, b.Den, "a receptive field"));

    /// <summary>Difference.</summary>
    public static Fraction operator -(Fraction a, Fraction b) => a + new Fraction(-b.Num, b.Den);

    /// <summary>Product.</summary>
    public static Fraction operator *(Fraction a, Fraction b) =>
        new(Checked.Mul(a.Num, b.Num, "a receptive field"), Checked.Mul(a.Den, b.Den, "a receptive field"));

    /// <summary>Quotient.</summary>
    public static Fraction operator /(Fraction a, Fraction b) =>
        new(Checked.Mul(a.Num, b.Den, "a receptive field"), Checked.Mul(a.Den, b.Num, "a receptive field"));

    /// <summary>Comparison.</summary>
    public static bool operator <(Fraction a, Fraction b) => (Int128)a.Num * b.Den < (Int128)b.Num * a.Den;
    /// <summary>Comparison.</summary>
    public static bool operator >(Fraction a, Fraction b) => b < a;
    /// <summary>Comparison.</summary>
    public static bool operator <=(Fraction a, Fraction b) => !(b < a);
    /// <summary>Comparison.</summary>
    public static bool operator >=(Fraction a, Fraction b) => !(a < b);

    /// <summary>The smaller of two.</summary>
    public static Fraction Min(Fraction a, Fraction b) => a < b ? a : b;
    /// <summary>The larger of two.</summary>
    public static Fraction Max(Fraction a, Fraction b) => a < b ? b : a;

    /// <summary>⌈value⌉.</summary>
    public long Ceiling() => -Checked.FloorDiv(-Num, Den);

    /// <summary>⌊value⌋.</summary>
    public long Floor() => Checked.FloorDiv(Num, Den);

    /// <summary>The value as a double (for JSON when it is not whole).</summary>
    public double ToDouble() => (double)Num / Den;

    /// <inheritdoc/>
    public override string ToString() => IsInteger ? Num.ToString(CultureInfo.InvariantCulture) : $"{Num}/{Den}";
}
