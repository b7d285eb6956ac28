using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using CnnShape;
using CnnShape.Formats.Onnx;
using CnnShape.Layers;
using CnnShape.Onnx;
using CnnShape.ReceptiveFields;
using CnnShape.Shapes;

if (args.Length > 0 && args[0] == "load") return await Load.Run(args[1..]);
BenchmarkRunner.Run<HotPaths>(args: args);
return 0;

/// <summary>Micro-benchmarks of the hot paths: layer parse, shape step, receptive-field step, ONNX read, Python source read.
/// Run: dotnet run -c Release --project bench/CnnShape.Bench -- --job short</summary>
[MemoryDiagnoser]
public class HotPaths
{
    private const string Text = "nn.Conv2d(64, 128, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)";
    private readonly Layer _conv = LayerEngine.Build(Text);
    private readonly Shape _input = Shape.Of(8, 64, 56, 56);
    private readonly AxisField _field = AxisField.Uniform(-17, 35, 8);
    private readonly byte[] _onnx = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "resnet18_224.onnx"));

    [Benchmark]
    public Layer LayerParse() => LayerEngine.Build(Text);

    [Benchmark]
    public LayerResult ShapeStep() => _conv.Apply(_input);

    [Benchmark]
    public AxisField FieldStep() => FieldPropagation.Window(_field, 3, 2, 1, 1);

    private readonly string _python = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "resnet_source.py"));

    /// <summary>A ResNet written as Python classes: tokenise, parse, evaluate, build and run on 1x3x224x224.</summary>
    [Benchmark]
    public CnnShape.Formats.Python.PythonModel PythonRead() =>
        CnnShape.Formats.Python.PythonReader.Read(_python, "resnet_source.py", Shape.Of(1, 3, 224, 224), true, new CnnShape.Formats.Python.PythonOptions("ResNet", "Bottleneck, [3, 4, 6, 3], width=64"));

    [Benchmark]
    public OnnxModel OnnxRead()
    {
        using var stream = new MemoryStream(_onnx, writable: false);
        return OnnxReader.Read(stream, "resnet18.onnx");
    }
}
