using CnnShape.Parsing;

namespace CnnShape.Layers;

/// <summary>One parameter of a PyTorch constructor: its name and default (<c>null</c> when it is required).</summary>
internal sealed record Param(string Name, PyValue? Default);

/// <summary>A constructor signature in PyTorch's own order, so positional arguments bind as in Python.</summary>
internal sealed class Signature(string layer, Param[] parameters, bool acceptsAnything = false)
{
    public string Layer { get; } = layer;
    public Param[] Params { get; } = parameters;

    /// <summary>Binds a call as Python would, refusing what Python refuses (too many, unknown, repeated or missing arguments).</summary>
    public Arguments Bind(LayerCall call)
    {
        var values = new PyValue?[Params.Length];
        if (acceptsAnything) return new Arguments(this, values);
        if (call.Positional.Count > Params.Length)
        {
            throw new CnnShapeException($"{Layer}() takes at most {Params.Length} positional argument{(Params.Length == 1 ? "" : "s")} ({string.Join(", ", Params.Select(p => p.Name))}) but {call.Positional.Count} were given.");
        }
        for (int i = 0; i < call.Positional.Count; i++) values[i] = call.Positional[i];
        foreach (var (name, value) in call.Keywords)
        {
            int index = Array.FindIndex(Params, p => p.Name == name);
            if (index < 0)
            {
                var hint = Suggest.Closest(name, Params.Select(p => p.Name));
                throw new CnnShapeException($"{Layer}() has no argument '{name}'{(hint is null ? "" : $" — did you mean '{hint}'?")} Its arguments are: {string.Join(", ", Params.Select(p => p.Name))}.");
            }
            if (values[index] is not null) throw new CnnShapeException($"{Layer}() got multiple values for argument '{name}'.");
            values[index] = value;
        }
        for (int i = 0; i < Params.Length; i++)
        {
            if (values[i] is null)
            {
                values[i] = Params[i].Default ?? throw new CnnShapeException($"{Layer}() is missing the required argument '{Params[i].Name}' (its arguments are: {string.Join(", ", Params.Select(p => p.Name))}).");
            }
        }
        return new Arguments(this, values);
    }
}

/// <summary>Bound constructor arguments with typed readers whose refusals name the layer and the argument.</summary>
internal sealed class Arguments(Signature signature, PyValue?[] values)
{
    private string Layer => signature.Layer;

    public PyValue Get(string name)
    {
        int index = Array.FindIndex(signature.Params, p => p.Name == name);
        return values[index]!;
    }

    public bool IsNone(string name) => Get(name) is PyNone;

    public long Int(string name) => AsInt(Get(name), name);

    public long? OptionalInt(string name) => IsNone(name) ? null : Int(name);

    public double Float(string name) => Get(name) switch
    {
        PyFloat f => f.Value,
        PyInt i => i.Value,
        PyBool b => b.Value ? 1 : 0,
        var v => throw Wrong(name, "a number", v),
    };

    /// <summary>Python truthiness for flags such as <c>bias</c> or <c>ceil_mode</c>.</summary>
    public bool Bool(string name) => Get(name) switch
    {
        PyBool b => b.Value,
        PyInt i => i.Value != 0,
        PyFloat f => f.Value != 0,
        PyNone => false,
        PyStr s => s.Value.Length > 0,
        PyTuple t => t.Items.Count > 0,
        _ => false,
    };

    public string Str(string name) => Get(name) is PyStr s ? s.Value : throw Wrong(name, "a string", Get(name));

    /// <summary>An int (repeated <paramref name="n"/> times) or a tuple of exactly <paramref name="n"/> ints — PyTorch's <c>_single/_pair/_triple</c>.</summary>
    public long[] Ints(string name, int n)
    {
        var v = Get(name);
        if (v is PyTuple t)
        {
            if (t.Items.Count != n) throw new CnnShapeException($"{Layer}: {name} must be an int or a tuple of {n} int{(n == 1 ? "" : "s")}, got {v.ToPython()} ({t.Items.Count} value{(t.Items.Count == 1 ? "" : "s")}).");
            return t.Items.Select(x => AsInt(x, name)).ToArray();
        }
        long one = AsInt(v, name, $"an int or a tuple of {n} ints");
        return Enumerable.Repeat(one, n).ToArray();
    }

    /// <summary>An int or a tuple of any length of ints.</summary>
    public long[] IntList(string name)
    {
        var v = Get(name);
        if (v is PyTuple t) return t.Items.Select(x => AsInt(x, name)).ToArray();
        return [AsInt(v, name, "an int or a tuple of ints")];
    }

    private long AsInt(PyValue v, string name, string? expected = null) => v switch
    {
        PyInt i => i.Value,
        PyBool b => b.Value ? 1 : 0,
        _ => throw Wrong(name, expected ?? "an int", v),
    };

    public CnnShapeException Wrong(string name, string expected, PyValue got) =>
        new($"{Layer}: {name} must be {expected}, got {got.ToPython()} ({got.TypeName}).");
}

/// <summary>The closest known name to a misspelt one, for "did you mean" hints.</summary>
internal static class Suggest
{
    public static string? Closest(string name, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var k in known)
        {
            int d = Distance(name.ToLowerInvariant(), k.ToLowerInvariant());
            if (d < bestDistance) { bestDistance = d; best = k; }
        }
        return best is not null && bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    /// <summary>Levenshtein distance: the fewest single-character edits between the two strings.</summary>
    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
