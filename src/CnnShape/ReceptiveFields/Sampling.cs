namespace CnnShape.ReceptiveFields;

/// <summary>
/// Which source positions an output unit of a resampling reads with a non-zero weight, for a ratio r = in/out:
/// the rules of F.interpolate's modes and of ONNX Resize's coordinate transformations.
/// </summary>
public enum Sampling
{
    /// <summary>PyTorch 'nearest' (ONNX asymmetric + floor): ⌊u·r⌋.</summary>
    Nearest,
    /// <summary>PyTorch 'nearest-exact': ⌊(u + ½)·r⌋.</summary>
    NearestExact,
    /// <summary>ONNX nearest with half_pixel and round_prefer_floor: (u + ½)·r − ½ rounded, halves down.</summary>
    NearestRoundPreferFloor,
    /// <summary>Linear with half-pixel centres (align_corners=False): x = (u + ½)·r − ½, taps ⌊x⌋ and ⌊x⌋ + 1 (one when x is whole).</summary>
    Linear,
    /// <summary>Linear with x = u·r (ONNX asymmetric).</summary>
    LinearAsymmetric,
    /// <summary>Linear with align_corners=True: x = u·(in − 1)/(out − 1).</summary>
    LinearAlignCorners,
    /// <summary>Cubic with half-pixel centres: taps ⌊x⌋ − 1 … ⌊x⌋ + 2 (one when x is whole).</summary>
    Cubic,
    /// <summary>Cubic with x = u·r.</summary>
    CubicAsymmetric,
    /// <summary>Cubic with align_corners=True.</summary>
    CubicAlignCorners,
    /// <summary>Adaptive average pooling / 'area': [⌊u·r⌋, ⌈(u + 1)·r⌉ − 1].</summary>
    Area,
}
