namespace CnnShape;

/// <summary>The user's input is invalid or impossible: the message names the rule that broke, with the numbers.</summary>
public sealed class CnnShapeException : Exception
{
    /// <summary>Creates the error with its one-paragraph message.</summary>
    public CnnShapeException(string message) : base(message) { }
}
