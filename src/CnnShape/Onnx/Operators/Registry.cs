namespace CnnShape.Onnx.Operators;

/// <summary>Which inference each ONNX operator of the default domain gets; null for an operator cnnshape does not know.</summary>
internal static class Registry
{
    private static readonly HashSet<string> UnaryOps =
    [
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Elu", "Selu", "Celu", "Softplus", "Softsign", "Gelu", "Mish",
        "Erf", "Exp", "Log", "Sqrt", "Neg", "Abs", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Not", "Sin", "Cos", "Tan", "Asin",
        "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Softmax", "LogSoftmax", "Hardmax", "ThresholdedRelu", "Shrink",
        "IsNaN", "IsInf", "Dropout", "BitwiseNot",
    ];

    private static readonly HashSet<string> BroadcastOps =
    [
        "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min", "Sum", "Mean", "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual",
        "And", "Or", "Xor", "Where", "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor",
    ];

    private static readonly HashSet<string> ReduceOps =
    [
        "ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare",
    ];

    /// <summary>The node's outputs, or null when the operator is not one cnnshape knows.</summary>
    public static OnnxValue[]? Infer(OpContext c)
    {
        if (c.Node.Domain is not ("" or "ai.onnx")) return null;
        string op = c.Op;
        if (UnaryOps.Contains(op)) return Elementwise.Unary(c);
        if (BroadcastOps.Contains(op)) return Elementwise.Broadcast(c);
        if (ReduceOps.Contains(op)) return Generators.Reduce(c);
        return op switch
        {
            "Conv" => Convolutions.Conv(c),
            "ConvTranspose" => Convolutions.ConvTranspose(c),
            "MaxPool" or "AveragePool" or "LpPool" => Pools.Pool(c),
            "GlobalAveragePool" or "GlobalMaxPool" or "GlobalLpPool" => Pools.Global(c),
            "BatchNormalization" or "InstanceNormalization" => Normalizations.PerChannel(c),
            "LayerNormalization" => Normalizations.Layer(c),
            "GroupNormalization" => Normalizations.Group(c),
            "LRN" or "MeanVarianceNormalization" or "LpNormalization" => Normalizations.Same(c),
            "Identity" or "Clip" => Elementwise.Identity(c),
            "Cast" or "CastLike" => Elementwise.Cast(c),
            "PRelu" => Elementwise.PRelu(c),
            "Shape" => ShapeOps.Shape(c),
            "Size" => ShapeOps.Size(c),
            "Reshape" => ShapeOps.Reshape(c),
            "Flatten" => ShapeOps.Flatten(c),
            "Squeeze" => ShapeOps.Squeeze(c),
            "Unsqueeze" => ShapeOps.Unsqueeze(c),
            "Transpose" => ShapeOps.Transpose(c),
            "Concat" => ShapeOps.Concat(c),
            "Split" => ShapeOps.Split(c),
            "Slice" => ShapeOps.Slice(c),
            "Gather" => ShapeOps.Gather(c),
            "GatherElements" => ShapeOps.LikeInput(c, 1),
            "ScatterElements" or "ScatterND" or "Scatter" => ShapeOps.LikeInput(c, 0),
            "Tile" => ShapeOps.Tile(c),
            "Expand" => ShapeOps.Expand(c),
            "DepthToSpace" or "SpaceToDepth" => ShapeOps.DepthSpace(c),
            "Resize" or "Upsample" => Resizing.Resize(c),
            "Pad" => Resizing.Pad(c),
            "Col2Im" => Resizing.Col2Im(c),
            "Gemm" => Linear.Gemm(c),
            "MatMul" => Linear.MatMul(c),
            "Einsum" => Linear.Einsum(c),
            "Constant" => Generators.Constant(c),
            "ConstantOfShape" => Generators.ConstantOfShape(c),
            "Range" => Generators.Range(c),
            "NonZero" => Generators.NonZero(c),
            "TopK" => Generators.TopK(c),
            "ArgMax" or "ArgMin" => Generators.ArgReduce(c),
            "EyeLike" or "RandomNormalLike" or "RandomUniformLike" or "Bernoulli" or "CumSum" or "Trilu" => Generators.Like(c),
            "RandomNormal" or "RandomUniform" => Generators.Random(c),
            "DFT" => NewOps.Dft(c),
            "CenterCropPad" => NewOps.CenterCropPad(c),
            "AffineGrid" => NewOps.AffineGrid(c),
            _ => null,
        };
    }
}
