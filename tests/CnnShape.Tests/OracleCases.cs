using System.Text.Json;

namespace CnnShape.Tests;

/// <summary>Reads the committed oracle files (JSON lines written by the generator scripts under oracle/).</summary>
internal static class OracleCases
{
    public static string PathOf(string name)
    {
        var local = Path.Combine(AppContext.BaseDirectory, "Oracle", name);
        return local;
    }

    public static IEnumerable<JsonElement> Read(string name)
    {
        foreach (var line in File.ReadLines(PathOf(name)))
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            yield return doc.RootElement.Clone();
        }
    }

    public static long[] Dims(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();
}
