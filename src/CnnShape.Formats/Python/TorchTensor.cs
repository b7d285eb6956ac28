using CnnShape.Layers;
using CnnShape.Networks;
using CnnShape.Rules;
using CnnShape.Shapes;

namespace CnnShape.Formats.Python;

internal sealed partial class Torch
{
    private static readonly HashSet<string> Identity =
    [
        "float", "double", "half", "bfloat16", "long", "int", "bool", "to", "type", "type_as", "cpu", "cuda", "detach", "clone",
        "requires_grad_", "zero_", "fill_", "normal_", "uniform_", "retain_grad", "pin_memory", "detach_", "clamp_", "clamp_min_", "clamp_max_",
        "relu_", "sigmoid_", "tanh_", "mul_", "add_", "sub_", "div_", "copy_", "masked_fill_", "exp_", "abs_", "neg_", "bernoulli_",
        "bernoulli", "exponential_", "random_", "geometric_", "cauchy_", "log_normal_", "div_", "square_", "sqrt_", "floor_", "ceil_", "round_", "clamp_max_", "float_power",
    ];

    private static readonly HashSet<string> Reductions =
    [
        "mean", "sum", "amax", "amin", "max", "min", "std", "var", "prod", "logsumexp", "argmax", "argmin", "norm", "nansum", "nanmean", "median", "all", "any",
    ];

    private static readonly HashSet<string> Elementwise =
    [
        "exp", "log", "abs", "sqrt", "neg", "sign", "clamp", "clip", "clamp_min", "clamp_max", "square", "rsqrt", "log2", "log1p", "sin", "cos", "erf",
        "floor", "ceil", "round", "reciprocal", "pow", "masked_fill", "sigmoid", "tanh", "relu",
    ];

    /// <summary>A tensor's attribute: shape, ndim, dtype… or one of its methods.</summary>
    public object? TensorAttribute(PTensor t, string name, Node? at)
    {
        switch (name)
        {
            case "shape": return Size(t, at);
            case "ndim": return (long)Known(t, at).Rank;
            case "dtype": return new POpaque("torch.float32", _it.CurrentModule, at?.Line ?? 0);
            case "device": return new POpaque("tensor.device", _it.CurrentModule, at?.Line ?? 0);
            case "is_cuda": return false;
            case "requires_grad": return t.IsParameter && t.RequiresGrad;
            case "grad": return null;
            case "data": return t;
            case "T":
                {
                    var s = Known(t, at);
                    return Row(TensorOps.Permute([.. Enumerable.Range(0, s.Rank).Reverse().Select(i => (long)i)]), "T", t, at);
                }
            case "mT":
                return Row(TensorOps.Transpose(-2, -1), "mT", t, at);
        }
        Func<Call, object?>? body = name switch
        {
            "size" => c =>
            {
                var a = c.Bind(("dim", null));
                if (a[0] is null) return Size(t, c.Site);
                var s = Known(t, c.Site);
                long d = IntArg(a[0], "size", "dim", c.Site);
                int w = WrapDim(d, s.Rank, c.Site);
                return s[w];
            }
            ,
            "dim" or "ndimension" => _ => (long)Known(t, at).Rank,
            "numel" or "nelement" => _ => Known(t, at).Numel(),
            "element_size" => _ => 4L,
            "item" or "tolist" or "numpy" => c => throw _it.Error($"tensor.{name}() gives the tensor's values, which only running the model gives (cnnshape follows shapes, not values)", c.Site),
            "contiguous" => c =>
            {
                var s = Known(t, c.Site);
                return t.Strides is not null && TensorLayout.IsContiguous(s.ToArray(), t.Strides) ? t : new PTensor(t.Node, s) { Made = t.Made };
            }
            ,
            "view" => c =>
            {
                if (c.Args.Count == 1 && c.Args[0] is POpaque o && o.What.StartsWith("torch.", StringComparison.Ordinal)) return t;
                var sizes = SizeArgs(c, 0, "view");
                return Row(TensorOps.View("view", sizes, t.Strides), "view", t, c.Site, $"view({string.Join(", ", sizes)})");
            }
            ,
            "reshape" => c =>
            {
                var sizes = SizeArgs(c, 0, "reshape", "shape");
                return Row(TensorOps.View("reshape", sizes, null), "reshape", t, c.Site, $"reshape({string.Join(", ", sizes)})");
            }
            ,
            "view_as" or "reshape_as" => c =>
            {
                var other = TensorArg(c.Args.ElementAtOrDefault(0), name, "other", c.Site);
                var sizes = other.Shape!.ToArray();
                return Row(TensorOps.View(name == "view_as" ? "view" : "reshape", sizes, name == "view_as" ? t.Strides : null), name, t, c.Site);
            }
            ,
            "flatten" => c =>
            {
                var a = c.Bind(("start_dim", 0L), ("end_dim", -1L));
                return Functional(c, "Flatten", t, [("start_dim", a[0]), ("end_dim", a[1])], "flatten");
            }
            ,
            "unflatten" => c =>
            {
                var a = c.Bind(("dim", Req), ("sizes", Req));
                return Functional(c, "Unflatten", t, [("dim", a[0]), ("unflattened_size", a[1] is PList l ? new PTuple([.. l.Items]) : a[1])], "unflatten");
            }
            ,
            "permute" => c =>
            {
                var dims = SizeArgs(c, 0, "permute", "dims");
                return Row(TensorOps.Permute(dims), "permute", t, c.Site, $"permute({string.Join(", ", dims)})");
            }
            ,
            "transpose" or "swapaxes" or "swapdims" => c =>
            {
                var a = c.Bind(("dim0", Req), ("dim1", Req));
                long d0 = IntArg(a[0], name, "dim0", c.Site), d1 = IntArg(a[1], name, "dim1", c.Site);
                return Row(TensorOps.Transpose(d0, d1), "transpose", t, c.Site, $"transpose({d0}, {d1})");
            }
            ,
            "t" => c => Row(TensorOps.Transpose(0, 1, t: true), "t", t, c.Site),
            "squeeze" => c =>
            {
                var a = c.Bind(("dim", null));
                var dims = DimsArg(a[0], "squeeze", c.Site);
                return Row(TensorOps.Squeeze(dims), "squeeze", t, c.Site, dims is null ? "squeeze()" : $"squeeze({string.Join(", ", dims)})");
            }
            ,
            "unsqueeze" => c =>
            {
                long d = IntArg(c.Bind(("dim", Req))[0], "unsqueeze", "dim", c.Site);
                return Row(TensorOps.Unsqueeze(d), "unsqueeze", t, c.Site, $"unsqueeze({d})");
            }
            ,
            "expand" => c =>
            {
                var sizes = SizeArgs(c, 0, "expand");
                return Row(TensorOps.Expand(sizes), "expand", t, c.Site, $"expand({string.Join(", ", sizes)})");
            }
            ,
            "expand_as" => c =>
            {
                var sizes = TensorArg(c.Args.ElementAtOrDefault(0), "expand_as", "other", c.Site).Shape!.ToArray();
                return Row(TensorOps.Expand(sizes), "expand_as", t, c.Site);
            }
            ,
            "repeat" or "tile" => c =>
            {
                var sizes = SizeArgs(c, 0, name, "repeats");
                if (name == "tile" && sizes.Length < Known(t, c.Site).Rank) sizes = [.. Enumerable.Repeat(1L, Known(t, c.Site).Rank - sizes.Length), .. sizes];
                return Row(TensorOps.Repeat(sizes), name, t, c.Site, $"{name}({string.Join(", ", sizes)})");
            }
            ,
            "chunk" => c =>
            {
                var a = c.Bind(("chunks", Req), ("dim", 0L));
                return Chunk(t, IntArg(a[0], "chunk", "chunks", c.Site), IntArg(a[1], "chunk", "dim", c.Site), c.Site);
            }
            ,
            "split" => c =>
            {
                var a = c.Bind(("split_size", Req), ("dim", 0L));
                return Split(t, a[0], IntArg(a[1], "split", "dim", c.Site), c.Site);
            }
            ,
            "unbind" => c => Unbind(t, IntArg(c.Bind(("dim", 0L))[0], "unbind", "dim", c.Site), c.Site),
            "narrow" => c =>
            {
                var a = c.Bind(("dim", Req), ("start", Req), ("length", Req));
                var s = Known(t, c.Site);
                int d = WrapDim(IntArg(a[0], "narrow", "dim", c.Site), s.Rank, c.Site);
                long start = IntArg(a[1], "narrow", "start", c.Site), length = IntArg(a[2], "narrow", "length", c.Site);
                if (start < 0) start += s[d];
                if (start < 0 || length < 0 || start + length > s[d]) throw _it.Raise("RuntimeError", $"start ({start}) + length ({length}) exceeds dimension size ({s[d]}).", c.Site);
                return Slice(t, d, start, start + length, "narrow", c.Site);
            }
            ,
            "select" => c =>
            {
                var a = c.Bind(("dim", Req), ("index", Req));
                var s = Known(t, c.Site);
                int d = WrapDim(IntArg(a[0], "select", "dim", c.Site), s.Rank, c.Site);
                var items = Enumerable.Repeat<IndexItem>(new IndexItem.Range(null, null, 1), d).Append(new IndexItem.At(IntArg(a[1], "select", "index", c.Site))).ToList();
                return Row(TensorOps.Index(items), "select", t, c.Site);
            }
            ,
            "softmax" or "log_softmax" => c =>
            {
                var a = c.Bind(("dim", null), ("dtype", null));
                return Functional(c, name == "softmax" ? "Softmax" : "LogSoftmax", t, [("dim", a[0])], name);
            }
            ,
            "matmul" or "mm" or "bmm" => c => Binary("@", t, c.Args.ElementAtOrDefault(0), c.Site, name),
            "add" or "sub" or "mul" or "div" or "multiply" or "subtract" or "divide" or "true_divide" => c =>
            {
                string op = name switch { "add" => "+", "sub" or "subtract" => "-", "mul" or "multiply" => "*", _ => "/" };
                return Binary(op, t, c.Args.ElementAtOrDefault(0) ?? c.Keyword("other", null), c.Site, name);
            }
            ,
            "new_zeros" or "new_ones" or "new_empty" or "new_full" => c => Make(Shape.Of(SizeArgs(new Call(_it, [c.Args.ElementAtOrDefault(0)], [], c.Site), 0, name)), name),
            "new_tensor" => c => Make(Shape.Of(DataShape(c.Args.ElementAtOrDefault(0), c.Site)), "new_tensor"),
            "flip" or "roll" or "cumsum" or "cumprod" => c =>
            {
                var dims = name switch
                {
                    "flip" => SizeArgs(c, 0, "flip", "dims"),
                    "roll" => DimsArg(c.Args.ElementAtOrDefault(1) ?? c.Keyword("dims", null), "roll", c.Site) ?? [],
                    _ => [IntArg(c.Args.ElementAtOrDefault(0) ?? c.Keyword("dim", null), name, "dim", c.Site)],
                };
                return Row(TensorOps.Pointwise(name, dims), name, t, c.Site);
            }
            ,
            "requires_grad_" => c =>
            {
                t.RequiresGrad = c.Args.Count == 0 || _it.Truthy(c.Args[0], c.Site);
                return t;
            }
            ,
            _ when Identity.Contains(name) => c =>
            {
                if (name is "add_" or "sub_" or "mul_" or "div_" && c.Args.ElementAtOrDefault(0) is PTensor other)
                {
                    return InPlace(name switch { "add_" => "+", "sub_" => "-", "mul_" => "*", _ => "/" }, t, other, c.Site!);
                }
                return t;
            }
            ,
            _ when Reductions.Contains(name) => c => Reduce(t, name, c),
            _ when Elementwise.Contains(name) => c =>
            {
                if (name is "sigmoid" or "tanh" or "relu") return Functional(c, name switch { "sigmoid" => "Sigmoid", "tanh" => "Tanh", _ => "ReLU" }, t, [], name);
                if (name == "masked_fill" && c.Args.ElementAtOrDefault(0) is PTensor mask)
                {
                    var shape = Broadcasting.Shape([Known(t, c.Site).ToArray(), mask.Shape!.ToArray()]);
                    if (!Shape.Of(shape).Equals(t.Shape)) throw _it.Raise("RuntimeError", $"masked_fill: the mask of shape {Text(mask.Shape)} does not broadcast to the tensor's shape {Text(t.Shape!)}", c.Site);
                }
                return Row(TensorOps.Pointwise(name), name, t, c.Site);
            }
            ,
            _ => null,
        };
        if (body is null) return Missing.Value;
        return new PBuiltin(name, body);
    }

    private Shape Known(PTensor t, Node? at) => t.Shape ?? throw _it.Error($"the shape of {t.Made ?? "this tensor"} is not known to cnnshape", at);

    private int WrapDim(long d, int rank, Node? at)
    {
        int effective = Math.Max(rank, 1);
        if (d < -effective || d >= effective) throw _it.Raise("IndexError", $"Dimension out of range (expected to be in range of [{-effective}, {effective - 1}], but got {d})", at);
        return (int)(d < 0 ? d + effective : d);
    }

    private PTuple Size(PTensor t, Node? at) => new([.. Known(t, at).ToArray().Select(d => (object?)d)], isSize: true);

    private object? Reduce(PTensor t, string name, Call c)
    {
        var a = c.Bind([("dim", null), ("keepdim", false), ("dtype", null), ("out", null), ("unbiased", true), ("correction", null), ("p", null)], allowExtra: true);
        if (name == "norm" && c.Args.Count > 0 && c.Args[0] is not (PTuple or PList) && c.Keyword("dim", null) is null)
        {
            // x.norm(p, dim, keepdim)
            a = c.Bind([("p", null), ("dim", null), ("keepdim", false), ("dtype", null)], allowExtra: true);
            (a[0], a[1]) = (a[1], a[2]);
        }
        if (a[0] is PTensor) throw _it.Error($"{name} with a tensor argument is not followed by cnnshape", c.Site);
        var dims = DimsArg(a[0], name, c.Site);
        bool keep = _it.Truthy(a[1], c.Site);
        var output = Row(TensorOps.Reduce(name, dims, keep), name, t, c.Site, dims is null ? $"{name}()" : $"{name}({string.Join(", ", dims)}{(keep ? ", keepdim=True" : "")})");
        // max/min over one dim give (values, indices)
        if (name is "max" or "min" or "median" && dims is { Length: 1 } && a[0] is long)
        {
            var values = _it.Type("tuple");
            return new PTuple([output, new PTensor(output.Node, output.Shape, output.Strides)]);
        }
        return output;
    }

    private PTensor Slice(PTensor t, int dim, long start, long stop, string op, Node? at)
    {
        var items = Enumerable.Repeat<IndexItem>(new IndexItem.Range(null, null, 1), dim).Append(new IndexItem.Range(start, stop, 1)).ToList();
        return Row(TensorOps.Index(items), op, t, at);
    }

    private PTuple Chunk(PTensor t, long chunks, long dim, Node? at)
    {
        var s = Known(t, at);
        if (chunks <= 0) throw _it.Raise("RuntimeError", $"chunk expects `chunks` to be greater than 0, got: {chunks}", at);
        int d = WrapDim(dim, s.Rank, at);
        long size = (s[d] + chunks - 1) / chunks;
        if (size == 0) size = 1;
        var parts = new List<object?>();
        for (long start = 0; start < s[d] || start == 0 && s[d] == 0 && parts.Count == 0; start += size)
        {
            parts.Add(Slice(t, d, start, Math.Min(start + size, s[d]), "chunk", at));
            if (s[d] == 0) break;
        }
        return new PTuple([.. parts]);
    }

    private PTuple Split(PTensor t, object? sizes, long dim, Node? at)
    {
        var s = Known(t, at);
        int d = WrapDim(dim, s.Rank, at);
        var parts = new List<object?>();
        if (sizes is long size)
        {
            if (size <= 0 && s[d] > 0) throw _it.Raise("RuntimeError", $"split expects split_size be non-negative, but got split_size={size}", at);
            for (long start = 0; start < s[d]; start += size) parts.Add(Slice(t, d, start, Math.Min(start + size, s[d]), "split", at));
            if (parts.Count == 0) parts.Add(Slice(t, d, 0, 0, "split", at));
            return new PTuple([.. parts]);
        }
        var list = _it.Iterate(sizes, at).Select(x => IntArg(x, "split", "split_size_or_sections", at)).ToList();
        if (list.Sum() != s[d]) throw _it.Raise("RuntimeError", $"split_with_sizes expects split_sizes to sum exactly to {s[d]} (input tensor's size at dimension {d}), but got split_sizes=[{string.Join(", ", list)}]", at);
        long from = 0;
        foreach (var n in list)
        {
            parts.Add(Slice(t, d, from, from + n, "split", at));
            from += n;
        }
        return new PTuple([.. parts]);
    }
}
