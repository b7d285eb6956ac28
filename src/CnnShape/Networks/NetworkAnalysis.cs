using CnnShape.Internal;
using CnnShape.Layers;
using CnnShape.ReceptiveFields;
using CnnShape.Rules;
using CnnShape.Shapes;

namespace CnnShape.Networks;

/// <summary>One row of the per-layer report.</summary>
/// <param name="Name">Node name.</param>
/// <param name="Type">Layer class or merge kind.</param>
/// <param name="Output">Output shape.</param>
/// <param name="Params">Learnable parameters.</param>
/// <param name="Macs">Multiply–accumulates for the whole input.</param>
/// <param name="ActivationBytes">Bytes of the output tensor in float32.</param>
/// <param name="Field">Receptive field of the output.</param>
public sealed record LayerRow(string Name, string Type, Shape Output, long Params, long Macs, long ActivationBytes, ReceptiveField Field)
{
    /// <summary>The name of the row's output tensor (the node name, except for ONNX, where values have their own names).</summary>
    public string Tensor { get; init; } = Name;
}

/// <summary>The analysis of a whole network for one input shape.</summary>
/// <param name="Input">The input shape used.</param>
/// <param name="Layers">Every node, in execution order.</param>
/// <param name="Tensors">Every tensor's shape and field, by name.</param>
/// <param name="Outputs">The output tensor names.</param>
/// <param name="Warnings">Merges whose paths disagree in jump or centre, with both paths named.</param>
public sealed record NetworkReport(Shape Input, IReadOnlyList<LayerRow> Layers, IReadOnlyDictionary<string, (Shape Shape, ReceptiveField Field)> Tensors, IReadOnlyList<string> Outputs, IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// Tensors whose dimensions depend on a symbolic input dimension (an ONNX <c>dim_param</c> such as "batch"), each
    /// dimension written as an integer, the symbol, a linear expression of it (<c>2*batch</c>) or <c>?</c>; absent when
    /// every dimension is known.
    /// </summary>
    public IReadOnlyDictionary<string, string[]>? Symbolic { get; init; }

    /// <summary>The name of the (first) input tensor.</summary>
    public string InputName { get; init; } = "input";

    /// <summary>Total learnable parameters.</summary>
    public long TotalParams => Layers.Aggregate(0L, (sum, r) => Checked.Add(sum, r.Params, "the parameter total"));
    /// <summary>Total MACs.</summary>
    public long TotalMacs => Layers.Aggregate(0L, (sum, r) => Checked.Add(sum, r.Macs, "the MAC total"));
    /// <summary>Total activation bytes (every node output, float32).</summary>
    public long TotalActivationBytes => Layers.Aggregate(0L, (sum, r) => Checked.Add(sum, r.ActivationBytes, "the activation total"));
}

/// <summary>Propagates shapes and receptive fields through a network in topological order, iteratively (no recursion).</summary>
public static class NetworkAnalyzer
{
    /// <summary>
    /// Analyses the network for the given input (or its declared input when <paramref name="input"/> is null), in training
    /// mode as a freshly built PyTorch module runs, or in evaluation mode (<c>model.eval()</c>).
    /// </summary>
    public static NetworkReport Analyze(Network network, Shape? input = null, bool training = true)
    {
        var shape = input ?? network.DeclaredInput ?? throw new CnnShapeException("the network declares no input shape; pass one with --input, e.g. --input 1x3x224x224.");
        var order = Order(network);
        var tensors = new Dictionary<string, (Shape Shape, ReceptiveField Field)>(StringComparer.Ordinal);
        int spatial = Math.Max(0, shape.Rank - 2);
        var inputField = spatial > 0 ? ReceptiveField.Spatial(Enumerable.Repeat(AxisField.Identity, spatial).ToArray()) : ReceptiveField.None;
        tensors[network.InputName] = (shape, inputField);
        var rows = new List<LayerRow>(order.Count);
        var warnings = new List<string>();
        foreach (var node in order)
        {
            try
            {
                var ins = node.Inputs.Select(i => tensors[i]).ToList();
                Shape output;
                long parameters = 0, macs = 0;
                ReceptiveField field;
                string type;
                switch (node)
                {
                    case LayerNode l:
                        var result = training ? l.Layer.Apply(ins[0].Shape) : l.Layer.ApplyInEval(ins[0].Shape);
                        output = result.Output;
                        parameters = result.Params;
                        macs = result.Macs;
                        field = FieldPropagation.ThroughLayer(l.Layer, ins[0].Field, ins[0].Shape, output);
                        type = l.Layer.Type;
                        break;
                    case MergeNode m:
                        output = Merge(m, ins.Select(x => x.Shape).ToList());
                        var (union, disagreement) = FieldPropagation.Union(ins.Select(x => x.Field).ToList(), output, m.Inputs);
                        field = union;
                        if (disagreement is not null) warnings.Add($"{node.Place.Location}'{node.Name}': {disagreement}.");
                        type = m.Kind == MergeKind.Concat ? "Concat" : m.Kind.ToString();
                        break;
                    default:
                        throw new InvalidOperationException(node.GetType().Name);
                }
                tensors[node.Name] = (output, field);
                rows.Add(new LayerRow(node.Name, type, output, parameters, macs, Checked.Mul(output.Numel(), 4, "the activation size"), field));
            }
            catch (CnnShapeException e)
            {
                throw e.Within(PlaceOf(node, tensors));
            }
            catch (OverflowException)
            {
                throw new CnnShapeException(LayerEngine.OverflowRule, PlaceOf(node, tensors));
            }
        }
        return new NetworkReport(shape, rows, tensors, network.Outputs, warnings);
    }

    /// <summary>The place of a node as data: file and line, its name and text, and the inputs it got.</summary>
    internal static Place PlaceOf(NetworkNode node, IReadOnlyDictionary<string, (Shape Shape, ReceptiveField Field)> tensors)
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
        var byName = new Dictionary<string, NetworkNode>(StringComparer.Ordinal);
        foreach (var node in network.Nodes)
        {
            if (node.Name == network.InputName) throw new CnnShapeException($"the name '{node.Name}' is the network input's; give the layer another name.", node.Place);
            if (!byName.TryAdd(node.Name, node)) throw new CnnShapeException($"the name '{node.Name}' is used twice (first at {byName[node.Name].Place.Location.TrimEnd(' ', ':')}).", node.Place);
        }
        var unknown = new List<string>();
        foreach (var node in network.Nodes)
        {
            foreach (var i in node.Inputs)
            {
                if (i != network.InputName && !byName.ContainsKey(i))
                {
                    var hint = Layers.Suggest.Closest(i, byName.Keys.Append(network.InputName));
                    unknown.Add($"{node.Place.Location}'{node.Name}' reads '{i}', which no layer defines{(hint is null ? "" : $" (did you mean '{hint}'?)")}");
                }
            }
        }
        foreach (var o in network.Outputs)
        {
            if (o != network.InputName && !byName.ContainsKey(o)) unknown.Add($"the output '{o}' is not a layer name");
        }
        if (unknown.Count > 0)
        {
            var first = network.Nodes.FirstOrDefault(n => n.Inputs.Any(i => i != network.InputName && !byName.ContainsKey(i)));
            throw new CnnShapeException("unknown names: " + string.Join("; ", unknown) + ".", first is null ? null : new Place { File = first.Place.File });
        }

        // In-degrees and readers as arrays indexed by file position; ties go to the earlier node.
        var nodes = network.Nodes;
        var position = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++) position[nodes[i].Name] = i;
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

    /// <summary>Merges: broadcasting for element-wise ops (<see cref="Broadcasting"/>); <c>torch.cat</c> for Concat (<see cref="Concatenation"/>).</summary>
    internal static Shape Merge(MergeNode node, List<Shape> shapes)
    {
        if (shapes.Count < 2 && node.Kind != MergeKind.Concat) throw new CnnShapeException($"{node.Kind} needs at least two inputs.");
        var dims = shapes.Select(s => s.ToArray()).ToList();
        if (node.Kind == MergeKind.Concat)
        {
            int dim = Dims.Wrap(node.Dim, shapes[0].Rank, "torch.cat", "dim");
            return Shape.Own(Concatenation.Shape(dims, dim, node.Inputs));
        }
        return Shape.Own(Broadcasting.Shape(dims, node.Inputs));
    }
}
