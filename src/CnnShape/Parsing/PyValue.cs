using System.Globalization;
using System.Text;

namespace CnnShape.Parsing;

/// <summary>A Python literal as it appears in a layer's arguments: int, float, bool, None, string or tuple/list.</summary>
public abstract record PyValue
{
    /// <summary>Python's own spelling of the value, for messages.</summary>
    public abstract string ToPython();

    /// <summary>Python's name of the value's type (<c>int</c>, <c>float</c>, …).</summary>
    public abstract string TypeName { get; }
}

/// <summary>A Python <c>int</c>.</summary>
public sealed record PyInt(long Value) : PyValue
{
    /// <inheritdoc/>
    public override string ToPython() => Value.ToString(CultureInfo.InvariantCulture);
    /// <inheritdoc/>
    public override string TypeName => "int";
}

/// <summary>A Python <c>float</c>.</summary>
public sealed record PyFloat(double Value) : PyValue
{
    /// <inheritdoc/>
    public override string ToPython() => Value.ToString("R", CultureInfo.InvariantCulture);
    /// <inheritdoc/>
    public override string TypeName => "float";
}

/// <summary>A Python <c>bool</c>.</summary>
public sealed record PyBool(bool Value) : PyValue
{
    /// <inheritdoc/>
    public override string ToPython() => Value ? "True" : "False";
    /// <inheritdoc/>
    public override string TypeName => "bool";
}

/// <summary>Python's <c>None</c>.</summary>
public sealed record PyNone : PyValue
{
    /// <summary>The one instance.</summary>
    public static readonly PyNone Instance = new();
    /// <inheritdoc/>
    public override string ToPython() => "None";
    /// <inheritdoc/>
    public override string TypeName => "NoneType";
}

/// <summary>A string: quoted in code, bare in PyTorch's printed form (<c>mode=nearest</c>), which <paramref name="Bare"/> tells.</summary>
public sealed record PyStr(string Value, bool Bare = false) : PyValue
{
    /// <inheritdoc/>
    public override string ToPython() => "'" + Value + "'";
    /// <inheritdoc/>
    public override string TypeName => "str";
}

/// <summary>A tuple or list of values.</summary>
public sealed record PyTuple(IReadOnlyList<PyValue> Items, bool IsList) : PyValue
{
    /// <inheritdoc/>
    public override string ToPython()
    {
        var sb = new StringBuilder(IsList ? "[" : "(");
        for (int i = 0; i < Items.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Items[i].ToPython());
        }
        if (!IsList && Items.Count == 1) sb.Append(',');
        return sb.Append(IsList ? "]" : ")").ToString();
    }
    /// <inheritdoc/>
    public override string TypeName => IsList ? "list" : "tuple";

    /// <inheritdoc/>
    public bool Equals(PyTuple? other) => other is not null && IsList == other.IsList && Items.SequenceEqual(other.Items);

    /// <inheritdoc/>
    public override int GetHashCode() => Items.Count;
}

/// <summary>
/// <c>?</c>: a number left for the input to decide (<c>Linear(?, 120)</c>); cnnshape answers it with the value that fits.
/// </summary>
public sealed record PyHole : PyValue
{
    /// <summary>The one instance.</summary>
    public static readonly PyHole Instance = new();
    /// <inheritdoc/>
    public override string ToPython() => "?";
    /// <inheritdoc/>
    public override string TypeName => "placeholder";
}

/// <summary>Python's arithmetic on the numbers of a layer's arguments: <c>16 * 5 * 5</c>, <c>2 ** 6</c>, <c>64 // 4</c>.</summary>
public static class Arithmetic
{
    /// <summary>
    /// <paramref name="left"/> <paramref name="op"/> <paramref name="right"/> as Python computes it (ints stay ints except
    /// for <c>/</c> and a negative power; <c>//</c> and <c>%</c> floor), or null when an operand is not a number.
    /// An int result past 64 bits is refused, never wrapped.
    /// </summary>
    public static PyValue? Apply(string op, PyValue left, PyValue right)
    {
        static long? AsInt(PyValue v) => v switch { PyInt i => i.Value, PyBool b => b.Value ? 1 : 0, _ => null };
        static double? AsFloat(PyValue v) => v switch { PyFloat f => f.Value, PyInt i => i.Value, PyBool b => b.Value ? 1 : 0, _ => null };
        long? a = AsInt(left), b = AsInt(right);
        if (a is long x && b is long y)
        {
            try
            {
                switch (op)
                {
                    case "+": return new PyInt(checked(x + y));
                    case "-": return new PyInt(checked(x - y));
                    case "*": return new PyInt(checked(x * y));
                    case "//": return y == 0 ? throw new DivideByZeroException() : new PyInt(Internal.Checked.FloorDiv(x, y));
                    case "%": return y == 0 ? throw new DivideByZeroException() : new PyInt(Internal.Checked.PyMod(x, y));
                    case "/": return y == 0 ? throw new DivideByZeroException() : new PyFloat((double)x / y);
                    case "**":
                        if (y < 0) return x == 0 ? throw new DivideByZeroException() : new PyFloat(Math.Pow(x, y));
                        long p = 1;
                        for (long i = 0; i < y && !(p == 0 || p == 1 && x == 1); i++) p = checked(p * x);
                        return new PyInt(p);
                }
            }
            catch (OverflowException)
            {
                throw new CnnShapeException($"{left.ToPython()} {op} {right.ToPython()} does not fit in 64 bits; cnnshape refuses rather than give a wrong number.");
            }
        }
        double? f = AsFloat(left), g = AsFloat(right);
        if (f is not double u || g is not double v) return null;
        return op switch
        {
            "+" => new PyFloat(u + v),
            "-" => new PyFloat(u - v),
            "*" => new PyFloat(u * v),
            "/" => v == 0 ? throw new DivideByZeroException() : new PyFloat(u / v),
            "//" => v == 0 ? throw new DivideByZeroException() : new PyFloat(Math.Floor(u / v)),
            "%" => v == 0 ? throw new DivideByZeroException() : new PyFloat(u - Math.Floor(u / v) * v),
            "**" => new PyFloat(Math.Pow(u, v)),
            _ => null,
        };
    }
}
