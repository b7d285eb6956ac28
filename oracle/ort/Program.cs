using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

// Reads JSON lines {"file": model path, "inputs": {name: [dims]}} on stdin; runs each model on zero-filled float32
// inputs of those shapes (int64 inputs get ones) and writes one JSON line per job: {"outputs": {name: [dims]}} for
// every graph output, or {"error": message} when ONNX Runtime refuses the graph or the run.
using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
string? line;
while ((line = Console.ReadLine()) is not null)
{
    if (line.Length == 0) continue;
    using var job = JsonDocument.Parse(line);
    var root = job.RootElement;
    var result = new Dictionary<string, object>();
    try
    {
        using var session = new InferenceSession(root.GetProperty("file").GetString()!, options);
        var inputs = new List<NamedOnnxValue>();
        foreach (var input in root.GetProperty("inputs").EnumerateObject())
        {
            int[] dims = input.Value.EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var meta = session.InputMetadata[input.Name];
            int count = dims.Aggregate(1, (a, b) => a * b);
            if (meta.ElementType == typeof(long)) inputs.Add(NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<long>(Enumerable.Repeat(1L, count).ToArray(), dims)));
            else inputs.Add(NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<float>(new float[count], dims)));
        }
        using var outputs = session.Run(inputs);
        var shapes = new Dictionary<string, long[]>();
        foreach (var o in outputs)
        {
            if (o.Value is Tensor<float> f) shapes[o.Name] = f.Dimensions.ToArray().Select(d => (long)d).ToArray();
            else if (o.Value is Tensor<long> l) shapes[o.Name] = l.Dimensions.ToArray().Select(d => (long)d).ToArray();
            else if (o.Value is Tensor<bool> b) shapes[o.Name] = b.Dimensions.ToArray().Select(d => (long)d).ToArray();
            else if (o.Value is Tensor<int> n) shapes[o.Name] = n.Dimensions.ToArray().Select(d => (long)d).ToArray();
        }
        result["outputs"] = shapes;
    }
    catch (OnnxRuntimeException e)
    {
        result["error"] = e.Message.Split('\n')[0];
    }
    Console.WriteLine(JsonSerializer.Serialize(result));
}
