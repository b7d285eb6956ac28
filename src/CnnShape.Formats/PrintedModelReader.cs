using CnnShape.Networks;

namespace CnnShape.Formats;

/// <summary>
/// Reads PyTorch's <c>print(model)</c> of an <c>nn.Sequential</c>: nested Sequentials, named children
/// (<c>(features): Sequential(</c>) and collapsed repeats (<c>(1-3): 3 x ReLU()</c>). A module that is not a sequence
/// (a custom block with its own <c>forward</c>) is refused, never guessed.
/// </summary>
public static class PrintedModelReader
{
    /// <summary>Containers whose forward runs the children in order: nn.Sequential and torchvision's Sequential subclasses.</summary>
    private static readonly HashSet<string> SequentialContainers = new(StringComparer.Ordinal)
    {
        "Sequential", "Conv2dNormActivation", "Conv3dNormActivation", "ConvNormActivation", "ConvBNReLU", "ConvBNActivation",
    };

    private abstract record Child(string Name, Place Place);
    private sealed record LeafChild(string Name, string Text, Place Place, int TextColumn) : Child(Name, Place);
    private sealed record ContainerChild(string Name, List<Child> Children, Place Place) : Child(Name, Place);

    /// <summary>Reads the printed model into a chain of layers named by their module paths (<c>features.0</c>).</summary>
    public static Network Read(string text, string fileName)
    {
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var stack = new Stack<(string Name, List<Child> Children, Place Place, int Repeat, int First, int Last)>();
        List<Child>? top = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            var place = new Place { File = fileName, Line = i + 1 };
            if (line.Length == 0 || stack.Count == 0 && top is null && line.StartsWith('#')) continue;
            if (top is not null) throw new CnnShapeException($"text after the end of the model ('{Short(line)}').", place);
            if (line == ")")
            {
                if (stack.Count == 0) throw new CnnShapeException($"a ')' closes nothing.", place);
                var done = stack.Pop();
                if (stack.Count == 0)
                {
                    top = done.Children;
                    continue;
                }
                var parent = stack.Peek();
                AddRepeated(parent.Children, done.Name, done.First, done.Last, done.Repeat, name => new ContainerChild(name, done.Children, done.Place));
                continue;
            }
            if (stack.Count == 0)
            {
                // The top-level module: `Sequential(`.
                if (!line.EndsWith('(')) throw new CnnShapeException($"expected the model's first line, such as 'Sequential(', but found '{Short(line)}'.", place);
                string type = line[..^1].Trim();
                RequireSequential(type, place, "the model");
                stack.Push(("", [], place, 1, 0, 0));
                continue;
            }
            if (!line.StartsWith('(')) throw new CnnShapeException($"expected a child line '(name): Layer(...)' but found '{Short(line)}'.", place);
            int close = line.IndexOf("):", StringComparison.Ordinal);
            if (close < 0) throw new CnnShapeException($"expected '(name): ' at the start of '{Short(line)}'.", place);
            string key = line[1..close].Trim();
            string body = line[(close + 2)..].Trim();
            int repeat = 1;
            var times = System.Text.RegularExpressions.Regex.Match(body, @"^(\d+) x (.*)$");
            if (times.Success)
            {
                repeat = int.Parse(times.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                body = times.Groups[2].Value.Trim();
            }
            var (first, last) = Range(key, repeat, place);
            if (body.EndsWith('(') && !body.EndsWith("((", StringComparison.Ordinal))
            {
                string type = body[..^1].Trim();
                RequireSequential(type, place, $"the child '{key}'");
                stack.Push((key, [], place, repeat, first, last));
                continue;
            }
            var frame = stack.Peek();
            if (body.EndsWith("()", StringComparison.Ordinal) && SequentialContainers.Contains(body[..^2].Trim()))
            {
                // an empty container prints on one line, `Sequential()`: it runs nothing
                AddRepeated(frame.Children, key, first, last, repeat, name => new ContainerChild(name, [], place));
                continue;
            }
            int column = lines[i].IndexOf(body, StringComparison.Ordinal) + 1;
            AddRepeated(frame.Children, key, first, last, repeat, name => new LeafChild(name, body, place, column));
        }
        if (stack.Count > 0) throw new CnnShapeException($"the model ends before its last ')' — {stack.Count} module(s) are not closed (the text looks truncated).", new Place { File = fileName, Line = lines.Length });
        if (top is null) throw new CnnShapeException("the file holds no model.", new Place { File = fileName });

        var nodes = new List<NetworkNode>();
        string previous = "input";
        var work = new Stack<(string Prefix, Child Child)>();
        for (int i = top.Count - 1; i >= 0; i--) work.Push(("", top[i]));
        while (work.Count > 0)
        {
            var (prefix, child) = work.Pop();
            string name = prefix.Length == 0 ? child.Name : prefix + "." + child.Name;
            if (child is LeafChild leaf)
            {
                nodes.Add(Nodes.Layer(name, leaf.Text, previous, leaf.Place, leaf.TextColumn));
                previous = name;
            }
            else if (child is ContainerChild container)
            {
                for (int i = container.Children.Count - 1; i >= 0; i--) work.Push((name, container.Children[i]));
            }
        }
        if (nodes.Count == 0) throw new CnnShapeException("the model holds no layers.", new Place { File = fileName });
        return new Network("input", null, nodes, [previous]);
    }

    private static void AddRepeated(List<Child> children, string key, int first, int last, int repeat, Func<string, Child> make)
    {
        if (first < 0)
        {
            children.Add(make(key));
            return;
        }
        for (int i = first; i <= last; i++) children.Add(make(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>"(1-3): 3 x …" names children 1, 2, 3; a plain key is a single child (-1 marks that).</summary>
    private static (int First, int Last) Range(string key, int repeat, Place place)
    {
        int dash = key.IndexOf('-');
        if (dash > 0 && int.TryParse(key[..dash], out int a) && int.TryParse(key[(dash + 1)..], out int b))
        {
            if (b - a + 1 != repeat) throw new CnnShapeException($"'({key})' names {b - a + 1} children but says {repeat} x.", place);
            return (a, b);
        }
        if (repeat != 1) throw new CnnShapeException($"'{repeat} x' needs a range key such as (1-{repeat}).", place);
        return (-1, -1);
    }

    private static void RequireSequential(string type, Place place, string what)
    {
        if (SequentialContainers.Contains(type)) return;
        throw new CnnShapeException(
            $"{what} is a '{type}', not an nn.Sequential: its forward() is its own code (it may add, concatenate, reshape or skip children), " +
            "so its children cannot be run as a list. Describe it in cnnshape's YAML format (named layers, from: references, add/cat merges) " +
            "or export it to ONNX (torch.onnx.export) and run `cnnshape net model.onnx`.", place);
    }

    private static string Short(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
