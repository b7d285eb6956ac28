using CnnShape.ReceptiveFields;
using CnnShape.Rules;
using CnnShape.Symbolic;

namespace CnnShape.Onnx.Operators;

/// <summary>ONNX Resize, Upsample, Pad and Col2Im — sizes in the precision ONNX computes them.</summary>
internal static class Resizing
{
    /// <summary>
    /// Resize (opsets 10–19) and Upsample (7–9): from sizes when given (with axes and keep_aspect_ratio_policy from opset 18),
    /// otherwise <c>out = ⌊float32(in) · scale⌋</c> in float32 (<see cref="Interpolation.ScaleFloat32"/>), whatever the
    /// coordinate_transformation_mode (tf_crop_and_resize's roi places the samples; it does not size the output).
    /// </summary>
    public static OnnxValue[] Resize(OpContext c)
    {
        try
        {
            return ResizeKnown(c);
        }
        catch (NotInferable e) when (c.In(0).Shape is { } xs)
        {
            // the sizes are computed at run time: the rank stays the input's, the sizes along the resized axes are unknown
            c.Notes.Add($"node '{c.Node.Name}' ({c.Op}): {e.Message}; the resized sizes are unknown.");
            long[]? axesAttr = c.Opset >= 18 ? c.Ints("axes") : null;
            var resized = axesAttr is null ? Enumerable.Range(0, xs.Length).ToHashSet() : axesAttr.Select(a => (int)(a < 0 ? a + xs.Length : a)).ToHashSet();
            var shape = xs.Select((d, i) => resized.Contains(i) ? Dim.Unknown() : d).ToArray();
            return [new OnnxValue { Shape = shape, Type = c.In(0).Type, Field = ReceptiveField.None }];
        }
    }

    private static OnnxValue[] ResizeKnown(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        int rank = xs.Length;
        long[]? axesAttr = c.Opset >= 18 ? c.Ints("axes") : null;
        int[] axes = axesAttr is null ? Enumerable.Range(0, rank).ToArray() : axesAttr.Select(a => c.Axis(a, rank, "an axis")).ToArray();
        if (axes.Distinct().Count() != axes.Length) throw c.Refuse("axes repeats an axis.");
        double[]? scales = null;
        Dim[]? sizes = null;
        if (c.Op == "Upsample" || c.Opset < 11)
        {
            scales = c.Op == "Upsample" && c.Opset < 9 ? c.Floats("scales")?.Select(f => (double)f).ToArray() ?? throw c.Refuse("the attribute scales is required.")
                : c.FloatsOf(1, "scales");
            // Upsample (opsets 7–9) only enlarges: "each scale … should be greater than or equal to 1" (ONNX operator spec);
            // ONNX Runtime holds constant scales to it when it loads the graph, and runs scales computed at run time as they come
            if (c.Op == "Upsample" && (c.Opset < 9 || c.In(1).IsConstant) && scales.Any(s => s < 1))
            {
                throw c.Refuse($"Upsample's scales must all be at least 1, got [{string.Join(", ", scales.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)))}] (use Resize, opset 10+, to shrink).");
            }
        }
        else
        {
            int sizesInput = 3, scalesInput = 2;
            bool hasSizes = c.Has(sizesInput) && !IsEmpty(c.In(sizesInput));
            bool hasScales = c.Has(scalesInput) && !IsEmpty(c.In(scalesInput));
            if (hasSizes && hasScales) throw c.Refuse("only one of scales and sizes may be given.");
            if (hasSizes) sizes = c.IntsOf(sizesInput, "sizes");
            else if (hasScales) scales = c.FloatsOf(scalesInput, "scales");
            else throw c.Refuse("one of scales and sizes must be given.");
        }
        var shape = (Dim[])xs.Clone();
        if (sizes is not null)
        {
            if (sizes.Length != axes.Length) throw c.Refuse($"sizes has {sizes.Length} values for {axes.Length} axes of {OpContext.Text(xs)}.");
            string policy = c.Opset >= 18 ? c.Str("keep_aspect_ratio_policy", "stretch") : "stretch";
            if (policy == "stretch")
            {
                for (int i = 0; i < axes.Length; i++) shape[axes[i]] = sizes[i];
            }
            else
            {
                if (policy is not ("not_larger" or "not_smaller")) throw c.Refuse($"keep_aspect_ratio_policy must be stretch, not_larger or not_smaller, got '{policy}'.");
                if (sizes.Any(d => !d.IsKnown) || axes.Any(a => !xs[a].IsKnown)) throw new NotInferable("keep_aspect_ratio_policy on symbolic sizes");
                // one scale for every axis: the smallest (not_larger) or largest (not_smaller) ratio sizes/in, in float32;
                // each size is then round(scale · in) (onnx KeepAspectRatioHelper)
                float scale = policy == "not_larger" ? float.MaxValue : float.MinValue;
                for (int i = 0; i < axes.Length; i++)
                {
                    float r = (float)sizes[i].Value / xs[axes[i]].Value;
                    scale = policy == "not_larger" ? MathF.Min(scale, r) : MathF.Max(scale, r);
                }
                foreach (int a in axes) shape[a] = (long)MathF.Round(scale * xs[a].Value, MidpointRounding.ToEven);
            }
        }
        else
        {
            if (scales!.Length != axes.Length) throw c.Refuse($"scales has {scales.Length} values for {axes.Length} axes of {OpContext.Text(xs)}.");
            if (scales.Any(s => !(s > 0))) throw c.Refuse($"scales must be positive, got [{string.Join(", ", scales)}].");
            // with coordinate_transformation_mode tf_crop_and_resize the roi says where the output samples, not its size:
            // ONNX Runtime (upsamplebase.h, ComputeOutputShape) and onnx.shape_inference both take ⌊in · scale⌋
            for (int i = 0; i < axes.Length; i++) shape[axes[i]] = Dim.ScaleFloat32(xs[axes[i]], (float)scales[i]);
        }
        foreach (var d in shape)
        {
            if (d.IsKnown && d.Value < 0) throw c.Refuse($"the output {OpContext.Text(shape)} has a negative size.");
        }
        return [new OnnxValue { Shape = shape, Type = x.Type, Field = ResampleField(x.Field, xs, shape, Rule(c)) }];
    }

    private static bool IsEmpty(OnnxValue v) => v.Shape is { Length: 1 } s && s[0].IsKnown && s[0].Value == 0;

    /// <summary>
    /// Which source positions a Resize/Upsample output reads (<see cref="Sampling"/>): the mode with its
    /// coordinate_transformation_mode (default half_pixel) and, for nearest, nearest_mode (default round_prefer_floor).
    /// Upsample (opsets 7–9) is asymmetric with floor.
    /// </summary>
    private static Sampling Rule(OpContext c)
    {
        string mode = c.Str("mode", "nearest");
        string transform = c.Op == "Upsample" || c.Opset < 11 ? "asymmetric" : c.Str("coordinate_transformation_mode", "half_pixel");
        string rounding = c.Op == "Upsample" || c.Opset < 11 ? "floor" : c.Str("nearest_mode", "round_prefer_floor");
        return mode switch
        {
            "linear" or "bilinear" => transform switch { "asymmetric" => Sampling.LinearAsymmetric, "align_corners" => Sampling.LinearAlignCorners, _ => Sampling.Linear },
            "cubic" => transform switch { "asymmetric" => Sampling.CubicAsymmetric, "align_corners" => Sampling.CubicAlignCorners, _ => Sampling.Cubic },
            _ => transform == "asymmetric" && rounding == "floor" ? Sampling.Nearest
                : transform is "half_pixel" or "pytorch_half_pixel" && rounding == "round_prefer_floor" ? Sampling.NearestRoundPreferFloor
                : Sampling.Nearest,
        };
    }

    /// <summary>Resampling's field (<see cref="FieldPropagation.Resample"/>) when the spatial sizes are known.</summary>
    internal static ReceptiveField ResampleField(ReceptiveField field, Dim[] before, Dim[] after, Sampling rule)
    {
        if (field is not SpatialField sf) return field;
        int n = sf.Axes.Length;
        var axes = (AxisField[])sf.Axes.Clone();
        for (int i = 0; i < n; i++)
        {
            Dim a = before[^n..][i], b = after[^n..][i];
            if (a == b && rule is Sampling.Nearest or Sampling.NearestExact) continue;
            if (!a.IsKnown || !b.IsKnown) return ReceptiveField.None;
            var next = FieldPropagation.Resample(axes[i], a.Value, b.Value, rule);
            if (next is null) return ReceptiveField.None;
            axes[i] = next;
        }
        return ReceptiveField.Spatial(axes);
    }

    /// <summary>
    /// Pad (pads as an attribute before opset 11, an input from 11; axes from 18; wrap from 19): every size grows by its
    /// pads (negative ones crop); the border modes have <see cref="Borders"/>' limits.
    /// </summary>
    public static OnnxValue[] Pad(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        int rank = xs.Length;
        long[] pads = c.Opset >= 11 ? c.KnownInts(1, "pads") : c.Ints("pads") ?? c.Ints("paddings") ?? throw c.Refuse("the attribute pads is required.");
        int[] axes = c.Opset >= 18 && c.Has(3) ? c.KnownInts(3, "axes").Select(a => c.Axis(a, rank)).ToArray() : Enumerable.Range(0, rank).ToArray();
        if (axes.Distinct().Count() != axes.Length) throw c.Refuse("axes repeats an axis.");
        if (pads.Length != 2 * axes.Length) throw c.Refuse($"pads has {pads.Length} values for {axes.Length} axes (it needs the beginnings, then the ends).");
        string mode = c.Str("mode", "constant");
        var border = mode switch
        {
            "constant" => BorderMode.Constant,
            "reflect" => BorderMode.Reflect,
            "edge" => BorderMode.Replicate,
            "wrap" when c.Opset >= 19 => BorderMode.Circular,
            _ => throw c.Refuse($"mode must be constant, reflect, edge{(c.Opset >= 19 ? " or wrap" : "")}, got '{mode}'."),
        };
        var shape = (Dim[])xs.Clone();
        var before = new long[rank];
        for (int i = 0; i < axes.Length; i++)
        {
            int a = axes[i];
            long b = pads[i], e = pads[i + axes.Length];
            if (xs[a].IsKnown && Borders.Violation(border, b, e, xs[a].Value) is string violation) throw c.Refuse($"{violation} (axis {a} of {OpContext.Text(xs)}).");
            shape[a] = xs[a] + b + e;
            before[a] = b;
            if (shape[a].IsKnown && shape[a].Value < 0) throw c.Refuse($"the pads ({b}, {e}) leave a negative size on axis {a} of {OpContext.Text(xs)}.");
        }
        var field = x.Field;
        if (field is SpatialField sf)
        {
            int spatial = sf.Axes.Length;
            var ones = Enumerable.Repeat(1L, spatial).ToArray();
            field = Fields.Window(field, ones, ones, before[^spatial..], ones, transposed: false);
        }
        return [new OnnxValue { Shape = shape, Type = x.Type, Field = field }];
    }

    /// <summary>
    /// Col2Im (opset 18): input [N, C·∏block, L] folded into [N, C, image…]; L must be the number of block positions
    /// ∏ (⌊(image + padB + padE − d·(block − 1) − 1)/s⌋ + 1).
    /// </summary>
    public static OnnxValue[] Col2Im(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        if (xs.Length != 3) throw c.Refuse($"the input must be 3-D [N, C·∏block, L], got {OpContext.Text(xs)}.");
        var image = c.KnownInts(1, "image_shape");
        var block = c.KnownInts(2, "block_shape");
        int n = image.Length;
        if (block.Length != n) throw c.Refuse($"image_shape has {n} values but block_shape has {block.Length}.");
        if (block.Any(b => b < 1)) throw c.Refuse("block_shape must be positive.");
        var strides = c.IntsExactly("strides", n, 1);
        var dilations = c.IntsExactly("dilations", n, 1);
        var pads = c.Ints("pads") ?? new long[2 * n];
        if (pads.Length != 2 * n) throw c.Refuse($"pads has {pads.Length} values for {n} axes.");
        long blocks = block.Aggregate(1L, (p, b) => Internal.Checked.Mul(p, b, "the block size"));
        if (xs[1].IsKnown && xs[1].Value % blocks != 0) throw c.Refuse($"the {xs[1]} channels are not divisible by the block size {blocks}.");
        long positions = 1;
        for (int i = 0; i < n; i++)
        {
            long count = Window.ConvolutionOutput(image[i], pads[i], pads[n + i], block[i], strides[i], dilations[i]);
            if (count < 1) throw c.Refuse($"the block does not fit image axis {i} ({image[i]}).");
            positions = Internal.Checked.Mul(positions, count, "the block positions");
        }
        if (xs[2].IsKnown && xs[2].Value != positions) throw c.Refuse($"the input holds {xs[2]} blocks, but image_shape and block_shape give {positions}.");
        var shape = new Dim[2 + n];
        shape[0] = xs[0];
        shape[1] = Dim.FloorDiv(xs[1], blocks);
        for (int i = 0; i < n; i++) shape[2 + i] = image[i];
        return [new OnnxValue { Shape = shape, Type = x.Type }];
    }
}
