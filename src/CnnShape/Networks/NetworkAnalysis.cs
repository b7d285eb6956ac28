using CnnShape.Internal;
using CnnShape.Layers;
using CnnShape.ReceptiveFields;
using CnnShape.Rules;
using CnnShape.Shapes;
using CnnShape.Symbolic;

namespace CnnShape.Networks;

/// <summary>One row of the per-layer report.</summary>
/// <param name="Name">Node name.</param>
/// <param name="Type">Layer class, merge kind or ONNX operator.</param>
/// <param name="Output">Output dimensions (symbolic ones possible for ONNX); null when not even the rank is known.</param>
/// <param name="Params">Learnable parameters.</param>
/// <param name="Macs">Multiply–accumulates for the whole input (an expression when the input is symbolic).</param>
/// <param name="ActivationBytes">Bytes of the output tensor (float32 unless the graph says otherwise).</param>
/// <param name="Field">Receptive field of the output.</param>
public sealed record LayerRow(string Name, string Type, IReadOnlyList<Dim>? Output, long Params, Dim Macs, Dim ActivationBytes, ReceptiveField Field)
{
    /// <summary>The name of the row's output tensor (the node name, except for ONNX, where values have their own names).</summary>
    public string Tensor { get; init; } = Name;

    /// <summary>For a lazy layer or a <c>?</c>: the size the input decided, e.g. (in_features, 2704).</summary>
    public (string Parameter, long Value)? Inferred { get; init; }

    /// <summary>Whether the node computes only from constants (an ONNX Identity of a weight, the shape arithmetic of a static shape).</summary>
    public bool Constant { get; init; }

    /// <summary>The 1-based line of the source the row comes from, when it has one.</summary>
    public int? Line { get; init; }

    /// <summary>The layer as written (<c>Conv2d(3, 64, kernel_size=(3, 3), padding=(1, 1))</c>), for a layer row.</summary>
    public string? Text { get; init; }

    /// <summary>The names of the tensors the row reads, in order (the graph's edges; ONNX: weights and constants too).</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>The output as a concrete shape; only for rows whose dimensions are all known.</summary>
    public Shape Shape => Output is not null && Output.All(d => d.IsKnown) ? Shape.Own(Output.Select(d => d.Value).ToArray()) : throw new InvalidOperationException($"'{Name}' has no concrete shape");
}

/// <summary>A tensor of the report: its dimensions (null when the rank is unknown) and its receptive field.</summary>
/// <param name="Dims">The dimensions.</param>
/// <param name="Field">The receptive field of its units.</param>
public sealed record TensorInfo(IReadOnlyList<Dim>? Dims, ReceptiveField Field)
{
    /// <summary>Whether every dimension is a number.</summary>
    public bool IsKnown => Dims is not null && Dims.All(d => d.IsKnown);

    private Shape? _shape;

    /// <summary>The concrete shape; only for known tensors.</summary>
    public Shape Shape => _shape ??= IsKnown ? Shape.Own(Dims!.Select(d => d.Value).ToArray()) : throw new InvalidOperationException("the tensor is symbolic or unknown");

    /// <summary>A known tensor.</summary>
    public static TensorInfo Of(Shape shape, ReceptiveField field) => new(DimsOf(shape), field) { _shape = shape };

    /// <summary>A known tensor whose dimensions are already made.</summary>
    internal static TensorInfo Of(Shape shape, Dim[] dims, ReceptiveField field) => new(dims, field) { _shape = shape };

    /// <summary>A shape as dimensions.</summary>
    public static Dim[] DimsOf(Shape shape)
    {
        var dims = new Dim[shape.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = shape[i];
        return dims;
    }
}

/// <summary>The analysis of a whole network for one input shape.</summary>
/// <param name="Input">The input dimensions used.</param>
/// <param name="Layers">Every node, in execution order.</param>
/// <param name="Tensors">Every tensor's dimensions and field, by name.</param>
/// <param name="Outputs">The output tensor names.</param>
/// <param name="Warnings">What the analysis could not settle or what the input leaves ambiguous, each naming its place.</param>
public sealed record NetworkReport(IReadOnlyList<Dim> Input, IReadOnlyList<LayerRow> Layers, IReadOnlyDictionary<string, TensorInfo> Tensors, IReadOnlyList<string> Outputs, IReadOnlyList<string> Warnings)
{
    /// <summary>The name of the (first) input tensor.</summary>
    public string InputName { get; init; } = "input";

    /// <summary>Total learnable parameters (with those of modules the run does not call).</summary>
    public long TotalParams => Idle.Aggregate(Layers.Aggregate(0L, (sum, r) => Checked.Add(sum, r.Params, "the parameter total")), (sum, i) => Checked.Add(sum, i.Params, "the parameter total"));

    /// <summary>Of <see cref="TotalParams"/>, those the model does not train (frozen).</summary>
    public long FrozenParams { get; init; }

    /// <summary>Modules the model holds but does not call, with their parameters.</summary>
    public IReadOnlyList<(string Name, long Params)> Idle { get; init; } = [];

    /// <summary>For a model read from code: each module's class, by qualified name (<c>layer1.0</c> → <c>Bottleneck</c>; the model itself under "").</summary>
    public IReadOnlyDictionary<string, string> ModuleTypes { get; init; } = new Dictionary<string, string>();

    /// <summary>For a model read from code: the frozen parameters each module holds directly, by qualified name.</summary>
    public IReadOnlyDictionary<string, long> FrozenByModule { get; init; } = new Dictionary<string, long>();
    /// <summary>Total MACs.</summary>
    public Dim TotalMacs => Layers.Aggregate((Dim)0, (sum, r) => sum + r.Macs);
    /// <summary>Total activation bytes (every node output).</summary>
    public Dim TotalActivationBytes => Layers.Aggregate((Dim)0, (sum, r) => sum + r.ActivationBytes);

    /// <summary>The batch's symbol when the input's first dimension is one (a dynamic batch), so counts can be given per sample.</summary>
    public string? BatchSymbol => Input.Count > 0 && !Input[0].IsKnown && Input[0].Symbols.SingleOrDefault() is string s && Input[0].Per(s) == 1 ? s : null;

    /// <summary>Whether some dimension is symbolic or unknown.</summary>
    public bool IsSymbolic => Input.Any(d => !d.IsKnown) || Layers.Any(r => r.Output is null || r.Output.Any(d => !d.IsKnown));
}

/// <summary>A network run as far as it went: the report up to the failure, and the failure if there is one.</summary>
/// <param name="Report">Every node that ran (the whole network when nothing failed).</param>
/// <param name="Failure">The first refusal, or null.</param>
public sealed record NetworkRun(NetworkReport Report, NetworkFailure? Failure);

/// <summary>The node PyTorch would refuse, the refusal (with its place), and the shapes it got.</summary>
/// <param name="Node">The failing node.</param>
/// <param name="Error">The refusal.</param>
/// <param name="Inputs">The shapes of its inputs, in order.</param>
public sealed record NetworkFailure(NetworkNode Node, CnnShapeException Error, IReadOnlyList<Shape> Inputs);

/// <summary>Propagates shapes and receptive fields through a network in topological order, iteratively (no recursion).</summary>
public static class NetworkAnalyzer
{
    /// <summary>
    /// Analyses the network for the given input (or its declared input when <paramref name="input"/> is null), in training
    /// mode as a freshly built PyTorch module runs, or in evaluation mode (<c>model.eval()</c>).
    /// </summary>
    public static NetworkReport Analyze(Network network, Shape? input = null, bool training = true)
    {
        var run = Run(network, input, training);
        if (run.Failure is { } failure) throw failure.Error;
        return run.Report;
    }

    /// <summary>
    /// Runs the network as far as it goes: the report of every node up to the first refusal, and the refusal with the node
    /// and the shapes it got. Errors of the network's structure (unknown names, cycles, no input) are still thrown.
    /// </summary>
    public static NetworkRun Run(Network network, Shape? input = null, bool training = true)
    {
        var shape = input ?? network.DeclaredInput ?? throw new CnnShapeException("the network declares no input shape; give one, e.g. 1x3x224x224.");
        var order = Order(network);
        var tensors = new Dictionary<string, TensorInfo>(order.Count + 1, StringComparer.Ordinal);
        int spatial = Math.Max(0, shape.Rank - 2);
        var inputField = spatial > 0 ? ReceptiveField.Spatial(Enumerable.Range(0, spatial).Select(a => AxisField.Input(shape[2 + a])).ToArray()) : ReceptiveField.None;
        tensors[network.InputName] = TensorInfo.Of(shape, inputField);
        var rows = new List<LayerRow>(order.Count);
        var warnings = new List<string>();
        NetworkFailure? failure = null;
        foreach (var node in order)
        {
            try
            {
                var first = tensors[node.Inputs[0]];
                Shape output;
                long parameters = 0, macs = 0;
                (string, long)? inferred = null;
                ReceptiveField field;
                string type;
                switch (node)
                {
                    case LayerNode l:
                        var result = training ? l.Layer.Apply(first.Shape) : l.Layer.ApplyInEval(first.Shape);
                        inferred = result.Inferred;
                        output = result.Output;
                        parameters = l.SharesParameters ? 0 : result.Params;
                        macs = result.Macs;
                        field = FieldPropagation.ThroughLayer(l.Layer, first.Field, first.Shape, output);
                        type = l.Layer.Type;
                        if (Diagnosis.HiddenArguments.Check(l, first.Shape, output) is string hidden) warnings.Add(hidden);
                        break;
                    case MergeNode m:
                        var ins = node.Inputs.Select(i => tensors[i]).ToList();
                        output = Merge(m, ins.Select(x => x.Shape).ToList());
                        var (union, disagreement) = FieldPropagation.Union(ins.Select(x => x.Field).ToList(), output, m.Inputs);
                        field = union;
                        if (disagreement is not null) warnings.Add($"{node.Place.Location}'{node.Name}': {disagreement}.");
                        if (m.Kind is MergeKind.Stack or MergeKind.MatMul) field = m.Kind == MergeKind.MatMul ? ReceptiveField.Flattened : ReceptiveField.None;
                        type = m.Kind == MergeKind.Concat ? "Concat" : m.Kind.ToString();
                        break;
                    default:
                        throw new InvalidOperationException(node.GetType().Name);
                }
                var dims = TensorInfo.DimsOf(output);
                field = FieldPropagation.WithExtents(field, dims);
                tensors[node.Name] = TensorInfo.Of(output, dims, field);
                rows.Add(new LayerRow(node.Label ?? node.Name, type, dims, parameters, macs, Checked.Mul(output.Numel(), 4, "the activation size"), field) { Tensor = node.Name, Line = node.Place.Line, Text = (node as LayerNode)?.Text, Inputs = node.Inputs, Inferred = inferred, Constant = node is LayerNode { Layer: TensorOp op } && op.Effect(first.Shape, output, 0) == FieldEffect.Constant });
            }
            catch (CnnShapeException e)
            {
                // a refusal print(model) may have caused by hiding ceil_mode=True
                if (e.TooSmall && node is LayerNode hidden && Diagnosis.HiddenArguments.Check(hidden, tensors[node.Inputs[0]].Shape, null) is string why) warnings.Add(why);
                failure = new NetworkFailure(node, e.Within(PlaceOf(node, tensors)), node.Inputs.Select(i => tensors[i].Shape).ToList());
                break;
            }
            catch (OverflowException)
            {
                failure = new NetworkFailure(node, new CnnShapeException(LayerEngine.OverflowRule, PlaceOf(node, tensors)), node.Inputs.Select(i => tensors[i].Shape).ToList());
                break;
            }
        }
        // a failed run never reached the modules after the failing one: only a whole run shows which are idle
        foreach (var (name, count) in failure is null ? network.Idle : [])
        {
            warnings.Add($"'{name}' holds {count:N0} parameters that no row shows (it is never called, or its forward is its own); they count in the total, as PyTorch counts them.");
        }
        var outputs = failure is null ? network.Outputs : [rows.Count > 0 ? rows[^1].Tensor : network.InputName];
        return new NetworkRun(new NetworkReport(TensorInfo.DimsOf(shape), rows, tensors, outputs, warnings) { InputName = network.InputName, Idle = network.Idle, FrozenParams = network.Frozen, ModuleTypes = network.ModuleTypes, FrozenByModule = network.FrozenByModule }, failure);
    }

    /// <summary>The place of a node as data: file and line, its name and text, and the inputs it got.</summary>
    internal static Place PlaceOf(NetworkNode node, IReadOnlyDictionary<string, TensorInfo> tensors)
    {
        string input = node is LayerNode && node.Inputs.Count == 1 && tensors.TryGetValue(node.Inputs[0], out var only)
            ? only.Shape.ToString()
            : string.Join(", ", node.Inputs.Select(i => tensors.TryGetValue(i, out var t) ? $"{i} {t.Shape}" : i));
        return node.Place.Within(new Place
        {
            Kind = node is LayerNode ? "layer" : "merge",
            Node = node.Name,
            Text = node is LayerNode l ? l.Text : null,
            Input = input,
        });
    }

    /// <summary>
    /// Kahn's algorithm: the nodes whose inputs are all known, in file order among equals; unknown names and cycles are refused.
    /// </summary>
    public static List<NetworkNode> Order(Network network)
    {
        var nodes = network.Nodes;
        var position = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (node.Name == network.InputName) throw new CnnShapeException($"the name '{node.Name}' is the network input's; give the layer another name.", node.Place);
            if (!position.TryAdd(node.Name, i)) throw new CnnShapeException($"the name '{node.Name}' is used twice (first at {nodes[position[node.Name]].Place.Location.TrimEnd(' ', ':')}).", node.Place);
        }
        var unknown = new List<string>();
        bool sorted = true;
        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            foreach (var name in node.Inputs)
            {
                if (name == network.InputName) continue;
                if (position.TryGetValue(name, out int j))
                {
                    if (j >= i) sorted = false;
                    continue;
                }
                var hint = Layers.Suggest.Closest(name, position.Keys.Append(network.InputName));
                unknown.Add($"{node.Place.Location}'{node.Name}' reads '{name}', which no layer defines{(hint is null ? "" : $" (did you mean '{hint}'?)")}");
            }
        }
        foreach (var o in network.Outputs)
        {
            if (o != network.InputName && !position.ContainsKey(o)) unknown.Add($"the output '{o}' is not a layer name");
        }
        if (unknown.Count > 0)
        {
            var first = nodes.FirstOrDefault(n => n.Inputs.Any(i => i != network.InputName && !position.ContainsKey(i)));
            throw new CnnShapeException("unknown names: " + string.Join("; ", unknown) + ".", first is null ? null : new Place { File = first.Place.File });
        }
        // every node reads only nodes before it: the file order is the order (Kahn's with ties to the earlier gives the same)
        if (sorted) return [.. nodes];

        // In-degrees and readers as arrays indexed by file position; ties go to the earlier node.
        var waiting = new int[nodes.Count];
        var readerCount = new int[nodes.Count + 1];
        var sources = new List<int>[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            var distinct = new List<int>(1);
            foreach (var name in nodes[i].Inputs)
            {
                if (name == network.InputName) continue;
                int j = position[name];
                if (!distinct.Contains(j)) distinct.Add(j);
            }
            sources[i] = distinct;
            waiting[i] = distinct.Count;
            foreach (int j in distinct) readerCount[j + 1]++;
        }
        for (int i = 0; i < nodes.Count; i++) readerCount[i + 1] += readerCount[i];
        var readers = new int[readerCount[nodes.Count]];
        var fill = (int[])readerCount.Clone();
        for (int i = 0; i < nodes.Count; i++)
        {
            foreach (int j in sources[i]) readers[fill[j]++] = i;
        }
        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < nodes.Count; i++) if (waiting[i] == 0) ready.Enqueue(i, i);
        var order = new List<NetworkNode>(nodes.Count);
        while (ready.TryDequeue(out int i, out _))
        {
            order.Add(nodes[i]);
            for (int r = readerCount[i]; r < readerCount[i + 1]; r++)
            {
                int reader = readers[r];
                if (--waiting[reader] == 0) ready.Enqueue(reader, reader);
            }
        }
        if (order.Count < nodes.Count)
        {
            var waitingNodes = Enumerable.Range(0, nodes.Count).Where(i => waiting[i] > 0).ToList();
            var stuck = waitingNodes.Select(i => $"'{nodes[i].Name}' ({nodes[i].Place.Location.TrimEnd(' ', ':')})").Take(8);
            throw new CnnShapeException($"the network has a cycle: {string.Join(", ", stuck)} wait on each other through their from: references.", new Place { File = nodes[waitingNodes[0]].Place.File });
        }
        return order;
    }

    /// <summary>
    /// Merges: broadcasting for element-wise ops (<see cref="Broadcasting"/>); <c>torch.cat</c> for Concat
    /// (<see cref="Concatenation"/>), <c>torch.stack</c> (<see cref="Stacking"/>), <c>torch.matmul</c> (<see cref="MatrixProduct"/>).
    /// </summary>
    public static Shape Merge(MergeNode node, IReadOnlyList<Shape> shapes)
    {
        if (shapes.Count < 2 && node.Kind is not (MergeKind.Concat or MergeKind.Stack)) throw new CnnShapeException($"{node.Kind} needs at least two inputs.");
        if (shapes.Count == 0) throw new CnnShapeException($"{(node.Kind == MergeKind.Stack ? "stack" : "torch.cat")}() expects a non-empty list of tensors.");
        var dims = shapes.Select(s => s.ToArray()).ToList();
        switch (node.Kind)
        {
            case MergeKind.Concat:
                return Shape.Own(Concatenation.Shape(dims, Dims.Wrap(node.Dim, shapes[0].Rank, "torch.cat", "dim"), node.Inputs));
            case MergeKind.Stack:
                return Shape.Own(Stacking.Shape(dims, Dims.Wrap(node.Dim, shapes[0].Rank + 1, "torch.stack", "dim"), node.Inputs));
            case MergeKind.MatMul:
                if (shapes.Count != 2) throw new CnnShapeException("matmul takes two tensors.");
                return Shape.Own(MatrixProduct.Shape(dims[0], dims[1]));
        }
        return Shape.Own(Broadcasting.Shape(dims, node.Inputs));
    }
}
