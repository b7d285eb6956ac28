namespace CnnShape.Internal;

/// <summary>64-bit arithmetic where an overflow is a refusal that says what was being computed, never a wrong number.</summary>
internal static class Checked
{
    public static long Add(long a, long b, string what)
    {
        try { return checked(a + b); }
        catch (OverflowException) { throw Overflow(what); }
    }

    public static long Mul(long a, long b, string what)
    {
        try { return checked(a * b); }
        catch (OverflowException) { throw Overflow(what); }
    }

    public static CnnShapeException Overflow(string what) =>
        new($"{what} does not fit in 64-bit integers; cnnshape refuses rather than give a wrong number.");

    /// <summary>Floor division (rounds toward negative infinity), as ATen's <c>div_rtn</c>.</summary>
    public static long FloorDiv(long a, long b)
    {
        long q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
        return q;
    }

    /// <summary>Python's <c>%</c>: the result takes the sign of the divisor.</summary>
    public static long PyMod(long a, long b)
    {
        long r = a % b;
        if (r != 0 && ((r < 0) != (b < 0))) r += b;
        return r;
    }
}
