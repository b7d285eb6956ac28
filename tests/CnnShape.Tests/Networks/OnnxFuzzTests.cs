using CnnShape.Formats.Onnx;
using CnnShape.Onnx;
using Xunit.Abstractions;

namespace CnnShape.Tests.Networks;

public class OnnxFuzzTests(ITestOutputHelper output)
{
    private static void Analyze(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        OnnxAnalyzer.Analyze(OnnxReader.Read(stream, "fuzz.onnx"), "fuzz.onnx");
    }

    [Fact]
    public void Truncated_files_and_random_bytes_are_refused_with_the_byte_offset()
    {
        var bytes = File.ReadAllBytes(OracleCases.PathOf(Path.Combine("onnx", "alexnet_224.onnx")));

        var truncated = Assert.Throws<CnnShapeException>(() => Analyze(bytes[..(bytes.Length / 2)]));
        var random = Assert.Throws<CnnShapeException>(() => Analyze([.. Enumerable.Range(0, 300).Select(i => (byte)(i * 37 + 11))]));
        var empty = Assert.Throws<CnnShapeException>(() => Analyze([]));

        Assert.Matches(@"^fuzz\.onnx: byte \d+: ", truncated.Message);
        Assert.Contains("fuzz.onnx", random.Message);
        Assert.Equal("fuzz.onnx: no graph found (field 7 of ModelProto): the file is empty, truncated or not an ONNX model.", empty.Message);
    }

    [Fact]
    public void Ten_thousand_mutations_of_the_fixtures_never_crash_or_hang() => output.WriteLine(OnnxFuzz.Run(10_000));
}
