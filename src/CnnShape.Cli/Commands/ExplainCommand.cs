using System.CommandLine;
using System.Text;
using CnnShape.Cli.Rendering;
using CnnShape.Contract;
using CnnShape.Diagnosis;
using CnnShape.Formats;
using CnnShape.Shapes;

namespace CnnShape.Cli.Commands;

/// <summary>
/// <c>cnnshape explain [MESSAGE] [--net FILE] [--input SHAPE]</c>: what a PyTorch shape error's numbers mean (the message
/// or a whole traceback, as an argument or on stdin); with the network, the layer it comes from and the checked fixes.
/// </summary>
internal static class ExplainCommand
{
    public static Command Build(TextWriter output, Terminal terminal)
    {
        var message = new Argument<string?>("message") { Description = "The error message or traceback (read from stdin when absent).", Arity = ArgumentArity.ZeroOrOne };
        var net = new Option<string?>("--net") { Description = "The network (print(model), layer lines, YAML): locate the failing layer and give the fixes." };
        var input = new Option<string?>("--input", "-i") { Description = "The input shape the network got." };
        var eval = new Option<bool>("--eval") { Description = "Evaluation mode (model.eval())." };
        var json = new Option<bool>("--json") { Description = "Write JSON on stdout." };
        var command = new Command("explain", "What a PyTorch shape error means — and, with --net, the layer it comes from and the edits that fix it.") { message, net, input, eval, json };
        command.SetAction(p =>
        {
            string text = p.GetValue(message) ?? Console.In.ReadToEnd();
            if (text.Trim().Length == 0) throw new CnnShapeException("no error message given: pass it as an argument, or pipe the traceback in.");
            var explained = PyTorchErrors.Explain(text)
                ?? throw new CnnShapeException("this is not a shape error cnnshape knows (it reads Linear, convolution, BatchNorm, pooling, cat, broadcast, view, rank and interpolate errors).");
            Diagnosis.Diagnosis? diagnosis = null;
            IReadOnlyList<string>? lines = null;
            string? located = null;
            if (p.GetValue(net) is string path)
            {
                var given = p.GetValue(input) is string s ? Shape.Parse(s) : null;
                var text2 = NetPipeline.Source(NetCommand.Open(path), new NetOptions(given, !p.GetValue(eval), new Formats.Python.PythonOptions(Path: path == "-" ? null : path)), "explain --net");
                lines = text2.Lines;
                diagnosis = Diagnoser.Diagnose(text2, given, !p.GetValue(eval));
                located = diagnosis is null
                    ? "the network runs at this input; the error came from another input — pass it with --input."
                    : diagnosis.Error.Mismatch is { } m && explained.Argument == m.Argument && explained.Expected == m.Expected && explained.Actual == m.Actual
                        ? $"it is '{diagnosis.Node}' on line {diagnosis.Line}: the same numbers."
                        : $"at this input the network first fails at '{diagnosis.Node}' (line {diagnosis.Line}).";
            }
            if (p.GetValue(json))
            {
                output.Write(Answers.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("kind", explained.Kind);
                    w.WriteString("quote", explained.Quote);
                    w.WriteString("meaning", explained.Meaning);
                    w.WriteString("advice", explained.Advice);
                    if (explained.Argument is not null)
                    {
                        w.WriteString("argument", explained.Argument);
                        w.WriteNumber("expected", explained.Expected!.Value);
                        w.WriteNumber("actual", explained.Actual!.Value);
                    }
                    if (located is not null) w.WriteString("located", located);
                    if (diagnosis is not null)
                    {
                        w.WritePropertyName("diagnosis");
                        w.WriteRawValue(NetAnswer.Write(diagnosis));
                    }
                    w.WriteEndObject();
                }) + "\n");
                return Cli.Ok;
            }
            var sb = new StringBuilder();
            sb.Append(explained.Quote).Append("\n\n");
            sb.Append("  means   ").Append(explained.Meaning).Append('\n');
            sb.Append("  fix     ").Append(explained.Advice).Append('\n');
            if (located is not null) sb.Append("  where   ").Append(located).Append('\n');
            output.Write(Prose.Fit(sb.ToString(), terminal.Width));
            if (diagnosis is not null) output.Write("\n" + DiagnosisReport.Render(diagnosis, lines!, new TableOptions(terminal.Width), withRule: true));
            return Cli.Ok;
        });
        return command;
    }
}
