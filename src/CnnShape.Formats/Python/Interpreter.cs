using System.Globalization;

namespace CnnShape.Formats.Python;

/// <summary>A Python exception raised by the model's code (or by an operation, as Python raises it), catchable by try/except.</summary>
internal sealed class PyRaise(PInstance exception, Place place) : Exception(exception.Message)
{
    public PInstance Exception { get; } = exception;
    public Place Place { get; } = place;
}

/// <summary>
/// Evaluates the Python of model files: statements and expressions with Python's own semantics for the values model
/// code uses (ints with checked 64-bit arithmetic, floats, strings, tuples, lists, dicts, sets, functions with closures
/// and defaults, classes with C3 inheritance, super(), properties, exceptions). What it cannot follow is refused with
/// the file, line and column. torch, torch.nn and torch.nn.functional come from <see cref="Torch"/>.
/// </summary>
internal sealed partial class Interpreter
{
    /// <summary>Statements and calls one read may run (a model file's loops are short; a runaway one is refused).</summary>
    private const long StepLimit = 5_000_000;
    private const int DepthLimit = 180;

    private long _steps;
    private int _depth;
    private readonly List<(PModule Module, int Line)> _frames = [];
    private object? _returnValue;

    public Interpreter(ModuleLoader loader)
    {
        Loader = loader;
        Builtins = BuildBuiltins();
        Torch = new Torch(this);
    }

    public ModuleLoader Loader { get; }
    public Dictionary<string, object?> Builtins { get; }
    public Torch Torch { get; }

    /// <summary>The module whose code runs now, and its line.</summary>
    public PModule CurrentModule => _frames.Count > 0 ? _frames[^1].Module : Loader.Main!;

    public int CurrentLine => _frames.Count > 0 ? _frames[^1].Line : 0;

    /// <summary>A refusal at a node of the current file.</summary>
    public CnnShapeException Error(string rule, Node? at) =>
        new(rule.EndsWith('.') ? rule : rule + ".", PlaceOf(at));

    public Place PlaceOf(Node? at) => new()
    {
        File = CurrentModule.File,
        Line = at?.Line ?? (CurrentLine > 0 ? CurrentLine : null),
        Column = at?.Column,
    };

    /// <summary>Raises a Python exception of a builtin type (catchable by the code's try/except).</summary>
    public PyRaise Raise(string type, string message, Node? at)
    {
        var cls = (PClass)Builtins[type]!;
        return new PyRaise(new PInstance(cls) { Message = message }, PlaceOf(at));
    }

    private void Step(Node at)
    {
        if (++_steps > StepLimit) throw Error($"the code runs more than {StepLimit:N0} steps (an endless loop?); cnnshape stops it here", at);
    }

    // ---- modules

    /// <summary>Runs a module's top level. Statements cnnshape cannot follow are skipped (and remembered) when <paramref name="lenient"/>.</summary>
    public void RunModule(PModule module, Module tree, bool lenient, List<Skipped> skipped)
    {
        var scope = new Scope(module, null, moduleLevel: true);
        _frames.Add((module, 0));
        try
        {
            foreach (var stmt in tree.Body)
            {
                try
                {
                    Exec(stmt, scope);
                }
                catch (Exception e) when (lenient && e is CnnShapeException or PyRaise && stmt is not (FunctionDef or ClassDef))
                {
                    skipped.Add(new Skipped(module, stmt, e is PyRaise r ? $"{r.Exception.Type.Name}: {r.Message}" : ((CnnShapeException)e).Rule, AssignedNames(stmt)));
                }
            }
        }
        finally
        {
            _frames.RemoveAt(_frames.Count - 1);
        }
    }

    private static List<string> AssignedNames(Stmt stmt)
    {
        var names = new List<string>();
        void Collect(Expr e)
        {
            switch (e)
            {
                case NameExpr n: names.Add(n.Id); break;
                case TupleExpr t: foreach (var i in t.Items) Collect(i); break;
                case ListExpr l: foreach (var i in l.Items) Collect(i); break;
                case StarredExpr s: Collect(s.Value); break;
            }
        }
        switch (stmt)
        {
            case AssignStmt a: foreach (var t in a.Targets) Collect(t); break;
            case AnnAssignStmt a: Collect(a.Target); break;
            case AugAssignStmt a: Collect(a.Target); break;
            case ImportStmt i: names.AddRange(i.Names.Select(n => n.As ?? n.Module.Split('.')[0])); break;
            case ImportFromStmt f: names.AddRange(f.Names.Select(n => n.As ?? n.Name)); break;
            case ForStmt f: Collect(f.Target); break;
        }
        return names;
    }

    // ---- statements

    private enum Flow { Normal, Return, Break, Continue }

    private Flow ExecBlock(IReadOnlyList<Stmt> body, Scope scope)
    {
        foreach (var stmt in body)
        {
            var flow = Exec(stmt, scope);
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }

    private Flow Exec(Stmt stmt, Scope scope)
    {
        Step(stmt);
        var frame = _frames[^1];
        _frames[^1] = (frame.Module, stmt.Line);
        switch (stmt)
        {
            case ExprStmt e:
                Eval(e.Value, scope);
                return Flow.Normal;
            case AssignStmt a:
                {
                    var value = Eval(a.Value, scope);
                    foreach (var target in a.Targets) Assign(target, value, scope);
                    return Flow.Normal;
                }
            case AugAssignStmt a:
                {
                    var current = Eval(a.Target, scope);
                    var value = Eval(a.Value, scope);
                    Assign(a.Target, InPlace(a.Op, current, value, a), scope);
                    return Flow.Normal;
                }
            case AnnAssignStmt a:
                if (a.Value is not null) Assign(a.Target, Eval(a.Value, scope), scope);
                return Flow.Normal;
            case ReturnStmt r:
                _returnValue = r.Value is null ? null : Eval(r.Value, scope);
                return Flow.Return;
            case IfStmt i:
                return ExecBlock(Truthy(Eval(i.Test, scope), i.Test) ? i.Body : i.OrElse, scope);
            case ForStmt f:
                {
                    foreach (var item in Iterate(Eval(f.Iter, scope), f.Iter))
                    {
                        Assign(f.Target, item, scope);
                        var flow = ExecBlock(f.Body, scope);
                        if (flow == Flow.Break) return Flow.Normal;
                        if (flow == Flow.Return) return flow;
                    }
                    return ExecBlock(f.OrElse, scope);
                }
            case WhileStmt w:
                {
                    while (Truthy(Eval(w.Test, scope), w.Test))
                    {
                        Step(w);
                        var flow = ExecBlock(w.Body, scope);
                        if (flow == Flow.Break) return Flow.Normal;
                        if (flow == Flow.Return) return flow;
                    }
                    return ExecBlock(w.OrElse, scope);
                }
            case PassStmt:
                return Flow.Normal;
            case BreakStmt:
                return Flow.Break;
            case ContinueStmt:
                return Flow.Continue;
            case FunctionDef f:
                scope.Set(f.Name, Decorate(MakeFunction(f.Name, f.Params, f.Body, null, scope, f.Line), f.Decorators, scope));
                return Flow.Normal;
            case ClassDef c:
                scope.Set(c.Name, Decorate(MakeClass(c, scope), c.Decorators, scope));
                return Flow.Normal;
            case ImportStmt imp:
                foreach (var (module, alias) in imp.Names)
                {
                    if (alias is not null) scope.Set(alias, Loader.Import(this, module, 0, imp));
                    else
                    {
                        // `import a.b.c` binds a, and makes a.b.c loadable through it
                        Loader.Import(this, module, 0, imp);
                        scope.Set(module.Split('.')[0], Loader.Import(this, module.Split('.')[0], 0, imp));
                    }
                }
                return Flow.Normal;
            case ImportFromStmt from:
                {
                    var module = Loader.Import(this, from.Module, from.Level, from);
                    foreach (var (name, alias) in from.Names)
                    {
                        if (name == "*")
                        {
                            if (module is PModule m) foreach (var (k, v) in m.Globals) if (!k.StartsWith('_')) scope.Set(k, v);
                            continue;
                        }
                        var value = TryGetAttr(module, name, from);
                        if (value is Missing) value = Loader.Import(this, from.Module.Length == 0 ? name : from.Module + "." + name, from.Level, from);
                        scope.Set(alias ?? name, value);
                    }
                    return Flow.Normal;
                }
            case RaiseStmt r:
                {
                    if (r.Exception is null) throw Error("a bare 'raise' outside an except block", r);
                    var e = Eval(r.Exception, scope);
                    if (e is PClass cls) e = Invoke(cls, [], [], r);
                    if (e is PInstance inst && inst.Type.IsSubclassOf((PClass)Builtins["BaseException"]!)) throw new PyRaise(inst, PlaceOf(r));
                    if (e is POpaque o) throw Error($"the code raises {o.What}", r);
                    throw Raise("TypeError", "exceptions must derive from BaseException", r);
                }
            case AssertStmt a:
                if (!Truthy(Eval(a.Test, scope), a.Test))
                {
                    string message = a.Message is null ? "" : Str(Eval(a.Message, scope));
                    throw Raise("AssertionError", message, a);
                }
                return Flow.Normal;
            case WithStmt w:
                foreach (var (context, target) in w.Items)
                {
                    var value = Eval(context, scope);
                    if (target is not null) Assign(target, value, scope);
                }
                return ExecBlock(w.Body, scope);
            case TryStmt t:
                return ExecTry(t, scope);
            case GlobalStmt g:
                foreach (var n in g.Names) scope.DeclareGlobal(n);
                return Flow.Normal;
            case DeleteStmt d:
                foreach (var target in d.Targets) Delete(target, scope);
                return Flow.Normal;
        }
        throw Error($"this statement ({stmt.GetType().Name}) is not followed by cnnshape", stmt);
    }

    private Flow ExecTry(TryStmt t, Scope scope)
    {
        Flow flow;
        try
        {
            try
            {
                flow = ExecBlock(t.Body, scope);
            }
            catch (PyRaise raised)
            {
                foreach (var (type, name, body) in t.Handlers)
                {
                    if (type is not null && !Matches(raised.Exception, Eval(type, scope))) continue;
                    if (name is not null) scope.Set(name, raised.Exception);
                    return ExecBlock(body, scope);
                }
                throw;
            }
            if (flow == Flow.Normal) flow = ExecBlock(t.OrElse, scope);
        }
        finally
        {
            if (t.Finally.Count > 0)
            {
                var saved = _returnValue;
                var f = ExecBlock(t.Finally, scope);
                if (f == Flow.Normal) _returnValue = saved;
            }
        }
        return flow;
    }

    private static bool Matches(PInstance exception, object? type) => type switch
    {
        PClass c => exception.Type.IsSubclassOf(c),
        PTuple tuple => tuple.Items.Any(i => Matches(exception, i)),
        _ => false,
    };

    private void Assign(Expr target, object? value, Scope scope)
    {
        switch (target)
        {
            case NameExpr n:
                scope.Set(n.Id, value);
                return;
            case AttributeExpr a:
                SetAttr(Eval(a.Value, scope), a.Attr, value, a);
                return;
            case SubscriptExpr s:
                SetItem(Eval(s.Value, scope), Eval(s.Index, scope), value, s);
                return;
            case TupleExpr or ListExpr:
                {
                    var targets = target is TupleExpr t ? t.Items : ((ListExpr)target).Items;
                    var items = Iterate(value, target).ToList();
                    int star = targets.ToList().FindIndex(x => x is StarredExpr);
                    if (star < 0)
                    {
                        if (items.Count != targets.Count)
                        {
                            throw Raise("ValueError", items.Count > targets.Count ? $"too many values to unpack (expected {targets.Count})" : $"not enough values to unpack (expected {targets.Count}, got {items.Count})", target);
                        }
                        for (int i = 0; i < targets.Count; i++) Assign(targets[i], items[i], scope);
                        return;
                    }
                    int after = targets.Count - star - 1;
                    if (items.Count < targets.Count - 1) throw Raise("ValueError", $"not enough values to unpack (expected at least {targets.Count - 1}, got {items.Count})", target);
                    for (int i = 0; i < star; i++) Assign(targets[i], items[i], scope);
                    Assign(((StarredExpr)targets[star]).Value, new PList(items.GetRange(star, items.Count - star - after)), scope);
                    for (int i = 0; i < after; i++) Assign(targets[star + 1 + i], items[items.Count - after + i], scope);
                    return;
                }
            case StarredExpr s:
                Assign(s.Value, new PList(Iterate(value, target).ToList()), scope);
                return;
        }
        throw Error("cannot assign to this expression", target);
    }

    private void Delete(Expr target, Scope scope)
    {
        switch (target)
        {
            case NameExpr n:
                scope.Remove(n.Id);
                return;
            case SubscriptExpr s:
                {
                    var container = Eval(s.Value, scope);
                    var index = Eval(s.Index, scope);
                    if (container is PDict d) { d.Remove(index); return; }
                    if (container is PList l && index is long i) { l.Items.RemoveAt((int)NormaliseIndex(i, l.Items.Count, s)); return; }
                    throw Error("this del is not followed by cnnshape", target);
                }
            case AttributeExpr a:
                {
                    var o = Eval(a.Value, scope);
                    if (o is PInstance inst)
                    {
                        inst.Attributes.Remove(a.Attr);
                        if (inst.Module is { } m && m.ChildIndex(a.Attr) is var ci and >= 0) m.Children.RemoveAt(ci);
                    }
                    return;
                }
            case TupleExpr t:
                foreach (var i in t.Items) Delete(i, scope);
                return;
        }
        throw Error("this del is not followed by cnnshape", target);
    }

    // ---- functions and classes

    private PFunction MakeFunction(string name, Parameters parameters, IReadOnlyList<Stmt>? body, Expr? lambda, Scope scope, int line)
    {
        var defaults = new object?[parameters.Items.Count];
        var has = new bool[parameters.Items.Count];
        for (int i = 0; i < parameters.Items.Count; i++)
        {
            if (parameters.Items[i].Default is { } d)
            {
                defaults[i] = Eval(d, scope);
                has[i] = true;
            }
        }
        return new PFunction(name, parameters, defaults, body, lambda, scope, scope.Module) { HasDefault = has, Line = line };
    }

    private object? Decorate(object? value, IReadOnlyList<Expr> decorators, Scope scope)
    {
        for (int i = decorators.Count - 1; i >= 0; i--)
        {
            var decorator = Eval(decorators[i], scope);
            switch (decorator)
            {
                case PBuiltin { Name: "staticmethod" or "classmethod" or "property" } b when value is PFunction f:
                    f.Kind = b.Name;
                    continue;
                case POpaque:
                    // a decorator cnnshape does not know (dataclass, register_model, torch.jit…): the definition is kept as written
                    if (value is PClass c) c.Lenient = true;
                    continue;
                case PBound { Function: PBuiltin { Name: "setter" or "getter" or "deleter" } }:
                    continue;
            }
            value = Invoke(decorator, [value], [], decorators[i]);
        }
        return value;
    }

    private PClass MakeClass(ClassDef c, Scope scope)
    {
        var bases = new List<object>();
        foreach (var b in c.Bases)
        {
            var v = Eval(b, scope);
            if (v is StarredExpr) throw Error("starred class bases are not followed by cnnshape", b);
            if (v is PClass or POpaque) bases.Add(v);
            else if (v is null) throw Raise("TypeError", "NoneType takes no arguments", b);
            else throw Error($"the base class {Repr(v)} is not a class", b);
        }
        if (bases.Count == 0) bases.Add(Builtins["object"]!);
        var cls = new PClass(c.Name, bases, scope.Module) { Line = c.Line };
        cls.Mro = Linearise(cls, c);
        var body = new Scope(scope.Module, scope.IsModule ? null : scope, classBody: true);
        body.Vars["__module__"] = scope.Module.Name;
        body.Vars["__qualname__"] = c.Name;
        ExecBlock(c.Body, body);
        foreach (var stmt in c.Body) if (stmt is AnnAssignStmt { Target: NameExpr field }) cls.Annotated.Add(field.Id);
        foreach (var (k, v) in body.Vars)
        {
            cls.Attributes[k] = v;
            if (v is PFunction f && f.Owner is null) f.Owner = cls;
        }
        return cls;
    }

    /// <summary>C3 linearisation (Python's MRO); bases cnnshape does not know are left out of it.</summary>
    private List<PClass> Linearise(PClass cls, Node at)
    {
        var sequences = cls.Bases.OfType<PClass>().Select(b => new List<PClass>(b.Mro)).ToList();
        sequences.Add(cls.Bases.OfType<PClass>().ToList());
        var result = new List<PClass> { cls };
        while (true)
        {
            sequences.RemoveAll(s => s.Count == 0);
            if (sequences.Count == 0) return result;
            PClass? head = null;
            foreach (var s in sequences)
            {
                var candidate = s[0];
                if (!sequences.Any(o => o.IndexOf(candidate) > 0))
                {
                    head = candidate;
                    break;
                }
            }
            if (head is null) throw Raise("TypeError", "Cannot create a consistent method resolution order (MRO)", at);
            result.Add(head);
            foreach (var s in sequences) if (s.Count > 0 && s[0] == head) s.RemoveAt(0);
        }
    }

    /// <summary>Calls any callable with positional and keyword arguments.</summary>
    public object? Invoke(object? callee, List<object?> args, List<KeyValuePair<string, object?>> keywords, Node? site)
    {
        switch (callee)
        {
            case PFunction f:
                return CallFunction(f, args, keywords, site, null);
            case PBuiltin b:
                return b.Body(new Call(this, args, keywords, site) { Name = b.Name });
            case PBound bound:
                {
                    var all = new List<object?>(args.Count + 1) { bound.Self };
                    all.AddRange(args);
                    if (bound.Function is PFunction f) return CallFunction(f, all, keywords, site, bound.Self);
                    return Invoke(bound.Function, all, keywords, site);
                }
            case PClass cls:
                return Instantiate(cls, args, keywords, site);
            case PInstance inst:
                {
                    if (inst.Module is not null || inst.Type.IsSubclassOf(Torch.ModuleClass)) return Torch.CallModule(inst, args, keywords, site);
                    var call = inst.Type.Lookup("__call__", out _);
                    if (call is Missing) throw Raise("TypeError", $"'{inst.Type.Name}' object is not callable", site);
                    return Invoke(new PBound(inst, call!), args, keywords, site);
                }
            case POpaque o:
                return new POpaque($"{o.What}(…)", o.Module, o.Line);
        }
        throw Raise("TypeError", $"'{TypeName(callee)}' object is not callable", site);
    }

    private object? Instantiate(PClass cls, List<object?> args, List<KeyValuePair<string, object?>> keywords, Node? site)
    {
        // the first class of the MRO that says how it is made: a builtin value type makes the value itself
        foreach (var c in cls.Mro)
        {
            if (c.Construct is not null) return c.Construct(new Call(this, args, keywords, site) { Name = cls.Name, Target = cls });
            if (c.Attributes.ContainsKey("__init__")) break;
        }
        var instance = new PInstance(cls);
        var init = cls.Lookup("__init__", out _);
        if (init is PFunction or PBuiltin)
        {
            var all = new List<object?>(args.Count + 1) { instance };
            all.AddRange(args);
            if (init is PFunction f) CallFunction(f, all, keywords, site, instance);
            else Invoke(init, all, keywords, site);
        }
        else if (cls.Lenient || cls.HasOpaqueBase)
        {
            foreach (var (k, v) in keywords) instance.Attributes[k] = v;
        }
        else if (args.Count > 0 || keywords.Count > 0)
        {
            throw Raise("TypeError", $"{cls.Name}() takes no arguments", site);
        }
        return instance;
    }

    /// <summary>Binds arguments to a Python function's parameters as Python does, then runs its body.</summary>
    public object? CallFunction(PFunction f, List<object?> args, List<KeyValuePair<string, object?>> keywords, Node? site, object? self)
    {
        if (++_depth > DepthLimit)
        {
            _depth--;
            throw Error($"calls nest deeper than {DepthLimit} (endless recursion?) at {f.Name}()", site);
        }
        try
        {
            var scope = new Scope(f.Module, f.Closure.IsModule ? null : f.Closure) { Function = f, FirstArgument = args.Count > 0 ? args[0] : null };
            Bind(f, args, keywords, scope, site);
            if (f.Lambda is not null)
            {
                _frames.Add((f.Module, f.Lambda.Line));
                try { return Eval(f.Lambda, scope); }
                finally { _frames.RemoveAt(_frames.Count - 1); }
            }
            _frames.Add((f.Module, f.Line));
            try
            {
                _returnValue = null;
                var flow = ExecBlock(f.Body!, scope);
                var result = flow == Flow.Return ? _returnValue : null;
                _returnValue = null;
                return result;
            }
            finally
            {
                _frames.RemoveAt(_frames.Count - 1);
            }
        }
        finally
        {
            _depth--;
        }
    }

    private void Bind(PFunction f, List<object?> args, List<KeyValuePair<string, object?>> keywords, Scope scope, Node? site)
    {
        var ps = f.Parameters.Items;
        var set = new bool[ps.Count];
        PList? varargs = null;
        PDict? kwargs = null;
        int kwIndex = -1;
        var positional = new List<int>();
        bool hasVarargs = false;
        for (int i = 0; i < ps.Count; i++)
        {
            if (ps[i].Kind is "pos" or "posonly") positional.Add(i);
            if (ps[i].Kind == "varargs") hasVarargs = true;
            if (ps[i].Kind == "kwargs") kwIndex = i;
        }
        for (int a = 0; a < args.Count; a++)
        {
            if (a < positional.Count)
            {
                scope.Vars[ps[positional[a]].Name] = args[a];
                set[positional[a]] = true;
            }
            else if (hasVarargs) (varargs ??= new PList([])).Items.Add(args[a]);
            else throw Raise("TypeError", $"{f.Name}() takes {positional.Count} positional argument{(positional.Count == 1 ? "" : "s")} but {args.Count} were given", site);
        }
        foreach (var (k, v) in keywords)
        {
            int i = -1;
            for (int j = 0; j < ps.Count; j++) if (ps[j].Name == k && ps[j].Kind is "pos" or "kwonly") { i = j; break; }
            if (i < 0)
            {
                if (kwIndex < 0) throw Raise("TypeError", $"{f.Name}() got an unexpected keyword argument '{k}'", site);
                (kwargs ??= new PDict()).Set(k, v);
                continue;
            }
            if (set[i]) throw Raise("TypeError", $"{f.Name}() got multiple values for argument '{k}'", site);
            scope.Vars[k] = v;
            set[i] = true;
        }
        for (int i = 0; i < ps.Count; i++)
        {
            if (ps[i].Kind == "varargs") { scope.Vars[ps[i].Name] = new PTuple(varargs?.Items.ToArray() ?? []); continue; }
            if (ps[i].Kind == "kwargs") { scope.Vars[ps[i].Name] = kwargs ?? new PDict(); continue; }
            if (set[i]) continue;
            if (f.HasDefault.Length > i && f.HasDefault[i]) scope.Vars[ps[i].Name] = f.Defaults[i];
            else throw Raise("TypeError", $"{f.Name}() missing 1 required {(ps[i].Kind == "kwonly" ? "keyword-only" : "positional")} argument: '{ps[i].Name}'", site);
        }
    }

    // ---- expressions

    public object? Eval(Expr e, Scope scope)
    {
        switch (e)
        {
            case ConstExpr c:
                return c.Value;
            case NameExpr n:
                if (scope.TryGet(n.Id, out var v)) return v;
                if (Builtins.TryGetValue(n.Id, out v)) return v;
                throw Raise("NameError", $"name '{n.Id}' is not defined{Loader.WhySkipped(n.Id)}", n);
            case AttributeExpr a:
                return GetAttr(Eval(a.Value, scope), a.Attr, a);
            case CallExpr c:
                return EvalCall(c, scope);
            case BinaryExpr b:
                return Binary(b.Op, Eval(b.Left, scope), Eval(b.Right, scope), b);
            case UnaryExpr u:
                return Unary(u.Op, Eval(u.Operand, scope), u);
            case BoolExpr b:
                {
                    object? last = null;
                    foreach (var value in b.Values)
                    {
                        last = Eval(value, scope);
                        bool truth = Truthy(last, value);
                        if (b.Op == "and" ? !truth : truth) return last;
                    }
                    return last;
                }
            case CompareExpr c:
                {
                    var left = Eval(c.Left, scope);
                    for (int i = 0; i < c.Ops.Count; i++)
                    {
                        var right = Eval(c.Comparators[i], scope);
                        if (!Compare(c.Ops[i], left, right, c)) return false;
                        left = right;
                    }
                    return true;
                }
            case IfExpr i:
                return Truthy(Eval(i.Test, scope), i.Test) ? Eval(i.Body, scope) : Eval(i.OrElse, scope);
            case TupleExpr t:
                return new PTuple(EvalItems(t.Items, scope).ToArray());
            case ListExpr l:
                return new PList(EvalItems(l.Items, scope));
            case SetExpr s:
                {
                    var set = new PSet();
                    foreach (var item in EvalItems(s.Items, scope)) set.Map.Set(Hashable(item, s), true);
                    return set;
                }
            case DictExpr d:
                {
                    var dict = new PDict();
                    foreach (var (key, value) in d.Items)
                    {
                        if (key is null)
                        {
                            var other = Eval(value, scope);
                            if (other is not PDict od) throw Raise("TypeError", $"'{TypeName(other)}' object is not a mapping", value);
                            foreach (var (k2, v2) in od.Items) dict.Set(k2, v2);
                        }
                        else dict.Set(Hashable(Eval(key, scope), key), Eval(value, scope));
                    }
                    return dict;
                }
            case SubscriptExpr s:
                return GetItem(Eval(s.Value, scope), Eval(s.Index, scope), s);
            case SliceExpr s:
                return new PSlice(s.Lower is null ? null : Eval(s.Lower, scope), s.Upper is null ? null : Eval(s.Upper, scope), s.Step is null ? null : Eval(s.Step, scope));
            case LambdaExpr l:
                return MakeFunction("<lambda>", l.Params, null, l.Body, scope, l.Line);
            case CompExpr c:
                return Comprehension(c, scope);
            case FStringExpr f:
                {
                    var sb = new System.Text.StringBuilder();
                    foreach (var part in f.Parts)
                    {
                        if (part is string text) sb.Append(text);
                        else if (part is FStringField field)
                        {
                            var value = Eval(field.Value, scope);
                            if (field.Conversion == 'r') value = Repr(value);
                            else if (field.Conversion == 's') value = Str(value);
                            sb.Append(Format(value, field.Spec, field.Value));
                        }
                    }
                    return sb.ToString();
                }
            case NamedExpr n:
                {
                    var value = Eval(n.Value, scope);
                    scope.Set(n.Target, value);
                    return value;
                }
            case StarredExpr s:
                throw Error("a starred expression is only allowed in a call, a list or a tuple", s);
        }
        throw Error($"this expression ({e.GetType().Name}) is not followed by cnnshape", e);
    }

    private List<object?> EvalItems(IReadOnlyList<Expr> items, Scope scope)
    {
        var result = new List<object?>(items.Count);
        foreach (var item in items)
        {
            if (item is StarredExpr s) result.AddRange(Iterate(Eval(s.Value, scope), s));
            else result.Add(Eval(item, scope));
        }
        return result;
    }

    private object? EvalCall(CallExpr c, Scope scope)
    {
        // super() without arguments: the class that defined the running method, and its first argument
        if (c.Func is NameExpr { Id: "super" } && c.Args.Count == 0 && !scope.TryGet("super", out _))
        {
            var f = scope.Function;
            for (var s = scope; f?.Owner is null && s is not null; s = s.Parent) f = s.Function;
            if (f?.Owner is null) throw Raise("RuntimeError", "super(): no arguments", c);
            var self = scope.FirstArgument;
            for (var s = scope; s is not null && s.Function?.Owner is null; s = s.Parent) self = s.Parent?.FirstArgument;
            return new PSuper(f.Owner, self ?? scope.FirstArgument);
        }
        var func = Eval(c.Func, scope);
        var args = new List<object?>(c.Args.Count);
        foreach (var a in c.Args)
        {
            if (a is StarredExpr s) args.AddRange(Iterate(Eval(s.Value, scope), s));
            else args.Add(Eval(a, scope));
        }
        var keywords = new List<KeyValuePair<string, object?>>(c.Keywords.Count);
        foreach (var k in c.Keywords)
        {
            if (k.Name is not null)
            {
                keywords.Add(new(k.Name, Eval(k.Value, scope)));
                continue;
            }
            var mapping = Eval(k.Value, scope);
            if (mapping is POpaque) throw Error($"**{Repr(mapping)} is not followed by cnnshape", k.Value);
            if (mapping is not PDict d) throw Raise("TypeError", $"argument after ** must be a mapping, not {TypeName(mapping)}", k.Value);
            foreach (var (key, value) in d.Items)
            {
                if (key is not string name) throw Raise("TypeError", "keywords must be strings", k.Value);
                if (keywords.Any(x => x.Key == name)) throw Raise("TypeError", $"got multiple values for keyword argument '{name}'", k.Value);
                keywords.Add(new(name, value));
            }
        }
        return Invoke(func, args, keywords, c);
    }

    private object? Comprehension(CompExpr c, Scope scope)
    {
        var inner = new Scope(scope.Module, scope.IsModule ? null : scope) { Function = scope.Function, FirstArgument = scope.FirstArgument };
        var list = new List<object?>();
        var dict = c.Kind == "dict" ? new PDict() : null;
        void Loop(int g)
        {
            if (g == c.Generators.Count)
            {
                if (dict is not null) dict.Set(Hashable(Eval(c.Key!, inner), c.Key!), Eval(c.Element, inner));
                else list.Add(Eval(c.Element, inner));
                return;
            }
            var gen = c.Generators[g];
            var source = g == 0 ? Eval(gen.Iter, scope) : Eval(gen.Iter, inner);
            foreach (var item in Iterate(source, gen.Iter))
            {
                Step(c);
                Assign(gen.Target, item, inner);
                if (gen.Ifs.All(cond => Truthy(Eval(cond, inner), cond))) Loop(g + 1);
            }
        }
        Loop(0);
        return c.Kind switch
        {
            "dict" => dict,
            "set" => MakeSet(list, c),
            "gen" => new PIterator(list.GetEnumerator()),
            _ => new PList(list),
        };
    }

    private PSet MakeSet(IEnumerable<object?> items, Node at)
    {
        var set = new PSet();
        foreach (var i in items) set.Map.Set(Hashable(i, at), true);
        return set;
    }

    /// <summary>Values usable as dict keys: immutable ones (a list is refused as Python refuses it).</summary>
    public object? Hashable(object? key, Node? at) => key switch
    {
        PList => throw Raise("TypeError", "unhashable type: 'list'", at),
        PDict => throw Raise("TypeError", "unhashable type: 'dict'", at),
        PSet => throw Raise("TypeError", "unhashable type: 'set'", at),
        _ => key,
    };
}

/// <summary>A statement of a module's top level that was not followed, the names it would have set, and why.</summary>
internal sealed record Skipped(PModule Module, Stmt Statement, string Reason, IReadOnlyList<string> Names);

/// <summary>The object <c>super()</c> gives: attribute lookups start after <see cref="Class"/> in the MRO of the instance's class.</summary>
internal sealed record PSuper(PClass Class, object? Self);

/// <summary>Conversions used across the evaluator.</summary>
internal static class PyConvert
{
    public static string Float(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        if (d == Math.Floor(d) && Math.Abs(d) < 1e16) return d.ToString("0.0", CultureInfo.InvariantCulture);
        string r = d.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E');
        if (e < 0) return r;
        string mantissa = r[..e];
        int exponent = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        return $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
    }
}
