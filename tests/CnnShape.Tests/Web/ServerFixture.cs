using CnnShape.Web;
using Microsoft.AspNetCore.Builder;

namespace CnnShape.Tests.Web;

/// <summary>A real Kestrel server on a free loopback port, shared by the web tests.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string Url { get; private set; } = "";
    public HttpClient Client { get; } = new();

    public async Task InitializeAsync()
    {
        _app = WebServer.Build("127.0.0.1", 0);
        await _app.StartAsync();
        Url = WebServer.Url(_app);
        Client.BaseAddress = new Uri(Url);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }
}
