using CnnShape.Solvers;

namespace CnnShape.Formats.Json;

/// <summary>The <c>pad</c> JSON answers of CONTRACT.md.</summary>
public static class PadJson
{
    /// <summary><c>{"symmetric": P or null, "before", "after", "total_min", "total_max"}</c></summary>
    public static string Window(PaddingAnswer a) => JsonOut.Write(w =>
    {
        w.WriteStartObject();
        if (a.Symmetric is long sym) w.WriteNumber("symmetric", sym);
        else w.WriteNull("symmetric");
        w.WriteNumber("before", a.Before);
        w.WriteNumber("after", a.After);
        w.WriteNumber("total_min", a.SmallestTotal);
        w.WriteNumber("total_max", a.LargestTotal);
        w.WriteEndObject();
    });

    /// <summary><c>{"padding", "output_padding"}</c></summary>
    public static string Transposed(TransposedPaddingAnswer a) => JsonOut.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("padding", a.Padding);
        w.WriteNumber("output_padding", a.OutputPadding);
        w.WriteEndObject();
    });
}
