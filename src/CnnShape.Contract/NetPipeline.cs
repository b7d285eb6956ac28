using CnnShape.Diagnosis;
using CnnShape.Formats;
using CnnShape.Formats.Python;
using CnnShape.Networks;
using CnnShape.Onnx;
using CnnShape.Shapes;

namespace CnnShape.Contract;

/// <summary>How to run a network: the input shape (null: the one it declares), the mode, and for Python source the class.</summary>
/// <param name="Input">The input shape, overriding a declared or dynamic one.</param>
/// <param name="Training">Training mode, as a freshly built module runs (false: after <c>model.eval()</c>).</param>
/// <param name="Python">Python source: the class (or function) to build, its arguments and the file's path.</param>
public sealed record NetOptions(Shape? Input = null, bool Training = true, PythonOptions? Python = null);

/// <summary>What the pipeline answers: the report of a network that runs, or the diagnosis of one PyTorch refuses.</summary>
/// <param name="Report">Every row, tensor and warning (also when the network fails: the rows up to the failure).</param>
/// <param name="Diagnosis">The failure, its cause and the checked fixes; null when the network runs.</param>
/// <param name="Lines">The text's lines (what the fixes edit); null for ONNX.</param>
public sealed record NetOutcome(NetworkReport Report, Diagnosis.Diagnosis? Diagnosis, IReadOnlyList<string>? Lines);

/// <summary>
/// The one net pipeline behind <c>cnnshape net</c> and <c>POST /api/net|onnx</c>: detect the format, read, analyse, and
/// diagnose a failure. The shells only open the bytes and write the answer (<see cref="NetAnswer"/>).
/// </summary>
public static class NetPipeline
{
    /// <summary>Reads and analyses <paramref name="input"/>; a text network PyTorch refuses comes back diagnosed.</summary>
    public static NetOutcome Run(NetworkInput input, NetOptions options)
    {
        if (input.IsOnnx)
        {
            if (options.Python is { ClassName: not null } or { Arguments: not null }) throw new CnnShapeException("--class and --args are for Python source, not ONNX.", new Place { File = input.Name });
            using var stream = input.OpenOnnx();
            var model = Formats.Onnx.OnnxReader.Read(stream, input.Name);
            return new NetOutcome(OnnxAnalyzer.Analyze(model, input.Name, options.Input), null, null);
        }
        var source = Source(input, options, "net");
        var (report, diagnosis) = Diagnoser.Check(source, options.Input, options.Training);
        if (diagnosis is null && source is PythonSource { Model.Notes.Count: > 0 } py) report = report with { Warnings = [.. py.Model.Notes, .. report.Warnings] };
        return new NetOutcome(report, diagnosis, source.Lines);
    }

    /// <summary>
    /// The text network as the diagnosis and the size solver read it (Python source run on the input, or another text
    /// format); an ONNX model is refused with what <paramref name="command"/> reads instead.
    /// </summary>
    public static NetworkSource Source(NetworkInput input, NetOptions options, string command)
    {
        if (input.IsOnnx) throw new CnnShapeException($"{command} reads the text formats (print(model), layer lines, YAML, Python); an ONNX model runs as exported (cnnshape net, with a symbolic input size).", new Place { File = input.Name });
        return NetworkText.Open(input.Text!, input.Name, input.Format, options.Input, options.Training, options.Python);
    }
}
