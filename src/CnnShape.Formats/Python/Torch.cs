using CnnShape.Layers;
using CnnShape.Networks;
using CnnShape.Parsing;
using CnnShape.Shapes;

namespace CnnShape.Formats.Python;

/// <summary>
/// torch, torch.nn and torch.nn.functional as model code uses them: nn.Module with PyTorch's registration of children
/// and parameters (and its refusals, such as assigning a module before <c>super().__init__()</c>), the containers
/// (Sequential, ModuleList, ModuleDict), every layer of cnnshape's catalog as an nn class built by the catalog's own
/// signature, and the functions a forward calls. While a model runs, calls are recorded as a network (<see cref="Trace"/>).
/// </summary>
internal sealed partial class Torch
{
    private readonly Interpreter _it;
    private readonly Dictionary<string, PModule> _modules = new(StringComparer.Ordinal);

    /// <summary>nn classes PyTorch has and cnnshape does not follow: built without complaint, refused when called.</summary>
    private static readonly string[] Unfollowed =
    [
        "LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell", "RNNBase", "Embedding", "EmbeddingBag", "MultiheadAttention", "Transformer",
        "TransformerEncoder", "TransformerDecoder", "TransformerEncoderLayer", "TransformerDecoderLayer", "Bilinear", "Fold", "Unfold",
        "CosineSimilarity", "PairwiseDistance", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "FractionalMaxPool2d", "FractionalMaxPool3d",
        "AdaptiveLogSoftmaxWithLoss", "SyncBatchNorm", "ParameterList", "ParameterDict", "CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss",
        "BCELoss", "BCEWithLogitsLoss", "SmoothL1Loss", "HuberLoss", "KLDivLoss", "CTCLoss", "TripletMarginLoss", "MarginRankingLoss",
        "HingeEmbeddingLoss", "CosineEmbeddingLoss", "MultiLabelSoftMarginLoss", "SoftMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss",
        "MultiMarginLoss", "MultiLabelMarginLoss", "TripletMarginWithDistanceLoss", "LazyConv1d",
    ];

    public Torch(Interpreter it)
    {
        _it = it;
        var obj = it.Type("object");
        ModuleClass = Class("Module", [obj]);
        SequentialClass = Class("Sequential", [ModuleClass]);
        ModuleListClass = Class("ModuleList", [ModuleClass]);
        ModuleDictClass = Class("ModuleDict", [ModuleClass]);
        TensorClass = Class("Tensor", [obj]);
        ParameterClass = Class("Parameter", [TensorClass]);
        ParameterClass = new PClass("Parameter", [TensorClass], null) { Construct = MakeParameter };
        ParameterClass.Mro = [ParameterClass, TensorClass, obj];
        SizeClass = Class("Size", [it.Type("tuple")]);
        SizeClass = new PClass("Size", [it.Type("tuple")], null) { Construct = c => new PTuple([.. (c.Args.Count == 0 ? [] : it.Iterate(c.Args[0], c.Site))], isSize: true) };
        SizeClass.Mro = [SizeClass, .. it.Type("tuple").Mro];
        DefineModuleMethods();
        DefineContainers();
        BuildNamespaces();
    }

    public PClass ModuleClass { get; }
    public PClass SequentialClass { get; }
    public PClass ModuleListClass { get; }
    public PClass ModuleDictClass { get; }
    public PClass TensorClass { get; }
    public PClass ParameterClass { get; }
    public PClass SizeClass { get; }

    /// <summary>The run being recorded, while the model's forward runs.</summary>
    public Trace? Trace { get; set; }

    private PClass Class(string name, IReadOnlyList<object> bases)
    {
        var cls = new PClass(name, bases, null);
        var mro = new List<PClass> { cls };
        foreach (var b in bases.OfType<PClass>()) foreach (var c in b.Mro) if (!mro.Contains(c)) mro.Add(c);
        var obj = mro.FirstOrDefault(c => c.Name == "object");
        if (obj is not null) { mro.Remove(obj); mro.Add(obj); }
        cls.Mro = mro;
        return cls;
    }

    public bool IsModuleClass(PClass c) => c.IsSubclassOf(ModuleClass);

    private static void Method(PClass cls, string name, Func<Call, object?> body) => cls.Attributes[name] = new PBuiltin(name, body) { IsMethod = true };

    private static void Fn(PModule m, string name, Func<Call, object?> body) => m.Globals[name] = new PBuiltin(name, body);

    // ---- namespaces

    /// <summary><c>import torch…</c>: torch, torch.nn, torch.nn.functional, torch.nn.init, torch.jit…; other torch modules are opaque.</summary>
    public object Module(string name, PModule from, int line)
    {
        if (_modules.TryGetValue(name, out var m)) return m;
        return new POpaque(name, from, line);
    }

    private PModule Namespace(string name)
    {
        var m = new PModule(name, name) { Fallback = true };
        _modules[name] = m;
        return m;
    }

    private void BuildNamespaces()
    {
        var torch = Namespace("torch");
        var nn = new PModule("torch.nn", "torch.nn");
        _modules["torch.nn"] = nn;
        var functional = new PModule("torch.nn.functional", "torch.nn.functional");
        _modules["torch.nn.functional"] = functional;
        var init = Namespace("torch.nn.init");
        var modules = Namespace("torch.nn.modules");
        var parameter = Namespace("torch.nn.parameter");
        var jit = Namespace("torch.jit");
        var utils = Namespace("torch.utils");
        var checkpoint = Namespace("torch.utils.checkpoint");
        var cuda = Namespace("torch.cuda");
        var fx = Namespace("torch.fx");
        torch.Globals["nn"] = nn;
        torch.Globals["jit"] = jit;
        torch.Globals["utils"] = utils;
        torch.Globals["cuda"] = cuda;
        torch.Globals["fx"] = fx;
        nn.Globals["functional"] = functional;
        nn.Globals["init"] = init;
        nn.Globals["modules"] = modules;
        nn.Globals["parameter"] = parameter;
        utils.Globals["checkpoint"] = checkpoint;
        foreach (var sub in new[] { "conv", "linear", "batchnorm", "pooling", "activation", "container", "module", "normalization", "dropout", "padding", "upsampling", "flatten", "pixelshuffle" })
        {
            var s = Namespace("torch.nn.modules." + sub);
            modules.Globals[sub] = s;
            s.Globals["__fill_from__"] = nn;
        }

        // nn: the module base, containers, the catalog's layers, and the classes PyTorch has that cnnshape does not follow
        nn.Globals["Module"] = ModuleClass;
        nn.Globals["Sequential"] = SequentialClass;
        nn.Globals["ModuleList"] = ModuleListClass;
        nn.Globals["ModuleDict"] = ModuleDictClass;
        nn.Globals["Parameter"] = ParameterClass;
        parameter.Globals["Parameter"] = ParameterClass;
        foreach (var name in LayerCatalog.Names) nn.Globals[name] = LayerClass(name);
        foreach (var name in Unfollowed) nn.Globals.TryAdd(name, UnfollowedClass(name));
        foreach (var (k, v) in nn.Globals) foreach (var s in modules.Globals.Values.OfType<PModule>()) s.Globals[k] = v;
        modules.Globals["Module"] = ModuleClass;

        torch.Globals["Tensor"] = TensorClass;
        torch.Globals["Size"] = SizeClass;
        foreach (var dtype in new[] { "float32", "float", "float64", "double", "float16", "half", "bfloat16", "int64", "long", "int32", "int", "int8", "uint8", "bool", "complex64" })
        {
            torch.Globals[dtype] = new POpaque("torch." + dtype, new PModule("torch", "torch"), 0);
        }
        Fn(torch, "is_tensor", c => c.Args[0] is PTensor);
        Fn(torch, "manual_seed", _ => null);
        Fn(torch, "set_grad_enabled", _ => new POpaque("torch.set_grad_enabled(…)", _it.CurrentModule, 0));
        Fn(torch, "no_grad", _ => new PBuiltin("no_grad", c => c.Args.Count == 1 ? c.Args[0] : null));
        Fn(torch, "inference_mode", _ => new PBuiltin("inference_mode", c => c.Args.Count == 1 ? c.Args[0] : null));
        Fn(torch, "enable_grad", _ => new PBuiltin("enable_grad", c => c.Args.Count == 1 ? c.Args[0] : null));
        Fn(torch, "device", c => new POpaque("torch.device(…)", _it.CurrentModule, c.Site?.Line ?? 0));
        Fn(cuda, "is_available", _ => false);
        Fn(cuda, "device_count", _ => 0L);
        var identity = new PBuiltin("decorator", c => c.Args.Count == 1 ? c.Args[0] : null);
        foreach (var name in new[] { "script", "ignore", "unused", "export", "script_method", "interface", "_overload_method", "_script_if_tracing" })
        {
            Fn(jit, name, c => c.Args.Count == 1 && c.Args[0] is PFunction or PClass ? c.Args[0] : identity);
        }
        Fn(jit, "is_scripting", _ => false);
        Fn(jit, "is_tracing", _ => false);
        Fn(jit, "annotate", c => c.Args[1]);
        Fn(fx, "wrap", c => c.Args[0]);
        fx.Globals["_symbolic_trace"] = new PModule("torch.fx._symbolic_trace", "torch.fx") { Fallback = true };
        Fn(torch, "_assert", c => _it.Truthy(c.Args[0], c.Site) ? null : throw _it.Raise("AssertionError", _it.Str(c.Args.ElementAtOrDefault(1)), c.Site));
        Fn(checkpoint, "checkpoint", c =>
        {
            var args = c.Args.Skip(1).ToList();
            return _it.Invoke(c.Args[0], args, c.Keywords.Where(k => k.Key is not ("use_reentrant" or "preserve_rng_state")).ToList(), c.Site);
        });
        Fn(checkpoint, "checkpoint_sequential", c => throw c.Error("checkpoint_sequential is not followed by cnnshape"));

        // nn.init: every initialiser leaves the shape alone
        foreach (var name in new[] { "kaiming_normal_", "kaiming_uniform_", "xavier_normal_", "xavier_uniform_", "normal_", "uniform_", "constant_", "zeros_", "ones_",
            "trunc_normal_", "orthogonal_", "eye_", "dirac_", "sparse_", "kaiming_normal", "xavier_uniform", "normal", "constant", "uniform" })
        {
            Fn(init, name, c => c.Args.Count > 0 ? c.Args[0] : null);
        }
        Fn(init, "calculate_gain", _ => 1.0);
        Fn(init, "_calculate_fan_in_and_fan_out", c => throw c.Error("nn.init._calculate_fan_in_and_fan_out is not followed by cnnshape"));

        DefineFunctions(torch, functional);
    }

    // ---- nn.Module

    private void DefineModuleMethods()
    {
        var m = ModuleClass;
        Method(m, "__init__", c =>
        {
            var self = (PInstance)c.Args[0]!;
            if (c.Args.Count > 1 || c.Keywords.Count > 0) throw _it.Raise("TypeError", $"{self.Type.Name}.__init__() got unexpected arguments (nn.Module.__init__ takes none)", c.Site);
            self.Module ??= new ModuleState();
            return null;
        });
        Method(m, "forward", c => throw _it.Raise("NotImplementedError", $"Module [{((PInstance)c.Args[0]!).Type.Name}] is missing the required \"forward\" function", c.Site));
        Method(m, "add_module", c =>
        {
            var a = c.Bind(("self", Missing.Value), ("name", Missing.Value), ("module", Missing.Value));
            AddChild((PInstance)a[0]!, a[1], a[2], c.Site);
            return null;
        });
        m.Attributes["register_module"] = m.Attributes["add_module"];
        Method(m, "register_buffer", c =>
        {
            var a = c.Bind(("self", Missing.Value), ("name", Missing.Value), ("tensor", Missing.Value), ("persistent", true));
            var self = State((PInstance)a[0]!, c.Site);
            if (a[2] is not (PTensor or null)) throw _it.Raise("TypeError", $"cannot assign '{_it.TypeName(a[2])}' object to buffer '{a[1]}' (torch Tensor or None required)", c.Site);
            if (a[2] is PTensor t)
            {
                self.Buffers.RemoveAll(b => b.Key == (string)a[1]!);
                self.Buffers.Add(new((string)a[1]!, t));
                t.Made ??= (string)a[1]!;
            }
            return null;
        });
        Method(m, "register_parameter", c =>
        {
            var a = c.Bind(("self", Missing.Value), ("name", Missing.Value), ("param", Missing.Value));
            var self = State((PInstance)a[0]!, c.Site);
            if (a[2] is PTensor t)
            {
                self.Parameters.RemoveAll(b => b.Key == (string)a[1]!);
                self.Parameters.Add(new((string)a[1]!, t));
                t.Made ??= (string)a[1]!;
            }
            return null;
        });
        Method(m, "children", c => new PList(Children((PInstance)c.Args[0]!).Select(x => (object?)x.Value).ToList()));
        Method(m, "named_children", c => new PList(Children((PInstance)c.Args[0]!).Select(x => (object?)new PTuple([x.Key, x.Value])).ToList()));
        Method(m, "modules", c => new PList(NamedModules((PInstance)c.Args[0]!, "").Select(x => (object?)x.Module).ToList()));
        Method(m, "named_modules", c => new PList(NamedModules((PInstance)c.Args[0]!, "").Select(x => (object?)new PTuple([x.Path, x.Module])).ToList()));
        Method(m, "parameters", c => new PList(NamedParameters((PInstance)c.Args[0]!).Select(x => (object?)x.Tensor).ToList()));
        Method(m, "named_parameters", c => new PList(NamedParameters((PInstance)c.Args[0]!).Select(x => (object?)new PTuple([x.Path, x.Tensor])).ToList()));
        Method(m, "buffers", c => new PList(NamedModules((PInstance)c.Args[0]!, "").SelectMany(x => x.Module.Module!.Buffers.Select(b => (object?)b.Value)).ToList()));
        Method(m, "apply", c =>
        {
            var self = (PInstance)c.Args[0]!;
            foreach (var (_, module) in Enumerable.Reverse(NamedModules(self, ""))) _it.Invoke(c.Args[1], [module], [], c.Site);
            return self;
        });
        Method(m, "train", c =>
        {
            var self = (PInstance)c.Args[0]!;
            bool mode = c.Args.Count < 2 || _it.Truthy(c.Args[1], c.Site);
            foreach (var (_, module) in NamedModules(self, "")) module.Module!.Training = mode;
            return self;
        });
        Method(m, "eval", c =>
        {
            var self = (PInstance)c.Args[0]!;
            foreach (var (_, module) in NamedModules(self, "")) module.Module!.Training = false;
            return self;
        });
        Method(m, "requires_grad_", c =>
        {
            var self = (PInstance)c.Args[0]!;
            bool on = c.Args.Count < 2 || _it.Truthy(c.Args[1], c.Site);
            foreach (var (_, p) in NamedParameters(self)) p.RequiresGrad = on;
            return self;
        });
        foreach (var name in new[] { "to", "cuda", "cpu", "float", "double", "half", "bfloat16", "type", "share_memory", "to_empty" })
        {
            Method(m, name, c => c.Args[0]);
        }
        foreach (var name in new[] { "zero_grad", "load_state_dict", "register_forward_hook", "register_forward_pre_hook", "register_backward_hook", "register_full_backward_hook", "_initialize_weights", "reset_parameters" })
        {
            Method(m, name, _ => null);
        }
        Method(m, "state_dict", c => new POpaque("state_dict()", _it.CurrentModule, c.Site?.Line ?? 0));
        Method(m, "extra_repr", _ => "");
        Method(m, "get_submodule", c =>
        {
            object? current = c.Args[0];
            var target = (string)c.Args[1]!;
            if (target.Length == 0) return current;
            foreach (var part in target.Split('.')) current = _it.GetAttr(current, part, c.Site);
            return current;
        });
        Method(m, "__call__", c => CallModule((PInstance)c.Args[0]!, c.Args.Skip(1).ToList(), c.Keywords, c.Site));
    }

    private ModuleState State(PInstance self, Node? at) =>
        self.Module ?? throw _it.Raise("AttributeError", $"cannot assign to '{self.Type.Name}' before Module.__init__() call", at);

    private static IEnumerable<KeyValuePair<string, PInstance>> Children(PInstance self)
    {
        if (self.Module is null) yield break;
        foreach (var (k, v) in self.Module.Children) if (v is not null) yield return new(k, v);
    }

    /// <summary>named_modules(): each module once, depth first in registration order, at the first path that reaches it.</summary>
    public List<(string Path, PInstance Module)> NamedModules(PInstance root, string prefix)
    {
        var result = new List<(string, PInstance)>();
        var seen = new HashSet<PInstance>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string, PInstance)>();
        stack.Push((prefix, root));
        while (stack.Count > 0)
        {
            var (path, module) = stack.Pop();
            if (!seen.Add(module)) continue;
            result.Add((path, module));
            var children = Children(module).ToList();
            for (int i = children.Count - 1; i >= 0; i--) stack.Push((path.Length == 0 ? children[i].Key : path + "." + children[i].Key, children[i].Value));
        }
        return result;
    }

    /// <summary>named_parameters(): each parameter once; a catalog layer's weight and bias are made when first asked for.</summary>
    public List<(string Path, PTensor Tensor)> NamedParameters(PInstance root)
    {
        var result = new List<(string, PTensor)>();
        var seen = new HashSet<PTensor>(ReferenceEqualityComparer.Instance);
        foreach (var (path, module) in NamedModules(root, ""))
        {
            if (module.Module!.Layer is not null) LayerParameters(module);
            foreach (var (name, p) in module.Module.Parameters)
            {
                if (seen.Add(p)) result.Add((path.Length == 0 ? name : path + "." + name, p));
            }
        }
        return result;
    }

    private void AddChild(PInstance self, object? name, object? child, Node? at)
    {
        var state = State(self, at);
        if (name is not string n) throw _it.Raise("TypeError", $"module name should be a string. Got {_it.TypeName(name)}", at);
        if (n.Contains('.')) throw _it.Raise("KeyError", $"module name can't contain \".\", got: {n}", at);
        if (n.Length == 0) throw _it.Raise("KeyError", "module name can't be empty string \"\"", at);
        if (child is not (null or PInstance { Module: not null }) && !(child is PInstance pi && IsModuleClass(pi.Type)))
        {
            throw _it.Raise("TypeError", $"{_it.TypeName(child)} is not a Module subclass", at);
        }
        if (self.Attributes.ContainsKey(n) && state.ChildIndex(n) < 0) throw _it.Raise("KeyError", $"attribute '{n}' already exists", at);
        state.SetChild(n, (PInstance?)child);
    }

    /// <summary>nn.Module.__setattr__: modules and parameters are registered; a module before __init__ is refused as PyTorch refuses it.</summary>
    public void SetModuleAttribute(PInstance self, string name, object? value, Node? at)
    {
        bool isModule = value is PInstance v && IsModuleClass(v.Type);
        bool isParameter = value is PTensor { IsParameter: true };
        if (self.Module is null)
        {
            if (isModule) throw _it.Raise("AttributeError", "cannot assign module before Module.__init__() call", at);
            if (isParameter) throw _it.Raise("AttributeError", "cannot assign parameters before Module.__init__() call", at);
            self.Attributes[name] = value;
            return;
        }
        var state = self.Module;
        if (isParameter)
        {
            self.Attributes.Remove(name);
            state.Parameters.RemoveAll(p => p.Key == name);
            state.Parameters.Add(new(name, (PTensor)value!));
            ((PTensor)value!).Made ??= name;
            return;
        }
        if (state.Parameters.Any(p => p.Key == name))
        {
            if (value is not null) throw _it.Raise("TypeError", $"cannot assign '{_it.TypeName(value)}' as parameter '{name}' (torch.nn.Parameter or None expected)", at);
            state.Parameters.RemoveAll(p => p.Key == name);
            self.Attributes[name] = null;
            return;
        }
        if (isModule)
        {
            self.Attributes.Remove(name);
            state.SetChild(name, (PInstance)value!);
            return;
        }
        if (state.ChildIndex(name) >= 0)
        {
            if (value is not null) throw _it.Raise("TypeError", $"cannot assign '{_it.TypeName(value)}' as child module '{name}' (torch.nn.Module or None expected)", at);
            state.SetChild(name, null);
            return;
        }
        int buffer = state.Buffers.FindIndex(b => b.Key == name);
        if (buffer >= 0 && value is PTensor t)
        {
            state.Buffers[buffer] = new(name, t);
            return;
        }
        self.Attributes[name] = value;
    }

    /// <summary>Attributes every module has (<c>training</c>), and a catalog layer's constructor arguments and parameters.</summary>
    public object? ModuleAttribute(PInstance self, string name, Node? at)
    {
        if (self.Module is not { } state) return Missing.Value;
        switch (name)
        {
            case "training": return state.Training;
            case "_modules":
                {
                    var d = new PDict();
                    foreach (var (k, v) in state.Children) d.Set(k, v);
                    return d;
                }
        }
        if (state.Layer is null) return Missing.Value;
        if (name is "weight" or "bias")
        {
            var ps = LayerParameters(self);
            foreach (var (k, p) in ps) if (k == name) return p;
            return name == "bias" || state.Arguments!.Any(a => a.Key is "affine" or "elementwise_affine") ? null : Missing.Value;
        }
        if (state.Arguments!.FirstOrDefault(a => a.Key == name) is { Key: not null } arg) return Stored(state, name, arg.Value);
        return Missing.Value;
    }

    /// <summary>An argument as the module stores it: a convolution's kernel_size, stride, padding and dilation as tuples.</summary>
    private object? Stored(ModuleState state, string name, PyValue value)
    {
        var v = FromPy(value);
        var type = state.Layer!.Type;
        int spatial = type.Length > 2 && char.IsAsciiDigit(type[^2]) && type.EndsWith('d') ? type[^2] - '0' : 0;
        if (spatial > 0 && (type.StartsWith("Conv", StringComparison.Ordinal) || type.StartsWith("LazyConv", StringComparison.Ordinal)) && name is "kernel_size" or "stride" or "dilation" or "output_padding" or "padding" && v is long l)
        {
            return new PTuple([.. Enumerable.Repeat<object?>(l, spatial)]);
        }
        return v;
    }

    /// <summary>A catalog layer's weight and bias as parameter tensors of their shapes (made once per module).</summary>
    private List<KeyValuePair<string, PTensor>> LayerParameters(PInstance self)
    {
        var state = self.Module!;
        if (state.Parameters.Count > 0 || state.Layer is null) return state.Parameters;
        var args = state.Arguments!.ToDictionary(a => a.Key, a => a.Value);
        long Int(string k) => args.TryGetValue(k, out var v) && v is PyInt i ? i.Value : 0;
        bool Bool(string k, bool d) => args.TryGetValue(k, out var v) ? v is PyBool b ? b.Value : d : d;
        long[] Ints(string k, int n) => args.TryGetValue(k, out var v) ? v switch { PyInt i => [.. Enumerable.Repeat(i.Value, n)], PyTuple t => [.. t.Items.Select(x => x is PyInt xi ? xi.Value : 0)], _ => [] } : [];
        string type = state.Layer.Type;
        long[]? weight = null, bias = null;
        int spatial = type.EndsWith('d') && type.Length > 2 && char.IsAsciiDigit(type[^2]) ? type[^2] - '0' : 0;
        if (type.StartsWith("Conv", StringComparison.Ordinal) && spatial > 0 && state.Layer is not LazyLayer)
        {
            long groups = Math.Max(1, Int("groups"));
            bool transposed = type.StartsWith("ConvTranspose", StringComparison.Ordinal);
            long inC = Int("in_channels"), outC = Int("out_channels");
            weight = transposed ? [inC, outC / groups, .. Ints("kernel_size", spatial)] : [outC, inC / groups, .. Ints("kernel_size", spatial)];
            if (Bool("bias", true)) bias = [outC];
        }
        else if (type == "Linear")
        {
            weight = [Int("out_features"), Int("in_features")];
            if (Bool("bias", true)) bias = [Int("out_features")];
        }
        else if ((type.StartsWith("BatchNorm", StringComparison.Ordinal) || type.StartsWith("InstanceNorm", StringComparison.Ordinal)) && Bool("affine", type.StartsWith("Batch", StringComparison.Ordinal)))
        {
            weight = bias = [Int("num_features")];
        }
        else if (type == "GroupNorm" && Bool("affine", true))
        {
            weight = bias = [Int("num_channels")];
        }
        else if (type == "LayerNorm" && Bool("elementwise_affine", true))
        {
            weight = Ints("normalized_shape", 1);
            if (Bool("bias", true)) bias = weight;
        }
        if (weight is not null) state.Parameters.Add(new("weight", new PTensor(null, Shape.Of(weight)) { IsParameter = true, Counted = true, Made = "weight" }));
        if (bias is not null) state.Parameters.Add(new("bias", new PTensor(null, Shape.Of(bias)) { IsParameter = true, Counted = true, Made = "bias" }));
        return state.Parameters;
    }

    public bool ModuleContains(PInstance self, object? item) =>
        self.Type.IsSubclassOf(ModuleDictClass) ? self.Module!.ChildIndex(item as string ?? "") >= 0 : Children(self).Any(c => ReferenceEquals(c.Value, item));

    // ---- the containers

    private void DefineContainers()
    {
        var seq = SequentialClass;
        Method(seq, "__init__", c =>
        {
            var self = (PInstance)c.Args[0]!;
            self.Module ??= new ModuleState();
            if (c.Keywords.Count > 0) throw _it.Raise("TypeError", "Sequential.__init__() takes modules as positional arguments only", c.Site);
            if (c.Args.Count == 2 && c.Args[1] is PDict d)
            {
                foreach (var (k, v) in d.Items) AddChild(self, k, v, c.Site);
            }
            else
            {
                for (int i = 1; i < c.Args.Count; i++) AddChild(self, (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), c.Args[i], c.Site);
            }
            return null;
        });
        Method(seq, "forward", c =>
        {
            var self = (PInstance)c.Args[0]!;
            if (c.Args.Count != 2 || c.Keywords.Count > 0) throw _it.Raise("TypeError", $"Sequential.forward() takes 1 input but {c.Args.Count - 1 + c.Keywords.Count} were given", c.Site);
            object? x = c.Args[1];
            foreach (var (_, child) in Children(self))
            {
                if (Trace is not null) Trace.InContainer = true;
                x = CallModule(child, [x], [], c.Site);
            }
            return x;
        });
        Method(seq, "__getitem__", c =>
        {
            var self = (PInstance)c.Args[0]!;
            var children = Children(self).ToList();
            if (c.Args[1] is PSlice s)
            {
                var copy = new PInstance(self.Type) { Module = new ModuleState { Training = self.Module!.Training } };
                var (start, stop, step) = _it.SliceIndices(s, children.Count, c.Site);
                for (long i = start; step > 0 ? i < stop : i > stop; i += step) copy.Module.Children.Add(new(children[(int)i].Key, children[(int)i].Value));
                return copy;
            }
            long index = _it.ToInt(c.Args[1], null, c.Site);
            if (index < -children.Count || index >= children.Count) throw _it.Raise("IndexError", $"index {index} is out of range", c.Site);
            return children[(int)(index < 0 ? index + children.Count : index)].Value;
        });
        Method(seq, "__setitem__", c =>
        {
            var self = (PInstance)c.Args[0]!;
            var children = self.Module!.Children;
            long index = _it.ToInt(c.Args[1], null, c.Site);
            int i = (int)_it.NormaliseIndex(index, children.Count, c.Site, "Sequential");
            children[i] = new(children[i].Key, (PInstance?)c.Args[2]);
            return null;
        });
        Method(seq, "__len__", c => (long)Children((PInstance)c.Args[0]!).Count());
        Method(seq, "__iter__", c => new PList(Children((PInstance)c.Args[0]!).Select(x => (object?)x.Value).ToList()));
        Method(seq, "append", c =>
        {
            var self = (PInstance)c.Args[0]!;
            AddChild(self, self.Module!.Children.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Args[1], c.Site);
            return self;
        });
        Method(seq, "extend", c =>
        {
            var self = (PInstance)c.Args[0]!;
            foreach (var m in _it.Iterate(c.Args[1], c.Site)) AddChild(self, self.Module!.Children.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), m, c.Site);
            return self;
        });
        Method(seq, "insert", c => Insert((PInstance)c.Args[0]!, _it.ToInt(c.Args[1], null, c.Site), c.Args[2], c.Site));

        var list = ModuleListClass;
        Method(list, "__init__", c =>
        {
            var self = (PInstance)c.Args[0]!;
            self.Module ??= new ModuleState();
            var a = c.Bind(("self", Missing.Value), ("modules", null));
            if (a[1] is not null) foreach (var m in _it.Iterate(a[1], c.Site)) AddChild(self, self.Module.Children.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), m, c.Site);
            return null;
        });
        Method(list, "__getitem__", c =>
        {
            var self = (PInstance)c.Args[0]!;
            var children = self.Module!.Children;
            if (c.Args[1] is PSlice s)
            {
                var copy = new PInstance(ModuleListClass) { Module = new ModuleState() };
                var (start, stop, step) = _it.SliceIndices(s, children.Count, c.Site);
                int k = 0;
                for (long i = start; step > 0 ? i < stop : i > stop; i += step) copy.Module.Children.Add(new((k++).ToString(System.Globalization.CultureInfo.InvariantCulture), children[(int)i].Value));
                return copy;
            }
            long index = _it.ToInt(c.Args[1], null, c.Site);
            if (index < -children.Count || index >= children.Count) throw _it.Raise("IndexError", $"index {index} is out of range", c.Site);
            return children[(int)(index < 0 ? index + children.Count : index)].Value;
        });
        list.Attributes["__setitem__"] = seq.Attributes["__setitem__"];
        Method(list, "__len__", c => (long)((PInstance)c.Args[0]!).Module!.Children.Count);
        Method(list, "__iter__", c => new PList(((PInstance)c.Args[0]!).Module!.Children.Select(x => (object?)x.Value).ToList()));
        list.Attributes["append"] = seq.Attributes["append"];
        list.Attributes["extend"] = seq.Attributes["extend"];
        list.Attributes["__iadd__"] = seq.Attributes["extend"];
        list.Attributes["insert"] = seq.Attributes["insert"];

        var dict = ModuleDictClass;
        Method(dict, "__init__", c =>
        {
            var self = (PInstance)c.Args[0]!;
            self.Module ??= new ModuleState();
            var a = c.Bind(("self", Missing.Value), ("modules", null));
            if (a[1] is not null) UpdateDict(self, a[1], c.Site);
            return null;
        });
        Method(dict, "__getitem__", c =>
        {
            var self = (PInstance)c.Args[0]!;
            int i = self.Module!.ChildIndex(c.Args[1] as string ?? "");
            if (i < 0) throw _it.Raise("KeyError", _it.Repr(c.Args[1]), c.Site);
            return self.Module.Children[i].Value;
        });
        Method(dict, "__setitem__", c => { AddChild((PInstance)c.Args[0]!, c.Args[1], c.Args[2], c.Site); return null; });
        Method(dict, "__len__", c => (long)((PInstance)c.Args[0]!).Module!.Children.Count);
        Method(dict, "__iter__", c => new PList(((PInstance)c.Args[0]!).Module!.Children.Select(x => (object?)x.Key).ToList()));
        Method(dict, "keys", c => new PList(((PInstance)c.Args[0]!).Module!.Children.Select(x => (object?)x.Key).ToList()));
        Method(dict, "values", c => new PList(((PInstance)c.Args[0]!).Module!.Children.Select(x => (object?)x.Value).ToList()));
        Method(dict, "items", c => new PList(((PInstance)c.Args[0]!).Module!.Children.Select(x => (object?)new PTuple([x.Key, x.Value])).ToList()));
        Method(dict, "update", c => { UpdateDict((PInstance)c.Args[0]!, c.Args[1], c.Site); return null; });
        Method(dict, "pop", c =>
        {
            var self = (PInstance)c.Args[0]!;
            int i = self.Module!.ChildIndex(c.Args[1] as string ?? "");
            if (i < 0) throw _it.Raise("KeyError", _it.Repr(c.Args[1]), c.Site);
            var v = self.Module.Children[i].Value;
            self.Module.Children.RemoveAt(i);
            return v;
        });
        Method(dict, "forward", c => throw _it.Raise("NotImplementedError", "Module [ModuleDict] is missing the required \"forward\" function", c.Site));
        Method(list, "forward", c => throw _it.Raise("NotImplementedError", "Module [ModuleList] is missing the required \"forward\" function", c.Site));
    }

    private object? Insert(PInstance self, long index, object? module, Node? at)
    {
        var children = self.Module!.Children;
        long n = children.Count;
        long i = index < 0 ? Math.Max(0, index + n) : Math.Min(index, n);
        var values = children.Select(c => c.Value).ToList();
        if (module is not PInstance m || !IsModuleClass(m.Type)) throw _it.Raise("TypeError", $"{_it.TypeName(module)} is not a Module subclass", at);
        values.Insert((int)i, m);
        children.Clear();
        for (int k = 0; k < values.Count; k++) children.Add(new(k.ToString(System.Globalization.CultureInfo.InvariantCulture), values[k]));
        return self;
    }

    private void UpdateDict(PInstance self, object? modules, Node? at)
    {
        if (modules is PDict d)
        {
            foreach (var (k, v) in d.Items) AddChild(self, k, v, at);
            return;
        }
        if (modules is PInstance other && other.Type.IsSubclassOf(ModuleDictClass))
        {
            foreach (var (k, v) in other.Module!.Children) AddChild(self, k, v, at);
            return;
        }
        foreach (var pair in _it.Iterate(modules, at))
        {
            var kv = _it.Iterate(pair, at).ToList();
            if (kv.Count != 2) throw _it.Raise("ValueError", "ModuleDict update sequence element has the wrong length; 2 is required", at);
            AddChild(self, kv[0], kv[1], at);
        }
    }

    // ---- catalog layers as nn classes

    private PClass LayerClass(string name)
    {
        var cls = Class(name, [ModuleClass]);
        var layerClass = new PClass(name, [ModuleClass], null) { LayerName = name };
        layerClass.Mro = [layerClass, .. ModuleClass.Mro];
        Method(layerClass, "__init__", c =>
        {
            var self = (PInstance)c.Args[0]!;
            var state = self.Module ??= new ModuleState();
            var positional = c.Args.Skip(1).Select((v, i) => ToPy(v, name, $"argument {i + 1}", c.Site)).ToList();
            var keywords = c.Keywords.Select(k => new KeyValuePair<string, PyValue>(k.Key, ToPy(k.Value, name, k.Key, c.Site))).ToList();
            string text = $"{name}({string.Join(", ", positional.Select(p => p.ToPython()).Concat(keywords.Select(k => $"{k.Key}={k.Value.ToPython()}")))})";
            var call = new LayerCall(name, positional, keywords, text) { ModulePrefix = true };
            try
            {
                state.Arguments = LayerCatalog.Bind(call);
                state.Layer = LayerCatalog.Build(call);
            }
            catch (CnnShapeException e)
            {
                throw new CnnShapeException(e.Rule, _it.PlaceOf(c.Site), e.Mismatch);
            }
            state.Text = text;
            state.Direct = c.Site is CallExpr ce && !ce.Places.Any(p => p.Starred) && ce.Args.Count == c.Args.Count - 1
                && ce.Keywords.Select(k => k.Name).SequenceEqual(c.Keywords.Select(k => k.Key));
            if (c.Site is CallExpr site) state.Constructed = new Origin(_it.CurrentModule, site);
            return null;
        });
        Method(layerClass, "forward", c =>
        {
            var self = (PInstance)c.Args[0]!;
            return ApplyLayer(self, c.Args.Skip(1).ToList(), c.Keywords, c.Site);
        });
        Method(layerClass, "extra_repr", c => ((PInstance)c.Args[0]!).Module?.Text ?? "");
        _ = cls;
        return layerClass;
    }

    private PClass UnfollowedClass(string name)
    {
        var cls = new PClass(name, [ModuleClass], null);
        cls.Mro = [cls, .. ModuleClass.Mro];
        Method(cls, "__init__", c =>
        {
            var self = (PInstance)c.Args[0]!;
            self.Module ??= new ModuleState();
            self.Module.Unfollowed = name;
            return null;
        });
        Method(cls, "forward", c => throw _it.Error($"nn.{name} is not followed by cnnshape (it follows {LayerCatalog.Names.Count} layers: {string.Join(", ", LayerCatalog.Names.Take(8))}, …)", c.Site));
        return cls;
    }

    /// <summary>A Python value as a layer argument (ints, floats, bools, None, strings, tuples and lists of them).</summary>
    public PyValue ToPy(object? v, string layer, string argument, Node? at) => v switch
    {
        null => PyNone.Instance,
        bool b => new PyBool(b),
        long l => new PyInt(l),
        double d => new PyFloat(d),
        string s => new PyStr(s),
        PTuple t => new PyTuple([.. t.Items.Select(x => ToPy(x, layer, argument, at))], IsList: false),
        PList l => new PyTuple([.. l.Items.Select(x => ToPy(x, layer, argument, at))], IsList: true),
        POpaque o => throw _it.Error($"{layer}: {argument} is {o.What} (from {o.Module.File}:{o.Line}), a value cnnshape does not follow", at),
        PTensor => throw _it.Error($"{layer}: {argument} is a tensor; cnnshape needs its value, which only running the model gives", at),
        _ => throw _it.Raise("TypeError", $"{layer}(): {argument} must be a number, a string or a tuple, not {_it.TypeName(v)}", at),
    };

    public static object? FromPy(PyValue v) => v switch
    {
        PyInt i => i.Value,
        PyFloat f => f.Value,
        PyBool b => b.Value,
        PyStr s => s.Value,
        PyTuple t when t.IsList => new PList(t.Items.Select(FromPy).ToList()),
        PyTuple t => new PTuple([.. t.Items.Select(FromPy)]),
        _ => null,
    };

    private object? MakeParameter(Call c)
    {
        var a = c.Bind(("data", null), ("requires_grad", true));
        if (a[0] is null) return new PTensor(null, Shape.Of(0)) { IsParameter = true, Made = "Parameter" };
        if (a[0] is not PTensor t) throw _it.Raise("TypeError", $"Parameter(): data must be a tensor, not {_it.TypeName(a[0])}", c.Site);
        return new PTensor(t.Node, t.Shape, t.Strides) { IsParameter = true, Made = "Parameter" };
    }
}
