using CnnShape.Diagnosis;
using CnnShape.Layers;
using CnnShape.Networks;
using CnnShape.Parsing;

namespace CnnShape.Formats;

/// <summary>
/// A network written as text — print(model), layer lines or YAML — as the diagnosis edits it: an argument is changed
/// inside the layer's own text on its line; a new layer is written as a line of the file's own form (a print(model)
/// child, a layer line, a YAML entry) with the same indentation.
/// </summary>
public sealed class TextSource : NetworkSource
{
    private readonly string _name;
    private readonly NetworkFormat _format;
    private readonly string[] _lines;

    /// <summary>Wraps <paramref name="text"/> in the given (or detected) format; <paramref name="name"/> names it in messages.</summary>
    public TextSource(string text, string name, NetworkFormat format = NetworkFormat.Auto)
    {
        _name = name;
        _format = format == NetworkFormat.Auto ? NetworkText.Detect(text, name) : format;
        _lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Lines => _lines;

    /// <summary>The format the text is read in.</summary>
    public NetworkFormat Format => _format;

    /// <inheritdoc/>
    public override Network Read(IReadOnlyList<string> lines) => NetworkText.Read(string.Join("\n", lines), _name, _format);

    /// <inheritdoc/>
    public override Edit? SetArgument(IReadOnlyList<string> lines, LayerNode node, string parameter, string value)
    {
        if (Locate(lines, node) is not var (line, column)) return null;
        LayerCall call;
        try { call = LayerText.Parse(node.Text); }
        catch (CnnShapeException) { return null; }
        var span = call.Spans.FirstOrDefault(s => s.Keyword == parameter) ?? call.Spans.FirstOrDefault(s => s.Keyword is null && s.Position == LayerCatalog.Position(call.Name, parameter));
        string text;
        if (span is not null) text = node.Text[..span.Start] + value + node.Text[span.End..];
        else if (call.Close >= 0) text = node.Text[..call.Close] + (call.Spans.Count > 0 ? ", " : "") + $"{parameter}={value}" + node.Text[call.Close..];
        else text = $"{node.Text}({parameter}={value})";
        string old = lines[line - 1];
        return Edit.Replace(line, old[..(column - 1)] + text + old[(column - 1 + node.Text.Length)..]);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Edit>? InsertBefore(IReadOnlyList<string> lines, LayerNode node, string layer, string name)
    {
        if (Locate(lines, node) is not var (line, _)) return null;
        string current = lines[line - 1];
        string indent = current[..(current.Length - current.TrimStart().Length)];
        string body = current.TrimStart();
        bool code = node.Text.StartsWith("nn.", StringComparison.Ordinal) || node.Text.StartsWith("torch.nn.", StringComparison.Ordinal);
        string written = code ? layer : Printed(layer);
        switch (_format)
        {
            case NetworkFormat.Printed:
                // a child of a print(model) Sequential: "(name): Layer(...)"; not inside a collapsed repeat
                if (!body.StartsWith('(') || body.Contains(" x ", StringComparison.Ordinal)) return null;
                return [Edit.Insert(line - 1, $"{indent}({Unique(lines, name)}): {written}")];
            case NetworkFormat.Lines:
                return [Edit.Insert(line - 1, indent + (body.StartsWith('(') ? $"({Unique(lines, name)}): " : "") + written)];
            case NetworkFormat.Yaml:
                // only an entry that reads the line before it ("- name: Layer(...)"): a new entry there feeds it
                if (!body.StartsWith("- ", StringComparison.Ordinal) || body.Contains('{', StringComparison.Ordinal)) return null;
                return [Edit.Insert(line - 1, $"{indent}- {Unique(lines, name)}: {written}")];
            default:
                return null;
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Edit>? Reroute(IReadOnlyList<string> lines, MergeNode merge, string operand, string layer, string name)
    {
        // YAML only: "- sum: {add: [conv2, input]}" gets a new entry before it reading the operand, and reads that entry
        if (_format != NetworkFormat.Yaml || merge.Place.Line is not int line || line < 1 || line > lines.Count) return null;
        string current = lines[line - 1];
        var list = System.Text.RegularExpressions.Regex.Match(current, @"\[([^\]]*)\]");
        if (!list.Success) return null;
        var operands = list.Groups[1].Value.Split(',').Select(o => o.Trim()).ToList();
        int at = operands.IndexOf(operand);
        if (at < 0) return null;
        string fresh = Unique(lines, name);
        operands[at] = fresh;
        string indent = current[..(current.Length - current.TrimStart().Length)];
        string code = layer.StartsWith("nn.", StringComparison.Ordinal) ? layer[3..] : layer;
        return
        [
            Edit.Insert(line - 1, $"{indent}- {fresh}: {{layer: \"{code}\", from: {operand}}}"),
            Edit.Replace(line, current[..list.Groups[1].Index] + string.Join(", ", operands) + current[(list.Groups[1].Index + list.Groups[1].Length)..]),
        ];
    }

    /// <inheritdoc/>
    public override Shapes.Shape? DeclaredInput => null;

    /// <summary>The line and column where the node's text stands, when it stands there as written.</summary>
    private static (int Line, int Column)? Locate(IReadOnlyList<string> lines, LayerNode node)
    {
        if (node.Place.Line is not int line || node.TextColumn is not int column || line < 1 || line > lines.Count) return null;
        string text = lines[line - 1];
        if (column < 1 || column - 1 + node.Text.Length > text.Length || string.CompareOrdinal(text, column - 1, node.Text, 0, node.Text.Length) != 0) return null;
        return (line, column);
    }

    /// <summary>A name no line of the text uses yet.</summary>
    private static string Unique(IReadOnlyList<string> lines, string name)
    {
        string candidate = name;
        for (int i = 1; lines.Any(l => l.Contains(candidate + ":", StringComparison.Ordinal) || l.Contains("(" + candidate + ")", StringComparison.Ordinal)); i++) candidate = $"{name}{i}";
        return candidate;
    }

    /// <summary>A layer as print(model) shows it, for the layers the diagnosis inserts.</summary>
    private static string Printed(string code)
    {
        string bare = code.StartsWith("nn.", StringComparison.Ordinal) ? code[3..] : code;
        if (bare == "Flatten()") return "Flatten(start_dim=1, end_dim=-1)";
        if (bare.StartsWith("AdaptiveAvgPool", StringComparison.Ordinal))
        {
            int open = bare.IndexOf('(');
            return bare[..(open + 1)] + "output_size=" + bare[(open + 1)..];
        }
        return bare;
    }
}
