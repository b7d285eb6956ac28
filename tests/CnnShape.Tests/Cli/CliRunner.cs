using System.Text;

namespace CnnShape.Tests.Cli;

/// <summary>Runs the real CLI in-process and captures exit code, stdout and stderr.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int code = CnnShape.Cli.Cli.Run(args, stdout, stderr);
        return new Result(code, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }
}
