using CnnShape.Networks;
using CnnShape.Shapes;
using CnnShape.Symbolic;

namespace CnnShape.Diagnosis;

/// <summary>One edit of the user's text: the whole new text of line <see cref="Line"/>, or a new line after line <see cref="After"/>.</summary>
/// <param name="Line">The 1-based line replaced, or null.</param>
/// <param name="After">The 1-based line the new line follows (0: the top), or null.</param>
/// <param name="Text">The line's whole text, in the file's own form and indentation.</param>
public sealed record Edit(int? Line, int? After, string Text)
{
    /// <summary>Replaces line <paramref name="line"/>.</summary>
    public static Edit Replace(int line, string text) => new(line, null, text);

    /// <summary>Inserts a line after line <paramref name="line"/>.</summary>
    public static Edit Insert(int line, string text) => new(null, line, text);

    /// <summary>The lines with the edits applied; every edit refers to the original line numbers.</summary>
    public static List<string> Apply(IReadOnlyList<string> lines, IReadOnlyList<Edit> edits)
    {
        var result = new List<string>(lines.Count + edits.Count);
        for (int i = 0; i <= lines.Count; i++)
        {
            if (i > 0)
            {
                var replaced = edits.LastOrDefault(e => e.Line == i);
                result.Add(replaced is not null ? replaced.Text : lines[i - 1]);
            }
            foreach (var e in edits.Where(e => e.After == i)) result.Add(e.Text);
        }
        return result;
    }
}

/// <summary>A fix that has been checked: the edits (or a different input), why, and the output the network then gives.</summary>
/// <param name="Why">One sentence.</param>
/// <param name="Edits">Edits of the user's text (none when only the input changes).</param>
/// <param name="Input">The input shape the fix uses, when it is a different one.</param>
/// <param name="Output">The network's output with the fix applied (verified by running the engine on it).</param>
public sealed record Fix(string Why, IReadOnlyList<Edit> Edits, Shape? Input, IReadOnlyList<Dim> Output);

/// <summary>What went wrong and what fixes it.</summary>
/// <param name="Error">PyTorch's refusal, with its place.</param>
/// <param name="Node">The failing layer or merge.</param>
/// <param name="Line">The 1-based line where it is written (for Python source: the statement where PyTorch would raise).</param>
/// <param name="Cause">The cause in the user's terms, with the arithmetic.</param>
/// <param name="Report">Every row up to the failure.</param>
/// <param name="Fixes">Checked fixes, simplest first.</param>
public sealed record Diagnosis(CnnShapeException Error, string Node, int? Line, string Cause, NetworkReport Report, IReadOnlyList<Fix> Fixes)
{
    /// <summary>The tensors the failing node reads (its edges in the graph of the rows that ran).</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];
}

/// <summary>
/// The user's network as text in its own format: what the diagnosis edits and reads again. Each format says how to
/// change one argument of a layer's line, how to write a new layer line before another, and how to read lines back.
/// </summary>
public abstract class NetworkSource
{
    /// <summary>The text's lines as given.</summary>
    public abstract IReadOnlyList<string> Lines { get; }

    /// <summary>Reads (edited) lines into a network, with the format's own reader.</summary>
    public abstract Network Read(IReadOnlyList<string> lines);

    /// <summary>
    /// Reads lines into a network for one input: the same network for every input, except where the format is code run
    /// on its input (Python source), whose reshapes take their numbers from it.
    /// </summary>
    public virtual Network Read(IReadOnlyList<string> lines, Shape input) => Read(lines);

    /// <summary>
    /// The edit of <paramref name="lines"/> that sets <paramref name="parameter"/> of the layer to <paramref name="value"/>
    /// (text, e.g. <c>2704</c> or <c>16 * 13 * 13</c>), or null when this format cannot say it.
    /// </summary>
    public abstract Edit? SetArgument(IReadOnlyList<string> lines, LayerNode node, string parameter, string value);

    /// <summary>
    /// The edits of <paramref name="lines"/> that put a new layer (<paramref name="layer"/>, code form such as
    /// <c>nn.Flatten()</c>) right before <paramref name="node"/>, reading what it read; null when this format cannot say it.
    /// </summary>
    public abstract IReadOnlyList<Edit>? InsertBefore(IReadOnlyList<string> lines, LayerNode node, string layer, string name);

    /// <summary>
    /// The edits of <paramref name="lines"/> that put a new layer on one path into a merge: the layer reads
    /// <paramref name="operand"/>, and the merge reads the layer instead; null when this format cannot say it.
    /// </summary>
    public virtual IReadOnlyList<Edit>? Reroute(IReadOnlyList<string> lines, MergeNode merge, string operand, string layer, string name) => null;

    /// <summary>
    /// The edit that writes <paramref name="replacement"/> for <paramref name="text"/> in the call that made the node (code
    /// formats: <c>.view(</c> → <c>.reshape(</c>); null when this format cannot say it or the text is not there exactly once.
    /// </summary>
    public virtual Edit? Rewrite(IReadOnlyList<string> lines, LayerNode node, string text, string replacement) => null;

    /// <summary>The network's input as the text declares it, if it does.</summary>
    public virtual Shape? DeclaredInput => null;
}
