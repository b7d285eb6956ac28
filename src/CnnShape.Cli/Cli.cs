using System.CommandLine;
using System.Text;
using CnnShape.Cli.Commands;
using CnnShape.Cli.Rendering;
using CnnShape.Contract;
using Spectre.Console;

namespace CnnShape.Cli;

/// <summary>The widths output is fitted to: stdout's and stderr's terminal (or COLUMNS); null where a stream goes to a file or pipe.</summary>
/// <param name="Width">Columns of the terminal stdout shows in.</param>
/// <param name="ErrorWidth">Columns of the terminal stderr shows in.</param>
public sealed record Terminal(int? Width, int? ErrorWidth)
{
    /// <summary>Both streams in a terminal of this width.</summary>
    public static Terminal Of(int? width) => new(width, width);
}

/// <summary>The command-line shell: declares the commands, maps refusals to exit code 2 and anything unexpected to 1.</summary>
public static class Cli
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;
    /// <summary>Exit code for an unexpected failure.</summary>
    public const int Failure = 1;
    /// <summary>Exit code for invalid or impossible user input.</summary>
    public const int InvalidInput = 2;

    /// <summary>
    /// Runs work that may take over a second with a progress bar on stderr (when stderr is a terminal and the work is
    /// expected to be slow); the work reports its fraction done through the callback it is given.
    /// </summary>
    public static T WithProgress<T>(string label, bool slow, Func<Action<double>?, T> work)
    {
        if (!slow || Console.IsErrorRedirected) return work(null);
        T result = default!;
        Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(Console.Error) }).Progress().Start(ctx =>
        {
            var task = ctx.AddTask(label, maxValue: 1.0);
            result = work(f => task.Value = f);
            task.Value = 1.0;
        });
        return result;
    }

    /// <summary>A parser message in words: "as expected type 'System.Nullable`1[System.Int64]'" becomes "a whole number".</summary>
    internal static string Plain(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, @"^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\.?$");
        if (!m.Success) return message;
        string type = m.Groups[3].Value;
        string what = type.Contains("Int64", StringComparison.Ordinal) || type.Contains("Int32", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) ? "a number"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
            : "a value of the right kind";
        return $"{m.Groups[2].Value} takes {what}, not '{m.Groups[1].Value}'.";
    }

    /// <summary>The width of the terminal a stream goes to (or COLUMNS, when set); null when it goes to a file or pipe.</summary>
    public static int? TerminalWidth(bool redirected)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns > 0) return columns;
        if (redirected) return null;
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : null; }
        catch (IOException) { return null; }
    }

    /// <summary>Runs the tool with the given arguments, writing to the given streams, fitting the terminal it runs in; returns the exit code.</summary>
    public static int Run(string[] args, Stream stdout, TextWriter stderr) =>
        Run(args, stdout, stderr, new Terminal(TerminalWidth(Console.IsOutputRedirected), TerminalWidth(Console.IsErrorRedirected)));

    /// <summary>Runs the tool with the given arguments, writing to the given streams at the given widths; returns the exit code.</summary>
    public static int Run(string[] args, Stream stdout, TextWriter stderr, Terminal terminal)
    {
        var output = new StreamWriter(stdout, new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        bool json = args.Contains("--json");
        try
        {
            var root = BuildRoot(output, stderr, terminal);
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                string message = string.Join(" ", parsed.Errors.Select(e => Plain(e.Message))) + " Run `cnnshape --help` for usage.";
                return Refuse(output, stderr, json, new CnnShapeException(message), terminal);
            }
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = stderr });
        }
        catch (CnnShapeException e)
        {
            return Refuse(output, stderr, json, e, terminal);
        }
        catch (OverflowException)
        {
            return Refuse(output, stderr, json, new CnnShapeException(LayerEngine.OverflowRule), terminal);
        }
        catch (IOException e)
        {
            return Refuse(output, stderr, json, new CnnShapeException(e.Message), terminal);
        }
        catch (UnauthorizedAccessException e)
        {
            return Refuse(output, stderr, json, new CnnShapeException(e.Message), terminal);
        }
        catch (Exception e)
        {
            stderr.WriteLine($"cnnshape: internal error ({e.GetType().Name}): {e.Message}");
            return Failure;
        }
        finally
        {
            output.Flush();
        }
    }

    /// <summary>Exit 2: the message on stderr (one paragraph, control characters made visible) and, with --json, the error document on stdout.</summary>
    private static int Refuse(TextWriter output, TextWriter stderr, bool json, CnnShapeException e, Terminal terminal)
    {
        if (json)
        {
            output.Write(Answers.Error(e));
            output.Write('\n');
        }
        // the command line knows where the whole list is
        string hint = e.Rule.Contains("is not a layer cnnshape knows", StringComparison.Ordinal) ? " Run `cnnshape layers` for the list." : "";
        stderr.WriteLine(Paragraph(e.Message + hint, terminal.ErrorWidth));
        return InvalidInput;
    }

    /// <summary>A refusal as stderr shows it: one paragraph, wrapped at words to the terminal, control characters made visible.</summary>
    internal static string Paragraph(string message, int? width) => Prose.Fit("cnnshape: " + Visible(message), width);

    /// <summary>The text with control characters (an escape sequence pasted into a file) shown as \uXXXX, never sent raw to the terminal.</summary>
    internal static string Visible(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (char ch in text)
        {
            if (char.IsControl(ch)) sb.Append(@"\u").Append(((int)ch).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(ch);
        }
        return sb.ToString();
    }

    private static RootCommand BuildRoot(TextWriter output, TextWriter stderr, Terminal terminal)
    {
        var root = new RootCommand("cnnshape — exact output shapes, receptive fields and padding for convolutional networks, as PyTorch computes them.");
        var jsonOption = new Option<bool>("--json") { Description = "Write one JSON document on stdout." };
        root.Options.Add(jsonOption);
        root.SetAction(p => ExamplesCommand.Run(output, p.GetValue(jsonOption), terminal.Width));
        root.Subcommands.Add(LayerCommand.Build(output, terminal));
        root.Subcommands.Add(LayersCommand.Build(output));
        root.Subcommands.Add(PadCommand.Build(output, terminal));
        root.Subcommands.Add(NetCommand.Build(output, stderr, terminal));
        root.Subcommands.Add(ExplainCommand.Build(output, terminal));
        root.Subcommands.Add(ServeCommand.Build(output));
        root.Subcommands.Add(SizesCommand.Build(output, terminal));
        root.Subcommands.Add(SolveCommand.Build(output, terminal));
        return root;
    }
}
