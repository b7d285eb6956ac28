using System.Globalization;
using CnnShape.Layers;
using CnnShape.Networks;
using CnnShape.Parsing;
using CnnShape.Rules;
using CnnShape.Shapes;

namespace CnnShape.Formats.Python;

internal sealed partial class Torch
{
    private static readonly object Req = Missing.Value;

    // ---- helpers

    private PTensor TensorArg(object? v, string function, string argument, Node? at) => v switch
    {
        PTensor t when t.Shape is not null => t,
        PTensor t => throw _it.Error($"{function}: the shape of {argument} ({t.Made ?? "a tensor"}) is not known to cnnshape", at),
        POpaque o => throw _it.Error($"{function}: {argument} is {o.What} (from {o.Module.File}:{o.Line}), which cnnshape does not follow", at),
        _ => throw _it.Raise("TypeError", $"{function}(): argument '{argument}' must be Tensor, not {_it.TypeName(v)}", at),
    };

    private long IntArg(object? v, string function, string argument, Node? at) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        POpaque o => throw _it.Error($"{function}: {argument} is {o.What} (from {o.Module.File}:{o.Line}), which cnnshape does not follow", at),
        _ => throw _it.Raise("TypeError", $"{function}(): argument '{argument}' must be int, not {_it.TypeName(v)}", at),
    };

    /// <summary>A size list given as varargs (<c>view(1, -1)</c>) or as one tuple/list/torch.Size (<c>view((1, -1))</c>).</summary>
    private long[] SizeArgs(Call c, int start, string function, string argument = "size")
    {
        IReadOnlyList<object?> items = c.Args.Count == start + 1 && c.Args[start] is PTuple or PList ? _it.Iterate(c.Args[start], c.Site).ToList() : c.Args.Skip(start).ToList();
        if (c.Args.Count <= start && c.Keyword(argument, null) is { } kw) items = _it.Iterate(kw, c.Site).ToList();
        var result = new long[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            result[i] = items[i] switch
            {
                long l => l,
                POpaque o => throw _it.Error($"{function}: a size is {o.What} (from {o.Module.File}:{o.Line}), which cnnshape does not follow", c.Site),
                PTensor => throw _it.Error($"{function}: a size is a tensor; cnnshape needs its value, which only running the model gives", c.Site),
                var v => throw _it.Raise("TypeError", $"{function}(): argument '{argument}' (position 1) must be tuple of ints, but found element of type {_it.TypeName(v)} at pos {i + 1}", c.Site),
            };
        }
        return result;
    }

    /// <summary>An int, a tuple/list of ints, or None (null).</summary>
    private long[]? DimsArg(object? v, string function, Node? at) => v switch
    {
        null => null,
        long l => [l],
        PTuple or PList => _it.Iterate(v, at).Select(x => IntArg(x, function, "dim", at)).ToArray(),
        _ => throw _it.Raise("TypeError", $"{function}(): argument 'dim' must be int or tuple of ints, not {_it.TypeName(v)}", at),
    };

    /// <summary>The function as the code wrote it (<c>F.relu</c>, <c>torch.cat</c>); for a tensor method, its name.</summary>
    private static string Written(Node? site, string fallback)
    {
        if (site is not CallExpr { Func: var f }) return fallback;
        static string? Dotted(Expr e) => e switch
        {
            NameExpr n => n.Id,
            AttributeExpr { Value: var v, Attr: var a } when Dotted(v) is { } head => head + "." + a,
            _ => null,
        };
        if (f is AttributeExpr { Value: NameExpr { Id: "self" } }) return fallback;
        if (f is AttributeExpr { Value: NameExpr n } a && n.Id is "F" or "torch" or "nn" or "functional") return n.Id + "." + a.Attr;
        return Dotted(f) is { } d && d.Contains('.') && (d.StartsWith("torch.", StringComparison.Ordinal) || d.StartsWith("F.", StringComparison.Ordinal)) ? d : fallback;
    }

    private PTensor Row(Layer layer, string op, PTensor input, Node? site, string? text = null)
    {
        var trace = Trace ?? throw _it.Error($"{op} is applied outside the model's forward", site);
        return AddLayer(layer, trace.Scoped(op), text ?? layer.Type, input, site);
    }

    /// <summary>A catalog layer built from a functional call's arguments (by name).</summary>
    private PTensor Functional(Call c, string layer, PTensor input, IEnumerable<(string Name, object? Value)> arguments, string fallback)
    {
        var keywords = arguments.Select(a => new KeyValuePair<string, PyValue>(a.Name, ToPy(a.Value, layer, a.Name, c.Site))).ToList();
        string text = $"{layer}({string.Join(", ", keywords.Select(k => $"{k.Key}={k.Value.ToPython()}"))})";
        Layer built;
        try { built = LayerCatalog.Build(new LayerCall(layer, [], keywords, text) { ModulePrefix = true }); }
        catch (CnnShapeException e) { throw new CnnShapeException(e.Rule, _it.PlaceOf(c.Site), e.Mismatch); }
        return Row(built, Written(c.Site, fallback), input, c.Site, text);
    }

    /// <summary>Which of a signature's parameters the call gave (by position or keyword).</summary>
    private static HashSet<string> Given(Call c, (string Name, object? Default)[] signature)
    {
        var given = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < c.Args.Count && i < signature.Length; i++) given.Add(signature[i].Name);
        foreach (var (k, _) in c.Keywords) given.Add(k);
        return given;
    }

    /// <summary>
    /// Defines a functional whose parameters after the input are the layer's own (F.relu(input, inplace) → ReLU(inplace)):
    /// bound by the function's signature, passed to the catalog by name; <paramref name="dropped"/> are the function's
    /// own (training, dtype…).
    /// </summary>
    private void Mapped(PModule m, string name, string layer, (string, object?)[] parameters, params string[] dropped)
    {
        (string Name, object? Default)[] signature = [("input", Req), .. parameters];
        Fn(m, name, c =>
        {
            var a = c.Bind(signature);
            var input = TensorArg(a[0], name, "input", c.Site);
            var given = Given(c, signature);
            var args = new List<(string, object?)>();
            for (int i = 1; i < signature.Length; i++)
            {
                if (dropped.Contains(signature[i].Name) || !given.Contains(signature[i].Name)) continue;
                args.Add((signature[i].Name, a[i]));
            }
            return Functional(c, layer, input, args, name);
        });
    }

    private PTensor Make(Shape shape, string what) => new(null, shape) { Made = what };

    // ---- torch and torch.nn.functional

    private void DefineFunctions(PModule torch, PModule f)
    {
        // activations: same parameters as their modules
        foreach (var (fn, layer) in new[] { ("relu", "ReLU"), ("relu6", "ReLU6"), ("selu", "SELU"), ("silu", "SiLU"), ("mish", "Mish"), ("hardswish", "Hardswish"), ("hardsigmoid", "Hardsigmoid") })
        {
            Mapped(f, fn, layer, [("inplace", false)]);
        }
        foreach (var (fn, layer) in new[] { ("sigmoid", "Sigmoid"), ("tanh", "Tanh"), ("softsign", "Softsign"), ("tanhshrink", "Tanhshrink"), ("logsigmoid", "LogSigmoid") })
        {
            Mapped(f, fn, layer, []);
        }
        Mapped(f, "relu_", "ReLU", []);
        Mapped(f, "elu", "ELU", [("alpha", 1.0), ("inplace", false)]);
        Mapped(f, "celu", "CELU", [("alpha", 1.0), ("inplace", false)]);
        Mapped(f, "leaky_relu", "LeakyReLU", [("negative_slope", 0.01), ("inplace", false)]);
        Mapped(f, "gelu", "GELU", [("approximate", "none")]);
        Mapped(f, "hardtanh", "Hardtanh", [("min_val", -1.0), ("max_val", 1.0), ("inplace", false)]);
        Mapped(f, "softplus", "Softplus", [("beta", 1L), ("threshold", 20L)]);
        Mapped(f, "hardshrink", "Hardshrink", [("lambd", 0.5)]);
        Mapped(f, "softshrink", "Softshrink", [("lambd", 0.5)]);
        Mapped(f, "threshold", "Threshold", [("threshold", Req), ("value", Req), ("inplace", false)]);
        Mapped(f, "rrelu", "RReLU", [("lower", 1.0 / 8), ("upper", 1.0 / 3), ("training", false), ("inplace", false)], "training");
        Mapped(f, "glu", "GLU", [("dim", -1L)]);
        foreach (var (fn, layer) in new[] { ("softmax", "Softmax"), ("log_softmax", "LogSoftmax"), ("softmin", "Softmin") })
        {
            Mapped(f, fn, layer, [("dim", null), ("_stacklevel", 3L), ("dtype", null)], "_stacklevel", "dtype");
        }
        foreach (var (fn, layer) in new[] { ("dropout", "Dropout"), ("dropout1d", "Dropout1d"), ("dropout2d", "Dropout2d"), ("dropout3d", "Dropout3d"), ("alpha_dropout", "AlphaDropout"), ("feature_alpha_dropout", "FeatureAlphaDropout") })
        {
            Mapped(f, fn, layer, [("p", 0.5), ("training", true), ("inplace", false)], "training");
        }
        // pooling: the functional's order differs from the module's (ceil_mode before return_indices), so arguments go by name
        for (int n = 1; n <= 3; n++)
        {
            Mapped(f, $"max_pool{n}d", $"MaxPool{n}d", [("kernel_size", Req), ("stride", null), ("padding", 0L), ("dilation", 1L), ("ceil_mode", false), ("return_indices", false)]);
            Mapped(f, $"max_pool{n}d_with_indices", $"MaxPool{n}d", [("kernel_size", Req), ("stride", null), ("padding", 0L), ("dilation", 1L), ("ceil_mode", false), ("return_indices", false)]);
            if (n == 1) Mapped(f, "avg_pool1d", "AvgPool1d", [("kernel_size", Req), ("stride", null), ("padding", 0L), ("ceil_mode", false), ("count_include_pad", true)]);
            else Mapped(f, $"avg_pool{n}d", $"AvgPool{n}d", [("kernel_size", Req), ("stride", null), ("padding", 0L), ("ceil_mode", false), ("count_include_pad", true), ("divisor_override", null)]);
            Mapped(f, $"adaptive_avg_pool{n}d", $"AdaptiveAvgPool{n}d", [("output_size", Req)]);
            Mapped(f, $"adaptive_max_pool{n}d", $"AdaptiveMaxPool{n}d", [("output_size", Req), ("return_indices", false)]);
            if (n <= 2) Mapped(f, $"lp_pool{n}d", $"LPPool{n}d", [("norm_type", Req), ("kernel_size", Req), ("stride", null), ("ceil_mode", false)]);
        }
        Mapped(f, "pixel_shuffle", "PixelShuffle", [("upscale_factor", Req)]);
        Mapped(f, "pixel_unshuffle", "PixelUnshuffle", [("downscale_factor", Req)]);
        Mapped(f, "channel_shuffle", "ChannelShuffle", [("groups", Req)]);
        Mapped(f, "local_response_norm", "LocalResponseNorm", [("size", Req), ("alpha", 1e-4), ("beta", 0.75), ("k", 1.0)]);
        Fn(f, "interpolate", c => Interpolate(c, "interpolate"));
        Fn(f, "upsample", c => Interpolate(c, "upsample"));
        Fn(f, "upsample_nearest", c =>
        {
            var a = c.Bind(("input", Req), ("size", null), ("scale_factor", null));
            var given = Given(c, [("input", Req), ("size", null), ("scale_factor", null)]);
            return Functional(c, "UpsamplingNearest2d", TensorArg(a[0], "upsample_nearest", "input", c.Site), new[] { ("size", a[1]), ("scale_factor", a[2]) }.Where(x => given.Contains(x.Item1)), "upsample_nearest");
        });
        Fn(f, "upsample_bilinear", c =>
        {
            var a = c.Bind(("input", Req), ("size", null), ("scale_factor", null));
            var given = Given(c, [("input", Req), ("size", null), ("scale_factor", null)]);
            return Functional(c, "UpsamplingBilinear2d", TensorArg(a[0], "upsample_bilinear", "input", c.Site), new[] { ("size", a[1]), ("scale_factor", a[2]) }.Where(x => given.Contains(x.Item1)), "upsample_bilinear");
        });
        Fn(f, "pad", Pad);
        Fn(f, "layer_norm", c =>
        {
            var a = c.Bind(("input", Req), ("normalized_shape", Req), ("weight", null), ("bias", null), ("eps", 1e-5));
            return Functional(c, "LayerNorm", TensorArg(a[0], "layer_norm", "input", c.Site), [("normalized_shape", a[1]), ("eps", a[4]), ("elementwise_affine", false)], "layer_norm");
        });
        Fn(f, "group_norm", c =>
        {
            var a = c.Bind(("input", Req), ("num_groups", Req), ("weight", null), ("bias", null), ("eps", 1e-5));
            var input = TensorArg(a[0], "group_norm", "input", c.Site);
            if (input.Shape!.Rank < 2) throw _it.Raise("RuntimeError", $"Expected at least 2 dimensions for input tensor but received {input.Shape.Rank}", c.Site);
            return Functional(c, "GroupNorm", input, [("num_groups", a[1]), ("num_channels", input.Shape[1]), ("eps", a[4]), ("affine", false)], "group_norm");
        });
        Fn(f, "batch_norm", c =>
        {
            var a = c.Bind(("input", Req), ("running_mean", Req), ("running_var", Req), ("weight", null), ("bias", null), ("training", false), ("momentum", 0.1), ("eps", 1e-5));
            var input = TensorArg(a[0], "batch_norm", "input", c.Site);
            int n = Math.Clamp(input.Shape!.Rank - 2, 1, 3);
            long channels = a[1] is PTensor { Shape.Rank: 1 } mean ? mean.Shape![0] : input.Shape.Rank > 1 ? input.Shape[1] : 0;
            var built = LayerCatalog.Build(new LayerCall($"BatchNorm{n}d", [new PyInt(channels)], [new("affine", new PyBool(false))], "batch_norm"));
            bool training = _it.Truthy(a[5], c.Site);
            var trace = Trace ?? throw _it.Error("batch_norm outside the model's forward", c.Site);
            return AddLayer(training ? built : TensorOps.InEvaluation(built), trace.Scoped(Written(c.Site, "batch_norm")), $"batch_norm(training={(training ? "True" : "False")})", input, c.Site);
        });
        Fn(f, "instance_norm", c =>
        {
            var a = c.Bind(("input", Req), ("running_mean", null), ("running_var", null), ("weight", null), ("bias", null), ("use_input_stats", true), ("momentum", 0.1), ("eps", 1e-5));
            var input = TensorArg(a[0], "instance_norm", "input", c.Site);
            int n = Math.Clamp(input.Shape!.Rank - 2, 1, 3);
            return Functional(c, $"InstanceNorm{n}d", input, [("num_features", input.Shape.Rank > 1 ? input.Shape[1] : 0L)], "instance_norm");
        });
        Fn(f, "normalize", c =>
        {
            var a = c.Bind(("input", Req), ("p", 2.0), ("dim", 1L), ("eps", 1e-12), ("out", null));
            var input = TensorArg(a[0], "normalize", "input", c.Site);
            return Row(TensorOps.Pointwise("normalize", [IntArg(a[2], "normalize", "dim", c.Site)]), Written(c.Site, "normalize"), input, c.Site);
        });
        Fn(f, "linear", c =>
        {
            var a = c.Bind(("input", Req), ("weight", Req), ("bias", null));
            var input = TensorArg(a[0], "linear", "input", c.Site);
            var w = TensorArg(a[1], "linear", "weight", c.Site);
            if (w.Shape!.Rank != 2) throw _it.Error($"linear: weight must be 2-D, got {w.Shape}", c.Site);
            var built = LayerCatalog.Build(new LayerCall("Linear", [new PyInt(w.Shape[1]), new PyInt(w.Shape[0])], [new("bias", new PyBool(a[2] is not null))], "linear"));
            return ParameterRow(built, c, input, [w, a[2] as PTensor], "linear");
        });
        for (int n = 1; n <= 3; n++)
        {
            int spatial = n;
            Fn(f, $"conv{n}d", c => FunctionalConvolution(c, spatial, transposed: false));
            Fn(f, $"conv_transpose{n}d", c => FunctionalConvolution(c, spatial, transposed: true));
        }
        foreach (var name in new[] { "embedding", "one_hot", "grid_sample", "affine_grid", "unfold", "fold", "scaled_dot_product_attention", "multi_head_attention_forward", "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cosine_similarity", "pairwise_distance", "prelu", "max_unpool2d", "embedding_bag", "ctc_loss" })
        {
            string fn = name;
            Fn(f, fn, c => throw _it.Error($"F.{fn} is not followed by cnnshape", c.Site));
        }

        // torch.*: the same activations, shape functions, merges and constructors
        foreach (var name in new[] { "relu", "relu_", "sigmoid", "tanh", "selu", "celu", "hardtanh" })
        {
            if (f.Globals.TryGetValue(name.TrimEnd('_'), out var fn)) torch.Globals[name] = fn;
        }
        torch.Globals["softmax"] = f.Globals["softmax"];
        torch.Globals["log_softmax"] = f.Globals["log_softmax"];
        torch.Globals["dropout"] = f.Globals["dropout"];
        torch.Globals["max_pool2d"] = f.Globals["max_pool2d"];
        torch.Globals["avg_pool1d"] = f.Globals["avg_pool1d"];
        torch.Globals["adaptive_avg_pool1d"] = f.Globals["adaptive_avg_pool1d"];
        torch.Globals["pixel_shuffle"] = f.Globals["pixel_shuffle"];
        torch.Globals["layer_norm"] = f.Globals["layer_norm"];
        torch.Globals["group_norm"] = f.Globals["group_norm"];
        torch.Globals["batch_norm"] = f.Globals["batch_norm"];
        torch.Globals["conv2d"] = f.Globals["conv2d"];
        Fn(torch, "flatten", c =>
        {
            var a = c.Bind(("input", Req), ("start_dim", 0L), ("end_dim", -1L));
            return Functional(c, "Flatten", TensorArg(a[0], "flatten", "input", c.Site), [("start_dim", a[1]), ("end_dim", a[2])], "flatten");
        });
        Fn(torch, "cat", c => Join(c, MergeKind.Concat, "cat"));
        torch.Globals["concat"] = torch.Globals["cat"];
        torch.Globals["concatenate"] = torch.Globals["cat"];
        Fn(torch, "stack", c => Join(c, MergeKind.Stack, "stack"));
        foreach (var (name, op) in new[] { ("add", "+"), ("sub", "-"), ("subtract", "-"), ("mul", "*"), ("multiply", "*"), ("div", "/"), ("divide", "/"), ("true_divide", "/"), ("matmul", "@"), ("mm", "@"), ("bmm", "@"), ("pow", "**"), ("maximum", "max"), ("minimum", "min") })
        {
            string symbol = op;
            Fn(torch, name, c =>
            {
                if (c.Args.Count < 2) throw _it.Raise("TypeError", $"{name}() missing required argument 'other'", c.Site);
                return Binary(symbol, c.Args[0], c.Args[1], c.Site, name);
            });
        }
        foreach (var name in new[] { "reshape", "transpose", "permute", "squeeze", "unsqueeze", "mean", "sum", "amax", "amin", "max", "min", "std", "var", "prod", "logsumexp", "argmax", "argmin", "chunk", "split", "unbind", "narrow", "select", "clamp", "clip", "exp", "log", "abs", "sqrt", "neg", "sign", "flip", "roll", "cumsum", "t", "numel", "norm", "unflatten", "masked_fill", "square", "rsqrt", "log2", "sin", "cos", "erf", "tile", "repeat_interleave" })
        {
            string method = name;
            Fn(torch, method, c =>
            {
                if (c.Args.Count == 0) throw _it.Raise("TypeError", $"{method}() missing required argument 'input'", c.Site);
                var t = TensorArg(c.Args[0], method, "input", c.Site);
                var bound = TensorAttribute(t, method, c.Site);
                return _it.Invoke(bound, c.Args.Skip(1).ToList(), c.Keywords, c.Site);
            });
        }
        Fn(torch, "where", c =>
        {
            var tensors = c.Args.OfType<PTensor>().ToList();
            if (tensors.Count == 0) throw _it.Error("torch.where without tensors is not followed by cnnshape", c.Site);
            if (c.Args.Count == 1) throw _it.Error("torch.where(condition) gives indices whose count depends on values, which cnnshape does not follow", c.Site);
            return tensors.Count == 1 ? tensors[0] : AddMerge(MergeKind.Add, Trace!.Scoped("where"), tensors, 0, c.Site);
        });
        foreach (var name in new[] { "zeros", "ones", "empty", "randn", "rand" })
        {
            string fn = name;
            Fn(torch, fn, c => Make(Shape.Of(SizeArgs(c, 0, fn)), "torch." + fn));
        }
        Fn(torch, "full", c => Make(Shape.Of(SizeArgs(new Call(_it, [c.Args[0]], [], c.Site), 0, "full")), "torch.full"));
        Fn(torch, "randint", c =>
        {
            var size = c.Args.LastOrDefault(a => a is PTuple or PList) ?? c.Keyword("size", null);
            return Make(Shape.Of(SizeArgs(new Call(_it, [size], [], c.Site), 0, "randint")), "torch.randint");
        });
        foreach (var name in new[] { "zeros_like", "ones_like", "empty_like", "randn_like", "rand_like", "full_like" })
        {
            string fn = name;
            Fn(torch, fn, c => Make(TensorArg(c.Args.ElementAtOrDefault(0), fn, "input", c.Site).Shape!, "torch." + fn));
        }
        Fn(torch, "arange", c =>
        {
            var nums = c.Args.Select(a => _it.ToFloat(a, c.Site)).ToList();
            double start = nums.Count > 1 ? nums[0] : 0, end = nums.Count > 1 ? nums[1] : nums.Count == 1 ? nums[0] : 0, step = nums.Count > 2 ? nums[2] : 1;
            if (step == 0) throw _it.Raise("RuntimeError", "step must be nonzero", c.Site);
            return Make(Shape.Of((long)Math.Max(0, Math.Ceiling((end - start) / step))), "torch.arange");
        });
        Fn(torch, "linspace", c => Make(Shape.Of(IntArg(c.Args.ElementAtOrDefault(2) ?? c.Keyword("steps", null), "linspace", "steps", c.Site)), "torch.linspace"));
        Fn(torch, "eye", c => Make(Shape.Of(IntArg(c.Args[0], "eye", "n", c.Site), c.Args.Count > 1 ? IntArg(c.Args[1], "eye", "m", c.Site) : IntArg(c.Args[0], "eye", "n", c.Site)), "torch.eye"));
        Fn(torch, "tensor", c => Make(Shape.Of(DataShape(c.Args.ElementAtOrDefault(0), c.Site)), "torch.tensor"));
        torch.Globals["as_tensor"] = torch.Globals["tensor"];
        torch.Globals["FloatTensor"] = torch.Globals["tensor"];
    }

    private long[] DataShape(object? data, Node? site)
    {
        var dims = new List<long>();
        var v = data;
        while (v is PList or PTuple)
        {
            var items = _it.Iterate(v, site).ToList();
            dims.Add(items.Count);
            if (items.Count == 0) break;
            v = items[0];
        }
        if (v is PTensor t) dims.AddRange(t.Shape!.ToArray());
        return [.. dims];
    }

    private object? Interpolate(Call c, string name)
    {
        (string, object?)[] signature = [("input", Req), ("size", null), ("scale_factor", null), ("mode", "nearest"), ("align_corners", null), ("recompute_scale_factor", null), ("antialias", false)];
        var a = c.Bind(signature);
        var input = TensorArg(a[0], name, "input", c.Site);
        if (_it.Truthy(a[6], c.Site)) throw _it.Error($"{name}(antialias=True) is not followed by cnnshape", c.Site);
        var given = Given(c, signature);
        var args = new List<(string, object?)>();
        foreach (var (k, i) in new[] { ("size", 1), ("scale_factor", 2), ("mode", 3), ("align_corners", 4), ("recompute_scale_factor", 5) })
        {
            if (given.Contains(k)) args.Add((k, a[i]));
        }
        return Functional(c, "Upsample", input, args, name);
    }

    /// <summary>F.pad: the padding's length picks the 1-, 2- or 3-d pad of the mode, as PyTorch's modules do.</summary>
    private object? Pad(Call c)
    {
        var a = c.Bind(("input", Req), ("pad", Req), ("mode", "constant"), ("value", null));
        var input = TensorArg(a[0], "pad", "input", c.Site);
        var pad = _it.Iterate(a[1], c.Site).Select(x => IntArg(x, "pad", "pad", c.Site)).ToList();
        if (pad.Count % 2 != 0) throw _it.Raise("RuntimeError", $"Padding length must be divisible by 2 (got {pad.Count})", c.Site);
        if (pad.Count / 2 > input.Shape!.Rank) throw _it.Raise("RuntimeError", $"Padding length should be less than or equal to two times the input dimension but got padding length {pad.Count} and input of dimension {input.Shape.Rank}", c.Site);
        string mode = a[2] as string ?? throw _it.Raise("TypeError", "pad(): mode must be a string", c.Site);
        int n = pad.Count / 2;
        if (n == 0) return input;
        if (n > 3) throw _it.Error($"F.pad of {n} dimensions is not followed by cnnshape", c.Site);
        string layer = mode switch
        {
            "constant" => $"ConstantPad{n}d",
            "reflect" => $"ReflectionPad{n}d",
            "replicate" => $"ReplicationPad{n}d",
            "circular" => $"CircularPad{n}d",
            _ => throw _it.Raise("NotImplementedError", $"Unrecognised padding mode {mode}", c.Site),
        };
        var args = new List<(string, object?)> { ("padding", new PTuple([.. pad.Select(p => (object?)p)])) };
        if (mode == "constant") args.Add(("value", a[3] ?? 0.0));
        return Functional(c, layer, input, args, "pad");
    }

    /// <summary>F.linear / F.conv2d with parameter tensors: the layer whose weight has that shape; its parameters are the tensors'.</summary>
    private PTensor ParameterRow(Layer layer, Call c, PTensor input, IEnumerable<PTensor?> parameters, string fallback)
    {
        var trace = Trace ?? throw _it.Error("a layer is applied outside the model's forward", c.Site);
        long owned = 0;
        foreach (var p in parameters)
        {
            if (p is { IsParameter: true, Counted: false } && trace.Used.Add(p)) owned += p.Shape!.Numel();
        }
        var output = AddLayer(TensorOps.WithParameters(layer, owned), trace.Scoped(Written(c.Site, fallback)), $"{fallback}(weight of shape {parameters.First()!.Shape})", input, c.Site);
        return output;
    }

    private object? FunctionalConvolution(Call c, int spatial, bool transposed)
    {
        string name = transposed ? $"conv_transpose{spatial}d" : $"conv{spatial}d";
        object?[] a = transposed
            ? c.Bind(("input", Req), ("weight", Req), ("bias", null), ("stride", 1L), ("padding", 0L), ("output_padding", 0L), ("groups", 1L), ("dilation", 1L))
            : c.Bind(("input", Req), ("weight", Req), ("bias", null), ("stride", 1L), ("padding", 0L), ("dilation", 1L), ("groups", 1L));
        var input = TensorArg(a[0], name, "input", c.Site);
        var w = TensorArg(a[1], name, "weight", c.Site);
        if (w.Shape!.Rank != spatial + 2) throw _it.Raise("RuntimeError", $"{name}: expected a {spatial + 2}-D weight, got {w.Shape}", c.Site);
        long groups = IntArg(transposed ? a[6] : a[6], name, "groups", c.Site);
        var kernel = new PTuple([.. w.Shape.ToArray()[2..].Select(k => (object?)k)]);
        long inC = transposed ? w.Shape[0] : w.Shape[1] * groups, outC = transposed ? w.Shape[1] * groups : w.Shape[0];
        var keywords = new List<KeyValuePair<string, PyValue>>
        {
            new("stride", ToPy(a[3], name, "stride", c.Site)),
            new("padding", ToPy(a[4], name, "padding", c.Site)),
            new("groups", new PyInt(groups)),
            new("bias", new PyBool(a[2] is not null)),
            new("dilation", ToPy(transposed ? a[7] : a[5], name, "dilation", c.Site)),
        };
        if (transposed) keywords.Add(new("output_padding", ToPy(a[5], name, "output_padding", c.Site)));
        string layer = transposed ? $"ConvTranspose{spatial}d" : $"Conv{spatial}d";
        Layer built;
        try { built = LayerCatalog.Build(new LayerCall(layer, [new PyInt(inC), new PyInt(outC), ToPy(kernel, name, "kernel", c.Site)], keywords, name)); }
        catch (CnnShapeException e) { throw new CnnShapeException(e.Rule, _it.PlaceOf(c.Site), e.Mismatch); }
        return ParameterRow(built, c, input, [w, a[2] as PTensor], name);
    }

    private object? Join(Call c, MergeKind kind, string name)
    {
        var a = c.Bind(("tensors", Req), ("dim", 0L));
        var items = _it.Iterate(a[0], c.Site).ToList();
        var tensors = items.Select((t, i) => TensorArg(t, name, $"tensors[{i}]", c.Site)).ToList();
        if (tensors.Count == 0) throw _it.Raise("RuntimeError", $"{name}(): expected a non-empty list of Tensors", c.Site);
        long dim = IntArg(a[1], name, "dim", c.Site);
        var trace = Trace ?? throw _it.Error($"{name} outside the model's forward", c.Site);
        return AddMerge(kind, trace.Scoped(Written(c.Site, name)), tensors, dim, c.Site);
    }

    // ---- operators on tensors

    public object? Binary(string op, object? a, object? b, Node? at) => Binary(op, a, b, at, null);

    private object? Binary(string op, object? a, object? b, Node? at, string? name)
    {
        if (a is PTensor x && b is PTensor y)
        {
            if (x.Shape is null || y.Shape is null) throw _it.Error("the shape of a tensor in this expression is not known to cnnshape", at);
            var trace = Trace;
            var kind = op switch
            {
                "+" => MergeKind.Add,
                "-" => MergeKind.Subtract,
                "*" or "**" or "max" or "min" or "&" or "|" or "^" => MergeKind.Multiply,
                "/" or "//" or "%" => MergeKind.Divide,
                "@" => MergeKind.MatMul,
                _ => MergeKind.Add,
            };
            if (trace is null)
            {
                var shape = NetworkAnalyzer.Merge(new MergeNode { Name = "x", Inputs = ["a", "b"], Kind = kind, Place = new Place() }, [x.Shape, y.Shape]);
                return Make(shape, "tensor");
            }
            string label = name ?? op switch { "+" => "add", "-" => "sub", "*" => "mul", "/" => "div", "@" => "matmul", "//" => "floordiv", "%" => "mod", "**" => "pow", _ => op };
            return AddMerge(kind, trace.Scoped(label), [x, y], 0, at);
        }
        var tensor = a as PTensor ?? (PTensor)b!;
        var other = a is PTensor ? b : a;
        switch (other)
        {
            case long or double or bool:
                return new PTensor(tensor.Node, tensor.Shape, tensor.Shape is null || tensor.Strides is null ? null : TensorLayout.DenseLike(tensor.Shape.ToArray(), tensor.Strides)) { Made = tensor.Made };
            case POpaque o:
                throw _it.Error($"cnnshape cannot tell the shape of {o.What} (from {o.Module.File}:{o.Line}), which this expression combines with a tensor", at);
        }
        throw _it.Raise("TypeError", $"unsupported operand type(s) for {op}: '{_it.TypeName(a)}' and '{_it.TypeName(b)}'", at);
    }

    public object? Unary(string op, PTensor t, Node at) => new PTensor(t.Node, t.Shape, t.Strides) { Made = t.Made };

    /// <summary><c>x += y</c> on a tensor: in place (other names of the tensor see it), and the result must keep the tensor's shape.</summary>
    public object? InPlace(string op, PTensor t, object? value, Node at)
    {
        if (value is not PTensor) return Binary(op, t, value, at) is PTensor r ? Mutate(t, r) : t;
        var result = (PTensor)Binary(op, t, value, at)!;
        if (t.Shape is not null && !result.Shape!.Equals(t.Shape))
        {
            throw _it.Raise("RuntimeError", $"output with shape {Text(t.Shape)} doesn't match the broadcast shape {Text(result.Shape)}", at);
        }
        return Mutate(t, result);
    }

    private static PTensor Mutate(PTensor t, PTensor result)
    {
        t.Node = result.Node;
        return t;
    }

    private static string Text(Shape s) => "[" + string.Join(", ", s.ToArray()) + "]";

    public bool Truth(PTensor t, Node? at)
    {
        if (t.Shape is not null && t.Shape.Numel() != 1) throw _it.Raise("RuntimeError", "Boolean value of Tensor with more than one value is ambiguous", at);
        throw _it.Error("the truth of a tensor's value is not known without running the model (cnnshape follows shapes, not values)", at);
    }

    public long ScalarValue(PTensor t, Node? at) =>
        throw _it.Error("a tensor's value is not known without running the model (cnnshape follows shapes, not values)", at);

    public PTuple Unbind(PTensor t, long dim, Node? at)
    {
        var shape = t.Shape ?? throw _it.Error("the shape of this tensor is not known", at);
        int d = (int)(dim < 0 ? dim + shape.Rank : dim);
        if (d < 0 || d >= shape.Rank) throw _it.Raise("IndexError", $"Dimension out of range (expected to be in range of [{-shape.Rank}, {shape.Rank - 1}], but got {dim})", at);
        var items = new List<object?>();
        for (long i = 0; i < shape[d]; i++)
        {
            var index = Enumerable.Repeat<IndexItem>(new IndexItem.Range(null, null, 1), d).Append(new IndexItem.At(i)).ToList();
            items.Add(Row(TensorOps.Index(index), "unbind", t, at));
        }
        return new PTuple([.. items]);
    }

    /// <summary>x[…]: ints, slices, None and Ellipsis (advanced indexing with lists or tensors is refused).</summary>
    public object? Index(PTensor t, object? index, Node? at)
    {
        var items = new List<IndexItem>();
        var parts = index is PTuple tuple ? tuple.Items : [index];
        foreach (var part in parts)
        {
            items.Add(part switch
            {
                long l => new IndexItem.At(l),
                null => new IndexItem.NewAxis(),
                Ellipsis => new IndexItem.Rest(),
                PSlice s => new IndexItem.Range(SliceBound(s.Start, at), SliceBound(s.Stop, at), s.Step is null ? 1 : IntArg(s.Step, "index", "step", at)),
                bool => throw _it.Error("indexing a tensor with a bool is not followed by cnnshape", at),
                PTensor or PList => throw _it.Error("indexing with a list or a tensor (advanced indexing) is not followed by cnnshape", at),
                _ => throw _it.Raise("IndexError", $"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got {_it.TypeName(part)})", at),
            });
        }
        return Row(TensorOps.Index(items), "getitem", t, at);
    }

    private long? SliceBound(object? v, Node? at) => v switch
    {
        null => null,
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw _it.Raise("TypeError", $"slice indices must be integers or None, not {_it.TypeName(v)}", at),
    };
}
