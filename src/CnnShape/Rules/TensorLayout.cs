using CnnShape.Internal;

namespace CnnShape.Rules;

/// <summary>
/// How PyTorch lays a tensor out in memory (sizes and strides), which decides whether <c>view</c> can reinterpret it:
/// contiguous strides, the strides a view of new sizes gets (ATen <c>computeStride</c>, TensorUtils.cpp), the size a
/// <c>-1</c> stands for (ATen <c>infer_size</c>, InferSize.h), and the dense layout an element-wise result takes after
/// its input (ATen <c>infer_dense_strides</c>, TensorIterator's output layout).
/// </summary>
public static class TensorLayout
{
    /// <summary>Row-major strides: the last dimension moves by 1; a size-0 or size-1 dimension counts as 1 for the ones before it.</summary>
    public static long[] Contiguous(IReadOnlyList<long> sizes)
    {
        var strides = new long[sizes.Count];
        long s = 1;
        for (int i = sizes.Count - 1; i >= 0; i--)
        {
            strides[i] = s;
            s = Checked.Mul(s, Math.Max(sizes[i], 1), "a stride");
        }
        return strides;
    }

    /// <summary>
    /// The strides of a view with <paramref name="newShape"/>, or null when the memory cannot be reinterpreted (PyTorch:
    /// "view size is not compatible with input tensor's size and stride"). The old dimensions are cut into chunks that are
    /// contiguous among themselves (stride[i] = size[i+1]·stride[i+1]); the new sizes must cut into chunks of the same
    /// element counts, in order.
    /// </summary>
    public static long[]? ViewStrides(IReadOnlyList<long> oldShape, IReadOnlyList<long> oldStrides, IReadOnlyList<long> newShape)
    {
        var result = new long[newShape.Count];
        if (oldShape.Count == 0)
        {
            Array.Fill(result, 1);
            return result;
        }
        long numel = 1;
        foreach (var d in oldShape) numel = Checked.Mul(numel, d, "the element count");
        if (numel == 0 && oldShape.SequenceEqual(newShape)) return [.. oldStrides];
        if (numel == 0)
        {
            // the strides of an empty tensor are arbitrary; PyTorch makes them contiguous-like
            for (int d = newShape.Count - 1; d >= 0; d--)
            {
                result[d] = d == newShape.Count - 1 ? 1 : Checked.Mul(Math.Max(newShape[d + 1], 1), result[d + 1], "a stride");
            }
            return result;
        }
        int view = newShape.Count - 1;
        long chunkBase = oldStrides[^1];
        long tensorNumel = 1, viewNumel = 1;
        for (int t = oldShape.Count - 1; t >= 0; t--)
        {
            tensorNumel = Checked.Mul(tensorNumel, oldShape[t], "the element count");
            bool chunkEnds = t == 0 || oldShape[t - 1] != 1 && oldStrides[t - 1] != Checked.Mul(tensorNumel, chunkBase, "a stride");
            if (!chunkEnds) continue;
            while (view >= 0 && (viewNumel < tensorNumel || newShape[view] == 1))
            {
                result[view] = Checked.Mul(viewNumel, chunkBase, "a stride");
                viewNumel = Checked.Mul(viewNumel, newShape[view], "the element count");
                view--;
            }
            if (viewNumel != tensorNumel) return null;
            if (t > 0)
            {
                chunkBase = oldStrides[t - 1];
                tensorNumel = 1;
                viewNumel = 1;
            }
        }
        return view == -1 ? result : null;
    }

    /// <summary>
    /// The sizes of <c>view</c>/<c>reshape</c>: one −1 stands for what the element count leaves; anything else must
    /// multiply to exactly <paramref name="numel"/>. <paramref name="op"/> names the call in messages.
    /// </summary>
    public static long[] InferSize(IReadOnlyList<long> sizes, long numel, string op)
    {
        long product = 1;
        int inferred = -1;
        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] == -1)
            {
                if (inferred >= 0) throw new CnnShapeException($"{op}: only one dimension can be inferred (-1), got {Shape(sizes)}.");
                inferred = i;
            }
            else if (sizes[i] < 0) throw new CnnShapeException($"{op}: invalid shape dimension {sizes[i]} in {Shape(sizes)}.");
            else product = Checked.Mul(product, sizes[i], "the element count");
        }
        var result = sizes.ToArray();
        if (inferred >= 0)
        {
            if (product == 0)
            {
                throw new CnnShapeException($"{op}: cannot reshape a tensor of {numel} elements into shape {Shape(sizes)} because the unspecified dimension size -1 can be any value and is ambiguous.");
            }
            if (numel % product != 0)
            {
                throw new CnnShapeException($"{op}: shape '{Shape(sizes)}' is invalid for input of size {numel} ({numel} is not a multiple of {product}, the product of the other sizes).",
                    mismatch: new Mismatch("view", product, numel, inferred));
            }
            result[inferred] = numel / product;
            return result;
        }
        if (product != numel)
        {
            throw new CnnShapeException($"{op}: shape '{Shape(sizes)}' is invalid for input of size {numel} (the sizes multiply to {product}).",
                mismatch: new Mismatch("view", product, numel, 0));
        }
        return result;
    }

    private static string Shape(IReadOnlyList<long> sizes) => "[" + string.Join(", ", sizes) + "]";

    /// <summary>
    /// The layout of an element-wise result whose input has <paramref name="strides"/>: the same strides when the input
    /// is non-overlapping and dense; otherwise dense strides with the dimensions in the input's order of strides.
    /// </summary>
    public static long[] DenseLike(IReadOnlyList<long> sizes, IReadOnlyList<long> strides)
    {
        if (IsNonOverlappingAndDense(sizes, strides)) return [.. strides];
        int n = sizes.Count;
        // dimensions from innermost to outermost: smaller stride first; size-1 dimensions and ties keep the later dimension inner
        var perm = Enumerable.Range(0, n).Reverse().ToList();
        for (int i = 1; i < n; i++)
        {
            for (int j = i; j > 0; j--)
            {
                int a = perm[j - 1], b = perm[j];
                if (sizes[a] == 1 || sizes[b] == 1) break;
                if (strides[b] < strides[a]) (perm[j - 1], perm[j]) = (perm[j], perm[j - 1]);
                else break;
            }
        }
        var result = new long[n];
        long s = 1;
        foreach (int d in perm)
        {
            result[d] = s;
            s = Checked.Mul(s, Math.Max(sizes[d], 1), "a stride");
        }
        return result;
    }

    /// <summary>Whether the elements fill a block of memory exactly once, in some order of the dimensions.</summary>
    public static bool IsNonOverlappingAndDense(IReadOnlyList<long> sizes, IReadOnlyList<long> strides)
    {
        int n = sizes.Count;
        if (n == 1) return sizes[0] < 2 || strides[0] == 1;
        var order = Enumerable.Range(0, n).OrderBy(d => sizes[d] < 2 ? long.MaxValue : strides[d]).ThenBy(d => d).ToList();
        long expected = 1;
        foreach (int d in order)
        {
            if (sizes[d] == 1) continue;
            if (strides[d] != expected) return false;
            expected = Checked.Mul(expected, sizes[d], "a stride");
        }
        return true;
    }

    /// <summary>Whether the strides are the contiguous ones (dimensions of size 1 may have any stride).</summary>
    public static bool IsContiguous(IReadOnlyList<long> sizes, IReadOnlyList<long> strides)
    {
        long expected = 1;
        for (int i = sizes.Count - 1; i >= 0; i--)
        {
            if (sizes[i] == 0) return true;
            if (sizes[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected = Checked.Mul(expected, sizes[i], "a stride");
        }
        return true;
    }
}
