#!/usr/bin/python3
"""Oracle for receptive fields that change from unit to unit: networks with upsampling (every mode), transposed
convolutions, adaptive pooling, PixelShuffle/PixelUnshuffle, crops and pads, mixed with convolutions and pooling.

Run by hand with Debian's python3-torch (1.13):  /usr/bin/python3 oracle/gen_fields.py
It writes tests/CnnShape.Tests/Oracle/fields.jsonl, one network per line:
  {"id", "text": layer lines (code form), "input": [...], "output": [...], "axes": [{"axis": k, "other": [...],
   "units": {unit: [first, last] or null}}]}
For every unit along the middle row (and column) of the output, the measured field is the set of input pixels the unit
depends on in PyTorch's forward pass: the networks are linear (positive weights, average pooling for max pooling, as
oracle/fields.py makes them), so unit u depends on pixel p exactly when the output for the one-hot input at p differs
from the output for a zero input. That counts only taps with a non-zero weight in PyTorch's own (float32) resampling
kernels, and nothing from padding. cnnshape must give, for each unit, exactly that interval of input pixels.
"""
import json, os, random, sys, warnings
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fields import positive  # noqa: E402

warnings.filterwarnings("ignore")
rng = random.Random(20261129)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "CnnShape.Tests", "Oracle", "fields.jsonl")


def resample(n, c):
    """A layer that changes the sampling: (code, channels after)."""
    d = "2d" if n == 2 else "1d"
    kind = rng.choice(["up", "up", "up", "convt", "convt", "adaptive", "shuffle" if n == 2 else "up", "unshuffle" if n == 2 else "convt"])
    if kind == "up":
        mode = rng.choice(["nearest", "nearest-exact", "bilinear" if n == 2 else "linear", "bilinear" if n == 2 else "linear", "bicubic" if n == 2 else "nearest"])
        scale = rng.choice(["2", "3", "2.5", "1.5", "0.5"]) if rng.random() < 0.7 else None
        corners = ", align_corners=True" if mode in ("bilinear", "linear", "bicubic") and rng.random() < 0.4 else ""
        if mode == "bicubic":
            # bicubic only at dyadic scales: where a source position lands within float error of a pixel, PyTorch's
            # float32 cubic weights decide whether an outer tap is exactly 0, which cnnshape does not follow (README)
            scale, corners = rng.choice(["2", "4"]), ""
        if scale is None:
            return f"nn.Upsample(size={rng.randint(3, 40)}, mode='{mode}'{corners})", c
        return f"nn.Upsample(scale_factor={scale}, mode='{mode}'{corners})", c
    if kind == "convt":
        k, s = rng.randint(1, 5), rng.randint(1, 3)
        p = rng.randint(0, max(0, (k - 1) // 2))
        return f"nn.ConvTranspose{d}({c}, {c}, {k}, stride={s}, padding={p})", c
    if kind == "adaptive":
        return f"nn.AdaptiveAvgPool{d}({rng.randint(2, 12)})", c
    if kind == "shuffle":
        return f"nn.PixelShuffle(2)", None
    return f"nn.PixelUnshuffle(2)", None


def window(n, c):
    d = "2d" if n == 2 else "1d"
    kind = rng.choice(["conv", "conv", "pool", "pad"])
    if kind == "conv":
        k = rng.randint(1, 5)
        s = rng.choice([1, 1, 2])
        dil = rng.choice([1, 1, 2])
        p = rng.randint(0, (dil * (k - 1)) // 2 + 1)
        return f"nn.Conv{d}({c}, {c}, {k}, stride={s}, padding={p}, dilation={dil})"
    if kind == "pool":
        k = rng.randint(2, 3)
        return f"nn.{rng.choice(['Max', 'Avg'])}Pool{d}({k}, stride={rng.randint(1, k)}, padding={rng.randint(0, k // 2)})"
    a, b = rng.randint(-2, 2), rng.randint(-2, 2)
    return f"nn.ZeroPad{d}({(a, b) if n == 1 else (a, b, a, b)})"


def make():
    n = rng.choice([1, 2, 2])
    c = 4
    layers = []
    for _ in range(rng.randint(2, 5)):
        if rng.random() < 0.45:
            code, after = resample(n, c)
            if code.startswith("nn.PixelShuffle"):
                layers.append(f"nn.Conv2d({c}, {4 * c}, 1)")
                after = c
            if code.startswith("nn.PixelUnshuffle"):
                layers.append(code)
                layers.append(f"nn.Conv2d({4 * c}, {c}, 1)")
                continue
            layers.append(code)
        else:
            layers.append(window(n, c))
    size = rng.randint(12, 30)
    shape = [1, c] + [size] * n
    return n, layers, shape


def dependencies(model, shape):
    """dep[p..., u...]: whether output unit u (any channel) changes with input pixel p (any channel), by one-hot inputs."""
    c, spatial = shape[1], shape[2:]
    count = c * int(torch.tensor(spatial).prod())
    with torch.no_grad():
        # no biases: an output that does not depend on the pixel is then exactly 0 (positive weights add no cancellation)
        for m in model.modules():
            if getattr(m, "bias", None) is not None:
                m.bias.zero_()
        eye = torch.eye(count).reshape(count, *shape[1:])
        y = model(eye)
    # (channel, *spatial) one-hots → per pixel: any channel in, any channel out
    y = y.abs().sum(1).reshape(c, *spatial, *y.shape[2:]).sum(0)
    return y > 0


def main():
    cases = []
    tries = 0
    while len(cases) < 120 and tries < 2000:
        tries += 1
        n, layers, shape = make()
        try:
            model = positive(nn.Sequential(*[eval(l, {"nn": nn}) for l in layers]))
            with torch.no_grad():
                out = list(model(torch.rand(*shape) + 0.1).shape)
        except Exception:
            continue
        if any(d < 1 for d in out) or any(d > 64 for d in out[2:]):
            continue
        dep = dependencies(model, shape)
        axes = []
        for axis in range(n):
            other = [s // 2 for s in out[2:]]
            units = {}
            for u in range(out[2 + axis]):
                index = list(other)
                index[axis] = u
                support = dep[(slice(None),) * n + tuple(index)]
                line = support if n == 1 else (support.any(dim=1 - axis))
                idx = line.nonzero().flatten()
                units[str(u)] = [int(idx.min()), int(idx.max())] if idx.numel() else None
            axes.append({"axis": axis, "other": other, "units": units})
        cases.append({"id": len(cases), "text": "\n".join(layers) + "\n", "input": shape, "output": out, "axes": axes})
    with open(OUT, "w") as f:
        for c in cases:
            f.write(json.dumps(c) + "\n")
    print(f"{len(cases)} networks, {sum(len(a['units']) for c in cases for a in c['axes'])} units measured", file=sys.stderr)


if __name__ == "__main__":
    main()
