using System.Globalization;

namespace CnnShape.Parsing;

/// <summary>
/// Reads a layer written the way a PyTorch user writes or sees it: the constructor call as code
/// (<c>nn.Conv2d(3, 64, 7, stride=2, padding=3)</c>) or PyTorch's printed form, whose strings are bare
/// (<c>Upsample(scale_factor=2.0, mode=nearest)</c>).
/// </summary>
public static class LayerText
{
    /// <summary>Parses one layer call; a malformed text is refused with the column and what was expected.</summary>
    public static LayerCall Parse(string text)
    {
        var p = new Reader(text);
        return p.ReadCall();
    }

    private sealed class Reader(string text)
    {
        private int _pos;
        private int _depth;
        private (string Word, int At)? _bare;

        public LayerCall ReadCall()
        {
            SkipSpace();
            if (_pos >= text.Length) throw Error("the text is empty; write a layer such as nn.Conv2d(3, 64, 3, padding=1)");
            string written = ReadDottedName("a layer name such as Conv2d");
            string name = StripModulePrefix(written);
            bool code = written != name;
            SkipSpace();
            var positional = new List<PyValue>();
            var keywords = new List<KeyValuePair<string, PyValue>>();
            var spans = new List<ArgumentSpan>();
            if (_pos >= text.Length)
            {
                // A bare name (`ReLU`) means the call with no arguments.
                return new LayerCall(name, positional, keywords, text) { Spans = spans, Close = -1, ModulePrefix = code };
            }
            Expect('(');
            SkipSpace();
            if (Peek() == ')')
            {
                _pos++;
            }
            else
            {
                while (true)
                {
                    SkipSpace();
                    int start = _pos;
                    if (IsNameStart(Peek()) && KeywordFollows(out var kw))
                    {
                        SkipSpace();
                        Expect('=');
                        SkipSpace();
                        int from = _pos;
                        var value = ReadValue();
                        if (keywords.Any(k => k.Key == kw)) throw Error($"keyword argument '{kw}' is repeated", start);
                        keywords.Add(new(kw, value));
                        spans.Add(new ArgumentSpan(kw, -1, from, _pos));
                    }
                    else
                    {
                        int from = _pos;
                        var value = ReadValue();
                        if (keywords.Count > 0) throw Error("a positional argument follows a keyword argument, which Python does not allow", start);
                        spans.Add(new ArgumentSpan(null, positional.Count, from, _pos));
                        positional.Add(value);
                    }
                    SkipSpace();
                    char c = Peek();
                    if (c == ',')
                    {
                        _pos++;
                        SkipSpace();
                        if (Peek() == ')') { _pos++; break; }
                        continue;
                    }
                    if (c == ')') { _pos++; break; }
                    throw Error(c == '\0' ? "the call is not closed: expected ',' or ')'" : $"expected ',' or ')' but found '{c}'");
                }
            }
            SkipSpace();
            if (_pos < text.Length) throw Error($"unexpected text after the closing ')': '{Rest()}'");
            // With nn. / torch.nn. the text is Python code, where a bare word is a name Python does not know; only
            // PyTorch's printed form (no prefix) writes strings without quotes.
            if (code && _bare is { } bare) throw Error($"'{bare.Word}' is not defined in Python: quote it ('{bare.Word}'), or write the layer as print(model) shows it, without nn.", bare.At);
            int close = text.LastIndexOf(')');
            return new LayerCall(name, positional, keywords, text) { Spans = spans, Close = close, ModulePrefix = code };
        }

        private static string StripModulePrefix(string name)
        {
            foreach (var prefix in new[] { "torch.nn.modules.", "torch.nn.", "nn." })
            {
                if (name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    name = name[prefix.Length..];
                    break;
                }
            }
            // `torch.nn.modules.conv.Conv2d` → `Conv2d`
            int dot = name.LastIndexOf('.');
            return dot >= 0 ? name[(dot + 1)..] : name;
        }

        private bool KeywordFollows(out string keyword)
        {
            int save = _pos;
            while (_pos < text.Length && IsNamePart(text[_pos])) _pos++;
            keyword = text[save.._pos];
            SkipSpace();
            if (Peek() == '=' && PeekAt(1) != '=') return true;
            _pos = save;
            return false;
        }

        /// <summary>A value: a literal, a tuple or list, a bare word, <c>?</c>, or integer/float arithmetic as Python computes it.</summary>
        private PyValue ReadValue() => ReadSum();

        private PyValue ReadSum()
        {
            var left = ReadProduct();
            while (true)
            {
                SkipSpace();
                char c = Peek();
                if (c is not ('+' or '-')) return left;
                int at = _pos++;
                var right = ReadProduct();
                left = Arithmetic.Apply(c.ToString(), left, right) ?? throw Error($"'{c}' needs two numbers, got {left.ToPython()} and {right.ToPython()}", at);
            }
        }

        private PyValue ReadProduct()
        {
            var left = ReadUnary();
            while (true)
            {
                SkipSpace();
                string op;
                if (Peek() == '*' && PeekAt(1) != '*') op = "*";
                else if (Peek() == '/' && PeekAt(1) == '/') op = "//";
                else if (Peek() == '/') op = "/";
                else if (Peek() == '%') op = "%";
                else return left;
                int at = _pos;
                _pos += op.Length;
                var right = ReadUnary();
                try
                {
                    left = Arithmetic.Apply(op, left, right) ?? throw Error($"'{op}' needs two numbers, got {left.ToPython()} and {right.ToPython()}", at);
                }
                catch (DivideByZeroException)
                {
                    throw Error($"{left.ToPython()} {op} {right.ToPython()} divides by zero", at);
                }
            }
        }

        private PyValue ReadUnary()
        {
            SkipSpace();
            char c = Peek();
            if (c is '-' or '+')
            {
                int at = _pos++;
                var operand = ReadUnary();
                if (c == '+') return operand is PyInt or PyFloat or PyBool ? operand : throw Error($"'+' needs a number, got {operand.ToPython()}", at);
                return Arithmetic.Apply("-", new PyInt(0), operand) ?? throw Error($"'-' needs a number, got {operand.ToPython()}", at);
            }
            return ReadPower();
        }

        private PyValue ReadPower()
        {
            int at = _pos;
            var left = ReadPrimary();
            SkipSpace();
            if (Peek() == '*' && PeekAt(1) == '*')
            {
                _pos += 2;
                var exponent = ReadUnary();
                return Arithmetic.Apply("**", left, exponent) ?? throw Error($"'**' needs two numbers, got {left.ToPython()} and {exponent.ToPython()}", at);
            }
            return left;
        }

        private PyValue ReadPrimary()
        {
            SkipSpace();
            char c = Peek();
            if (c == '?')
            {
                _pos++;
                return PyHole.Instance;
            }
            if (c == '(' || c == '[')
            {
                if (++_depth > 64) throw Error("tuples are nested too deeply");
                bool isList = c == '[';
                char close = isList ? ']' : ')';
                _pos++;
                var items = new List<PyValue>();
                bool sawComma = false;
                SkipSpace();
                while (Peek() != close)
                {
                    items.Add(ReadValue());
                    SkipSpace();
                    if (Peek() == ',') { _pos++; sawComma = true; SkipSpace(); continue; }
                    if (Peek() != close) throw Error(Peek() == '\0' ? $"the tuple is not closed: expected ',' or '{close}'" : $"expected ',' or '{close}' but found '{Peek()}'");
                }
                _pos++;
                _depth--;
                // `(3)` is just 3 in Python; `(3,)` is a tuple.
                if (!isList && items.Count == 1 && !sawComma) return items[0];
                return new PyTuple(items, isList);
            }
            if (c == '\'' || c == '"') return ReadString(c);
            if (char.IsDigit(c) || c == '.') return ReadNumber();
            if (IsNameStart(c))
            {
                int at = _pos;
                string word = ReadBareWord();
                if (word == "torch.Size" && Peek() == '(')
                {
                    // torch.Size([16, 5, 5]) is a tuple of ints
                    _pos++;
                    var inner = ReadValue();
                    SkipSpace();
                    Expect(')');
                    if (inner is not PyTuple { } list || list.Items.Any(x => x is not PyInt)) throw Error("torch.Size(...) takes a list of ints", at);
                    return new PyTuple(list.Items, IsList: false);
                }
                switch (word)
                {
                    case "True": return new PyBool(true);
                    case "False": return new PyBool(false);
                    case "None": return PyNone.Instance;
                    case "inf": return new PyFloat(double.PositiveInfinity);
                }
                if (!word.StartsWith("torch.", StringComparison.Ordinal)) _bare ??= (word, at);
                return new PyStr(word, Bare: true);
            }
            throw Error(c == '\0' ? "a value was expected but the text ended" : $"a value was expected but found '{c}'");
        }

        private PyValue ReadString(char quote)
        {
            int start = _pos;
            _pos++;
            int begin = _pos;
            while (_pos < text.Length && text[_pos] != quote)
            {
                if (text[_pos] == '\\') throw Error("escape sequences are not supported in strings", _pos);
                _pos++;
            }
            if (_pos >= text.Length) throw Error("the string is not closed", start);
            string s = text[begin.._pos];
            _pos++;
            return new PyStr(s);
        }

        private PyValue ReadNumber()
        {
            int start = _pos;
            int digitsStart = _pos;
            bool isFloat = false;
            while (_pos < text.Length)
            {
                char c = text[_pos];
                if (char.IsDigit(c) || c == '_') { _pos++; continue; }
                if (c == '.') { isFloat = true; _pos++; continue; }
                if ((c == 'e' || c == 'E') && _pos > digitsStart)
                {
                    isFloat = true;
                    _pos++;
                    if (Peek() == '-' || Peek() == '+') _pos++;
                    continue;
                }
                break;
            }
            string literal = text[start.._pos].Replace("_", "", StringComparison.Ordinal);
            if (_pos == digitsStart) throw Error("a number was expected", start);
            if (IsNamePart(Peek())) throw Error($"'{text[start.._pos]}{Peek()}' is not a number", start);
            if (!isFloat)
            {
                if (!long.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out long v)) throw Error($"the number {literal} does not fit in 64 bits", start);
                return new PyInt(v);
            }
            if (double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return new PyFloat(d);
            throw Error($"'{literal}' is not a number", start);
        }

        private string ReadDottedName(string what)
        {
            if (!IsNameStart(Peek())) throw Error(Peek() == '\0' ? $"{what} was expected" : $"{what} was expected but found '{Peek()}'");
            int start = _pos;
            while (_pos < text.Length && (IsNamePart(text[_pos]) || text[_pos] == '.' && _pos + 1 < text.Length && IsNameStart(text[_pos + 1]))) _pos++;
            return text[start.._pos];
        }

        /// <summary>A bare word in value position: an unquoted string of the printed form, e.g. <c>nearest-exact</c> or <c>torch.float32</c>.</summary>
        private string ReadBareWord()
        {
            int start = _pos;
            while (_pos < text.Length)
            {
                char c = text[_pos];
                if (IsNamePart(c)) { _pos++; continue; }
                if ((c == '-' || c == '.') && _pos + 1 < text.Length && IsNameStart(text[_pos + 1])) { _pos++; continue; }
                break;
            }
            return text[start.._pos];
        }

        private static bool IsNameStart(char c) => char.IsLetter(c) || c == '_';
        private static bool IsNamePart(char c) => char.IsLetterOrDigit(c) || c == '_';

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';
        private char PeekAt(int k) => _pos + k < text.Length ? text[_pos + k] : '\0';

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c) throw Error(Peek() == '\0' ? $"expected '{c}' but the text ended" : $"expected '{c}' but found '{Peek()}'");
            _pos++;
        }

        private string Rest() => text.Length - _pos > 20 ? text[_pos..(_pos + 20)] + "…" : text[_pos..];

        private CnnShapeException Error(string rule, int? at = null)
        {
            int col = (at ?? _pos) + 1;
            return new CnnShapeException($"cannot read the layer text: {rule}.", new Place { Column = col });
        }
    }
}
