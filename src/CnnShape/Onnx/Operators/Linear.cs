using CnnShape.Rules;
using CnnShape.Symbolic;

namespace CnnShape.Onnx.Operators;

/// <summary>ONNX Gemm, MatMul and Einsum: the inner sizes must agree; a dense product mixes every position it reads.</summary>
internal static class Linear
{
    private static void SameInner(OpContext c, Dim a, Dim b, Dim[] left, Dim[] right)
    {
        if (a.IsKnown && b.IsKnown && a.Value != b.Value)
        {
            throw new CnnShapeException($"{c.Op}: {OpContext.Text(left)} and {OpContext.Text(right)} cannot be multiplied: the inner sizes {a} and {b} differ.",
                mismatch: new Mismatch("in_features", b.Value, a.Value, -1));
        }
    }

    /// <summary>Gemm: A [M, K] (or its transpose), B [K, N] (or its transpose), C broadcast to [M, N].</summary>
    public static OnnxValue[] Gemm(OpContext c)
    {
        var a = c.Shape(0);
        var b = c.Shape(1);
        if (a.Length != 2 || b.Length != 2) throw c.Refuse($"A {OpContext.Text(a)} and B {OpContext.Text(b)} must be 2-D.");
        bool ta = c.Int("transA", 0) != 0, tb = c.Int("transB", 0) != 0;
        Dim m = ta ? a[1] : a[0], ka = ta ? a[0] : a[1], kb = tb ? b[1] : b[0], n = tb ? b[0] : b[1];
        SameInner(c, ka, kb, a, b);
        var shape = new[] { m, n };
        if (c.Has(2)) Broadcasting.Shape([shape, c.Shape(2)], [c.Node.Outputs[0], c.Node.Inputs[2]], out _);
        c.Params = Convolutions.Weights(c, 1, 2);
        c.Macs = m * n * ka;
        return [new OnnxValue { Shape = shape, Type = c.In(0).Type, Field = Fields.Mixed(c.In(0).Field) }];
    }

    /// <summary>MatMul (numpy): 1-D operands are promoted and the promoted axis removed; batch axes broadcast.</summary>
    public static OnnxValue[] MatMul(OpContext c)
    {
        var a = c.Shape(0);
        var b = c.Shape(1);
        if (a.Length == 0 || b.Length == 0) throw c.Refuse("scalars cannot be multiplied as matrices.");
        var a2 = a.Length == 1 ? new Dim[] { 1, a[0] } : a;
        var b2 = b.Length == 1 ? new[] { b[0], (Dim)1 } : b;
        SameInner(c, a2[^1], b2[^2], a, b);
        var batch = Broadcasting.Shape([a2[..^2], b2[..^2]], [c.Node.Inputs[0], c.Node.Inputs[1]], out _);
        var shape = batch.Concat([a2[^2], b2[^1]]).ToList();
        if (a.Length == 1) shape.RemoveAt(shape.Count - 2);
        if (b.Length == 1) shape.RemoveAt(shape.Count - 1);
        c.Params = Convolutions.Weights(c, 1);
        c.Macs = Dim.Product(shape) * a2[^1];
        var field = a.Length >= 2 && c.In(0).Field is ReceptiveFields.SpatialField ? Fields.Mixed(c.In(0).Field) : Fields.Mixed(c.In(0).Field);
        return [new OnnxValue { Shape = [.. shape], Type = c.In(0).Type, Field = field }];
    }

    /// <summary>
    /// Einsum (equation <c>"ij,jk->ik"</c>, with <c>...</c> for broadcast axes): each letter has one size across the
    /// operands; the output lists the letters after <c>-&gt;</c>, or, implicitly, those used once, in alphabetical order.
    /// </summary>
    public static OnnxValue[] Einsum(OpContext c)
    {
        string equation = c.Str("equation", "").Replace(" ", "", StringComparison.Ordinal);
        if (equation.Length == 0) throw c.Refuse("the attribute equation is required.");
        int arrow = equation.IndexOf("->", StringComparison.Ordinal);
        string lhs = arrow >= 0 ? equation[..arrow] : equation;
        var terms = lhs.Split(',');
        int count = Enumerable.Range(0, c.Node.Inputs.Count).Count(c.Has);
        if (terms.Length != count) throw c.Refuse($"the equation '{equation}' names {terms.Length} operands, but the node has {count} inputs.");
        var sizes = new Dictionary<char, Dim>();
        var uses = new Dictionary<char, int>();
        Dim[]? ellipsis = null;
        for (int t = 0; t < terms.Length; t++)
        {
            var shape = c.Shape(t);
            string term = terms[t];
            int dots = term.IndexOf("...", StringComparison.Ordinal);
            string letters = term.Replace("...", "", StringComparison.Ordinal);
            if (letters.Any(ch => !char.IsAsciiLetter(ch))) throw c.Refuse($"the term '{term}' holds characters other than letters and '...'.");
            int broadcastRank = shape.Length - letters.Length;
            if (dots < 0 && broadcastRank != 0 || broadcastRank < 0) throw c.Refuse($"the term '{term}' does not fit the operand {OpContext.Text(shape)}.");
            int k = 0;
            for (int i = 0; i < term.Length; i++)
            {
                if (dots >= 0 && i == dots)
                {
                    var part = shape[k..(k + broadcastRank)];
                    ellipsis = ellipsis is null ? part : Broadcasting.Shape([ellipsis, part], null, out _);
                    k += broadcastRank;
                    i += 2;
                    continue;
                }
                char ch = term[i];
                if (sizes.TryGetValue(ch, out var seen))
                {
                    if (seen.IsKnown && shape[k].IsKnown && seen.Value != shape[k].Value && seen.Value != 1 && shape[k].Value != 1)
                    {
                        throw c.Refuse($"the letter '{ch}' has size {seen} in one operand and {shape[k]} in another.");
                    }
                    if (seen.IsKnown && seen.Value == 1) sizes[ch] = shape[k];
                }
                else sizes[ch] = shape[k];
                uses[ch] = uses.GetValueOrDefault(ch) + 1;
                k++;
            }
        }
        string output = arrow >= 0 ? equation[(arrow + 2)..] : (ellipsis is null ? "" : "...") + string.Concat(uses.Where(u => u.Value == 1).Select(u => u.Key).Order());
        var result = new List<Dim>();
        for (int i = 0; i < output.Length; i++)
        {
            if (output[i] == '.')
            {
                if (!output[i..].StartsWith("...", StringComparison.Ordinal)) throw c.Refuse($"the output '{output}' has a stray '.'.");
                result.AddRange(ellipsis ?? []);
                i += 2;
                continue;
            }
            if (!sizes.TryGetValue(output[i], out var size)) throw c.Refuse($"the output letter '{output[i]}' appears in no operand.");
            result.Add(size);
        }
        c.Macs = Dim.Product(sizes.Values.Concat(ellipsis ?? []));
        return [new OnnxValue { Shape = [.. result], Type = c.In(0).Type, Field = Fields.Mixed(c.In(0).Field) }];
    }
}
