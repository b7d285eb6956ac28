namespace CnnShape.Formats.Python;

/// <summary>A node of the syntax tree, with the 1-based line and column where it starts.</summary>
internal abstract record Node
{
    public int Line { get; init; }
    public int Column { get; init; }
}

// ---- expressions

internal abstract record Expr : Node;

internal sealed record NameExpr(string Id) : Expr;

internal sealed record ConstExpr(object? Value) : Expr;

/// <summary>An f-string: literal parts and expressions (with an optional conversion and format spec).</summary>
internal sealed record FStringExpr(IReadOnlyList<object> Parts) : Expr;

internal sealed record FStringField(Expr Value, char Conversion, string Spec);

internal sealed record AttributeExpr(Expr Value, string Attr) : Expr;

internal sealed record SubscriptExpr(Expr Value, Expr Index) : Expr;

internal sealed record SliceExpr(Expr? Lower, Expr? Upper, Expr? Step) : Expr;

internal sealed record StarredExpr(Expr Value) : Expr;

internal sealed record Keyword(string? Name, Expr Value);

internal sealed record CallExpr(Expr Func, IReadOnlyList<Expr> Args, IReadOnlyList<Keyword> Keywords) : Expr
{
    /// <summary>The 1-based line and column just past the closing parenthesis (to map an argument edit).</summary>
    public int EndLine { get; init; }
    public int EndColumn { get; init; }

    /// <summary>Where each argument's value is written, in the order written (positional and keyword).</summary>
    public IReadOnlyList<ArgumentPlace> Places { get; init; } = [];
}

/// <summary>One argument's value in the source: from (Line, Column) to just before (EndLine, EndColumn).</summary>
/// <param name="Keyword">The keyword, or null for a positional argument.</param>
/// <param name="Index">The position among the positional arguments (−1 for a keyword).</param>
/// <param name="Starred">Written with * or **.</param>
/// <param name="Line">The line where the value starts.</param>
/// <param name="Column">The column where the value starts.</param>
/// <param name="EndLine">The line where it ends.</param>
/// <param name="EndColumn">The column just past its end.</param>
internal sealed record ArgumentPlace(string? Keyword, int Index, bool Starred, int Line, int Column, int EndLine, int EndColumn);

internal sealed record BinaryExpr(string Op, Expr Left, Expr Right) : Expr;

internal sealed record UnaryExpr(string Op, Expr Operand) : Expr;

internal sealed record BoolExpr(string Op, IReadOnlyList<Expr> Values) : Expr;

internal sealed record CompareExpr(Expr Left, IReadOnlyList<string> Ops, IReadOnlyList<Expr> Comparators) : Expr;

internal sealed record IfExpr(Expr Test, Expr Body, Expr OrElse) : Expr;

internal sealed record LambdaExpr(Parameters Params, Expr Body) : Expr;

internal sealed record TupleExpr(IReadOnlyList<Expr> Items) : Expr;

internal sealed record ListExpr(IReadOnlyList<Expr> Items) : Expr;

internal sealed record SetExpr(IReadOnlyList<Expr> Items) : Expr;

/// <summary>A dict display: a null key marks <c>**mapping</c>.</summary>
internal sealed record DictExpr(IReadOnlyList<(Expr? Key, Expr Value)> Items) : Expr;

internal sealed record Comprehension(Expr Target, Expr Iter, IReadOnlyList<Expr> Ifs);

/// <summary>A list, set or generator comprehension (Kind "list", "set", "gen"), or a dict one (with a key).</summary>
internal sealed record CompExpr(string Kind, Expr? Key, Expr Element, IReadOnlyList<Comprehension> Generators) : Expr;

internal sealed record NamedExpr(string Target, Expr Value) : Expr;

// ---- statements

internal abstract record Stmt : Node;

internal sealed record Parameter(string Name, Expr? Default, string Kind);

/// <summary>Parameters in order: Kind "pos" (positional or keyword), "posonly", "kwonly", "varargs" (*args), "kwargs" (**kwargs).</summary>
internal sealed record Parameters(IReadOnlyList<Parameter> Items);

internal sealed record FunctionDef(string Name, Parameters Params, IReadOnlyList<Stmt> Body, IReadOnlyList<Expr> Decorators) : Stmt;

internal sealed record ClassDef(string Name, IReadOnlyList<Expr> Bases, IReadOnlyList<Keyword> Keywords, IReadOnlyList<Stmt> Body, IReadOnlyList<Expr> Decorators) : Stmt;

internal sealed record ReturnStmt(Expr? Value) : Stmt;

internal sealed record AssignStmt(IReadOnlyList<Expr> Targets, Expr Value) : Stmt;

internal sealed record AugAssignStmt(Expr Target, string Op, Expr Value) : Stmt;

internal sealed record AnnAssignStmt(Expr Target, Expr Annotation, Expr? Value) : Stmt;

internal sealed record ExprStmt(Expr Value) : Stmt;

internal sealed record IfStmt(Expr Test, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt> OrElse) : Stmt;

internal sealed record ForStmt(Expr Target, Expr Iter, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt> OrElse) : Stmt;

internal sealed record WhileStmt(Expr Test, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt> OrElse) : Stmt;

internal sealed record PassStmt : Stmt;

internal sealed record BreakStmt : Stmt;

internal sealed record ContinueStmt : Stmt;

internal sealed record ImportStmt(IReadOnlyList<(string Module, string? As)> Names) : Stmt;

internal sealed record ImportFromStmt(string Module, int Level, IReadOnlyList<(string Name, string? As)> Names) : Stmt;

internal sealed record RaiseStmt(Expr? Exception) : Stmt;

internal sealed record AssertStmt(Expr Test, Expr? Message) : Stmt;

internal sealed record WithStmt(IReadOnlyList<(Expr Context, Expr? Target)> Items, IReadOnlyList<Stmt> Body) : Stmt;

internal sealed record TryStmt(IReadOnlyList<Stmt> Body, IReadOnlyList<(Expr? Type, string? Name, IReadOnlyList<Stmt> Body)> Handlers, IReadOnlyList<Stmt> OrElse, IReadOnlyList<Stmt> Finally) : Stmt;

internal sealed record GlobalStmt(IReadOnlyList<string> Names) : Stmt;

internal sealed record DeleteStmt(IReadOnlyList<Expr> Targets) : Stmt;

internal sealed record Module(IReadOnlyList<Stmt> Body);

/// <summary>The direct children of a syntax node (expressions and statements), for walks over a file.</summary>
internal static class Ast
{
    public static IEnumerable<Node> Children(Node node)
    {
        switch (node)
        {
            case AttributeExpr a: yield return a.Value; break;
            case SubscriptExpr s: yield return s.Value; yield return s.Index; break;
            case SliceExpr s:
                if (s.Lower is not null) yield return s.Lower;
                if (s.Upper is not null) yield return s.Upper;
                if (s.Step is not null) yield return s.Step;
                break;
            case StarredExpr s: yield return s.Value; break;
            case CallExpr c:
                yield return c.Func;
                foreach (var a in c.Args) yield return a;
                foreach (var k in c.Keywords) yield return k.Value;
                break;
            case BinaryExpr b: yield return b.Left; yield return b.Right; break;
            case UnaryExpr u: yield return u.Operand; break;
            case BoolExpr b: foreach (var v in b.Values) yield return v; break;
            case CompareExpr c:
                yield return c.Left;
                foreach (var v in c.Comparators) yield return v;
                break;
            case IfExpr i: yield return i.Test; yield return i.Body; yield return i.OrElse; break;
            case LambdaExpr l: yield return l.Body; break;
            case TupleExpr t: foreach (var v in t.Items) yield return v; break;
            case ListExpr l: foreach (var v in l.Items) yield return v; break;
            case SetExpr s: foreach (var v in s.Items) yield return v; break;
            case DictExpr d:
                foreach (var (k, v) in d.Items)
                {
                    if (k is not null) yield return k;
                    yield return v;
                }
                break;
            case CompExpr c:
                if (c.Key is not null) yield return c.Key;
                yield return c.Element;
                foreach (var g in c.Generators)
                {
                    yield return g.Target;
                    yield return g.Iter;
                    foreach (var i in g.Ifs) yield return i;
                }
                break;
            case NamedExpr n: yield return n.Value; break;
            case FStringExpr f: foreach (var p in f.Parts) if (p is FStringField field) yield return field.Value; break;
            case FunctionDef f:
                foreach (var d in f.Decorators) yield return d;
                foreach (var p in f.Params.Items) if (p.Default is not null) yield return p.Default;
                foreach (var s in f.Body) yield return s;
                break;
            case ClassDef c:
                foreach (var d in c.Decorators) yield return d;
                foreach (var b in c.Bases) yield return b;
                foreach (var k in c.Keywords) yield return k.Value;
                foreach (var s in c.Body) yield return s;
                break;
            case ReturnStmt r: if (r.Value is not null) yield return r.Value; break;
            case AssignStmt a:
                foreach (var t in a.Targets) yield return t;
                yield return a.Value;
                break;
            case AugAssignStmt a: yield return a.Target; yield return a.Value; break;
            case AnnAssignStmt a:
                yield return a.Target;
                if (a.Value is not null) yield return a.Value;
                break;
            case ExprStmt e: yield return e.Value; break;
            case IfStmt i:
                yield return i.Test;
                foreach (var s in i.Body) yield return s;
                foreach (var s in i.OrElse) yield return s;
                break;
            case ForStmt f:
                yield return f.Target;
                yield return f.Iter;
                foreach (var s in f.Body) yield return s;
                foreach (var s in f.OrElse) yield return s;
                break;
            case WhileStmt w:
                yield return w.Test;
                foreach (var s in w.Body) yield return s;
                foreach (var s in w.OrElse) yield return s;
                break;
            case RaiseStmt r: if (r.Exception is not null) yield return r.Exception; break;
            case AssertStmt a:
                yield return a.Test;
                if (a.Message is not null) yield return a.Message;
                break;
            case WithStmt w:
                foreach (var (c, t) in w.Items)
                {
                    yield return c;
                    if (t is not null) yield return t;
                }
                foreach (var s in w.Body) yield return s;
                break;
            case TryStmt t:
                foreach (var s in t.Body) yield return s;
                foreach (var (type, _, body) in t.Handlers)
                {
                    if (type is not null) yield return type;
                    foreach (var s in body) yield return s;
                }
                foreach (var s in t.OrElse) yield return s;
                foreach (var s in t.Finally) yield return s;
                break;
            case DeleteStmt d: foreach (var t in d.Targets) yield return t; break;
        }
    }

    /// <summary>Every node under the given ones, breadth first in source order.</summary>
    public static IEnumerable<Node> Walk(IEnumerable<Node> roots)
    {
        var queue = new Queue<Node>(roots);
        while (queue.Count > 0)
        {
            var n = queue.Dequeue();
            yield return n;
            foreach (var c in Children(n)) queue.Enqueue(c);
        }
    }
}
