using CnnShape.Symbolic;

namespace CnnShape.Onnx.Operators;

/// <summary>
/// The contents of small tensors moved by the operators that rearrange elements (Transpose, Slice, Concat): row-major,
/// with every dimension known; each output element is the input element an index map names.
/// </summary>
internal static class Contents
{
    /// <summary>
    /// The output's contents: element <c>o</c> (a multi-index of <paramref name="output"/>) is the input element at the
    /// index <paramref name="source"/> writes for it; null when a shape is symbolic or the tensor too big to keep.
    /// </summary>
    public static T[]? Map<T>(T[]? values, Dim[] input, Dim[] output, Action<long[], long[]> source)
    {
        if (values is null || input.Any(d => !d.IsKnown) || output.Any(d => !d.IsKnown)) return null;
        var inDims = input.Select(d => d.Value).ToArray();
        var outDims = output.Select(d => d.Value).ToArray();
        long count = outDims.Aggregate(1L, (p, d) => p * d);
        if (count > OpContext.MaxKept || values.Length != inDims.Aggregate(1L, (p, d) => p * d)) return null;
        var result = new T[count];
        var o = new long[outDims.Length];
        var i = new long[inDims.Length];
        for (long k = 0; k < count; k++)
        {
            long rest = k;
            for (int a = outDims.Length - 1; a >= 0; a--)
            {
                o[a] = rest % outDims[a];
                rest /= outDims[a];
            }
            source(o, i);
            long flat = 0;
            for (int a = 0; a < inDims.Length; a++)
            {
                if (i[a] < 0 || i[a] >= inDims[a]) return null;
                flat = flat * inDims[a] + i[a];
            }
            result[k] = values[flat];
        }
        return result;
    }
}
