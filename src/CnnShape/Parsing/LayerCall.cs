namespace CnnShape.Parsing;

/// <summary>A layer constructor call as written: its name, positional arguments and keyword arguments, in order.</summary>
/// <param name="Name">The layer class name without <c>nn.</c> / <c>torch.nn.</c>.</param>
/// <param name="Positional">Positional arguments in the order written.</param>
/// <param name="Keywords">Keyword arguments in the order written.</param>
/// <param name="Text">The text the call was parsed from.</param>
public sealed record LayerCall(string Name, IReadOnlyList<PyValue> Positional, IReadOnlyList<KeyValuePair<string, PyValue>> Keywords, string Text)
{
    /// <summary>Where each argument's value is written in <see cref="Text"/>, in the order written.</summary>
    public IReadOnlyList<ArgumentSpan> Spans { get; init; } = [];

    /// <summary>The index of the closing parenthesis in <see cref="Text"/> (−1 for a bare name such as <c>ReLU</c>).</summary>
    public int Close { get; init; } = -1;

    /// <summary>Whether the name was written with <c>nn.</c> or <c>torch.nn.</c> (Python code rather than the printed form).</summary>
    public bool ModulePrefix { get; init; }
}

/// <summary>One argument's value in the layer text: <c>Text[Start..End]</c>.</summary>
/// <param name="Keyword">The keyword, for a keyword argument.</param>
/// <param name="Position">The position, for a positional argument (−1 otherwise).</param>
/// <param name="Start">Index of the value's first character.</param>
/// <param name="End">Index just past its last character.</param>
public sealed record ArgumentSpan(string? Keyword, int Position, int Start, int End);
