using CnnShape.Internal;

namespace CnnShape.Formats.Python;

/// <summary>
/// Resolves imports: torch and its submodules from <see cref="Torch"/>, a few standard-library modules cnnshape models
/// (math, functools, collections, typing, warnings, itertools, copy), and the model's own modules from files next to it
/// (relative imports, and absolute ones that name a file in the model's folder). Anything else is an opaque value,
/// harmless until the model needs it.
/// </summary>
internal sealed class ModuleLoader(string? path)
{
    private readonly Dictionary<string, object> _loaded = new(StringComparer.Ordinal);
    private readonly HashSet<string> _loading = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PModule> _stdlib = new(StringComparer.Ordinal);

    /// <summary>The full path of the main file (null for text from stdin or the web page: no files are read then).</summary>
    public string? MainPath { get; } = path is null ? null : Path.GetFullPath(path);

    public PModule? Main { get; set; }

    /// <summary>Top-level statements of any file that were not followed.</summary>
    public List<Skipped> Skipped { get; } = [];

    /// <summary>Full paths of the files a module came from (for imported files).</summary>
    private readonly Dictionary<PModule, string> _paths = [];

    /// <summary>The note for a NameError: the skipped statement that would have defined the name.</summary>
    public string WhySkipped(string name)
    {
        var s = Skipped.LastOrDefault(x => x.Names.Contains(name));
        return s is null ? "" : $" (line {s.Statement.Line} of {s.Module.File}, which would define it, was not followed: {s.Reason.TrimEnd('.')})";
    }

    public object Import(Interpreter it, string name, int level, Node site)
    {
        if (level == 0)
        {
            string root = name.Split('.')[0];
            if (root == "torch") return it.Torch.Module(name, it.CurrentModule, site.Line);
            if (Stdlib(it, name) is { } std) return std;
        }
        var file = Locate(it.CurrentModule, name, level);
        if (file is null) return new POpaque(new string('.', level) + name, it.CurrentModule, site.Line);
        return Load(it, file, (level > 0 ? new string('.', level) : "") + name, site);
    }

    /// <summary><c>package.name</c> where the package is a folder: the file of that name in it, or <see cref="Missing.Value"/>.</summary>
    public object Submodule(Interpreter it, PModule module, string name, Node? at)
    {
        if (module.Fallback) return new POpaque($"{module.Name}.{name}", it.CurrentModule, at?.Line ?? it.CurrentLine);
        if (!_paths.TryGetValue(module, out var file) || Path.GetFileName(file) != "__init__.py") return Missing.Value;
        var dir = Path.GetDirectoryName(file)!;
        var candidate = Candidate(Path.Combine(dir, name));
        return candidate is null ? Missing.Value : Load(it, candidate, module.Name + "." + name, at);
    }

    private string? Locate(PModule from, string name, int level)
    {
        if (MainPath is null) return null;
        string? dir;
        if (level > 0)
        {
            string? fromPath = from == Main ? MainPath : _paths.GetValueOrDefault(from);
            if (fromPath is null) return null;
            dir = Path.GetDirectoryName(fromPath);
            for (int i = 1; i < level && dir is not null; i++) dir = Path.GetDirectoryName(dir);
        }
        else
        {
            // next to the model file, or from the root of the package the model file is in (torchvision.models._api)
            dir = Path.GetDirectoryName(MainPath);
            if (dir is null) return null;
            var found = Candidate(Path.Combine([dir, .. name.Split('.')]));
            if (found is not null) return found;
            string package = dir;
            while (File.Exists(Path.Combine(package, "__init__.py")) && Path.GetDirectoryName(package) is { } parent && File.Exists(Path.Combine(parent, "__init__.py"))) package = parent;
            if (!File.Exists(Path.Combine(package, "__init__.py")) || name.Split('.')[0] != Path.GetFileName(package)) return null;
            return Candidate(Path.Combine([Path.GetDirectoryName(package)!, .. name.Split('.')]));
        }
        if (dir is null) return null;
        if (name.Length == 0) return Candidate(dir, package: true);
        return Candidate(Path.Combine([dir, .. name.Split('.')]));
    }

    private static string? Candidate(string stem, bool package = false)
    {
        if (!package && File.Exists(stem + ".py")) return stem + ".py";
        var init = Path.Combine(stem, "__init__.py");
        return File.Exists(init) ? init : null;
    }

    private object Load(Interpreter it, string file, string name, Node? site)
    {
        if (_loaded.TryGetValue(file, out var done)) return done;
        if (MainPath is not null && file == MainPath && Main is not null) return Main;
        if (!_loading.Add(file)) throw it.Error($"the imports of {Path.GetFileName(file)} go round in a circle", site);
        try
        {
            string text;
            try { text = File.ReadAllText(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return new POpaque(name, it.CurrentModule, site?.Line ?? 0); }
            string display = MainPath is null ? file : Path.GetRelativePath(Path.GetDirectoryName(MainPath)!, file);
            var module = new PModule(name, display) { Lines = text.Split('\n') };
            _paths[module] = file;
            module.Globals["__name__"] = name;
            module.Globals["__file__"] = file;
            _loaded[file] = module;
            var tree = Parser.ParseModule(text, display);
            it.RunModule(module, tree, lenient: true, Skipped);
            return module;
        }
        finally
        {
            _loading.Remove(file);
        }
    }

    // ---- the standard library cnnshape models

    private PModule? Stdlib(Interpreter it, string name)
    {
        if (_stdlib.TryGetValue(name, out var m)) return m;
        m = name switch
        {
            "math" => MathModule(it),
            "functools" => Functools(it),
            "collections" => Collections(it, name),
            "collections.abc" => Typing(it, name),
            "typing" or "typing_extensions" => Typing(it, name),
            "dataclasses" => Dataclasses(it),
            "abc" or "enum" or "numbers" or "types" or "logging" or "os" or "sys" or "re" => new PModule(name, name) { Fallback = true },
            "inspect" => Inspect(it),
            "warnings" => Warnings(it),
            "itertools" => Itertools(it),
            "copy" => CopyModule(it),
            "operator" => OperatorModule(it),
            _ => null,
        };
        if (m is null) return null;
        if (name == "typing" || name == "typing_extensions")
        {
            m.Globals["TYPE_CHECKING"] = false;
            m.Globals["cast"] = new PBuiltin("cast", c => c.Args[1]);
        }
        _stdlib[name] = m;
        return m;
    }

    private static void Fn(PModule m, string name, Func<Call, object?> body) => m.Globals[name] = new PBuiltin(name, body);

    private static PModule MathModule(Interpreter it)
    {
        var m = new PModule("math", "math");
        double F(Call c, int i = 0) => it.ToFloat(c.Args[i], c.Site);
        long IntOf(double d, Call c) => double.IsFinite(d) && Math.Abs(d) < 9.2e18 ? (long)d : throw it.Raise("OverflowError", "cannot convert float infinity to integer", c.Site);
        Fn(m, "ceil", c => c.Args[0] is long l ? l : IntOf(Math.Ceiling(F(c)), c));
        Fn(m, "floor", c => c.Args[0] is long l ? l : IntOf(Math.Floor(F(c)), c));
        Fn(m, "trunc", c => c.Args[0] is long l ? l : IntOf(Math.Truncate(F(c)), c));
        Fn(m, "sqrt", c => F(c) < 0 ? throw it.Raise("ValueError", "math domain error", c.Site) : Math.Sqrt(F(c)));
        Fn(m, "isqrt", c => (long)Math.Floor(Math.Sqrt(F(c))));
        Fn(m, "log", c => c.Args.Count > 1 ? Math.Log(F(c)) / Math.Log(F(c, 1)) : Math.Log(F(c)));
        Fn(m, "log2", c => Math.Log2(F(c)));
        Fn(m, "log10", c => Math.Log10(F(c)));
        Fn(m, "exp", c => Math.Exp(F(c)));
        Fn(m, "pow", c => Math.Pow(F(c), F(c, 1)));
        Fn(m, "fabs", c => Math.Abs(F(c)));
        Fn(m, "cos", c => Math.Cos(F(c)));
        Fn(m, "sin", c => Math.Sin(F(c)));
        Fn(m, "isinf", c => double.IsInfinity(F(c)));
        Fn(m, "isnan", c => double.IsNaN(F(c)));
        Fn(m, "isclose", c => Math.Abs(F(c) - F(c, 1)) <= Math.Max(1e-9 * Math.Max(Math.Abs(F(c)), Math.Abs(F(c, 1))), 0));
        Fn(m, "gcd", c => c.Args.Select(a => Math.Abs((long)a!)).Aggregate(0L, (x, y) => { while (y != 0) (x, y) = (y, x % y); return x; }));
        Fn(m, "prod", c => it.Iterate(c.Args[0], c.Site).Aggregate((object?)1L, (p, x) => it.Binary("*", p, x, c.Site)));
        m.Globals["pi"] = Math.PI;
        m.Globals["e"] = Math.E;
        m.Globals["inf"] = double.PositiveInfinity;
        m.Globals["nan"] = double.NaN;
        return m;
    }

    private static PModule Functools(Interpreter it)
    {
        var m = new PModule("functools", "functools");
        Fn(m, "partial", c =>
        {
            if (c.Args.Count == 0) throw it.Raise("TypeError", "partial() needs a callable", c.Site);
            var f = c.Args[0];
            var bound = c.Args.Skip(1).ToList();
            var boundKw = c.Keywords.ToList();
            string name = f is PClass k ? k.Name : f is PFunction pf ? pf.Name : "partial";
            return new PBuiltin(name, call =>
            {
                var kw = boundKw.Where(b => !call.Keywords.Any(k => k.Key == b.Key)).Concat(call.Keywords).ToList();
                return it.Invoke(f, [.. bound, .. call.Args], kw, call.Site);
            })
            { Partial = f };
        });
        Fn(m, "reduce", c =>
        {
            var items = it.Iterate(c.Args[1], c.Site).ToList();
            object? acc;
            int start = 0;
            if (c.Args.Count > 2) acc = c.Args[2];
            else if (items.Count > 0) { acc = items[0]; start = 1; }
            else throw it.Raise("TypeError", "reduce() of empty iterable with no initial value", c.Site);
            for (int i = start; i < items.Count; i++) acc = it.Invoke(c.Args[0], [acc, items[i]], [], c.Site);
            return acc;
        });
        var identity = new PBuiltin("decorator", c => c.Args.Count == 1 ? c.Args[0] : null);
        Fn(m, "wraps", c =>
        {
            var wrapped = c.Args.ElementAtOrDefault(0);
            return new PBuiltin("wraps", d =>
            {
                if (d.Args.ElementAtOrDefault(0) is PFunction f) f.Wrapped = wrapped;
                return d.Args.ElementAtOrDefault(0);
            });
        });
        Fn(m, "lru_cache", c => c.Args.Count == 1 && c.Args[0] is PFunction ? c.Args[0] : identity);
        Fn(m, "cache", c => c.Args[0]);
        Fn(m, "update_wrapper", c => c.Args[0]);
        return m;
    }

    private static PModule Collections(Interpreter it, string name)
    {
        var m = new PModule(name, name) { Fallback = true };
        var dict = it.Type("dict");
        var ordered = new PClass("OrderedDict", [dict], null) { Construct = dict.Construct };
        ordered.Mro = [ordered, .. dict.Mro];
        m.Globals["OrderedDict"] = ordered;
        var defaultdict = new PClass("defaultdict", [dict], null) { Construct = c => dict.Construct!(new Call(it, c.Args.Skip(1).ToList(), c.Keywords, c.Site)) };
        defaultdict.Mro = [defaultdict, .. dict.Mro];
        m.Globals["defaultdict"] = defaultdict;
        Fn(m, "namedtuple", c =>
        {
            var a = c.Bind([("typename", Missing.Value), ("field_names", Missing.Value), ("rename", false), ("defaults", null), ("module", null)], allowExtra: false);
            string typename = (string)a[0]!;
            var fields = a[1] is string s ? s.Replace(",", " ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries) : it.Iterate(a[1], c.Site).Select(x => (string)x!).ToArray();
            var defaults = a[3] is null ? [] : it.Iterate(a[3], c.Site).ToList();
            var tuple = it.Type("tuple");
            PClass? cls = null;
            cls = new PClass(typename, [tuple], it.CurrentModule)
            {
                Construct = call =>
                {
                    var values = new object?[fields.Length];
                    var set = new bool[fields.Length];
                    for (int i = 0; i < call.Args.Count; i++)
                    {
                        if (i >= fields.Length) throw it.Raise("TypeError", $"{typename}() takes {fields.Length} positional arguments but {call.Args.Count} were given", call.Site);
                        values[i] = call.Args[i];
                        set[i] = true;
                    }
                    foreach (var (k, v) in call.Keywords)
                    {
                        int i = Array.IndexOf(fields, k);
                        if (i < 0) throw it.Raise("TypeError", $"{typename}() got an unexpected keyword argument '{k}'", call.Site);
                        values[i] = v;
                        set[i] = true;
                    }
                    for (int i = 0; i < fields.Length; i++)
                    {
                        if (set[i]) continue;
                        int d = i - (fields.Length - defaults.Count);
                        if (d >= 0) values[i] = defaults[d];
                        else throw it.Raise("TypeError", $"{typename}() missing required argument: '{fields[i]}'", call.Site);
                    }
                    return new PTuple(values) { Named = cls };
                },
            };
            cls.Mro = [cls, .. tuple.Mro];
            cls.Attributes["_fields_list"] = fields;
            return cls;
        });
        return m;
    }

    /// <summary>inspect.signature of functions written in Python: parameters in order, with their kind and default.</summary>
    private static PModule Inspect(Interpreter it)
    {
        var m = new PModule("inspect", "inspect") { Fallback = true };
        var obj = it.Type("object");
        var empty = new PClass("_empty", [obj], null);
        empty.Mro = [empty, obj];
        var parameter = new PClass("Parameter", [obj], null);
        parameter.Mro = [parameter, obj];
        string[] kinds = ["POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD", "VAR_POSITIONAL", "KEYWORD_ONLY", "VAR_KEYWORD"];
        for (int i = 0; i < kinds.Length; i++) parameter.Attributes[kinds[i]] = (long)i;
        parameter.Attributes["empty"] = empty;
        var signature = new PClass("Signature", [obj], null);
        signature.Mro = [signature, obj];
        m.Globals["Parameter"] = parameter;
        m.Globals["Signature"] = signature;
        m.Globals["_empty"] = empty;
        Fn(m, "signature", c =>
        {
            var target = c.Args.ElementAtOrDefault(0);
            while (target is PFunction { Wrapped: { } inner }) target = inner;
            var f = target switch
            {
                PFunction fn => fn,
                PBound { Function: PFunction fn } => fn,
                var v => throw c.Error($"inspect.signature of {it.Repr(v)} is not followed by cnnshape"),
            };
            var parameters = new PDict();
            for (int i = 0; i < f.Parameters.Items.Count; i++)
            {
                var p = f.Parameters.Items[i];
                var instance = new PInstance(parameter);
                instance.Attributes["name"] = p.Name;
                instance.Attributes["kind"] = (long)(p.Kind switch { "posonly" => 0, "pos" => 1, "varargs" => 2, "kwonly" => 3, _ => 4 });
                instance.Attributes["default"] = f.HasDefault.Length > i && f.HasDefault[i] ? f.Defaults[i] : empty;
                parameters.Set(p.Name, instance);
            }
            var result = new PInstance(signature);
            result.Attributes["parameters"] = parameters;
            return result;
        });
        Fn(m, "isclass", c => c.Args[0] is PClass);
        Fn(m, "isfunction", c => c.Args[0] is PFunction);
        return m;
    }

    /// <summary>The abstract collection types isinstance checks against (Sequence, Mapping, Iterable…); other names are opaque.</summary>
    private static PModule Typing(Interpreter it, string name)
    {
        var m = new PModule(name, name) { Fallback = true };
        var obj = it.Type("object");
        void Abc(string n, Func<object?, bool> check)
        {
            var cls = new PClass(n, [obj], null) { Check = check };
            cls.Mro = [cls, obj];
            m.Globals[n] = cls;
        }
        static bool Sequence(object? v) => v is PList or PTuple or string or PRange;
        static bool Mapping(object? v) => v is PDict;
        bool Iterable(object? v) => v is PList or PTuple or string or PRange or PDict or PSet or PIterator || v is PInstance i && (i.Type.Lookup("__iter__", out _) is not Missing);
        Abc("Sequence", Sequence);
        Abc("MutableSequence", v => v is PList);
        Abc("List", v => v is PList);
        Abc("Tuple", v => v is PTuple);
        Abc("Dict", Mapping);
        Abc("Mapping", Mapping);
        Abc("MutableMapping", Mapping);
        Abc("Set", v => v is PSet);
        Abc("Iterable", Iterable);
        Abc("Collection", Iterable);
        Abc("Container", Iterable);
        Abc("Sized", v => v is PList or PTuple or string or PRange or PDict or PSet);
        Abc("Iterator", v => v is PIterator);
        Abc("Callable", v => v is PFunction or PBuiltin or PBound or PClass || v is PInstance i && (i.Module is not null || i.Type.Lookup("__call__", out _) is not Missing));
        return m;
    }

    /// <summary>@dataclass: an __init__ taking the annotated fields in order (with their defaults), as Python's makes it.</summary>
    private static PModule Dataclasses(Interpreter it)
    {
        var m = new PModule("dataclasses", "dataclasses") { Fallback = true };
        var fieldClass = new PClass("Field", [it.Type("object")], null);
        fieldClass.Mro = [fieldClass, it.Type("object")];
        Fn(m, "field", c =>
        {
            var f = new PInstance(fieldClass);
            foreach (var (k, v) in c.Keywords) f.Attributes[k] = v;
            return f;
        });
        PClass Make(PClass cls)
        {
            var fields = new List<string>();
            foreach (var k in Enumerable.Reverse(cls.Mro)) foreach (var f in k.Annotated) if (!fields.Contains(f)) fields.Add(f);
            cls.Attributes["__init__"] = new PBuiltin("__init__", c =>
            {
                var self = (PInstance)c.Args[0]!;
                var values = new object?[fields.Count];
                var set = new bool[fields.Count];
                if (c.Args.Count - 1 > fields.Count) throw it.Raise("TypeError", $"__init__() takes {fields.Count + 1} positional arguments but {c.Args.Count} were given", c.Site);
                for (int i = 1; i < c.Args.Count; i++) { values[i - 1] = c.Args[i]; set[i - 1] = true; }
                foreach (var (k, v) in c.Keywords)
                {
                    int i = fields.IndexOf(k);
                    if (i < 0) throw it.Raise("TypeError", $"__init__() got an unexpected keyword argument '{k}'", c.Site);
                    values[i] = v;
                    set[i] = true;
                }
                for (int i = 0; i < fields.Count; i++)
                {
                    if (set[i]) continue;
                    var d = cls.Lookup(fields[i], out _);
                    if (d is PInstance { } spec && spec.Type == fieldClass)
                    {
                        if (spec.Attributes.TryGetValue("default", out var dv)) values[i] = dv;
                        else if (spec.Attributes.TryGetValue("default_factory", out var factory)) values[i] = it.Invoke(factory, [], [], c.Site);
                        else throw it.Raise("TypeError", $"__init__() missing 1 required positional argument: '{fields[i]}'", c.Site);
                    }
                    else if (d is not Missing) values[i] = d;
                    else throw it.Raise("TypeError", $"__init__() missing 1 required positional argument: '{fields[i]}'", c.Site);
                }
                for (int i = 0; i < fields.Count; i++) self.Attributes[fields[i]] = values[i];
                if (cls.Lookup("__post_init__", out _) is PFunction post) it.CallFunction(post, [self], [], c.Site, self);
                return null;
            })
            { IsMethod = true };
            return cls;
        }
        Fn(m, "dataclass", c =>
        {
            if (c.Args.Count == 1 && c.Args[0] is PClass cls) return Make(cls);
            return new PBuiltin("dataclass", d => d.Args[0] is PClass k ? Make(k) : throw d.Error("@dataclass applies to a class"));
        });
        return m;
    }

    private static PModule Warnings(Interpreter it)
    {
        var m = new PModule("warnings", "warnings") { Fallback = true };
        Fn(m, "warn", _ => null);
        Fn(m, "filterwarnings", _ => null);
        Fn(m, "simplefilter", _ => null);
        return m;
    }

    private static PModule Itertools(Interpreter it)
    {
        var m = new PModule("itertools", "itertools");
        Fn(m, "chain", c => new PList(c.Args.SelectMany(a => it.Iterate(a, c.Site)).ToList()));
        Fn(m, "repeat", c => c.Args.Count > 1 ? new PList(Enumerable.Repeat(c.Args[0], (int)(long)c.Args[1]!).ToList()) : throw c.Error("itertools.repeat without a count is endless"));
        Fn(m, "accumulate", c =>
        {
            var result = new List<object?>();
            object? acc = null;
            bool first = true;
            foreach (var x in it.Iterate(c.Args[0], c.Site))
            {
                acc = first ? x : c.Args.Count > 1 ? it.Invoke(c.Args[1], [acc, x], [], c.Site) : it.Binary("+", acc, x, c.Site);
                first = false;
                result.Add(acc);
            }
            return new PList(result);
        });
        Fn(m, "product", c =>
        {
            var pools = c.Args.Select(a => it.Iterate(a, c.Site).ToList()).ToList();
            var result = new List<object?[]> { Array.Empty<object?>() };
            foreach (var pool in pools) result = [.. result.SelectMany(r => pool.Select(x => (object?[])[.. r, x]))];
            return new PList(result.Select(r => (object?)new PTuple(r)).ToList());
        });
        return m;
    }

    private static PModule CopyModule(Interpreter it)
    {
        var m = new PModule("copy", "copy");
        Fn(m, "copy", c => c.Args[0] switch
        {
            PList l => new PList([.. l.Items]),
            PDict d => it.Invoke(it.Type("dict"), [d], [], c.Site),
            var v => v,
        });
        Fn(m, "deepcopy", c => it.DeepCopy(c.Args[0], new Dictionary<object, object?>(ReferenceEqualityComparer.Instance)));
        return m;
    }

    private static PModule OperatorModule(Interpreter it)
    {
        var m = new PModule("operator", "operator") { Fallback = true };
        Fn(m, "add", c => it.Binary("+", c.Args[0], c.Args[1], c.Site));
        Fn(m, "mul", c => it.Binary("*", c.Args[0], c.Args[1], c.Site));
        Fn(m, "getitem", c => it.GetItem(c.Args[0], c.Args[1], c.Site));
        Fn(m, "index", c => it.ToInt(c.Args[0], null, c.Site));
        return m;
    }
}

internal sealed partial class Interpreter
{
    /// <summary>copy.deepcopy of the values models copy: containers and modules (a layer's built form is shared, it never changes).</summary>
    public object? DeepCopy(object? v, Dictionary<object, object?> memo)
    {
        if (v is null or bool or long or double or string or PClass or PFunction or PBuiltin or POpaque or PModule) return v;
        if (memo.TryGetValue(v, out var done)) return done;
        switch (v)
        {
            case PList l:
                {
                    var copy = new PList([]);
                    memo[v] = copy;
                    copy.Items.AddRange(l.Items.Select(x => DeepCopy(x, memo)));
                    return copy;
                }
            case PTuple t:
                return memo[v] = new PTuple([.. t.Items.Select(x => DeepCopy(x, memo))], t.IsSize) { Named = t.Named };
            case PDict d:
                {
                    var copy = new PDict();
                    memo[v] = copy;
                    foreach (var (k, x) in d.Items) copy.Set(k, DeepCopy(x, memo));
                    return copy;
                }
            case PTensor t:
                return memo[v] = new PTensor(t.Node, t.Shape, t.Strides) { IsParameter = t.IsParameter, Made = t.Made };
            case PInstance i:
                {
                    var copy = new PInstance(i.Type) { Message = i.Message };
                    memo[v] = copy;
                    foreach (var (k, x) in i.Attributes) copy.Attributes[k] = DeepCopy(x, memo);
                    if (i.Module is { } m)
                    {
                        var state = new ModuleState
                        {
                            Training = m.Training,
                            Layer = m.Layer,
                            Arguments = m.Arguments,
                            Text = m.Text,
                            Constructed = m.Constructed,
                        };
                        foreach (var (k, c) in m.Children) state.Children.Add(new(k, (PInstance?)DeepCopy(c, memo)));
                        foreach (var (k, p) in m.Parameters) state.Parameters.Add(new(k, (PTensor)DeepCopy(p, memo)!));
                        foreach (var (k, b) in m.Buffers) state.Buffers.Add(new(k, (PTensor)DeepCopy(b, memo)!));
                        copy.Module = state;
                    }
                    return copy;
                }
        }
        return v;
    }
}
