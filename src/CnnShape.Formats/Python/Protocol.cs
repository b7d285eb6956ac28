using System.Globalization;
using System.Text;

namespace CnnShape.Formats.Python;

/// <summary>An iterator object (what <c>iter()</c> gives), consumed by <c>next()</c> or a loop.</summary>
internal sealed class PIterator(IEnumerator<object?> items)
{
    public IEnumerator<object?> Items { get; } = items;
}

/// <summary>Python's equality and hashing for dict keys: 1 == 1.0 == True, tuples by value, other objects by identity.</summary>
internal sealed class PyEquality : IEqualityComparer<object>
{
    public static readonly PyEquality Instance = new();

    public new bool Equals(object? a, object? b) => Interpreter.ValueEqual(a, b);

    public int GetHashCode(object o) => o switch
    {
        bool b => b ? 1 : 0,
        long l => l.GetHashCode(),
        double d => d == Math.Floor(d) && Math.Abs(d) < 9e18 ? ((long)d).GetHashCode() : d.GetHashCode(),
        string s => s.GetHashCode(StringComparison.Ordinal),
        PTuple t => t.Items.Aggregate(17, (h, i) => unchecked(h * 31 + (i is null ? 0 : GetHashCode(i)))),
        _ => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(o),
    };
}

internal sealed partial class Interpreter
{
    // ---- attributes

    /// <summary>An attribute, or <see cref="Missing.Value"/>.</summary>
    public object? TryGetAttr(object? obj, string name, Node? at)
    {
        switch (obj)
        {
            case PInstance inst:
                return InstanceAttribute(inst, name, at);
            case PClass cls:
                {
                    if (name == "__name__") return cls.Name;
                    if (name == "__mro__") return new PTuple([.. cls.Mro]);
                    var v = cls.Lookup(name, out _);
                    if (v is PFunction { Kind: "classmethod" } cm) return new PBound(cls, cm);
                    if (v is not Missing) return v;
                    if (cls.HasOpaqueBase) return new POpaque($"{cls.Name}.{name}", CurrentModule, at?.Line ?? CurrentLine);
                    return Missing.Value;
                }
            case PSuper sup:
                {
                    var type = sup.Self is PInstance si ? si.Type : sup.Self as PClass ?? sup.Class;
                    int start = type.Mro.IndexOf(sup.Class);
                    for (int i = start + 1; i < type.Mro.Count; i++)
                    {
                        if (!type.Mro[i].Attributes.TryGetValue(name, out var v)) continue;
                        return v switch
                        {
                            PFunction { Kind: "staticmethod" } f => f,
                            PFunction { Kind: "classmethod" } f => new PBound(type, f),
                            PFunction { Kind: "property" } f => CallFunction(f, [sup.Self], [], at, sup.Self),
                            PFunction f => new PBound(sup.Self, f),
                            PBuiltin b => new PBound(sup.Self, b),
                            _ => v,
                        };
                    }
                    if (type.HasOpaqueBase) return new POpaque($"super().{name}", CurrentModule, at?.Line ?? CurrentLine);
                    return Missing.Value;
                }
            case PModule m:
                if (m.Globals.TryGetValue(name, out var g)) return g;
                if (name == "__name__") return m.Name;
                return Loader.Submodule(this, m, name, at);
            case POpaque o:
                return new POpaque($"{o.What}.{name}", o.Module, o.Line);
            case PTensor t:
                return Torch.TensorAttribute(t, name, at);
            case PFunction { Wrapped: { } wrapped } when name is "__name__" or "__qualname__" or "__doc__" or "__module__":
                return TryGetAttr(wrapped, name, at);
            case PFunction f:
                return name switch { "__name__" or "__qualname__" => f.Name, "__module__" => f.Module.Name, "__doc__" => null, _ => Missing.Value };
            case PBuiltin b:
                return name == "__name__" ? b.Name : Missing.Value;
            case PBound bound:
                return name == "__self__" ? bound.Self : TryGetAttr(bound.Function, name, at);
            case PSlice s:
                return name switch { "start" => s.Start, "stop" => s.Stop, "step" => s.Step, _ => Missing.Value };
            case PTuple { Named: { } named } nt:
                {
                    var fields = (string[])named.Attributes["_fields_list"]!;
                    int i = Array.IndexOf(fields, name);
                    if (i >= 0) return nt.Items[i];
                    if (name == "_fields") return new PTuple([.. fields]);
                    return MethodOf(obj, name);
                }
        }
        return MethodOf(obj, name);
    }

    public object? GetAttr(object? obj, string name, Node? at)
    {
        var v = TryGetAttr(obj, name, at);
        if (v is not Missing) return v;
        if (name == "__class__") return TypeOf(obj);
        throw obj switch
        {
            PModule m => Raise("AttributeError", $"module '{m.Name}' has no attribute '{name}'", at),
            PClass c => Raise("AttributeError", $"type object '{c.Name}' has no attribute '{name}'", at),
            _ => Raise("AttributeError", $"'{TypeName(obj)}' object has no attribute '{name}'", at),
        };
    }

    private object? InstanceAttribute(PInstance inst, string name, Node? at)
    {
        if (inst.Attributes.TryGetValue(name, out var own)) return own;
        var v = inst.Type.Lookup(name, out _);
        switch (v)
        {
            case PFunction { Kind: "property" } p: return CallFunction(p, [inst], [], at, inst);
            case PFunction { Kind: "staticmethod" } s: return s;
            case PFunction { Kind: "classmethod" } c: return new PBound(inst.Type, c);
            case PFunction f: return new PBound(inst, f);
            case PBuiltin b: return b.IsMethod ? new PBound(inst, b) : b;
            case Missing: break;
            default: return v;
        }
        if (inst.Module is { } m)
        {
            int i = m.ChildIndex(name);
            if (i >= 0) return m.Children[i].Value;
            foreach (var (k, p) in m.Parameters) if (k == name) return p;
            foreach (var (k, b) in m.Buffers) if (k == name) return b;
        }
        var special = Torch.ModuleAttribute(inst, name, at);
        if (special is not Missing) return special;
        switch (name)
        {
            case "__class__": return inst.Type;
            case "__dict__":
                {
                    var d = new PDict();
                    foreach (var (k, x) in inst.Attributes) d.Set(k, x);
                    return d;
                }
            case "args" when inst.Message is not null: return new PTuple([inst.Message]);
        }
        if (inst.Type.Lenient || inst.Type.HasOpaqueBase) return new POpaque($"{inst.Type.Name}.{name}", CurrentModule, at?.Line ?? CurrentLine);
        return Missing.Value;
    }

    public void SetAttr(object? obj, string name, object? value, Node? at)
    {
        switch (obj)
        {
            case PInstance inst:
                if (inst.Type.IsSubclassOf(Torch.ModuleClass))
                {
                    Torch.SetModuleAttribute(inst, name, value, at);
                    return;
                }
                inst.Attributes[name] = value;
                return;
            case PClass cls:
                cls.Attributes[name] = value;
                return;
            case PModule m:
                m.Globals[name] = value;
                return;
            case PTensor t:
                if (name == "requires_grad") t.RequiresGrad = Truthy(value, at);
                return;
            case POpaque:
                return;
            case PFunction:
                return;
        }
        throw Raise("AttributeError", $"'{TypeName(obj)}' object has no attribute '{name}'", at);
    }

    // ---- items

    public object? GetItem(object? obj, object? index, Node? at)
    {
        switch (obj)
        {
            case PList l:
                if (index is PSlice ls) return new PList(SliceOf(l.Items, ls, at));
                return l.Items[(int)NormaliseIndex(IndexValue(index, "list", at), l.Items.Count, at, "list")];
            case PTuple t:
                if (index is PSlice ts) return new PTuple([.. SliceOf(t.Items, ts, at)], t.IsSize);
                return t.Items[(int)NormaliseIndex(IndexValue(index, "tuple", at), t.Items.Length, at, "tuple")];
            case string s:
                if (index is PSlice ss) return string.Concat(SliceOf(s.Select(c => (object?)c.ToString()).ToList(), ss, at).Cast<string>());
                return s[(int)NormaliseIndex(IndexValue(index, "string", at), s.Length, at, "string")].ToString();
            case PDict d:
                if (d.TryGet(index, out var v)) return v;
                throw Raise("KeyError", Repr(index), at);
            case PRange r:
                if (index is PSlice) throw Error("slicing a range is not followed by cnnshape", at);
                return r[NormaliseIndex(IndexValue(index, "range", at), r.Length, at, "range")];
            case PTensor tensor:
                return Torch.Index(tensor, index, at);
            case PInstance inst:
                {
                    var getter = inst.Type.Lookup("__getitem__", out _);
                    if (getter is Missing) throw Raise("TypeError", $"'{inst.Type.Name}' object is not subscriptable", at);
                    return Invoke(new PBound(inst, getter!), [index], [], at);
                }
            case PClass cls:
                return cls;
            case POpaque o:
                return new POpaque($"{o.What}[…]", o.Module, o.Line);
        }
        throw Raise("TypeError", $"'{TypeName(obj)}' object is not subscriptable", at);
    }

    private void SetItem(object? obj, object? index, object? value, Node at)
    {
        switch (obj)
        {
            case PList l:
                if (index is PSlice s)
                {
                    var (start, stop, step) = SliceIndices(s, l.Items.Count, at);
                    if (step != 1) throw Error("assigning to an extended slice is not followed by cnnshape", at);
                    var items = Iterate(value, at).ToList();
                    l.Items.RemoveRange((int)start, (int)Math.Max(0, stop - start));
                    l.Items.InsertRange((int)start, items);
                    return;
                }
                l.Items[(int)NormaliseIndex(IndexValue(index, "list", at), l.Items.Count, at, "list assignment")] = value;
                return;
            case PDict d:
                d.Set(Hashable(index, at), value);
                return;
            case PTensor:
                return; // an in-place write keeps the shape
            case PInstance inst:
                {
                    var setter = inst.Type.Lookup("__setitem__", out _);
                    if (setter is Missing) throw Raise("TypeError", $"'{inst.Type.Name}' object does not support item assignment", at);
                    Invoke(new PBound(inst, setter!), [index, value], [], at);
                    return;
                }
            case POpaque:
                return;
        }
        throw Raise("TypeError", $"'{TypeName(obj)}' object does not support item assignment", at);
    }

    private long IndexValue(object? index, string what, Node? at) => index switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw Raise("TypeError", $"{what} indices must be integers or slices, not {TypeName(index)}", at),
    };

    public long NormaliseIndex(long i, long count, Node? at, string what = "list")
    {
        long j = i < 0 ? i + count : i;
        if (j < 0 || j >= count) throw Raise("IndexError", $"{what} index out of range", at);
        return j;
    }

    /// <summary>Python's slice.indices(): start, stop and step for a sequence of the given length.</summary>
    public (long Start, long Stop, long Step) SliceIndices(PSlice s, long length, Node? at)
    {
        long step = s.Step is null ? 1 : IndexValue(s.Step, "slice", at);
        if (step == 0) throw Raise("ValueError", "slice step cannot be zero", at);
        long lower = step < 0 ? -1 : 0, upper = step < 0 ? length - 1 : length;
        long Bound(object? v, long fallback)
        {
            if (v is null) return fallback;
            long x = IndexValue(v, "slice", at);
            if (x < 0) x = Math.Max(x + length, lower);
            else x = Math.Min(x, upper);
            return x;
        }
        return (Bound(s.Start, step < 0 ? upper : lower), Bound(s.Stop, step < 0 ? lower : upper), step);
    }

    private List<object?> SliceOf(IReadOnlyList<object?> items, PSlice s, Node? at)
    {
        var (start, stop, step) = SliceIndices(s, items.Count, at);
        var result = new List<object?>();
        if (step > 0) for (long i = start; i < stop; i += step) result.Add(items[(int)i]);
        else for (long i = start; i > stop; i += step) result.Add(items[(int)i]);
        return result;
    }

    // ---- operators

    public object? Binary(string op, object? a, object? b, Node? at)
    {
        if (a is PTensor || b is PTensor) return Torch.Binary(op, a, b, at);
        if (a is POpaque || b is POpaque) return new POpaque($"({Repr(a)} {op} {Repr(b)})", CurrentModule, at?.Line ?? CurrentLine);
        if (a is bool ba) a = ba ? 1L : 0L;
        if (b is bool bb) b = bb ? 1L : 0L;
        if (a is PInstance || b is PInstance)
        {
            string? dunder = op switch { "+" => "add", "-" => "sub", "*" => "mul", "/" => "truediv", "//" => "floordiv", "%" => "mod", "@" => "matmul", "**" => "pow", _ => null };
            if (dunder is not null && a is PInstance ai && ai.Type.Lookup($"__{dunder}__", out _) is not Missing and var m) return Invoke(new PBound(ai, m!), [b], [], at);
            if (dunder is not null && b is PInstance bi && bi.Type.Lookup($"__r{dunder}__", out _) is not Missing and var r) return Invoke(new PBound(bi, r!), [a], [], at);
        }
        try
        {
            switch (a, b)
            {
                case (long x, long y):
                    return op switch
                    {
                        "+" => (object)checked(x + y),
                        "-" => checked(x - y),
                        "*" => checked(x * y),
                        "/" => y == 0 ? throw Raise("ZeroDivisionError", "division by zero", at) : (double)x / y,
                        "//" => y == 0 ? throw Raise("ZeroDivisionError", "integer division or modulo by zero", at) : FloorDiv(x, y),
                        "%" => y == 0 ? throw Raise("ZeroDivisionError", "integer division or modulo by zero", at) : x - FloorDiv(x, y) * y,
                        "**" => y >= 0 ? IntPower(x, y, at) : (object)Math.Pow(x, y),
                        "<<" => y < 0 ? throw Raise("ValueError", "negative shift count", at) : y >= 63 || x != 0 && (x << (int)y) >> (int)y != x ? throw Error("an integer shift overflows 64 bits", at) : x << (int)y,
                        ">>" => y < 0 ? throw Raise("ValueError", "negative shift count", at) : x >> (int)Math.Min(y, 63),
                        "&" => x & y,
                        "|" => x | y,
                        "^" => x ^ y,
                        _ => throw Unsupported(op, a, b, at),
                    };
                case (long or double, long or double):
                    {
                        double x = Convert.ToDouble(a, CultureInfo.InvariantCulture), y = Convert.ToDouble(b, CultureInfo.InvariantCulture);
                        return op switch
                        {
                            "+" => (object)(x + y),
                            "-" => x - y,
                            "*" => x * y,
                            "/" => y == 0 ? throw Raise("ZeroDivisionError", "float division by zero", at) : x / y,
                            "//" => y == 0 ? throw Raise("ZeroDivisionError", "float floor division by zero", at) : Math.Floor(x / y),
                            "%" => y == 0 ? throw Raise("ZeroDivisionError", "float modulo", at) : x - Math.Floor(x / y) * y,
                            "**" => Math.Pow(x, y),
                            _ => throw Unsupported(op, a, b, at),
                        };
                    }
                case (string x, string y) when op == "+":
                    return x + y;
                case (string x, long n) when op == "*":
                    return n <= 0 ? "" : string.Concat(Enumerable.Repeat(x, (int)Math.Min(n, 1 << 20)));
                case (string x, _) when op == "%":
                    return PercentFormat(x, b, at);
                case (PList x, PList y) when op == "+":
                    return new PList([.. x.Items, .. y.Items]);
                case (PTuple x, PTuple y) when op == "+":
                    return new PTuple([.. x.Items, .. y.Items], x.IsSize);
                case (PList x, long n) when op == "*":
                    return new PList(Repeat(x.Items, n));
                case (long n, PList x) when op == "*":
                    return new PList(Repeat(x.Items, n));
                case (PTuple x, long n) when op == "*":
                    return new PTuple([.. Repeat(x.Items, n)]);
                case (long n, PTuple x) when op == "*":
                    return new PTuple([.. Repeat(x.Items, n)]);
                case (PDict x, PDict y) when op == "|":
                    {
                        var d = new PDict();
                        foreach (var (k, v) in x.Items) d.Set(k, v);
                        foreach (var (k, v) in y.Items) d.Set(k, v);
                        return d;
                    }
                case (PSet x, PSet y):
                    {
                        var keys = op switch
                        {
                            "|" => x.Map.Keys.Concat(y.Map.Keys),
                            "&" => x.Map.Keys.Where(y.Map.Contains),
                            "-" => x.Map.Keys.Where(k => !y.Map.Contains(k)),
                            "^" => x.Map.Keys.Where(k => !y.Map.Contains(k)).Concat(y.Map.Keys.Where(k => !x.Map.Contains(k))),
                            _ => throw Unsupported(op, a, b, at),
                        };
                        return MakeSet(keys, at!);
                    }
            }
        }
        catch (OverflowException)
        {
            throw Error($"{Repr(a)} {op} {Repr(b)} overflows 64-bit integers", at);
        }
        throw Unsupported(op, a, b, at);
    }

    private static List<object?> Repeat(IReadOnlyList<object?> items, long n)
    {
        var result = new List<object?>();
        for (long i = 0; i < n && result.Count < 1 << 20; i++) result.AddRange(items);
        return result;
    }

    private PyRaise Unsupported(string op, object? a, object? b, Node? at) =>
        Raise("TypeError", $"unsupported operand type(s) for {op}: '{TypeName(a)}' and '{TypeName(b)}'", at);

    public static long FloorDiv(long x, long y)
    {
        long q = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) q--;
        return q;
    }

    private long IntPower(long x, long y, Node? at)
    {
        long result = 1;
        for (long i = 0; i < y; i++)
        {
            result = checked(result * x);
            if (result == 0 || result == 1 && x == 1) break;
            if (i > 64 && (x == -1)) return y % 2 == 0 ? 1 : -1;
        }
        return result;
    }

    /// <summary><c>x op= y</c>: lists extend in place, tensors change in place, everything else rebinds.</summary>
    private object? InPlace(string op, object? current, object? value, Node at)
    {
        if (current is PList l && op == "+")
        {
            l.Items.AddRange(Iterate(value, at));
            return l;
        }
        if (current is PTensor t) return Torch.InPlace(op, t, value, at);
        return Binary(op, current, value, at);
    }

    private object? Unary(string op, object? v, Node at)
    {
        if (op == "not") return !Truthy(v, at);
        if (v is PTensor t) return Torch.Unary(op, t, at);
        if (v is POpaque o) return new POpaque($"{op}{o.What}", o.Module, o.Line);
        if (v is bool b) v = b ? 1L : 0L;
        return (op, v) switch
        {
            ("-", long x) => x == long.MinValue ? throw Error("negating the smallest 64-bit integer overflows", at) : (object)-x,
            ("-", double x) => -x,
            ("+", long or double) => v,
            ("~", long x) => ~x,
            _ => throw Raise("TypeError", $"bad operand type for unary {op}: '{TypeName(v)}'", at),
        };
    }

    private bool Compare(string op, object? a, object? b, Node at)
    {
        switch (op)
        {
            case "==": return Equal(a, b, at);
            case "!=": return !Equal(a, b, at);
            case "is": return Identical(a, b);
            case "is not": return !Identical(a, b);
            case "in": return Contains(b, a, at);
            case "not in": return !Contains(b, a, at);
        }
        int c = Order(a, b, op, at);
        return op switch { "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 };
    }

    private bool Equal(object? a, object? b, Node at)
    {
        if (a is POpaque || b is POpaque) throw Error($"cnnshape cannot tell whether {Repr(a)} == {Repr(b)}", at);
        if (a is PTensor || b is PTensor) throw Error("comparing tensors by value needs their values, which only running the model gives (cnnshape follows shapes, not values)", at);
        return ValueEqual(a, b);
    }

    public static bool ValueEqual(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a is bool ab) a = ab ? 1L : 0L;
        if (b is bool bb) b = bb ? 1L : 0L;
        switch (a, b)
        {
            case (long x, long y): return x == y;
            case (long or double, long or double): return Convert.ToDouble(a, CultureInfo.InvariantCulture) == Convert.ToDouble(b, CultureInfo.InvariantCulture);
            case (string x, string y): return x == y;
            case (PTuple x, PTuple y): return x.Items.Length == y.Items.Length && x.Items.Zip(y.Items).All(p => ValueEqual(p.First, p.Second));
            case (PList x, PList y): return x.Items.Count == y.Items.Count && x.Items.Zip(y.Items).All(p => ValueEqual(p.First, p.Second));
            case (PDict x, PDict y): return x.Count == y.Count && x.Items.All(kv => y.TryGet(kv.Key, out var v) && ValueEqual(kv.Value, v));
            case (PSlice x, PSlice y): return ValueEqual(x.Start, y.Start) && ValueEqual(x.Stop, y.Stop) && ValueEqual(x.Step, y.Step);
            case (PRange x, PRange y): return x == y;
        }
        return ReferenceEquals(a, b);
    }

    private static bool Identical(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a is bool x && b is bool y) return x == y;
        if (a is long l && b is long m) return l == m;
        if (a is string s && b is string t) return s == t;
        if (a is PSuper || b is PSuper) return false;
        return ReferenceEquals(a, b);
    }

    private int Order(object? a, object? b, string op, Node at)
    {
        if (a is bool ab) a = ab ? 1L : 0L;
        if (b is bool bb) b = bb ? 1L : 0L;
        switch (a, b)
        {
            case (long x, long y): return x.CompareTo(y);
            case (long or double, long or double): return Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture));
            case (string x, string y): return string.CompareOrdinal(x, y);
            case (PTuple x, PTuple y): return Lexicographic(x.Items, y.Items, op, at);
            case (PList x, PList y): return Lexicographic(x.Items, y.Items, op, at);
        }
        if (a is POpaque || b is POpaque) throw Error($"cnnshape cannot tell whether {Repr(a)} {op} {Repr(b)}", at);
        if (a is PTensor || b is PTensor) throw Error("comparing tensors by value needs their values, which only running the model gives (cnnshape follows shapes, not values)", at);
        throw Raise("TypeError", $"'{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'", at);
    }

    private int Lexicographic(IReadOnlyList<object?> x, IReadOnlyList<object?> y, string op, Node at)
    {
        for (int i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            if (ValueEqual(x[i], y[i])) continue;
            return Order(x[i], y[i], op, at);
        }
        return x.Count.CompareTo(y.Count);
    }

    public bool Contains(object? container, object? item, Node at)
    {
        switch (container)
        {
            case PList l: return l.Items.Any(i => ValueEqual(i, item));
            case PTuple t: return t.Items.Any(i => ValueEqual(i, item));
            case PDict d: return d.Contains(item);
            case PSet s: return s.Map.Contains(item);
            case string s when item is string sub: return s.Contains(sub, StringComparison.Ordinal);
            case PRange r when item is long v: return r.Step > 0 ? v >= r.Start && v < r.Stop && (v - r.Start) % r.Step == 0 : v <= r.Start && v > r.Stop && (r.Start - v) % -r.Step == 0;
            case PInstance inst:
                {
                    if (inst.Module is { } m && inst.Type.Lookup("__contains__", out _) is Missing) return Torch.ModuleContains(inst, item);
                    var c = inst.Type.Lookup("__contains__", out _);
                    if (c is not Missing) return Truthy(Invoke(new PBound(inst, c!), [item], [], at), at);
                    return Iterate(inst, at).Any(i => ValueEqual(i, item));
                }
            case POpaque o:
                throw Error($"cnnshape cannot tell whether {Repr(item)} is in {o.What}", at);
        }
        throw Raise("TypeError", $"argument of type '{TypeName(container)}' is not iterable", at);
    }

    // ---- truth, iteration

    public bool Truthy(object? v, Node? at) => v switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        PTuple t => t.Items.Length > 0,
        PList l => l.Items.Count > 0,
        PDict d => d.Count > 0,
        PSet s => s.Map.Count > 0,
        PRange r => r.Length > 0,
        PTensor t => Torch.Truth(t, at),
        POpaque o => throw Error($"cnnshape cannot tell whether {o.What} (from {o.Module.File}:{o.Line}) is true: it comes from code cnnshape does not follow", at),
        PInstance inst => InstanceTruth(inst, at),
        _ => true,
    };

    private bool InstanceTruth(PInstance inst, Node? at)
    {
        var b = inst.Type.Lookup("__bool__", out _);
        if (b is not Missing) return Truthy(Invoke(new PBound(inst, b!), [], [], at), at);
        var len = inst.Type.Lookup("__len__", out _);
        if (len is not Missing) return Truthy(Invoke(new PBound(inst, len!), [], [], at), at);
        return true;
    }

    public IEnumerable<object?> Iterate(object? v, Node? at)
    {
        switch (v)
        {
            case PList l:
                return Live(l.Items);
            case PTuple t:
                return t.Items;
            case string s:
                return s.Select(c => (object?)c.ToString());
            case PDict d:
                return d.Keys.ToList();
            case PSet s:
                return s.Map.Keys.ToList();
            case PRange r:
                return RangeItems(r);
            case PIterator it:
                return Drain(it.Items);
            case PTensor t:
                return Torch.Unbind(t, 0, at).Items;
            case PInstance inst:
                {
                    var iter = inst.Type.Lookup("__iter__", out _);
                    if (iter is not Missing) return Iterate(Invoke(new PBound(inst, iter!), [], [], at), at);
                    var getitem = inst.Type.Lookup("__getitem__", out _);
                    if (getitem is not Missing && inst.Type.Lookup("__len__", out _) is not Missing and var len)
                    {
                        long n = (long)Invoke(new PBound(inst, len!), [], [], at)!;
                        return Enumerable.Range(0, (int)n).Select(i => Invoke(new PBound(inst, getitem!), [(long)i], [], at));
                    }
                    throw Raise("TypeError", $"'{inst.Type.Name}' object is not iterable", at);
                }
            case POpaque o:
                throw Error($"cnnshape cannot iterate over {o.What} (from {o.Module.File}:{o.Line}): it comes from code cnnshape does not follow", at);
        }
        throw Raise("TypeError", $"'{TypeName(v)}' object is not iterable", at);
    }

    private static IEnumerable<object?> Live(List<object?> items)
    {
        for (int i = 0; i < items.Count; i++) yield return items[i];
    }

    private static IEnumerable<object?> RangeItems(PRange r)
    {
        for (long i = 0; i < r.Length; i++) yield return r[i];
    }

    private static IEnumerable<object?> Drain(IEnumerator<object?> e)
    {
        while (e.MoveNext()) yield return e.Current;
    }

    // ---- text

    public string TypeName(object? v) => v switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        PTuple { IsSize: true } => "torch.Size",
        PTuple { Named: { } n } => n.Name,
        PTuple => "tuple",
        PList => "list",
        PDict => "dict",
        PSet => "set",
        PRange => "range",
        PSlice => "slice",
        PFunction => "function",
        PBuiltin => "builtin_function_or_method",
        PBound => "method",
        PClass => "type",
        PInstance i => i.Type.Name,
        PModule => "module",
        PTensor => "Tensor",
        POpaque o => o.What,
        _ => v.GetType().Name,
    };

    public string Repr(object? v)
    {
        switch (v)
        {
            case null: return "None";
            case bool b: return b ? "True" : "False";
            case long l: return l.ToString(CultureInfo.InvariantCulture);
            case double d: return PyConvert.Float(d);
            case string s: return QuoteString(s);
            case PTuple { IsSize: true } size: return $"torch.Size([{string.Join(", ", size.Items.Select(Repr))}])";
            case PTuple t: return t.Items.Length == 1 ? $"({Repr(t.Items[0])},)" : $"({string.Join(", ", t.Items.Select(Repr))})";
            case PList l: return $"[{string.Join(", ", l.Items.Select(Repr))}]";
            case PDict d: return "{" + string.Join(", ", d.Items.Select(kv => $"{Repr(kv.Key)}: {Repr(kv.Value)}")) + "}";
            case PSet s: return s.Map.Count == 0 ? "set()" : "{" + string.Join(", ", s.Map.Keys.Select(Repr)) + "}";
            case PRange r: return r.Step == 1 ? $"range({r.Start}, {r.Stop})" : $"range({r.Start}, {r.Stop}, {r.Step})";
            case PSlice s: return $"slice({Repr(s.Start)}, {Repr(s.Stop)}, {Repr(s.Step)})";
            case PClass c: return $"<class '{c.Name}'>";
            case PFunction f: return $"<function {f.Name}>";
            case PBuiltin b: return $"<built-in function {b.Name}>";
            case PInstance { Message: not null } e: return $"{e.Type.Name}({QuoteString(e.Message)})";
            case PInstance i: return i.Module?.Text ?? $"<{i.Type.Name} object>";
            case PTensor t: return t.ToString();
            case POpaque o: return o.What;
            case PModule m: return $"<module '{m.Name}'>";
        }
        return v.ToString() ?? "";
    }

    public static string QuoteString(string s)
    {
        char q = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder().Append(q);
        foreach (char c in s)
        {
            if (c == q || c == '\\') sb.Append('\\').Append(c);
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\t') sb.Append("\\t");
            else sb.Append(c);
        }
        return sb.Append(q).ToString();
    }

    public string Str(object? v) => v switch
    {
        string s => s,
        PInstance { Message: not null } e => e.Message,
        _ => Repr(v),
    };

    /// <summary>format(value, spec) for the specs model code writes: fill, align, sign, zero padding, width, precision, d/f/e/g/%/s.</summary>
    public string Format(object? value, string spec, Node? at)
    {
        if (spec.Length == 0) return Str(value);
        var m = System.Text.RegularExpressions.Regex.Match(spec, @"^(?:(.)?([<>^=]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$");
        if (!m.Success) throw Raise("ValueError", $"Invalid format specifier '{spec}'", at);
        char fill = m.Groups[1].Success ? m.Groups[1].Value[0] : m.Groups[5].Success ? '0' : ' ';
        char align = m.Groups[2].Success ? m.Groups[2].Value[0] : m.Groups[5].Success ? '=' : value is string ? '<' : '>';
        int width = m.Groups[6].Success ? int.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture) : 0;
        int? precision = m.Groups[8].Success ? int.Parse(m.Groups[8].Value, CultureInfo.InvariantCulture) : null;
        string type = m.Groups[9].Value;
        string sign = m.Groups[3].Value;
        if (value is bool bv && type.Length > 0) value = bv ? 1L : 0L;
        string body = (value, type) switch
        {
            (long l, "" or "d" or "n") => l.ToString(m.Groups[7].Value == "," ? "#,0" : "0", CultureInfo.InvariantCulture),
            (long l, "x") => l.ToString("x", CultureInfo.InvariantCulture),
            (long l, "X") => l.ToString("X", CultureInfo.InvariantCulture),
            (long l, "b") => Convert.ToString(l, 2),
            (long or double, "f" or "F") => Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture),
            (long or double, "e" or "E") => FormatExponent(Convert.ToDouble(value, CultureInfo.InvariantCulture), precision ?? 6, type == "E"),
            (long or double, "%") => (Convert.ToDouble(value, CultureInfo.InvariantCulture) * 100).ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture) + "%",
            (long or double, "g" or "G") => Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("G" + (precision ?? 6), CultureInfo.InvariantCulture).ToLowerInvariant(),
            (double d, "") => precision is int p ? d.ToString("G" + p, CultureInfo.InvariantCulture) : PyConvert.Float(d),
            (string s, "" or "s") => precision is int p ? s[..Math.Min(p, s.Length)] : s,
            _ when type is "" or "s" => Str(value),
            _ => throw Raise("ValueError", $"Unknown format code '{type}' for object of type '{TypeName(value)}'", at),
        };
        if (sign == "+" && value is long or double && !body.StartsWith('-')) body = "+" + body;
        if (body.Length >= width) return body;
        int pad = width - body.Length;
        return align switch
        {
            '<' => body + new string(fill, pad),
            '^' => new string(fill, pad / 2) + body + new string(fill, pad - pad / 2),
            '=' when body.StartsWith('-') || body.StartsWith('+') => body[0] + new string(fill, pad) + body[1..],
            _ => new string(fill, pad) + body,
        };
    }

    private static string FormatExponent(double d, int precision, bool upper)
    {
        string s = d.ToString((upper ? "E" : "e") + precision, CultureInfo.InvariantCulture);
        int e = s.IndexOfAny(['e', 'E']);
        int exponent = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
        return $"{s[..(e + 1)]}{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
    }

    /// <summary>printf-style formatting: <c>"denselayer%d" % (i + 1)</c>.</summary>
    private string PercentFormat(string format, object? args, Node? at)
    {
        var values = args is PTuple t ? t.Items : [args];
        int next = 0;
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%') { sb.Append(c); continue; }
            int j = i + 1;
            while (j < format.Length && "-+ #0123456789.".Contains(format[j])) j++;
            if (j >= format.Length) throw Raise("ValueError", "incomplete format", at);
            char conv = format[j];
            string flags = format[(i + 1)..j];
            i = j;
            if (conv == '%') { sb.Append('%'); continue; }
            if (next >= values.Length) throw Raise("TypeError", "not enough arguments for format string", at);
            var v = values[next++];
            var fm = System.Text.RegularExpressions.Regex.Match(flags, @"^([-+ #0]*)(\d*)(?:\.(\d+))?$");
            string f = fm.Groups[1].Value;
            string spec = (f.Contains('-') ? "<" : f.Contains('0') ? "0" : "") + (f.Contains('+') ? "+" : "") + fm.Groups[2].Value + (fm.Groups[3].Success ? "." + fm.Groups[3].Value : "");
            if (f.Contains('-')) spec = "<" + (f.Contains('+') ? "+" : "") + fm.Groups[2].Value + (fm.Groups[3].Success ? "." + fm.Groups[3].Value : "");
            sb.Append(conv switch
            {
                'd' or 'i' or 'u' => Format(v is double dv ? (long)Math.Truncate(dv) : v is bool bv ? (bv ? 1L : 0L) : v is long ? v : throw Raise("TypeError", $"%{conv} format: a number is required, not {TypeName(v)}", at), spec + "d", at),
                's' => Format(Str(v), spec, at),
                'r' => Format(Repr(v), spec, at),
                'f' or 'F' or 'e' or 'E' or 'g' or 'G' or 'x' or 'X' => Format(v, spec + conv, at),
                _ => throw Raise("ValueError", $"unsupported format character '{conv}'", at),
            });
        }
        if (next < values.Length && args is PTuple) throw Raise("TypeError", "not all arguments converted during string formatting", at);
        return sb.ToString();
    }
}
