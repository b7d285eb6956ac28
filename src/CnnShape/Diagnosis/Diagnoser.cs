using System.Globalization;
using CnnShape.Layers;
using CnnShape.Networks;
using CnnShape.Shapes;
using CnnShape.Symbolic;

namespace CnnShape.Diagnosis;

/// <summary>
/// When a network fails: the failing layer, the cause in the user's terms with the arithmetic, and fixes as edits of
/// the user's own text — each one checked by reading the edited text again and running the engine on it before it is
/// offered, simplest first, with the output it then gives.
/// </summary>
public static class Diagnoser
{
    /// <summary>How many networks one diagnosis may run while it searches (input sizes, chained fixes).</summary>
    private const int Budget = 4000;

    /// <summary>The diagnosis of <paramref name="source"/> at <paramref name="input"/>, or null when the network runs.</summary>
    public static Diagnosis? Diagnose(NetworkSource source, Shape? input, bool training = true) => Check(source, input, training).Diagnosis;

    /// <summary>
    /// Reads and runs the network once: its report when it runs, or the diagnosis of its failure (the report then holds
    /// the rows up to the failure).
    /// </summary>
    public static (NetworkReport Report, Diagnosis? Diagnosis) Check(NetworkSource source, Shape? input, bool training = true)
    {
        var network = source.Read(source.Lines);
        var shape = input ?? network.DeclaredInput ?? throw new CnnShapeException("the network declares no input shape; give one, e.g. 1x3x224x224.");
        var run = NetworkAnalyzer.Run(network, shape, training);
        if (run.Failure is not { } failure) return (run.Report, null);
        var session = new Session(source, source.Lines, shape, training);
        string cause = session.Explain(network, run, failure);
        var fixes = new List<Fix>();
        foreach (var candidate in session.Candidates(network, run, failure, allowInput: true))
        {
            if (fixes.Any(f => f.Edits.SequenceEqual(candidate.Edits) && Same(f.Input, candidate.Input))) continue;
            if (session.Verify(candidate, run.Report.Layers.Count, depth: 0) is { } fix && !fixes.Any(f => f.Edits.SequenceEqual(fix.Edits) && Same(f.Input, fix.Input))) fixes.Add(fix);
            if (fixes.Count >= 6) break;
        }
        // simplest first: the user's input kept before a different input, fewer edits before more
        var ordered = fixes.OrderBy(f => f.Input is null ? 0 : 1).ThenBy(f => f.Edits.Count).ThenBy(f => f.Edits.Count(e => e.After is not null)).ToList();
        return (run.Report, new Diagnosis(failure.Error, failure.Node.Label ?? failure.Node.Name, failure.Node.Place.Line, cause, run.Report, ordered) { Inputs = failure.Node.Inputs });
    }

    /// <summary>A node as its row shows it (Python source: the module's qualified name, without the call count).</summary>
    private static string Shown(NetworkNode node) => node.Label ?? node.Name;

    private static bool Same(Shape? a, Shape? b) => a is null ? b is null : a.Equals(b);

    /// <summary>A fix before it is checked.</summary>
    private sealed record Candidate(string Why, IReadOnlyList<Edit> Edits, Shape? Input);

    private sealed class Session(NetworkSource source, IReadOnlyList<string> lines, Shape input, bool training)
    {
        private int _runs;

        private NetworkRun? Run(Network network, Shape shape)
        {
            if (++_runs > Budget) return null;
            try
            {
                // code run on its input is read again for another input
                if (network.Traced && !shape.Equals(network.DeclaredInput)) network = source.Read(lines, shape);
                return NetworkAnalyzer.Run(network, shape, training);
            }
            catch (CnnShapeException) { return null; }
        }

        /// <summary>Reads the edited text and runs it; a fix that makes the whole network run is kept (failures further on are fixed in turn, up to three times).</summary>
        public Fix? Verify(Candidate c, int reached, int depth)
        {
            var shape = c.Input ?? input;
            Network edited;
            var editedLines = Edit.Apply(source.Lines, c.Edits);
            try { edited = source.Read(editedLines, shape); }
            catch (CnnShapeException) { return null; }
            var run = Run(edited, shape);
            if (run is null) return null;
            if (run.Failure is null) return new Fix(c.Why, c.Edits, c.Input, run.Report.Tensors[run.Report.Outputs[0]].Dims!);
            // a failure further on: fix it too, when the edits so far only replaced lines (so line numbers still hold)
            if (depth >= 3 || run.Report.Layers.Count <= reached || c.Edits.Any(e => e.After is not null)) return null;
            foreach (var next in new Session(source, editedLines, shape, training) { _runs = _runs }.Candidates(edited, run, run.Failure, allowInput: false))
            {
                var combined = c.Edits.Concat(next.Edits).ToList();
                if (Verify(c with { Edits = combined, Why = c.Why + " " + next.Why }, run.Report.Layers.Count, depth + 1) is { } fix) return fix;
            }
            return null;
        }

        /// <summary>The candidate fixes for a failure, most direct first.</summary>
        public IEnumerable<Candidate> Candidates(Network network, NetworkRun run, NetworkFailure failure, bool allowInput)
        {
            var e = failure.Error;
            if (failure.Node is LayerNode node)
            {
                var layer = node.Layer is LazyLayer lazy && failure.Inputs.Count > 0 ? lazy.For(failure.Inputs[0]).Layer : node.Layer;
                var x = failure.Inputs[0];
                if (e.Mismatch is { Argument: "contiguous" })
                {
                    // a view of a transposed or sliced tensor: reshape copies when it must; contiguous() copies first
                    if (source.Rewrite(lines, node, ".view(", ".reshape(") is { } reshape) yield return new Candidate("use .reshape(...), which copies the tensor when its layout does not allow a view.", [reshape], null);
                    if (source.Rewrite(lines, node, ".view(", ".contiguous().view(") is { } contiguous) yield return new Candidate("make the tensor contiguous before the view.", [contiguous], null);
                }
                if (e.Mismatch is { } m)
                {
                    if (m.Argument == "in_features" && x.Rank >= 3 && Product(x, 1) == m.Expected && source.InsertBefore(lines, node, "nn.Flatten()", "flatten") is { } flatten)
                    {
                        yield return new Candidate($"Linear acts on the last dimension only: flatten the {x} map into {m.Expected} features first.", flatten, null);
                    }
                    if (m.Argument == "in_features" && Producer(network, node) is LayerNode { Layer: Flatten } flattener
                        && run.Report.Tensors.TryGetValue(flattener.Inputs[0], out var before) && before.IsKnown && before.Shape.Rank >= 3
                        && Pool(before.Shape, m.Expected) is { } pool && source.InsertBefore(lines, flattener, pool, "pool") is { } pooled)
                    {
                        yield return new Candidate($"pool the {Dim.Format(before.Dims!)} map to the size the head was built for ({pool}), so the head fits any input size.", pooled, null);
                    }
                    if (source.SetArgument(lines, node, m.Argument, ArgumentText(node, m, run, network)) is { } set)
                    {
                        yield return new Candidate($"set {m.Argument} to {m.Actual}, what the input brings.", [set], null);
                    }
                    if (m.Argument is "in_channels" or "num_features" && ChannelSource(network, node) is { } producer
                        && source.SetArgument(lines, producer, "out_channels", m.Expected.ToString(CultureInfo.InvariantCulture)) is { } upstream)
                    {
                        yield return new Candidate($"make '{Shown(producer)}' give the {m.Expected} channels '{Shown(node)}' expects.", [upstream], null);
                    }
                    if (allowInput && m.Argument == "in_channels" && node.Inputs[0] == network.InputName && x.Rank >= 2)
                    {
                        int axis = x.Rank - (layer is Convolution c ? c.Spatial : layer is TransposedConvolution t ? t.Spatial : x.Rank - 1) - 1;
                        if (axis >= 0) yield return new Candidate($"give the input {m.Expected} channels, as '{Shown(node)}' expects{Colour(m.Expected, m.Actual)}.", [], x.With(axis, m.Expected));
                    }
                }
                if (e.TooSmall && layer is Pooling { CeilMode: false } && source.SetArgument(lines, node, "ceil_mode", "True") is { } ceil)
                {
                    yield return new Candidate("round the pooled size up (ceil_mode=True), which keeps a last, partial window.", [ceil], null);
                }
                if (e.TooSmall && layer is Convolution { PaddingWord: null } conv && x.Rank >= conv.Spatial + 1)
                {
                    // the smallest symmetric padding that lets the window fit: in + 2p ≥ d·(k − 1) + 1 on every axis
                    var pads = new long[conv.Spatial];
                    for (int i = 0; i < conv.Spatial; i++)
                    {
                        long size = x[x.Rank - conv.Spatial + i], span = Rules.Window.Span(conv.Kernel[i], conv.Dilation[i]);
                        pads[i] = Math.Max(conv.PadBefore[i], (span - size + 1) / 2);
                    }
                    string text = pads.All(p => p == pads[0]) ? pads[0].ToString(CultureInfo.InvariantCulture) : "(" + string.Join(", ", pads) + ")";
                    if (source.SetArgument(lines, node, "padding", text) is { } padded)
                    {
                        yield return new Candidate($"pad '{Shown(node)}' by {text}, so its window fits the {Dim.Format(TensorInfoDims(x))} map.", [padded], null);
                    }
                }
            }
            if (failure.Node is MergeNode merge && e.Mismatch is not null && failure.Inputs.Count >= 2)
            {
                foreach (var fix in MergeCandidates(merge, failure)) yield return fix;
                foreach (var operand in merge.Inputs.Distinct())
                {
                    if (network.Nodes.FirstOrDefault(n => n.Name == operand) is LayerNode { Layer: TransposedConvolution t } up && t.OutputPadding.All(p => p == 0)
                        && source.SetArgument(lines, up, "output_padding", t.Spatial == 1 ? "1" : "(" + string.Join(", ", Enumerable.Repeat("1", t.Spatial)) + ")") is { } op)
                    {
                        yield return new Candidate($"let '{Shown(up)}' add the missing row and column (output_padding=1), so both paths meet at the same size.", [op], null);
                    }
                }
            }
            if (allowInput && NearestInput(network, failure) is { } fits)
            {
                yield return new Candidate($"use an input of {fits}, the nearest size this network accepts as written.", [], fits);
            }
        }

        /// <summary>
        /// Paths into a merge made to agree: a projection (1×1 convolution with the stride that matches) on a path that is
        /// larger and has other channels — a residual block's shortcut —, or padding on a path a little smaller.
        /// </summary>
        private IEnumerable<Candidate> MergeCandidates(MergeNode merge, NetworkFailure failure)
        {
            var target = failure.Inputs[0];
            for (int k = 1; k < merge.Inputs.Count; k++)
            {
                var other = failure.Inputs[k];
                string operand = merge.Inputs[k];
                if (other.Rank != target.Rank || target.Rank < 3) continue;
                int spatial = target.Rank - 2;
                var strides = Enumerable.Range(0, spatial).Select(i => target[2 + i] == 0 ? 0 : other[2 + i] / Math.Max(1, target[2 + i])).ToArray();
                bool downsample = strides.All(s => s >= 1) && Enumerable.Range(0, spatial).All(i => (other[2 + i] + strides[i] - 1) / strides[i] == target[2 + i]);
                if (merge.Kind != MergeKind.Concat && downsample && (other[1] != target[1] || strides.Any(s => s > 1)))
                {
                    string stride = strides.All(s => s == strides[0]) ? strides[0].ToString(CultureInfo.InvariantCulture) : "(" + string.Join(", ", strides) + ")";
                    string conv = $"nn.Conv{spatial}d({other[1]}, {target[1]}, 1{(strides.All(s => s == 1) ? "" : $", stride={stride}")})";
                    if (source.Reroute(lines, merge, operand, conv, "shortcut") is { } edits)
                    {
                        yield return new Candidate($"project the shortcut '{operand}' {other} to {target} with {conv}, as ResNet's downsampling blocks do.", edits, null);
                    }
                }
                // a path a little smaller than the other (an odd size halved and doubled): pad it to the other's size
                foreach (var (small, large, smallName, largeName) in new[] { (other, target, operand, merge.Inputs[0]), (target, other, merge.Inputs[0], operand) })
                {
                    var diff = Enumerable.Range(0, spatial).Select(i => large[2 + i] - small[2 + i]).ToArray();
                    if (!diff.All(d => d is >= 0 and <= 2) || !diff.Any(d => d > 0)) continue;
                    // F.pad order: the last axis first, (before, after) each; the extra goes after
                    var pads = Enumerable.Range(0, spatial).Reverse().SelectMany(i => new[] { 0L, diff[i] }).ToArray();
                    string pad = $"nn.{(spatial == 2 ? "ZeroPad2d" : $"ConstantPad{spatial}d")}(({string.Join(", ", pads)}){(spatial == 2 ? "" : ", 0.0")})";
                    if (source.Reroute(lines, merge, smallName, pad, "padded") is { } edits)
                    {
                        yield return new Candidate($"pad '{smallName}' {small} to the size of '{largeName}' {large}.", edits, null);
                    }
                }
            }
        }

        private static Dim[] TensorInfoDims(Shape s) => TensorInfo.DimsOf(s);

        /// <summary>Why it failed, in the user's terms, with the arithmetic.</summary>
        public string Explain(Network network, NetworkRun run, NetworkFailure failure)
        {
            var e = failure.Error;
            string where = failure.Node is LayerNode ln ? $"'{Shown(failure.Node)}' ({ln.Layer.Type})" : $"'{Shown(failure.Node)}'";
            if (e.Mismatch is { } m && failure.Node is LayerNode node)
            {
                var x = failure.Inputs[0];
                switch (m.Argument)
                {
                    case "in_features":
                        {
                            string arrive = $"{m.Actual}{Factors(network, run, node, m.Actual)} features arrive";
                            string built = $"in_features is {m.Expected}{FactorsOf(network, run, node, m.Expected)}";
                            if (x.Rank >= 3 && Product(x, 1) == m.Expected) return $"{where} gets the unflattened map {x}: Linear acts on its last dimension only ({m.Actual}), where in_features is {m.Expected} = {Ranks(x, 1)}, the map's size — a Flatten is missing before it.";
                            string sized = SizedFor(network, node, m.Expected) is { } s ? $": the head was sized for a {Spatial(s)} input and this one is {Spatial(input)}" : "";
                            return $"{where}: {arrive} where {built}{sized}.";
                        }
                    case "in_channels":
                        if (node.Inputs[0] == network.InputName)
                        {
                            return $"{where} expects {m.Expected} input channels but the input {x} has {m.Actual}{Colour(m.Expected, m.Actual)}.";
                        }
                        return $"{where} expects {m.Expected} channels (in_channels) but '{node.Inputs[0]}' gives {m.Actual} ({x}).";
                    case "num_features" or "num_channels" or "num_parameters":
                        return $"{where} was built for {m.Expected} channels ({m.Argument}) but '{node.Inputs[0]}' gives {m.Actual} ({x}).";
                }
            }
            if (failure.Node is MergeNode merge)
            {
                var shapes = merge.Inputs.Select((n, i) => $"'{n}' {failure.Inputs[i]}").ToList();
                string differ = e.Mismatch is { } mm ? $": they differ in dimension {(mm.Axis < 0 ? failure.Inputs[0].Rank + mm.Axis : mm.Axis)} ({mm.Expected} vs {mm.Actual})" : "";
                string op = merge.Kind == MergeKind.Concat ? "concatenated" : "added element-wise";
                return $"'{Shown(merge)}' joins paths of different sizes, {string.Join(" and ", shapes)}{differ}; tensors {op} must agree there.";
            }
            if (e.TooSmall)
            {
                return $"the input {input} is too small for the stack: at {where} the map is {failure.Inputs[0]}, smaller than the window, so its output would have no positions.";
            }
            return $"{where}: {e.Rule}";
        }

        /// <summary>The layer or merge that produces the node's input.</summary>
        private static NetworkNode? Producer(Network network, NetworkNode node) => network.Nodes.FirstOrDefault(n => n.Name == node.Inputs[0]);

        /// <summary>
        /// The convolution that sets the channels a node gets: its producer, or the producer of an activation or dropout
        /// (which keep the channels) before it — where a BatchNorm after a changed convolution can be fixed at the source.
        /// </summary>
        private static LayerNode? ChannelSource(Network network, NetworkNode node)
        {
            for (var at = Producer(network, node); at is LayerNode layer; at = Producer(network, layer))
            {
                if (layer.Layer is Convolution or TransposedConvolution) return layer;
                if (layer.Layer is not Elementwise || layer.Inputs.Count != 1) return null;
            }
            return null;
        }

        /// <summary>The argument's new text: the number, or for in_features written as a product, the product of the map's sizes.</summary>
        private static string ArgumentText(LayerNode node, Mismatch m, NetworkRun run, Network network)
        {
            string plain = m.Actual.ToString(CultureInfo.InvariantCulture);
            if (m.Argument != "in_features") return plain;
            var written = WrittenArgument(node, "in_features");
            if (written is null || !written.Contains('*')) return plain;
            return FlattenedMap(network, run, node) is { } map && Product(map, 1) == m.Actual ? string.Join(" * ", map.Dims[1..].ToArray()) : plain;
        }

        /// <summary>How an argument is written in the layer's text, if it is.</summary>
        private static string? WrittenArgument(LayerNode node, string parameter)
        {
            try
            {
                var call = Parsing.LayerText.Parse(node.Text);
                var span = call.Spans.FirstOrDefault(s => s.Keyword == parameter) ?? call.Spans.FirstOrDefault(s => s.Position == LayerCatalog.Position(call.Name, parameter));
                return span is null ? null : call.Text[span.Start..span.End];
            }
            catch (CnnShapeException)
            {
                return null;
            }
        }

        /// <summary>The map a Flatten before the node flattened, when there is one.</summary>
        private static Shape? FlattenedMap(Network network, NetworkRun run, LayerNode node) =>
            Producer(network, node) is LayerNode { Layer: Flatten } f && run.Report.Tensors.TryGetValue(f.Inputs[0], out var t) && t.IsKnown && t.Shape.Rank >= 3 ? t.Shape : null;

        private string Factors(Network network, NetworkRun run, LayerNode node, long value) =>
            FlattenedMap(network, run, node) is { } map && Product(map, 1) == value ? $" = {Ranks(map, 1)}" : "";

        private string FactorsOf(Network network, NetworkRun run, LayerNode node, long value)
        {
            if (FlattenedMap(network, run, node) is not { } map || map[1] == 0 || value % map[1] != 0) return "";
            long per = value / map[1];
            int spatial = map.Rank - 2;
            if (spatial == 1) return $" = {map[1]}·{per}";
            long side = (long)Math.Round(Math.Pow(per, 1.0 / spatial));
            return Enumerable.Repeat(side, spatial).Aggregate(1L, (p, d) => p * d) == per ? $" = {map[1]}·{string.Join("·", Enumerable.Repeat(side, spatial))}" : $" = {map[1]}·{per}";
        }

        /// <summary>AdaptiveAvgPool that turns a [N, C, …] map into exactly <paramref name="features"/> = C·∏sizes features, the sizes shaped like the map's.</summary>
        private static string? Pool(Shape map, long features)
        {
            long c = map[1];
            int spatial = map.Rank - 2;
            if (c == 0 || features % c != 0 || spatial is < 1 or > 3) return null;
            long per = features / c;
            if (spatial == 1) return $"nn.AdaptiveAvgPool1d({per})";
            // the factorisation of per closest to the map's aspect
            long[]? best = null;
            double bestScore = double.MaxValue;
            foreach (var sizes in Factorisations(per, spatial))
            {
                double score = 0;
                for (int i = 0; i < spatial; i++) score += Math.Abs(Math.Log((double)sizes[i] / Math.Max(1, map[2 + i])));
                if (score < bestScore) (best, bestScore) = (sizes, score);
            }
            if (best is null) return null;
            return best.All(v => v == best[0]) ? $"nn.AdaptiveAvgPool{spatial}d({best[0]})" : $"nn.AdaptiveAvgPool{spatial}d(({string.Join(", ", best)}))";
        }

        private static IEnumerable<long[]> Factorisations(long n, int parts)
        {
            if (parts == 1)
            {
                yield return [n];
                yield break;
            }
            for (long d = 1; d * d <= n || d <= n; d++)
            {
                if (n % d != 0) continue;
                foreach (var rest in Factorisations(n / d, parts - 1)) yield return [d, .. rest];
                if (d > 4096) yield break;
            }
        }

        /// <summary>The input the layer was sized for: the nearest input size at which this node gets <paramref name="features"/> features.</summary>
        private Shape? SizedFor(Network network, LayerNode node, long features) =>
            Search(shape => Run(network, shape) is { } r && r.Report.Tensors.TryGetValue(node.Inputs[0], out var t) && t.IsKnown && t.Shape.Rank >= 1 && t.Shape[t.Shape.Rank - 1] == features, 400);

        /// <summary>The nearest input size (all spatial sizes moved together) at which the whole network runs.</summary>
        private Shape? NearestInput(Network network, NetworkFailure failure) =>
            failure.Error.Mismatch is { Argument: "in_channels" or "num_features" or "num_channels" } ? null
            : Search(shape => Run(network, shape) is { Failure: null }, 600);

        /// <summary>Input shapes near the given one — the spatial sizes moved by ±1, ±2, … (and halved, doubled) — the first that satisfies <paramref name="fits"/>.</summary>
        private Shape? Search(Func<Shape, bool> fits, int tries)
        {
            int spatial = input.Rank - 2;
            if (spatial < 1) return null;
            var seen = new HashSet<string>();
            IEnumerable<Shape> Candidates()
            {
                for (long d = 1; d <= 2048; d++)
                {
                    foreach (long sign in new long[] { -1, 1 })
                    {
                        var dims = input.ToArray();
                        bool ok = true;
                        for (int i = 2; i < dims.Length; i++)
                        {
                            dims[i] += sign * d;
                            if (dims[i] < 1) ok = false;
                        }
                        if (ok) yield return Shape.Of(dims);
                    }
                }
            }
            foreach (var candidate in Candidates().Take(tries))
            {
                if (!seen.Add(candidate.ToString())) continue;
                if (fits(candidate)) return Roundest(candidate, fits);
                if (_runs > Budget) return null;
            }
            return null;
        }

        /// <summary>
        /// Of the sizes next to a fitting one that fit as well (a floor absorbs a few: 32 to 35 all give 5×5 after two
        /// convolutions and poolings), the roundest — the one divisible by the largest power of two — as people size inputs.
        /// </summary>
        private Shape Roundest(Shape found, Func<Shape, bool> fits)
        {
            var best = found;
            int Score(Shape s) => s.Dims[2..].ToArray().Min(d => d == 0 ? 0 : System.Numerics.BitOperations.TrailingZeroCount(d));
            foreach (long sign in new long[] { -1, 1 })
            {
                for (long d = 1; d <= 16; d++)
                {
                    var dims = found.ToArray();
                    for (int i = 2; i < dims.Length; i++) dims[i] += sign * d;
                    if (dims[2..].Any(x => x < 1)) break;
                    var next = Shape.Of(dims);
                    if (_runs > Budget || !fits(next)) break;
                    if (Score(next) > Score(best)) best = next;
                }
            }
            return best;
        }

        private static long Product(Shape s, int from)
        {
            long p = 1;
            for (int i = from; i < s.Rank; i++) p = Internal.Checked.Mul(p, s[i], "a size");
            return p;
        }

        private static string Ranks(Shape s, int from) => string.Join("·", s.Dims[from..].ToArray());

        private static string Spatial(Shape s) => s.Rank > 2 ? string.Join("×", s.Dims[2..].ToArray()) : s.ToString();

        private static string Colour(long expected, long actual) => (expected, actual) switch
        {
            (3, 1) => " — a grey-scale image where the network expects RGB",
            (1, 3) => " — an RGB image where the network expects grey-scale",
            (3, 4) => " — RGBA (with alpha) where the network expects RGB",
            _ => "",
        };
    }
}
