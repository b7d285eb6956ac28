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
    public string Layer => signature.Layer;

    /// <summary>Every argument with its value (defaults filled in), as keywords.</summary>
    public IEnumerable<KeyValuePair<string, PyValue>> Given() =>
        signature.Params.Select((p, i) => new KeyValuePair<string, PyValue>(p.Name, values[i]!));

    public PyValue Get(string name)
    {
        int index = Array.FindIndex(signature.Params, p => p.Name == name);
        return values[index]!;
    }

    public bool IsNone(string name) => Get(name) is PyNone;

    /// <summary>An int as Python's <c>int()</c> sizes take it (a bool counts as 0 or 1: <c>torch.empty(8, 3, True)</c>).</summary>
    public long Int(string name) => AsInt(Get(name), name);

    /// <summary>An int that reaches an ATen function, whose argument parser refuses a bool (<c>stride=True</c>).</summary>
    public long StrictInt(string name) => AsInt(Get(name), name, strict: true);

    public long? OptionalInt(string name) => IsNone(name) ? null : Int(name);

    public long? OptionalStrictInt(string name) => IsNone(name) ? null : StrictInt(name);

    public double Float(string name) => Get(name) switch
    {
        PyFloat f => f.Value,
        PyInt i => i.Value,
        PyBool b => b.Value ? 1 : 0,
        var v => throw Wrong(name, "a number", v),
    };

    /// <summary>
    /// Python truthiness for flags the module tests with <c>if</c> (<c>bias</c>, <c>affine</c>, <c>inplace</c>). A bare
    /// word (<c>bias=false</c>) is refused: PyTorch prints True/False, and Python would not know the name.
    /// </summary>
    public bool Bool(string name) => Get(name) switch
    {
        PyBool b => b.Value,
        PyInt i => i.Value != 0,
        PyFloat f => f.Value != 0,
        PyNone => false,
        PyStr { Bare: true } s => throw new CnnShapeException($"{Layer}: {name}={s.Value} is not a Python value; write {name}=True or {name}=False."),
        PyStr s => s.Value.Length > 0,
        PyTuple t => t.Items.Count > 0,
        _ => false,
    };

    /// <summary>A flag that reaches an ATen function, whose argument parser takes only a bool (<c>ceil_mode=1</c> is refused).</summary>
    public bool StrictBool(string name) => Get(name) switch
    {
        PyBool b => b.Value,
        var v => throw new CnnShapeException($"{Layer}: argument '{name}' must be bool, not {v.TypeName} ({v.ToPython()}), as PyTorch's {Layer.ToLowerInvariant()} refuses it."),
    };

    public string Str(string name) => Get(name) is PyStr s ? s.Value : throw Wrong(name, "a string", Get(name));

    /// <summary>
    /// An int (repeated <paramref name="n"/> times) or a tuple of exactly <paramref name="n"/> ints — PyTorch's
    /// <c>_single/_pair/_triple</c>. Where the value reaches an ATen function that expands a one-element list
    /// (the pools' kernel/stride/padding/dilation, a convolution's stride/padding/dilation), <paramref name="single"/>
    /// lets <c>(2,)</c> stand for every axis; <paramref name="strict"/> refuses a bool as ATen's parser does — which
    /// checks the type of a list's first element only (python_arg_parser.cpp, is_int_or_symint_list, current PyTorch
    /// too), so a later bool counts as 0 or 1.
    /// </summary>
    public long[] Ints(string name, int n, bool strict = false, bool single = false)
    {
        var v = Get(name);
        if (v is PyTuple t)
        {
            if (single && t.Items.Count == 1) return Enumerable.Repeat(AsInt(t.Items[0], name, strict: strict), n).ToArray();
            if (t.Items.Count != n) throw new CnnShapeException($"{Layer}: {name} must be an int or a tuple of {n} int{(n == 1 ? "" : "s")}, got {v.ToPython()} ({t.Items.Count} value{(t.Items.Count == 1 ? "" : "s")}).");
            return t.Items.Select((x, i) => AsInt(x, name, strict: strict && i == 0)).ToArray();
        }
        long one = AsInt(v, name, $"an int or a tuple of {n} ints", strict);
        return Enumerable.Repeat(one, n).ToArray();
    }

    /// <summary>An int or a tuple of any length of ints; <paramref name="strict"/> as in <see cref="Ints"/>.</summary>
    public long[] IntList(string name, bool strict = false)
    {
        var v = Get(name);
        if (v is PyTuple t) return t.Items.Select((x, i) => AsInt(x, name, strict: strict && i == 0)).ToArray();
        return [AsInt(v, name, "an int or a tuple of ints", strict)];
    }

    /// <summary>
    /// The shape of <c>torch.empty(value)</c> — how a module makes a weight or a buffer from a size argument: an int (not
    /// a bool: <c>torch.empty(True)</c> is refused) or a tuple of ints, first element not a bool.
    /// </summary>
    public long[] TensorShape(string name)
    {
        var v = Get(name);
        if (v is PyTuple) return IntList(name, strict: true);
        if (v is PyBool) throw new CnnShapeException($"{Layer}: {name}={v.ToPython()} cannot size a tensor (torch.empty refuses a bool); write an int.");
        return [AsInt(v, name, "an int", strict: true)];
    }

    /// <summary>A number an ATen function takes as a float or Number (an int or a bool counts; None, a tuple or a string is refused when the layer runs).</summary>
    public void Number(string name) => Float(name);

    /// <summary><see cref="Number"/>, or None.</summary>
    public void OptionalNumber(string name)
    {
        if (!IsNone(name)) Float(name);
    }

    private long AsInt(PyValue v, string name, string? expected = null, bool strict = false) => v switch
    {
        PyInt i => i.Value,
        PyBool b when !strict => b.Value ? 1 : 0,
        PyHole => throw new CnnShapeException($"{Layer}: '?' can stand only for the size the input decides, not for {name}."),
        _ => throw Wrong(name, expected ?? "an int", v),
    };

    public CnnShapeException Wrong(string name, string expected, PyValue got) =>
        new($"{Layer}: {name} must be {expected}, got {got.ToPython()} ({got.TypeName}).");
}

/// <summary>The closest known name to a misspelt one, for "did you mean" hints.</summary>
public static class Suggest
{
    /// <summary>The known name nearest to <paramref name="name"/> by edit distance, when one is close enough.</summary>
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
