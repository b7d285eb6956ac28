using System.Globalization;
using System.Text;

namespace CnnShape.Parsing;

/// <summary>A Python literal as it appears in a layer's arguments: int, float, bool, None, string or tuple/list.</summary>
public abstract record PyValue
{
    /// <summary>Python's own spelling of the value, for messages.</summary>
    public abstract string ToPython();

    /// <summary>Python's name of the value's type (<c>int</c>, <c>float</c>, …).</summary>
    public abstract string TypeName { get; }
}

/// <summary>A Python <c>int</c>.</summary>
public sealed record PyInt(long Value) : PyValue
{
    /// <inheritdoc/>
    public override string ToPython() => Value.ToString(CultureInfo.InvariantCulture);
    /// <inheritdoc/>
    public override string TypeName => "int";
}

/// <summary>A Python <c>float</c>.</summary>
public sealed record PyFloat(double Value) : PyValue
{
    /// <inheritdoc/>
    public override string ToPython() => Value.ToString("R", CultureInfo.InvariantCulture);
    /// <inheritdoc/>
    public override string TypeName => "float";
}

/// <summary>A Python <c>bool</c>.</summary>
public sealed record PyBool(bool Value) : PyValue
{
    /// <inheritdoc/>
    public override string ToPython() => Value ? "True" : "False";
    /// <inheritdoc/>
    public override string TypeName => "bool";
}

/// <summary>Python's <c>None</c>.</summary>
public sealed record PyNone : PyValue
{
    /// <summary>The one instance.</summary>
    public static readonly PyNone Instance = new();
    /// <inheritdoc/>
    public override string ToPython() => "None";
    /// <inheritdoc/>
    public override string TypeName => "NoneType";
}

/// <summary>A string: quoted in code, bare in PyTorch's printed form (<c>mode=nearest</c>), which <paramref name="Bare"/> tells.</summary>
public sealed record PyStr(string Value, bool Bare = false) : PyValue
{
    /// <inheritdoc/>
    public override string ToPython() => "'" + Value + "'";
    /// <inheritdoc/>
    public override string TypeName => "str";
}

/// <summary>A tuple or list of values.</summary>
public sealed record PyTuple(IReadOnlyList<PyValue> Items, bool IsList) : PyValue
{
    /// <inheritdoc/>
    public override string ToPython()
    {
        var sb = new StringBuilder(IsList ? "[" : "(");
        for (int i = 0; i < Items.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Items[i].ToPython());
        }
        if (!IsList && Items.Count == 1) sb.Append(',');
        return sb.Append(IsList ? "]" : ")").ToString();
    }
    /// <inheritdoc/>
    public override string TypeName => IsList ? "list" : "tuple";

    /// <inheritdoc/>
    public bool Equals(PyTuple? other) => other is not null && IsList == other.IsList && Items.SequenceEqual(other.Items);

    /// <inheritdoc/>
    public override int GetHashCode() => Items.Count;
}
