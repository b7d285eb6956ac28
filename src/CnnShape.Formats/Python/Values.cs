using CnnShape.Shapes;

namespace CnnShape.Formats.Python;

// Runtime values of the evaluator. Python's None, bool, int, float and str are C#'s null, bool, long, double and string;
// everything else is one of the classes below.

/// <summary>A Python tuple (also <c>torch.Size</c>, which <see cref="IsSize"/> marks).</summary>
internal sealed class PTuple(object?[] items, bool isSize = false)
{
    public static readonly PTuple Empty = new([]);
    public object?[] Items { get; } = items;
    public bool IsSize { get; } = isSize;
    /// <summary>For a named tuple: its class (with the field names).</summary>
    public PClass? Named { get; init; }
}

/// <summary>A Python list.</summary>
internal sealed class PList(List<object?> items)
{
    public List<object?> Items { get; } = items;
}

/// <summary>A Python dict (insertion-ordered), also <c>collections.OrderedDict</c>.</summary>
internal sealed class PDict
{
    private readonly Dictionary<object, object?> _map = new(PyEquality.Instance);
    private readonly List<object> _keys = [];
    private static readonly object NoneKey = new();

    public int Count => _keys.Count;

    public IEnumerable<object?> Keys => _keys.Select(k => k == NoneKey ? null : k);

    public IEnumerable<KeyValuePair<object?, object?>> Items => _keys.Select(k => new KeyValuePair<object?, object?>(k == NoneKey ? null : k, _map[k]));

    public bool TryGet(object? key, out object? value) => _map.TryGetValue(key ?? NoneKey, out value);

    public bool Contains(object? key) => _map.ContainsKey(key ?? NoneKey);

    public void Set(object? key, object? value)
    {
        var k = key ?? NoneKey;
        if (!_map.ContainsKey(k)) _keys.Add(k);
        _map[k] = value;
    }

    public bool Remove(object? key)
    {
        var k = key ?? NoneKey;
        if (!_map.Remove(k)) return false;
        int i = _keys.FindIndex(x => PyEquality.Instance.Equals(x, k));
        _keys.RemoveAt(i);
        return true;
    }
}

/// <summary>A Python set (insertion-ordered, which Python does not promise but which keeps answers reproducible).</summary>
internal sealed class PSet
{
    public PDict Map { get; } = new();
}

/// <summary>A slice object (<c>a[1:3]</c>, <c>slice(None)</c>).</summary>
internal sealed record PSlice(object? Start, object? Stop, object? Step);

/// <summary>A <c>range</c>.</summary>
internal sealed record PRange(long Start, long Stop, long Step)
{
    public long Length => Step > 0 ? Math.Max(0, (Stop - Start + Step - 1) / Step) : Math.Max(0, (Start - Stop - Step - 1) / -Step);

    public long this[long i] => Start + i * Step;
}

/// <summary>Python's own namespace of a file: its globals, its name and path.</summary>
internal sealed class PModule(string name, string file)
{
    public string Name { get; } = name;
    /// <summary>The file's name as messages give it.</summary>
    public string File { get; } = file;
    public Dictionary<string, object?> Globals { get; } = new(StringComparer.Ordinal);
    /// <summary>The lines of the file (for edits of the main file, and messages).</summary>
    public string[] Lines { get; init; } = [];
    /// <summary>A module cnnshape knows only in part (typing, enum…): attributes it does not have are opaque values.</summary>
    public bool Fallback { get; init; }
}

/// <summary>A function written in Python (def or lambda), with its closure.</summary>
internal sealed class PFunction(string name, Parameters parameters, object?[] defaults, IReadOnlyList<Stmt>? body, Expr? lambda, Scope closure, PModule module)
{
    public string Name { get; } = name;
    public Parameters Parameters { get; } = parameters;
    /// <summary>Default values, evaluated once at definition, by parameter index (null entry: no default).</summary>
    public object?[] Defaults { get; } = defaults;
    public bool[] HasDefault { get; init; } = [];
    public IReadOnlyList<Stmt>? Body { get; } = body;
    public Expr? Lambda { get; } = lambda;
    public Scope Closure { get; } = closure;
    public PModule Module { get; } = module;
    /// <summary>The class whose body defined it (for zero-argument <c>super()</c>).</summary>
    public PClass? Owner { get; set; }
    /// <summary>Marked <c>@staticmethod</c> / <c>@classmethod</c> / <c>@property</c>.</summary>
    public string? Kind { get; set; }
    /// <summary>Where it was defined.</summary>
    public int Line { get; init; }
    /// <summary>The function functools.wraps copied (inspect.signature follows it, as Python's does).</summary>
    public object? Wrapped { get; set; }
}

/// <summary>A callable written in C#: a builtin function, a torch function or a method of a builtin class.</summary>
internal sealed class PBuiltin(string name, Func<Call, object?> body)
{
    public string Name { get; } = name;
    public Func<Call, object?> Body { get; } = body;
    /// <summary>A method of a builtin class: the first argument is self.</summary>
    public bool IsMethod { get; init; }
    /// <summary>For functools.partial: the callable it wraps.</summary>
    public object? Partial { get; init; }
}

/// <summary>A function bound to its receiver.</summary>
internal sealed record PBound(object? Self, object Function);

/// <summary>
/// A class: written in Python, or one of the builtin classes cnnshape models (nn.Module, nn.Sequential, every layer of
/// the catalog, Exception…), whose methods are <see cref="PBuiltin"/>s in <see cref="Attributes"/>.
/// </summary>
internal sealed class PClass(string name, IReadOnlyList<object> bases, PModule? module)
{
    public string Name { get; } = name;
    /// <summary>The bases as given: classes, or opaque values for bases cnnshape does not know (enum.Enum…).</summary>
    public IReadOnlyList<object> Bases { get; } = bases;
    public PModule? Module { get; } = module;
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
    /// <summary>The method resolution order (C3), itself first.</summary>
    public List<PClass> Mro { get; set; } = [];
    /// <summary>For a layer of the catalog: its catalog name (Conv2d…).</summary>
    public string? LayerName { get; init; }
    /// <summary>Whether a base is a value cnnshape does not know.</summary>
    public bool HasOpaqueBase => Bases.Any(b => b is not PClass) || Mro.Any(c => c.Bases.Any(b => b is not PClass));
    /// <summary>Decorated by a decorator cnnshape does not know: instances take any keyword arguments.</summary>
    public bool Lenient { get; set; }
    /// <summary>The names annotated in the class body, in order (a dataclass's fields).</summary>
    public List<string> Annotated { get; } = [];
    /// <summary>For an abstract base class of typing / collections.abc: which values count as its instances.</summary>
    public Func<object?, bool>? Check { get; init; }
    public int Line { get; init; }
    /// <summary>For a builtin class: how calling it makes a value (int(…), list(…), ValueError(…)).</summary>
    public Func<Call, object?>? Construct { get; init; }

    public bool IsSubclassOf(PClass other) => Mro.Contains(other);

    public object? Lookup(string attribute, out PClass? owner)
    {
        foreach (var c in Mro)
        {
            if (c.Attributes.TryGetValue(attribute, out var v))
            {
                owner = c;
                return v;
            }
        }
        owner = null;
        return Missing.Value;
    }

    public override string ToString() => $"<class '{Name}'>";
}

/// <summary>The marker for "no such attribute".</summary>
internal sealed class Missing
{
    public static readonly Missing Value = new();
}

/// <summary>An instance of a class; an <c>nn.Module</c> instance also carries its <see cref="ModuleState"/>.</summary>
internal sealed class PInstance(PClass type)
{
    public PClass Type { get; } = type;
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
    /// <summary>The nn.Module part: registered children, parameters, the built layer of a catalog module.</summary>
    public ModuleState? Module { get; set; }
    /// <summary>For an exception instance: its message.</summary>
    public string? Message { get; set; }

    public override string ToString() => $"<{Type.Name} object>";
}

/// <summary>What nn.Module keeps: children in registration order, parameter counts and, for a catalog layer, the layer.</summary>
internal sealed class ModuleState
{
    public List<KeyValuePair<string, PInstance?>> Children { get; } = [];
    /// <summary>Parameters registered directly on this module (nn.Parameter attributes), with their element counts.</summary>
    public List<KeyValuePair<string, PTensor>> Parameters { get; } = [];
    public List<KeyValuePair<string, PTensor>> Buffers { get; } = [];
    public bool Training { get; set; } = true;
    /// <summary>For a catalog layer: the built layer, its arguments bound with defaults, and its constructor call.</summary>
    public Layers.Layer? Layer { get; set; }
    public IReadOnlyList<KeyValuePair<string, Parsing.PyValue>>? Arguments { get; set; }
    public string? Text { get; set; }
    public Origin? Constructed { get; set; }
    /// <summary>Whether the constructor call's arguments are the layer's own, in its order (not through functools.partial), so they can be edited.</summary>
    public bool Direct { get; set; }
    /// <summary>For an nn class cnnshape does not follow (LSTM…): its name.</summary>
    public string? Unfollowed { get; set; }

    public int ChildIndex(string name) => Children.FindIndex(c => c.Key == name);

    public void SetChild(string name, PInstance? child)
    {
        int i = ChildIndex(name);
        if (i >= 0) Children[i] = new(name, child);
        else Children.Add(new(name, child));
    }
}

/// <summary>Where a value was made: the file, the call expression and the statement line.</summary>
internal sealed record Origin(PModule Module, CallExpr Call)
{
    public int Line => Call.Line;
}

/// <summary>
/// A tensor followed through the model: the network tensor it is (a node's output, the input, or null for a constant
/// made in the code), its shape and strides (which decide whether <c>view</c> works), and, for a parameter or buffer,
/// that it is one.
/// </summary>
internal sealed class PTensor
{
    public PTensor(string? node, Shape? shape, long[]? strides = null)
    {
        Node = node;
        Shape = shape;
        Strides = strides ?? (shape is null ? null : Rules.TensorLayout.Contiguous(shape.ToArray()));
    }

    /// <summary>The network tensor this is (null: a constant not yet in the network). In-place operations move it.</summary>
    public string? Node { get; set; }
    /// <summary>Its shape (null: not known, e.g. a layer's weight).</summary>
    public Shape? Shape { get; set; }
    public long[]? Strides { get; set; }
    /// <summary>An nn.Parameter (its elements count as parameters) or buffer.</summary>
    public bool IsParameter { get; init; }
    /// <summary>A layer's own weight or bias: its elements are counted with the layer, not again where it is used.</summary>
    public bool Counted { get; init; }
    /// <summary>For a parameter: whether it is trained (<c>requires_grad</c>); the code may freeze it.</summary>
    public bool RequiresGrad { get; set; } = true;
    /// <summary>What made a constant (torch.zeros(…), nn.Parameter(…)), for its row.</summary>
    public string? Made { get; set; }

    public override string ToString() => Shape is null ? "tensor" : $"tensor of shape {Shape}";
}

/// <summary>
/// A value cnnshape does not follow (an unknown import, what calling or reading it gives): harmless until the model needs
/// its value, where it is refused with the place it came from.
/// </summary>
internal sealed class POpaque(string what, PModule module, int line)
{
    public string What { get; } = what;
    public PModule Module { get; } = module;
    public int Line { get; } = line;

    public override string ToString() => What;
}

/// <summary>The arguments of one call, with where it is.</summary>
internal sealed class Call(Interpreter interpreter, List<object?> args, List<KeyValuePair<string, object?>> keywords, Node? site)
{
    public Interpreter Interpreter { get; } = interpreter;
    public List<object?> Args { get; } = args;
    public List<KeyValuePair<string, object?>> Keywords { get; } = keywords;
    public Node? Site { get; } = site;
    /// <summary>The callee's name, for messages.</summary>
    public string Name { get; set; } = "";
    /// <summary>For a constructor: the class being made (a subclass of the builtin that makes it).</summary>
    public PClass? Target { get; init; }

    public CnnShapeException Error(string rule) => Interpreter.Error(rule, Site);

    /// <summary>Binds to a signature: names in order, with defaults (Missing.Value: required); extra keywords refused.</summary>
    public object?[] Bind(params (string Name, object? Default)[] signature) => Bind(signature, allowExtra: false);

    public object?[] Bind((string Name, object? Default)[] signature, bool allowExtra)
    {
        var values = new object?[signature.Length];
        var set = new bool[signature.Length];
        if (Args.Count > signature.Length) throw Error($"{Name}() takes at most {signature.Length} positional arguments but {Args.Count} were given");
        for (int i = 0; i < Args.Count; i++)
        {
            values[i] = Args[i];
            set[i] = true;
        }
        foreach (var (k, v) in Keywords)
        {
            int i = Array.FindIndex(signature, s => s.Name == k);
            if (i < 0)
            {
                if (allowExtra) continue;
                throw Error($"{Name}() got an unexpected keyword argument '{k}'");
            }
            if (set[i]) throw Error($"{Name}() got multiple values for argument '{k}'");
            values[i] = v;
            set[i] = true;
        }
        for (int i = 0; i < signature.Length; i++)
        {
            if (set[i]) continue;
            if (signature[i].Default is Missing) throw Error($"{Name}() missing required argument '{signature[i].Name}'");
            values[i] = signature[i].Default;
        }
        return values;
    }

    public object? Keyword(string name, object? fallback)
    {
        foreach (var (k, v) in Keywords) if (k == name) return v;
        return fallback;
    }
}
