using System.Diagnostics;
using System.Net;
using System.Text;

/// <summary>
/// A load test of the web API: N requests, C at a time, on one endpoint with one body; prints one JSON line with the
/// failures, the median and p99 latency and the requests a second.
/// Run: dotnet run -c Release --project bench/CnnShape.Bench -- load URL ENDPOINT BODY_FILE [N] [C]
/// </summary>
public static class Load
{
    public static async Task<int> Run(string[] args)
    {
        string url = args[0].TrimEnd('/'), endpoint = args[1];
        byte[] body = await File.ReadAllBytesAsync(args[2]);
        int n = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
        int concurrency = args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 100;
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        // warm up the server's paths
        for (int i = 0; i < 50; i++) await Send(client, url + endpoint, body);
        var latencies = new double[n];
        int failures = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
        {
            var start = Stopwatch.GetTimestamp();
            bool ok = await Send(client, url + endpoint, body);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (!ok) Interlocked.Increment(ref failures);
        });
        double seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        double P(double q) => latencies[Math.Min(n - 1, (int)Math.Ceiling(q * n) - 1)];
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{{\"endpoint\":\"{endpoint}\",\"requests\":{n},\"concurrency\":{concurrency},\"failures\":{failures},\"p50_ms\":{P(0.5):F2},\"p99_ms\":{P(0.99):F2},\"max_ms\":{latencies[^1]:F2},\"per_second\":{n / seconds:F0}}}"));
        return failures == 0 ? 0 : 1;
    }

    private static async Task<bool> Send(HttpClient client, string url, byte[] body)
    {
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(url, content);
            await response.Content.ReadAsByteArrayAsync();
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
