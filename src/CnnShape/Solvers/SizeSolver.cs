using System.Globalization;
using CnnShape.Layers;
using CnnShape.Networks;
using CnnShape.Rules;
using CnnShape.Shapes;

namespace CnnShape.Solvers;

/// <summary>Accepted input sizes along one axis: as arithmetic progressions, the smallest, and the output size as a formula.</summary>
/// <param name="Axis">The tensor dimension varied.</param>
/// <param name="From">First size tried.</param>
/// <param name="To">Last size tried.</param>
/// <param name="Accepted">Every accepted size, as progressions (start, step, last).</param>
/// <param name="Count">How many sizes are accepted.</param>
/// <param name="Smallest">The smallest accepted size, if any.</param>
/// <param name="OutputFormula">The first output's size along the axis as a function of n (floor expression), when it is one.</param>
/// <param name="Refusal">When no size is accepted: the engine's refusal at the largest size tried, naming the layer.</param>
public sealed record SizeAnswer(int Axis, long From, long To, IReadOnlyList<(long Start, long Step, long Last)> Accepted, long Count, long? Smallest, string? OutputFormula, CnnShapeException? Refusal = null);

/// <summary>
/// Which input sizes a network accepts along one axis (the other dimensions kept), each candidate checked with the same
/// rules as the engine. Layers that act on each axis separately (convolution, pooling, padding, resampling, anything that
/// keeps the shape) run as a small integer program; a network with other layers is checked with the full engine.
/// </summary>
public static class SizeSolver
{
    private delegate long Step(long n);

    /// <summary>Tries every size from <paramref name="from"/> to <paramref name="to"/> along tensor dimension <paramref name="axis"/>.</summary>
    /// <remarks>
    /// A network traced from code for one input (<see cref="Network.Traced"/>) holds that input's numbers in its
    /// reshapes: it is read again for every size with <paramref name="reread"/>, up to 4,096 sizes.
    /// </remarks>
    public static SizeAnswer Solve(Network network, Shape baseInput, int axis, long from, long to, bool training = true, Func<Shape, Network>? reread = null, Action<double>? progress = null)
    {
        if (axis < 0 || axis >= baseInput.Rank) throw new CnnShapeException($"axis {axis} is not a dimension of the input {baseInput}.");
        if (from < 1 || to < from) throw new CnnShapeException($"the range must satisfy 1 ≤ from ≤ to, got {from}..{to}.");
        if (to - from > 100_000_000) throw new CnnShapeException($"the range {from}..{to} holds more than 100,000,000 sizes; narrow it.");
        if (network.Traced)
        {
            if (reread is null) throw new CnnShapeException("this network was traced from code for one input; its sizes need the code read again for each size.");
            if (to - from >= 4096) throw new CnnShapeException($"a model read from code runs once per size; narrow the range {from}..{to} to at most 4,096 sizes.");
        }
        var order = NetworkAnalyzer.Order(network);
        Form? final = null;
        var program = network.Traced ? null : Compile(order, network.InputName, baseInput, axis, out final);
        string? formula = final?.Text();
        var accepted = new List<long>();
        var values = new long[order.Count];
        var index = order.Select((node, i) => (node.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var touchesOne = new List<long>();
        for (long n = from; n <= to; n++)
        {
            if (progress is not null && (n - from) % 64 == 0) progress((double)(n - from) / (to - from + 1));
            bool ok;
            if (program is not null)
            {
                ok = Run(program, order, index, network.InputName, n, values, out bool one);
                if (ok && one) touchesOne.Add(n);
            }
            else ok = Full(network, baseInput.With(axis, n), training, reread) is null;
            if (ok) accepted.Add(n);
        }
        if (program is not null && accepted.Count > 0)
        {
            // The program settles every size along the axis exactly. What it does not model is independent of that size
            // (channels, ranks, divisibility by groups) — except the training-mode statistics, which refuse a tensor with
            // one value per channel, possible only where some size along the axis is 1. So the engine checks one accepted
            // size for the independent rules (if it refuses, it checks them all), and every size that reaches a 1.
            if (Full(network, baseInput.With(axis, accepted[^1]), training) is not null)
            {
                accepted = accepted.Where(n => Full(network, baseInput.With(axis, n), training) is null).ToList();
            }
            else if (touchesOne.Count > 0)
            {
                var refused = touchesOne.Where(n => Full(network, baseInput.With(axis, n), training) is not null).ToHashSet();
                accepted = accepted.Where(n => !refused.Contains(n)).ToList();
            }
        }
        CnnShapeException? refusal = accepted.Count == 0 ? Full(network, baseInput.With(axis, to), training, reread) : null;
        if (program is not null && final is { } form && accepted.Count > 0 && accepted.All(n => form.Eval(n) == n))
        {
            // simplified where exact: on every accepted size the formula is the identity
            formula = $"n (exactly, on every accepted size; in general {formula})";
        }
        return new SizeAnswer(axis, from, to, Progressions(accepted), accepted.Count, accepted.Count > 0 ? accepted[0] : null, program is not null && accepted.Count > 0 ? formula : null, refusal);
    }

    /// <summary>The engine's refusal of the whole network at this input, or null when it runs.</summary>
    private static CnnShapeException? Full(Network network, Shape input, bool training, Func<Shape, Network>? reread = null)
    {
        try
        {
            if (network.Traced && reread is not null && !input.Equals(network.DeclaredInput)) network = reread(input);
            NetworkAnalyzer.Analyze(network, input, training);
            return null;
        }
        catch (CnnShapeException e) { return e; }
        catch (OverflowException) { return new CnnShapeException(LayerEngine.OverflowRule); }
    }

    private static bool Run(Step?[] program, List<NetworkNode> order, Dictionary<string, int> index, string inputName, long n, long[] values, out bool touchesOne)
    {
        touchesOne = n == 1;
        try
        {
            for (int i = 0; i < order.Count; i++)
            {
                var node = order[i];
                long first = node.Inputs[0] == inputName ? n : values[index[node.Inputs[0]]];
                if (node is MergeNode m)
                {
                    foreach (var other in m.Inputs.Skip(1))
                    {
                        long v = other == inputName ? n : values[index[other]];
                        if (m.Kind == MergeKind.Concat ? v != first : v != first && v != 1 && first != 1) return false;
                        if (m.Kind != MergeKind.Concat && first == 1) first = v;
                    }
                    values[i] = first;
                    continue;
                }
                long o = program[i]!(first);
                if (o < 0) return false;
                if (o == 1) touchesOne = true;
                values[i] = o;
            }
            return true;
        }
        catch (OverflowException) { return false; }
    }

    /// <summary>
    /// One integer step per node for this axis, or null when a node's effect on the axis is not a per-axis formula (then the
    /// full engine decides). Also builds the output size as a closed form A·⌊(n + B)/D⌋ + C where the composition stays in it
    /// (⌊(⌊x/a⌋ + c)/b⌋ = ⌊(x + c·a)/(a·b)⌋ keeps nested floors exact).
    /// </summary>
    private static Step?[]? Compile(List<NetworkNode> order, string inputName, Shape baseInput, int axis, out Form? final)
    {
        final = null;
        int rank = baseInput.Rank;
        var program = new Step?[order.Count];
        var forms = new Dictionary<string, Form?>(StringComparer.Ordinal) { [inputName] = new Form(1, 0, 1, 0) };
        // Non-varied checks (channels, ranks) are settled once with the full engine on the base input.
        for (int i = 0; i < order.Count; i++)
        {
            var node = order[i];
            Form? input = forms[node.Inputs[0]];
            if (node is MergeNode merge)
            {
                // stacking and matrix products move the axes: the full engine decides each size
                if (merge.Kind is MergeKind.Stack or MergeKind.MatMul) return null;
                forms[node.Name] = input;
                continue;
            }
            var layer = ((LayerNode)node).Layer;
            int spatial = rank - 2;
            int k = axis - 2;
            switch (layer)
            {
                case Convolution c when c.Spatial == spatial && k >= 0:
                    {
                        long eff = Window.Span(c.Kernel[k], c.Dilation[k]);
                        long before = c.PadBefore[k], after = c.PadAfter[k], s = c.Stride[k], kk = c.Kernel[k], d = c.Dilation[k];
                        var mode = c.Mode;
                        program[i] = n =>
                        {
                            if (Borders.Violation(mode, before, after, n) is not null) return -1;
                            return Window.Fits(n, before, after, kk, d) ? Window.ConvolutionOutput(n, before, after, kk, s, d) : -1;
                        };
                        forms[node.Name] = input?.Window(before + after - eff + s, s);
                        break;
                    }
                case Pooling p when p.Spatial == spatial && k >= 0:
                    {
                        long kk = p.Kernel[k], s = p.Stride[k], pad = p.Padding[k], d = p.Dilation[k];
                        bool ceil = p.CeilMode, avg3d = p.Type == "AvgPool3d";
                        program[i] = n =>
                        {
                            if (avg3d && n < kk) return -1;
                            long o = Window.PoolingOutput(n, kk, pad, pad, s, d, ceil);
                            return o < 1 ? -1 : o;
                        };
                        forms[node.Name] = ceil ? null : input?.Window(2 * pad - Window.Span(kk, d) + s, s);
                        break;
                    }
                case TransposedConvolution t when t.Spatial == spatial && k >= 0:
                    {
                        long kk = t.Kernel[k], s = t.Stride[k], p = t.Padding[k], d = t.Dilation[k], op = t.OutputPadding[k];
                        program[i] = n => { long o = Window.TransposedOutput(n, kk, s, p, p, d, op); return o < 1 ? -1 : o; };
                        forms[node.Name] = input?.Affine(s, -s - 2 * p + d * (kk - 1) + op + 1);
                        break;
                    }
                case Elementwise or Normalization or ChannelShuffle:
                    program[i] = n => n;
                    forms[node.Name] = input;
                    break;
                default:
                    return null;
            }
        }
        // Everything but the varied size is checked once on the base input; a refusal there refuses every size.
        final = forms.TryGetValue(order[^1].Name, out var f) ? f : null;
        return program;
    }

    /// <summary>The closed form A·⌊(n + B)/D⌋ + C.</summary>
    private sealed record Form(long A, long B, long D, long C)
    {
        /// <summary>⌊(x + add)/s⌋ of this form, when the composition stays exact in the form.</summary>
        public Form? Window(long add, long s)
        {
            if (A == 1 && C == 0) return new Form(1, checked(B + add * D), checked(D * s), 0);
            if (A % s == 0) return new Form(A / s, B, D, Internal.Checked.FloorDiv(C + add, s));
            if (A == 1) return new Form(1, checked(B + (C + add) * D), checked(D * s), 0);
            return null;
        }

        public Form Affine(long scale, long add) => new(checked(A * scale), B, D, checked(C * scale + add));

        public long Eval(long n) => checked(A * Internal.Checked.FloorDiv(n + B, D) + C);

        public string Text()
        {
            string inner = D == 1 ? (B == 0 ? "n" : $"n {(B > 0 ? "+" : "−")} {Math.Abs(B)}") : B == 0 ? $"⌊n/{D}⌋" : $"⌊(n {(B > 0 ? "+" : "−")} {Math.Abs(B)})/{D}⌋";
            string scaled = A == 1 ? inner : $"{A}·{inner}";
            return C == 0 ? scaled : $"{scaled} {(C > 0 ? "+" : "−")} {Math.Abs(C).ToString(CultureInfo.InvariantCulture)}";
        }
    }

    /// <summary>Runs of equally spaced sizes: 16, 32, 48, … → (16, 16, last).</summary>
    internal static List<(long Start, long Step, long Last)> Progressions(List<long> sizes)
    {
        var result = new List<(long, long, long)>();
        int i = 0;
        while (i < sizes.Count)
        {
            if (i + 1 == sizes.Count) { result.Add((sizes[i], 1, sizes[i])); break; }
            long step = sizes[i + 1] - sizes[i];
            int j = i + 1;
            while (j + 1 < sizes.Count && sizes[j + 1] - sizes[j] == step) j++;
            if (j - i + 1 >= 3)
            {
                result.Add((sizes[i], step, sizes[j]));
                i = j + 1;
            }
            else
            {
                result.Add((sizes[i], 1, sizes[i]));
                i++;
            }
        }
        return result;
    }
}
