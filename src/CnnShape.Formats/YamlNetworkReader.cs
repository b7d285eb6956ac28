using CnnShape.Networks;
using CnnShape.Shapes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CnnShape.Formats;

/// <summary>
/// cnnshape's own network format, YAML written for people:
/// <code>
/// input: 1x3x64x64            # or [1, 3, 64, 64]
/// layers:
///   - conv1: Conv2d(3, 16, 3, padding=1)        # reads the previous layer (the input for the first)
///   - skip: {layer: "Conv2d(3, 16, 1)", from: input}
///   - sum: {add: [conv1, skip]}                  # also mul, sub, cat (with dim, default 1)
///   - stage: {repeat: 2, layers: [Conv2d(16, 16, 3, padding=1), ReLU()]}
///   - ReLU()                                     # unnamed layers get their position as name
/// outputs: [sum]                                 # default: the last layer
/// </code>
/// Inside a <c>repeat</c>, <c>_in</c> names the input of the current repetition, so residual blocks can be repeated.
/// </summary>
public static class YamlNetworkReader
{
    /// <summary>Reads the YAML text; every error names file:line and the rule.</summary>
    public static Network Read(string text, string fileName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new CnnShapeException($"not valid YAML: {e.Message}", new Place { File = fileName, Line = (int)e.Start.Line, Column = (int)e.Start.Column });
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new CnnShapeException("expected a YAML mapping with 'input' and 'layers'.", new Place { File = fileName });
        }
        var reader = new Reader(fileName);
        Shape? input = null;
        List<string>? outputs = null;
        YamlSequenceNode? layers = null;
        foreach (var (keyNode, value) in root.Children)
        {
            string key = reader.Scalar(keyNode, "a key such as 'layers'");
            switch (key)
            {
                case "input":
                    input = reader.ShapeOf(value);
                    break;
                case "layers":
                    layers = value as YamlSequenceNode ?? throw reader.Error(value, "'layers' must be a list of layers");
                    break;
                case "outputs":
                case "output":
                    outputs = value is YamlSequenceNode list ? list.Children.Select(c => reader.Scalar(c, "an output name")).ToList() : [reader.Scalar(value, "an output name")];
                    break;
                case "name":
                case "description":
                    break;
                default:
                    throw reader.Error(keyNode, $"unknown key '{key}' (the keys are input, layers, outputs, name, description)");
            }
        }
        if (layers is null) throw new CnnShapeException("no 'layers:' list.", new Place { File = fileName });
        string last = reader.ReadList(layers, "input", prefix: "", blockInput: null);
        if (reader.Nodes.Count == 0) throw new CnnShapeException("'layers' is empty.", new Place { File = fileName });
        return new Network("input", input, reader.Nodes, outputs ?? [last]);
    }

    private sealed class Reader(string fileName)
    {
        public List<NetworkNode> Nodes { get; } = [];
        private int _unnamed;

        public CnnShapeException Error(YamlNode node, string rule) => new($"{rule}.", Place(node));

        private Place Place(YamlNode node) => new() { File = fileName, Line = (int)node.Start.Line };

        /// <summary>Where a scalar's text starts: a column inside a plain or quoted one-line scalar maps onto the file.</summary>
        private static int? TextColumn(YamlNode node)
        {
            var s = (YamlScalarNode)node;
            bool oneLine = s.Start.Line == s.End.Line && s.Style is ScalarStyle.Plain or ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;
            return oneLine ? (int)s.Start.Column + (s.Style == ScalarStyle.Plain ? 0 : 1) : null;
        }

        public string Scalar(YamlNode node, string what) =>
            node is YamlScalarNode { Value: { } v } ? v : throw Error(node, $"expected {what} here");

        public Shape ShapeOf(YamlNode node)
        {
            try
            {
                if (node is YamlSequenceNode seq) return Shape.Parse(string.Join(",", seq.Children.Select(c => Scalar(c, "a dimension"))));
                return Shape.Parse(Scalar(node, "a shape such as 1x3x224x224"));
            }
            catch (CnnShapeException e) when (e.Place.File is null)
            {
                throw e.Within(Place(node));
            }
        }

        /// <summary>Reads a list of entries chained one after another; returns the name of the last output.</summary>
        public string ReadList(YamlSequenceNode list, string previous, string prefix, string? blockInput)
        {
            foreach (var item in list.Children) previous = ReadEntry(item, previous, prefix, blockInput);
            return previous;
        }

        private string Resolve(string reference, string prefix, string? blockInput)
        {
            if (reference == "_in")
            {
                return blockInput ?? throw new CnnShapeException("'_in' is only meaningful inside a repeat block.");
            }
            // Inside a repetition, local names come first.
            if (prefix.Length > 0 && Nodes.Any(n => n.Name == prefix + reference)) return prefix + reference;
            return reference;
        }

        private string ReadEntry(YamlNode item, string previous, string prefix, string? blockInput)
        {
            string name;
            YamlNode body;
            if (item is YamlScalarNode)
            {
                name = (_unnamed++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                body = item;
            }
            else if (item is YamlMappingNode m && m.Children.Count == 1)
            {
                var only = m.Children.First();
                name = Scalar(only.Key, "a layer name");
                body = only.Value;
            }
            else
            {
                throw Error(item, "each entry is either a layer ('- Conv2d(3, 16, 3)') or one name with its layer ('- conv1: Conv2d(3, 16, 3)')");
            }
            string full = prefix + name;
            if (body is YamlScalarNode)
            {
                Nodes.Add(Formats.Nodes.Layer(full, Scalar(body, "a layer"), previous, Place(body), TextColumn(body)));
                return full;
            }
            if (body is not YamlMappingNode spec) throw Error(body, $"'{name}' must be a layer or a mapping such as {{layer: ..., from: ...}}");
            var keys = spec.Children.ToDictionary(kv => Scalar(kv.Key, "a key"), kv => kv.Value, StringComparer.Ordinal);
            try
            {
                if (keys.TryGetValue("repeat", out var times))
                {
                    Allow(spec, keys, "repeat", "layers", "from");
                    if (!int.TryParse(Scalar(times, "a count"), out int count) || count < 1 || count > 100_000) throw Error(times, "'repeat' must be a whole number from 1 to 100000");
                    var inner = keys.TryGetValue("layers", out var l) && l is YamlSequenceNode seq ? seq : throw Error(spec, "a repeat needs 'layers:' — the list to repeat");
                    string current = keys.TryGetValue("from", out var from) ? Resolve(Scalar(from, "a name"), prefix, blockInput) : previous;
                    for (int r = 0; r < count; r++) current = ReadList(inner, current, $"{full}.{r}.", current);
                    Nodes.Add(new LayerNode { Name = full, Inputs = [current], Place = Place(spec), Layer = LayerEngine.Build("Identity()"), Text = $"output of repeat '{full}'" });
                    return full;
                }
                foreach (var (op, kind) in new[] { ("add", MergeKind.Add), ("mul", MergeKind.Multiply), ("sub", MergeKind.Subtract), ("cat", MergeKind.Concat) })
                {
                    if (!keys.TryGetValue(op, out var operands)) continue;
                    Allow(spec, keys, op, "dim");
                    if (operands is not YamlSequenceNode ops || ops.Children.Count < 2) throw Error(operands, $"'{op}' needs a list of at least two names, e.g. {op}: [a, b]");
                    long dim = 1;
                    if (keys.TryGetValue("dim", out var d) && !long.TryParse(Scalar(d, "a dimension"), out dim)) throw Error(d, "'dim' must be an integer");
                    Nodes.Add(new MergeNode
                    {
                        Name = full,
                        Kind = kind,
                        Dim = dim,
                        Place = Place(spec),
                        Inputs = ops.Children.Select(c => Resolve(Scalar(c, "a name"), prefix, blockInput)).ToList(),
                    });
                    return full;
                }
                if (keys.TryGetValue("layer", out var layerText))
                {
                    Allow(spec, keys, "layer", "from");
                    string source = keys.TryGetValue("from", out var from) ? Resolve(Scalar(from, "a name"), prefix, blockInput) : previous;
                    Nodes.Add(Formats.Nodes.Layer(full, Scalar(layerText, "a layer"), source, Place(layerText), TextColumn(layerText)));
                    return full;
                }
            }
            catch (CnnShapeException e) when (e.Place.File is null)
            {
                throw e.Within(Place(spec));
            }
            throw Error(spec, $"'{name}' needs one of: layer, add, mul, sub, cat, repeat");
        }

        private void Allow(YamlMappingNode spec, Dictionary<string, YamlNode> keys, params string[] allowed)
        {
            foreach (var k in keys.Keys)
            {
                if (!allowed.Contains(k)) throw Error(spec, $"unknown key '{k}' here (allowed: {string.Join(", ", allowed)})");
            }
        }
    }
}
