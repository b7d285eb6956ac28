using System.Runtime.CompilerServices;
using CnnShape.Networks;
using CnnShape.Shapes;

namespace CnnShape.Formats.Python;

/// <summary>How to read a model from Python source: which class (or function) makes it, its arguments, and where the file is.</summary>
/// <param name="ClassName">The class or function that makes the model (default: the nn.Module class no other class in the file uses).</param>
/// <param name="Arguments">Its arguments as Python writes them: <c>num_classes=10</c>, <c>BasicBlock, [2, 2, 2, 2]</c>.</param>
/// <param name="Path">The file's path, so imports of the model's own modules next to it can be read (null: none are read).</param>
public sealed record PythonOptions(string? ClassName = null, string? Arguments = null, string? Path = null);

/// <summary>A model read from Python source and run on one input.</summary>
/// <param name="Network">Every call in execution order (up to the call PyTorch refuses, which ends it).</param>
/// <param name="Input">The input it was run on.</param>
/// <param name="Model">What made the model, e.g. <c>Net()</c>.</param>
/// <param name="Notes">What the reader settled on its own (the class it chose, where the input came from).</param>
public sealed record PythonModel(Network Network, Shape Input, string Model, IReadOnlyList<string> Notes)
{
    /// <summary>Every call of a module without children, in order, with its output shape: what forward hooks on the leaf modules see.</summary>
    public IReadOnlyList<(string Name, Shape? Output)> Calls { get; init; } = [];

    /// <summary>The model's parameter count as <c>sum(p.numel() for p in model.parameters())</c> gives it (null when a lazy module has not been sized).</summary>
    public long? Parameters { get; init; }
}

/// <summary>
/// Reads the Python source of nn.Module classes without running Python: the file is tokenised, parsed and evaluated
/// (<see cref="Interpreter"/>), the model is built as its constructor builds it, and its forward is run on the input
/// with shapes for values, each call recorded as a network node.
/// </summary>
public static class PythonReader
{
    private static readonly ConditionalWeakTable<NetworkNode, NodeOrigin> Origins = [];

    /// <summary>Reads <paramref name="text"/> (named <paramref name="name"/> in messages) and runs the model on <paramref name="input"/> (or the input the file makes).</summary>
    public static PythonModel Read(string text, string name, Shape? input, bool training, PythonOptions options)
    {
        var tree = Parser.ParseModule(text, name);
        var loader = new ModuleLoader(options.Path);
        var it = new Interpreter(loader);
        try
        {
            return Read(it, loader, tree, text, name, input, training, options);
        }
        catch (PyRaise e)
        {
            throw Raised(e);
        }
        catch (OverflowException e) when (Environment.GetEnvironmentVariable("CNNSHAPE_DEBUG") is not null)
        {
            throw new CnnShapeException(e.StackTrace ?? "", it.PlaceOf(null));
        }
        catch (Exception e) when (e is InvalidCastException or NullReferenceException or IndexOutOfRangeException or ArgumentException or KeyNotFoundException or InvalidOperationException)
        {
            // a construct the evaluator does not model in this use: refused where it is, never a crash
            throw new CnnShapeException($"cnnshape cannot follow this code ({e.GetType().Name}: {e.Message})", it.PlaceOf(null));
        }
    }

    private static PythonModel Read(Interpreter it, ModuleLoader loader, Module tree, string text, string name, Shape? input, bool training, PythonOptions options)
    {
        var main = new PModule(ModuleName(name), name) { Lines = text.Split('\n') };
        main.Globals["__name__"] = main.Name;
        main.Globals["__file__"] = options.Path ?? name;
        loader.Main = main;
        it.RunModule(main, tree, lenient: true, loader.Skipped);
        var notes = new List<string>();

        var (maker, makerName) = Choose(main, tree, options.ClassName, notes);
        var (args, keywords) = Arguments(it, main, options.Arguments);
        object? built;
        try
        {
            built = it.Invoke(maker, args, keywords, null);
        }
        catch (PyRaise e)
        {
            throw Raised(e);
        }
        if (built is not PInstance root || !it.Torch.IsModuleClass(root.Type))
        {
            throw new CnnShapeException($"{makerName}({options.Arguments}) gives {it.Repr(built)}, not an nn.Module.", new Place { File = name });
        }
        if (root.Module is null) throw new CnnShapeException($"{root.Type.Name}.__init__ does not call super().__init__(), so PyTorch would refuse its first attribute.", new Place { File = name, Line = (root.Type.Lookup("__init__", out _) as PFunction)?.Line });

        var shape = input ?? FileInput(tree, name, notes) ?? throw new CnnShapeException(
            $"the file makes no example input; give the input shape with --input, e.g. --input 1x3x224x224.", new Place { File = name });
        var (network, calls) = Run(it, root, shape, training, name, notes);
        // parameters the code froze (requires_grad = False): PyTorch still counts them, the optimiser does not train them
        var frozenParameters = it.Torch.NamedParameters(root).Where(p => !p.Tensor.RequiresGrad && p.Tensor.Shape is not null).ToList();
        long frozen = frozenParameters.Sum(p => p.Tensor.Shape!.Numel());
        var byModule = frozenParameters.GroupBy(p => p.Path.Contains('.') ? p.Path[..p.Path.LastIndexOf('.')] : "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Tensor.Shape!.Numel()), StringComparer.Ordinal);
        var types = it.Torch.NamedModules(root, "").GroupBy(m => m.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Module.Type.Name, StringComparer.Ordinal);
        network = network with { Frozen = frozen, FrozenByModule = byModule, ModuleTypes = types };
        return new PythonModel(network, shape, $"{makerName}({options.Arguments})", notes) { Calls = calls, Parameters = Parameters(it, root) };
    }

    /// <summary>Where a node of a network read from Python comes from (for the diagnosis's edits).</summary>
    internal static NodeOrigin? OriginOf(NetworkNode node) => Origins.TryGetValue(node, out var o) ? o : null;

    private static string ModuleName(string name)
    {
        string stem = Path.GetFileNameWithoutExtension(name);
        return stem.Length == 0 || stem == "stdin" ? "model" : stem;
    }

    private static CnnShapeException Raised(PyRaise e) =>
        new($"{e.Exception.Type.Name}: {e.Exception.Message}{(e.Exception.Message is { Length: > 0 } m && m.EndsWith('.') ? "" : ".")}", e.Place);

    /// <summary>The class or function named, or the nn.Module class no other class of the file uses.</summary>
    private static (object Maker, string Name) Choose(PModule main, Module tree, string? requested, List<string> notes)
    {
        var moduleClasses = tree.Body.OfType<ClassDef>()
            .Where(c => main.Globals.TryGetValue(c.Name, out var v) && v is PClass cls && cls.Mro.Any(m => m.Name == "Module" && m.Module is null))
            .ToList();
        if (requested is not null)
        {
            if (main.Globals.TryGetValue(requested, out var v) && v is PClass or PFunction or PBuiltin) return (v!, requested);
            var known = moduleClasses.Select(c => c.Name).Concat(tree.Body.OfType<FunctionDef>().Select(f => f.Name)).ToList();
            var hint = Layers.Suggest.Closest(requested, known);
            throw new CnnShapeException($"the file defines no class or function '{requested}'{(hint is null ? "" : $" (did you mean '{hint}'?)")}; its nn.Module classes are: {(moduleClasses.Count == 0 ? "none" : string.Join(", ", moduleClasses.Select(c => c.Name)))}.", new Place { File = main.File });
        }
        if (moduleClasses.Count == 0) throw new CnnShapeException("the file defines no nn.Module class; cnnshape reads classes deriving from nn.Module (give one with --class).", new Place { File = main.File });
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in moduleClasses)
        {
            foreach (var name in Names(c.Body.Cast<Node>().Concat(c.Bases)).Where(n => n != c.Name)) used.Add(name);
        }
        var candidates = moduleClasses.Where(c => !used.Contains(c.Name)).ToList();
        if (candidates.Count == 1)
        {
            if (moduleClasses.Count > 1) notes.Add($"the model is {candidates[0].Name}, the one nn.Module class no other class uses (choose another with --class).");
            return (main.Globals[candidates[0].Name]!, candidates[0].Name);
        }
        if (candidates.Count == 0) candidates = moduleClasses;
        throw new CnnShapeException($"the file has several nn.Module classes no other class uses ({string.Join(", ", candidates.Select(c => c.Name))}); say which is the model with --class.", new Place { File = main.File, Line = candidates[0].Line });
    }

    /// <summary>Every name a piece of code mentions.</summary>
    private static IEnumerable<string> Names(IEnumerable<Node> nodes) => Ast.Walk(nodes).OfType<NameExpr>().Select(n => n.Id);

    /// <summary>--args: the text between the parentheses of a call, evaluated in the file's namespace.</summary>
    private static (List<object?>, List<KeyValuePair<string, object?>>) Arguments(Interpreter it, PModule main, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return ([], []);
        Expr e;
        try { e = Parser.ParseExpression($"f({text})", "--args"); }
        catch (CnnShapeException ex) { throw new CnnShapeException($"--args must be Python call arguments, e.g. \"num_classes=10\": {ex.Rule}", new Place { File = "--args" }); }
        if (e is not CallExpr call) throw new CnnShapeException("--args must be Python call arguments, e.g. \"num_classes=10\".", new Place { File = "--args" });
        var scope = new Scope(main, null, moduleLevel: true);
        try
        {
            var args = call.Args.Select(a => a is StarredExpr s ? throw new CnnShapeException("--args cannot use *.", new Place { File = "--args" }) : it.Eval(a, scope)).ToList();
            var keywords = call.Keywords.Select(k => k.Name is null ? throw new CnnShapeException("--args cannot use **.", new Place { File = "--args" }) : new KeyValuePair<string, object?>(k.Name, it.Eval(k.Value, scope))).ToList();
            return (args, keywords);
        }
        catch (PyRaise r)
        {
            throw new CnnShapeException($"--args: {r.Exception.Type.Name}: {r.Exception.Message}.", new Place { File = "--args" });
        }
    }

    /// <summary>The first example input the file makes with literal sizes: <c>torch.randn(1, 3, 32, 32)</c> (also rand, zeros, ones, empty).</summary>
    private static Shape? FileInput(Module tree, string name, List<string> notes)
    {
        foreach (var node in Ast.Walk(tree.Body))
        {
            if (node is not CallExpr { Func: AttributeExpr { Value: NameExpr { Id: "torch" }, Attr: "randn" or "rand" or "zeros" or "ones" or "empty" } } call) continue;
            var items = call.Args.Count == 1 && call.Args[0] is TupleExpr or ListExpr ? (call.Args[0] is TupleExpr t ? t.Items : ((ListExpr)call.Args[0]).Items) : call.Args;
            if (items.Count < 2 || !items.All(i => i is ConstExpr { Value: long v } && v > 0)) continue;
            var shape = Shape.Of(items.Select(i => (long)((ConstExpr)i).Value!).ToArray());
            notes.Add($"the input is {shape}, as line {call.Line} of {name} makes it (give another with --input).");
            return shape;
        }
        return null;
    }

    /// <summary>sum(p.numel()) over the model's parameters, each counted once; null when a lazy layer's size is still open.</summary>
    private static long? Parameters(Interpreter it, PInstance root)
    {
        long total = 0;
        var seen = new HashSet<PTensor>(ReferenceEqualityComparer.Instance);
        foreach (var (_, module) in it.Torch.NamedModules(root, ""))
        {
            var state = module.Module!;
            if (state.Layer is Layers.LazyLayer) return null;
            if (state.Layer is not null) total = checked(total + state.Layer.Params);
            foreach (var (_, p) in state.Parameters)
            {
                if (!p.Counted && p.Shape is not null && seen.Add(p)) total = checked(total + p.Shape.Numel());
            }
        }
        return total;
    }

    private static (Network, IReadOnlyList<(string, Shape?)>) Run(Interpreter it, PInstance root, Shape shape, bool training, string name, List<string> notes)
    {
        var torch = it.Torch;
        var paths = new Dictionary<PInstance, string>(ReferenceEqualityComparer.Instance);
        foreach (var (path, module) in torch.NamedModules(root, "")) paths[module] = path;
        if (!training) foreach (var module in paths.Keys) module.Module!.Training = false;
        string inputName = "x";
        if (root.Type.Lookup("forward", out _) is PFunction forward)
        {
            var ps = forward.Parameters.Items.Where(p => p.Kind is "pos" or "posonly").Skip(1).ToList();
            if (ps.Count > 0) inputName = ps[0].Name;
            var required = ps.Where((p, i) => !(forward.HasDefault.Length > i + 1 && forward.HasDefault[i + 1])).Count();
            if (required > 1) throw new CnnShapeException($"{root.Type.Name}.forward takes {required} inputs ({string.Join(", ", ps.Select(p => p.Name))}); cnnshape feeds one tensor.", new Place { File = forward.Module.File, Line = forward.Line });
        }
        var trace = new Trace(inputName, training, paths);
        torch.Trace = trace;
        var input = new PTensor(inputName, shape);
        var outputs = new List<string>();
        try
        {
            var result = torch.CallModule(root, [input], [], null);
            foreach (var t in Tensors(it, result, root.Type.Name, name)) outputs.Add(t.Node ?? throw new CnnShapeException("forward returns a tensor it made itself, not one computed from the input.", new Place { File = name }));
        }
        catch (TraceStop stop)
        {
            outputs = [stop.Node.Name];
        }
        catch (PyRaise e)
        {
            throw Raised(e);
        }
        finally
        {
            torch.Trace = null;
        }
        foreach (var node in trace.Nodes)
        {
            if (trace.Origins.TryGetValue(node.Name, out var origin)) Origins.AddOrUpdate(node, origin);
        }
        return (new Network(inputName, shape, trace.Nodes, outputs) { Traced = true, Idle = Idle(trace, paths) }, trace.Calls);
    }

    /// <summary>The tensors a forward returns: a tensor, or tuples, lists and dicts of them.</summary>
    private static IEnumerable<PTensor> Tensors(Interpreter it, object? result, string model, string file)
    {
        switch (result)
        {
            case PTensor t:
                yield return t;
                break;
            case PTuple or PList:
                foreach (var item in it.Iterate(result, null)) foreach (var t in Tensors(it, item, model, file)) yield return t;
                break;
            case PDict d:
                foreach (var (_, v) in d.Items) foreach (var t in Tensors(it, v, model, file)) yield return t;
                break;
            case null:
                throw new CnnShapeException($"{model}.forward returns None (a missing return?).", new Place { File = file });
            default:
                throw new CnnShapeException($"{model}.forward returns {it.Repr(result)}, not tensors.", new Place { File = file });
        }
    }

    /// <summary>
    /// Modules and parameters no row holds — never called (under the outermost module never called, summed), or called
    /// through a forward of their own — whose parameters PyTorch counts all the same.
    /// </summary>
    private static List<(string, long)> Idle(Trace trace, Dictionary<PInstance, string> paths)
    {
        var uncalled = new HashSet<string>(paths.Where(p => !trace.Called.Contains(p.Key)).Select(p => p.Value), StringComparer.Ordinal);
        string Owner(string path)
        {
            // the outermost ancestor (or itself) that was never called
            var parts = path.Split('.');
            for (int i = 1; i <= parts.Length; i++)
            {
                string prefix = string.Join(".", parts.Take(i));
                if (uncalled.Contains(prefix)) return prefix;
            }
            return path;
        }
        var idle = new List<(string Name, long Params)>();
        void Add(string name, long count)
        {
            int i = idle.FindIndex(x => x.Name == name);
            if (i >= 0) idle[i] = (name, idle[i].Params + count);
            else idle.Add((name, count));
        }
        foreach (var (module, path) in paths)
        {
            var state = module.Module!;
            if (state.Layer is not null)
            {
                // never called, or called through a forward of its own (LayerNorm2d's F.layer_norm): no row holds its parameters
                if (!trace.Applied.Contains(module) && state.Layer.Params > 0) Add(Owner(path), state.Layer.Params);
                continue;
            }
            foreach (var (k, p) in state.Parameters)
            {
                if (!p.Counted && !trace.Used.Contains(p) && p.Shape is not null) Add(Owner(path.Length == 0 ? k : path + "." + k), p.Shape.Numel());
            }
        }
        return idle;
    }
}
