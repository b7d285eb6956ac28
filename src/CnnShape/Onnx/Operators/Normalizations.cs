using CnnShape.Symbolic;

namespace CnnShape.Onnx.Operators;

/// <summary>ONNX normalisations: they keep the shape, check their per-channel inputs and hold scale and bias parameters.</summary>
internal static class Normalizations
{
    /// <summary>BatchNormalization / InstanceNormalization: X [N, C, …]; scale, B (and mean, var) hold C values.</summary>
    public static OnnxValue[] PerChannel(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        if (xs.Length < 2 && c.Op == "InstanceNormalization") throw c.Refuse($"the input must have rank ≥ 3 (N, C, spatial…), got {OpContext.Text(xs)}.");
        Dim channels = xs.Length >= 2 ? xs[1] : xs.Length == 1 ? xs[0] : 1;
        int last = c.Op == "BatchNormalization" ? 4 : 2;
        for (int i = 1; i <= last; i++)
        {
            if (!c.Has(i)) continue;
            var p = c.In(i).Shape;
            if (p is null) continue;
            var count = Dim.Product(p);
            if (count.IsKnown && channels.IsKnown && count.Value != channels.Value)
            {
                string argument = i switch { 1 => "scale", 2 => "B", 3 => "mean", _ => "var" };
                throw new CnnShapeException($"{c.Op}: {argument} holds {count} values, but the input {OpContext.Text(xs)} has {channels} channels.",
                    mismatch: new Mismatch("num_features", count.Value, channels.Value, 1));
            }
        }
        c.Params = Convolutions.Weights(c, 1, 2);
        var y = new OnnxValue { Shape = xs, Type = x.Type, Field = x.Field };
        // training_mode outputs: running mean and variance, one value per channel
        return [y, new OnnxValue { Shape = [channels], Type = x.Type }, new OnnxValue { Shape = [channels], Type = x.Type }];
    }

    /// <summary>LayerNormalization (axis, default −1): Y as X; Mean and InvStdDev keep the leading axes and have 1 elsewhere.</summary>
    public static OnnxValue[] Layer(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        int axis = c.Axis(c.Int("axis", -1), Math.Max(xs.Length, 1));
        c.Params = Convolutions.Weights(c, 1, 2);
        var stats = xs.Select((d, i) => i < axis ? d : (Dim)1).ToArray();
        return [new OnnxValue { Shape = xs, Type = x.Type, Field = x.Field }, new OnnxValue { Shape = stats, Type = 1 }, new OnnxValue { Shape = stats, Type = 1 }];
    }

    /// <summary>GroupNormalization (opsets 18, 21): the channels must divide into num_groups.</summary>
    public static OnnxValue[] Group(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        if (xs.Length < 2) throw c.Refuse($"the input must have rank ≥ 2 (N, C, …), got {OpContext.Text(xs)}.");
        long groups = c.Int("num_groups", 0);
        if (groups < 1) throw c.Refuse($"num_groups must be positive, got {groups}.");
        if (xs[1].IsKnown && xs[1].Value % groups != 0) throw c.Refuse($"the {xs[1]} channels of {OpContext.Text(xs)} do not divide into num_groups {groups}.");
        c.Params = Convolutions.Weights(c, 1, 2);
        return [new OnnxValue { Shape = xs, Type = x.Type, Field = x.Field }];
    }

    /// <summary>LRN, MeanVarianceNormalization, LpNormalization: same shape; LRN needs rank ≥ 3 and a positive size.</summary>
    public static OnnxValue[] Same(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        if (c.Op == "LRN" && c.Int("size", 0) < 1) throw c.Refuse($"size must be positive, got {c.Int("size", 0)}.");
        return [new OnnxValue { Shape = xs, Type = x.Type, Field = x.Field }];
    }
}
