using System.Net;
using System.Text;
using System.Text.Json;
using CnnShape.Contract;
using CnnShape.Formats;
using CnnShape.Networks;
using CnnShape.Shapes;
using CnnShape.Solvers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CnnShape.Web;

/// <summary>
/// The local web page and its JSON API. A thin shell: it reads requests, calls the same engine as the CLI, and writes
/// JSON. Nothing in a request reaches the file system; bodies are limited (1 MB of text, 64 MB for an ONNX upload).
/// </summary>
public static class WebServer
{
    /// <summary>Largest text request body (layer, network text, padding).</summary>
    public const int TextLimit = 1 << 20;
    /// <summary>Largest ONNX upload.</summary>
    public const long OnnxLimit = 64L << 20;

    /// <summary>Builds the server bound to <paramref name="host"/>:<paramref name="port"/> (port 0 picks a free one).</summary>
    public static WebApplication Build(string host, int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = OnnxLimit;
            var address = host is "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var ip) ? ip : throw new CnnShapeException($"--host must be an IP address or localhost, got '{host}'.");
            k.Listen(address, port);
        });
        var app = builder.Build();
        app.MapGet("/", c => Asset(c, "index.html", "text/html; charset=utf-8"));
        app.MapGet("/app.js", c => Asset(c, "app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/app.css", c => Asset(c, "app.css", "text/css; charset=utf-8"));
        app.MapGet("/graph.js", c => Asset(c, "graph.js", "text/javascript; charset=utf-8"));
        app.MapGet("/vendor/dagre.min.js", c => Asset(c, "vendor/dagre.min.js", "text/javascript; charset=utf-8"));
        app.MapGet("/favicon.ico", c => Asset(c, "favicon.svg", "image/svg+xml"));
        app.MapGet("/favicon.svg", c => Asset(c, "favicon.svg", "image/svg+xml"));
        app.MapPost("/api/layer", c => Answer(c, TextLimit, LayerApi));
        app.MapPost("/api/net", c => Answer(c, TextLimit, NetApi));
        app.MapPost("/api/pad", c => Answer(c, TextLimit, PadApi));
        app.MapPost("/api/onnx", c => AnswerBytes(c, OnnxLimit, OnnxApi));
        app.MapPost("/api/region", c => Answer(c, TextLimit, RegionApi));
        return app;
    }

    /// <summary>The URL the server listens on, once started.</summary>
    public static string Url(WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().Replace("[::1]", "localhost", StringComparison.Ordinal) + "/";

    private static async Task Send(HttpContext context, int status, string type, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = type;
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        await context.Response.WriteAsync(body, Encoding.UTF8);
    }

    private static async Task Asset(HttpContext context, string name, string type)
    {
        using var stream = typeof(WebServer).Assembly.GetManifestResourceStream("wwwroot/" + name) ?? throw new InvalidOperationException(name);
        using var reader = new StreamReader(stream);
        await Send(context, 200, type, await reader.ReadToEndAsync());
    }

    private const string Json = "application/json; charset=utf-8";

    private static Task Error(HttpContext context, CnnShapeException e, int status = 400) => Send(context, status, Json, Answers.Error(e));

    /// <summary>A JSON-object request: parsed by the contract layer, then answered like any other body.</summary>
    private static Task Answer(HttpContext context, int limit, Func<JsonElement, string> handle) =>
        AnswerBytes(context, limit, (bytes, _) =>
        {
            using var doc = Requests.Object(bytes);
            return handle(doc.RootElement);
        });

    private static async Task AnswerBytes(HttpContext context, long limit, Func<byte[], IQueryCollection, string> handle)
    {
        var bytes = await ReadBody(context, limit);
        if (bytes is null)
        {
            await Error(context, new CnnShapeException($"the request body is larger than {limit / 1024:N0} KB."), 413);
            return;
        }
        string answer;
        try
        {
            answer = handle(bytes, context.Request.Query);
        }
        catch (Refused refused)
        {
            // a network PyTorch refuses: 400 with the diagnosis document (CONTRACT.md, "When the network fails")
            await Send(context, 400, Json, refused.Body);
            return;
        }
        catch (CnnShapeException e)
        {
            await Error(context, e);
            return;
        }
        catch (OverflowException)
        {
            await Error(context, new CnnShapeException(LayerEngine.OverflowRule));
            return;
        }
        await Send(context, 200, Json, answer);
    }

    private static async Task<byte[]?> ReadBody(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit) return null;
        }
        return buffer.ToArray();
    }

    /// <summary><c>{"layer", "input", "eval"?}</c> → <c>{"output", "params", "macs", "steps"}</c>, exactly as the CLI answers.</summary>
    internal static string LayerApi(JsonElement body)
    {
        var r = LayerRequest.Read(body);
        var layer = LayerEngine.Build(r.Layer);
        return Answers.Layer(LayerEngine.Apply(layer, r.Input, r.Layer, training: !r.Eval), withSteps: true);
    }

    /// <summary>
    /// <c>{"text", "format"?, "input"?, "eval"?}</c> → the net JSON of CONTRACT.md; a network PyTorch refuses answers 400 with
    /// its diagnosis (the failing layer and line, the cause, the checked fixes as edits of the text).
    /// </summary>
    internal static string NetApi(JsonElement body)
    {
        var r = NetRequest.Read(body);
        return Net(NetworkInput.FromText(r.Text, "network", r.Format), new NetOptions(r.Input, !r.Eval, new Formats.Python.PythonOptions(r.Class, r.Args)));
    }

    /// <summary>The net answer with the id its report is kept under, or 400 with the diagnosis of a network PyTorch refuses.</summary>
    private static string Net(NetworkInput input, NetOptions options)
    {
        var outcome = NetPipeline.Run(input, options);
        if (outcome.Diagnosis is { } diagnosis) throw new Refused(WithGraph(diagnosis));
        return WithId(outcome.Report);
    }

    /// <summary>The diagnosis document with the graph of the rows that ran and the failing node's edges.</summary>
    private static string WithGraph(Diagnosis.Diagnosis d)
    {
        return Join(NetAnswer.Write(d), Answers.Write(w =>
        {
            w.WriteStartObject();
            GraphAnswer.Write(w, d.Report, d.Inputs);
            w.WriteEndObject();
        }));
    }

    /// <summary>Two JSON objects' properties in one object (the contract's answer, and what the page adds to it).</summary>
    private static string Join(string answer, string more) => answer[..answer.LastIndexOf('}')] + "," + more[(more.IndexOf('{') + 1)..];

    /// <summary>A request answered with 400 and a document of its own (a diagnosis) rather than a bare error.</summary>
    private sealed class Refused(string body) : Exception("refused")
    {
        public string Body { get; } = body;
    }

    /// <summary>The net answer with the id under which the report is kept for <c>/api/region</c>.</summary>
    private static string WithId(NetworkReport report) => Answers.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", Reports.Keep(report));
        NetAnswer.Body(w, report);
        GraphAnswer.Write(w, report);
        w.WriteEndObject();
    });

    /// <summary>
    /// <c>{"id", "layer": row index, "unit": [i, j, …]}</c> → the input region that unit sees, in the same document as
    /// <c>net --unit --json</c> (<see cref="Answers.Region"/>), from <see cref="ReceptiveFields.UnitRegions"/>.
    /// </summary>
    internal static string RegionApi(JsonElement body)
    {
        string id = Requests.String(body, "id");
        var report = Reports.Find(id) ?? throw new CnnShapeException("the network is no longer held by the server; analyse it again.");
        long index = Requests.Long(body, "layer", null);
        if (index < 0 || index >= report.Layers.Count) throw new CnnShapeException($"\"layer\" must be a row index from 0 to {report.Layers.Count - 1}, got {index}.");
        var unit = Requests.OptionalShape(body, "unit") ?? throw new CnnShapeException("\"unit\" must be an array of indices, one per spatial axis.");
        return Answers.Region(ReceptiveFields.UnitRegions.Of(report, report.Layers[(int)index], unit.ToArray()));
    }

    /// <summary>The ONNX bytes as the body; <c>?input=1x3x224x224</c> optional.</summary>
    internal static string OnnxApi(byte[] bytes, IQueryCollection query)
    {
        string? input = query["input"];
        return Net(NetworkInput.FromOnnx(() => new MemoryStream(bytes, writable: false), "model.onnx"), new NetOptions(string.IsNullOrWhiteSpace(input) ? null : Shape.Parse(input)));
    }

    /// <summary><c>{"input", "output", "kernel", "stride"?, "dilation"?, "transposed"?}</c> → the pad JSON of CONTRACT.md.</summary>
    internal static string PadApi(JsonElement body)
    {
        var r = PadRequest.Read(body);
        string answer, text;
        // the numbers of CONTRACT.md, and what `cnnshape pad` prints beside them, worked
        if (r.Transposed)
        {
            var t = PaddingSolver.Transposed(r.Input, r.Output, r.Kernel, r.Stride, r.Dilation);
            (answer, text) = (Answers.Write(w => Answers.Pad(w, t)), PadReport.Transposed(r.Input, r.Output, r.Kernel, r.Stride, r.Dilation, t));
        }
        else
        {
            var a = PaddingSolver.Window(r.Input, r.Output, r.Kernel, r.Stride, r.Dilation, SplitConvention.PyTorch);
            (answer, text) = (Answers.Write(w => Answers.Pad(w, a)), PadReport.Window(r.Input, r.Output, r.Kernel, r.Stride, r.Dilation, a, SplitConvention.PyTorch));
        }
        return Join(answer, Answers.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("text", text);
            w.WriteEndObject();
        }));
    }

    /// <summary>The last analyses the page made, by id, so a hovered unit's region is computed on the server from the same report.</summary>
    private static class Reports
    {
        private const int Capacity = 64;
        private static readonly object Gate = new();
        private static readonly LinkedList<(string Id, NetworkReport Report)> Kept = new();

        public static string Keep(NetworkReport report)
        {
            string id = Guid.NewGuid().ToString("N");
            lock (Gate)
            {
                Kept.AddFirst((id, report));
                while (Kept.Count > Capacity) Kept.RemoveLast();
            }
            return id;
        }

        public static NetworkReport? Find(string id)
        {
            lock (Gate) return Kept.FirstOrDefault(k => k.Id == id).Report;
        }
    }
}
