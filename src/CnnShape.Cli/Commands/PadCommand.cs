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
    public static Command Build(TextWriter output)
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
                output.Write(p.GetValue(json) ? TransposedJson(answer) + "\n" : ExplainTransposed(n, m, k, s, d, answer));
            }
            else
            {
                var answer = PaddingSolver.Window(n, m, k, s, d, split);
                output.Write(p.GetValue(json) ? WindowJson(answer) + "\n" : ExplainWindow(n, m, k, s, d, answer, split, spatial));
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

    private static string ExplainWindow(long n, long m, long k, long s, long d, PaddingAnswer a, SplitConvention split, int spatial = 2)
    {
        long span = a.Span, low = a.LowerBound;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"window k={k}, s={s}, d={d}: input {n} → output {m}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  span          d·(k−1) + 1 = {d}·({k}−1) + 1 = {span}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  condition     ⌊({n} + T − {span})/{s}⌋ + 1 = {m}  ⇔  {low} ≤ T ≤ {a.LargestTotal}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  total         smallest T = {a.SmallestTotal}");
        sb.Append(s > 1 ? $"; every total from {a.SmallestTotal} to {a.LargestTotal} gives {m} (the floor absorbs up to s − 1 = {s - 1})\n" : "\n");
        if (a.Symmetric is long sym)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  symmetric     padding={sym} (total {2 * sym})\n");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"  symmetric     none: no even total lies in [{low}, {a.LargestTotal}]\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"  asymmetric    before {a.Before}, after {a.After} ({SplitName(split)})\n");
        // PyTorch's own padding='same' pads exactly this for stride 1 (the odd extra after), for any kernel and dilation
        if (s == 1 && m == n) sb.Append(CultureInfo.InvariantCulture, $"  PyTorch       nn.Conv{spatial}d(C_in, C_out, {k}{(d > 1 ? $", dilation={d}" : "")}, padding='same') does exactly this (stride 1 only)\n");
        if (a.Before != a.After)
        {
            // the pad layer of the user's dimensionality; F.pad lists the last axis first, each as (before, after)
            string pair = $"{a.Before}, {a.After}";
            string all = string.Join(", ", Enumerable.Repeat(pair, spatial));
            sb.Append(CultureInfo.InvariantCulture, $"    PyTorch     nn.ZeroPad{spatial}d(({all})) or F.pad(x, ({all})) before the layer, then padding=0 (every axis padded alike; each pair is (before, after), the last axis first)\n");
            sb.Append(CultureInfo.InvariantCulture, $"    ONNX        pads=[{a.Before}, {a.After}] (begin, end){(a.Before < a.After ? ", the split auto_pad=SAME_UPPER makes" : ", the split auto_pad=SAME_LOWER makes")}\n");
            sb.Append("    TensorFlow  'same' puts the extra after (bottom/right)");
            long tfOut = (n + s - 1) / s;
            sb.Append(tfOut == m ? $"; padding='same' gives exactly ⌈{n}/{s}⌉ = {m} here\n" : $"; padding='same' would give ⌈{n}/{s}⌉ = {tfOut}, not {m}\n");
        }
        // the blog formula p = ((out − 1)·s + d·(k − 1) + 1 − in)/2: said only where it misleads
        double textbook = low / 2.0;
        bool agrees = a.Symmetric is long p && p == textbook;
        if (!agrees)
        {
            string why = low < 0 ? "it is negative here: the floor already reaches the output with less padding"
                : low % 2 != 0 ? "it is not a whole number here: the total is odd, so no symmetric padding meets it exactly"
                : $"but padding={a.Symmetric} is the smallest that gives {m}";
            sb.Append(CultureInfo.InvariantCulture, $"  note          the usual p = ((out − 1)·s + d·(k − 1) + 1 − in)/2 = {textbook.ToString(CultureInfo.InvariantCulture)}; {why}\n");
        }
        return sb.ToString();
    }

    private static string SplitName(SplitConvention split) => split switch
    {
        SplitConvention.OnnxLower => "ONNX SAME_LOWER: the odd extra goes before",
        SplitConvention.OnnxUpper => "ONNX SAME_UPPER: the odd extra goes after",
        SplitConvention.TensorFlow => "TensorFlow 'same': the odd extra goes after",
        _ => "PyTorch: the odd extra goes after, as padding='same' does",
    };

    private static string ExplainTransposed(long n, long m, long k, long s, long d, TransposedPaddingAnswer a)
    {
        long span = d * (k - 1) + 1;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"transposed k={k}, s={s}, d={d}: input {n} → output {m}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  formula       ({n}−1)·{s} − 2·P + {d}·({k}−1) + OP + 1 = {m}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  answer        padding={a.Padding}, output_padding={a.OutputPadding}   ({n - 1}·{s} − {2 * a.Padding} + {span - 1} + {a.OutputPadding} + 1 = {m})\n");
        sb.Append(CultureInfo.InvariantCulture, $"  rule          PyTorch needs output_padding < max(stride, dilation) = {Math.Max(s, d)}\n");
        if (m < n)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  note          a transposed convolution grows its input (about ×{s}); shrinking {n} to {m} takes padding {a.Padding}, which crops the output — a plain convolution or a pool is the usual way to shrink (cnnshape pad without --transposed)\n");
        }
        return sb.ToString();
    }

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
