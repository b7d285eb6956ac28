using System.Net;
using System.Text;
using System.Text.Json;

namespace CnnShape.Tests.Web;

public class ApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(string path, string json)
    {
        var response = await server.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public void The_server_listens_on_loopback_only()
    {
        Assert.StartsWith("http://127.0.0.1:", server.Url);
    }

    [Fact]
    public async Task The_page_is_served_with_its_assets_and_no_external_links()
    {
        var html = await server.Client.GetStringAsync("/");
        var js = await server.Client.GetStringAsync("/app.js");
        var css = await server.Client.GetStringAsync("/app.css");

        Assert.Contains("<script src=\"/app.js\">", html);
        Assert.Contains("/api/layer", js);
        Assert.NotEmpty(css);
        // Everything is local: no script, style, image or fetch from another host (the SVG namespace URI is only a name).
        foreach (var external in new[] { "src=\"http", "href=\"http", "url(http", "@import", "fetch(\"http", "//cdn" })
        {
            Assert.DoesNotContain(external, html + js + css);
        }
    }

    [Fact]
    public async Task The_graph_layout_and_the_icon_are_served_locally()
    {
        var graph = await server.Client.GetStringAsync("/graph.js");
        var dagre = await server.Client.GetStringAsync("/vendor/dagre.min.js");
        var icon = await server.Client.GetAsync("/favicon.ico");

        Assert.Contains("drawGraph", graph);
        Assert.Contains("MIT licence", dagre);
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
        foreach (var external in new[] { "src=\"http", "fetch(\"http", "//cdn" }) Assert.DoesNotContain(external, graph + dagre);
    }

    [Fact]
    public async Task Api_net_gives_the_graph_edges_so_a_merge_reads_both_paths()
    {
        var (status, body) = await Post("/api/net", JsonSerializer.Serialize(new { text = "input: 1x3x8x8\nlayers:\n  - a: Conv2d(3, 4, 3, padding=1)\n  - b: Conv2d(4, 4, 3, padding=1)\n  - sum: {add: [b, a]}\n" }));

        Assert.Equal(HttpStatusCode.OK, status);
        var from = body.GetProperty("graph").GetProperty("from");
        Assert.Equal("[[-1],[0],[1,0]]", from.GetRawText());
        Assert.Equal("3, 4, 3, p=1", body.GetProperty("graph").GetProperty("args")[0].GetString());
    }

    [Fact]
    public async Task Api_pad_answers_the_numbers_and_the_worked_text()
    {
        var (status, body) = await Post("/api/pad", "{\"input\": 32, \"output\": 16, \"kernel\": 3, \"stride\": 2}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("symmetric").GetInt64());
        Assert.StartsWith("window k=3, s=2, d=1: input 32 → output 16\n  span", body.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Api_layer_answers_the_output_with_the_arithmetic()
    {
        var (status, body) = await Post("/api/layer", "{\"layer\": \"nn.Conv2d(3, 64, 7, stride=2, padding=3)\", \"input\": [1, 3, 224, 224]}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([1, 64, 112, 112], body.GetProperty("output").EnumerateArray().Select(x => x.GetInt64()));
        Assert.Equal("⌊(224 + 2·3 − 1·(7−1) − 1)/2⌋ + 1 = 112", body.GetProperty("steps")[0].GetProperty("formula").GetString());
    }

    [Fact]
    public async Task Api_layer_with_eval_answers_every_case_as_PyTorch_does_after_model_eval()
    {
        var cases = OracleCases.Read("edges.jsonl").Where(c => c.TryGetProperty("mode", out var m) && m.GetString() == "eval").ToList();

        foreach (var c in cases)
        {
            var request = JsonSerializer.Serialize(new Dictionary<string, object> { ["layer"] = c.GetProperty("layer").GetString()!, ["input"] = OracleCases.Dims(c.GetProperty("input")), ["eval"] = true }, JsonContext.Default.DictionaryStringObject);
            var (status, body) = await Post("/api/layer", request);

            string what = $"{c.GetProperty("layer")} on {c.GetProperty("input")} in eval mode";
            if (c.TryGetProperty("output", out var output))
            {
                Assert.True(status == HttpStatusCode.OK, $"{what}: {body}");
                Assert.Equal(OracleCases.Dims(output), body.GetProperty("output").EnumerateArray().Select(x => x.GetInt64()));
            }
            else Assert.True(status == HttpStatusCode.BadRequest, $"{what}: expected a refusal, got {body}");
        }
        Assert.True(cases.Count > 300, $"{cases.Count} eval cases");
    }

    [Fact]
    public async Task Api_layer_is_in_training_mode_unless_eval_is_true()
    {
        var (training, refusal) = await Post("/api/layer", "{\"layer\": \"nn.BatchNorm1d(2)\", \"input\": [1, 2]}");
        var (evaluation, body) = await Post("/api/layer", "{\"layer\": \"nn.BatchNorm1d(2)\", \"input\": [1, 2], \"eval\": true}");

        Assert.Equal(HttpStatusCode.BadRequest, training);
        Assert.Contains("more than 1 value per channel when training", refusal.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, evaluation);
        Assert.Equal([1, 2], body.GetProperty("output").EnumerateArray().Select(x => x.GetInt64()));
    }

    [Theory]
    [InlineData("{\"layer\": \"MaxPool2d(2, padding=2)\", \"input\": [1, 3, 8, 8]}", "more than half of the kernel size")]
    [InlineData("{\"layer\": \"nn.Conv2d(3, 64, 7\", \"input\": [1, 3, 8, 8]}", "column 19")]
    [InlineData("{\"layer\": 5, \"input\": [1, 3, 8, 8]}", "\"layer\" must be a string")]
    [InlineData("{\"layer\": \"ReLU()\"}", "\"input\" must be an array of integers")]
    [InlineData("{\"layer\": \"ReLU()\", \"input\": [1, \"a\"]}", "\"input\" must hold integers")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("not json", "not a JSON object")]
    public async Task Api_layer_answers_400_with_a_json_error_where_the_cli_exits_2(string json, string expected)
    {
        var (status, body) = await Post("/api/layer", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Api_net_and_api_pad_use_the_contract_json()
    {
        var (netStatus, net) = await Post("/api/net", JsonSerializer.Serialize(new Dictionary<string, object> { ["text"] = "Conv2d(3, 8, 3, padding=1)\nMaxPool2d(2)\n", ["input"] = new[] { 1, 3, 16, 16 } }, JsonContext.Default.DictionaryStringObject));
        var (padStatus, pad) = await Post("/api/pad", "{\"input\": 32, \"output\": 16, \"kernel\": 3, \"stride\": 2}");

        Assert.Equal(HttpStatusCode.OK, netStatus);
        Assert.Equal([1, 8, 8, 8], net.GetProperty("output").EnumerateArray().Select(x => x.GetInt64()));
        Assert.Equal(4, net.GetProperty("layers")[1].GetProperty("rf").GetProperty("size")[0].GetInt64());
        Assert.Equal(HttpStatusCode.OK, padStatus);
        Assert.Equal(1, pad.GetProperty("symmetric").GetInt64());
    }

    [Fact]
    public async Task Api_net_reads_a_pasted_class_and_diagnoses_it()
    {
        const string Source = "import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self, width=8):\n        super().__init__()\n        self.conv = nn.Conv2d(3, width, 3)\n        self.fc = nn.Linear(width * 14 * 14, 10)\n\n    def forward(self, x):\n        return self.fc(self.conv(x).flatten(1))\n";
        string Request(string input, string? args) => JsonSerializer.Serialize(new Dictionary<string, object> { ["text"] = Source, ["input"] = input, ["args"] = args! }, JsonContext.Default.DictionaryStringObject);

        var (okStatus, ok) = await Post("/api/net", Request("1x3x16x16", "width=8"));
        var (badStatus, bad) = await Post("/api/net", Request("1x3x32x32", null));

        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal(["conv", "flatten", "fc"], ok.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal(10, bad.GetProperty("at").GetProperty("line").GetInt32());
        Assert.Equal("        self.fc = nn.Linear(7200, 10)", bad.GetProperty("fixes")[0].GetProperty("edits")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Api_net_errors_name_the_line()
    {
        var (status, body) = await Post("/api/net", "{\"text\": \"Conv2d(3, 8, 3)\\nConv2dd(8, 8, 3)\\n\", \"input\": [1, 3, 16, 16]}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("network:2: layer '1' `Conv2dd(8, 8, 3)`: 'Conv2dd' is not a layer", body.GetProperty("error").GetString());
        Assert.Equal(2, body.GetProperty("line").GetInt32());
        Assert.Equal("1", body.GetProperty("node").GetString());
    }

    [Fact]
    public async Task Api_onnx_analyses_an_upload_and_refuses_garbage()
    {
        var bytes = await File.ReadAllBytesAsync(OracleCases.PathOf(Path.Combine("onnx", "alexnet_224.onnx")));
        var ok = await server.Client.PostAsync("/api/onnx", new ByteArrayContent(bytes));
        var bad = await server.Client.PostAsync("/api/onnx", new ByteArrayContent(Encoding.UTF8.GetBytes("definitely not onnx")));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("\"output\":[1,1000]", await ok.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("model.onnx: byte", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_text_body_over_one_megabyte_is_refused()
    {
        var big = "{\"layer\": \"" + new string(' ', 1_100_000) + "ReLU()\", \"input\": [1]}";
        var (status, body) = await Post("/api/layer", big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("larger than", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Two_thousand_requests_at_fifty_concurrent_all_succeed()
    {
        int failures = 0;
        using var gate = new SemaphoreSlim(50);
        var tasks = Enumerable.Range(0, 2000).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var json = $"{{\"layer\": \"Conv2d(3, 8, {1 + i % 5}, stride={1 + i % 3})\", \"input\": [1, 3, {16 + i % 40}, 20]}}";
                var response = await server.Client.PostAsync("/api/layer", new StringContent(json, Encoding.UTF8, "application/json"));
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref failures);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref failures);
            }
            finally
            {
                gate.Release();
            }
        });

        await Task.WhenAll(tasks);

        Assert.Equal(0, failures);
    }

    [Fact]
    public async Task A_units_region_is_the_same_document_as_net_unit_json()
    {
        const string Text = "input: 1x1x10x10\nConv2d(1, 1, 3, padding=1)\nMaxPool2d(2)\n";
        var (_, net) = await Post("/api/net", JsonSerializer.Serialize(new Dictionary<string, object> { ["text"] = Text }, JsonContext.Default.DictionaryStringObject));
        var (status, region) = await Post("/api/region", $"{{\"id\": \"{net.GetProperty("id").GetString()}\", \"layer\": 1, \"unit\": [0, 4]}}");
        using var files = new TempFiles();
        var cli = CnnShape.Tests.Cli.CliRunner.Run("net", files.Write("lines.txt", Text), "--unit", "0,4", "--json");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonDocument.Parse(cli.Stdout).RootElement.GetRawText(), region.GetRawText());
        Assert.Equal("[7, 10]", region.GetProperty("axes").GetProperty("W").GetProperty("exact").GetString());
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(bool))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class JsonContext : System.Text.Json.Serialization.JsonSerializerContext;
