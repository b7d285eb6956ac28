using System.Text;
using CnnShape.Cli.Rendering;
using CnnShape.Contract;
using CnnShape.Shapes;
using Spectre.Console;

namespace CnnShape.Cli.Commands;

/// <summary><c>cnnshape</c> with no arguments: the classic worked examples, computed by the engine, with their arithmetic.</summary>
internal static class ExamplesCommand
{
    internal static readonly (string Layer, string Input, string Lesson)[] Examples =
    [
        ("nn.Conv2d(3, 16, 3, padding=1)", "1x3x32x32", "a 3×3 convolution with padding 1 keeps the size"),
        ("nn.Conv2d(16, 32, 3, stride=2, padding=1)", "1x16x32x32", "stride 2 halves it (rounding down)"),
        ("nn.MaxPool2d(2)", "1x32x16x16", "pooling: the stride defaults to the kernel"),
        ("nn.MaxPool2d(3, stride=2, ceil_mode=True)", "1x32x8x8", "ceil_mode rounds up"),
        ("nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1)", "1x32x4x4", "a transposed convolution that doubles the size"),
    ];

    public static int Run(TextWriter output, bool json, int? width = null)
    {
        if (json)
        {
            output.Write(Answers.Write(w =>
            {
                w.WriteStartArray();
                foreach (var (layer, input, lesson) in Examples)
                {
                    var result = LayerEngine.Apply(layer, Shape.Parse(input));
                    w.WriteStartObject();
                    w.WriteString("layer", layer);
                    Dims(w, "input", Shape.Parse(input));
                    Dims(w, "output", result.Output);
                    w.WriteString("lesson", lesson);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }));
            output.Write('\n');
            return Cli.Ok;
        }
        output.Write(Render(width));
        return Cli.Ok;
    }

    private static void Dims(System.Text.Json.Utf8JsonWriter w, string name, Shape shape)
    {
        w.WriteStartArray(name);
        foreach (var d in shape.Dims) w.WriteNumberValue(d);
        w.WriteEndArray();
    }

    /// <summary>The widest layout: layer, input → output with the parameters, arithmetic.</summary>
    private const int WideLayout = 116;

    /// <summary>
    /// The examples table as plain text (no colours), so it can be snapshot-tested, fitted to <paramref name="width"/>:
    /// three columns where the arithmetic fits beside the layer, else two, with the arithmetic under the layer.
    /// </summary>
    internal static string Render(int? width = null)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        bool wide = width is null or >= WideLayout;
        console.Profile.Width = width ?? WideLayout;
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("layer");
        table.AddColumn("input → output");
        if (wide) table.AddColumn("arithmetic (H; W is the same)");
        foreach (var (layer, input, lesson) in Examples)
        {
            var shape = Shape.Parse(input);
            var result = LayerEngine.Apply(layer, shape);
            string formula = result.Steps[0].Formula;
            var shapes = new Text($"{shape}\n→ {result.Output}\nparams {LayerReport.Count(result.Params)}");
            var left = new Markup(Markup.Escape(layer) + "\n[dim]" + Markup.Escape(lesson) + "[/]" + (wide ? "" : "\nH: " + Markup.Escape(formula)));
            if (wide) table.AddRow(left, shapes, new Text(formula));
            else table.AddRow(left, shapes);
        }
        var sb = new StringBuilder();
        sb.Append("cnnshape — CNN shapes, fields and padding exactly as PyTorch computes them\n");
        sb.Append("Worked examples:\n");
        console.Write(table);
        sb.Append(writer);
        sb.Append('\n');
        sb.Append("Try:  ./cnnshape layer \"nn.Conv2d(3, 64, 7, stride=2)\" -i 1x3x224x224\n");
        sb.Append("      ./cnnshape net examples/resnet50.yaml --depth 2\n");
        sb.Append("Commands: layer, layers, net, explain, pad, solve, sizes, serve (--help on each)\n");
        return Prose.Fit(sb.ToString(), width);
    }
}
