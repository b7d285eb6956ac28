namespace CnnShape.Onnx;

/// <summary>A dimension as declared in an ONNX value: a number, a symbol (<c>"N"</c>), or unknown.</summary>
/// <param name="Value">The size, when known.</param>
/// <param name="Symbol">The symbolic name, when declared as dim_param.</param>
public sealed record OnnxDim(long? Value, string? Symbol);

/// <summary>A tensor's declared name and shape (graph input, output or value_info).</summary>
/// <param name="Name">Value name.</param>
/// <param name="Shape">Declared dims, or null when no shape is declared.</param>
public sealed record OnnxValueInfo(string Name, OnnxDim[]? Shape);

/// <summary>An initializer or constant tensor: dims and type always; values only for small integer/float tensors (shape arithmetic).</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="Dims">Dimensions.</param>
/// <param name="DataType">ONNX TensorProto.DataType.</param>
/// <param name="Ints">Integer values (INT64/INT32/…) of a small tensor.</param>
/// <param name="Floats">Float values (FLOAT/DOUBLE) of a small tensor.</param>
public sealed record OnnxTensor(string Name, long[] Dims, int DataType, long[]? Ints, double[]? Floats);

/// <summary>A node attribute (only the fields shape inference reads).</summary>
/// <param name="Name">Attribute name.</param>
/// <param name="Int">The int value.</param>
/// <param name="Float">The float value.</param>
/// <param name="String">The string value.</param>
/// <param name="Ints">The ints value.</param>
/// <param name="Floats">The floats value.</param>
/// <param name="Tensor">The tensor value.</param>
/// <param name="HasGraph">Whether it holds a subgraph (If/Loop/Scan).</param>
public sealed record OnnxAttribute(string Name, long? Int, float? Float, string? String, long[]? Ints, float[]? Floats, OnnxTensor? Tensor, bool HasGraph)
{
    /// <summary>The subgraph of a graph attribute (an If's then_branch and else_branch).</summary>
    public OnnxGraph? Graph { get; init; }
}

/// <summary>One node.</summary>
/// <param name="Name">Node name (may be empty).</param>
/// <param name="OpType">Operator.</param>
/// <param name="Domain">Operator domain ("" is the default ONNX domain).</param>
/// <param name="Inputs">Input value names ("" marks an omitted optional input).</param>
/// <param name="Outputs">Output value names.</param>
/// <param name="Attributes">Attributes by name.</param>
public sealed record OnnxNode(string Name, string OpType, string Domain, List<string> Inputs, List<string> Outputs, Dictionary<string, OnnxAttribute> Attributes);

/// <summary>The main graph of a model, without any weight bytes.</summary>
public sealed class OnnxGraph
{
    /// <summary>Nodes in file order.</summary>
    public List<OnnxNode> Nodes { get; } = [];
    /// <summary>Graph inputs (initializers may be listed here too).</summary>
    public List<OnnxValueInfo> Inputs { get; } = [];
    /// <summary>Graph outputs.</summary>
    public List<OnnxValueInfo> Outputs { get; } = [];
    /// <summary>Intermediate value declarations.</summary>
    public List<OnnxValueInfo> ValueInfo { get; } = [];
    /// <summary>Initializers by name (dims and type; values only when small).</summary>
    public Dictionary<string, OnnxTensor> Initializers { get; } = new(StringComparer.Ordinal);
}

/// <summary>A model: opsets and the main graph.</summary>
public sealed class OnnxModel
{
    /// <summary>Opset version per domain.</summary>
    public Dictionary<string, long> Opsets { get; } = new(StringComparer.Ordinal);
    /// <summary>The main graph.</summary>
    public OnnxGraph Graph { get; set; } = new();
    /// <summary>The default-domain opset (ai.onnx).</summary>
    public long Opset => Opsets.TryGetValue("", out var v) ? v : Opsets.TryGetValue("ai.onnx", out v) ? v : 1;
}
