using System.CommandLine;
using System.Text;
using CnnShape.Cli.Commands;
using CnnShape.Cli.Rendering;
using CnnShape.Contract;
using Spectre.Console;

namespace CnnShape.Cli;

/// <summary>The command-line shell: declares the commands, maps refusals to exit code 2 and anything unexpected to 1.</summary>
public static class Cli
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;
    /// <summary>Exit code for an unexpected failure.</summary>
    public const int Failure = 1;
    /// <summary>Exit code for invalid or impossible user input.</summary>
    public const int InvalidInput = 2;

    /// <summary>Runs the tool with the given arguments, writing to the given streams; returns the exit code.</summary>
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

    /// <summary>The terminal's width when stdout is one (or COLUMNS says), for tables that fit it; null when output goes to a file or pipe.</summary>
    public static int? TerminalWidth()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns > 0) return columns;
        if (Console.IsOutputRedirected) return null;
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : null; }
        catch (IOException) { return null; }
    }

    public static int Run(string[] args, Stream stdout, TextWriter stderr)
    {
        var output = new StreamWriter(stdout, new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        bool json = args.Contains("--json");
        try
        {
            var root = BuildRoot(output, stderr);
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                string message = string.Join(" ", parsed.Errors.Select(e => Plain(e.Message))) + " Run `cnnshape --help` for usage.";
                return Refuse(output, stderr, json, new CnnShapeException(message));
            }
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = stderr });
        }
        catch (CnnShapeException e)
        {
            return Refuse(output, stderr, json, e);
        }
        catch (OverflowException)
        {
            return Refuse(output, stderr, json, new CnnShapeException(LayerEngine.OverflowRule));
        }
        catch (IOException e)
        {
            return Refuse(output, stderr, json, new CnnShapeException(e.Message));
        }
        catch (UnauthorizedAccessException e)
        {
            return Refuse(output, stderr, json, new CnnShapeException(e.Message));
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
    private static int Refuse(TextWriter output, TextWriter stderr, bool json, CnnShapeException e)
    {
        if (json)
        {
            output.Write(Answers.Error(e));
            output.Write('\n');
        }
        // the command line knows where the whole list is
        string hint = e.Rule.Contains("is not a layer cnnshape knows", StringComparison.Ordinal) ? " Run `cnnshape layers` for the list." : "";
        stderr.WriteLine("cnnshape: " + Visible(e.Message) + hint);
        return InvalidInput;
    }

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

    private static RootCommand BuildRoot(TextWriter output, TextWriter stderr)
    {
        var root = new RootCommand("cnnshape — exact output shapes, receptive fields and padding for convolutional networks, as PyTorch computes them.");
        var jsonOption = new Option<bool>("--json") { Description = "Write one JSON document on stdout." };
        root.Options.Add(jsonOption);
        root.SetAction(p => ExamplesCommand.Run(output, p.GetValue(jsonOption)));
        root.Subcommands.Add(LayerCommand.Build(output));
        root.Subcommands.Add(LayersCommand.Build(output));
        root.Subcommands.Add(PadCommand.Build(output));
        root.Subcommands.Add(NetCommand.Build(output, stderr));
        root.Subcommands.Add(ExplainCommand.Build(output));
        root.Subcommands.Add(ServeCommand.Build(output));
        root.Subcommands.Add(SizesCommand.Build(output));
        root.Subcommands.Add(SolveCommand.Build(output));
        return root;
    }
}
