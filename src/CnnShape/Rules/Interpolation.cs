namespace CnnShape.Rules;

/// <summary>Output sizes of resampling by a scale factor — in the precision each framework computes them.</summary>
public static class Interpolation
{
    /// <summary>
    /// PyTorch (<c>F.interpolate</c>, <c>_interp_output_size</c> and ATen <c>compute_output_size</c>):
    /// <c>out = ⌊in · scale⌋</c> with the scale a Python float, so the product is taken in double precision.
    /// </summary>
    public static long ScaleDouble(long input, double scale)
    {
        double product = input * scale;
        if (double.IsNaN(product) || product >= 9.2e18 || product <= -9.2e18) throw new CnnShapeException($"{input}·{scale} is not a usable size.");
        return (long)Math.Floor(product);
    }

    /// <summary>
    /// ONNX Resize/Upsample (onnx <c>resizeShapeInferenceHelper</c>, ONNX Runtime): <c>out = ⌊float(in) · scale⌋</c>
    /// with the scale a float32 tensor, so the product is taken in float32: 10 · 0.7f is 7, where double precision gives 6.
    /// </summary>
    public static long ScaleFloat32(long input, float scale)
    {
        float product = (float)input * scale;
        if (float.IsNaN(product) || product >= 9.2e18f || product <= -9.2e18f) throw new CnnShapeException($"{input}·{scale} is not a usable size.");
        return (long)MathF.Floor(product);
    }
}
