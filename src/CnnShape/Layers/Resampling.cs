using CnnShape.Internal;
using CnnShape.Shapes;

namespace CnnShape.Layers;

/// <summary><c>Upsample</c>, <c>UpsamplingNearest2d</c>, <c>UpsamplingBilinear2d</c>: <c>F.interpolate</c> with a size or a scale factor.</summary>
public sealed class Upsample : Layer
{
    private static readonly string[] Modes = ["nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact"];

    internal Upsample(string type, long[]? size, double[]? scale, bool sizeIsTuple, bool scaleIsTuple, string mode, bool? alignCorners, bool recomputeScaleFactor)
        : base(type)
    {
        Size = size;
        Scale = scale;
        SizeIsTuple = sizeIsTuple;
        ScaleIsTuple = scaleIsTuple;
        Mode = mode;
        AlignCorners = alignCorners;
        RecomputeScaleFactor = recomputeScaleFactor;
    }

    /// <summary>The requested output size (one value for every axis unless <see cref="SizeIsTuple"/>).</summary>
    public long[]? Size { get; }
    /// <summary>The scale factor (one value for every axis unless <see cref="ScaleIsTuple"/>).</summary>
    public double[]? Scale { get; }
    /// <summary>Whether the size was a tuple (its length must match the spatial axes).</summary>
    public bool SizeIsTuple { get; }
    /// <summary>Whether the scale was a tuple.</summary>
    public bool ScaleIsTuple { get; }
    /// <summary>The interpolation mode.</summary>
    public string Mode { get; }
    /// <summary>align_corners, if given.</summary>
    public bool? AlignCorners { get; }
    /// <summary>recompute_scale_factor.</summary>
    public bool RecomputeScaleFactor { get; }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        // F.interpolate's checks, in its order.
        if (Mode is "nearest" or "area" or "nearest-exact" && AlignCorners is not null)
        {
            throw new CnnShapeException($"{Type}: align_corners can only be set with the interpolating modes linear | bilinear | bicubic | trilinear, not mode='{Mode}'.");
        }
        int spatial = input.Rank - 2;
        if (Size is not null && Scale is not null) throw new CnnShapeException($"{Type}: only one of size or scale_factor should be defined.");
        if (Size is null && Scale is null) throw new CnnShapeException($"{Type}: either size or scale_factor should be defined.");
        if (Size is not null && SizeIsTuple && Size.Length != spatial)
        {
            throw new CnnShapeException($"{Type}: input and output must have the same number of spatial dimensions, but the input {input} has {Math.Max(spatial, 0)} spatial dimension(s) and size has {Size.Length}; give the input as (N, C, d1, …, dK).");
        }
        if (Scale is not null && ScaleIsTuple && Scale.Length != spatial)
        {
            throw new CnnShapeException($"{Type}: input and scale_factor must have the same number of spatial dimensions, but the input {input} has {Math.Max(spatial, 0)} spatial dimension(s) and scale_factor has {Scale.Length}; give the input as (N, C, d1, …, dK).");
        }
        if (RecomputeScaleFactor && Size is not null) throw new CnnShapeException($"{Type}: recompute_scale_factor is not meaningful with an explicit size.");
        bool valid = Mode switch
        {
            "nearest" or "nearest-exact" or "area" => input.Rank is 3 or 4 or 5,
            "linear" => input.Rank == 3,
            "bilinear" or "bicubic" => input.Rank == 4,
            "trilinear" => input.Rank == 5,
            _ => false,
        };
        if (!valid)
        {
            string known = Array.IndexOf(Modes, Mode) >= 0 ? "" : $" ('{Mode}' is not a mode; the modes are {string.Join(", ", Modes)})";
            throw new CnnShapeException($"{Type}: mode '{Mode}' needs a {ModeRanks(Mode)} input (N, C, spatial…), but got a {input.Rank}-D input {input}{known}. Upsample takes batched inputs only.");
        }
        var dims = input.ToArray();
        var steps = new AxisStep[spatial];
        for (int i = 0; i < spatial; i++)
        {
            long size = input[2 + i];
            long output;
            if (Size is not null)
            {
                output = SizeIsTuple ? Size[i] : Size[0];
                long given = output;
                steps[i] = new AxisStep(Ranks.AxisName(i, spatial), () => Formulas.Given(size, given, "size"));
            }
            else
            {
                // out = ⌊in · scale⌋ in double precision, as both the Python recompute path and ATen's compute_output_size do.
                double scale = ScaleIsTuple ? Scale![i] : Scale![0];
                double product = size * scale;
                if (double.IsNaN(product) || product >= 9.2e18 || product <= -9.2e18) throw new CnnShapeException($"{Type}: {size}·{scale} is not a usable output size.");
                output = (long)Math.Floor(product);
                long scaled = output;
                steps[i] = new AxisStep(Ranks.AxisName(i, spatial), () => Formulas.Scale(size, scale, scaled));
            }
            dims[2 + i] = output;
        }
        if (Mode == "area")
        {
            // area is F.adaptive_avg_pool{1,2,3}d to the computed size, with its rules: an output of 0 is allowed, a negative
            // one is not; which empty sizes it refuses; the mean it takes for an output of all 1s.
            if (dims[2..].Any(d => d < 0)) throw new CnnShapeException($"{Type}: mode='area' computed a negative output size {Shape.Format(dims)}.");
            new AdaptivePooling(Type, spatial, dims[2..].Select(d => (long?)d).ToArray(), max: false, asTuple: true).Apply(input);
        }
        else
        {
            for (int a = 1; a < input.Rank; a++)
            {
                if (input[a] == 0) throw new CnnShapeException($"{Type}: non-empty {input.Rank}-D data tensor expected but got input {input}.");
            }
            if (dims[2..].Any(d => d <= 0))
            {
                throw new CnnShapeException($"{Type}: input and output sizes should be greater than 0, but got input {input} and output {Shape.Format(dims)}.");
            }
        }
        return new LayerResult(Shape.Own(dims), 0, 0, steps);
    }

    private static string ModeRanks(string mode) => mode switch
    {
        "linear" => "3-D",
        "bilinear" or "bicubic" => "4-D",
        "trilinear" => "5-D",
        _ => "3-D, 4-D or 5-D",
    };

    internal override Geometry GeometryFor(Shape input, Shape output) =>
        new ResampleGeometry(input.Dims[2..].ToArray(), output.Dims[2..].ToArray(), Mode switch
        {
            "area" => ReceptiveFields.Sampling.Area,
            "nearest-exact" => ReceptiveFields.Sampling.NearestExact,
            "linear" or "bilinear" or "trilinear" => AlignCorners == true ? ReceptiveFields.Sampling.LinearAlignCorners : ReceptiveFields.Sampling.Linear,
            "bicubic" => AlignCorners == true ? ReceptiveFields.Sampling.CubicAlignCorners : ReceptiveFields.Sampling.Cubic,
            _ => ReceptiveFields.Sampling.Nearest,
        }, Scale is null || RecomputeScaleFactor ? null : Enumerable.Range(0, input.Rank - 2).Select(i => ScaleIsTuple ? Scale[i] : Scale[0]).ToArray());
}

/// <summary><c>PixelShuffle</c> / <c>PixelUnshuffle</c>: trade channels for space by a factor r.</summary>
public sealed class PixelShuffle : Layer
{
    internal PixelShuffle(string type, long factor, bool unshuffle) : base(type)
    {
        Factor = factor;
        Unshuffle = unshuffle;
    }

    /// <summary>The upscale (or downscale) factor r.</summary>
    public long Factor { get; }
    /// <summary>True for PixelUnshuffle.</summary>
    public bool Unshuffle { get; }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        string fn = Unshuffle ? "pixel_unshuffle" : "pixel_shuffle";
        if (input.Rank < 3) throw new CnnShapeException($"{Type}: {fn} expects an input with at least 3 dimensions (…, C, H, W), but got {input.Rank}-D {input}.");
        if (Factor <= 0) throw new CnnShapeException($"{Type}: {fn} expects a positive {(Unshuffle ? "downscale_factor" : "upscale_factor")}, but got {Factor}.");
        long r2 = Checked.Mul(Factor, Factor, "the factor squared");
        int c = input.Rank - 3, h = input.Rank - 2, w = input.Rank - 1;
        var dims = input.ToArray();
        AxisStep[] steps;
        if (!Unshuffle)
        {
            // (…, C·r², H, W) → (…, C, H·r, W·r)
            if (input[c] % r2 != 0) throw new CnnShapeException($"{Type}: the channel dimension ({input[c]}) must be divisible by upscale_factor² = {r2}.");
            dims[c] = input[c] / r2;
            dims[h] = Checked.Mul(input[h], Factor, "the output height");
            dims[w] = Checked.Mul(input[w], Factor, "the output width");
            steps = [new("C", $"{input[c]} / {Factor}² = {dims[c]}"), new("H", $"{input[h]}·{Factor} = {dims[h]}"), new("W", $"{input[w]}·{Factor} = {dims[w]}")];
        }
        else
        {
            // (…, C, H·r, W·r) → (…, C·r², H, W)
            if (input[h] % Factor != 0) throw new CnnShapeException($"{Type}: the height ({input[h]}) must be divisible by downscale_factor ({Factor}).");
            if (input[w] % Factor != 0) throw new CnnShapeException($"{Type}: the width ({input[w]}) must be divisible by downscale_factor ({Factor}).");
            // ATen pixel_unshuffle returns an empty input unchanged (self.clone()), after the checks
            if (input.Numel() == 0) return new LayerResult(input, 0, 0, []);
            dims[c] = Checked.Mul(input[c], r2, "the output channels");
            dims[h] = input[h] / Factor;
            dims[w] = input[w] / Factor;
            steps = [new("C", $"{input[c]}·{Factor}² = {dims[c]}"), new("H", $"{input[h]} / {Factor} = {dims[h]}"), new("W", $"{input[w]} / {Factor} = {dims[w]}")];
        }
        return new LayerResult(Shape.Own(dims), 0, 0, steps);
    }

    /// <summary>
    /// PixelShuffle: output unit o of an axis comes from input ⌊o/r⌋ (an upsampling by r). PixelUnshuffle: output unit o
    /// gathers the r-wide block [o·r, o·r + r − 1] into channels — a window of kernel r and stride r.
    /// </summary>
    internal override Geometry GeometryFor(Shape input, Shape output) => Unshuffle
        ? new WindowGeometry([Factor, Factor], [Factor, Factor], [0, 0], [1, 1])
        : new ResampleGeometry(input.Dims[^2..].ToArray(), output.Dims[^2..].ToArray(), ReceptiveFields.Sampling.Nearest);
}

/// <summary><c>ChannelShuffle(groups)</c>: reorders the channels (dimension 1) in groups; the shape is kept.</summary>
public sealed class ChannelShuffle : Layer
{
    internal ChannelShuffle(long groups) : base("ChannelShuffle") => Groups = groups;

    /// <summary>Groups.</summary>
    public long Groups { get; }

    /// <inheritdoc/>
    public override LayerResult Apply(Shape input)
    {
        if (input.Rank <= 2) throw new CnnShapeException($"ChannelShuffle: channel_shuffle expects an input with more than 2 dimensions, but got {input}.");
        if (Groups <= 0) throw new CnnShapeException($"ChannelShuffle: the number of groups must be positive, got {Groups}.");
        // ATen reads the channels from dimension 1, even for an unbatched input.
        if (input[1] % Groups != 0) throw new CnnShapeException($"ChannelShuffle: the number of channels (dimension 1 of {input}: {input[1]}) must be divisible by groups ({Groups}).");
        return new LayerResult(input, 0, 0, []);
    }
}
