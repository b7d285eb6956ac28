using System.Globalization;

namespace CnnShape.Formats.Python;

internal sealed partial class Interpreter
{
    private readonly Dictionary<string, PClass> _types = new(StringComparer.Ordinal);

    /// <summary>A builtin class by name (int, list, Exception…).</summary>
    public PClass Type(string name) => _types[name];

    private PClass DefineType(string name, Func<Call, object?>? construct, params PClass[] bases)
    {
        var cls = new PClass(name, bases.Length == 0 && name != "object" ? [_types["object"]] : bases, null) { Construct = construct };
        cls.Mro = name == "object" ? [cls] : [cls, .. MergeMro(cls.Bases.Cast<PClass>())];
        _types[name] = cls;
        return cls;
    }

    private static IEnumerable<PClass> MergeMro(IEnumerable<PClass> bases)
    {
        var seen = new List<PClass>();
        foreach (var b in bases) foreach (var c in b.Mro) if (!seen.Contains(c)) seen.Add(c);
        var obj = seen.FirstOrDefault(c => c.Name == "object" && c.Module is null);
        if (obj is not null) { seen.Remove(obj); seen.Add(obj); }
        return seen;
    }

    /// <summary>The class of a value, for isinstance and type().</summary>
    public PClass TypeOf(object? v) => v switch
    {
        null => _types["NoneType"],
        bool => _types["bool"],
        long => _types["int"],
        double => _types["float"],
        string => _types["str"],
        PTuple { Named: { } n } => n,
        PTuple { IsSize: true } => Torch.SizeClass,
        PTuple => _types["tuple"],
        PList => _types["list"],
        PDict => _types["dict"],
        PSet => _types["set"],
        PRange => _types["range"],
        PSlice => _types["slice"],
        PInstance i => i.Type,
        PClass => _types["type"],
        PTensor t => t.IsParameter ? Torch.ParameterClass : Torch.TensorClass,
        PFunction or PBound or PBuiltin => _types["function"],
        _ => _types["object"],
    };

    private Dictionary<string, object?> BuildBuiltins()
    {
        var b = new Dictionary<string, object?>(StringComparer.Ordinal);
        void Fn(string name, Func<Call, object?> body) => b[name] = new PBuiltin(name, body);

        var obj = DefineType("object", null);
        obj.Attributes["__init__"] = new PBuiltin("__init__", _ => null) { IsMethod = true };
        b["object"] = obj;
        b["int"] = DefineType("int", c => c.Args.Count == 0 ? 0L : ToInt(c.Args[0], c.Args.Count > 1 ? c.Args[1] : null, c.Site));
        b["bool"] = DefineType("bool", c => c.Args.Count != 0 && Truthy(c.Args[0], c.Site), _types["int"]);
        b["float"] = DefineType("float", c => c.Args.Count == 0 ? 0.0 : ToFloat(c.Args[0], c.Site));
        b["str"] = DefineType("str", c => c.Args.Count == 0 ? "" : Str(c.Args[0]));
        b["list"] = DefineType("list", c => new PList(c.Args.Count == 0 ? [] : Iterate(c.Args[0], c.Site).ToList()));
        b["tuple"] = DefineType("tuple", c => new PTuple(c.Args.Count == 0 ? [] : [.. Iterate(c.Args[0], c.Site)]));
        b["dict"] = DefineType("dict", c => MakeDict(c));
        b["set"] = DefineType("set", c => MakeSet(c.Args.Count == 0 ? [] : Iterate(c.Args[0], c.Site), c.Site!));
        b["frozenset"] = DefineType("frozenset", c => MakeSet(c.Args.Count == 0 ? [] : Iterate(c.Args[0], c.Site), c.Site!));
        b["range"] = DefineType("range", c => MakeRange(c));
        b["slice"] = DefineType("slice", c => c.Args.Count == 1 ? new PSlice(null, c.Args[0], null) : new PSlice(c.Args.ElementAtOrDefault(0), c.Args.ElementAtOrDefault(1), c.Args.ElementAtOrDefault(2)));
        b["type"] = DefineType("type", c => c.Args.Count == 1 ? TypeOf(c.Args[0]) : throw c.Error("type() with three arguments is not followed by cnnshape"));
        DefineType("NoneType", null);
        DefineType("function", null);

        var baseException = DefineType("BaseException", c => new PInstance(c.Target ?? _types["BaseException"]) { Message = c.Args.Count == 0 ? "" : c.Args.Count == 1 ? Str(c.Args[0]) : Repr(new PTuple([.. c.Args])) });
        b["BaseException"] = baseException;
        b["Exception"] = DefineType("Exception", null, baseException);
        foreach (var (name, parent) in new[]
        {
            ("ValueError", "Exception"), ("TypeError", "Exception"), ("RuntimeError", "Exception"), ("KeyError", "LookupError"),
            ("IndexError", "LookupError"), ("AttributeError", "Exception"), ("NotImplementedError", "RuntimeError"), ("AssertionError", "Exception"),
            ("ImportError", "Exception"), ("ModuleNotFoundError", "ImportError"), ("ZeroDivisionError", "ArithmeticError"), ("OverflowError", "ArithmeticError"),
            ("StopIteration", "Exception"), ("NameError", "Exception"), ("UnboundLocalError", "NameError"), ("Warning", "Exception"), ("UserWarning", "Warning"),
            ("DeprecationWarning", "Warning"), ("FutureWarning", "Warning"), ("RecursionError", "RuntimeError"), ("OSError", "Exception"), ("FileNotFoundError", "OSError"),
        })
        {
            if (!_types.ContainsKey(parent))
            {
                b[parent] = DefineType(parent, null, (PClass)b["Exception"]!);
            }
            b[name] = DefineType(name, null, _types[parent]);
        }
        // exceptions are made by BaseException's constructor, whatever the subclass
        foreach (var t in _types.Values.Where(t => t.IsSubclassOf(baseException) && t != baseException).ToList())
        {
            _types[t.Name] = t;
        }
        b["NotImplemented"] = new POpaque("NotImplemented", Loader.Main ?? new PModule("builtins", "builtins"), 0);
        b["Ellipsis"] = Ellipsis.Instance;
        b["__name__"] = "__main__";

        Fn("print", _ => null);
        Fn("len", c => Length(c.Bind(("obj", Missing.Value))[0], c.Site));
        Fn("isinstance", c => { var a = c.Bind(("obj", Missing.Value), ("class_or_tuple", Missing.Value)); return IsInstance(a[0], a[1], c.Site); });
        Fn("issubclass", c => { var a = c.Bind(("cls", Missing.Value), ("class_or_tuple", Missing.Value)); return a[0] is PClass k ? IsSubclass(k, a[1], c.Site) : throw Raise("TypeError", "issubclass() arg 1 must be a class", c.Site); });
        Fn("hasattr", c => { var a = c.Bind(("obj", Missing.Value), ("name", Missing.Value)); return TryGetAttr(a[0], (string)a[1]!, c.Site) is not Missing; });
        Fn("getattr", c =>
        {
            if (c.Args.Count < 2 || c.Args[1] is not string name) throw Raise("TypeError", "getattr(): attribute name must be string", c.Site);
            var v = TryGetAttr(c.Args[0], name, c.Site);
            if (v is not Missing) return v;
            if (c.Args.Count > 2) return c.Args[2];
            return GetAttr(c.Args[0], name, c.Site);
        });
        Fn("setattr", c => { var a = c.Bind(("obj", Missing.Value), ("name", Missing.Value), ("value", Missing.Value)); SetAttr(a[0], (string)a[1]!, a[2], c.Site); return null; });
        Fn("delattr", c => { if (c.Args[0] is PInstance i) i.Attributes.Remove((string)c.Args[1]!); return null; });
        Fn("abs", c => c.Args[0] switch { long l => l == long.MinValue ? throw c.Error("abs() overflows") : (object)Math.Abs(l), double d => Math.Abs(d), bool x => x ? 1L : 0L, var v => throw Raise("TypeError", $"bad operand type for abs(): '{TypeName(v)}'", c.Site) });
        Fn("round", c =>
        {
            var a = c.Bind(("number", Missing.Value), ("ndigits", null));
            double x = ToFloat(a[0], c.Site);
            if (a[1] is null) return a[0] is long l ? l : (long)Math.Round(x, MidpointRounding.ToEven);
            return Math.Round(x, (int)(long)a[1]!, MidpointRounding.ToEven);
        });
        Fn("divmod", c => new PTuple([Binary("//", c.Args[0], c.Args[1], c.Site), Binary("%", c.Args[0], c.Args[1], c.Site)]));
        Fn("pow", c => Binary("**", c.Args[0], c.Args[1], c.Site));
        Fn("min", c => Extreme(c, -1));
        Fn("max", c => Extreme(c, 1));
        Fn("sum", c =>
        {
            var a = c.Bind(("iterable", Missing.Value), ("start", 0L));
            object? total = a[1];
            foreach (var x in Iterate(a[0], c.Site)) total = Binary("+", total, x, c.Site);
            return total;
        });
        Fn("any", c => Iterate(c.Args[0], c.Site).Any(x => Truthy(x, c.Site)));
        Fn("all", c => Iterate(c.Args[0], c.Site).All(x => Truthy(x, c.Site)));
        Fn("enumerate", c =>
        {
            var a = c.Bind(("iterable", Missing.Value), ("start", 0L));
            long i = (long)a[1]!;
            return new PList(Iterate(a[0], c.Site).Select(x => (object?)new PTuple([i++, x])).ToList());
        });
        Fn("zip", c =>
        {
            var lists = c.Args.Select(a => Iterate(a, c.Site).ToList()).ToList();
            int n = lists.Count == 0 ? 0 : lists.Min(l => l.Count);
            return new PList(Enumerable.Range(0, n).Select(i => (object?)new PTuple([.. lists.Select(l => l[i])])).ToList());
        });
        Fn("reversed", c => new PList(Iterate(c.Args[0], c.Site).Reverse().ToList()));
        Fn("sorted", c =>
        {
            var items = Iterate(c.Args[0], c.Site).ToList();
            var key = c.Keyword("key", null);
            bool reverse = Truthy(c.Keyword("reverse", false), c.Site);
            var keys = items.Select(x => key is null ? x : Invoke(key, [x], [], c.Site)).ToList();
            var order = Enumerable.Range(0, items.Count).ToList();
            order.Sort((i, j) => { int r = Order(keys[i], keys[j], "<", c.Site!); return r != 0 ? (reverse ? -r : r) : i.CompareTo(j); });
            return new PList(order.Select(i => items[i]).ToList());
        });
        Fn("map", c =>
        {
            var lists = c.Args.Skip(1).Select(a => Iterate(a, c.Site).ToList()).ToList();
            int n = lists.Count == 0 ? 0 : lists.Min(l => l.Count);
            return new PList(Enumerable.Range(0, n).Select(i => Invoke(c.Args[0], lists.Select(l => l[i]).ToList(), [], c.Site)).ToList());
        });
        Fn("filter", c => new PList(Iterate(c.Args[1], c.Site).Where(x => c.Args[0] is null ? Truthy(x, c.Site) : Truthy(Invoke(c.Args[0], [x], [], c.Site), c.Site)).ToList()));
        Fn("iter", c => new PIterator(Iterate(c.Args[0], c.Site).GetEnumerator()));
        Fn("next", c =>
        {
            if (c.Args[0] is not PIterator it) throw Raise("TypeError", $"'{TypeName(c.Args[0])}' object is not an iterator", c.Site);
            if (it.Items.MoveNext()) return it.Items.Current;
            if (c.Args.Count > 1) return c.Args[1];
            throw Raise("StopIteration", "", c.Site);
        });
        Fn("callable", c => c.Args[0] is PFunction or PBuiltin or PBound or PClass || c.Args[0] is PInstance i && (i.Module is not null || i.Type.Lookup("__call__", out _) is not Missing));
        Fn("repr", c => Repr(c.Args[0]));
        Fn("hash", c => (long)PyEquality.Instance.GetHashCode(Hashable(c.Args[0], c.Site) ?? 0L));
        Fn("id", c => (long)System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(c.Args[0] ?? 0L));
        Fn("format", c => Format(c.Args[0], c.Args.Count > 1 ? (string)c.Args[1]! : "", c.Site));
        Fn("vars", c => c.Args[0] is PInstance i ? GetAttr(i, "__dict__", c.Site) : throw c.Error("vars() of this value is not followed by cnnshape"));
        Fn("staticmethod", c => c.Args[0] is PFunction f ? SetKind(f, "staticmethod") : c.Args[0]);
        Fn("classmethod", c => c.Args[0] is PFunction f ? SetKind(f, "classmethod") : c.Args[0]);
        Fn("property", c => c.Args[0] is PFunction f ? SetKind(f, "property") : c.Args[0]);
        Fn("super", c =>
        {
            if (c.Args.Count != 2 || c.Args[0] is not PClass cls) throw c.Error("super() with these arguments is not followed by cnnshape");
            return new PSuper(cls, c.Args[1]);
        });
        Fn("open", c => throw c.Error("the model opens a file; cnnshape reads the source only"));
        Fn("exec", c => throw c.Error("exec() is not followed by cnnshape"));
        Fn("eval", c => throw c.Error("eval() is not followed by cnnshape"));
        Fn("globals", _ => { var d = new PDict(); foreach (var (k, v) in CurrentModule.Globals) d.Set(k, v); return d; });
        Fn("locals", _ => new PDict());
        Fn("chr", c => ((char)(long)c.Args[0]!).ToString());
        Fn("ord", c => (long)((string)c.Args[0]!)[0]);
        return b;
    }

    private static PFunction SetKind(PFunction f, string kind)
    {
        f.Kind = kind;
        return f;
    }

    private object? MakeDict(Call c)
    {
        var d = new PDict();
        if (c.Args.Count > 0)
        {
            if (c.Args[0] is PDict other) foreach (var (k, v) in other.Items) d.Set(k, v);
            else
            {
                foreach (var pair in Iterate(c.Args[0], c.Site))
                {
                    var kv = Iterate(pair, c.Site).ToList();
                    if (kv.Count != 2) throw Raise("ValueError", $"dictionary update sequence element has length {kv.Count}; 2 is required", c.Site);
                    d.Set(Hashable(kv[0], c.Site), kv[1]);
                }
            }
        }
        foreach (var (k, v) in c.Keywords) d.Set(k, v);
        return d;
    }

    private PRange MakeRange(Call c)
    {
        long Int(object? v) => v switch
        {
            long l => l,
            bool x => x ? 1 : 0,
            _ => throw Raise("TypeError", $"'{TypeName(v)}' object cannot be interpreted as an integer", c.Site),
        };
        var r = c.Args.Count switch
        {
            1 => new PRange(0, Int(c.Args[0]), 1),
            2 => new PRange(Int(c.Args[0]), Int(c.Args[1]), 1),
            3 => new PRange(Int(c.Args[0]), Int(c.Args[1]), Int(c.Args[2])),
            _ => throw Raise("TypeError", $"range expected at most 3 arguments, got {c.Args.Count}", c.Site),
        };
        if (r.Step == 0) throw Raise("ValueError", "range() arg 3 must not be zero", c.Site);
        return r;
    }

    public long ToInt(object? v, object? b, Node? at)
    {
        switch (v)
        {
            case long l: return l;
            case bool x: return x ? 1 : 0;
            case double d:
                if (double.IsNaN(d) || double.IsInfinity(d)) throw Raise("ValueError", $"cannot convert float {PyConvert.Float(d)} to integer", at);
                if (Math.Abs(d) >= 9.2e18) throw Error($"int({PyConvert.Float(d)}) does not fit 64 bits", at);
                return (long)Math.Truncate(d);
            case string s:
                {
                    int radix = b is long r ? (int)r : 10;
                    string t = s.Trim().Replace("_", "", StringComparison.Ordinal);
                    try { return radix == 10 ? long.Parse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : Convert.ToInt64(t, radix); }
                    catch (Exception e) when (e is FormatException or OverflowException or ArgumentException) { throw Raise("ValueError", $"invalid literal for int() with base {radix}: {QuoteString(s)}", at); }
                }
            case PTensor t:
                return Torch.ScalarValue(t, at);
        }
        throw Raise("TypeError", $"int() argument must be a string, a bytes-like object or a real number, not '{TypeName(v)}'", at);
    }

    public double ToFloat(object? v, Node? at)
    {
        switch (v)
        {
            case long l: return l;
            case bool x: return x ? 1 : 0;
            case double d: return d;
            case string s:
                {
                    string t = s.Trim().ToLowerInvariant();
                    if (t is "inf" or "+inf" or "infinity") return double.PositiveInfinity;
                    if (t is "-inf" or "-infinity") return double.NegativeInfinity;
                    if (t == "nan") return double.NaN;
                    if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
                    throw Raise("ValueError", $"could not convert string to float: {QuoteString(s)}", at);
                }
            case PTensor t:
                return Torch.ScalarValue(t, at);
        }
        throw Raise("TypeError", $"float() argument must be a string or a real number, not '{TypeName(v)}'", at);
    }

    private long Length(object? v, Node? at) => v switch
    {
        string s => s.Length,
        PTuple t => t.Items.Length,
        PList l => l.Items.Count,
        PDict d => d.Count,
        PSet s => s.Map.Count,
        PRange r => r.Length,
        PTensor t => t.Shape is { Rank: > 0 } s ? s[0] : throw (t.Shape is null ? Error("the length of a tensor whose shape cnnshape does not know", at) : Raise("TypeError", "len() of a 0-d tensor", at)),
        PInstance i when i.Type.Lookup("__len__", out _) is var len and not Missing => ToInt(Invoke(new PBound(i, len!), [], [], at), null, at),
        POpaque o => throw Error($"cnnshape cannot tell the length of {o.What} (from {o.Module.File}:{o.Line})", at),
        _ => throw Raise("TypeError", $"object of type '{TypeName(v)}' has no len()", at),
    };

    private object? Extreme(Call c, int sign)
    {
        var items = c.Args.Count == 1 ? Iterate(c.Args[0], c.Site).ToList() : c.Args;
        var key = c.Keyword("key", null);
        if (items.Count == 0)
        {
            foreach (var (k, v) in c.Keywords) if (k == "default") return v;
            throw Raise("ValueError", $"{(sign > 0 ? "max" : "min")}() arg is an empty sequence", c.Site);
        }
        object? best = items[0];
        object? bestKey = key is null ? best : Invoke(key, [best], [], c.Site);
        foreach (var x in items.Skip(1))
        {
            var k = key is null ? x : Invoke(key, [x], [], c.Site);
            if (Order(k, bestKey, sign > 0 ? ">" : "<", c.Site!) * sign > 0)
            {
                best = x;
                bestKey = k;
            }
        }
        return best;
    }

    public bool IsInstance(object? v, object? classes, Node? at)
    {
        switch (classes)
        {
            case PTuple t: return t.Items.Any(c => IsInstance(v, c, at));
            case PClass { Check: { } check }:
                return check(v);
            case PClass c:
                return TypeOf(v).IsSubclassOf(c);
            case POpaque:
                // a class cnnshape does not know: only an instance of a class with an unknown base could be one
                if (TypeOf(v).HasOpaqueBase) throw Error($"cnnshape cannot tell whether {Repr(v)} is an instance of {Repr(classes)}", at);
                return false;
        }
        throw Raise("TypeError", "isinstance() arg 2 must be a type or tuple of types", at);
    }

    private bool IsSubclass(PClass k, object? classes, Node? at) => classes switch
    {
        PTuple t => t.Items.Any(c => IsSubclass(k, c, at)),
        PClass c => k.IsSubclassOf(c),
        POpaque => k.HasOpaqueBase ? throw Error($"cnnshape cannot tell whether {k.Name} is a subclass of {Repr(classes)}", at) : false,
        _ => throw Raise("TypeError", "issubclass() arg 2 must be a class or tuple of classes", at),
    };

    // ---- methods of builtin values

    private object? MethodOf(object? obj, string name)
    {
        Func<Call, object?>? body = obj switch
        {
            string s => StringMethod(s, name),
            PList l => ListMethod(l, name),
            PDict d => DictMethod(d, name),
            PTuple t => name switch
            {
                "index" => c => (long)Array.FindIndex(t.Items, x => ValueEqual(x, c.Args[0])) is var i and >= 0 ? i : throw Raise("ValueError", "tuple.index(x): x not in tuple", c.Site),
                "count" => c => (long)t.Items.Count(x => ValueEqual(x, c.Args[0])),
                "numel" when t.IsSize => _ => t.Items.Aggregate(1L, (p, x) => checked(p * (long)x!)),
                _ => null,
            },
            PSet s => name switch
            {
                "add" => c => { s.Map.Set(Hashable(c.Args[0], c.Site), true); return null; }
                ,
                "update" => c => { foreach (var x in c.Args.SelectMany(a => Iterate(a, c.Site))) s.Map.Set(Hashable(x, c.Site), true); return null; }
                ,
                "discard" or "remove" => c => { s.Map.Remove(c.Args[0]); return null; }
                ,
                "union" => c => MakeSet(s.Map.Keys.Concat(c.Args.SelectMany(a => Iterate(a, c.Site))), c.Site!),
                _ => null,
            },
            long l => name switch
            {
                "bit_length" => _ => (long)(64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Math.Abs(l))),
                "real" => null,
                _ => null,
            },
            double d => name switch
            {
                "is_integer" => _ => d == Math.Floor(d) && !double.IsInfinity(d),
                _ => null,
            },
            _ => null,
        };
        if (body is null)
        {
            if (obj is long lv && name is "real" or "numerator") return lv;
            if (obj is double dv && name == "real") return dv;
            return Missing.Value;
        }
        return new PBuiltin(name, body);
    }

    private Func<Call, object?>? StringMethod(string s, string name) => name switch
    {
        "format" => c => StrFormat(s, c),
        "join" => c => string.Join(s, Iterate(c.Args[0], c.Site).Select(x => x is string str ? str : throw Raise("TypeError", $"sequence item: expected str instance, {TypeName(x)} found", c.Site))),
        "split" => c =>
        {
            var sep = c.Args.Count > 0 ? c.Args[0] as string : c.Keyword("sep", null) as string;
            long max = c.Args.Count > 1 ? (long)c.Args[1]! : -1;
            var parts = sep is null ? s.Split((char[]?)null, max < 0 ? int.MaxValue : (int)max + 1, StringSplitOptions.RemoveEmptyEntries) : s.Split(sep, max < 0 ? int.MaxValue : (int)max + 1);
            return new PList(parts.Select(p => (object?)p).ToList());
        }
        ,
        "rsplit" => c =>
        {
            var sep = c.Args.Count > 0 ? (string)c.Args[0]! : " ";
            long max = c.Args.Count > 1 ? (long)c.Args[1]! : -1;
            var parts = s.Split(sep).ToList();
            if (max >= 0 && parts.Count > max + 1)
            {
                int head = parts.Count - (int)max;
                parts = [string.Join(sep, parts.Take(head)), .. parts.Skip(head)];
            }
            return new PList(parts.Select(p => (object?)p).ToList());
        }
        ,
        "strip" => c => c.Args.Count > 0 && c.Args[0] is string chars ? s.Trim(chars.ToCharArray()) : s.Trim(),
        "lstrip" => c => c.Args.Count > 0 && c.Args[0] is string chars ? s.TrimStart(chars.ToCharArray()) : s.TrimStart(),
        "rstrip" => c => c.Args.Count > 0 && c.Args[0] is string chars ? s.TrimEnd(chars.ToCharArray()) : s.TrimEnd(),
        "startswith" => c => c.Args[0] is PTuple t ? t.Items.Any(p => s.StartsWith((string)p!, StringComparison.Ordinal)) : s.StartsWith((string)c.Args[0]!, StringComparison.Ordinal),
        "endswith" => c => c.Args[0] is PTuple t ? t.Items.Any(p => s.EndsWith((string)p!, StringComparison.Ordinal)) : s.EndsWith((string)c.Args[0]!, StringComparison.Ordinal),
        "lower" => _ => s.ToLowerInvariant(),
        "upper" => _ => s.ToUpperInvariant(),
        "capitalize" => _ => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant(),
        "title" => _ => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(s.ToLowerInvariant()),
        "replace" => c => s.Replace((string)c.Args[0]!, (string)c.Args[1]!, StringComparison.Ordinal),
        "find" => c => (long)s.IndexOf((string)c.Args[0]!, StringComparison.Ordinal),
        "rfind" => c => (long)s.LastIndexOf((string)c.Args[0]!, StringComparison.Ordinal),
        "index" => c => s.IndexOf((string)c.Args[0]!, StringComparison.Ordinal) is var i and >= 0 ? (long)i : throw Raise("ValueError", "substring not found", c.Site),
        "count" => c => (long)(s.Length - s.Replace((string)c.Args[0]!, "", StringComparison.Ordinal).Length) / Math.Max(1, ((string)c.Args[0]!).Length),
        "isdigit" or "isnumeric" or "isdecimal" => _ => s.Length > 0 && s.All(char.IsDigit),
        "isalpha" => _ => s.Length > 0 && s.All(char.IsLetter),
        "isidentifier" => _ => s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(ch => char.IsLetterOrDigit(ch) || ch == '_'),
        "zfill" => c => s.PadLeft((int)(long)c.Args[0]!, '0'),
        "ljust" => c => s.PadRight((int)(long)c.Args[0]!),
        "rjust" => c => s.PadLeft((int)(long)c.Args[0]!),
        "center" => c => Format(s, "^" + (long)c.Args[0]!, c.Site),
        "partition" => c => s.IndexOf((string)c.Args[0]!, StringComparison.Ordinal) is var i and >= 0 ? new PTuple([s[..i], c.Args[0], s[(i + ((string)c.Args[0]!).Length)..]]) : new PTuple([s, "", ""]),
        "encode" => _ => s,
        _ => null,
    };

    /// <summary>str.format: {} / {0} / {name} fields with attribute, index, conversion and spec.</summary>
    private string StrFormat(string format, Call c)
    {
        var sb = new System.Text.StringBuilder();
        int auto = 0;
        for (int i = 0; i < format.Length; i++)
        {
            char ch = format[i];
            if (ch == '{' && i + 1 < format.Length && format[i + 1] == '{') { sb.Append('{'); i++; continue; }
            if (ch == '}' && i + 1 < format.Length && format[i + 1] == '}') { sb.Append('}'); i++; continue; }
            if (ch != '{') { sb.Append(ch); continue; }
            int end = format.IndexOf('}', i);
            if (end < 0) throw Raise("ValueError", "Single '{' encountered in format string", c.Site);
            string field = format[(i + 1)..end];
            i = end;
            string spec = "";
            char conversion = '\0';
            int colon = field.IndexOf(':');
            if (colon >= 0) { spec = field[(colon + 1)..]; field = field[..colon]; }
            int bang = field.IndexOf('!');
            if (bang >= 0) { conversion = field[bang + 1]; field = field[..bang]; }
            int cut = field.IndexOfAny(['.', '[']);
            string head = cut < 0 ? field : field[..cut];
            object? value;
            if (head.Length == 0) value = c.Args.ElementAtOrDefault(auto++);
            else if (int.TryParse(head, out int index)) value = index < c.Args.Count ? c.Args[index] : throw Raise("IndexError", $"Replacement index {index} out of range", c.Site);
            else value = c.Keywords.FirstOrDefault(k => k.Key == head) is { Key: not null } kw ? kw.Value : throw Raise("KeyError", QuoteString(head), c.Site);
            if (cut >= 0)
            {
                foreach (var part in System.Text.RegularExpressions.Regex.Matches(field[cut..], @"\.(\w+)|\[([^\]]+)\]").Cast<System.Text.RegularExpressions.Match>())
                {
                    value = part.Groups[1].Success ? GetAttr(value, part.Groups[1].Value, c.Site)
                        : GetItem(value, long.TryParse(part.Groups[2].Value, out long li) ? li : part.Groups[2].Value, c.Site);
                }
            }
            if (conversion == 'r') value = Repr(value);
            else if (conversion == 's') value = Str(value);
            sb.Append(Format(value, spec, c.Site));
        }
        return sb.ToString();
    }

    private Func<Call, object?>? ListMethod(PList l, string name) => name switch
    {
        "append" => c => { l.Items.Add(c.Bind(("object", Missing.Value))[0]); return null; }
        ,
        "extend" => c => { l.Items.AddRange(Iterate(c.Args[0], c.Site).ToList()); return null; }
        ,
        "insert" => c =>
        {
            long i = ToInt(c.Args[0], null, c.Site);
            long n = l.Items.Count;
            i = i < 0 ? Math.Max(0, i + n) : Math.Min(i, n);
            l.Items.Insert((int)i, c.Args[1]);
            return null;
        }
        ,
        "pop" => c =>
        {
            if (l.Items.Count == 0) throw Raise("IndexError", "pop from empty list", c.Site);
            long i = c.Args.Count > 0 ? NormaliseIndex(ToInt(c.Args[0], null, c.Site), l.Items.Count, c.Site, "pop") : l.Items.Count - 1;
            var v = l.Items[(int)i];
            l.Items.RemoveAt((int)i);
            return v;
        }
        ,
        "remove" => c =>
        {
            int i = l.Items.FindIndex(x => ValueEqual(x, c.Args[0]));
            if (i < 0) throw Raise("ValueError", "list.remove(x): x not in list", c.Site);
            l.Items.RemoveAt(i);
            return null;
        }
        ,
        "index" => c => l.Items.FindIndex(x => ValueEqual(x, c.Args[0])) is var i and >= 0 ? (long)i : throw Raise("ValueError", $"{Repr(c.Args[0])} is not in list", c.Site),
        "count" => c => (long)l.Items.Count(x => ValueEqual(x, c.Args[0])),
        "reverse" => _ => { l.Items.Reverse(); return null; }
        ,
        "copy" => _ => new PList([.. l.Items]),
        "clear" => _ => { l.Items.Clear(); return null; }
        ,
        "sort" => c =>
        {
            var sorted = (PList)((PBuiltin)Builtins["sorted"]!).Body(new Call(this, [l], c.Keywords, c.Site))!;
            l.Items.Clear();
            l.Items.AddRange(sorted.Items);
            return null;
        }
        ,
        _ => null,
    };

    private Func<Call, object?>? DictMethod(PDict d, string name) => name switch
    {
        "get" => c => d.TryGet(c.Args[0], out var v) ? v : c.Args.Count > 1 ? c.Args[1] : null,
        "items" => _ => new PList(d.Items.Select(kv => (object?)new PTuple([kv.Key, kv.Value])).ToList()),
        "keys" => _ => new PList(d.Keys.ToList()),
        "values" => _ => new PList(d.Items.Select(kv => kv.Value).ToList()),
        "update" => c =>
        {
            var other = (PDict)MakeDict(c)!;
            foreach (var (k, v) in other.Items) d.Set(k, v);
            return null;
        }
        ,
        "pop" => c =>
        {
            if (d.TryGet(c.Args[0], out var v)) { d.Remove(c.Args[0]); return v; }
            if (c.Args.Count > 1) return c.Args[1];
            throw Raise("KeyError", Repr(c.Args[0]), c.Site);
        }
        ,
        "setdefault" => c =>
        {
            if (d.TryGet(c.Args[0], out var v)) return v;
            var value = c.Args.Count > 1 ? c.Args[1] : null;
            d.Set(Hashable(c.Args[0], c.Site), value);
            return value;
        }
        ,
        "copy" => _ =>
        {
            var copy = new PDict();
            foreach (var (k, v) in d.Items) copy.Set(k, v);
            return copy;
        }
        ,
        "clear" => _ =>
        {
            foreach (var k in d.Keys.ToList()) d.Remove(k);
            return null;
        }
        ,
        _ => null,
    };
}
