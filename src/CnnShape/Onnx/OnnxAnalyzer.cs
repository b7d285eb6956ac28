using CnnShape.Networks;
using CnnShape.Onnx.Operators;
using CnnShape.ReceptiveFields;
using CnnShape.Shapes;
using CnnShape.Symbolic;

namespace CnnShape.Onnx;

/// <summary>
/// Shape inference and receptive fields for an ONNX graph, node by node in graph order, on the operators of
/// <c>Onnx/Operators</c> (which stand on <c>Rules/</c>). Symbolic input sizes travel as exact expressions; a node whose
/// inputs are not known well enough — or whose operator cnnshape does not know — leaves its outputs unknown, and the
/// report says why; a node that ONNX would refuse is refused, naming it.
/// </summary>
public static class OnnxAnalyzer
{
    /// <summary>Analyses the model; <paramref name="input"/> overrides the first graph input's declared shape (dynamic dims included).</summary>
    public static NetworkReport Analyze(OnnxModel model, string fileName, Shape? input = null)
    {
        var g = model.Graph;
        var values = new Dictionary<string, OnnxValue>(StringComparer.Ordinal);
        var warnings = new List<string>();
        var filePlace = new Place { File = fileName };
        foreach (var (name, t) in g.Initializers)
        {
            values[name] = Generators.FromTensor(t, constant: true);
        }
        var realInputs = g.Inputs.Where(i => !g.Initializers.ContainsKey(i.Name)).ToList();
        if (realInputs.Count == 0) throw new CnnShapeException("the graph has no input.", filePlace);
        Dim[]? first = null;
        for (int index = 0; index < realInputs.Count; index++)
        {
            var vi = realInputs[index];
            Dim[] dims;
            if (index == 0 && input is not null) dims = input.ToArray().Select(d => (Dim)d).ToArray();
            else
            {
                if (vi.Shape is null) throw new CnnShapeException($"graph input '{vi.Name}' declares no shape; give one (e.g. 1x3x224x224).", filePlace);
                dims = vi.Shape.Select(d => d.Value is long v ? (v < 0 ? throw new CnnShapeException($"graph input '{vi.Name}' has a negative dimension.", filePlace) : (Dim)v)
                    : d.Symbol is { Length: > 0 } s ? Dim.Symbol(s) : Dim.Unknown()).ToArray();
            }
            int spatial = Math.Max(0, dims.Length - 2);
            values[vi.Name] = new OnnxValue
            {
                Shape = dims,
                Type = 1,
                // inputs after the first hold weights when the model was exported without its parameters
                IsConstant = index > 0,
                Field = index == 0 && spatial > 0 ? ReceptiveField.Spatial(dims[2..].Select(d => d.IsKnown ? AxisField.Input(d.Value) : AxisField.Identity).ToArray()) : ReceptiveField.None,
            };
            first ??= dims;
        }

        var rows = new List<LayerRow>(g.Nodes.Count);
        var produced = new HashSet<string>(g.Nodes.SelectMany(n => n.Outputs), StringComparer.Ordinal);
        for (int n = 0; n < g.Nodes.Count; n++)
        {
            var node = g.Nodes[n];
            string name = node.Name.Length > 0 ? node.Name : $"{node.OpType}_{n}";
            var place = new Place { File = fileName, Kind = "node", Node = name };
            if (node.Outputs.Count == 0) throw new CnnShapeException($"{node.OpType}: the node has no outputs.", place);
            var inputs = new OnnxValue?[node.Inputs.Count];
            string? missing = null;
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (node.Inputs[i].Length == 0) continue;
                if (values.TryGetValue(node.Inputs[i], out var v)) inputs[i] = v;
                else missing ??= node.Inputs[i];
            }
            OnnxValue[]? outs;
            string? why = null;
            var context = new OpContext(node, model.Opset, inputs, i => i < inputs.Length && inputs[i] is { IsConstant: true });
            bool constant = inputs.All(v => v is null || v.IsConstant) && missing is null;
            if (missing is not null)
            {
                outs = null;
                why = $"input '{missing}' is {(produced.Contains(missing) ? "produced later or not known" : "missing from the graph")}";
            }
            else
            {
                try
                {
                    outs = Infer(context, model, values, depth: 0);
                    if (outs is null) why = $"the operator {(node.Domain.Length > 0 ? node.Domain + "." : "")}{node.OpType} is not one cnnshape knows{(node.Attributes.Values.Any(a => a.HasGraph) ? " (it holds a subgraph)" : "")}";
                }
                catch (NotInferable e)
                {
                    outs = null;
                    why = e.Message;
                }
                catch (CnnShapeException e)
                {
                    throw e.Within(place);
                }
                catch (OverflowException)
                {
                    throw new CnnShapeException(LayerEngine.OverflowRule, place);
                }
            }
            foreach (var note in context.Notes) warnings.Add($"node '{name}' ({node.OpType}): {note}.");
            if (outs is null)
            {
                warnings.Add($"unknown: node '{name}' ({node.OpType}): {why}; its outputs are left unknown.");
                foreach (var o in node.Outputs) if (o.Length > 0) values[o] = OnnxValue.Unknown();
                rows.Add(new LayerRow(name, node.OpType, null, 0, 0, 0, ReceptiveField.None) { Tensor = node.Outputs[0], Inputs = node.Inputs });
                continue;
            }
            for (int i = 0; i < outs.Length; i++)
            {
                if (outs[i].Field is SpatialField) outs[i] = outs[i].WithField(FieldPropagation.WithExtents(outs[i].Field, outs[i].Shape));
            }
            for (int i = 0; i < node.Outputs.Count; i++)
            {
                if (node.Outputs[i].Length == 0) continue;
                values[node.Outputs[i]] = i < outs.Length ? (constant ? outs[i].AsConstant() : outs[i]) : OnnxValue.Unknown();
            }
            var y = outs.Length > 0 ? outs[0] : OnnxValue.Unknown();
            // constants are not activations
            var bytes = constant ? 0 : y.Shape is null ? Dim.Unknown() : Dim.Product(y.Shape) * ElementBytes(y.Type);
            rows.Add(new LayerRow(name, node.OpType, y.Shape, context.Params, context.Macs, bytes, y.Field) { Tensor = node.Outputs[0], Inputs = node.Inputs, Constant = constant });
        }

        var tensors = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        foreach (var (name, v) in values) tensors[name] = new TensorInfo(v.Shape, v.Field);
        var outputs = g.Outputs.Select(o => o.Name).Where(tensors.ContainsKey).ToList();
        if (outputs.Count == 0) throw new CnnShapeException($"no graph output could be inferred ({string.Join("; ", warnings.Take(3))}).", filePlace);
        return new NetworkReport(first!, rows, tensors, outputs, warnings) { InputName = realInputs[0].Name };
    }

    /// <summary>The outputs of one node from its operator, or — for an If — from the branch its condition picks.</summary>
    private static OnnxValue[]? Infer(OpContext context, OnnxModel model, Dictionary<string, OnnxValue> scope, int depth)
    {
        var node = context.Node;
        if (node.OpType == "If" && node.Domain is "" or "ai.onnx") return Branch(context, model, scope, depth);
        return Registry.Infer(context);
    }

    /// <summary>
    /// If: runs the branch the condition picks when the condition is known — an exporter's test of a size (PyTorch's
    /// squeeze of a dynamic axis exports <c>If(Equal(Gather(Shape(x), axis), 1))</c>, Squeeze or Identity), computed here
    /// from the shapes. The branch sees every value of the enclosing graph; its outputs are the If's. A condition that
    /// depends on a symbolic size leaves the outputs unknown (the branches may differ even in rank).
    /// </summary>
    private static OnnxValue[] Branch(OpContext context, OnnxModel model, Dictionary<string, OnnxValue> scope, int depth)
    {
        if (depth >= 16) throw new NotInferable("If nodes are nested more than 16 deep");
        var cond = context.In(0);
        bool? taken = cond.Ints is [{ IsKnown: true } d] ? d.Value != 0 : cond.Floats is [var f] ? f != 0 : null;
        if (taken is null) throw new NotInferable("its condition is not known from the shapes (it depends on a symbolic size)");
        string which = taken.Value ? "then_branch" : "else_branch";
        var branch = context.Node.Attributes.GetValueOrDefault(which)?.Graph ?? throw context.Refuse($"the If has no {which} graph.");
        var inner = new Dictionary<string, OnnxValue>(scope, StringComparer.Ordinal);
        foreach (var (name, t) in branch.Initializers) inner[name] = Generators.FromTensor(t, constant: true);
        foreach (var node in branch.Nodes)
        {
            var inputs = new OnnxValue?[node.Inputs.Count];
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (node.Inputs[i].Length == 0) continue;
                inputs[i] = inner.TryGetValue(node.Inputs[i], out var v) ? v : throw new NotInferable($"its {which} reads '{node.Inputs[i]}', which is not known");
            }
            var inside = new OpContext(node, model.Opset, inputs, i => i < inputs.Length && inputs[i] is { IsConstant: true });
            var outs = Infer(inside, model, inner, depth + 1) ?? throw new NotInferable($"its {which} holds the operator {node.OpType}, which cnnshape does not know");
            bool constant = inputs.All(v => v is null || v.IsConstant);
            for (int i = 0; i < node.Outputs.Count; i++)
            {
                if (node.Outputs[i].Length > 0) inner[node.Outputs[i]] = i < outs.Length ? (constant ? outs[i].AsConstant() : outs[i]) : OnnxValue.Unknown();
            }
        }
        return branch.Outputs.Select(o => inner.TryGetValue(o.Name, out var v) ? v : throw new NotInferable($"its {which} does not compute its output '{o.Name}'")).ToArray();
    }

    /// <summary>Bytes per element of an ONNX data type (float32 when unknown, as the activation column assumes).</summary>
    private static long ElementBytes(int type) => type switch
    {
        2 or 3 or 9 => 1,
        4 or 5 or 10 or 16 => 2,
        7 or 11 or 13 => 8,
        _ => 4,
    };
}
