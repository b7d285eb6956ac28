using System.Globalization;
using System.Text.RegularExpressions;

namespace CnnShape.Diagnosis;

/// <summary>A PyTorch error message read back: which rule broke, what its numbers mean, and what usually fixes it.</summary>
/// <param name="Kind">A short name of the rule (linear-features, conv-channels, batchnorm-features, …).</param>
/// <param name="Quote">The line of the message (or traceback) that says it.</param>
/// <param name="Meaning">What its numbers mean, in a layer's terms.</param>
/// <param name="Advice">What usually fixes it.</param>
/// <param name="Argument">The layer argument at stake, when there is one (in_features, in_channels, num_features).</param>
/// <param name="Expected">The value the layer was built with.</param>
/// <param name="Actual">The value the input brings.</param>
public sealed record ExplainedError(string Kind, string Quote, string Meaning, string Advice, string? Argument = null, long? Expected = null, long? Actual = null);

/// <summary>
/// Reads the shape errors PyTorch raises (a bare message or a whole traceback) and says what their numbers mean:
/// <c>mat1 and mat2 shapes cannot be multiplied (64x2304 and 4096x10)</c> is a Linear with in_features 4096 that got
/// 2304 features per sample.
/// </summary>
public static class PyTorchErrors
{
    private static readonly RegexOptions Options = RegexOptions.CultureInvariant;

    private static long N(Group g) => long.Parse(g.Value, CultureInfo.InvariantCulture);

    private static string Dims(string text) => text.Replace(" ", "", StringComparison.Ordinal).Replace("x", " × ", StringComparison.Ordinal).Replace(",", " × ", StringComparison.Ordinal);

    /// <summary>What the message says, or null when it is not a shape error cnnshape knows.</summary>
    public static ExplainedError? Explain(string text)
    {
        Match m;
        string Line() => text.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Contains(m.Value, StringComparison.Ordinal)) ?? m.Value;

        m = Regex.Match(text, @"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)", Options);
        if (m.Success)
        {
            long rows = N(m.Groups[1]), features = N(m.Groups[2]), inFeatures = N(m.Groups[3]), outFeatures = N(m.Groups[4]);
            return new ExplainedError("linear-features", Line(),
                $"a Linear({inFeatures}, {outFeatures}) — mat2 is its weight, transposed: in_features {inFeatures} × out_features {outFeatures} — got {features} features per sample (mat1: {rows} rows, the batch and any leading dimensions).",
                $"set in_features to {features}, or make {features} features into {inFeatures}: the layers before it were sized for another input (an AdaptiveAvgPool2d before the flatten makes the head fit any input), or a Flatten is missing.",
                "in_features", inFeatures, features);
        }
        m = Regex.Match(text, @"weight of size \[([\d, ]+)\], expected input\[([\d, ]+)\] to have (\d+) channels, but got (\d+) channels instead", Options);
        if (m.Success)
        {
            var weight = m.Groups[1].Value.Split(',').Select(x => long.Parse(x.Trim(), CultureInfo.InvariantCulture)).ToArray();
            long expected = N(m.Groups[3]), actual = N(m.Groups[4]);
            string colour = (expected, actual) switch { (3, 1) => " (a grey-scale image where RGB is expected)", (1, 3) => " (RGB where grey-scale is expected)", (3, 4) => " (RGBA where RGB is expected)", _ => "" };
            return new ExplainedError("conv-channels", Line(),
                $"a convolution with weight [{m.Groups[1].Value}] — {weight[0]} out_channels, {weight[1]} input channels per group, kernel {string.Join(" × ", weight[2..])} — got the input [{m.Groups[2].Value}] with {actual} channels where it expects {expected}{colour}.",
                $"set the layer's in_channels to {actual}, or make the layer before it give {expected} channels (its out_channels), or give the network an input with {expected} channels.",
                "in_channels", expected, actual);
        }
        m = Regex.Match(text, @"running_mean should contain (\d+) elements not (\d+)", Options);
        if (m.Success)
        {
            long channels = N(m.Groups[1]), features = N(m.Groups[2]);
            return new ExplainedError("batchnorm-features", Line(),
                $"a BatchNorm with num_features {features} got an input with {channels} channels (running_mean holds one value per channel).",
                $"set num_features to {channels}, the channels of the layer before it.",
                "num_features", features, channels);
        }
        m = Regex.Match(text, @"Given input size: \(([\dx]+)\)\. Calculated output size: \(([\dx-]+)\)\. Output size is too small", Options);
        if (m.Success)
        {
            return new ExplainedError("output-too-small", Line(),
                $"a pooling (or transposed) layer got a map of {Dims(m.Groups[1].Value)} (channels first) and would make {Dims(m.Groups[2].Value)}: the map has become smaller than the window.",
                "give the network a larger input, or remove a downsampling step, pad the layer, or use ceil_mode=True on the pooling.");
        }
        m = Regex.Match(text, @"Calculated padded input size per channel: \(([\d x]+)\)\. Kernel size: \(([\d x]+)\)\. Kernel size can't be greater than actual input size", Options);
        if (m.Success)
        {
            return new ExplainedError("kernel-too-large", Line(),
                $"a convolution got a map of {Dims(m.Groups[1].Value)} (with its padding) but its kernel spans {Dims(m.Groups[2].Value)}: the input has shrunk below the kernel.",
                "give the network a larger input, add padding to this convolution, or remove a downsampling step before it.");
        }
        m = Regex.Match(text, @"Sizes of tensors must match except in dimension (\d+)\. Expected size (\d+) but got size (\d+) for tensor number (\d+) in the list", Options);
        if (m.Success)
        {
            return new ExplainedError("cat-sizes", Line(),
                $"torch.cat along dimension {m.Groups[1].Value} joins tensors that differ elsewhere: the first has size {m.Groups[2].Value} where tensor number {m.Groups[4].Value} has {m.Groups[3].Value} — typically a U-Net skip connection and an upsampled path after an odd size was halved.",
                "crop or pad one path (F.pad / F.interpolate(size=…)), give the transposed convolution output_padding=1, or use input sizes divisible by 2 per level.");
        }
        m = Regex.Match(text, @"The size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton dimension (\d+)", Options);
        if (m.Success)
        {
            return new ExplainedError("broadcast", Line(),
                $"an element-wise operation (a residual addition, a product) joins tensors of sizes {m.Groups[1].Value} and {m.Groups[2].Value} at dimension {m.Groups[3].Value}; sizes must be equal or 1.",
                "make both paths agree: a 1×1 convolution with the matching stride on the shortcut (as ResNet's downsampling blocks), or the same padding and stride on both paths.");
        }
        m = Regex.Match(text, @"shape '\[([-\d, ]+)\]' is invalid for input of size (\d+)", Options);
        if (m.Success)
        {
            var dims = m.Groups[1].Value.Split(',').Select(x => long.Parse(x.Trim(), CultureInfo.InvariantCulture)).ToArray();
            long size = N(m.Groups[2]);
            long rest = dims.Where(d => d != -1).Aggregate(1L, (p, d) => p * d);
            string why = rest != 0 && size % rest != 0 ? $"{size} is not a multiple of {rest}" : $"the sizes multiply to {rest}, not {size}";
            return new ExplainedError("view", Line(),
                $"view/reshape to [{m.Groups[1].Value}] of a tensor with {size} elements: {why}.",
                "flatten with torch.flatten(x, 1) (or x.view(x.size(0), -1)) so the batch is kept and the rest taken as it is; then size the next Linear to it.");
        }
        m = Regex.Match(text, @"Expected (\d)D \(unbatched\) or (\d)D \(batched\) input to (\w+), but got input of size: \[([\d, ]+)\]", Options);
        if (m.Success)
        {
            return new ExplainedError("rank", Line(),
                $"{m.Groups[3].Value} takes a {m.Groups[1].Value}-D (unbatched) or {m.Groups[2].Value}-D (batched) input, but got [{m.Groups[4].Value}].",
                "check the layer order: a Flatten or view before a convolution, or a missing unsqueeze for a single sample.");
        }
        m = Regex.Match(text, @"Expected more than 1 value per channel when training, got input size (?:torch\.Size\()?\[([\d, ]+)\]", Options);
        if (m.Success)
        {
            return new ExplainedError("batch-statistics", Line(),
                $"a BatchNorm in training mode got [{m.Groups[1].Value}]: one value per channel, so no batch statistics.",
                "call model.eval() for inference (cnnshape: --eval), or use a batch larger than 1.");
        }
        m = Regex.Match(text, @"expected input with shape \[\*, ([\d, ]+)\], but got input of size\s*\[([\d, ]+)\]", Options);
        if (m.Success)
        {
            return new ExplainedError("layernorm-shape", Line(),
                $"a LayerNorm with normalized_shape [{m.Groups[1].Value}] got [{m.Groups[2].Value}]: the input must end with the normalized shape.",
                "set normalized_shape to the input's last dimensions.");
        }
        m = Regex.Match(text, @"Input and output sizes should be greater than 0", Options);
        if (m.Success)
        {
            return new ExplainedError("interpolate-size", Line(), "an upsampling (F.interpolate) computed an output size of 0 or less: a scale factor below 1 on a small map.", "use a size instead of a scale factor, or a larger input.");
        }
        return null;
    }
}
