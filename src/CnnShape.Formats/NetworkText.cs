using CnnShape.Networks;

namespace CnnShape.Formats;

/// <summary>Reads a network description, choosing the format from the file name and the text itself.</summary>
public static class NetworkText
{
    /// <summary>
    /// <c>.yaml</c>/<c>.yml</c> (or text with a <c>layers:</c> key) is the cnnshape YAML format; text whose first line opens a
    /// module (<c>Sequential(</c>) is PyTorch's <c>print(model)</c>; anything else is one layer per line.
    /// </summary>
    public static Network Read(string text, string fileName)
    {
        string ext = Path.GetExtension(fileName).ToLowerInvariant();
        if (ext is ".yaml" or ".yml" || LooksLikeYaml(text)) return YamlNetworkReader.Read(text, fileName);
        var first = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
        if (first is null) throw new CnnShapeException("the file is empty.", new Place { File = fileName });
        if (first.EndsWith('(')) return PrintedModelReader.Read(text, fileName);
        return LayerLinesReader.Read(text, fileName);
    }

    private static bool LooksLikeYaml(string text) =>
        text.Split('\n').Any(l => l.StartsWith("layers:", StringComparison.Ordinal));
}
