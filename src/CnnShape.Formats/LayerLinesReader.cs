using CnnShape.Networks;
using CnnShape.Shapes;

namespace CnnShape.Formats;

/// <summary>
/// One layer per line (<c>#</c> starts a comment), applied in order; an optional <c>input: 1x3x224x224</c> line gives the input.
/// Layers are named by their position, 0, 1, 2, … as in an <c>nn.Sequential</c>, or by the <c>(name): </c> a line
/// copied from <c>print(model)</c> starts with.
/// </summary>
public static class LayerLinesReader
{
    /// <summary>Reads the lines into a chain of layers.</summary>
    public static Network Read(string text, string fileName)
    {
        var nodes = new List<NetworkNode>();
        Shape? input = null;
        string previous = "input";
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string raw = StripComment(lines[i]);
            string line = raw.Trim();
            if (line.Length == 0) continue;
            var place = new Place { File = fileName, Line = i + 1 };
            if (line.StartsWith("input:", StringComparison.Ordinal) || line.StartsWith("input ", StringComparison.Ordinal))
            {
                try { input = Shape.Parse(line[6..]); }
                catch (CnnShapeException e) { throw e.Within(place); }
                continue;
            }
            string name = nodes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // A line pasted from print(model) keeps its child name: "(conv1): Conv2d(...)".
            int close = line.StartsWith('(') ? line.IndexOf("):", StringComparison.Ordinal) : -1;
            if (close > 1)
            {
                name = line[1..close].Trim();
                line = line[(close + 2)..].Trim();
            }
            nodes.Add(Nodes.Layer(name, line, previous, place, raw.IndexOf(line, StringComparison.Ordinal) + 1));
            previous = name;
        }
        if (nodes.Count == 0) throw new CnnShapeException("no layers found (write one layer per line, e.g. Conv2d(3, 16, 3, padding=1)).", new Place { File = fileName });
        return new Network("input", input, nodes, [previous]);
    }

    internal static string StripComment(string line)
    {
        int hash = line.IndexOf('#');
        return hash >= 0 ? line[..hash] : line;
    }
}

/// <summary>Node construction shared by the readers: a layer refused at build time is refused with its place.</summary>
internal static class Nodes
{
    /// <summary>A layer node; <paramref name="textColumn"/> is where the text starts in the file's line, so a column inside the text maps onto the file.</summary>
    public static LayerNode Layer(string name, string text, string input, Place place, int? textColumn = null)
    {
        try
        {
            var layer = Layers.LayerCache.ForThread.Build(text);
            int? column = textColumn is int c0 ? c0 + (text.Length - text.TrimStart().Length) : null;
            return new LayerNode { Name = name, Inputs = [input], Place = place, Layer = layer, Text = text.Trim(), TextColumn = column };
        }
        catch (CnnShapeException e)
        {
            // place.Column is where the text starts in the file's line; a column inside the text becomes the file's column
            int? column = e.Place.Column is int c && textColumn is int start ? start + c - 1 : null;
            throw e.Within(place.Within(new Place { Kind = "layer", Node = name })).Relocate(p => p with { Column = column });
        }
    }
}
