namespace CnnShape.Formats.Python;

/// <summary>
/// A recursive-descent parser for the Python 3 grammar model files are written in: every statement (def and class with
/// decorators, annotations, defaults, *args/**kwargs, keyword-only and positional-only parameters; if/for/while/with/try;
/// import; assignment forms) and every expression (lambda, conditional, boolean, comparison chains, bitwise, arithmetic,
/// power, await-free primaries with calls, subscripts and slices, comprehensions, f-strings, walrus). A construct outside
/// it is refused with file:line:column.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private readonly string _file;
    private int _pos;
    private int _depth;

    /// <summary>How deep expressions and blocks may nest, and how long an operator chain may be (CPython's compiler has limits of its own).</summary>
    private const int NestingLimit = 200, ChainLimit = 5000;

    private void Enter()
    {
        if (++_depth > NestingLimit) throw Error($"the code nests more than {NestingLimit} levels deep here");
    }

    private Parser(List<Token> tokens, string file)
    {
        _tokens = tokens;
        _file = file;
    }

    /// <summary>Parses a whole file.</summary>
    public static Module ParseModule(string text, string file)
    {
        var parser = new Parser(new Tokenizer(text, file).Read(), file);
        var body = new List<Stmt>();
        while (parser.Peek.Kind != TokenKind.End)
        {
            if (parser.Peek.Kind == TokenKind.Newline) { parser._pos++; continue; }
            body.AddRange(parser.Statement());
        }
        return new Module(body);
    }

    /// <summary>Parses one expression (an f-string field, a command-line argument list).</summary>
    public static Expr ParseExpression(string text, string file, int line = 1, int column = 1)
    {
        var tokens = new Tokenizer(text, file).Read().Select(t => t with { Line = t.Line + line - 1, Column = t.Line == 1 ? t.Column + column - 1 : t.Column }).ToList();
        var parser = new Parser(tokens, file);
        var e = parser.TupleOrExpression();
        while (parser.Peek.Kind is TokenKind.Newline) parser._pos++;
        if (parser.Peek.Kind != TokenKind.End) throw parser.Error($"unexpected {parser.Peek}");
        return e;
    }

    private Token Peek => _tokens[_pos];

    private Token PeekAt(int k) => _tokens[Math.Min(_pos + k, _tokens.Count - 1)];

    private CnnShapeException Error(string rule, Token? at = null)
    {
        var t = at ?? Peek;
        return new CnnShapeException($"{rule}.", new Place { File = _file, Line = t.Line, Column = t.Column });
    }

    private bool IsOp(string op) => Peek.Kind == TokenKind.Op && Peek.Text == op;

    private bool IsName(string word) => Peek.Kind == TokenKind.Name && Peek.Text == word;

    private bool Accept(string op)
    {
        if (!IsOp(op)) return false;
        _pos++;
        return true;
    }

    private bool AcceptName(string word)
    {
        if (!IsName(word)) return false;
        _pos++;
        return true;
    }

    private Token Expect(string op)
    {
        if (!IsOp(op)) throw Error($"expected '{op}' but found {Peek}");
        return _tokens[_pos++];
    }

    private void ExpectName(string word)
    {
        if (!AcceptName(word)) throw Error($"expected '{word}' but found {Peek}");
    }

    private string Identifier()
    {
        if (Peek.Kind != TokenKind.Name || Keywords.Contains(Peek.Text)) throw Error($"expected a name but found {Peek}");
        return _tokens[_pos++].Text;
    }

    private static readonly HashSet<string> Keywords =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except",
        "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
        "while", "with", "yield",
    ];

    private T At<T>(T node, Token t) where T : Node => node with { Line = t.Line, Column = t.Column };

    // ---- statements

    private List<Stmt> Statement()
    {
        var t = Peek;
        if (t.Kind == TokenKind.Indent) throw Error("unexpected indent");
        if (t.Kind == TokenKind.Name)
        {
            switch (t.Text)
            {
                case "def": return [FunctionDefinition([])];
                case "class": return [ClassDefinition([])];
                case "if": return [If()];
                case "for": return [For()];
                case "while": return [While()];
                case "with": return [With()];
                case "try": return [Try()];
                case "async": throw Error("async code is not followed by cnnshape");
            }
        }
        if (IsOp("@")) return [Decorated()];
        return SimpleStatements();
    }

    private Stmt Decorated()
    {
        var decorators = new List<Expr>();
        while (Accept("@"))
        {
            decorators.Add(Expression());
            ExpectNewline();
        }
        if (IsName("def")) return FunctionDefinition(decorators);
        if (IsName("class")) return ClassDefinition(decorators);
        throw Error($"a decorator must be followed by def or class, found {Peek}");
    }

    private void ExpectNewline()
    {
        if (Peek.Kind == TokenKind.Newline) { _pos++; return; }
        if (Peek.Kind is TokenKind.End or TokenKind.Dedent) return;
        throw Error($"expected the end of the line but found {Peek}");
    }

    private List<Stmt> Block()
    {
        Enter();
        try { return BlockBody(); }
        finally { _depth--; }
    }

    private List<Stmt> BlockBody()
    {
        Expect(":");
        if (Peek.Kind != TokenKind.Newline) return SimpleStatements();
        _pos++;
        if (Peek.Kind != TokenKind.Indent) throw Error("expected an indented block");
        _pos++;
        var body = new List<Stmt>();
        while (Peek.Kind != TokenKind.Dedent && Peek.Kind != TokenKind.End)
        {
            if (Peek.Kind == TokenKind.Newline) { _pos++; continue; }
            body.AddRange(Statement());
        }
        if (Peek.Kind == TokenKind.Dedent) _pos++;
        return body;
    }

    private Stmt FunctionDefinition(List<Expr> decorators)
    {
        var t = Peek;
        ExpectName("def");
        string name = Identifier();
        Expect("(");
        var parameters = ParameterList(")", annotations: true);
        Expect(")");
        if (Accept("->")) Expression();
        var body = Block();
        return At(new FunctionDef(name, parameters, body, decorators), t);
    }

    private Parameters ParameterList(string close, bool annotations)
    {
        var items = new List<Parameter>();
        string kind = "pos";
        while (!IsOp(close))
        {
            if (Accept("/"))
            {
                for (int i = 0; i < items.Count; i++) items[i] = items[i] with { Kind = "posonly" };
            }
            else if (Accept("**"))
            {
                items.Add(new Parameter(Identifier(), null, "kwargs"));
                if (annotations && Accept(":")) Expression();
            }
            else if (Accept("*"))
            {
                if (IsOp(",") || IsOp(close)) kind = "kwonly";
                else
                {
                    items.Add(new Parameter(Identifier(), null, "varargs"));
                    if (annotations && Accept(":")) Expression();
                    kind = "kwonly";
                }
            }
            else
            {
                string name = Identifier();
                if (annotations && Accept(":")) Expression();
                Expr? def = Accept("=") ? Expression() : null;
                items.Add(new Parameter(name, def, kind));
            }
            if (!Accept(",")) break;
        }
        return new Parameters(items);
    }

    private Stmt ClassDefinition(List<Expr> decorators)
    {
        var t = Peek;
        ExpectName("class");
        string name = Identifier();
        var bases = new List<Expr>();
        var keywords = new List<Keyword>();
        if (Accept("("))
        {
            var (args, kws) = Arguments();
            bases.AddRange(args);
            keywords.AddRange(kws);
            Expect(")");
        }
        var body = Block();
        return At(new ClassDef(name, bases, keywords, body, decorators), t);
    }

    private Stmt If()
    {
        var t = Peek;
        _pos++;
        var test = NamedExpression();
        var body = Block();
        IReadOnlyList<Stmt> orelse = [];
        if (IsName("elif")) orelse = [If()];
        else if (AcceptName("else")) orelse = Block();
        return At(new IfStmt(test, body, orelse), t);
    }

    private Stmt For()
    {
        var t = Peek;
        ExpectName("for");
        var target = TargetList();
        ExpectName("in");
        var iter = TupleOrExpression();
        var body = Block();
        var orelse = AcceptName("else") ? Block() : [];
        return At(new ForStmt(target, iter, body, orelse), t);
    }

    private Stmt While()
    {
        var t = Peek;
        ExpectName("while");
        var test = NamedExpression();
        var body = Block();
        var orelse = AcceptName("else") ? Block() : [];
        return At(new WhileStmt(test, body, orelse), t);
    }

    private Stmt With()
    {
        var t = Peek;
        ExpectName("with");
        var items = new List<(Expr, Expr?)>();
        bool paren = Accept("(");
        do
        {
            var context = Expression();
            Expr? target = AcceptName("as") ? Target() : null;
            items.Add((context, target));
        }
        while (Accept(",") && !IsOp(")"));
        if (paren) Expect(")");
        var body = Block();
        return At(new WithStmt(items, body), t);
    }

    private Stmt Try()
    {
        var t = Peek;
        ExpectName("try");
        var body = Block();
        var handlers = new List<(Expr?, string?, IReadOnlyList<Stmt>)>();
        while (IsName("except"))
        {
            _pos++;
            Expr? type = null;
            string? name = null;
            if (!IsOp(":"))
            {
                type = Expression();
                if (AcceptName("as")) name = Identifier();
            }
            handlers.Add((type, name, Block()));
        }
        var orelse = AcceptName("else") ? Block() : [];
        var final = AcceptName("finally") ? Block() : [];
        return At(new TryStmt(body, handlers, orelse, final), t);
    }

    private List<Stmt> SimpleStatements()
    {
        var result = new List<Stmt> { SimpleStatement() };
        while (Accept(";"))
        {
            if (Peek.Kind is TokenKind.Newline or TokenKind.End) break;
            result.Add(SimpleStatement());
        }
        ExpectNewline();
        return result;
    }

    private Stmt SimpleStatement()
    {
        var t = Peek;
        if (t.Kind == TokenKind.Name)
        {
            switch (t.Text)
            {
                case "pass": _pos++; return At(new PassStmt(), t);
                case "break": _pos++; return At(new BreakStmt(), t);
                case "continue": _pos++; return At(new ContinueStmt(), t);
                case "return":
                    _pos++;
                    return At(new ReturnStmt(Peek.Kind is TokenKind.Newline or TokenKind.End || IsOp(";") ? null : TupleOrExpression()), t);
                case "raise":
                    {
                        _pos++;
                        Expr? e = Peek.Kind is TokenKind.Newline or TokenKind.End ? null : Expression();
                        if (AcceptName("from")) Expression();
                        return At(new RaiseStmt(e), t);
                    }
                case "assert":
                    {
                        _pos++;
                        var test = Expression();
                        Expr? message = Accept(",") ? Expression() : null;
                        return At(new AssertStmt(test, message), t);
                    }
                case "global" or "nonlocal":
                    {
                        _pos++;
                        var names = new List<string> { Identifier() };
                        while (Accept(",")) names.Add(Identifier());
                        return At(new GlobalStmt(names), t);
                    }
                case "del":
                    {
                        _pos++;
                        var targets = new List<Expr> { Target() };
                        while (Accept(",")) targets.Add(Target());
                        return At(new DeleteStmt(targets), t);
                    }
                case "import":
                    {
                        _pos++;
                        var names = new List<(string, string?)>();
                        do
                        {
                            string module = DottedName();
                            names.Add((module, AcceptName("as") ? Identifier() : null));
                        }
                        while (Accept(","));
                        return At(new ImportStmt(names), t);
                    }
                case "from":
                    {
                        _pos++;
                        int level = 0;
                        while (IsOp(".") || IsOp("..."))
                        {
                            level += Peek.Text.Length;
                            _pos++;
                        }
                        string module = IsName("import") ? "" : DottedName();
                        ExpectName("import");
                        var names = new List<(string, string?)>();
                        bool paren = Accept("(");
                        if (Accept("*")) names.Add(("*", null));
                        else
                        {
                            do
                            {
                                if (paren && IsOp(")")) break;
                                string name = Identifier();
                                names.Add((name, AcceptName("as") ? Identifier() : null));
                            }
                            while (Accept(","));
                        }
                        if (paren) Expect(")");
                        return At(new ImportFromStmt(module, level, names), t);
                    }
                case "yield" or "await" or "async":
                    throw Error($"'{t.Text}' is not followed by cnnshape (generators and coroutines)");
            }
        }
        var first = StarExpressions();
        if (Accept(":"))
        {
            var annotation = Expression();
            Expr? value = Accept("=") ? StarExpressions() : null;
            return At(new AnnAssignStmt(first, annotation, value), t);
        }
        if (Peek.Kind == TokenKind.Op && Peek.Text.Length >= 2 && Peek.Text.EndsWith('=') && Peek.Text is not ("==" or "!=" or "<=" or ">=" or ":="))
        {
            string op = _tokens[_pos++].Text[..^1];
            return At(new AugAssignStmt(first, op, StarExpressions()), t);
        }
        if (IsOp("="))
        {
            var targets = new List<Expr> { first };
            Expr value = first;
            while (Accept("="))
            {
                value = StarExpressions();
                targets.Add(value);
            }
            targets.RemoveAt(targets.Count - 1);
            return At(new AssignStmt(targets, value), t);
        }
        return At(new ExprStmt(first), t);
    }

    private string DottedName()
    {
        string name = Identifier();
        while (IsOp(".") && PeekAt(1).Kind == TokenKind.Name)
        {
            _pos++;
            name += "." + Identifier();
        }
        return name;
    }

    private Expr Target() => Primary();

    private Expr TargetList()
    {
        var t = Peek;
        var items = new List<Expr> { TargetItem() };
        bool tuple = false;
        while (Accept(","))
        {
            tuple = true;
            if (IsName("in") || IsOp("=")) break;
            items.Add(TargetItem());
        }
        return tuple ? At(new TupleExpr(items), t) : items[0];
    }

    private Expr TargetItem()
    {
        var t = Peek;
        if (Accept("*")) return At(new StarredExpr(Primary()), t);
        if (IsOp("(") || IsOp("["))
        {
            bool list = IsOp("[");
            _pos++;
            var inner = new List<Expr>();
            while (!IsOp(list ? "]" : ")"))
            {
                inner.Add(TargetItem());
                if (!Accept(",")) break;
            }
            Expect(list ? "]" : ")");
            return At(new TupleExpr(inner), t);
        }
        return Primary();
    }

    // ---- expressions

    /// <summary>Expressions separated by commas (a tuple when there is a comma), starred items allowed.</summary>
    private Expr StarExpressions()
    {
        var t = Peek;
        var first = StarOrExpression();
        if (!IsOp(",")) return first;
        var items = new List<Expr> { first };
        while (Accept(","))
        {
            if (EndsExpressionList()) break;
            items.Add(StarOrExpression());
        }
        return At(new TupleExpr(items), t);
    }

    private bool EndsExpressionList() => Peek.Kind is TokenKind.Newline or TokenKind.End || IsOp("=") || IsOp(")") || IsOp("]") || IsOp("}") || IsOp(":") || IsOp(";")
        || Peek.Kind == TokenKind.Op && Peek.Text.Length >= 2 && Peek.Text.EndsWith('=') && Peek.Text is not ("==" or "!=" or "<=" or ">=");

    private Expr TupleOrExpression() => StarExpressions();

    private Expr StarOrExpression()
    {
        var t = Peek;
        if (Accept("*")) return At(new StarredExpr(BitOr()), t);
        return NamedExpression();
    }

    private Expr NamedExpression()
    {
        var t = Peek;
        if (t.Kind == TokenKind.Name && PeekAt(1).Kind == TokenKind.Op && PeekAt(1).Text == ":=")
        {
            string name = Identifier();
            _pos++;
            return At(new NamedExpr(name, Expression()), t);
        }
        return Expression();
    }

    private Expr Expression()
    {
        Enter();
        try { return ExpressionBody(); }
        finally { _depth--; }
    }

    private Expr ExpressionBody()
    {
        var t = Peek;
        if (IsName("lambda"))
        {
            _pos++;
            var parameters = ParameterList(":", annotations: false);
            Expect(":");
            return At(new LambdaExpr(parameters, Expression()), t);
        }
        var body = Disjunction();
        if (IsName("if"))
        {
            _pos++;
            var test = Disjunction();
            ExpectName("else");
            return At(new IfExpr(test, body, Expression()), t);
        }
        return body;
    }

    private Expr Disjunction()
    {
        var t = Peek;
        var first = Conjunction();
        if (!IsName("or")) return first;
        var values = new List<Expr> { first };
        while (AcceptName("or")) values.Add(Conjunction());
        return At(new BoolExpr("or", values), t);
    }

    private Expr Conjunction()
    {
        var t = Peek;
        var first = Inversion();
        if (!IsName("and")) return first;
        var values = new List<Expr> { first };
        while (AcceptName("and")) values.Add(Inversion());
        return At(new BoolExpr("and", values), t);
    }

    private Expr Inversion()
    {
        var t = Peek;
        if (AcceptName("not"))
        {
            Enter();
            try { return At(new UnaryExpr("not", Inversion()), t); }
            finally { _depth--; }
        }
        return Comparison();
    }

    private Expr Comparison()
    {
        var t = Peek;
        var left = BitOr();
        var ops = new List<string>();
        var comparators = new List<Expr>();
        while (true)
        {
            string? op = null;
            if (Peek.Kind == TokenKind.Op && Peek.Text is "==" or "!=" or "<" or ">" or "<=" or ">=") op = _tokens[_pos++].Text;
            else if (IsName("in")) { _pos++; op = "in"; }
            else if (IsName("not") && PeekAt(1).Kind == TokenKind.Name && PeekAt(1).Text == "in") { _pos += 2; op = "not in"; }
            else if (IsName("is"))
            {
                _pos++;
                op = AcceptName("not") ? "is not" : "is";
            }
            if (op is null) break;
            ops.Add(op);
            comparators.Add(BitOr());
        }
        return ops.Count == 0 ? left : At(new CompareExpr(left, ops, comparators), t);
    }

    private Expr Binary(Func<Expr> next, params string[] ops)
    {
        var left = next();
        int chain = 0;
        while (Peek.Kind == TokenKind.Op && ops.Contains(Peek.Text))
        {
            if (++chain > ChainLimit) throw Error($"an expression chains more than {ChainLimit} operators");
            var t = _tokens[_pos++];
            left = At(new BinaryExpr(t.Text, left, next()), t);
        }
        return left;
    }

    private Expr BitOr() => Binary(BitXor, "|");
    private Expr BitXor() => Binary(BitAnd, "^");
    private Expr BitAnd() => Binary(Shift, "&");
    private Expr Shift() => Binary(Sum, "<<", ">>");
    private Expr Sum() => Binary(Term, "+", "-");
    private Expr Term() => Binary(Factor, "*", "/", "//", "%", "@");

    private Expr Factor()
    {
        var t = Peek;
        if (Peek.Kind == TokenKind.Op && Peek.Text is "+" or "-" or "~")
        {
            _pos++;
            Enter();
            try { return At(new UnaryExpr(t.Text, Factor()), t); }
            finally { _depth--; }
        }
        return Power();
    }

    private Expr Power()
    {
        var t = Peek;
        var b = Primary();
        if (Accept("**"))
        {
            Enter();
            try { return At(new BinaryExpr("**", b, Factor()), t); }
            finally { _depth--; }
        }
        return b;
    }

    private Expr Primary()
    {
        var e = Atom();
        int chain = 0;
        while (true)
        {
            if (++chain > ChainLimit) throw Error($"an expression chains more than {ChainLimit} calls, subscripts or attributes");
            var t = Peek;
            if (Accept("."))
            {
                e = At(new AttributeExpr(e, Identifier()), t) with { Line = e.Line, Column = e.Column };
            }
            else if (Accept("("))
            {
                var places = new List<ArgumentPlace>();
                var (args, keywords) = Arguments(places);
                var close = Expect(")");
                e = new CallExpr(e, args, keywords) { Line = e.Line, Column = e.Column, EndLine = close.Line, EndColumn = close.Column + 1, Places = places };
            }
            else if (Accept("["))
            {
                var index = Subscripts();
                Expect("]");
                e = new SubscriptExpr(e, index) { Line = e.Line, Column = e.Column };
            }
            else return e;
        }
    }

    private (List<Expr> Args, List<Keyword> Keywords) Arguments() => Arguments(null);

    private (List<Expr> Args, List<Keyword> Keywords) Arguments(List<ArgumentPlace>? places)
    {
        var args = new List<Expr>();
        var keywords = new List<Keyword>();
        while (!IsOp(")"))
        {
            var t = Peek;
            string? keyword = null;
            bool starred = false;
            Token start;
            if (Accept("**"))
            {
                start = Peek;
                starred = true;
                keywords.Add(new Keyword(null, Expression()));
            }
            else if (Accept("*"))
            {
                start = Peek;
                starred = true;
                args.Add(At(new StarredExpr(Expression()), t));
            }
            else if (Peek.Kind == TokenKind.Name && PeekAt(1).Kind == TokenKind.Op && PeekAt(1).Text == "=")
            {
                keyword = Identifier();
                _pos++;
                start = Peek;
                keywords.Add(new Keyword(keyword, Expression()));
            }
            else
            {
                start = Peek;
                var e = NamedExpression();
                if (IsName("for"))
                {
                    e = At(new CompExpr("gen", null, e, Comprehensions()), t);
                }
                args.Add(e);
            }
            var last = _tokens[_pos - 1];
            places?.Add(new ArgumentPlace(keyword, keyword is null && !(starred && keywords.Count > 0 && keywords[^1].Name is null && t.Text == "**") ? args.Count - 1 : -1, starred, start.Line, start.Column, last.EndLine, last.EndColumn));
            if (!Accept(",")) break;
        }
        return (args, keywords);
    }

    private Expr Subscripts()
    {
        var t = Peek;
        var first = SliceItem();
        if (!IsOp(",")) return first;
        var items = new List<Expr> { first };
        while (Accept(","))
        {
            if (IsOp("]")) break;
            items.Add(SliceItem());
        }
        return At(new TupleExpr(items), t);
    }

    private Expr SliceItem()
    {
        var t = Peek;
        Expr? lower = null;
        if (!IsOp(":"))
        {
            lower = StarOrExpression();
            if (!IsOp(":")) return lower;
        }
        Expect(":");
        Expr? upper = IsOp(":") || IsOp("]") || IsOp(",") ? null : Expression();
        Expr? step = null;
        if (Accept(":") && !IsOp("]") && !IsOp(",")) step = Expression();
        return At(new SliceExpr(lower, upper, step), t);
    }

    private List<Comprehension> Comprehensions()
    {
        var result = new List<Comprehension>();
        while (IsName("for") || IsName("async"))
        {
            if (IsName("async")) throw Error("async comprehensions are not followed by cnnshape");
            _pos++;
            var target = TargetList();
            ExpectName("in");
            var iter = Disjunction();
            var ifs = new List<Expr>();
            while (AcceptName("if")) ifs.Add(Disjunction());
            result.Add(new Comprehension(target, iter, ifs));
        }
        return result;
    }

    private Expr Atom()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.Name:
                _pos++;
                return t.Text switch
                {
                    "None" => At(new ConstExpr(null), t),
                    "True" => At(new ConstExpr(true), t),
                    "False" => At(new ConstExpr(false), t),
                    _ when Keywords.Contains(t.Text) => throw Error($"'{t.Text}' cannot start an expression", t),
                    _ => At(new NameExpr(t.Text), t),
                };
            case TokenKind.Int:
                _pos++;
                return At(new ConstExpr(t.IntValue), t);
            case TokenKind.Float:
                _pos++;
                return At(new ConstExpr(t.FloatValue), t);
            case TokenKind.String or TokenKind.FString:
                return Strings();
        }
        if (Accept("..."))
        {
            return At(new ConstExpr(Ellipsis.Instance), t);
        }
        if (Accept("("))
        {
            if (Accept(")")) return At(new TupleExpr([]), t);
            var first = StarOrExpression();
            if (IsName("for"))
            {
                var gen = At(new CompExpr("gen", null, first, Comprehensions()), t);
                Expect(")");
                return gen;
            }
            if (Accept(")")) return first;
            var items = new List<Expr> { first };
            while (Accept(","))
            {
                if (IsOp(")")) break;
                items.Add(StarOrExpression());
            }
            Expect(")");
            return At(new TupleExpr(items), t);
        }
        if (Accept("["))
        {
            if (Accept("]")) return At(new ListExpr([]), t);
            var first = StarOrExpression();
            if (IsName("for"))
            {
                var comp = At(new CompExpr("list", null, first, Comprehensions()), t);
                Expect("]");
                return comp;
            }
            var items = new List<Expr> { first };
            while (Accept(","))
            {
                if (IsOp("]")) break;
                items.Add(StarOrExpression());
            }
            Expect("]");
            return At(new ListExpr(items), t);
        }
        if (Accept("{"))
        {
            if (Accept("}")) return At(new DictExpr([]), t);
            if (Accept("**"))
            {
                var items = new List<(Expr?, Expr)> { (null, BitOr()) };
                return DictRest(items, t);
            }
            var first = StarOrExpression();
            if (Accept(":"))
            {
                var value = Expression();
                if (IsName("for"))
                {
                    var comp = At(new CompExpr("dict", first, value, Comprehensions()), t);
                    Expect("}");
                    return comp;
                }
                return DictRest([(first, value)], t);
            }
            if (IsName("for"))
            {
                var comp = At(new CompExpr("set", null, first, Comprehensions()), t);
                Expect("}");
                return comp;
            }
            var set = new List<Expr> { first };
            while (Accept(","))
            {
                if (IsOp("}")) break;
                set.Add(StarOrExpression());
            }
            Expect("}");
            return At(new SetExpr(set), t);
        }
        throw Error(t.Kind == TokenKind.End ? "the file ends where an expression was expected" : $"an expression was expected but found {t}", t);
    }

    private Expr DictRest(List<(Expr?, Expr)> items, Token t)
    {
        while (Accept(","))
        {
            if (IsOp("}")) break;
            if (Accept("**")) { items.Add((null, BitOr())); continue; }
            var key = Expression();
            Expect(":");
            items.Add((key, Expression()));
        }
        Expect("}");
        return At(new DictExpr(items), t);
    }

    /// <summary>Adjacent string literals concatenate; f-strings split into literal text and fields.</summary>
    private Expr Strings()
    {
        var t = Peek;
        var parts = new List<object>();
        bool formatted = false;
        while (Peek.Kind is TokenKind.String or TokenKind.FString)
        {
            var s = _tokens[_pos++];
            if (s.Kind == TokenKind.String) parts.Add(s.Value!);
            else
            {
                formatted = true;
                parts.AddRange(FStringParts(s));
            }
        }
        if (!formatted) return At(new ConstExpr(string.Concat(parts.Cast<string>())), t);
        return At(new FStringExpr(parts), t);
    }

    private IEnumerable<object> FStringParts(Token s)
    {
        string body = s.Value!;
        var text = new System.Text.StringBuilder();
        int i = 0;
        while (i < body.Length)
        {
            char c = body[i];
            if (c == '{' && i + 1 < body.Length && body[i + 1] == '{') { text.Append('{'); i += 2; continue; }
            if (c == '}' && i + 1 < body.Length && body[i + 1] == '}') { text.Append('}'); i += 2; continue; }
            if (c != '{') { text.Append(c); i++; continue; }
            if (text.Length > 0) { yield return text.ToString(); text.Clear(); }
            int depth = 1, j = i + 1;
            int colon = -1, bang = -1;
            while (j < body.Length && depth > 0)
            {
                char d = body[j];
                if (d is '{' or '(' or '[') depth++;
                else if (d is '}' or ')' or ']') { depth--; if (depth == 0) break; }
                else if (depth == 1 && d == '!' && j + 1 < body.Length && body[j + 1] != '=' && colon < 0) bang = j;
                else if (depth == 1 && d == ':' && colon < 0) colon = j;
                j++;
            }
            if (j >= body.Length) throw Error("an f-string field is not closed", s);
            int exprEnd = bang >= 0 ? bang : colon >= 0 ? colon : j;
            string source = body[(i + 1)..exprEnd].TrimEnd('=').Trim();
            char conversion = bang >= 0 ? body[bang + 1] : '\0';
            string spec = colon >= 0 ? body[(colon + 1)..j] : "";
            yield return new FStringField(ParseExpression(source, _file, s.Line, s.Column), conversion, spec);
            i = j + 1;
        }
        if (text.Length > 0) yield return text.ToString();
    }
}

/// <summary>Python's <c>...</c>.</summary>
internal sealed class Ellipsis
{
    public static readonly Ellipsis Instance = new();

    public override string ToString() => "Ellipsis";
}
