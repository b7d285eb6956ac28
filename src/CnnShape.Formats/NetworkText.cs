using CnnShape.Diagnosis;
using CnnShape.Formats.Python;
using CnnShape.Networks;
using CnnShape.Shapes;

namespace CnnShape.Formats;

/// <summary>The text formats a network can be written in.</summary>
public enum NetworkFormat
{
    /// <summary>Read the format from the text itself.</summary>
    Auto,
    /// <summary>PyTorch's <c>print(model)</c> of an <c>nn.Sequential</c>.</summary>
    Printed,
    /// <summary>One layer per line.</summary>
    Lines,
    /// <summary>cnnshape's YAML format.</summary>
    Yaml,
    /// <summary>The Python source of <c>nn.Module</c> classes.</summary>
    Python,
}

/// <summary>Reads a network description in a format that is given, or read from the text (never from a file name alone).</summary>
public static class NetworkText
{
    /// <summary>The format named in a request: auto, printed, lines, yaml or python.</summary>
    public static NetworkFormat ParseFormat(string text) => text.ToLowerInvariant() switch
    {
        "auto" or "" => NetworkFormat.Auto,
        "printed" or "print" or "print(model)" => NetworkFormat.Printed,
        "lines" or "layers" => NetworkFormat.Lines,
        "yaml" or "yml" => NetworkFormat.Yaml,
        "python" or "py" => NetworkFormat.Python,
        _ => throw new CnnShapeException($"the format must be auto, printed, lines, yaml or python, got '{text}'."),
    };

    /// <summary>
    /// The format of a text: YAML when it has a <c>layers:</c> key; Python when it defines a class or imports torch;
    /// PyTorch's <c>print(model)</c> when its first line opens a module (<c>Sequential(</c>); otherwise one layer per line.
    /// A file name's extension (.yaml, .py) decides when the text is ambiguous.
    /// </summary>
    public static NetworkFormat Detect(string text, string? fileName = null)
    {
        string ext = fileName is null ? "" : Path.GetExtension(fileName).ToLowerInvariant();
        if (ext is ".yaml" or ".yml") return NetworkFormat.Yaml;
        if (ext == ".py") return NetworkFormat.Python;
        var lines = text.Split('\n');
        if (lines.Any(l => l.StartsWith("layers:", StringComparison.Ordinal))) return NetworkFormat.Yaml;
        if (lines.Any(l => l.StartsWith("class ", StringComparison.Ordinal) || l.StartsWith("import torch", StringComparison.Ordinal) || l.StartsWith("from torch", StringComparison.Ordinal)))
        {
            return NetworkFormat.Python;
        }
        var first = lines.Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
        return first is not null && first.EndsWith('(') ? NetworkFormat.Printed : NetworkFormat.Lines;
    }

    /// <summary>Reads the text in the given format (detected when <see cref="NetworkFormat.Auto"/>); <paramref name="name"/> names it in messages.</summary>
    public static Network Read(string text, string name, NetworkFormat format = NetworkFormat.Auto)
    {
        if (text.Trim().Length == 0) throw new CnnShapeException("the text is empty.", new Place { File = name });
        if (format == NetworkFormat.Auto) format = Detect(text, name);
        return format switch
        {
            NetworkFormat.Yaml => YamlNetworkReader.Read(text, name),
            NetworkFormat.Printed => PrintedModelReader.Read(text, name),
            NetworkFormat.Python => PythonReader.Read(text, name, null, true, new PythonOptions()).Network,
            _ => LayerLinesReader.Read(text, name),
        };
    }

    /// <summary>
    /// The network as the diagnosis edits it: Python source (run on <paramref name="input"/>, or the input the file
    /// makes, in training or evaluation mode, as <paramref name="python"/> says which class to build), or any other text.
    /// </summary>
    public static NetworkSource Open(string text, string name, NetworkFormat format, Shape? input, bool training, PythonOptions? python = null)
    {
        if (text.Trim().Length == 0) throw new CnnShapeException("the text is empty.", new Place { File = name });
        if (format == NetworkFormat.Auto) format = Detect(text, name);
        if (format == NetworkFormat.Python) return new PythonSource(text, name, input, training, python ?? new PythonOptions());
        if (python is { ClassName: not null } or { Arguments: not null }) throw new CnnShapeException("--class and --args are for Python source; this text is read as another format.", new Place { File = name });
        return new TextSource(text, name, format);
    }
}
