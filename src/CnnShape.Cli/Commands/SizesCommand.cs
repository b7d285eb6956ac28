using System.CommandLine;
using System.Text;
using CnnShape.Cli.Rendering;
using CnnShape.Contract;
using CnnShape.Formats;
using CnnShape.Networks;
using CnnShape.Shapes;
using CnnShape.Solvers;

namespace CnnShape.Cli.Commands;

/// <summary><c>cnnshape sizes FILE</c>: which input sizes, per spatial axis, a network accepts.</summary>
internal static class SizesCommand
{
    public static Command Build(TextWriter output, Terminal terminal)
    {
        var file = new Argument<string>("file") { Description = "A network (print(model) text, Python source, YAML or layer lines)." };
        var input = new Option<string?>("--input", "-i") { Description = "The base input shape (the varied axis is replaced)." };
        var axis = new Option<int?>("--axis") { Description = "The tensor dimension to vary (default: every spatial axis)." };
        var from = new Option<long>("--from") { Description = "Smallest size tried (default 1).", DefaultValueFactory = _ => 1 };
        var to = new Option<long>("--to") { Description = "Largest size tried (default 1024).", DefaultValueFactory = _ => 1024 };
        var json = new Option<bool>("--json") { Description = "Write JSON on stdout." };
        var eval = new Option<bool>("--eval") { Description = "Evaluation mode (model.eval()): BatchNorm uses running statistics, so one value per channel is fine." };
        var modelClass = new Option<string?>("--class") { Description = "Python source: the class (or function) that makes the model." };
        var modelArgs = new Option<string?>("--args") { Description = "Python source: the constructor's arguments, e.g. \"num_classes=10\"." };
        var command = new Command("sizes", "Which input sizes a network accepts, as arithmetic progressions, with the output size as a formula.") { file, input, axis, from, to, json, eval, modelClass, modelArgs };
        command.SetAction(p =>
        {
            string path = p.GetValue(file)!;
            var given = p.GetValue(input) is string s ? Shape.Parse(s) : null;
            bool training = !p.GetValue(eval);
            var opened = NetCommand.Open(path);
            var text = NetPipeline.Source(opened, new NetOptions(given, training, new Formats.Python.PythonOptions(p.GetValue(modelClass), p.GetValue(modelArgs), path == "-" ? null : path)), "sizes");
            var network = text.Read(text.Lines);
            var baseInput = given ?? network.DeclaredInput ?? throw new CnnShapeException("the network declares no input shape; pass one with --input.", new Place { File = opened.Name });
            var axes = p.GetValue(axis) is int a ? [a] : Enumerable.Range(2, Math.Max(0, baseInput.Rank - 2)).ToArray();
            // a model read from code runs again for every size: a progress bar when that is a lot of sizes
            long count = p.GetValue(to) - p.GetValue(from) + 1;
            bool slow = network.Traced ? count > 200 : count > 2_000_000;
            var answers = axes.Select(x => Cli.WithProgress($"axis {x}: trying {count:N0} sizes", slow && !p.GetValue(json),
                report => SizeSolver.Solve(network, baseInput, x, p.GetValue(from), p.GetValue(to), training, shape => text.Read(text.Lines, shape), report))).ToList();
            output.Write(p.GetValue(json) ? Json(answers) + "\n" : Prose.Fit(Text(answers), terminal.Width));
            return Cli.Ok;
        });
        return command;
    }

    private static string Runs(SizeAnswer a) => a.Accepted.Count == 0 ? "none" : string.Join(", ", a.Accepted.Select(r => r.Start == r.Last ? $"{r.Start}" : $"{r.Start}, {r.Start + r.Step}, …, {r.Last} (every {r.Step})"));

    private static string Text(List<SizeAnswer> answers)
    {
        var sb = new StringBuilder();
        foreach (var a in answers)
        {
            sb.Append($"axis {a.Axis}: {a.Count} of the sizes {a.From}..{a.To} are accepted: {Runs(a)}\n");
            if (a.Smallest is long small) sb.Append($"  smallest accepted: {small}\n");
            if (a.OutputFormula is string f) sb.Append($"  output size along the axis: {f}\n");
            if (a.Refusal is { } r) sb.Append($"  why none: at size {a.To}, {r.Message}\n");
        }
        return sb.ToString();
    }

    private static string Json(List<SizeAnswer> answers) => Answers.Write(w =>
    {
        w.WriteStartArray();
        foreach (var a in answers)
        {
            w.WriteStartObject();
            w.WriteNumber("axis", a.Axis);
            w.WriteNumber("from", a.From);
            w.WriteNumber("to", a.To);
            w.WriteNumber("count", a.Count);
            if (a.Smallest is long s) w.WriteNumber("smallest", s);
            else w.WriteNull("smallest");
            w.WriteStartArray("progressions");
            foreach (var (start, step, last) in a.Accepted)
            {
                w.WriteStartObject();
                w.WriteNumber("start", start);
                w.WriteNumber("step", step);
                w.WriteNumber("last", last);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (a.OutputFormula is string f) w.WriteString("output", f);
            else w.WriteNull("output");
            if (a.Refusal is { } r)
            {
                w.WriteStartObject("refusal");
                Answers.ErrorFields(w, r);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });
}
