namespace CnnShape.Parsing;

/// <summary>A layer constructor call as written: its name, positional arguments and keyword arguments, in order.</summary>
/// <param name="Name">The layer class name without <c>nn.</c> / <c>torch.nn.</c>.</param>
/// <param name="Positional">Positional arguments in the order written.</param>
/// <param name="Keywords">Keyword arguments in the order written.</param>
/// <param name="Text">The text the call was parsed from.</param>
public sealed record LayerCall(string Name, IReadOnlyList<PyValue> Positional, IReadOnlyList<KeyValuePair<string, PyValue>> Keywords, string Text);
