using CnnShape.Internal;
using CnnShape.Networks;
using CnnShape.ReceptiveFields;
using CnnShape.Shapes;

namespace CnnShape.Formats.Onnx;

/// <summary>
/// Shape inference and receptive fields for the operators CNN exports use, node by node in graph order, with the
/// shape arithmetic PyTorch's exporter writes (Shape → Gather → Unsqueeze → Concat → Reshape) folded to constants.
/// An operator it does not know makes its outputs unknown; the rest of the graph goes on and the report says why.
/// </summary>
public static class OnnxAnalyzer
{
    private sealed class Value
    {
        public required long[] Shape;
        public long[]? Ints;
        public double[]? Floats;
        public ReceptiveField Field = ReceptiveField.None;
    }

    /// <summary>Values substituted for one symbolic dimension: three runs tell constants, the symbol and its linear multiples apart.</summary>
    private static readonly long[] Probes = [1009, 2003, 3011];

    /// <summary>
    /// Analyses the model; <paramref name="input"/> overrides the first graph input's declared shape. Without it, one
    /// symbolic dimension (a dynamic batch, say) travels as a symbol: the graph is run with three probe values for it and
    /// each dimension is reported as a number, the symbol, a linear expression a*symbol+b that fits all three runs, or ?.
    /// </summary>
    public static NetworkReport Analyze(OnnxModel model, string fileName, Shape? input = null)
    {
        var symbols = model.Graph.Inputs.Where(i => !model.Graph.Initializers.ContainsKey(i.Name) && i.Shape is not null)
            .SelectMany(i => i.Shape!).Where(d => d.Value is null).Select(d => d.Symbol ?? "?").Distinct().ToList();
        if (input is not null || symbols.Count == 0) return Run(model, fileName, input, null);
        if (symbols.Count > 1 || symbols[0] == "?")
        {
            throw new CnnShapeException($"{fileName}: the graph inputs have the symbolic dimensions {string.Join(", ", symbols.Select(x => $"'{x}'"))}; bind them with --input (cnnshape carries one symbol at a time).");
        }
        string symbol = symbols[0];
        var runs = Probes.Select(p => Run(model, fileName, null, new Dictionary<string, long> { [symbol] = p })).ToArray();
        var symbolic = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (name, (shape, _)) in runs[0].Tensors)
        {
            if (!runs[1].Tensors.TryGetValue(name, out var b) || !runs[2].Tensors.TryGetValue(name, out var c) || b.Shape.Rank != shape.Rank || c.Shape.Rank != shape.Rank)
            {
                symbolic[name] = Enumerable.Repeat("?", shape.Rank).ToArray();
                continue;
            }
            var dims = new string[shape.Rank];
            bool anySymbolic = false;
            for (int i = 0; i < shape.Rank; i++)
            {
                dims[i] = Expression(symbol, shape[i], b.Shape[i], c.Shape[i]);
                anySymbolic |= !long.TryParse(dims[i], out _);
            }
            if (anySymbolic) symbolic[name] = dims;
        }
        return runs[0] with { Symbolic = symbolic };
    }

    /// <summary>The dimension as a number, the symbol, or a·symbol + b when that fits all three probes; otherwise "?".</summary>
    private static string Expression(string symbol, long v0, long v1, long v2)
    {
        if (v0 == v1 && v1 == v2) return v0.ToString(System.Globalization.CultureInfo.InvariantCulture);
        long dp = Probes[1] - Probes[0];
        if ((v1 - v0) % dp != 0) return "?";
        long a = (v1 - v0) / dp, b = v0 - a * Probes[0];
        if (a * Probes[2] + b != v2) return "?";
        string term = a == 1 ? symbol : $"{a}*{symbol}";
        return b == 0 ? term : $"{term}{(b > 0 ? "+" : "-")}{Math.Abs(b)}";
    }

    private static NetworkReport Run(OnnxModel model, string fileName, Shape? input, Dictionary<string, long>? bindings)
    {
        var g = model.Graph;
        var values = new Dictionary<string, Value>(StringComparer.Ordinal);
        var warnings = new List<string>();
        foreach (var (name, t) in g.Initializers) values[name] = new Value { Shape = t.Dims, Ints = t.Ints, Floats = t.Floats };
        var realInputs = g.Inputs.Where(i => !g.Initializers.ContainsKey(i.Name)).ToList();
        if (realInputs.Count == 0) throw new CnnShapeException($"{fileName}: the graph has no input.");
        Shape? first = null;
        foreach (var (vi, index) in realInputs.Select((v, i) => (v, i)))
        {
            long[] dims;
            if (index == 0 && input is not null) dims = input.ToArray();
            else
            {
                if (vi.Shape is null) throw new CnnShapeException($"{fileName}: graph input '{vi.Name}' declares no shape; give one with --input.");
                if (bindings is not null && vi.Shape.All(d => d.Value is not null || d.Symbol is not null && bindings.ContainsKey(d.Symbol)))
                {
                    dims = vi.Shape.Select(d => d.Value ?? bindings[d.Symbol!]).ToArray();
                }
                else if (vi.Shape.Any(d => d.Value is null))
                {
                    var sym = vi.Shape.First(d => d.Value is null);
                    throw new CnnShapeException($"{fileName}: graph input '{vi.Name}' has the symbolic dimension '{sym.Symbol ?? "?"}'; bind it with --input (e.g. --input {string.Join("x", vi.Shape.Select(d => d.Value ?? 1))}).");
                }
                else dims = vi.Shape.Select(d => d.Value!.Value).ToArray();
            }
            if (dims.Any(d => d < 0)) throw new CnnShapeException($"{fileName}: graph input '{vi.Name}' has a negative dimension.");
            int spatial = Math.Max(0, dims.Length - 2);
            values[vi.Name] = new Value
            {
                Shape = dims,
                Field = index == 0 && spatial > 0 ? ReceptiveField.Spatial(Enumerable.Repeat(AxisField.Identity, spatial).ToArray()) : ReceptiveField.None,
            };
            first ??= Shape.Own(dims);
        }
        var rows = new List<LayerRow>();
        var unknown = new List<string>();
        int index2 = 0;
        foreach (var node in g.Nodes)
        {
            string nodeName = node.Name.Length > 0 ? node.Name : $"{node.OpType}_{index2}";
            index2++;
            var missing = node.Inputs.Where(i => i.Length > 0 && !values.ContainsKey(i)).ToList();
            if (missing.Count > 0)
            {
                unknown.Add($"node '{nodeName}' ({node.OpType}): input '{missing[0]}' is {(g.Nodes.Any(n => n.Outputs.Contains(missing[0])) ? "unknown" : "missing from the graph")}");
                continue;
            }
            try
            {
                var outs = Infer(node, model.Opset, values, out long parameters, out long macs);
                if (outs is null)
                {
                    unknown.Add($"node '{nodeName}': operator {(node.Domain.Length > 0 ? node.Domain + "." : "")}{node.OpType} is not supported{(node.Attributes.Values.Any(a => a.HasGraph) ? " (it holds a subgraph)" : "")}");
                    continue;
                }
                for (int i = 0; i < outs.Count && i < node.Outputs.Count; i++)
                {
                    if (node.Outputs[i].Length > 0) values[node.Outputs[i]] = outs[i];
                }
                var o = outs[0];
                rows.Add(new LayerRow(nodeName, node.OpType, Shape.Own(o.Shape), parameters, macs, Checked.Mul(Shape.Own(o.Shape).Numel(), 4, "the activation size"), o.Field) { Tensor = node.Outputs[0] });
            }
            catch (CnnShapeException e)
            {
                throw new CnnShapeException($"{fileName}: node '{nodeName}' ({node.OpType}): {e.Message}");
            }
            catch (Exception e) when (e is OverflowException or IndexOutOfRangeException or ArgumentException or DivideByZeroException
                or InvalidOperationException or KeyNotFoundException or NullReferenceException)
            {
                throw new CnnShapeException($"{fileName}: node '{nodeName}' ({node.OpType}): its attributes or input shapes are inconsistent ({e.GetType().Name}).");
            }
        }
        foreach (var u in unknown) warnings.Add("unknown: " + u);
        var tensors = new Dictionary<string, (Shape, ReceptiveField)>(StringComparer.Ordinal);
        // Every value the graph takes in (inputs and initializers) or produces.
        foreach (var (name, v) in values) tensors[name] = (Shape.Own(v.Shape), v.Field);
        var outputs = g.Outputs.Select(o => o.Name).Where(tensors.ContainsKey).ToList();
        if (outputs.Count == 0) throw new CnnShapeException($"{fileName}: no graph output could be inferred ({string.Join("; ", unknown.Take(3))}).");
        return new NetworkReport(first!, rows, tensors, outputs, warnings) { InputName = realInputs[0].Name };
    }

    private static long[]? Ints(OnnxNode n, string name) => n.Attributes.TryGetValue(name, out var a) ? a.Ints ?? (a.Int is long i ? [i] : null) : null;
    private static long Int(OnnxNode n, string name, long fallback) => n.Attributes.TryGetValue(name, out var a) && a.Int is long i ? i : fallback;
    private static string Str(OnnxNode n, string name, string fallback) => n.Attributes.TryGetValue(name, out var a) && a.String is string s ? s : fallback;

    private static long Numel(long[] shape) => shape.Aggregate(1L, (p, d) => Checked.Mul(p, d, "an element count"));

    private static Value Same(Value v) => new() { Shape = v.Shape, Field = v.Field, Ints = v.Ints, Floats = v.Floats };

    private static int Axis(long axis, int rank) => (int)(axis < 0 ? axis + rank : axis) is var a && a >= 0 && a < Math.Max(rank, 1) ? a : throw new CnnShapeException($"axis {axis} is out of range for rank {rank}");

    private static List<Value>? Infer(OnnxNode n, long opset, Dictionary<string, Value> values, out long parameters, out long macs)
    {
        parameters = 0;
        macs = 0;
        Value In(int i) => i < n.Inputs.Count && n.Inputs[i].Length > 0 ? values[n.Inputs[i]] : throw new CnnShapeException($"input {i} is required");
        bool Has(int i) => i < n.Inputs.Count && n.Inputs[i].Length > 0;
        var x = n.Inputs.Count > 0 && n.Inputs[0].Length > 0 ? values[n.Inputs[0]] : null;
        if (x is null && n.OpType is not ("Constant" or "Range")) throw new CnnShapeException("its first input is missing");
        switch (n.OpType)
        {
            case "Conv":
            case "ConvTranspose":
                {
                    var w = In(1).Shape;
                    int spatial = x!.Shape.Length - 2;
                    var k = Ints(n, "kernel_shape") ?? w[2..];
                    var s = Ints(n, "strides") ?? Enumerable.Repeat(1L, spatial).ToArray();
                    var d = Ints(n, "dilations") ?? Enumerable.Repeat(1L, spatial).ToArray();
                    long group = Int(n, "group", 1);
                    bool transposed = n.OpType == "ConvTranspose";
                    long outChannels = transposed ? Checked.Mul(w[1], group, "the channels") : w[0];
                    var (pb, pe) = Pads(n, x.Shape[2..], k, s, d, transposed);
                    var shape = (long[])x.Shape.Clone();
                    shape[1] = outChannels;
                    var field = x.Field;
                    var outputShape = Ints(n, "output_shape");
                    var outputPadding = Ints(n, "output_padding") ?? new long[spatial];
                    for (int i = 0; i < spatial; i++)
                    {
                        long e = d[i] * (k[i] - 1) + 1;
                        shape[2 + i] = transposed
                            ? outputShape is not null ? outputShape[^spatial..][i] : s[i] * (x.Shape[2 + i] - 1) + outputPadding[i] + e - pb[i] - pe[i]
                            : Checked.FloorDiv(x.Shape[2 + i] + pb[i] + pe[i] - e, s[i]) + 1;
                        if (shape[2 + i] < 1) throw new CnnShapeException($"the output size on spatial axis {i} is {shape[2 + i]} (input {x.Shape[2 + i]}, kernel {k[i]}, stride {s[i]}, pads {pb[i]}+{pe[i]})");
                    }
                    field = WindowField(field, k, s, pb, d, transposed);
                    parameters = Numel(w) + (Has(2) ? Numel(In(2).Shape) : 0);
                    long perOutput = transposed ? 0 : Numel(w[1..]);
                    macs = transposed ? Checked.Mul(Numel(x.Shape), Numel(w[1..]), "the MAC count") : Checked.Mul(Numel(shape), perOutput, "the MAC count");
                    return [new Value { Shape = shape, Field = field }];
                }
            case "MaxPool":
            case "AveragePool":
            case "LpPool":
                {
                    int spatial = x!.Shape.Length - 2;
                    var k = Ints(n, "kernel_shape") ?? throw new CnnShapeException("kernel_shape is required");
                    var s = Ints(n, "strides") ?? Enumerable.Repeat(1L, spatial).ToArray();
                    var d = Ints(n, "dilations") ?? Enumerable.Repeat(1L, spatial).ToArray();
                    bool ceil = Int(n, "ceil_mode", 0) == 1;
                    var (pb, pe) = Pads(n, x.Shape[2..], k, s, d, false);
                    var shape = (long[])x.Shape.Clone();
                    for (int i = 0; i < spatial; i++)
                    {
                        long e = d[i] * (k[i] - 1) + 1;
                        long span = x.Shape[2 + i] + pb[i] + pe[i] - e;
                        // ONNX: 1 + floor or ceil((in + pads − effective kernel)/stride); in ceil mode a last window starting
                        // inside the end padding is dropped, as PyTorch does (onnx shape inference ≥ 1.13 agrees).
                        long o = (ceil ? -Checked.FloorDiv(-span, s[i]) : Checked.FloorDiv(span, s[i])) + 1;
                        if (ceil && (o - 1) * s[i] >= x.Shape[2 + i] + pb[i]) o--;
                        shape[2 + i] = o;
                        if (o < 1) throw new CnnShapeException($"the output size on spatial axis {i} is {o}");
                    }
                    var v = new Value { Shape = shape, Field = WindowField(x.Field, k, s, pb, d, false) };
                    return [v, v];
                }
            case "GlobalAveragePool":
            case "GlobalMaxPool":
            case "GlobalLpPool":
                {
                    var shape = x!.Shape.Select((dim, i) => i < 2 ? dim : 1L).ToArray();
                    return [new Value { Shape = shape, Field = ReceptiveField.Global }];
                }
            case "BatchNormalization":
                parameters = Has(1) ? Numel(In(1).Shape) * 2 : 0;
                return [Same(x!)];
            case "InstanceNormalization":
            case "LayerNormalization":
            case "GroupNormalization":
                parameters = (Has(1) ? Numel(In(1).Shape) : 0) + (Has(2) ? Numel(In(2).Shape) : 0);
                return [Same(x!)];
            case "Relu" or "LeakyRelu" or "Sigmoid" or "Tanh" or "HardSigmoid" or "HardSwish" or "Elu" or "Selu" or "Celu" or "Softplus" or "Softsign"
                or "Erf" or "Exp" or "Log" or "Sqrt" or "Neg" or "Abs" or "Reciprocal" or "Floor" or "Ceil" or "Round" or "Sign" or "Not"
                or "Softmax" or "LogSoftmax" or "Hardmax" or "LRN" or "Mish" or "Gelu" or "ThresholdedRelu" or "Shrink" or "IsNaN" or "IsInf":
                return [new Value { Shape = x!.Shape, Field = x.Field }];
            case "Clip":
                return [new Value { Shape = x!.Shape, Field = x.Field, Ints = x.Ints, Floats = x.Floats }];
            case "Identity" or "Dropout" or "Cast" or "CastLike":
                return [Same(x!), new Value { Shape = x!.Shape, Field = x.Field }];
            case "PRelu":
                parameters = Has(1) ? Numel(In(1).Shape) : 0;
                return [new Value { Shape = x!.Shape, Field = x.Field }];
            case "Add" or "Sub" or "Mul" or "Div" or "Pow" or "Max" or "Min" or "Sum" or "Mean" or "Equal" or "Greater" or "Less"
                or "GreaterOrEqual" or "LessOrEqual" or "And" or "Or" or "Xor" or "Where" or "Mod" or "BitShift":
                {
                    var ins = Enumerable.Range(0, n.Inputs.Count).Where(Has).Select(In).ToList();
                    var shape = Broadcast(ins.Select(v => v.Shape).ToList());
                    var fields = ins.Where(v => !IsWeight(v, values)).Select(v => v.Field).ToList();
                    var (field, _) = FieldPropagation.Union(fields, Shape.Own(shape), n.Inputs);
                    var result = new Value { Shape = shape, Field = field };
                    if (ins.Count == 2 && ins.All(v => v.Ints is not null) && n.OpType is "Add" or "Sub" or "Mul" or "Div")
                    {
                        result.Ints = FoldInts(ins[0].Ints!, ins[1].Ints!, n.OpType, Numel(shape));
                    }
                    return [result];
                }
            case "Concat":
                {
                    var ins = Enumerable.Range(0, n.Inputs.Count).Where(Has).Select(In).ToList();
                    int rank = ins[0].Shape.Length;
                    int axis = Axis(Int(n, "axis", 0), rank);
                    var shape = (long[])ins[0].Shape.Clone();
                    shape[axis] = ins.Sum(v => v.Shape[axis]);
                    var (field, _) = FieldPropagation.Union(ins.Select(v => v.Field).ToList(), Shape.Own(shape), n.Inputs);
                    var result = new Value { Shape = shape, Field = field };
                    if (rank == 1 && ins.All(v => v.Ints is not null)) result.Ints = ins.SelectMany(v => v.Ints!).ToArray();
                    return [result];
                }
            case "Flatten":
                {
                    int rank = x!.Shape.Length;
                    long axis = Int(n, "axis", 1);
                    int a = (int)(axis < 0 ? axis + rank : axis);
                    var shape = new[] { Numel(x.Shape[..a]), Numel(x.Shape[a..]) };
                    return [new Value { Shape = shape, Field = x.Field is SpatialField ? ReceptiveField.Flattened : x.Field }];
                }
            case "Gemm":
                {
                    var a = In(0).Shape; var b = In(1).Shape;
                    bool ta = Int(n, "transA", 0) == 1, tb = Int(n, "transB", 0) == 1;
                    long m = ta ? a[1] : a[0], kk = ta ? a[0] : a[1], nn = tb ? b[0] : b[1];
                    parameters = (IsWeight(In(1), values) ? Numel(b) : 0) + (Has(2) && IsWeight(In(2), values) ? Numel(In(2).Shape) : 0);
                    macs = Checked.Mul(Checked.Mul(m, nn, "the MAC count"), kk, "the MAC count");
                    return [new Value { Shape = [m, nn], Field = Mixed(In(0).Field) }];
                }
            case "MatMul":
                {
                    var a = In(0).Shape; var b = In(1).Shape;
                    var shape = MatMulShape(a, b);
                    parameters = IsWeight(In(1), values) ? Numel(b) : 0;
                    macs = Checked.Mul(Numel(shape), a[^1], "the MAC count");
                    return [new Value { Shape = shape, Field = Mixed(In(0).Field) }];
                }
            case "Reshape":
                {
                    var target = In(1).Ints ?? throw new CnnShapeException("the target shape is not a constant cnnshape could fold");
                    bool allowZero = Int(n, "allowzero", 0) == 1;
                    var shape = new long[target.Length];
                    int infer = -1;
                    for (int i = 0; i < target.Length; i++)
                    {
                        if (target[i] == 0 && !allowZero) shape[i] = x!.Shape[i];
                        else if (target[i] == -1) { if (infer >= 0) throw new CnnShapeException("more than one -1 in the target shape"); infer = i; shape[i] = 1; }
                        else shape[i] = target[i];
                    }
                    long total = Numel(x!.Shape);
                    if (infer >= 0)
                    {
                        long rest = Numel(shape);
                        if (rest == 0 || total % rest != 0) throw new CnnShapeException($"cannot reshape {Shape.Format(x.Shape)} into {Shape.Format(target)}");
                        shape[infer] = total / rest;
                    }
                    if (Numel(shape) != total) throw new CnnShapeException($"cannot reshape {Shape.Format(x.Shape)} ({total} elements) into {Shape.Format(shape)}");
                    return [new Value { Shape = shape, Field = KeepSpatial(x, shape), Ints = x.Ints }];
                }
            case "Transpose":
                {
                    int rank = x!.Shape.Length;
                    var perm = Ints(n, "perm") ?? Enumerable.Range(0, rank).Reverse().Select(i => (long)i).ToArray();
                    var shape = perm.Select(p => x.Shape[p]).ToArray();
                    int spatial = x.Field is SpatialField sf ? sf.Axes.Length : 0;
                    bool keeps = spatial > 0 && Enumerable.Range(0, spatial).All(i => perm[rank - spatial + i] == rank - spatial + i);
                    return [new Value { Shape = shape, Field = keeps || x.Field is not SpatialField ? x.Field : ReceptiveField.None }];
                }
            case "Squeeze":
            case "Unsqueeze":
                {
                    var axes = opset >= 13 && Has(1) ? In(1).Ints ?? throw new CnnShapeException("axes are not constant") : Ints(n, "axes");
                    var shape = new List<long>(x!.Shape);
                    if (n.OpType == "Squeeze")
                    {
                        var drop = axes is null ? Enumerable.Range(0, shape.Count).Where(i => shape[i] == 1).ToHashSet() : axes.Select(a => Axis(a, shape.Count)).ToHashSet();
                        shape = shape.Where((_, i) => !drop.Contains(i)).ToList();
                    }
                    else
                    {
                        int rank = shape.Count + (axes?.Length ?? 0);
                        foreach (var a in (axes ?? []).Select(a => Axis(a, rank)).Order()) shape.Insert(a, 1);
                    }
                    return [new Value { Shape = [.. shape], Ints = x.Ints, Field = KeepSpatial(x, [.. shape]) }];
                }
            case "Shape":
                {
                    long start = Int(n, "start", 0), end = Int(n, "end", x!.Shape.Length);
                    int r = x.Shape.Length;
                    int s0 = (int)Math.Clamp(start < 0 ? start + r : start, 0, r), e0 = (int)Math.Clamp(end < 0 ? end + r : end, 0, r);
                    var dims = x.Shape[s0..Math.Max(s0, e0)];
                    return [new Value { Shape = [dims.Length], Ints = dims }];
                }
            case "Size":
                return [new Value { Shape = [], Ints = [Numel(x!.Shape)] }];
            case "Gather":
                {
                    var data = x!; var idx = In(1);
                    int axis = Axis(Int(n, "axis", 0), data.Shape.Length);
                    var shape = data.Shape[..axis].Concat(idx.Shape).Concat(data.Shape[(axis + 1)..]).ToArray();
                    var result = new Value { Shape = shape };
                    if (data.Ints is not null && idx.Ints is not null && data.Shape.Length == 1)
                    {
                        result.Ints = idx.Ints.Select(i => data.Ints[(int)(i < 0 ? i + data.Shape[0] : i)]).ToArray();
                    }
                    return [result];
                }
            case "Constant":
                {
                    if (n.Attributes.TryGetValue("value", out var a) && a.Tensor is { } t) return [new Value { Shape = t.Dims, Ints = t.Ints, Floats = t.Floats }];
                    if (n.Attributes.TryGetValue("value_ints", out var vi) && vi.Ints is { } ints) return [new Value { Shape = [ints.Length], Ints = ints }];
                    if (n.Attributes.TryGetValue("value_int", out var v1) && v1.Int is long one) return [new Value { Shape = [], Ints = [one] }];
                    if (n.Attributes.TryGetValue("value_float", out var vf) && vf.Float is float f) return [new Value { Shape = [], Floats = [f] }];
                    if (n.Attributes.TryGetValue("value_floats", out var vfs) && vfs.Floats is { } fs) return [new Value { Shape = [fs.Length], Floats = fs.Select(z => (double)z).ToArray() }];
                    return null;
                }
            case "ConstantOfShape":
                {
                    var shape = x!.Ints ?? throw new CnnShapeException("the shape input is not a constant");
                    var value = n.Attributes.TryGetValue("value", out var a) && a.Tensor?.Ints is { Length: 1 } iv ? iv[0] : (long?)null;
                    long count = Numel(shape);
                    return [new Value { Shape = shape, Ints = value is long vv && count <= OnnxReader.MaxKeptValues ? Enumerable.Repeat(vv, (int)count).ToArray() : null }];
                }
            case "Slice":
                {
                    long[]? starts, ends, axes, steps;
                    if (opset >= 10)
                    {
                        starts = In(1).Ints; ends = In(2).Ints;
                        axes = Has(3) ? In(3).Ints : null; steps = Has(4) ? In(4).Ints : null;
                        if (starts is null || ends is null || (Has(3) && axes is null) || (Has(4) && steps is null)) throw new CnnShapeException("starts/ends/axes/steps are not constants");
                    }
                    else { starts = Ints(n, "starts"); ends = Ints(n, "ends"); axes = Ints(n, "axes"); steps = null; }
                    var shape = (long[])x!.Shape.Clone();
                    var ranges = new (long Start, long Step, long Count)[shape.Length];
                    for (int i = 0; i < shape.Length; i++) ranges[i] = (0, 1, shape[i]);
                    for (int i = 0; i < starts!.Length; i++)
                    {
                        int a = Axis(axes?[i] ?? i, shape.Length);
                        long dim = x.Shape[a], step = steps?[i] ?? 1;
                        if (step == 0) throw new CnnShapeException("a slice step cannot be 0");
                        long st = starts[i] < 0 ? starts[i] + dim : starts[i], en = ends![i] < 0 ? ends[i] + dim : ends[i];
                        if (step > 0) { st = Math.Clamp(st, 0, dim); en = Math.Clamp(en, 0, dim); shape[a] = Math.Max(0, (en - st + step - 1) / step); }
                        else { st = Math.Clamp(st, 0, dim - 1); en = Math.Clamp(en, -1, dim - 1); shape[a] = Math.Max(0, (st - en + (-step) - 1) / -step); }
                        ranges[a] = (st, step, shape[a]);
                    }
                    var result = new Value { Shape = shape, Field = KeepSpatial(x, shape) };
                    if (x.Ints is not null && shape.Length == 1) result.Ints = Enumerable.Range(0, (int)shape[0]).Select(i => x.Ints[ranges[0].Start + i * ranges[0].Step]).ToArray();
                    return [result];
                }
            case "Pad":
                {
                    var pads = opset >= 11 ? (Has(1) ? In(1).Ints : null) : Ints(n, "pads");
                    if (pads is null) throw new CnnShapeException("pads are not a constant");
                    int rank = x!.Shape.Length;
                    var axesList = opset >= 18 && Has(3) ? In(3).Ints!.Select(a => Axis(a, rank)).ToArray() : Enumerable.Range(0, rank).ToArray();
                    var shape = (long[])x.Shape.Clone();
                    var before = new long[rank];
                    for (int i = 0; i < axesList.Length; i++)
                    {
                        shape[axesList[i]] += pads[i] + pads[i + axesList.Length];
                        before[axesList[i]] = pads[i];
                        if (shape[axesList[i]] < 0) throw new CnnShapeException($"padding leaves a negative size on axis {axesList[i]}");
                    }
                    var field = x.Field;
                    if (field is SpatialField sf)
                    {
                        int spatial = sf.Axes.Length;
                        var ones = Enumerable.Repeat(1L, spatial).ToArray();
                        field = WindowField(field, ones, ones, before[^spatial..], ones, false);
                    }
                    return [new Value { Shape = shape, Field = field }];
                }
            case "Resize":
            case "Upsample":
                {
                    long[]? sizes = null;
                    double[]? scales = null;
                    if (n.OpType == "Upsample" || opset < 11) scales = (Has(1) ? In(1).Floats : null) ?? n.Attributes.GetValueOrDefault("scales")?.Floats?.Select(f => (double)f).ToArray();
                    else
                    {
                        if (Has(3)) sizes = In(3).Ints;
                        if (sizes is null && Has(2)) scales = In(2).Floats;
                    }
                    var shape = (long[])x!.Shape.Clone();
                    if (sizes is not null && sizes.Length == shape.Length) shape = (long[])sizes.Clone();
                    else if (scales is not null && scales.Length == shape.Length)
                    {
                        // ONNX: output = floor(input · scale)
                        for (int i = 0; i < shape.Length; i++) shape[i] = (long)Math.Floor(x.Shape[i] * scales[i]);
                    }
                    else throw new CnnShapeException("neither constant scales nor constant sizes were found");
                    var field = x.Field;
                    if (field is SpatialField sf)
                    {
                        int spatial = sf.Axes.Length;
                        var axes = new AxisField[spatial];
                        string mode = Str(n, "mode", "nearest");
                        int taps = mode == "linear" ? 2 : mode == "cubic" ? 4 : 1;
                        for (int i = 0; i < spatial; i++) axes[i] = FieldPropagation.Nearest(sf.Axes[i], x.Shape[^spatial..][i], shape[^spatial..][i], taps);
                        field = ReceptiveField.Spatial(axes);
                    }
                    return [new Value { Shape = shape, Field = field }];
                }
            case "Split":
                {
                    int axis = Axis(Int(n, "axis", 0), x!.Shape.Length);
                    var split = opset >= 13 && Has(1) ? In(1).Ints : Ints(n, "split");
                    int count = n.Outputs.Count;
                    if (split is null)
                    {
                        long dim = x.Shape[axis];
                        long each = (dim + count - 1) / count;
                        split = Enumerable.Range(0, count).Select(i => Math.Min(each, Math.Max(0, dim - i * each))).ToArray();
                    }
                    return split.Select(part => { var s = (long[])x.Shape.Clone(); s[axis] = part; return new Value { Shape = s, Field = x.Field }; }).ToList();
                }
            case "ReduceMean" or "ReduceMax" or "ReduceMin" or "ReduceSum" or "ReduceProd" or "ReduceL1" or "ReduceL2" or "ReduceLogSumExp" or "ReduceSumSquare":
                {
                    var axes = (opset >= 18 || n.OpType == "ReduceSum" && opset >= 13) && Has(1) ? In(1).Ints : Ints(n, "axes");
                    bool keep = Int(n, "keepdims", 1) == 1;
                    int rank = x!.Shape.Length;
                    var set = (axes ?? Enumerable.Range(0, rank).Select(i => (long)i).ToArray()).Select(a => Axis(a, rank)).ToHashSet();
                    var shape = keep ? x.Shape.Select((d, i) => set.Contains(i) ? 1L : d).ToArray() : x.Shape.Where((_, i) => !set.Contains(i)).ToArray();
                    bool spatialReduced = x.Field is SpatialField sf && Enumerable.Range(rank - sf.Axes.Length, sf.Axes.Length).Any(set.Contains);
                    return [new Value { Shape = shape, Field = spatialReduced ? ReceptiveField.Global : x.Field }];
                }
            case "Expand":
                {
                    var target = In(1).Ints ?? throw new CnnShapeException("the shape is not a constant");
                    return [new Value { Shape = Broadcast([x!.Shape, target]), Field = x.Field }];
                }
            case "Range":
                {
                    var (a, b, c) = (In(0), In(1), In(2));
                    if (a.Ints is null || b.Ints is null || c.Ints is null || c.Ints[0] == 0) throw new CnnShapeException("start/limit/delta are not integer constants");
                    long count = Math.Max(0, -Checked.FloorDiv(-(b.Ints[0] - a.Ints[0]), c.Ints[0]));
                    return [new Value { Shape = [count] }];
                }
            case "Tile":
                {
                    var reps = In(1).Ints ?? throw new CnnShapeException("repeats are not a constant");
                    return [new Value { Shape = x!.Shape.Select((d, i) => Checked.Mul(d, reps[i], "the tiled size")).ToArray() }];
                }
            case "DepthToSpace":
            case "SpaceToDepth":
                {
                    long b = Int(n, "blocksize", 1);
                    var sh = x!.Shape;
                    var shape = n.OpType == "DepthToSpace" ? new[] { sh[0], sh[1] / (b * b), sh[2] * b, sh[3] * b } : [sh[0], sh[1] * b * b, sh[2] / b, sh[3] / b];
                    return [new Value { Shape = shape, Field = x.Field }];
                }
            default:
                return null;
        }
    }

    private static bool IsWeight(Value v, Dictionary<string, Value> values) => v.Field is NoField && v.Floats is null && v.Ints is null;

    private static ReceptiveField Mixed(ReceptiveField field) => field switch
    {
        NoField { FromSpatial: true } or SpatialField or GlobalField => ReceptiveField.Global,
        _ => field,
    };

    private static ReceptiveField KeepSpatial(Value x, long[] shape)
    {
        if (x.Field is not SpatialField sf) return x.Field;
        int n = sf.Axes.Length;
        if (shape.Length >= n && x.Shape.Length >= n && shape[^n..].SequenceEqual(x.Shape[^n..])) return x.Field;
        return ReceptiveField.Flattened;
    }

    private static ReceptiveField WindowField(ReceptiveField field, long[] k, long[] s, long[] pb, long[] d, bool transposed)
    {
        if (field is not SpatialField sf) return field;
        var axes = (AxisField[])sf.Axes.Clone();
        int offset = axes.Length - k.Length;
        for (int i = 0; i < k.Length; i++)
        {
            if (i + offset < 0) continue;
            axes[i + offset] = transposed
                ? FieldPropagation.Transposed(axes[i + offset], k[i], s[i], pb[i], d[i])
                : FieldPropagation.Window(axes[i + offset], k[i], s[i], pb[i], d[i]);
        }
        return ReceptiveField.Spatial(axes);
    }

    /// <summary>Explicit pads (begin…, end…), or auto_pad: SAME_UPPER/SAME_LOWER pad to ⌈in/s⌉ outputs (extra at the end / beginning), VALID none.</summary>
    private static (long[] Begin, long[] End) Pads(OnnxNode n, long[] input, long[] k, long[] s, long[] d, bool transposed)
    {
        int spatial = input.Length;
        string auto = Str(n, "auto_pad", "NOTSET");
        var begin = new long[spatial];
        var end = new long[spatial];
        if (auto is "SAME_UPPER" or "SAME_LOWER")
        {
            for (int i = 0; i < spatial; i++)
            {
                long e = d[i] * (k[i] - 1) + 1;
                long total = transposed
                    ? Math.Max(0, s[i] * (input[i] - 1) + e - input[i] * s[i])
                    : Math.Max(0, ((input[i] + s[i] - 1) / s[i] - 1) * s[i] + e - input[i]);
                begin[i] = auto == "SAME_UPPER" ? total / 2 : total - total / 2;
                end[i] = total - begin[i];
            }
            return (begin, end);
        }
        if (auto == "VALID") return (begin, end);
        var pads = Ints(n, "pads");
        if (pads is not null)
        {
            if (pads.Length != 2 * spatial) throw new CnnShapeException($"pads has {pads.Length} values for {spatial} spatial axes");
            for (int i = 0; i < spatial; i++) { begin[i] = pads[i]; end[i] = pads[i + spatial]; }
        }
        return (begin, end);
    }

    private static long[] Broadcast(List<long[]> shapes)
    {
        int rank = shapes.Max(s => s.Length);
        var result = new long[rank];
        for (int a = 0; a < rank; a++)
        {
            long size = 1;
            foreach (var s in shapes)
            {
                int k = s.Length - rank + a;
                long dim = k >= 0 ? s[k] : 1;
                if (dim == size || dim == 1) continue;
                if (size == 1) { size = dim; continue; }
                throw new CnnShapeException($"shapes {string.Join(" and ", shapes.Select(x => Shape.Format(x)))} do not broadcast");
            }
            result[a] = size;
        }
        return result;
    }

    private static long[] MatMulShape(long[] a, long[] b)
    {
        if (a.Length == 0 || b.Length == 0) throw new CnnShapeException("MatMul needs inputs of rank ≥ 1");
        var a2 = a.Length == 1 ? new[] { 1L, a[0] } : a;
        var b2 = b.Length == 1 ? new[] { b[0], 1L } : b;
        if (a2[^1] != b2[^2]) throw new CnnShapeException($"MatMul: {Shape.Format(a)} and {Shape.Format(b)} cannot be multiplied");
        var batch = Broadcast([a2[..^2], b2[..^2]]);
        var shape = batch.Concat(new[] { a2[^2], b2[^1] }).ToList();
        if (a.Length == 1) shape.RemoveAt(shape.Count - 2);
        if (b.Length == 1) shape.RemoveAt(shape.Count - 1);
        return [.. shape];
    }

    private static long[]? FoldInts(long[] a, long[] b, string op, long count)
    {
        if (count > OnnxReader.MaxKeptValues) return null;
        var r = new long[count];
        for (int i = 0; i < count; i++)
        {
            long x = a[a.Length == 1 ? 0 : i], y = b[b.Length == 1 ? 0 : i];
            r[i] = op switch { "Add" => x + y, "Sub" => x - y, "Mul" => x * y, _ => y == 0 ? 0 : Checked.FloorDiv(x, y) };
        }
        return r;
    }
}
