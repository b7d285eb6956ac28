using System.Globalization;
using System.Text;

namespace CnnShape;

/// <summary>
/// The user's input is invalid or impossible. It carries the rule that broke (with the numbers) and, as data, the place:
/// the file, line and column, the node or layer, the layer text and the input it got. The message renders both.
/// </summary>
public sealed class CnnShapeException : Exception
{
    /// <summary>Creates the error with the rule that broke and, optionally, where.</summary>
    public CnnShapeException(string rule, Place? place = null, Mismatch? mismatch = null) : base(rule)
    {
        Rule = rule;
        Place = place ?? Place.None;
        Mismatch = mismatch;
    }

    /// <summary>The rule that broke, with the numbers, without the place: one sentence or a short paragraph.</summary>
    public string Rule { get; }

    /// <summary>Where it broke (each part optional).</summary>
    public Place Place { get; }

    /// <summary>When the rule compares an argument of the layer with what the input brings: which, and both numbers.</summary>
    public Mismatch? Mismatch { get; }

    /// <summary>Set when the refusal is an output size below the minimum: the input is too small for the layer.</summary>
    public bool TooSmall { get; init; }

    /// <summary>The place, then the rule: <c>net.yaml:8: layer 'conv2' `Conv2d(3, 8, 3)` on input [1, 4, 8, 8]: …</c>.</summary>
    public override string Message => Place.Render(Rule);

    /// <summary>The same error at a place rewritten by <paramref name="move"/> (e.g. a column in the layer text moved to the file's column).</summary>
    public CnnShapeException Relocate(Func<Place, Place> move) =>
        new(Rule, move(Place), Mismatch) { TooSmall = TooSmall };

    /// <summary>The same error seen from an enclosing place: what this error already knows wins, the outer place fills the rest.</summary>
    public CnnShapeException Within(Place outer) =>
        new(Rule, Place.Within(outer), Mismatch) { TooSmall = TooSmall };
}

/// <summary>An argument of a layer that disagrees with its input: <c>in_channels</c> 3 where the input has 4 channels.</summary>
/// <param name="Argument">The constructor argument (<c>in_channels</c>, <c>in_features</c>, <c>num_features</c>, …).</param>
/// <param name="Expected">The value the layer was built with.</param>
/// <param name="Actual">The value the input brings.</param>
/// <param name="Axis">The input dimension compared (negative counts from the end).</param>
public sealed record Mismatch(string Argument, long Expected, long Actual, int Axis);

/// <summary>Where an error happened. Every part is optional; <see cref="Render"/> writes the parts that are known.</summary>
public sealed record Place
{
    /// <summary>Nowhere in particular.</summary>
    public static readonly Place None = new();

    /// <summary>The file name as the user gave it.</summary>
    public string? File { get; init; }
    /// <summary>1-based line in the file (or in a batch of JSON lines).</summary>
    public int? Line { get; init; }
    /// <summary>1-based column in the line or in the layer text.</summary>
    public int? Column { get; init; }
    /// <summary>How the node is called in messages: layer, merge, node (ONNX), call (Python).</summary>
    public string? Kind { get; init; }
    /// <summary>The node, layer or module name (<c>conv1</c>, <c>features.3</c>, an ONNX node name).</summary>
    public string? Node { get; init; }
    /// <summary>The layer as written (<c>Conv2d(3, 16, 3)</c>).</summary>
    public string? Text { get; init; }
    /// <summary>The input the node got, as printed (<c>[1, 3, 32, 32]</c>, or several named shapes).</summary>
    public string? Input { get; init; }

    /// <summary>This place inside <paramref name="outer"/>: the parts this place knows win.</summary>
    public Place Within(Place outer) => new()
    {
        File = File ?? outer.File,
        Line = Line ?? outer.Line,
        Column = Column ?? outer.Column,
        Kind = Kind ?? outer.Kind,
        Node = Node ?? outer.Node,
        Text = Text ?? outer.Text,
        Input = Input ?? outer.Input,
    };

    /// <summary><c>file:line: </c> (or <c>line N: </c>) when known.</summary>
    public string Location
    {
        get
        {
            if (File is null && Line is null) return "";
            var sb = new StringBuilder();
            if (File is not null)
            {
                sb.Append(File);
                if (Line is int l)
                {
                    sb.Append(':').Append(l.ToString(CultureInfo.InvariantCulture));
                    if (Column is int col) sb.Append(':').Append(col.ToString(CultureInfo.InvariantCulture));
                }
            }
            else sb.Append("line ").Append(Line!.Value.ToString(CultureInfo.InvariantCulture));
            return sb.Append(": ").ToString();
        }
    }

    /// <summary>The place followed by the rule, as one paragraph.</summary>
    public string Render(string rule)
    {
        var sb = new StringBuilder(Location);
        string? kind = Kind ?? (Text is not null ? "layer" : Node is not null ? "node" : null);
        if (kind is not null)
        {
            sb.Append(kind);
            if (Node is not null) sb.Append(" '").Append(Node).Append('\'');
            if (Text is not null) sb.Append(" `").Append(Text).Append('`');
            if (Input is not null) sb.Append(" on ").Append(Input.StartsWith('[') ? "input " : "").Append(Input);
            if (Column is int c && Line is null) sb.Append(" at column ").Append(c.ToString(CultureInfo.InvariantCulture));
            sb.Append(": ");
        }
        else if (Column is int c && File is null)
        {
            sb.Append("column ").Append(c.ToString(CultureInfo.InvariantCulture)).Append(": ");
        }
        return sb.Append(rule).ToString();
    }
}
