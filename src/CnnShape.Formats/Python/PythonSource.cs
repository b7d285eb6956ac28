using CnnShape.Diagnosis;
using CnnShape.Layers;
using CnnShape.Networks;
using CnnShape.Shapes;

namespace CnnShape.Formats.Python;

/// <summary>
/// A model's Python source as the diagnosis edits it: an argument is changed inside the layer's constructor call
/// (<c>nn.Linear(16 * 13 * 13, 120)</c>), a new layer goes into the nn.Sequential that holds the failing one or into a
/// new line before the forward statement that calls it (<c>x = nn.Flatten()(x)</c>). Every read runs the model again,
/// on the input of that run.
/// </summary>
public sealed class PythonSource : NetworkSource
{
    private readonly string _name;
    private readonly string[] _lines;
    private readonly PythonOptions _options;
    private readonly bool _training;
    private readonly Shape? _input;
    private PythonModel? _first;

    /// <summary>The source <paramref name="text"/> (named <paramref name="name"/>), run on <paramref name="input"/> or the input the file makes.</summary>
    public PythonSource(string text, string name, Shape? input, bool training, PythonOptions options)
    {
        _name = name;
        _lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        _options = options;
        _training = training;
        _input = input;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Lines => _lines;

    /// <summary>The model as read from the lines as given (its notes say what the reader chose).</summary>
    public PythonModel Model => _first ??= PythonReader.Read(string.Join("\n", _lines), _name, _input, _training, _options);

    /// <inheritdoc/>
    public override Network Read(IReadOnlyList<string> lines) =>
        ReferenceEquals(lines, _lines) ? Model.Network : PythonReader.Read(string.Join("\n", lines), _name, Model.Input, _training, _options).Network;

    /// <inheritdoc/>
    public override Network Read(IReadOnlyList<string> lines, Shape input) =>
        input.Equals(Model.Input) ? Read(lines) : PythonReader.Read(string.Join("\n", lines), _name, input, _training, _options).Network;

    /// <inheritdoc/>
    public override Shape? DeclaredInput => Model.Input;

    /// <inheritdoc/>
    public override Edit? SetArgument(IReadOnlyList<string> lines, LayerNode node, string parameter, string value)
    {
        if (PythonReader.OriginOf(node) is not { Module.Module: { Constructed: { } made, Direct: true, Layer: not null } }) return null;
        if (made.Module.Name != ModuleOf(lines)) return null;
        var call = made.Call;
        var place = call.Places.FirstOrDefault(p => p.Keyword == parameter)
            ?? call.Places.FirstOrDefault(p => p.Keyword is null && !p.Starred && p.Index == LayerCatalog.Position(CatalogName(node), parameter));
        if (place is not null)
        {
            if (place.Line != place.EndLine || place.Line > lines.Count) return null;
            string text = lines[place.Line - 1];
            if (place.EndColumn - 1 > text.Length) return null;
            return Edit.Replace(place.Line, text[..(place.Column - 1)] + value + text[(place.EndColumn - 1)..]);
        }
        // not given: a keyword before the closing parenthesis
        if (call.EndLine > lines.Count) return null;
        string line = lines[call.EndLine - 1];
        int close = call.EndColumn - 2;
        if (close < 0 || close >= line.Length || line[close] != ')') return null;
        string before = line[..close].TrimEnd();
        string separator = call.Places.Count == 0 || before.EndsWith(',') || before.EndsWith('(') ? (before.EndsWith(',') ? " " : "") : ", ";
        return Edit.Replace(call.EndLine, line[..close] + separator + $"{parameter}={value}" + line[close..]);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Edit>? InsertBefore(IReadOnlyList<string> lines, LayerNode node, string layer, string name)
    {
        if (PythonReader.OriginOf(node) is not { } origin || origin.File.Name != ModuleOf(lines)) return null;
        string code = Spelled(lines, layer);
        if (origin.ViaContainer)
        {
            // inside an nn.Sequential written as a call of its layers: the new layer goes right before the failing one
            if (origin.Module?.Module?.Constructed is not { } made || made.Module != origin.File && made.Module.Name != origin.File.Name) return null;
            int line = made.Call.Line, column = made.Call.Column;
            if (line > lines.Count || !ContainerHolds(node, made.Call)) return null;
            string text = lines[line - 1];
            return [Edit.Replace(line, text[..(column - 1)] + code + ", " + text[(column - 1)..])];
        }
        // a call written in forward: a statement before it, applying the new layer to the call's argument
        if (origin.Site is not { Args: [NameExpr argument, ..] } site || origin.Statement < 1 || origin.Statement > lines.Count) return null;
        string statement = lines[origin.Statement - 1];
        string indent = statement[..(statement.Length - statement.TrimStart().Length)];
        _ = site;
        return [Edit.Insert(origin.Statement - 1, $"{indent}{argument.Id} = {code}({argument.Id})")];
    }

    /// <inheritdoc/>
    public override Edit? Rewrite(IReadOnlyList<string> lines, LayerNode node, string text, string replacement)
    {
        if (PythonReader.OriginOf(node) is not { Site: { } site } origin || origin.File.Name != ModuleOf(lines)) return null;
        if (site.Line != site.EndLine || site.Line > lines.Count) return null;
        string line = lines[site.Line - 1];
        int at = line.IndexOf(text, StringComparison.Ordinal);
        if (at < 0 || line.IndexOf(text, at + 1, StringComparison.Ordinal) >= 0) return null;
        return Edit.Replace(site.Line, line[..at] + replacement + line[(at + text.Length)..]);
    }

    /// <summary>Whether the failing module's constructor is written among the arguments of an nn.Sequential call.</summary>
    private bool ContainerHolds(LayerNode node, CallExpr child)
    {
        int dot = (node.Label ?? node.Name).LastIndexOf('.');
        if (dot < 0) return false;
        foreach (var n in Ast.Walk(Parser.ParseModule(string.Join("\n", _lines), _name).Body))
        {
            if (n is CallExpr { Func: AttributeExpr { Attr: "Sequential" } or NameExpr { Id: "Sequential" } } seq && seq.Args.Any(a => a.Line == child.Line && a.Column == child.Column)) return true;
        }
        return false;
    }

    /// <summary>The layer in the spelling the file uses: nn.X when it imports torch.nn as nn, torch.nn.X when only torch.</summary>
    private static string Spelled(IReadOnlyList<string> lines, string layer)
    {
        bool nn = lines.Any(l => l.Contains("import torch.nn as nn", StringComparison.Ordinal) || l.Contains("from torch import nn", StringComparison.Ordinal) || System.Text.RegularExpressions.Regex.IsMatch(l, @"from torch import .*\bnn\b"));
        if (nn || !layer.StartsWith("nn.", StringComparison.Ordinal)) return layer;
        return "torch." + layer;
    }

    private string ModuleOf(IReadOnlyList<string> lines) => Path.GetFileNameWithoutExtension(_name) is { Length: > 0 } stem && stem != "stdin" ? stem : "model";

    /// <summary>The catalog name the module was built as (its class, or the layer class it derives from).</summary>
    private static string CatalogName(LayerNode node) =>
        PythonReader.OriginOf(node)?.Module?.Type.Mro.FirstOrDefault(c => c.LayerName is not null)?.LayerName ?? node.Layer.Type;
}
