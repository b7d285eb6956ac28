using CnnShape.Internal;
using CnnShape.Parsing;
using CnnShape.Rules;
using CnnShape.Shapes;

namespace CnnShape.Layers;

/// <summary>
/// Every layer cnnshape knows: its PyTorch constructor signature (so positional arguments bind in PyTorch's order) and
/// how it is built, with the constructor's own refusals.
/// </summary>
public static class LayerCatalog
{
    private sealed record Entry(Signature Signature, Func<Arguments, Layer> Build);

    private static readonly Dictionary<string, Entry> Entries = BuildEntries();

    /// <summary>The names of every supported layer.</summary>
    public static IReadOnlyCollection<string> Names => Entries.Keys;

    /// <summary>Builds a layer from a parsed call; an unknown name or argument is refused by name, with the closest known one.</summary>
    public static Layer Build(LayerCall call)
    {
        if (!Entries.TryGetValue(call.Name, out var entry))
        {
            var hint = Suggest.Closest(call.Name, Entries.Keys);
            throw new CnnShapeException($"'{call.Name}' is not a layer cnnshape knows{(hint is null ? "" : $" — did you mean '{hint}'?")} ({Entries.Count} layers are supported: {string.Join(", ", Entries.Keys.Take(6))}, …).");
        }
        // a `?` stands for the size the input decides: the layer is built when the input is known
        var holes = HoleParameters(entry.Signature, call);
        if (holes.Count > 0)
        {
            if (holes.Count > 1 || !Inferable.TryGetValue(call.Name, out var infer) || holes[0] != infer.Parameter)
            {
                string allowed = Inferable.TryGetValue(call.Name, out var i) ? i.Parameter : "in_channels, in_features, num_features or num_channels (the sizes the input decides)";
                throw new CnnShapeException($"{call.Name}: '?' can stand only for {allowed}, not for {string.Join(", ", holes)}.");
            }
            return new LazyLayer(call.Name, infer.Parameter, input => infer.Infer(input, call.Name), value => entry.Build(entry.Signature.Bind(Fill(entry.Signature, call, infer.Parameter, value))));
        }
        return entry.Build(entry.Signature.Bind(call));
    }

    /// <summary>
    /// Binds a call to the layer's signature as Python would (refusing what Python refuses) and gives every argument with
    /// its value, defaults filled in, in signature order — what a built module's attributes hold.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, PyValue>> Bind(LayerCall call)
    {
        if (!Entries.TryGetValue(call.Name, out var entry)) throw new CnnShapeException($"'{call.Name}' is not a layer cnnshape knows.");
        return entry.Signature.Bind(call).Given().ToList();
    }

    /// <summary>The position of <paramref name="parameter"/> in the layer's constructor signature (−1 when it has none).</summary>
    public static int Position(string layer, string parameter) =>
        Entries.TryGetValue(layer, out var entry) ? Array.FindIndex(entry.Signature.Params, p => p.Name == parameter) : -1;

    /// <summary>The parameters a call gives as <c>?</c>.</summary>
    private static List<string> HoleParameters(Signature signature, LayerCall call)
    {
        var holes = new List<string>();
        for (int i = 0; i < call.Positional.Count; i++)
        {
            if (call.Positional[i] is PyHole) holes.Add(i < signature.Params.Length ? signature.Params[i].Name : $"argument {i + 1}");
        }
        foreach (var (name, value) in call.Keywords) if (value is PyHole) holes.Add(name);
        return holes;
    }

    /// <summary>The call with its <c>?</c> for <paramref name="parameter"/> replaced by <paramref name="value"/>.</summary>
    private static LayerCall Fill(Signature signature, LayerCall call, string parameter, long value)
    {
        int index = Array.FindIndex(signature.Params, p => p.Name == parameter);
        var positional = call.Positional.Select((v, i) => i == index && v is PyHole ? new PyInt(value) : v).ToList();
        var keywords = call.Keywords.Select(k => k.Key == parameter && k.Value is PyHole ? new KeyValuePair<string, PyValue>(k.Key, new PyInt(value)) : k).ToList();
        return call with { Positional = positional, Keywords = keywords };
    }

    /// <summary>For each layer, the one size a <c>?</c> may stand for, and how the input decides it.</summary>
    private static readonly Dictionary<string, (string Parameter, Func<Shape, string, long> Infer)> Inferable = BuildInferable();

    private static Dictionary<string, (string, Func<Shape, string, long>)> BuildInferable()
    {
        var d = new Dictionary<string, (string, Func<Shape, string, long>)>(StringComparer.Ordinal)
        {
            ["Linear"] = ("in_features", LazyLayer.LastDim),
            ["GroupNorm"] = ("num_channels", LazyLayer.DimOne),
        };
        for (int n = 1; n <= 3; n++)
        {
            int spatial = n;
            d[$"Conv{n}d"] = ("in_channels", (x, t) => LazyLayer.Channels(x, spatial, t));
            d[$"ConvTranspose{n}d"] = ("in_channels", (x, t) => LazyLayer.Channels(x, spatial, t));
            d[$"BatchNorm{n}d"] = ("num_features", LazyLayer.DimOne);
            d[$"InstanceNorm{n}d"] = ("num_features", (x, t) => LazyLayer.BeforeSpatial(x, spatial, t));
        }
        return d;
    }

    private static PyValue I(long v) => new PyInt(v);
    private static PyValue F(double v) => new PyFloat(v);
    private static PyValue B(bool v) => new PyBool(v);
    private static PyValue S(string v) => new PyStr(v);
    private static PyValue None => PyNone.Instance;
    private static Param P(string name, PyValue? fallback = null) => new(name, fallback);

    private static Dictionary<string, Entry> BuildEntries()
    {
        var e = new Dictionary<string, Entry>(StringComparer.Ordinal);
        void Add(string name, Param[] ps, Func<Arguments, Layer> build, bool anything = false) => e[name] = new Entry(new Signature(name, ps, anything), build);

        for (int n = 1; n <= 3; n++)
        {
            int spatial = n;
            Add($"Conv{n}d", [P("in_channels"), P("out_channels"), P("kernel_size"), P("stride", I(1)), P("padding", I(0)), P("dilation", I(1)),
                P("groups", I(1)), P("bias", B(true)), P("padding_mode", S("zeros")), P("device", None), P("dtype", None)],
                a => BuildConvolution(a, spatial));
            Add($"ConvTranspose{n}d", [P("in_channels"), P("out_channels"), P("kernel_size"), P("stride", I(1)), P("padding", I(0)), P("output_padding", I(0)),
                P("groups", I(1)), P("bias", B(true)), P("dilation", I(1)), P("padding_mode", S("zeros")), P("device", None), P("dtype", None)],
                a => BuildTransposed(a, spatial));
            Add($"MaxPool{n}d", [P("kernel_size"), P("stride", None), P("padding", I(0)), P("dilation", I(1)), P("return_indices", B(false)), P("ceil_mode", B(false))],
                a => BuildPooling(a, $"MaxPool{spatial}d", PoolKind.Max, spatial));
            Param[] avg = spatial == 1
                ? [P("kernel_size"), P("stride", None), P("padding", I(0)), P("ceil_mode", B(false)), P("count_include_pad", B(true))]
                : [P("kernel_size"), P("stride", None), P("padding", I(0)), P("ceil_mode", B(false)), P("count_include_pad", B(true)), P("divisor_override", None)];
            Add($"AvgPool{n}d", avg, a => BuildPooling(a, $"AvgPool{spatial}d", PoolKind.Average, spatial));
            Add($"AdaptiveAvgPool{n}d", [P("output_size")], a => BuildAdaptive(a, $"AdaptiveAvgPool{spatial}d", spatial, max: false));
            Add($"AdaptiveMaxPool{n}d", [P("output_size"), P("return_indices", B(false))], a => BuildAdaptive(a, $"AdaptiveMaxPool{spatial}d", spatial, max: true));
            Add($"ZeroPad{n}d", [P("padding")], a => BuildPad(a, $"ZeroPad{spatial}d", spatial, BorderMode.Constant));
            Add($"ConstantPad{n}d", [P("padding"), P("value")], a => BuildPad(a, $"ConstantPad{spatial}d", spatial, BorderMode.Constant));
            Add($"ReflectionPad{n}d", [P("padding")], a => BuildPad(a, $"ReflectionPad{spatial}d", spatial, BorderMode.Reflect));
            Add($"ReplicationPad{n}d", [P("padding")], a => BuildPad(a, $"ReplicationPad{spatial}d", spatial, BorderMode.Replicate));
            Add($"CircularPad{n}d", [P("padding")], a => BuildPad(a, $"CircularPad{spatial}d", spatial, BorderMode.Circular));
            Add($"BatchNorm{n}d", [P("num_features"), P("eps", F(1e-5)), P("momentum", F(0.1)), P("affine", B(true)), P("track_running_stats", B(true)), P("device", None), P("dtype", None)],
                a => BuildBatchNorm(a, spatial));
            Add($"InstanceNorm{n}d", [P("num_features"), P("eps", F(1e-5)), P("momentum", F(0.1)), P("affine", B(false)), P("track_running_stats", B(false)), P("device", None), P("dtype", None)],
                a => BuildInstanceNorm(a, spatial));
        }
        // PyTorch's Lazy modules: the same layers with the input's size filled in (as a `?` would be)
        for (int n = 1; n <= 3; n++)
        {
            int spatial = n;
            Add($"LazyConv{n}d", [P("out_channels"), P("kernel_size"), P("stride", I(1)), P("padding", I(0)), P("dilation", I(1)), P("groups", I(1)),
                P("bias", B(true)), P("padding_mode", S("zeros")), P("device", None), P("dtype", None)],
                a => Lazy(a, $"Conv{spatial}d", "in_channels", (x, t) => LazyLayer.Channels(x, spatial, t)));
            Add($"LazyConvTranspose{n}d", [P("out_channels"), P("kernel_size"), P("stride", I(1)), P("padding", I(0)), P("output_padding", I(0)),
                P("groups", I(1)), P("bias", B(true)), P("dilation", I(1)), P("padding_mode", S("zeros")), P("device", None), P("dtype", None)],
                a => Lazy(a, $"ConvTranspose{spatial}d", "in_channels", (x, t) => LazyLayer.Channels(x, spatial, t)));
            Add($"LazyBatchNorm{n}d", [P("eps", F(1e-5)), P("momentum", F(0.1)), P("affine", B(true)), P("track_running_stats", B(true)), P("device", None), P("dtype", None)],
                a => Lazy(a, $"BatchNorm{spatial}d", "num_features", LazyLayer.DimOne));
            Add($"LazyInstanceNorm{n}d", [P("eps", F(1e-5)), P("momentum", F(0.1)), P("affine", B(true)), P("track_running_stats", B(true)), P("device", None), P("dtype", None)],
                a => Lazy(a, $"InstanceNorm{spatial}d", "num_features", (x, t) => LazyLayer.BeforeSpatial(x, spatial, t)));
        }
        Add("LazyLinear", [P("out_features"), P("bias", B(true)), P("device", None), P("dtype", None)], a => Lazy(a, "Linear", "in_features", LazyLayer.LastDim));

        for (int n = 1; n <= 2; n++)
        {
            int spatial = n;
            Add($"LPPool{n}d", [P("norm_type"), P("kernel_size"), P("stride", None), P("ceil_mode", B(false))], a => BuildPooling(a, $"LPPool{spatial}d", PoolKind.Power, spatial));
        }

        Param[] upsample = [P("size", None), P("scale_factor", None), P("mode", S("nearest")), P("align_corners", None), P("recompute_scale_factor", None)];
        Add("Upsample", upsample, a => BuildUpsample(a, "Upsample", a.Str("mode"), AlignCorners(a), a.Bool("recompute_scale_factor")));
        // Their printed forms show mode (and align_corners), which their constructors do not take; accept and check them.
        Add("UpsamplingNearest2d", [P("size", None), P("scale_factor", None), P("mode", S("nearest"))], a => BuildFixedUpsample(a, "UpsamplingNearest2d", "nearest", null));
        Add("UpsamplingBilinear2d", [P("size", None), P("scale_factor", None), P("mode", S("bilinear")), P("align_corners", B(true))], a => BuildFixedUpsample(a, "UpsamplingBilinear2d", "bilinear", true));
        Add("PixelShuffle", [P("upscale_factor")], a => new PixelShuffle("PixelShuffle", a.StrictInt("upscale_factor"), unshuffle: false));
        Add("PixelUnshuffle", [P("downscale_factor")], a => new PixelShuffle("PixelUnshuffle", a.StrictInt("downscale_factor"), unshuffle: true));
        Add("ChannelShuffle", [P("groups")], a => new ChannelShuffle(a.StrictInt("groups")));

        Add("Flatten", [P("start_dim", I(1)), P("end_dim", I(-1))], a => new Flatten(a.StrictInt("start_dim"), a.StrictInt("end_dim")));
        Add("Unflatten", [P("dim"), P("unflattened_size")], a =>
        {
            if (a.Get("unflattened_size") is not PyTuple) throw a.Wrong("unflattened_size", "a tuple or list of ints", a.Get("unflattened_size"));
            return new Unflatten(a.StrictInt("dim"), a.IntList("unflattened_size"));
        });
        Add("Linear", [P("in_features"), P("out_features"), P("bias", B(true)), P("device", None), P("dtype", None)],
            // the weight is torch.empty((out_features, in_features)): the first size may not be a bool, the second may
            a => new Linear(a.Int("in_features"), a.StrictInt("out_features"), a.Bool("bias")));
        Add("Identity", [], _ => new Elementwise("Identity"), anything: true);

        foreach (var name in new[] { "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout" })
        {
            string type = name;
            Add(name, [P("p", F(0.5)), P("inplace", B(false))], a => BuildDropout(type, a.Float("p")));
        }

        Add("GroupNorm", [P("num_groups"), P("num_channels"), P("eps", F(1e-5)), P("affine", B(true)), P("device", None), P("dtype", None)], a =>
        {
            a.Number("eps");
            bool affine = a.Bool("affine");
            // with affine the weight is torch.empty(num_channels), which refuses a bool
            return Normalization.Group(a.StrictInt("num_groups"), affine ? a.StrictInt("num_channels") : a.Int("num_channels"), affine);
        });
        Add("LayerNorm", [P("normalized_shape"), P("eps", F(1e-5)), P("elementwise_affine", B(true)), P("bias", B(true)), P("device", None), P("dtype", None)], a =>
        {
            a.Number("eps");
            // an int becomes (int,), which reaches torch.empty or F.layer_norm's int list: a first bool is refused
            return Normalization.Layer(a.IntList("normalized_shape", strict: true), a.Bool("elementwise_affine"), a.Bool("bias"));
        });
        Add("LocalResponseNorm", [P("size"), P("alpha", F(1e-4)), P("beta", F(0.75)), P("k", F(1.0))], a =>
        {
            // F.local_response_norm multiplies by alpha, adds k and raises to beta (Numbers), and average-pools with a
            // (size, 1) kernel, whose first element may not be a bool
            a.Number("alpha");
            a.Number("beta");
            a.Number("k");
            return Normalization.LocalResponse(a.StrictInt("size"));
        });

        foreach (var name in new[] { "ReLU", "ReLU6", "SELU", "SiLU", "Mish", "Hardswish", "Hardsigmoid" })
        {
            string type = name;
            Add(name, [P("inplace", B(false))], _ => new Elementwise(type));
        }
        foreach (var name in new[] { "Sigmoid", "Tanh", "Softsign", "Tanhshrink", "LogSigmoid" })
        {
            string type = name;
            Add(name, [], _ => new Elementwise(type));
        }
        // the activations' numbers reach their ATen functions as Numbers: an int or a bool counts, None or a tuple is refused
        Add("LeakyReLU", [P("negative_slope", F(0.01)), P("inplace", B(false))], a => Numbers(a, "LeakyReLU", "negative_slope"));
        Add("ELU", [P("alpha", F(1.0)), P("inplace", B(false))], a => Numbers(a, "ELU", "alpha"));
        Add("CELU", [P("alpha", F(1.0)), P("inplace", B(false))], a =>
        {
            double alpha = a.Float("alpha");
            return new Elementwise("CELU", check: _ =>
            {
                // F.celu divides by alpha when it runs
                if (alpha == 0) throw new CnnShapeException("CELU: alpha cannot be 0 for CELU (ZeroDivisionError when it runs).");
            });
        });
        Add("GELU", [P("approximate", S("none"))], a =>
        {
            string approximate = a.Str("approximate");
            return new Elementwise("GELU", check: _ =>
            {
                if (approximate is not ("none" or "tanh")) throw new CnnShapeException($"GELU: approximate must be 'none' or 'tanh', got '{approximate}'.");
            });
        });
        Add("Softplus", [P("beta", F(1.0)), P("threshold", F(20.0))], a => Numbers(a, "Softplus", "beta", "threshold"));
        Add("Hardtanh", [P("min_val", F(-1.0)), P("max_val", F(1.0)), P("inplace", B(false)), P("min_value", None), P("max_value", None)], a =>
        {
            double min = a.IsNone("min_value") ? a.Float("min_val") : a.Float("min_value");
            double max = a.IsNone("max_value") ? a.Float("max_val") : a.Float("max_value");
            if (!(max > min)) throw new CnnShapeException($"Hardtanh: max_val ({max}) must be greater than min_val ({min}).");
            return new Elementwise("Hardtanh");
        });
        Add("Hardshrink", [P("lambd", F(0.5))], a => Numbers(a, "Hardshrink", "lambd"));
        Add("Softshrink", [P("lambd", F(0.5))], a =>
        {
            double lambd = a.Float("lambd");
            return new Elementwise("Softshrink", check: _ =>
            {
                if (lambd < 0) throw new CnnShapeException($"Softshrink: lambda must be greater or equal to 0, but got {lambd}.");
            });
        });
        Add("Threshold", [P("threshold"), P("value"), P("inplace", B(false))], a =>
        {
            a.Float("threshold");
            a.Float("value");
            return new Elementwise("Threshold");
        });
        Add("RReLU", [P("lower", F(1.0 / 8)), P("upper", F(1.0 / 3)), P("inplace", B(false))], a =>
        {
            double lower = a.Float("lower"), upper = a.Float("upper");
            // in training RReLU samples slopes from U(lower, upper) (rrelu_with_noise), which needs lower ≤ upper;
            // in evaluation it uses (lower + upper)/2 and checks nothing
            return new Elementwise("RReLU", check: _ =>
            {
                if (lower > upper) throw new CnnShapeException($"RReLU: lower bound ({lower}) should be less than or equal to the upper bound ({upper}) when training.");
            }, trainingOnly: true);
        });
        Add("PReLU", [P("num_parameters", I(1)), P("init", F(0.25)), P("device", None), P("dtype", None)], a =>
        {
            // the weight is torch.empty(num_parameters).fill_(init): a size or a shape, and a Number
            a.Number("init");
            var shape = a.TensorShape("num_parameters");
            if (shape.Length > 1) throw new CnnShapeException($"PReLU: num_parameters={a.Get("num_parameters").ToPython()} makes a {shape.Length}-D weight; prelu expects a scalar or 1-D weight.");
            return BuildPrelu(shape.Length == 0 ? 1 : shape[0]);
        });
        foreach (var name in new[] { "Softmax", "LogSoftmax", "Softmin" })
        {
            string type = name;
            Add(name, [P("dim", None)], a =>
            {
                long? dim = a.OptionalStrictInt("dim");
                return new Elementwise(type, check: input =>
                {
                    if (dim is long d) Dims.Wrap(d, input.Rank, type, "dim");
                });
            });
        }
        Add("Softmax2d", [], _ => new Elementwise("Softmax2d", check: input =>
        {
            if (input.Rank is not (3 or 4)) throw new CnnShapeException($"Softmax2d: expected a 3-D or 4-D input, got {input.Rank}-D {input}.");
        }));
        Add("GLU", [P("dim", I(-1))], a => new Glu(a.StrictInt("dim")));
        return e;
    }

    /// <summary>
    /// A Lazy* module: the layer <paramref name="target"/> with the given arguments and <paramref name="parameter"/> placed
    /// first, decided by the input. (LazyInstanceNorm defaults affine and track_running_stats to True, as PyTorch does.)
    /// </summary>
    private static Layer Lazy(Arguments a, string target, string parameter, Func<Shape, string, long> infer)
    {
        var entry = Entries[target];
        var keywords = a.Given().Where(kv => kv.Key is not ("device" or "dtype")).ToList();
        return new LazyLayer(a.Layer, parameter, x => infer(x, a.Layer), value =>
        {
            var call = new LayerCall(target, [new PyInt(value)], keywords, target);
            return entry.Build(entry.Signature.Bind(call));
        });
    }

    /// <summary>An activation whose named numbers must be Numbers when it runs.</summary>
    private static Layer Numbers(Arguments a, string type, params string[] names)
    {
        foreach (var name in names) a.Number(name);
        return new Elementwise(type);
    }

    /// <summary>align_corners: None, or a bool (upsample_*'s parser refuses 0 or 1).</summary>
    private static bool? AlignCorners(Arguments a) => a.Get("align_corners") switch
    {
        PyNone => null,
        PyBool b => b.Value,
        var v => throw a.Wrong("align_corners", "True, False or None", v),
    };

    /// <summary>The number of values of a weight or buffer made as <c>torch.empty(num_features)</c>.</summary>
    private static long Numel(long[] shape)
    {
        long numel = 1;
        foreach (var d in shape) numel = Checked.Mul(numel, Math.Max(d, 0), "the parameter count");
        return numel;
    }

    /// <summary>
    /// BatchNormNd: num_features sizes the weight, bias and running statistics (torch.empty/zeros, so an int or a shape,
    /// compared with the channels by its number of values); without any of them it is never used. eps and momentum reach
    /// F.batch_norm as floats (momentum None is a cumulative average).
    /// </summary>
    private static Layer BuildBatchNorm(Arguments a, int spatial)
    {
        a.Number("eps");
        a.OptionalNumber("momentum");
        bool affine = a.Bool("affine"), track = a.Bool("track_running_stats");
        long features = 0;
        if (affine || track)
        {
            var shape = a.TensorShape("num_features");
            if (shape.Length > 1) throw new CnnShapeException($"BatchNorm{spatial}d: num_features={a.Get("num_features").ToPython()} makes a {shape.Length}-D weight or running statistics; batch_norm takes them 1-D.");
            features = Numel(shape);
        }
        return Normalization.Batch(spatial, features, affine, track);
    }

    /// <summary>
    /// InstanceNormNd: with affine, num_features sizes the weight and must equal the channels (current PyTorch's forward
    /// checks it); with running statistics alone it sizes them (repeated per sample, so at most 1-D); with neither it is
    /// never used. eps and momentum reach F.instance_norm as floats.
    /// </summary>
    private static Layer BuildInstanceNorm(Arguments a, int spatial)
    {
        a.Number("eps");
        a.Number("momentum");
        bool affine = a.Bool("affine"), track = a.Bool("track_running_stats");
        long features = 0;
        if (affine) features = a.StrictInt("num_features");
        else if (track)
        {
            var shape = a.TensorShape("num_features");
            if (shape.Length > 1) throw new CnnShapeException($"InstanceNorm{spatial}d: num_features={a.Get("num_features").ToPython()} makes {shape.Length}-D running statistics, which instance_norm cannot repeat per sample.");
            features = Numel(shape);
        }
        return Normalization.Instance(spatial, features, affine, track);
    }

    private static Layer BuildConvolution(Arguments a, int n)
    {
        string type = $"Conv{n}d";
        // the weight is torch.empty((out_channels, in_channels // groups, *kernel)): a first size that is a bool is refused
        long inChannels = a.Int("in_channels");
        long outChannels = a.StrictInt("out_channels");
        var kernel = a.Ints("kernel_size", n);
        // stride, padding and dilation reach F.conv*d, which refuses a bool and expands a one-element tuple
        var stride = a.Ints("stride", n, strict: true, single: true);
        var dilation = a.Ints("dilation", n, strict: true, single: true);
        string modeText = a.Str("padding_mode");
        var mode = modeText switch
        {
            "zeros" => BorderMode.Constant,
            "reflect" => BorderMode.Reflect,
            "replicate" => BorderMode.Replicate,
            "circular" => BorderMode.Circular,
            _ => throw new CnnShapeException($"{type}: padding_mode must be one of 'zeros', 'reflect', 'replicate' or 'circular', got '{modeText}'."),
        };
        long[] before, after;
        string? word = null;
        if (a.Get("padding") is PyStr s)
        {
            word = s.Value;
            if (word == "valid")
            {
                before = new long[n];
                after = new long[n];
            }
            else if (word == "same")
            {
                before = new long[n];
                after = new long[n];
                for (int i = 0; i < n; i++) (before[i], after[i]) = Window.SameSplit(kernel[i], dilation[i]);
            }
            else throw new CnnShapeException($"{type}: invalid padding string '{word}', should be one of 'valid' or 'same'.");
        }
        else
        {
            before = a.Ints("padding", n, strict: true, single: true);
            after = (long[])before.Clone();
        }
        return new Convolution(n, inChannels, outChannels, kernel, stride, before, after, dilation, a.StrictInt("groups"), a.Bool("bias"), mode, word);
    }

    private static Layer BuildTransposed(Arguments a, int n)
    {
        string type = $"ConvTranspose{n}d";
        string mode = a.Str("padding_mode");
        if (mode != "zeros") throw new CnnShapeException($"{type}: only padding_mode='zeros' is supported for {type}, got '{mode}'.");
        if (a.Get("padding") is PyStr) throw new CnnShapeException($"{type}: padding must be an int or a tuple of {n} ints; {type} has no 'same'/'valid' padding.");
        // the weight is torch.empty((in_channels, out_channels // groups, *kernel)) and the bias torch.empty(out_channels)
        long outChannels = a.Bool("bias") ? a.StrictInt("out_channels") : a.Int("out_channels");
        return new TransposedConvolution(n, a.StrictInt("in_channels"), outChannels, a.Ints("kernel_size", n),
            a.Ints("stride", n, strict: true, single: true), a.Ints("padding", n, strict: true, single: true),
            a.Ints("output_padding", n, strict: true, single: true), a.StrictInt("groups"), a.Bool("bias"), a.Ints("dilation", n, strict: true, single: true));
    }

    private static Layer BuildPooling(Arguments a, string type, PoolKind kind, int n)
    {
        if (kind == PoolKind.Power)
        {
            double norm = a.Float("norm_type");
            if (norm == 0) throw new CnnShapeException($"{type}: norm_type cannot be 0 (the output is raised to 1/norm_type).");
            if (n == 1 && a.Get("kernel_size") is PyTuple)
            {
                // lp_pool1d multiplies by kernel_size, which must be a plain int.
                throw new CnnShapeException($"{type}: kernel_size must be a plain int for LPPool1d (lp_pool1d multiplies by it), got {a.Get("kernel_size").ToPython()}.");
            }
            if (n == 2 && a.Get("kernel_size") is PyTuple { Items.Count: not 2 })
            {
                // lp_pool2d unpacks kw, kh = _pair(kernel_size)
                throw new CnnShapeException($"{type}: kernel_size must be an int or a pair for LPPool2d (lp_pool2d unpacks it into two), got {a.Get("kernel_size").ToPython()}.");
            }
        }
        // every window argument reaches F.*_pool*d, which refuses a bool, expands a one-element tuple, and takes ceil_mode
        // and count_include_pad only as bools (ceil_mode=1 is refused)
        var kernel = a.Ints("kernel_size", n, strict: true, single: true);
        var strideValue = a.Get("stride");
        var stride = strideValue is PyNone || strideValue is PyTuple { Items.Count: 0 } ? (long[])kernel.Clone() : a.Ints("stride", n, strict: true, single: true);
        var padding = kind == PoolKind.Power ? new long[n] : a.Ints("padding", n, strict: true, single: true);
        var dilation = kind == PoolKind.Max ? a.Ints("dilation", n, strict: true, single: true) : Enumerable.Repeat(1L, n).ToArray();
        long? divisor = kind == PoolKind.Average && n > 1 ? a.OptionalStrictInt("divisor_override") : null;
        if (kind == PoolKind.Average) a.StrictBool("count_include_pad");
        if (kind == PoolKind.Max) a.Bool("return_indices");
        return new Pooling(type, kind, n, kernel, stride, padding, dilation, a.StrictBool("ceil_mode"), divisor);
    }

    private static Layer BuildAdaptive(Arguments a, string type, int n, bool max)
    {
        var value = a.Get("output_size");
        long?[] sizes;
        if (value is PyTuple t)
        {
            if (t.Items.Count != n) throw new CnnShapeException($"{type}: output_size must be an int or a tuple of {n} (ints or None), got {value.ToPython()}.");
            // the sizes reach ATen's int list, whose parser checks the first element's type only: a later bool is 0 or 1
            sizes = t.Items.Select((item, index) => item switch
            {
                PyNone when n > 1 => (long?)null,
                PyInt i => i.Value,
                PyBool b when index > 0 => b.Value ? 1 : 0,
                _ => throw a.Wrong("output_size", n > 1 ? "ints or None" : "an int", item),
            }).ToArray();
        }
        else if (value is PyInt i) sizes = Enumerable.Repeat<long?>(i.Value, n).ToArray();
        // a plain None is refused (PyTorch takes len() of it, or its parser refuses it); None inside a tuple keeps a size
        else throw a.Wrong("output_size", $"an int or a tuple of {n}", value);
        return new AdaptivePooling(type, n, sizes, max, asTuple: value is PyTuple);
    }

    private static Layer BuildPad(Arguments a, string type, int n, BorderMode mode)
    {
        var value = a.Get("padding");
        // the padding reaches F.pad's int list (an int is repeated first): a first bool is refused; value may be None
        long[] padding = value is PyTuple ? a.IntList("padding", strict: true) : Enumerable.Repeat(a.StrictInt("padding"), 2 * n).ToArray();
        if (type.StartsWith("ConstantPad", StringComparison.Ordinal)) a.OptionalNumber("value");
        return new Pad(type, padding, mode, mode == BorderMode.Circular ? n : null);
    }

    private static Layer BuildUpsample(Arguments a, string type, string mode, bool? alignCorners, bool recompute)
    {
        long[]? size = null;
        double[]? scale = null;
        bool sizeTuple = false, scaleTuple = false;
        var sizeValue = a.Get("size");
        if (sizeValue is PyTuple st)
        {
            sizeTuple = true;
            size = a.IntList("size", strict: true);
        }
        // F.interpolate repeats an int size per axis into the int list it passes on: a bool is refused
        else if (sizeValue is not PyNone) size = [a.StrictInt("size")];
        var scaleValue = a.Get("scale_factor");
        if (scaleValue is PyTuple { IsList: false } sc)
        {
            // nn.Upsample keeps tuple(float(f) for f in scale_factor): a bool is 0.0 or 1.0
            scaleTuple = true;
            scale = sc.Items.Select(x => x switch { PyFloat f => f.Value, PyInt i => i.Value, PyBool b => b.Value ? 1.0 : 0.0, _ => throw a.Wrong("scale_factor", "numbers", x) }).ToArray();
        }
        else if (scaleValue is PyTuple { IsList: true } list)
        {
            // a list is not a tuple to nn.Upsample: float(list) fails, and an empty list is falsy, so no scale
            if (list.Items.Count > 0) throw a.Wrong("scale_factor", "a number or a tuple of numbers (nn.Upsample takes float() of anything but a tuple)", scaleValue);
        }
        else if (scaleValue is not PyNone)
        {
            // nn.Upsample keeps float(scale_factor) if scale_factor else None: a zero scale counts as not given
            double value = a.Float("scale_factor");
            if (value != 0) scale = [value];
        }
        return new Upsample(type, size, scale, sizeTuple, scaleTuple, mode, alignCorners, recompute);
    }

    private static Layer BuildFixedUpsample(Arguments a, string type, string mode, bool? alignCorners)
    {
        if (a.Str("mode") != mode) throw new CnnShapeException($"{type}: its mode is always '{mode}', got mode='{a.Str("mode")}'.");
        return BuildUpsample(a, type, mode, alignCorners, recompute: false);
    }

    private static Layer BuildDropout(string type, double p)
    {
        if (p < 0 || p > 1 || double.IsNaN(p)) throw new CnnShapeException($"{type}: dropout probability has to be between 0 and 1, but got {p}.");
        // F.dropout1d checks its rank in Python, in training and in evaluation alike
        if (type == "Dropout1d")
        {
            return new Elementwise(type, check: input =>
            {
                if (input.Rank is not (2 or 3)) throw new CnnShapeException($"Dropout1d: expected a 2-D or 3-D input, but got a {input.Rank}-D input {input}.");
            });
        }
        // ATen feature_dropout returns its input at once when not training (model.eval()), for p = 0, p = 1 (zeroes) or an
        // empty input, before it makes its noise, which needs 2 dims (Dropout3d unsqueezes an unbatched input first)
        return new Elementwise(type, check: input =>
        {
            bool active = p > 0 && p < 1 && input.Numel() > 0;
            switch (type)
            {
                case "Dropout2d" or "FeatureAlphaDropout" when active && input.Rank < 2:
                    throw new CnnShapeException($"{type}: feature dropout requires at least 2 dimensions in the input when training, got {input} (in evaluation mode, after model.eval(), it returns its input).");
                case "Dropout3d" when active && input.Rank < 1:
                    throw new CnnShapeException("Dropout3d: feature dropout requires at least 1 dimension in the input when training (in evaluation mode, after model.eval(), it returns its input).");
            }
        }, trainingOnly: true);
    }

    private static Layer BuildPrelu(long count)
    {
        if (count < 0) throw new CnnShapeException($"PReLU: num_parameters cannot be negative ({count}).");
        return new Elementwise("PReLU", count, input =>
        {
            if (count == 1) return;
            if (input.Rank == 0) throw new CnnShapeException("PReLU: a 0-d input is not allowed when num_parameters > 1.");
            // ATen prelu: the channel size is dim 1, or 1 for a 1-D input
            long channels = input.Rank >= 2 ? input[1] : 1;
            if (channels != count)
            {
                throw new CnnShapeException($"PReLU: mismatch of parameter numbers and input channel size: num_parameters = {count}, but the channel size ({(input.Rank >= 2 ? $"dim 1 of {input}" : $"a 1-D input has 1")}) is {channels}.",
                    mismatch: new Mismatch("num_parameters", count, channels, input.Rank >= 2 ? 1 : 0));
            }
        });
    }
}
