using Xunit.Abstractions;

namespace CnnShape.Tests.Networks;

/// <summary>The ONNX reader under a hundred thousand mutations of the fixtures (the core tests run the first ten thousand).</summary>
public class DeepFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void A_hundred_thousand_mutations_of_the_fixtures_never_crash_or_hang() => output.WriteLine(OnnxFuzz.Run(100_000));
}
