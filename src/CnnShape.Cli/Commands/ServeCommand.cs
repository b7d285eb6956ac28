using System.CommandLine;
using CnnShape.Contract;
using CnnShape.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace CnnShape.Cli.Commands;

/// <summary><c>cnnshape serve [--port N] [--host H]</c>: the local web page, until interrupted.</summary>
internal static class ServeCommand
{
    public static Command Build(TextWriter output)
    {
        var port = new Option<int>("--port") { Description = "Port to listen on (0 picks a free one).", DefaultValueFactory = _ => 5151 };
        var host = new Option<string>("--host") { Description = "Address to bind (default 127.0.0.1, loopback only).", DefaultValueFactory = _ => "127.0.0.1" };
        var json = new Option<bool>("--json") { Description = "Print the URL as {\"url\": …} once listening." };
        var command = new Command("serve", "Serve the web page (layer calculator, network analyser, receptive-field picture, padding solver) on loopback.") { port, host, json };
        command.SetAction(p =>
        {
            int n = p.GetValue(port);
            if (n is < 0 or > 65535) throw new CnnShapeException($"--port must be between 0 and 65535, got {n}.");
            var app = WebServer.Build(p.GetValue(host)!, n);
            try
            {
                app.Start();
            }
            catch (IOException e)
            {
                throw new CnnShapeException($"cannot listen on {p.GetValue(host)}:{n}: {e.Message}");
            }
            string url = WebServer.Url(app);
            output.WriteLine(p.GetValue(json) ? Answers.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("url", url);
                w.WriteEndObject();
            }) : url);
            output.Flush();
            app.WaitForShutdown();
            return Cli.Ok;
        });
        return command;
    }
}
