using CnnShape.Layers;
using CnnShape.Shapes;

namespace CnnShape.Networks;

/// <summary>How a merge node combines its inputs.</summary>
public enum MergeKind
{
    /// <summary>Element-wise sum with PyTorch broadcasting.</summary>
    Add,
    /// <summary>Element-wise product with broadcasting (e.g. squeeze-and-excitation gating).</summary>
    Multiply,
    /// <summary>Element-wise difference with broadcasting.</summary>
    Subtract,
    /// <summary><c>torch.cat</c> along a dimension.</summary>
    Concat,
    /// <summary>Element-wise quotient with broadcasting.</summary>
    Divide,
    /// <summary><c>torch.stack</c>: a new dimension of the inputs' count.</summary>
    Stack,
    /// <summary><c>torch.matmul</c> / <c>@</c> of two tensors.</summary>
    MatMul,
}

/// <summary>One node of a network: a layer, or a merge of several tensors.</summary>
public abstract record NetworkNode
{
    /// <summary>The node's (and its output tensor's) name.</summary>
    public required string Name { get; init; }
    /// <summary>Names of the tensors it reads.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }
    /// <summary>Where it was written: the file and line (and, for Python, the column), as data.</summary>
    public required Place Place { get; init; }

    /// <summary>The name its row shows, when it differs from <see cref="Name"/> (Python source: a module called twice shows its name twice).</summary>
    public string? Label { get; init; }
}

/// <summary>A layer applied to one input tensor.</summary>
public sealed record LayerNode : NetworkNode
{
    /// <summary>The built layer.</summary>
    public required Layer Layer { get; init; }
    /// <summary>The layer text as written.</summary>
    public required string Text { get; init; }

    /// <summary>The 1-based column where <see cref="Text"/> starts in its line of the file, when it is written on one line as is.</summary>
    public int? TextColumn { get; init; }

    /// <summary>A second call of a module already called: its parameters are counted once, at the first call.</summary>
    public bool SharesParameters { get; init; }
}

/// <summary>A merge of several tensors.</summary>
public sealed record MergeNode : NetworkNode
{
    /// <summary>Add, multiply, subtract or concatenate.</summary>
    public required MergeKind Kind { get; init; }
    /// <summary>The concatenation dimension (Concat only).</summary>
    public long Dim { get; init; } = 1;
}

/// <summary>A network: named nodes (in any order; they are sorted by their references), its input and its outputs.</summary>
/// <param name="InputName">The name of the network input tensor.</param>
/// <param name="DeclaredInput">The input shape written in the file, if any.</param>
/// <param name="Nodes">The nodes, in the order written.</param>
/// <param name="Outputs">The names of the output tensors (the last node when none is given).</param>
public sealed record Network(string InputName, Shape? DeclaredInput, IReadOnlyList<NetworkNode> Nodes, IReadOnlyList<string> Outputs)
{
    /// <summary>Modules (and parameters) the model holds but the run never calls: their parameters still count, as PyTorch counts them.</summary>
    public IReadOnlyList<(string Name, long Params)> Idle { get; init; } = [];

    /// <summary>Parameters the model holds but does not train (frozen with <c>requires_grad = False</c>).</summary>
    public long Frozen { get; init; }

    /// <summary>For a model read from code: each module's class, by qualified name (the model itself under "").</summary>
    public IReadOnlyDictionary<string, string> ModuleTypes { get; init; } = new Dictionary<string, string>();

    /// <summary>For a model read from code: the frozen parameters each module holds directly, by qualified name.</summary>
    public IReadOnlyDictionary<string, long> FrozenByModule { get; init; } = new Dictionary<string, long>();

    /// <summary>Whether the network was traced from code for <see cref="DeclaredInput"/> (its reshapes hold numbers taken from that input).</summary>
    public bool Traced { get; init; }
}
