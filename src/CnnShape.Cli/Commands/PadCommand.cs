using System.CommandLine;
using System.Globalization;
using System.Text;
using CnnShape.Cli.Rendering;
using CnnShape.Contract;
using CnnShape.Solvers;

namespace CnnShape.Cli.Commands;

/// <summary><c>cnnshape pad</c>: the padding (or padding and output_padding) that gives exactly the output wanted.</summary>
internal static class PadCommand
{
    public static Command Build(TextWriter output, Terminal terminal)
    {
        var input = new Option<long?>("--input") { Description = "Input size along one axis." };
        var target = new Option<long?>("--output") { Description = "The output size wanted." };
        var kernel = new Option<long?>("--kernel") { Description = "Kernel size." };
        var stride = new Option<long>("--stride") { Description = "Stride (default 1).", DefaultValueFactory = _ => 1 };
        var dilation = new Option<long>("--dilation") { Description = "Dilation (default 1).", DefaultValueFactory = _ => 1 };
        var transposed = new Option<bool>("--transposed") { Description = "Solve for a transposed convolution (padding and output_padding)." };
        var convention = new Option<string>("--convention") { Description = "Which side gets the odd extra: pytorch, tf, onnx-upper or onnx-lower.", DefaultValueFactory = _ => "pytorch" };
        var batch = new Option<string?>("--batch") { Description = "JSON lines with input, output, kernel, stride, dilation, transposed (- for stdin)." };
        var json = new Option<bool>("--json") { Description = "Write JSON on stdout." };
        var dims = new Option<int>("--dims") { Description = "The layer's spatial dimensions (1, 2 or 3), for the PyTorch advice: Conv1d/ZeroPad1d, Conv2d/ZeroPad2d, … (default 2).", DefaultValueFactory = _ => 2 };
        var command = new Command("pad", "The padding that turns an input size into exactly the output size wanted — or why none does.")
        {
            input, target, kernel, stride, dilation, transposed, convention, batch, json, dims,
        };
        command.SetAction(p =>
        {
            var split = ParseConvention(p.GetValue(convention)!);
            if (p.GetValue(batch) is string file) return RunBatch(file, output, split);
            long n = p.GetValue(input) ?? throw new CnnShapeException("pad: --input N is required (the input size along one axis).");
            long m = p.GetValue(target) ?? throw new CnnShapeException("pad: --output M is required (the output size wanted).");
            long k = p.GetValue(kernel) ?? throw new CnnShapeException("pad: --kernel K is required.");
            long s = p.GetValue(stride), d = p.GetValue(dilation);
            int spatial = p.GetValue(dims);
            if (spatial is < 1 or > 3) throw new CnnShapeException($"pad: --dims must be 1, 2 or 3, got {spatial}.");
            if (p.GetValue(transposed))
            {
                var answer = PaddingSolver.Transposed(n, m, k, s, d);
                output.Write(p.GetValue(json) ? TransposedJson(answer) + "\n" : Prose.Fit(PadReport.Transposed(n, m, k, s, d, answer), terminal.Width));
            }
            else
            {
                var answer = PaddingSolver.Window(n, m, k, s, d, split);
                output.Write(p.GetValue(json) ? WindowJson(answer) + "\n" : Prose.Fit(PadReport.Window(n, m, k, s, d, answer, split, spatial), terminal.Width));
            }
            return Cli.Ok;
        });
        return command;
    }

    private static SplitConvention ParseConvention(string text) => text switch
    {
        "pytorch" => SplitConvention.PyTorch,
        "tf" or "tensorflow" or "keras" => SplitConvention.TensorFlow,
        "onnx-upper" => SplitConvention.OnnxUpper,
        "onnx-lower" => SplitConvention.OnnxLower,
        _ => throw new CnnShapeException($"pad: --convention must be pytorch, tf, onnx-upper or onnx-lower, got '{text}'."),
    };

    internal static string WindowJson(PaddingAnswer a) => Answers.Write(w => Answers.Pad(w, a));

    internal static string TransposedJson(TransposedPaddingAnswer a) => Answers.Write(w => Answers.Pad(w, a));

    private static int RunBatch(string file, TextWriter output, SplitConvention split)
    {
        if (file != "-" && Directory.Exists(file)) throw new CnnShapeException($"'{file}' is a directory, not a file of JSON lines.");
        if (file != "-" && !File.Exists(file)) throw new CnnShapeException($"the file '{file}' does not exist.");
        using var reader = file == "-" ? new StreamReader(Console.OpenStandardInput()) : new StreamReader(file);
        long lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            output.Write(AnswerLine(line, lineNumber, split));
            output.Write('\n');
        }
        return Cli.Ok;
    }

    /// <summary>One batch line: the pad request read as the web API reads it, answered, or refused with the line number.</summary>
    internal static string AnswerLine(string line, long lineNumber, SplitConvention split)
    {
        try
        {
            return Answers.Pad(PadRequest.Read(System.Text.Encoding.UTF8.GetBytes(line)), split);
        }
        catch (CnnShapeException e)
        {
            return Answers.Error(e.Within(new Place { Line = (int)Math.Min(lineNumber, int.MaxValue) }));
        }
        catch (OverflowException)
        {
            return Answers.Error(new CnnShapeException(LayerEngine.OverflowRule, new Place { Line = (int)Math.Min(lineNumber, int.MaxValue) }));
        }
    }
}
