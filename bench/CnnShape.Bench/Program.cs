using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using CnnShape;
using CnnShape.Formats.Onnx;
using CnnShape.Layers;
using CnnShape.Onnx;
using CnnShape.ReceptiveFields;
using CnnShape.Shapes;

BenchmarkRunner.Run<HotPaths>(args: args);

/// <summary>Micro-benchmarks of the hot paths: layer parse, shape step, receptive-field step, ONNX read.
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

    [Benchmark]
    public OnnxModel OnnxRead()
    {
        using var stream = new MemoryStream(_onnx, writable: false);
        return OnnxReader.Read(stream, "resnet18.onnx");
    }
}
