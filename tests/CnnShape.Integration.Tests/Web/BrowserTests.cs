using Microsoft.Playwright;

namespace CnnShape.Tests.Web;

/// <summary>End to end in real headless Chromium (Debian's, installed by .ci/setup), driven by Playwright.</summary>
public class BrowserTests(ServerFixture server) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IBrowserContext? _context;
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
        _context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1100 } });
        _page = await _context.NewPageAsync();
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

    private async Task<IPage> Page(int width, int height, string? url = null)
    {
        // a page of the same browser context: it shares what the page stored (the theme)
        var page = await _context!.NewPageAsync();
        await page.SetViewportSizeAsync(width, height);
        await page.GotoAsync(url ?? server.Url);
        return page;
    }

    [Fact]
    public async Task Tabs_are_aria_tabs_that_the_keyboard_moves_between()
    {
        var page = _page!;
        var layer = page.Locator("#tab-btn-layer");
        await Assertions.Expect(layer).ToHaveAttributeAsync("role", "tab");
        await Assertions.Expect(layer).ToHaveAttributeAsync("aria-selected", "true");
        await layer.FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(page.Locator("#tab-btn-net")).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(layer).ToHaveAttributeAsync("aria-selected", "false");
        await Assertions.Expect(page.Locator("#tab-net")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#tab-layer")).ToBeHiddenAsync();
        await page.Keyboard.PressAsync("End");
        await Assertions.Expect(page.Locator("#tab-btn-pad")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#tab-pad")).ToHaveAttributeAsync("role", "tabpanel");
    }

    [Fact]
    public async Task The_dark_theme_changes_every_surface_and_is_remembered()
    {
        var page = _page!;
        string light = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        await page.ClickAsync("#theme");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        string dark = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.NotEqual(light, dark);
        await page.ClickAsync("nav [data-tab=net]");
        await page.ClickAsync("#net-run");
        await Assertions.Expect(page.Locator("#net-layers tbody tr")).ToHaveCountAsync(7);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, "network-dark.png"), FullPage = true });
        var again = await Page(1280, 900);
        await Assertions.Expect(again.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
    }

    [Fact]
    public async Task At_phone_width_nothing_overflows_sideways_and_line_numbers_stay_aligned()
    {
        var page = await Page(390, 844);
        await page.ClickAsync("nav [data-tab=net]");
        await page.FillAsync("#net-text", "input: 1x3x224x224\n" + string.Concat(Enumerable.Range(0, 12).Select(i => $"Conv2d({(i == 0 ? 3 : 64)}, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\nReLU(inplace=True)\n")));
        await page.ClickAsync("#net-run");
        await Assertions.Expect(page.Locator("#net-layers tbody tr")).ToHaveCountAsync(24);
        // the page never scrolls sideways: wide things scroll inside their own box
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the phone");
        // the gutter's lines and the text's lines have one height, and the text does not wrap
        var heights = await page.EvaluateAsync<double[]>("() => [getComputedStyle(document.getElementById('net-gutter')).lineHeight, getComputedStyle(document.getElementById('net-text')).lineHeight].map(parseFloat)");
        Assert.Equal(heights[0], heights[1]);
        Assert.Equal("pre", await page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('net-text')).whiteSpace"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, "network-phone.png"), FullPage = true });
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_large_output_grid_is_hoverable_everywhere_and_zooms()
    {
        var page = _page!;
        await page.ClickAsync("nav [data-tab=net]");
        await page.FillAsync("#net-text", "input: 1x1x120x100\nConv2d(1, 2, 3, padding=1)\nConv2d(2, 2, 3, padding=1)\n");
        await page.ClickAsync("#net-run");
        await Assertions.Expect(page.Locator("#net-layers tbody tr")).ToHaveCountAsync(2);
        // no per-unit elements for a 120×100 grid: the unit comes from the pointer's position
        Assert.Equal(0, await page.Locator("#rf-output rect.unit").CountAsync());
        await page.Locator("#rf-output").ScrollIntoViewIfNeededAsync();
        var grid = await page.Locator("#rf-output").BoundingBoxAsync();
        // the grid is 120 units tall and 100 wide, drawn in the square at 120 units to the side: unit (119, 98)
        await page.Mouse.MoveAsync((float)(grid!.X + grid.Width * 98.5 / 120), (float)(grid.Y + grid.Height * 119.5 / 120));
        await Assertions.Expect(page.Locator("#rf-caption")).ToContainTextAsync("unit (119, 98)");
        await Assertions.Expect(page.Locator("#rf-caption")).ToContainTextAsync("rows [117, 121], inside the image [117, 119]; columns [96, 100], inside the image [96, 99]");
        string before = (await page.Locator("#rf-output g").First.GetAttributeAsync("transform"))!;
        await page.ClickAsync("#rf-zoom-in");
        Assert.NotEqual(before, await page.Locator("#rf-output g").First.GetAttributeAsync("transform"));
        await page.ClickAsync("#rf-zoom-reset");
        Assert.Equal(before, await page.Locator("#rf-output g").First.GetAttributeAsync("transform"));
    }

    [Fact]
    public async Task Clicking_a_row_picks_its_layer_and_the_link_reproduces_the_view()
    {
        var page = _page!;
        await page.ClickAsync("nav [data-tab=net]");
        await page.FillAsync("#net-text", "input: 1x1x16x16\nConv2d(1, 4, 3, padding=1)\nMaxPool2d(2)\nConv2d(4, 4, 3, padding=1)\n");
        await page.ClickAsync("#net-run");
        await page.ClickAsync("#net-layers tbody tr:nth-child(2)");
        await Assertions.Expect(page.Locator("#rf-layer")).ToHaveValueAsync("1");
        await Assertions.Expect(page.Locator("#net-layers tbody tr.selected")).ToContainTextAsync("MaxPool2d");
        await page.HoverAsync("#rf-output rect.unit[data-i='3'][data-j='4']");
        await Assertions.Expect(page.Locator("#rf-caption")).ToContainTextAsync("unit (3, 4) of '1'");
        // the URL holds the text, the layer and the unit: opened again, it shows the same
        var copy = await Page(1280, 1000, page.Url);
        await Assertions.Expect(copy.Locator("#net-summary")).ToContainTextAsync("output [1, 4, 8, 8]");
        await Assertions.Expect(copy.Locator("#rf-layer")).ToHaveValueAsync("1");
        await Assertions.Expect(copy.Locator("#rf-caption")).ToContainTextAsync("unit (3, 4) of '1'");
        await copy.CloseAsync();
    }

    [Fact]
    public async Task A_failure_leaves_no_stale_picture_and_editing_after_an_upload_analyses_the_text()
    {
        var page = _page!;
        await page.ClickAsync("nav [data-tab=net]");
        await page.ClickAsync("#net-run");
        await Assertions.Expect(page.Locator("#rf-input rect")).Not.ToHaveCountAsync(0);
        await page.FillAsync("#net-text", "input: 1x3x8x8\nConv2d(3, 4, 9)\n");
        await page.ClickAsync("#net-run");
        await Assertions.Expect(page.Locator("#net-error")).Not.ToBeEmptyAsync();
        Assert.Equal(0, await page.Locator("#rf-input *").CountAsync());
        Assert.Equal(0, await page.Locator("#rf-plot *").CountAsync());

        await page.SetInputFilesAsync("#net-onnx", OracleCases.PathOf(Path.Combine("onnx", "alexnet_224.onnx")));
        await Assertions.Expect(page.Locator("#net-upload")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#net-summary")).ToContainTextAsync("output [1, 1000]");
        await page.FillAsync("#net-text", "input: 1x3x8x8\nConv2d(3, 4, 3)\n");
        await Assertions.Expect(page.Locator("#net-upload")).ToBeHiddenAsync();
        await page.ClickAsync("#net-run");
        await Assertions.Expect(page.Locator("#net-summary")).ToContainTextAsync("output [1, 4, 6, 6]");
    }

    [Fact]
    public async Task A_half_typed_layer_is_not_shown_as_an_error_until_the_typing_pauses()
    {
        var page = _page!;
        await page.FillAsync("#layer-input", "(1, 3, 32, 32)");
        await page.FillAsync("#layer-text", "");
        await page.Locator("#layer-text").PressSequentiallyAsync("nn.Conv2d(3, 8, 3", new LocatorPressSequentiallyOptions { Delay = 60 });
        await Assertions.Expect(page.Locator("#layer-result")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("pending"));
        await Assertions.Expect(page.Locator("#layer-result")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("error"));
        // after the pause the refusal shows; closing the call answers, with the shape as pasted
        await Assertions.Expect(page.Locator("#layer-result")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("error"), new LocatorAssertionsToHaveClassOptions { Timeout = 5000 });
        await page.Locator("#layer-text").PressSequentiallyAsync(")");
        await Assertions.Expect(page.Locator("#layer-result")).ToContainTextAsync("output  [1, 8, 30, 30]");
    }

    [Fact]
    public async Task A_picture_can_be_laid_under_the_input_grid()
    {
        var page = _page!;
        await page.ClickAsync("nav [data-tab=net]");
        await page.ClickAsync("#net-run");
        await Assertions.Expect(page.Locator("#rf-image")).ToHaveCountAsync(1);
        // a 1×1 PNG
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        await page.SetInputFilesAsync("#rf-picture-file", new FilePayload { Name = "cat.png", MimeType = "image/png", Buffer = png });
        await Assertions.Expect(page.Locator("#rf-picture")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, "network-picture.png"), FullPage = true });
    }

    private static string Repo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "cnnshape.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private const string ResNetFile = "/usr/lib/python3/dist-packages/torchvision/models/resnet.py";

    /// <summary>torchvision's ResNet-50 read from its own file (class ResNet with Bottleneck blocks, 3-4-6-3), analysed on the page.</summary>
    private static async Task ResNet50(IPage page)
    {
        Assert.True(File.Exists(ResNetFile), "Debian's python3-torchvision is needed: run .ci/setup");
        await page.ClickAsync("nav [data-tab=net]");
        // a 40 KB file: set as a paste sets it (one input event), not typed
        await page.EvalOnSelectorAsync("#net-text", "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", await File.ReadAllTextAsync(ResNetFile));
        await page.FillAsync("#net-class", "ResNet");
        await page.FillAsync("#net-args", "Bottleneck, [3, 4, 6, 3]");
        await page.FillAsync("#net-input", "1x3x224x224");
        await page.ClickAsync("#net-run");
        await Assertions.Expect(page.Locator("#net-summary")).ToContainTextAsync("output [1, 1000]", new LocatorAssertionsToContainTextOptions { Timeout = 20000 });
    }

    private static async Task UNet(IPage page)
    {
        await page.ClickAsync("nav [data-tab=net]");
        await page.FillAsync("#net-text", await File.ReadAllTextAsync(Path.Combine(Repo(), "examples", "unet.py")));
        await page.FillAsync("#net-input", "");
        await page.FillAsync("#net-class", "");
        await page.FillAsync("#net-args", "");
        await page.ClickAsync("#net-run");
        await page.WaitForFunctionAsync("() => document.getElementById('net-summary').textContent || document.getElementById('net-error').textContent", null, new PageWaitForFunctionOptions { Timeout = 20000 });
        Assert.Equal("", await page.Locator("#net-error").TextContentAsync());
        await Assertions.Expect(page.Locator("#net-summary")).ToContainTextAsync("output [1, 1, 160, 160]");
    }

    [Fact]
    public async Task ResNet50_is_drawn_as_a_graph_of_its_blocks_with_skip_connections_and_shapes_on_the_edges()
    {
        var page = _page!;
        await ResNet50(page);

        // folded to depth 2: the stem, 16 bottleneck blocks and the head; the input node too
        await Assertions.Expect(page.Locator("#net-depth")).ToHaveValueAsync("2");
        Assert.Equal(16, await page.Locator("#net-graph .node.group").CountAsync());
        Assert.Equal(1 + 4 + 16 + 3, await page.Locator("#net-graph .node").CountAsync());
        // an edge carries the shape between two blocks, Netron's way
        await Assertions.Expect(page.Locator("#net-graph .edge-label", new PageLocatorOptions { HasTextString = "1×256×56×56" }).First).ToBeVisibleAsync();
        // the modules fold in the table as in the graph: layer1 is a row with its rows under it
        await Assertions.Expect(page.Locator("#net-layers tr.module[data-group^='layer1@']")).ToHaveCountAsync(1);
        await page.Locator("#net-graph-box").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, "graph-resnet50.png"), FullPage = false });
    }

    [Fact]
    public async Task Clicking_a_graph_node_selects_its_row_and_its_receptive_field()
    {
        var page = _page!;
        await ResNet50(page);
        var node = page.Locator("#net-graph .node.row", new PageLocatorOptions { HasTextString = "maxpool" });
        await node.ClickAsync();

        string index = (await node.GetAttributeAsync("data-index"))!;
        await Assertions.Expect(page.Locator("#rf-layer")).ToHaveValueAsync(index);
        await Assertions.Expect(page.Locator("#net-layers tbody tr.selected")).ToContainTextAsync("MaxPool2d");
        await Assertions.Expect(node).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("selected"));
        await Assertions.Expect(page.Locator("#plot-selected")).ToHaveAttributeAsync("data-index", index);
        // the stem's max pool: a field of 11 × 11 pixels, jump 4
        await Assertions.Expect(page.Locator("#net-layers tbody tr.selected")).ToContainTextAsync("11 × 11");
    }

    [Fact]
    public async Task Folding_a_module_in_the_graph_or_the_table_shows_its_rows()
    {
        var page = _page!;
        await ResNet50(page);
        int folded = await page.Locator("#net-graph .node").CountAsync();
        // unfold the first bottleneck block: its 10 rows and its downsample projection (still folded) replace its node
        await page.Locator("#net-graph .node.group").First.Locator("text.title").ClickAsync();
        await Assertions.Expect(page.Locator("#net-graph .node")).ToHaveCountAsync(folded - 1 + 11);
        await Assertions.Expect(page.Locator("#net-graph .cluster")).Not.ToHaveCountAsync(0);
        // every row: one node each, and the input
        await page.SelectOptionAsync("#net-depth", "all");
        int rows = await page.EvaluateAsync<int>("() => document.querySelectorAll('#net-layers tbody tr[data-index]:not(.module)').length");
        Assert.True(rows > 170, $"{rows} rows");
        await Assertions.Expect(page.Locator("#net-graph .node")).ToHaveCountAsync(rows + 1);
        // a module folded from its table row
        await page.Locator("#net-layers tr.module[data-group^='layer4@'] button.toggle").ClickAsync();
        await Assertions.Expect(page.Locator("#net-layers tr.module.folded[data-group^='layer4@']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#net-graph .node.group")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_UNet_shows_its_skip_connections_into_each_concatenation()
    {
        var page = _page!;
        await UNet(page);
        // each torch.cat reads the encoder block's output (the skip) and the upsampled path
        var cats = page.Locator("#net-graph .node.row", new PageLocatorOptions { HasTextString = "torch.cat" });
        await Assertions.Expect(cats).ToHaveCountAsync(4);
        foreach (var cat in await cats.AllAsync())
        {
            string id = (await cat.GetAttributeAsync("data-id"))!;
            Assert.Equal(2, await page.Locator($"#net-graph path.edge[data-to='{id}']").CountAsync());
        }
        await Assertions.Expect(page.Locator("#net-graph .node.group", new PageLocatorOptions { HasTextString = "downs.0" })).ToHaveCountAsync(1);
        await page.Locator("#net-graph-box").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, "graph-unet.png") });
    }

    [Fact]
    public async Task The_graph_fits_a_phone_without_the_page_scrolling_sideways()
    {
        var page = await Page(390, 844);
        await ResNet50(page);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the phone");
        await Assertions.Expect(page.Locator("#net-graph .node.group")).ToHaveCountAsync(16);
        await page.Locator("#net-graph-box").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, "graph-resnet50-phone.png") });
        await UNet(page);
        await page.Locator("#net-graph-box").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, "graph-unet-phone.png") });
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_fix_shows_its_edit_before_it_is_applied_and_the_failing_node_is_marked_in_the_graph()
    {
        var page = _page!;
        await page.ClickAsync("nav button[data-tab=net]");
        await page.FillAsync("#net-text", "input: 1x1x64x64\nConv2d(1, 6, 5)\nMaxPool2d(2)\nConv2d(6, 16, 5)\nMaxPool2d(2)\nFlatten()\nLinear(16 * 5 * 5, 120)\n");
        await page.FillAsync("#net-input", "");
        await page.ClickAsync("#net-run");

        var first = page.Locator("#net-fixes .fix-card").First;
        await Assertions.Expect(first.Locator("pre.diff .del")).ToContainTextAsync("-   7  Linear(16 * 5 * 5, 120)");
        await Assertions.Expect(first.Locator("pre.diff .add")).ToContainTextAsync("+   7  Linear(16 * 13 * 13, 120)");
        // nothing is changed until the button is pressed
        await Assertions.Expect(page.Locator("#net-text")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Linear\\(16 \\* 5 \\* 5, 120\\)"));
        await Assertions.Expect(page.Locator("#net-graph .node.fail")).ToContainTextAsync("✗ refused");
        await Assertions.Expect(page.Locator("#net-graph path.edge.failing")).ToHaveCountAsync(1);
        // after a failure, no empty receptive-field boxes
        await Assertions.Expect(page.Locator("#rf-card")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, "fix-preview.png"), FullPage = true });
        await first.Locator("button.fix").ClickAsync();
        await Assertions.Expect(page.Locator("#net-summary")).ToContainTextAsync("output [1, 120]");
        await Assertions.Expect(page.Locator("#rf-card")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_link_changed_in_an_open_tab_applies()
    {
        var page = _page!;
        await Assertions.Expect(page.Locator("#layer-result")).ToContainTextAsync("output  [1, 64, 112, 112]");
        await page.EvaluateAsync("() => { location.hash = 'tab=layer&layer=' + encodeURIComponent('nn.MaxPool2d(2)') + '&input=1x3x32x32'; }");
        await Assertions.Expect(page.Locator("#layer-text")).ToHaveValueAsync("nn.MaxPool2d(2)");
        await Assertions.Expect(page.Locator("#layer-result")).ToContainTextAsync("output  [1, 3, 16, 16]");
        await page.EvaluateAsync("() => { location.hash = 'tab=net&text=' + encodeURIComponent('input: 1x3x8x8\\nConv2d(3, 4, 3)\\n'); }");
        await Assertions.Expect(page.Locator("#tab-net")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#net-summary")).ToContainTextAsync("output [1, 4, 6, 6]");
    }

    [Fact]
    public async Task A_pasted_file_scrolls_inside_a_text_box_of_bounded_height()
    {
        var page = _page!;
        await page.ClickAsync("nav [data-tab=net]");
        await page.FillAsync("#net-text", await File.ReadAllTextAsync(Path.Combine(Repo(), "examples", "unet.py")) + new string('\n', 600));
        double height = await page.EvaluateAsync<double>("() => document.getElementById('net-text').getBoundingClientRect().height");
        double viewport = await page.EvaluateAsync<double>("() => window.innerHeight");
        Assert.True(height <= viewport * 0.6 + 1, $"the text box is {height} px tall in a {viewport} px window");
    }

    [Fact]
    public async Task The_padding_tab_shows_what_cnnshape_pad_shows()
    {
        var page = _page!;
        await page.ClickAsync("nav button[data-tab=pad]");
        await page.FillAsync("#pad-input", "32");
        await page.FillAsync("#pad-output", "16");
        await page.FillAsync("#pad-kernel", "3");
        await page.FillAsync("#pad-stride", "2");
        await Assertions.Expect(page.Locator("#pad-result .worked")).ToContainTextAsync("condition     ⌊(32 + T − 3)/2⌋ + 1 = 16  ⇔  1 ≤ T ≤ 2");
        await Assertions.Expect(page.Locator("#pad-result .worked")).ToContainTextAsync("nn.ZeroPad2d((0, 1, 0, 1))");
    }
}
