using System.CommandLine;
using System.Diagnostics;
using System.Text;
using CnnShape.Cli.Rendering;
using CnnShape.Contract;
using CnnShape.Solvers;
using Spectre.Console;

namespace CnnShape.Cli.Commands;

/// <summary><c>cnnshape solve</c>: every (kernel, stride, padding, dilation) within bounds that hits the target.</summary>
internal static class SolveCommand
{
    public static Command Build(TextWriter output, Terminal terminal)
    {
        var input = new Option<long?>("--input") { Description = "Input size along one axis." };
        var target = new Option<long?>("--output") { Description = "The output size wanted." };
        var kinds = new Option<string>("--kind") { Description = "conv, maxpool, avgpool, transposed or all (comma-separated).", DefaultValueFactory = _ => "all" };
        var maxKernel = new Option<long>("--max-kernel") { Description = "Largest kernel (default 7).", DefaultValueFactory = _ => 7 };
        var maxStride = new Option<long>("--max-stride") { Description = "Largest stride (default 4).", DefaultValueFactory = _ => 4 };
        var maxPadding = new Option<long>("--max-padding") { Description = "Largest padding (default 3).", DefaultValueFactory = _ => 3 };
        var maxDilation = new Option<long>("--max-dilation") { Description = "Largest dilation (default 2).", DefaultValueFactory = _ => 2 };
        var limit = new Option<int>("--limit") { Description = "How many solutions to print (default 20; JSON has them all).", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "Write JSON on stdout." };
        var command = new Command("solve", "Every kernel/stride/padding/dilation within bounds that turns the input size into the output size, simplest first.")
        {
            input, target, kinds, maxKernel, maxStride, maxPadding, maxDilation, limit, json,
        };
        command.SetAction(p =>
        {
            long n = p.GetValue(input) ?? throw new CnnShapeException("solve: --input N is required.");
            long m = p.GetValue(target) ?? throw new CnnShapeException("solve: --output M is required.");
            var chosen = ParseKinds(p.GetValue(kinds)!);
            var bounds = new SearchBounds(p.GetValue(maxKernel), p.GetValue(maxStride), p.GetValue(maxPadding), p.GetValue(maxDilation));
            var watch = Stopwatch.StartNew();
            SolveAnswer answer;
            long total = ConfigurationSolver.CandidateCount(chosen, bounds);
            answer = Cli.WithProgress($"checking {total:N0} candidates", total > 50_000_000 && !p.GetValue(json), report => ConfigurationSolver.Solve(n, m, chosen, bounds, report));
            watch.Stop();
            output.Write(p.GetValue(json) ? Json(answer) + "\n" : Prose.Fit(Text(n, m, answer, p.GetValue(limit), watch.Elapsed), terminal.Width));
            return Cli.Ok;
        });
        return command;
    }

    private static WindowKind[] ParseKinds(string text)
    {
        var kinds = new List<WindowKind>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            kinds.AddRange(part switch
            {
                "all" => [WindowKind.Convolution, WindowKind.MaxPool, WindowKind.AvgPool, WindowKind.Transposed],
                "conv" => [WindowKind.Convolution],
                "maxpool" => [WindowKind.MaxPool],
                "avgpool" => [WindowKind.AvgPool],
                "pool" => [WindowKind.MaxPool, WindowKind.AvgPool],
                "transposed" => [WindowKind.Transposed],
                _ => throw new CnnShapeException($"solve: --kind must be conv, maxpool, avgpool, pool, transposed or all, got '{part}'."),
            });
        }
        return kinds.Distinct().ToArray();
    }

    private static string Text(long n, long m, SolveAnswer a, int limit, TimeSpan elapsed)
    {
        var sb = new StringBuilder();
        sb.Append($"{a.Solutions.Count:N0} configurations turn {n} into {m} ({a.Candidates:N0} candidates checked); the usual designs first:\n");
        foreach (var s in a.Solutions.Take(limit)) sb.Append("  ").Append(s.Code()).Append('\n');
        if (a.Solutions.Count > limit) sb.Append($"  … and {a.Solutions.Count - limit:N0} more (--limit, or --json for all)\n");
        if (a.Solutions.Count == 0) sb.Append("  none within the bounds; widen them (--max-kernel, --max-stride, --max-padding, --max-dilation).\n");
        return sb.ToString();
    }

    private static string Json(SolveAnswer a) => Answers.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("candidates", a.Candidates);
        w.WriteNumber("count", a.Solutions.Count);
        w.WriteStartArray("solutions");
        foreach (var s in a.Solutions)
        {
            w.WriteStartObject();
            w.WriteString("kind", s.Kind switch { WindowKind.Convolution => "conv", WindowKind.MaxPool => "maxpool", WindowKind.AvgPool => "avgpool", _ => "transposed" });
            w.WriteNumber("kernel", s.Kernel);
            w.WriteNumber("stride", s.Stride);
            w.WriteNumber("padding", s.Padding);
            w.WriteNumber("dilation", s.Dilation);
            w.WriteNumber("output_padding", s.OutputPadding);
            w.WriteString("code", s.Code());
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
