using CnnShape.Formats.Onnx;
using CnnShape.Onnx;

namespace CnnShape.Tests.Networks;

/// <summary>
/// Mutations of the ONNX fixtures (a byte set, a cut, bit flips, bytes inserted): each is refused with a message naming
/// the file, or analysed; none crashes or hangs. The core tests run ten thousand, the integration tests a hundred thousand.
/// </summary>
internal static class OnnxFuzz
{
    private static void Analyze(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        OnnxAnalyzer.Analyze(OnnxReader.Read(stream, "fuzz.onnx"), "fuzz.onnx");
    }

    /// <summary>Runs <paramref name="mutations"/> mutations (the same sequence for a given count); returns what they gave.</summary>
    public static string Run(int mutations)
    {
        var files = Directory.GetFiles(OracleCases.PathOf("onnx"), "*.onnx").Select(File.ReadAllBytes).OrderBy(b => b.Length).Take(6).ToArray();
        var rng = new Random(1234);
        int refused = 0, answered = 0;
        var bugs = new Dictionary<string, string>();
        for (int i = 0; i < mutations; i++)
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
        Assert.True(refused > mutations / 10 && answered > mutations / 10, $"{refused} refused, {answered} analysed: the mutations should exercise both paths");
        return $"{mutations} mutations: {refused} refused with a message, {answered} still analysed";
    }
}
