using System.Globalization;
using System.Text;

namespace CnnShape.Formats.Python;

/// <summary>The kinds of Python tokens.</summary>
internal enum TokenKind
{
    Name,
    Int,
    Float,
    String,
    FString,
    Op,
    Newline,
    Indent,
    Dedent,
    End,
}

/// <summary>One token with its place (1-based line and column) and, for strings, the decoded value.</summary>
internal sealed record Token(TokenKind Kind, string Text, int Line, int Column)
{
    /// <summary>The decoded text of a string literal (a bytes literal decodes as Latin-1).</summary>
    public string? Value { get; init; }

    /// <summary>The integer value of an int literal (ints past 64 bits are refused when read).</summary>
    public long IntValue { get; init; }

    /// <summary>The value of a float literal.</summary>
    public double FloatValue { get; init; }

    /// <summary>The 1-based line and column just past the token's last character.</summary>
    public int EndLine { get; init; }
    public int EndColumn { get; init; }

    public override string ToString() => Kind switch
    {
        TokenKind.Newline => "end of line",
        TokenKind.Indent => "an indent",
        TokenKind.Dedent => "a dedent",
        TokenKind.End => "end of file",
        _ => $"'{Text}'",
    };
}

/// <summary>
/// Python 3's tokens (the lexical rules of the language reference): indentation as INDENT/DEDENT, lines joined inside
/// brackets and after a backslash, comments, string literals with every prefix (r, b, u, f and their pairs) in single,
/// double and triple quotes, decimal/hex/octal/binary ints and floats with underscores. A malformed source is refused
/// with file:line:column.
/// </summary>
internal sealed class Tokenizer(string text, string file)
{
    private static readonly string[] Operators =
    [
        "**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=", "**", "//", "<<", ">>", "+=", "-=", "*=", "/=", "%=",
        "&=", "|=", "^=", "@=", "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":",
        ".", ";", "=",
    ];

    private int _pos;
    private int _line = 1;
    private int _lineStart;

    private CnnShapeException Error(string rule, int? line = null, int? column = null) =>
        new($"{rule}.", new Place { File = file, Line = line ?? _line, Column = column ?? _pos - _lineStart + 1 });

    public List<Token> Read()
    {
        var tokens = new List<Token>();
        var indents = new Stack<int>();
        indents.Push(0);
        int depth = 0;
        bool lineStart = true;
        while (true)
        {
            if (lineStart && depth == 0)
            {
                // measure the indentation of a logical line; blank lines and comment-only lines do not count
                int width = 0;
                int p = _pos;
                while (p < text.Length && (text[p] == ' ' || text[p] == '\t' || text[p] == '\f'))
                {
                    width = text[p] == '\t' ? (width / 8 + 1) * 8 : text[p] == '\f' ? 0 : width + 1;
                    p++;
                }
                if (p >= text.Length) break;
                if (text[p] == '#' || text[p] == '\n' || text[p] == '\r' || text[p] == '\\' && p + 1 < text.Length && text[p + 1] == '\n')
                {
                    _pos = p;
                    SkipToLineEnd();
                    continue;
                }
                _pos = p;
                if (width > indents.Peek())
                {
                    indents.Push(width);
                    tokens.Add(new Token(TokenKind.Indent, "", _line, 1));
                }
                else
                {
                    while (width < indents.Peek())
                    {
                        indents.Pop();
                        tokens.Add(new Token(TokenKind.Dedent, "", _line, 1));
                    }
                    if (width != indents.Peek()) throw Error("the indentation does not match any outer level (unindent does not match)");
                }
                lineStart = false;
            }
            if (_pos >= text.Length) break;
            char c = text[_pos];
            if (c == ' ' || c == '\t' || c == '\f')
            {
                _pos++;
                continue;
            }
            if (c == '#')
            {
                while (_pos < text.Length && text[_pos] != '\n') _pos++;
                continue;
            }
            if (c == '\\' && _pos + 1 < text.Length && (text[_pos + 1] == '\n' || text[_pos + 1] == '\r'))
            {
                _pos++;
                if (text[_pos] == '\r') _pos++;
                if (_pos < text.Length && text[_pos] == '\n') _pos++;
                NewLine();
                continue;
            }
            if (c == '\r' || c == '\n')
            {
                if (c == '\r' && _pos + 1 < text.Length && text[_pos + 1] == '\n') _pos++;
                _pos++;
                if (depth == 0)
                {
                    if (tokens.Count > 0 && tokens[^1].Kind is not (TokenKind.Newline or TokenKind.Indent or TokenKind.Dedent)) tokens.Add(new Token(TokenKind.Newline, "", _line, _pos - _lineStart));
                    lineStart = true;
                }
                NewLine();
                continue;
            }
            int column = _pos - _lineStart + 1;
            if (IsNameStart(c))
            {
                int start = _pos;
                while (_pos < text.Length && IsNamePart(text[_pos])) _pos++;
                string word = text[start.._pos];
                if (_pos < text.Length && (text[_pos] == '\'' || text[_pos] == '"') && IsPrefix(word))
                {
                    tokens.Add(Ended(ReadString(word.ToLowerInvariant(), column)));
                    continue;
                }
                tokens.Add(Ended(new Token(TokenKind.Name, word, _line, column)));
                continue;
            }
            if (char.IsAsciiDigit(c) || c == '.' && _pos + 1 < text.Length && char.IsAsciiDigit(text[_pos + 1]))
            {
                tokens.Add(Ended(ReadNumber(column)));
                continue;
            }
            if (c == '\'' || c == '"')
            {
                tokens.Add(Ended(ReadString("", column)));
                continue;
            }
            string? op = null;
            foreach (var candidate in Operators)
            {
                if (string.CompareOrdinal(text, _pos, candidate, 0, candidate.Length) == 0)
                {
                    op = candidate;
                    break;
                }
            }
            if (op is null) throw Error($"'{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())}' is not part of Python's syntax");
            if (op is "(" or "[" or "{") depth++;
            if (op is ")" or "]" or "}")
            {
                if (depth == 0) throw Error($"'{op}' closes nothing");
                depth--;
            }
            _pos += op.Length;
            tokens.Add(Ended(new Token(TokenKind.Op, op, _line, column)));
        }
        if (depth > 0) throw Error("the file ends inside a bracket (a '(' , '[' or '{' is not closed)");
        if (tokens.Count > 0 && tokens[^1].Kind is not (TokenKind.Newline or TokenKind.Dedent)) tokens.Add(new Token(TokenKind.Newline, "", _line, _pos - _lineStart + 1));
        while (indents.Count > 1)
        {
            indents.Pop();
            tokens.Add(new Token(TokenKind.Dedent, "", _line, 1));
        }
        tokens.Add(new Token(TokenKind.End, "", _line, 1));
        return tokens;
    }

    private void NewLine()
    {
        _line++;
        _lineStart = _pos;
    }

    private void SkipToLineEnd()
    {
        while (_pos < text.Length && text[_pos] != '\n') _pos++;
        if (_pos < text.Length) _pos++;
        NewLine();
    }

    private static bool IsPrefix(string word) => word.ToLowerInvariant() is "r" or "b" or "u" or "f" or "rb" or "br" or "fr" or "rf";

    private static bool IsNameStart(char c) => char.IsLetter(c) || c == '_' || c > 127 && char.GetUnicodeCategory(c) is UnicodeCategory.LetterNumber;

    private static bool IsNamePart(char c) => IsNameStart(c) || char.IsDigit(c) || c > 127 && char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation;

    private Token ReadNumber(int column)
    {
        int start = _pos;
        int line = _line;
        if (text[_pos] == '0' && _pos + 1 < text.Length && "xXoObB".Contains(text[_pos + 1], StringComparison.Ordinal))
        {
            char kind = char.ToLowerInvariant(text[_pos + 1]);
            _pos += 2;
            int digits = _pos;
            while (_pos < text.Length && (char.IsAsciiHexDigit(text[_pos]) || text[_pos] == '_')) _pos++;
            string body = text[digits.._pos].Replace("_", "", StringComparison.Ordinal);
            int radix = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
            long value = 0;
            try
            {
                foreach (char d in body)
                {
                    int v = char.IsAsciiDigit(d) ? d - '0' : char.ToLowerInvariant(d) - 'a' + 10;
                    if (v >= radix) throw Error($"'{text[start.._pos]}' is not a valid number", line, column);
                    value = checked(value * radix + v);
                }
            }
            catch (OverflowException)
            {
                throw Error($"the number {text[start.._pos]} does not fit in 64 bits", line, column);
            }
            if (body.Length == 0) throw Error($"'{text[start.._pos]}' is not a valid number", line, column);
            return new Token(TokenKind.Int, text[start.._pos], line, column) { IntValue = value };
        }
        bool isFloat = false;
        while (_pos < text.Length)
        {
            char c = text[_pos];
            if (char.IsAsciiDigit(c) || c == '_') _pos++;
            else if (c == '.' && !isFloat)
            {
                isFloat = true;
                _pos++;
            }
            else if ((c == 'e' || c == 'E') && _pos + 1 < text.Length && (char.IsAsciiDigit(text[_pos + 1]) || (text[_pos + 1] is '+' or '-') && _pos + 2 < text.Length && char.IsAsciiDigit(text[_pos + 2])))
            {
                isFloat = true;
                _pos += 2;
            }
            else break;
        }
        if (_pos < text.Length && (text[_pos] == 'j' || text[_pos] == 'J')) throw Error("complex numbers are not followed by cnnshape", line, column);
        string literal = text[start.._pos].Replace("_", "", StringComparison.Ordinal);
        if (isFloat)
        {
            if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) throw Error($"'{literal}' is not a valid number", line, column);
            return new Token(TokenKind.Float, literal, line, column) { FloatValue = d };
        }
        if (!long.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out long i)) throw Error($"the number {literal} does not fit in 64 bits", line, column);
        return new Token(TokenKind.Int, literal, line, column) { IntValue = i };
    }

    /// <summary>The token with the place just past its last character.</summary>
    private Token Ended(Token t) => t with { EndLine = _line, EndColumn = _pos - _lineStart + 1 };

    private Token ReadString(string prefix, int column)
    {
        int line = _line;
        char quote = text[_pos];
        bool triple = _pos + 2 < text.Length && text[_pos + 1] == quote && text[_pos + 2] == quote;
        _pos += triple ? 3 : 1;
        bool raw = prefix.Contains('r', StringComparison.Ordinal);
        var sb = new StringBuilder();
        int start = _pos;
        while (true)
        {
            if (_pos >= text.Length) throw Error("the string is not closed", line, column);
            char c = text[_pos];
            if (c == quote && (!triple || _pos + 2 < text.Length && text[_pos + 1] == quote && text[_pos + 2] == quote))
            {
                _pos += triple ? 3 : 1;
                break;
            }
            if (c == '\n')
            {
                if (!triple) throw Error("the string is not closed on its line", line, column);
                sb.Append('\n');
                _pos++;
                NewLine();
                continue;
            }
            if (c == '\\' && _pos + 1 < text.Length)
            {
                char e = text[_pos + 1];
                if (raw)
                {
                    sb.Append(c).Append(e);
                    _pos += 2;
                    if (e == '\n') NewLine();
                    continue;
                }
                _pos += 2;
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case '0': sb.Append('\0'); break;
                    case '\\': sb.Append('\\'); break;
                    case '\'': sb.Append('\''); break;
                    case '"': sb.Append('"'); break;
                    case '\n': NewLine(); break;
                    case 'x' when _pos + 2 <= text.Length && int.TryParse(text.AsSpan(_pos, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int h):
                        sb.Append((char)h);
                        _pos += 2;
                        break;
                    case 'u' when _pos + 4 <= text.Length && int.TryParse(text.AsSpan(_pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int u):
                        sb.Append((char)u);
                        _pos += 4;
                        break;
                    default: sb.Append('\\').Append(e); break;
                }
                continue;
            }
            sb.Append(c);
            _pos++;
        }
        string body = text[start..(_pos - (triple ? 3 : 1))];
        return new Token(prefix.Contains('f', StringComparison.Ordinal) ? TokenKind.FString : TokenKind.String, body, line, column) { Value = sb.ToString() };
    }
}
