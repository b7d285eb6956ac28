using System.Globalization;

namespace CnnShape.Cli.Rendering;

/// <summary>Numbers where people read them: counts in k/M/G/T and bytes in kB/MB/GB (powers of 1000, as torchinfo), or exact.</summary>
internal static class Units
{
    private static readonly string[] Prefixes = ["", " k", " M", " G", " T", " P", " E"];

    /// <summary>A count: <c>15.35 G</c>, <c>9.47 k</c>, <c>448</c>; exact: <c>15,346,630,656</c>.</summary>
    public static string Count(long n, bool exact = false)
    {
        if (exact || Math.Abs(n) < 1000) return n.ToString("N0", CultureInfo.InvariantCulture);
        return Scaled(n, "0.00", "");
    }

    /// <summary>Bytes: <c>58.3 MB</c>, <c>602.1 kB</c>, <c>12 B</c>; exact: <c>58,298,368 B</c>.</summary>
    public static string Bytes(long n, bool exact = false)
    {
        if (exact || Math.Abs(n) < 1000) return n.ToString("N0", CultureInfo.InvariantCulture) + " B";
        return Scaled(n, "0.0", "B");
    }

    private static string Scaled(long n, string format, string unit)
    {
        double v = n;
        int p = 0;
        while (Math.Abs(v) >= 999.95 && p < Prefixes.Length - 1)
        {
            v /= 1000;
            p++;
        }
        string prefix = Prefixes[p];
        return v.ToString(format, CultureInfo.InvariantCulture) + (unit.Length == 0 ? prefix : (prefix.Length == 0 ? " " : prefix) + unit);
    }
}
