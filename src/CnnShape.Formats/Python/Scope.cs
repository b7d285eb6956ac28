namespace CnnShape.Formats.Python;

/// <summary>
/// One namespace of Python's scoping: a function's locals (with the enclosing function's scope as parent, for
/// closures), or a class body; module globals and builtins come after the chain.
/// </summary>
internal sealed class Scope(PModule module, Scope? parent, bool classBody = false, bool moduleLevel = false)
{
    public PModule Module { get; } = module;
    public Scope? Parent { get; } = parent;
    public bool ClassBody { get; } = classBody;
    /// <summary>Null for the module's own scope, whose variables are the module's globals.</summary>
    private readonly Dictionary<string, object?>? _vars = moduleLevel ? null : new(StringComparer.Ordinal);
    private HashSet<string>? _globals;

    /// <summary>The function running in this scope (for <c>super()</c>: its owner class and first argument).</summary>
    public PFunction? Function { get; init; }
    public object? FirstArgument { get; set; }

    public Dictionary<string, object?> Vars => _vars ?? Module.Globals;

    public bool IsModule => _vars is null;

    public void DeclareGlobal(string name) => (_globals ??= new(StringComparer.Ordinal)).Add(name);

    public void Set(string name, object? value)
    {
        if (_globals is not null && _globals.Contains(name)) Module.Globals[name] = value;
        else Vars[name] = value;
    }

    public bool Remove(string name) => (_globals is not null && _globals.Contains(name) ? Module.Globals : Vars).Remove(name);

    /// <summary>Looks a name up: this scope, enclosing function scopes (class bodies are skipped), then the module.</summary>
    public bool TryGet(string name, out object? value)
    {
        if (_globals is null || !_globals.Contains(name))
        {
            if (Vars.TryGetValue(name, out value)) return true;
            for (var s = Parent; s is not null; s = s.Parent)
            {
                if (s.ClassBody || s.IsModule) continue;
                if (s.Vars.TryGetValue(name, out value)) return true;
            }
        }
        return Module.Globals.TryGetValue(name, out value);
    }
}
