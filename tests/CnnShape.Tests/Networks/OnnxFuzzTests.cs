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
    public void A_hundred_thousand_mutations_of_the_fixtures_never_crash_or_hang()
    {
        var files = Directory.GetFiles(OracleCases.PathOf("onnx"), "*.onnx").Select(File.ReadAllBytes).OrderBy(b => b.Length).Take(6).ToArray();
        var rng = new Random(1234);
        int refused = 0, answered = 0;
        var bugs = new Dictionary<string, string>();
        const int Mutations = 100_000;
        for (int i = 0; i < Mutations; i++)
        {
            var bytes = (byte[])files[i % files.Length].Clone();
            switch (rng.Next(4))
            {
                case 0: bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256); break;
                case 1: bytes = bytes[..rng.Next(bytes.Length)]; break;
                case 2: for (int k = 0; k < 8; k++) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8)); break;
                default:
                    int at = rng.Next(bytes.Length);
                    bytes = [.. bytes[..at], .. Enumerable.Range(0, rng.Next(1, 6)).Select(_ => (byte)rng.Next(256)), .. bytes[at..]];
                    break;
            }
            try
            {
                Analyze(bytes);
                answered++;
            }
            catch (CnnShapeException e)
            {
                refused++;
                // every refusal names the file and says something
                if (!e.Message.StartsWith("fuzz.onnx", StringComparison.Ordinal) || e.Rule.Length < 10) Assert.Fail($"mutation {i}: a refusal without its place or rule: {e.Message}");
            }
            catch (Exception e)
            {
                // anything else is a bug in the reader or an operator: the fuzz test exists to find these
                string site = e.GetType().Name + " " + (e.StackTrace ?? "").Split('\n')[0].Trim();
                bugs.TryAdd(site, $"mutation {i}: internal {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        Assert.True(bugs.Count == 0, $"{bugs.Count} internal failures:\n" + string.Join("\n\n", bugs.Values));
        output.WriteLine($"{Mutations} mutations: {refused} refused with a message, {answered} still analysed");
        Assert.True(refused > Mutations / 10 && answered > Mutations / 10, $"{refused} refused, {answered} analysed: the mutations should exercise both paths");
    }
}
