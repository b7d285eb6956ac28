using CnnShape.ReceptiveFields;
using CnnShape.Rules;
using CnnShape.Symbolic;

namespace CnnShape.Onnx.Operators;

/// <summary>ONNX MaxPool, AveragePool, LpPool and the global pools, on <see cref="Window.PoolingOutput(Dim, long, long, long, long, long, bool)"/>.</summary>
internal static class Pools
{
    /// <summary>
    /// MaxPool / AveragePool / LpPool: <c>out = ⌊(in + padB + padE − span)/s⌋ + 1</c>, or with <c>ceil_mode=1</c> the ceiling
    /// with PyTorch's last-window drop; <c>⌈in/s⌉</c> with auto_pad SAME. MaxPool's second output (Indices) has the same shape.
    /// </summary>
    public static OnnxValue[] Pool(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        if (xs.Length < 3) throw c.Refuse($"the input must have rank ≥ 3 (N, C, spatial…), got {OpContext.Text(xs)}.");
        int spatial = xs.Length - 2;
        var kernel = c.Ints("kernel_shape") ?? throw c.Refuse("the attribute kernel_shape is required.");
        var a = Convolutions.Attributes(c, spatial, kernel);
        bool ceil = c.Int("ceil_mode", 0) != 0;
        var shape = (Dim[])xs.Clone();
        var pads = new long[spatial];
        bool padsKnown = true;
        for (int i = 0; i < spatial; i++)
        {
            var p = Convolutions.Pads(a, i, xs[2 + i]);
            if (p is { } known)
            {
                pads[i] = known.Begin;
                shape[2 + i] = a.AutoPad is "SAME_UPPER" or "SAME_LOWER"
                    ? Window.AutoPadOutput(xs[2 + i], a.Strides[i])
                    : Window.OnnxPoolingOutput(xs[2 + i], a.Kernel[i], known.Begin, known.End, a.Strides[i], a.Dilations[i], ceil && a.AutoPad == "NOTSET");
            }
            else
            {
                padsKnown = false;
                shape[2 + i] = Window.AutoPadOutput(xs[2 + i], a.Strides[i]);
            }
            // an empty output is valid ONNX (ONNX Runtime gives one); a negative size is refused
            if (shape[2 + i].IsKnown && shape[2 + i].Value < 0)
            {
                throw new CnnShapeException($"{c.Op}: the output size on spatial axis {i} is {shape[2 + i]} (input {xs[2 + i]}, kernel {a.Kernel[i]}, stride {a.Strides[i]}, pads {pads[i]}).") { TooSmall = true };
            }
        }
        var field = padsKnown ? Fields.Window(x.Field, a.Kernel, a.Strides, pads, a.Dilations, transposed: false) : Fields.Unknown(x.Field);
        var y = new OnnxValue { Shape = shape, Type = x.Type, Field = field };
        return [y, new OnnxValue { Shape = shape, Type = 7 }];
    }

    /// <summary>GlobalAveragePool / GlobalMaxPool / GlobalLpPool: every spatial size becomes 1; every unit sees the whole input.</summary>
    public static OnnxValue[] Global(OpContext c)
    {
        var x = c.In(0);
        var xs = c.Shape(0);
        if (xs.Length < 2) throw c.Refuse($"the input must have rank ≥ 2 (N, C, spatial…), got {OpContext.Text(xs)}.");
        var shape = xs.Select((d, i) => i < 2 ? d : (Dim)1).ToArray();
        return [new OnnxValue { Shape = shape, Type = x.Type, Field = xs.Length > 2 ? ReceptiveField.Global : x.Field }];
    }
}
