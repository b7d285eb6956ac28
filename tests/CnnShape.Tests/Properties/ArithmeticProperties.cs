using CnnShape.Rules;
using CnnShape.Shapes;
using CsCheck;

namespace CnnShape.Tests.Properties;

public class ArithmeticProperties
{
    private static readonly Gen<(long In, long K, long S, long P, long D)> Window =
        Gen.Select(Gen.Long[1, 500], Gen.Long[1, 9], Gen.Long[1, 6], Gen.Long[0, 6], Gen.Long[1, 4]);

    [Fact]
    public void A_transposed_convolution_with_the_right_output_padding_restores_the_size_a_convolution_took_away()
    {
        Window.Where(w => w.In + 2 * w.P >= w.D * (w.K - 1) + 1).Sample(w =>
        {
            var conv = LayerEngine.Apply($"Conv1d(1, 1, {w.K}, stride={w.S}, padding={w.P}, dilation={w.D})", Shape.Of(1, 1, w.In)).Output;
            // output_padding = the part of the padded input the strided windows never reached
            long op = (w.In + 2 * w.P - w.D * (w.K - 1) - 1) % w.S;
            var back = LayerEngine.Apply($"ConvTranspose1d(1, 1, {w.K}, stride={w.S}, padding={w.P}, output_padding={op}, dilation={w.D})", conv).Output;
            Assert.Equal(w.In, back[2]);
        });
    }

    [Fact]
    public void Ceil_mode_gives_the_floor_size_or_one_more_and_never_a_window_starting_in_the_right_padding()
    {
        Window.Where(w => w.P <= w.K / 2 && w.In + 2 * w.P >= w.D * (w.K - 1) + 1).Sample(w =>
        {
            long floor = Rules.Window.PoolingOutput(w.In, w.K, w.P, w.P, w.S, w.D, ceilMode: false);
            long ceil = Rules.Window.PoolingOutput(w.In, w.K, w.P, w.P, w.S, w.D, ceilMode: true);
            Assert.InRange(ceil - floor, 0, 1);
            Assert.True((ceil - 1) * w.S < w.In + w.P, "the last window must start inside the input or the left padding");
        });
    }

    [Fact]
    public void Same_padding_keeps_every_size_and_puts_the_odd_extra_after()
    {
        Gen.Select(Gen.Long[1, 300], Gen.Long[1, 8], Gen.Long[1, 4]).Sample((n, k, d) =>
        {
            var layer = (CnnShape.Layers.Convolution)LayerEngine.Build($"Conv1d(2, 2, {k}, padding='same', dilation={d})");
            Assert.Equal(n, layer.Apply(Shape.Of(1, 2, n)).Output[2]);
            Assert.Equal(d * (k - 1), layer.PadBefore[0] + layer.PadAfter[0]);
            Assert.InRange(layer.PadAfter[0] - layer.PadBefore[0], 0, 1);
        });
    }

    [Fact]
    public void Code_and_printed_forms_of_the_same_convolution_agree()
    {
        Gen.Select(Gen.Long[1, 40], Gen.Long[1, 5], Gen.Long[1, 3], Gen.Long[0, 2]).Sample((n, k, s, p) =>
        {
            var input = Shape.Of(2, 4, n, n + 3);
            string code = $"nn.Conv2d(4, 8, {k}, {s}, {p})";
            string printed = $"Conv2d(4, 8, kernel_size=({k}, {k}), stride=({s}, {s}), padding=({p}, {p}))";
            string Outcome(string text)
            {
                try { return LayerEngine.Apply(text, input).Output.ToString(); }
                catch (CnnShapeException) { return "refused"; }
            }
            Assert.Equal(Outcome(code), Outcome(printed));
        });
    }
}
