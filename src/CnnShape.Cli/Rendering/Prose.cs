using System.Text;

namespace CnnShape.Cli.Rendering;

/// <summary>
/// Text that fits the terminal: lines wrapped at spaces, never inside a word, a number or a shape
/// (<c>[1, 3, 224, 224]</c> stays whole), continuation lines indented under the text they continue.
/// </summary>
internal static class Prose
{
    /// <summary>Every line of <paramref name="block"/> wrapped to <paramref name="width"/> (null: unchanged), each with its own hanging indent.</summary>
    public static string Fit(string block, int? width)
    {
        if (width is not int w) return block;
        var sb = new StringBuilder(block.Length + 64);
        var lines = block.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (i > 0) sb.Append('\n');
            sb.Append(Wrap(lines[i], w, Hang(lines[i])));
        }
        return sb.ToString();
    }

    /// <summary>
    /// Where a line's continuation starts: under the text after its labels (<c>"  span          d·(k−1) + 1"</c> continues
    /// under <c>d</c>; <c>"  input   602.1 kB  the input"</c> under <c>the</c>), or two spaces in from its indentation.
    /// </summary>
    public static int Hang(string line)
    {
        int indent = 0;
        while (indent < line.Length && line[indent] == ' ') indent++;
        // labels: runs of text followed by two or more spaces, within the first 40 columns
        int hang = -1;
        for (int i = indent + 1; i < Math.Min(line.Length - 2, 40); i++)
        {
            if (line[i] == ' ' && line[i + 1] == ' ' && line[i - 1] != ' ')
            {
                int j = i;
                while (j < line.Length && line[j] == ' ') j++;
                if (j < line.Length && j <= 44) hang = j;
                i = j;
            }
        }
        return hang > 0 ? hang : indent + 2;
    }

    /// <summary>
    /// One line wrapped to <paramref name="width"/>: breaks only at spaces outside brackets; continuation lines start with
    /// <paramref name="hang"/> spaces. A single word wider than the room is kept whole on its own line.
    /// </summary>
    public static string Wrap(string line, int width, int hang)
    {
        if (Measure(line) <= width) return line;
        int indent = 0;
        while (indent < line.Length && line[indent] == ' ') indent++;
        hang = Math.Min(hang, Math.Max(0, width / 2));
        var words = Words(line, indent);
        var sb = new StringBuilder(line.Length + 32);
        sb.Append(line, 0, indent);
        int column = indent;
        bool first = true;
        foreach (var (word, gap) in words)
        {
            int need = Measure(word);
            if (!first && column + gap + need > width)
            {
                sb.Append('\n').Append(' ', hang);
                column = hang;
            }
            else if (!first)
            {
                sb.Append(' ', gap);
                column += gap;
            }
            sb.Append(word);
            column += need;
            first = false;
        }
        return sb.ToString();
    }

    /// <summary>The words of a line after its indentation, each with the spaces before it; spaces inside <c>[…]</c> do not split.</summary>
    private static List<(string Word, int Gap)> Words(string line, int start)
    {
        var words = new List<(string, int)>();
        int depth = 0, i = start, gap = 0;
        var word = new StringBuilder();
        while (i < line.Length)
        {
            char c = line[i];
            if (c == ' ' && depth == 0)
            {
                if (word.Length > 0)
                {
                    words.Add((word.ToString(), gap));
                    word.Clear();
                    gap = 0;
                }
                gap++;
            }
            else
            {
                if (c == '[') depth++;
                else if (c == ']' && depth > 0) depth--;
                word.Append(c);
            }
            i++;
        }
        if (word.Length > 0) words.Add((word.ToString(), gap));
        // an unclosed bracket would glue the rest of the line into one word: split it at its spaces after all
        if (depth > 0) return line[start..].Split(' ').Where(w => w.Length > 0).Select(w => (w, 1)).ToList();
        return words;
    }

    /// <summary>The columns a text takes: one per character (the box-drawing and maths signs cnnshape prints are one column each).</summary>
    public static int Measure(string text)
    {
        int n = 0;
        foreach (char c in text)
        {
            if (!char.IsLowSurrogate(c)) n++;
        }
        return n;
    }
}
