using CnnShape.Symbolic;

namespace CnnShape.Rules;

/// <summary>
/// PyTorch and ONNX (multidirectional) broadcasting: shapes aligned from the right, missing leading dimensions count as 1,
/// and each result dimension is the one size the operands share, where a 1 stretches (ATen <c>infer_size</c>; ONNX
/// Broadcasting.md).
/// </summary>
public static class Broadcasting
{
    /// <summary>The broadcast shape; a clash is refused naming both operands (by <paramref name="names"/> when given) and the sizes.</summary>
    public static long[] Shape(IReadOnlyList<long[]> shapes, IReadOnlyList<string>? names = null) =>
        Shape(shapes.Select(s => s.Select(d => (Dim)d).ToArray()).ToList(), names, out _).Select(d => d.Value).ToArray();

    /// <summary>
    /// The broadcast shape of symbolic shapes: a known size other than 1 wins over a symbolic one (which must then equal it
    /// or be 1); two different symbolic sizes are left to the first, reported in <paramref name="undecided"/>. Only known
    /// sizes that clash are refused.
    /// </summary>
    public static Dim[] Shape(IReadOnlyList<Dim[]> shapes, IReadOnlyList<string>? names, out string? undecided)
    {
        undecided = null;
        int rank = 0;
        foreach (var s in shapes) rank = Math.Max(rank, s.Length);
        var result = new Dim[rank];
        for (int a = 0; a < rank; a++)
        {
            Dim size = 1;
            int owner = 0;
            for (int s = 0; s < shapes.Count; s++)
            {
                var sh = shapes[s];
                int k = sh.Length - rank + a;
                Dim d = k >= 0 ? sh[k] : 1;
                if (d == size || d == 1) continue;
                if (size == 1)
                {
                    size = d;
                    owner = s;
                    continue;
                }
                if (!d.IsKnown || !size.IsKnown)
                {
                    if (!size.IsKnown && d.IsKnown) size = d;
                    else undecided ??= $"dimension {a} is {size} in one input and {d} in another; cnnshape takes {size}";
                    continue;
                }
                string Name(int i) => names is not null && i < names.Count ? $"'{names[i]}' is {Dim.Format(shapes[i])}" : Dim.Format(shapes[i]);
                throw new CnnShapeException(
                    $"the shapes do not broadcast: {Name(owner)} and {Name(s)} (dimension {a} of the result: {size} vs {d}; sizes must be equal or 1).",
                    mismatch: new Mismatch("broadcast", size.Value, d.Value, a - rank));
            }
            result[a] = size;
        }
        return result;
    }
}

/// <summary>
/// <c>torch.cat</c> / ONNX <c>Concat</c>: every input has the same rank and the same sizes except along the dimension
/// joined, whose sizes add up (ATen <c>cat</c> shape check; ONNX Concat). PyTorch still skips legacy 1-D empty tensors.
/// </summary>
public static class Concatenation
{
    /// <summary>The joined shape along <paramref name="dim"/> (already wrapped); a mismatch names both inputs and the dimension.</summary>
    public static long[] Shape(IReadOnlyList<long[]> shapes, int dim, IReadOnlyList<string>? names = null, bool skipLegacyEmpty = false) =>
        Shape(shapes.Select(s => s.Select(d => (Dim)d).ToArray()).ToList(), dim, names, skipLegacyEmpty).Select(d => d.Value).ToArray();

    /// <summary>The joined shape of symbolic shapes: only known sizes that differ are refused.</summary>
    public static Dim[] Shape(IReadOnlyList<Dim[]> shapes, int dim, IReadOnlyList<string>? names, bool skipLegacyEmpty = false)
    {
        Dim[]? first = null;
        int firstIndex = 0;
        Dim joined = 0;
        for (int s = 0; s < shapes.Count; s++)
        {
            var shape = shapes[s];
            if (skipLegacyEmpty && shape.Length == 1 && shape[0] == 0) continue;
            string Name(int i) => names is not null && i < names.Count ? $"'{names[i]}' is {Dim.Format(shapes[i])}" : Dim.Format(shapes[i]);
            if (first is null)
            {
                first = shape;
                firstIndex = s;
                if (dim >= shape.Length) throw new CnnShapeException($"dimension {dim} is out of range for {Name(s)}.");
            }
            else if (shape.Length != first.Length)
            {
                throw new CnnShapeException($"tensors must have the same number of dimensions to be concatenated: {Name(firstIndex)} and {Name(s)}.");
            }
            else
            {
                for (int a = 0; a < first.Length; a++)
                {
                    if (a != dim && shape[a] != first[a] && shape[a].IsKnown && first[a].IsKnown)
                    {
                        throw new CnnShapeException(
                            $"sizes of tensors must match except in dimension {dim}: {Name(firstIndex)} and {Name(s)} differ in dimension {a} ({first[a]} vs {shape[a]}).",
                            mismatch: new Mismatch("cat", first[a].Value, shape[a].Value, a));
                    }
                }
            }
            joined += shape[dim];
        }
        if (first is null) return [0];
        var result = (Dim[])first.Clone();
        result[dim] = joined;
        return result;
    }
}

/// <summary><c>torch.stack</c>: every input has the same shape; the result has a new dimension of their count at <c>dim</c> (ATen <c>stack</c>).</summary>
public static class Stacking
{
    /// <summary>The stacked shape; <paramref name="dim"/> is already wrapped against rank + 1.</summary>
    public static long[] Shape(IReadOnlyList<long[]> shapes, int dim, IReadOnlyList<string>? names = null)
    {
        if (shapes.Count == 0) throw new CnnShapeException("stack expects a non-empty TensorList.");
        for (int s = 1; s < shapes.Count; s++)
        {
            if (!shapes[s].SequenceEqual(shapes[0]))
            {
                string Name(int i) => names is not null && i < names.Count ? $"'{names[i]}' is {Dim.Format(shapes[i].Select(d => (Dim)d).ToArray())}" : Dim.Format(shapes[i].Select(d => (Dim)d).ToArray());
                throw new CnnShapeException($"stack expects each tensor to be equal size: {Name(0)} but {Name(s)}.");
            }
        }
        var result = new List<long>(shapes[0]);
        result.Insert(dim, shapes.Count);
        return [.. result];
    }
}

/// <summary>
/// <c>torch.matmul</c> (and <c>@</c>): 1-D·1-D is a dot product; a 1-D operand is a row (first) or column (second)
/// vector whose added dimension is removed again; the last two dimensions multiply as matrices, (n×m)·(m×p) = n×p; the
/// dimensions before them broadcast (ATen <c>matmul</c>, LinearAlgebra.cpp).
/// </summary>
public static class MatrixProduct
{
    /// <summary>The product's shape; a mismatch of the inner sizes is refused with both shapes.</summary>
    public static long[] Shape(long[] a, long[] b)
    {
        if (a.Length == 0 || b.Length == 0) throw new CnnShapeException($"both arguments to matmul need to be at least 1D, but they are {a.Length}D and {b.Length}D.");
        long inner = a[^1], other = b.Length == 1 ? b[0] : b[^2];
        if (inner != other)
        {
            string Text(long[] s) => string.Join("x", s);
            throw new CnnShapeException(
                a.Length <= 2 && b.Length <= 2
                    ? $"mat1 and mat2 shapes cannot be multiplied ({Text(a.Length == 1 ? [1, a[0]] : a)} and {Text(b.Length == 1 ? [b[0], 1] : b)}): the first's last size ({inner}) must equal the second's {(b.Length == 1 ? "size" : "second-to-last size")} ({other})."
                    : $"matmul: the first operand's last size ({inner}, of [{string.Join(", ", a)}]) must equal the second's {(b.Length == 1 ? "size" : "second-to-last size")} ({other}, of [{string.Join(", ", b)}]).",
                mismatch: new Mismatch("matmul", inner, other, -1));
        }
        if (a.Length == 1 && b.Length == 1) return [];
        var batchA = a.Length > 2 ? a[..^2] : [];
        var batchB = b.Length > 2 ? b[..^2] : [];
        var batch = Broadcasting.Shape([batchA, batchB], ["the first operand's batch dimensions", "the second's"]);
        var result = new List<long>(batch);
        if (a.Length >= 2) result.Add(a[^2]);
        if (b.Length >= 2) result.Add(b[^1]);
        return [.. result];
    }
}
