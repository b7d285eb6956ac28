using Microsoft.Playwright;

namespace CnnShape.Tests.Web;

/// <summary>End to end in real headless Chromium (Debian's, installed by .ci/setup), driven by Playwright.</summary>
public class BrowserTests(ServerFixture server) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IPage? _page;

    private static readonly string Shots = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "screenshots");

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is needed for the browser tests: run .ci/setup (apt-get install -y chromium).");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"],
        });
        _page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1100 } });
        await _page.GotoAsync(server.Url);
        Directory.CreateDirectory(Shots);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    [Fact]
    public async Task Typing_a_layer_shows_its_output_and_arithmetic_live()
    {
        var page = _page!;
        await page.FillAsync("#layer-text", "nn.Conv2d(3, 16, 5, stride=2, padding=1)");
        await page.FillAsync("#layer-input", "1x3x32x32");

        await Assertions.Expect(page.Locator("#layer-result")).ToContainTextAsync("output  [1, 16, 15, 15]");
        await Assertions.Expect(page.Locator("#layer-result")).ToContainTextAsync("H: ⌊(32 + 2·1 − 1·(5−1) − 1)/2⌋ + 1 = 15");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, "layer.png") });

        await page.FillAsync("#layer-text", "MaxPool2d(2, padding=2)");
        await Assertions.Expect(page.Locator("#layer-result")).ToContainTextAsync("more than half of the kernel size");
    }

    [Fact]
    public async Task Loading_a_network_fills_the_table_and_hovering_a_unit_draws_its_field()
    {
        var page = _page!;
        await page.ClickAsync("nav button[data-tab=net]");
        await page.FillAsync("#net-text", "input: 1x1x16x16\nlayers:\n  - conv: Conv2d(1, 4, 3, padding=1)\n  - pool: MaxPool2d(2)\n  - conv2: Conv2d(4, 4, 3, padding=1)\n");
        await page.ClickAsync("#net-run");

        await Assertions.Expect(page.Locator("#net-layers tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#net-layers tbody tr").Nth(2)).ToContainTextAsync("[1, 4, 8, 8]");
        // conv2's field: size 8, jump 2, start −3; unit (2, 1) sees rows [1, 8] and columns [−1, 6]
        await page.HoverAsync("#rf-output rect.unit[data-i='2'][data-j='1']");
        var box = page.Locator("#rf-box");
        await Assertions.Expect(box).ToHaveAttributeAsync("x", "-1");
        await Assertions.Expect(box).ToHaveAttributeAsync("y", "1");
        await Assertions.Expect(box).ToHaveAttributeAsync("width", "8");
        await Assertions.Expect(box).ToHaveAttributeAsync("height", "8");
        var inside = page.Locator("#rf-box-inside");
        await Assertions.Expect(inside).ToHaveAttributeAsync("x", "0");
        await Assertions.Expect(inside).ToHaveAttributeAsync("width", "7");
        await Assertions.Expect(page.Locator("#rf-caption")).ToContainTextAsync("rows [1, 8], inside the image [1, 8]; columns [-1, 6], inside the image [0, 6]");
        Assert.NotNull(await page.Locator("#plot-size").GetAttributeAsync("points"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, "network.png"), FullPage = true });
    }

    [Fact]
    public async Task A_failing_network_shows_its_cause_and_a_fix_button_repairs_the_text()
    {
        var page = _page!;
        await page.ClickAsync("nav button[data-tab=net]");
        await page.FillAsync("#net-text", "input: 1x1x64x64\nConv2d(1, 6, 5)\nMaxPool2d(2)\nConv2d(6, 16, 5)\nMaxPool2d(2)\nFlatten()\nLinear(16 * 5 * 5, 120)\n");
        await page.FillAsync("#net-input", "");
        await page.ClickAsync("#net-run");

        await Assertions.Expect(page.Locator("#net-fixes .cause")).ToContainTextAsync("2704 = 16·13·13 features arrive where in_features is 400 = 16·5·5");
        await Assertions.Expect(page.Locator("#net-layers tr.failing")).ToContainTextAsync("line 7");
        await page.ClickAsync("#net-fixes button.fix[data-index='0']");

        await Assertions.Expect(page.Locator("#net-text")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Linear\\(16 \\* 13 \\* 13, 120\\)"));
        await Assertions.Expect(page.Locator("#net-summary")).ToContainTextAsync("output [1, 120]");
        await Assertions.Expect(page.Locator("#net-fixes button.fix")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_error_is_shown_at_the_offending_line()
    {
        var page = _page!;
        await page.ClickAsync("nav button[data-tab=net]");
        await page.FillAsync("#net-text", "Conv2d(3, 8, 3)\nConv2dd(8, 8, 3)\nReLU()\n");
        await page.FillAsync("#net-input", "1x3x16x16");
        await page.ClickAsync("#net-run");

        await Assertions.Expect(page.Locator("#net-error")).ToContainTextAsync("network:2: layer '1' `Conv2dd(8, 8, 3)`: 'Conv2dd' is not a layer cnnshape knows — did you mean 'Conv2d'?");
        await Assertions.Expect(page.Locator("#net-gutter .bad")).ToHaveTextAsync("2");
    }

    [Fact]
    public async Task The_padding_form_answers_from_the_solver()
    {
        var page = _page!;
        await page.ClickAsync("nav button[data-tab=pad]");
        await page.FillAsync("#pad-input", "10");
        await page.FillAsync("#pad-output", "10");
        await page.FillAsync("#pad-kernel", "4");
        await page.FillAsync("#pad-stride", "1");

        await Assertions.Expect(page.Locator("#pad-result")).ToContainTextAsync("symmetric: none (no even total fits)");
        await Assertions.Expect(page.Locator("#pad-result")).ToContainTextAsync("asymmetric: before 1, after 2");
    }
}
