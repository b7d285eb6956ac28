using System.Text;

namespace CnnShape.Tests.Cli;

/// <summary>Runs the real CLI in-process and captures exit code, stdout and stderr.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>As from a script: output to pipes, fitted to no width.</summary>
    public static Result Run(params string[] args) => RunAt(null, args);

    /// <summary>As in a terminal <paramref name="width"/> columns wide (stdout and stderr both).</summary>
    public static Result RunAt(int? width, params string[] args)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int code = CnnShape.Cli.Cli.Run(args, stdout, stderr, CnnShape.Cli.Terminal.Of(width));
        return new Result(code, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }
}
