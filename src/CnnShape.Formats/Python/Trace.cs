using CnnShape.Layers;
using CnnShape.Networks;
using CnnShape.Rules;
using CnnShape.Shapes;

namespace CnnShape.Formats.Python;

/// <summary>Where a recorded node comes from in the source, for the diagnosis's edits.</summary>
/// <param name="Module">The module called (null for a functional call).</param>
/// <param name="File">The file of the statement that made the call.</param>
/// <param name="Statement">The line of that statement.</param>
/// <param name="Site">The call expression (for a module called from its container: the container's call).</param>
/// <param name="ViaContainer">Called by nn.Sequential's forward rather than written in a forward.</param>
internal sealed record NodeOrigin(PInstance? Module, PModule File, int Statement, CallExpr? Site, bool ViaContainer);

/// <summary>Stops the run at the call PyTorch refuses; the network so far ends with that call.</summary>
internal sealed class TraceStop(NetworkNode node) : Exception("the run stops at a call PyTorch refuses")
{
    public NetworkNode Node { get; } = node;
}

/// <summary>
/// One run of a model's forward: every call recorded as a network node in execution order, named by the module's
/// qualified name (or the function, inside the module that called it), with the line of the statement where PyTorch
/// would raise.
/// </summary>
internal sealed class Trace(string inputName, bool training, Dictionary<PInstance, string> paths)
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public string InputName { get; } = inputName;
    public bool Training { get; } = training;
    public List<NetworkNode> Nodes { get; } = [];
    /// <summary>Each module's qualified name, as named_modules() gives it.</summary>
    public Dictionary<PInstance, string> Paths { get; } = paths;
    public HashSet<PInstance> Called { get; } = new(ReferenceEqualityComparer.Instance);
    /// <summary>Catalog modules that gave a row of their own (their parameters are on it).</summary>
    public HashSet<PInstance> Applied { get; } = new(ReferenceEqualityComparer.Instance);
    /// <summary>Parameters used as tensors (counted at their first use).</summary>
    public HashSet<PTensor> Used { get; } = new(ReferenceEqualityComparer.Instance);
    /// <summary>The qualified names of the modules whose forward runs now, innermost last.</summary>
    public List<string> Scopes { get; } = [""];
    public Dictionary<string, NodeOrigin> Origins { get; } = new(StringComparer.Ordinal);
    /// <summary>Set while nn.Sequential's forward calls its children.</summary>
    public bool InContainer { get; set; }
    /// <summary>Every call of a module without children, with its output's shape (what a forward hook on it sees).</summary>
    public List<(string Name, Shape? Output)> Calls { get; } = [];
    /// <summary>For each module call running: whether its container called it.</summary>
    public Stack<bool> Via { get; } = new();

    /// <summary>A node name not used yet: the label, then label#2, label#3…</summary>
    public string Unique(string label)
    {
        int n = _counts.TryGetValue(label, out var c) ? c + 1 : 1;
        _counts[label] = n;
        return n == 1 && label != InputName ? label : $"{label}#{n}";
    }

    public string Scoped(string name)
    {
        string scope = Scopes[^1];
        return scope.Length == 0 ? name : scope + "." + name;
    }
}

internal sealed partial class Torch
{
    /// <summary>Layers whose result keeps the input's layout (element-wise), as PyTorch's TensorIterator does.</summary>
    private static bool KeepsLayout(Layer layer) =>
        layer is Elementwise || layer.Type.StartsWith("Dropout", StringComparison.Ordinal) || layer.Type is "AlphaDropout" or "FeatureAlphaDropout";

    private Place NodePlace(Node? site) => new()
    {
        File = _it.CurrentModule.File,
        Line = _it.CurrentLine > 0 ? _it.CurrentLine : site?.Line,
        Column = site is not null && site.Line == _it.CurrentLine ? site.Column : null,
    };

    /// <summary>The network tensor a value is; a constant the model made becomes a node of its own at its first use.</summary>
    private string Ensure(PTensor t, Node? site)
    {
        if (t.Node is not null) return t.Node;
        var trace = Trace!;
        if (t.Shape is null) throw _it.Error($"the shape of {t.Made ?? "this tensor"} is not known to cnnshape", site);
        long parameters = t.IsParameter && !t.Counted && trace.Used.Add(t) ? t.Shape.Numel() : 0;
        string label = trace.Scoped(t.Made ?? "tensor");
        var node = new LayerNode
        {
            Name = trace.Unique(label),
            Label = label,
            Inputs = [trace.InputName],
            Layer = TensorOps.Constant(t.Shape.ToArray(), parameters, t.IsParameter ? "Parameter" : "tensor"),
            Text = $"{(t.IsParameter ? "Parameter" : "tensor")} of shape {t.Shape}",
            Place = NodePlace(site),
        };
        trace.Nodes.Add(node);
        trace.Origins[node.Name] = new NodeOrigin(null, _it.CurrentModule, _it.CurrentLine, site as CallExpr, false);
        t.Node = node.Name;
        return node.Name;
    }

    /// <summary>Records a layer applied to a tensor and gives its output; PyTorch's refusal stops the run there.</summary>
    public PTensor AddLayer(Layer layer, string label, string text, PTensor input, Node? site, PInstance? module = null, bool shares = false)
    {
        var trace = Trace ?? throw _it.Error("a layer is applied outside the model's forward", site);
        string from = Ensure(input, site);
        var node = new LayerNode
        {
            Name = trace.Unique(label),
            Label = label,
            Inputs = [from],
            Layer = layer,
            Text = text,
            Place = NodePlace(site),
            SharesParameters = shares,
        };
        trace.Nodes.Add(node);
        trace.Origins[node.Name] = new NodeOrigin(module, _it.CurrentModule, _it.CurrentLine, site as CallExpr, module is not null && trace.Via.Count > 0 && trace.Via.Peek());
        var shape = input.Shape ?? throw _it.Error("the input's shape is not known", site);
        LayerResult result;
        try
        {
            result = trace.Training ? layer.Apply(shape) : layer.ApplyInEval(shape);
        }
        catch (Exception e) when (e is CnnShapeException or OverflowException)
        {
            throw new TraceStop(node);
        }
        var strides = input.Strides ?? TensorLayout.Contiguous(shape.ToArray());
        long[] outStrides = layer switch
        {
            TensorOp op => op.OutputStrides(shape, strides, result.Output),
            _ when KeepsLayout(layer) && result.Output.Equals(shape) => TensorLayout.DenseLike(shape.ToArray(), strides),
            _ => TensorLayout.Contiguous(result.Output.ToArray()),
        };
        return new PTensor(node.Name, result.Output, outStrides);
    }

    /// <summary>Records a merge (add, mul, cat, stack, matmul) of tensors.</summary>
    public PTensor AddMerge(MergeKind kind, string label, IReadOnlyList<PTensor> inputs, long dim, Node? site)
    {
        var trace = Trace ?? throw _it.Error("tensors are combined outside the model's forward", site);
        var names = inputs.Select(t => Ensure(t, site)).ToList();
        var node = new MergeNode { Name = trace.Unique(label), Label = label, Inputs = names, Kind = kind, Dim = dim, Place = NodePlace(site) };
        trace.Nodes.Add(node);
        trace.Origins[node.Name] = new NodeOrigin(null, _it.CurrentModule, _it.CurrentLine, site as CallExpr, false);
        Shape output;
        try
        {
            output = NetworkAnalyzer.Merge(node, inputs.Select(t => t.Shape!).ToList());
        }
        catch (Exception e) when (e is CnnShapeException or OverflowException)
        {
            throw new TraceStop(node);
        }
        return new PTensor(node.Name, output);
    }

    // ---- calling modules

    /// <summary>module(x): runs its forward (hooks are not followed), recording the calls inside under its qualified name.</summary>
    public object? CallModule(PInstance module, List<object?> args, List<KeyValuePair<string, object?>> keywords, Node? site)
    {
        if (module.Module is null) throw _it.Raise("AttributeError", $"'{module.Type.Name}' object has no attribute '_modules' (its __init__ did not call super().__init__())", site);
        var trace = Trace;
        if (trace is null)
        {
            // a call outside the traced run (module-level code of the file): nothing to record
            return new POpaque($"{module.Type.Name}(…)", _it.CurrentModule, site?.Line ?? _it.CurrentLine);
        }
        var forward = module.Type.Lookup("forward", out _);
        string path = trace.Paths.TryGetValue(module, out var p) ? p : trace.Scoped(module.Type.Name);
        trace.Scopes.Add(path);
        bool container = trace.InContainer;
        trace.Via.Push(container);
        trace.InContainer = false;
        try
        {
            var result = _it.Invoke(new PBound(module, forward!), args, keywords, site);
            trace.Called.Add(module);
            if (module.Module.Children.Count == 0) trace.Calls.Add((path, FirstTensor(result)?.Shape));
            return result;
        }
        finally
        {
            trace.Scopes.RemoveAt(trace.Scopes.Count - 1);
            trace.Via.Pop();
            trace.InContainer = container;
        }
    }

    private static PTensor? FirstTensor(object? v) => v switch
    {
        PTensor t => t,
        PTuple t => t.Items.Length > 0 ? FirstTensor(t.Items[0]) : null,
        PList l => l.Items.Count > 0 ? FirstTensor(l.Items[0]) : null,
        _ => null,
    };

    /// <summary>A catalog layer's forward: one tensor in, PyTorch's shape rule, one row named by the module's qualified name.</summary>
    private object? ApplyLayer(PInstance self, List<object?> args, List<KeyValuePair<string, object?>> keywords, Node? site)
    {
        var state = self.Module!;
        var trace = Trace ?? throw _it.Error("a layer is applied outside the model's forward", site);
        if (args.Count != 1 || keywords.Count > 0)
        {
            throw _it.Raise("TypeError", $"{state.Layer!.Type}.forward() takes 1 tensor but {args.Count + keywords.Count} arguments were given", site);
        }
        if (args[0] is not PTensor input)
        {
            if (args[0] is POpaque o) throw _it.Error($"{state.Layer!.Type} is applied to {o.What} (from {o.Module.File}:{o.Line}), which cnnshape does not follow", site);
            throw _it.Raise("TypeError", $"{state.Layer!.Type}.forward(): expected a Tensor, got {_it.TypeName(args[0])}", site);
        }
        bool shares = trace.Called.Contains(self);
        string label = trace.Scopes[^1];
        var output = AddLayer(state.Layer!, label, state.Text!, input, site, self, shares);
        trace.Called.Add(self);
        trace.Applied.Add(self);
        bool indices = state.Arguments!.Any(a => a.Key == "return_indices" && a.Value is Parsing.PyBool { Value: true });
        return indices ? new PTuple([output, new PTensor(output.Node, output.Shape, output.Strides)]) : output;
    }
}
