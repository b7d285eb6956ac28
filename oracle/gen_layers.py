#!/usr/bin/python3
"""Oracle for single layers: random layers and inputs, answered by PyTorch itself.

Run by hand with Debian's python3-torch (1.13):  /usr/bin/python3 oracle/gen_layers.py
It writes tests/CnnShape.Tests/Oracle/layers.jsonl, one case per line:
  {"layer": code, "repr": printed form or null, "input": [...], "output": [...]}   or "error": "Type: message"
Every expected value is what PyTorch returned or raised. Where Debian's 1.13 and current PyTorch differ, the case
carries "current": "<why>" and the current answer, obtained from 1.13 by a documented equivalent:
  * maxpool1d-empty: MaxPool1d whose output length is 0 -- 1.13 returns an empty tensor, current refuses
    ("max_pool1d() Invalid computed output size: 0", CONTRACT.md).
  * circular-unbatched: circular padding on an unbatched input -- 1.13 refuses, current pads it as it pads the
    batched input (CONTRACT.md); answered by running 1.13 on input.unsqueeze(0) and dropping that dimension.
  * maxpool2d-dilated-padding: MaxPool2d with dilation, padding > kernel/2 but <= (dilated kernel)/2 -- 1.13
    refuses, current ATen (Pool.h: pad <= ((k-1)*d+1)/2) accepts; answered (ceil_mode=False only) by 1.13's
    max_pool2d on the input explicitly padded with -inf and padding=0, which has the same windows.
  * reflection-pad-unbatched-empty: ReflectionPad1d/2d on an unbatched input with an empty dimension -- 1.13's meta
    functions took dim 0 of an unbatched input for a batch and padded it; current ATen (Padding.h, check_valid_input,
    shared by every reflection and replication pad) allows an empty batch only, so it refuses.
  * instancenorm-affine-features: InstanceNorm with affine=True on an input whose channels differ from num_features --
    1.13 runs it where the input is empty (or fails later); current _InstanceNorm.forward raises ValueError first.
Classes newer than 1.13 (ZeroPad1d/3d, CircularPad1d/2d/3d) are emulated by their current definitions
(ConstantPad with value 0; F.pad(mode='circular') after the module's rank check) and get "repr": null.
"""
import json, os, random, re, sys, warnings
import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore")
torch.set_grad_enabled(False)
rng = random.Random(20261123)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "CnnShape.Tests", "Oracle", "layers.jsonl")


class ZeroPad1d(nn.ConstantPad1d):
    def __init__(self, padding):
        super().__init__(padding, 0.0)


class ZeroPad3d(nn.ConstantPad3d):
    def __init__(self, padding):
        super().__init__(padding, 0.0)


def _circular(n):
    class CircularPad(nn.Module):
        def __init__(self, padding):
            super().__init__()
            self.padding = (padding,) * (2 * n) if isinstance(padding, int) else tuple(padding)

        def forward(self, x):
            if x.dim() not in (n + 1, n + 2):
                raise ValueError(f"expected {n + 1}D or {n + 2}D input (got {x.dim()}D input)")
            return F.pad(x, self.padding, "circular")
    CircularPad.__name__ = f"CircularPad{n}d"
    return CircularPad


EMULATED = {"ZeroPad1d": ZeroPad1d, "ZeroPad3d": ZeroPad3d, "CircularPad1d": _circular(1), "CircularPad2d": _circular(2), "CircularPad3d": _circular(3)}
NS = {"nn": nn, "torch": torch}
NS.update({k: getattr(nn, k) for k in dir(nn) if k[:1].isupper()})
NS.update(EMULATED)


def build(code):
    c = code
    for name in EMULATED:
        c = c.replace("torch.nn." + name, name).replace("nn." + name, name)
    return eval(c, dict(NS))


def run(m, shape):
    y = m(torch.zeros(tuple(shape)))  # a tuple, so a 0-d input is torch.zeros(())
    if isinstance(y, tuple):
        y = y[0]
    return list(y.shape)


def state(m):
    d = {k: v for k, v in vars(m).items() if not k.startswith("_") and k != "training"}
    d["_params"] = {k: v is None for k, v in m._parameters.items()}
    return repr(d)


def faithful_repr(code, m):
    """PyTorch's printed form, kept only when it rebuilds the same module (AvgPool2d, e.g., does not print ceil_mode)."""
    if type(m).__name__ in EMULATED:
        return None
    try:
        r = str(m)
    except Exception:  # a module built with arguments its repr cannot print (Upsample(mode=True))
        return None
    code_form = re.sub(r"=([A-Za-z][A-Za-z_\-]*)(?=[,)])", lambda mt: "=" + (mt.group(1) if mt.group(1) in ("True", "False", "None") else repr(mt.group(1))), r)
    try:
        m2 = build(code_form)
    except Exception:
        return None
    return r if state(m2) == state(m) else None


def pre():
    return rng.choice(["", "nn.", "nn.", "torch.nn."])


def tup(n, lo, hi, allow_int=True):
    if allow_int and rng.random() < 0.5:
        return rng.randint(lo, hi)
    return tuple(rng.randint(lo, hi) for _ in range(n))


def fmt(v):
    if isinstance(v, tuple):
        return "(" + ", ".join(fmt(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, str):
        return repr(v)
    return str(v)


def call(name, positional, keywords):
    parts = [fmt(v) for v in positional] + [f"{k}={fmt(v)}" for k, v in keywords]
    return f"{pre()}{name}({', '.join(parts)})"


def spatial_input(n, channels, lo=1, hi=40):
    dims = [rng.randint(lo, hi) for _ in range(n)]
    batched = rng.random() < 0.75
    shape = ([rng.randint(1, 3)] if batched else []) + [channels] + dims
    return shape


def split_args(names_values, positional_max):
    """Some leading arguments positional, the rest keyword; default-valued ones sometimes omitted."""
    k = rng.randint(0, positional_max)
    pos = [v for _, v in names_values[:k]]
    kw = [(n, v) for n, v in names_values[k:] if v is not None]
    return pos, kw


def gen_conv():
    n = rng.choice([1, 2, 2, 3])
    groups = rng.choice([1, 1, 1, 2, 4])
    cin = groups * rng.randint(1, 4)
    cout = groups * rng.randint(1, 4)
    if rng.random() < 0.05:
        cout += 1
    k = tup(n, 1, 7)
    s = tup(n, 1, 4) if rng.random() < 0.6 else 1
    d = tup(n, 1, 3) if rng.random() < 0.3 else 1
    r = rng.random()
    if r < 0.15:
        p = rng.choice(["same", "valid"])
        if p == "same" and rng.random() < 0.7:
            s = 1
    else:
        p = tup(n, 0, 4)
    mode = rng.choice(["zeros"] * 6 + ["reflect", "replicate", "circular"])
    bias = rng.choice([True, False])
    args = [("in_channels", cin), ("out_channels", cout), ("kernel_size", k), ("stride", s), ("padding", p), ("dilation", d), ("groups", groups), ("bias", bias), ("padding_mode", mode)]
    args = [(a, v) if not (a in ("stride", "dilation", "groups") and v == 1 and rng.random() < 0.5) else (a, None) for a, v in args]
    pos, kw = split_args(args[:3] + [x for x in args[3:] if x[1] is not None], 4)
    if rng.random() < 0.05:
        kw = [(a, v) for a, v in kw if a != "padding_mode"] + [("padding_mode", "zeros")]
    channels = cin if rng.random() > 0.06 else cin + 1
    return call(f"Conv{n}d", pos, kw), spatial_input(n, channels, 1, 24 if n == 3 else 50)


def gen_convt():
    n = rng.choice([1, 2, 2, 3])
    groups = rng.choice([1, 1, 2])
    cin = groups * rng.randint(1, 4)
    cout = groups * rng.randint(1, 4)
    k = tup(n, 1, 5)
    s = tup(n, 1, 4)
    p = tup(n, 0, 3)
    d = tup(n, 1, 3) if rng.random() < 0.3 else 1
    op = tup(n, 0, 3) if rng.random() < 0.4 else 0
    args = [("in_channels", cin), ("out_channels", cout), ("kernel_size", k), ("stride", s), ("padding", p), ("output_padding", op), ("groups", groups), ("bias", rng.choice([True, False])), ("dilation", d)]
    pos, kw = split_args(args, 5)
    channels = cin if rng.random() > 0.06 else cin + 1
    return call(f"ConvTranspose{n}d", pos, kw), spatial_input(n, channels, 1, 16 if n == 3 else 40)


def gen_pool():
    kind = rng.choice(["Max", "Max", "Avg", "Avg", "LP"])
    n = rng.choice([1, 2]) if kind == "LP" else rng.choice([1, 2, 2, 3])
    k = tup(n, 1, 5) if not (kind == "LP" and n == 1) else rng.randint(1, 5)
    s = tup(n, 1, 4) if rng.random() < 0.6 else None
    ceil = rng.random() < 0.4
    if kind == "LP":
        args = [("norm_type", rng.choice([1, 2, 3, 2.5])), ("kernel_size", k), ("stride", s), ("ceil_mode", ceil)]
        pos, kw = split_args(args, 2)
    else:
        kmin = min(k) if isinstance(k, tuple) else k
        p = tup(n, 0, max(0, kmin // 2 + (1 if rng.random() < 0.25 else 0)))
        args = [("kernel_size", k), ("stride", s), ("padding", p)]
        if kind == "Max":
            args += [("dilation", tup(n, 1, 3) if rng.random() < 0.3 else 1), ("return_indices", rng.random() < 0.1), ("ceil_mode", ceil)]
        else:
            args += [("ceil_mode", ceil), ("count_include_pad", rng.choice([True, False]))]
            if n > 1 and rng.random() < 0.15:
                args.append(("divisor_override", rng.choice([1, 3, 0])))
        pos, kw = split_args(args, 3)
    return call(f"{kind}Pool{n}d", pos, kw), spatial_input(n, rng.randint(1, 4), 1, 20 if n == 3 else 60)


def gen_maxpool2d_dilated_padding():
    """MaxPool2d with k/2 < padding <= ((k-1)*d+1)/2: current PyTorch accepts what 1.13 refuses."""
    k = rng.randint(1, 4)
    d = rng.randint(2, 3)
    p = rng.randint(k // 2 + 1, ((k - 1) * d + 1) // 2) if ((k - 1) * d + 1) // 2 > k // 2 else None
    if p is None:
        return None
    s = rng.randint(1, 3)
    code = call("MaxPool2d", [k], [("stride", s), ("padding", p), ("dilation", d)])
    shape = spatial_input(2, rng.randint(1, 3), 1, 30)
    return code, shape, (k, s, p, d)


def gen_adaptive():
    kind = rng.choice(["Avg", "Max"])
    n = rng.choice([1, 2, 3])
    if n > 1 and rng.random() < 0.3:
        o = tuple(rng.choice([None, rng.randint(1, 8)]) for _ in range(n))
    else:
        o = tup(n, 0 if rng.random() < 0.05 else 1, 8)
    code = call(f"Adaptive{kind}Pool{n}d", [o], []) if rng.random() < 0.6 else call(f"Adaptive{kind}Pool{n}d", [], [("output_size", o)])
    return code, spatial_input(n, rng.randint(1, 4), 1, 20 if n == 3 else 40)


def gen_upsample():
    n = rng.choice([1, 2, 2, 3])
    mode = rng.choice(["nearest"] * 4 + ["linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact"])
    kw = []
    if rng.random() < 0.5:
        kw.append(("size", tup(n, 1, 40) if rng.random() < 0.8 else tup(rng.choice([1, 2, 3]), 1, 40, False)))
    else:
        sf = rng.choice([2, 3, 0.5, 1.5, 1.7, 2.0, 0.25, 3.3])
        if rng.random() < 0.3:
            sf = tuple(rng.choice([2.0, 0.5, 1.5, 3.0, 1.7]) for _ in range(n))
        kw.append(("scale_factor", sf))
    if mode != "nearest" or rng.random() < 0.3:
        kw.append(("mode", mode))
    if mode in ("linear", "bilinear", "bicubic", "trilinear") and rng.random() < 0.3:
        kw.append(("align_corners", rng.choice([True, False])))
    name = "Upsample"
    r = rng.random()
    if r < 0.1:
        name, kw = "UpsamplingNearest2d", [x for x in kw if x[0] in ("size", "scale_factor")]
    elif r < 0.2:
        name, kw = "UpsamplingBilinear2d", [x for x in kw if x[0] in ("size", "scale_factor")]
    shape = [rng.randint(1, 3), rng.randint(1, 4)] + [rng.randint(1, 30) for _ in range(n)]
    if rng.random() < 0.1:
        shape = shape[1:]
    return call(name, [], kw), shape


def gen_shuffle():
    r = rng.random()
    if r < 0.4:
        f = rng.randint(1, 3)
        c = f * f * rng.randint(1, 3) + (1 if rng.random() < 0.15 else 0)
        shape = ([rng.randint(1, 2)] if rng.random() < 0.7 else []) + [c, rng.randint(1, 9), rng.randint(1, 9)]
        return call("PixelShuffle", [f], []) if rng.random() < 0.5 else call("PixelShuffle", [], [("upscale_factor", f)]), shape
    if r < 0.75:
        f = rng.randint(1, 3)
        h, w = f * rng.randint(1, 5), f * rng.randint(1, 5)
        if rng.random() < 0.2:
            w += 1
        shape = ([rng.randint(1, 2)] if rng.random() < 0.7 else []) + [rng.randint(1, 3), h, w]
        return call("PixelUnshuffle", [f], []), shape
    g = rng.randint(1, 4)
    c = g * rng.randint(1, 3) + (1 if rng.random() < 0.15 else 0)
    shape = [rng.randint(1, 2), c, rng.randint(1, 6), rng.randint(1, 6)]
    if rng.random() < 0.15:
        shape = shape[:2]
    return call("ChannelShuffle", [g], []), shape


def gen_pad():
    kind = rng.choice(["Zero", "Constant", "Reflection", "Replication", "Circular"])
    n = rng.choice([1, 2, 3])
    lo = -2 if rng.random() < 0.3 else 0
    if rng.random() < 0.4:
        p = rng.randint(lo, 3)
    else:
        p = tuple(rng.randint(lo, 3) for _ in range(2 * n))
    args = [p] + ([rng.choice([0.0, 1.5, -2.0])] if kind == "Constant" else [])
    rank = rng.choice([n + 1, n + 2, n + 2])
    shape = [rng.randint(1, 3) for _ in range(rank - n)] + [rng.randint(1, 8) for _ in range(n)]
    return call(f"{kind}Pad{n}d", args, []), shape


def gen_reshape():
    r = rng.random()
    rank = rng.randint(1, 5)
    shape = [rng.randint(1, 6) for _ in range(rank)]
    if r < 0.35:
        kw = []
        if rng.random() < 0.6:
            kw.append(("start_dim", rng.randint(-3, 3)))
        if rng.random() < 0.5:
            kw.append(("end_dim", rng.randint(-3, 3)))
        return call("Flatten", [], kw), shape
    if r < 0.55:
        dim = rng.randint(-2, 2)
        a, b = rng.randint(1, 4), rng.randint(1, 4)
        sizes = rng.choice([(a, b), (a, -1), (-1, b), (a, b, 1)])
        if rank >= 2:
            shape[dim % rank if -rank <= dim < rank else 0] = a * b if rng.random() < 0.85 else a * b + 1
        return call("Unflatten", [dim, sizes], []), shape
    inf = rng.randint(1, 20)
    shape[-1] = inf if rng.random() < 0.85 else inf + 1
    return call("Linear", [inf, rng.randint(1, 20)], [("bias", False)] if rng.random() < 0.3 else []), shape


def gen_norm():
    r = rng.random()
    c = rng.randint(1, 6)
    if r < 0.35:
        n = rng.choice([1, 2, 3])
        rank = rng.choice([2, 3]) if n == 1 else rng.choice([n + 2, n + 2, n + 1])
        shape = [rng.choice([1, 1, 2, 3]), c if rng.random() < 0.9 else c + 1] + [rng.choice([1, 1, 2, 3, 4]) for _ in range(rank - 2)]
        kw = [("affine", False)] if rng.random() < 0.2 else []
        return call(f"BatchNorm{n}d", [c], kw), shape
    if r < 0.55:
        n = rng.choice([1, 2, 3])
        rank = rng.choice([n + 1, n + 2])
        shape = ([rng.randint(1, 2)] if rank == n + 2 else []) + [c if rng.random() < 0.85 else c + 1] + [rng.choice([1, 2, 3]) for _ in range(n)]
        kw = [("affine", True)] if rng.random() < 0.3 else []
        return call(f"InstanceNorm{n}d", [c], kw), shape
    if r < 0.75:
        g = rng.randint(1, 3)
        ch = g * rng.randint(1, 3)
        shape = [rng.randint(1, 2), ch if rng.random() < 0.85 else ch + 1] + [rng.randint(1, 4) for _ in range(rng.randint(0, 2))]
        return call("GroupNorm", [g, ch], []), shape
    if r < 0.9:
        shape = [rng.randint(1, 3) for _ in range(rng.randint(1, 4))]
        k = rng.randint(1, len(shape))
        ns = tuple(shape[-k:])
        if rng.random() < 0.15:
            ns = tuple(x + 1 for x in ns)
        return call("LayerNorm", [ns[0] if len(ns) == 1 and rng.random() < 0.5 else ns], []), shape
    shape = [rng.randint(1, 3) for _ in range(rng.randint(2, 5))]
    return call("LocalResponseNorm", [rng.randint(1, 5)], []), shape


ACTS = ["ReLU()", "ReLU(inplace=True)", "ReLU6()", "LeakyReLU(0.2)", "LeakyReLU(negative_slope=0.1, inplace=True)", "ELU()", "ELU(alpha=0.5)",
        "CELU()", "SELU()", "GELU()", "GELU(approximate='tanh')", "SiLU()", "Mish()", "Hardswish()", "Hardsigmoid()", "Sigmoid()", "Tanh()",
        "Softplus(beta=2)", "Softsign()", "Tanhshrink()", "Hardtanh(-2.0, 2.0)", "Hardshrink()", "Softshrink(0.3)", "Threshold(0.1, 20.0)",
        "LogSigmoid()", "RReLU()", "PReLU()", "PReLU(3)", "Softmax(dim=1)", "Softmax(dim=-1)", "Softmax(dim=3)", "LogSoftmax(dim=1)", "Softmin(dim=0)",
        "Softmax2d()", "GLU()", "GLU(dim=1)", "Identity()", "Identity(54, unused_argument_name=0.1)", "Dropout()", "Dropout(0.2)", "Dropout(p=0.1, inplace=False)",
        "Dropout1d(0.3)", "Dropout2d()", "Dropout3d(0.1)", "AlphaDropout(0.1)", "FeatureAlphaDropout(0.2)"]


def gen_act():
    a = rng.choice(ACTS)
    rank = rng.randint(1, 5)
    shape = [rng.choice([1, 2, 3, 4, 6]) for _ in range(rank)]
    return pre() + a, shape


def gen_refused_text():
    """Constructor refusals: bad groups, bad strings, p out of range, ..."""
    return rng.choice([
        (call("Conv2d", [4, 6, 3], [("groups", 4)]), [1, 4, 8, 8]),
        (call("Conv2d", [3, 6, 3], [("stride", 2), ("padding", "same")]), [1, 3, 8, 8]),
        (call("Conv1d", [3, 6, 3], [("padding", "full")]), [1, 3, 8]),
        (call("Conv2d", [3, 6, 3], [("padding_mode", "mirror")]), [1, 3, 8, 8]),
        (call("Conv2d", [3, 6, 3], [("groups", 0)]), [1, 3, 8, 8]),
        (call("Conv2d", [3, 6, 3], [("stride", 0)]), [1, 3, 8, 8]),
        (call("Conv2d", [3, 6, 3], [("padding", -1)]), [1, 3, 8, 8]),
        (call("Conv2d", [3, 6, 3], [("dilation", 0)]), [1, 3, 8, 8]),
        (call("ConvTranspose2d", [3, 6, 3], [("padding_mode", "reflect")]), [1, 3, 8, 8]),
        (call("Dropout", [1.5], []), [1, 3]),
        (call("Hardtanh", [1.0, -1.0], []), [1, 3]),
        (call("MaxPool2d", [0], []), [1, 3, 8, 8]),
        (call("AvgPool2d", [3], [("stride", 0)]), [1, 3, 8, 8]),
        (call("GroupNorm", [4, 6], []), [2, 6, 3]),
        (call("PixelShuffle", [0], []), [1, 4, 3, 3]),
        (call("AdaptiveAvgPool2d", [-1], []), [1, 3, 8, 8]),
        (call("Upsample", [], [("size", 4), ("scale_factor", 2)]), [1, 3, 8]),
        (call("Upsample", [], []), [1, 3, 8]),
        (call("Upsample", [], [("scale_factor", 2), ("align_corners", True)]), [1, 3, 8]),
        (call("Conv2d", [3, 6, 3], []), [1, 3, 0, 8]),
        (call("Conv2d", [3, 6, 3], []), [0, 3, 8, 8]),
        (call("MaxPool2d", [2], []), [0, 3, 8, 8]),
        (call("MaxPool2d", [2], []), [1, 0, 8, 8]),
        (call("AdaptiveAvgPool2d", [2], []), [1, 0, 8, 8]),
        (call("Upsample", [], [("scale_factor", 2)]), [0, 3, 8]),
    ])


GENERATORS = [(gen_conv, 900), (gen_convt, 500), (gen_pool, 900), (gen_adaptive, 250), (gen_upsample, 350), (gen_shuffle, 180),
              (gen_pad, 350), (gen_reshape, 250), (gen_norm, 300), (gen_act, 300), (gen_refused_text, 60)]


def err(e):
    text = (str(e).splitlines() or [""])[0][:200]
    return f"{type(e).__name__}: {text}"


def current_refusal(m, shape, case):
    """Where 1.13 gives an output and current PyTorch refuses (documented at the top): mark the case, give current's refusal."""
    name = type(m).__name__
    rank = len(shape)
    why = None
    if name in ("ReflectionPad1d", "ReflectionPad2d") and rank == int(name[-2]) + 1 and 0 in shape:
        # current ATen Padding.h check_valid_input: an unbatched input may have no empty dimension (1.13's reflection
        # pad meta functions took dim 0 of an unbatched input for a batch)
        why, msg = "reflection-pad-unbatched-empty", f"RuntimeError: Expected {rank}D or {rank + 1}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: {list(shape)}"
    elif name.startswith("InstanceNorm") and m.affine and rank in (int(name[-2]) + 1, int(name[-2]) + 2):
        # current torch/nn/modules/instancenorm.py _InstanceNorm.forward: with affine, the channel size must be num_features
        feature_dim = rank - (int(name[-2]) + 1)
        if shape[feature_dim] != m.num_features:
            why, msg = "instancenorm-affine-features", f"ValueError: expected input's size at dim={feature_dim} to match num_features ({m.num_features}), but got: {shape[feature_dim]}."
    if why is None:
        return False
    case["torch113"] = case.pop("output")
    case["error"] = msg
    case["current"] = why
    return True


def answer(code, shape, eval_mode=False):
    """PyTorch's answer for the layer on a zero tensor of that shape, as built (training mode) or after m.eval()."""
    case = {"layer": code, "repr": None, "input": list(shape)}
    if eval_mode:
        case["mode"] = "eval"
    try:
        m = build(code)
    except Exception as e:
        case["error"] = err(e)
        return case
    case["repr"] = faithful_repr(code, m)
    if eval_mode:
        m.eval()
    try:
        case["output"] = run(m, shape)
    except Exception as e:
        msg = err(e)
        circular = getattr(m, "padding_mode", None) == "circular" or type(m).__name__.startswith("CircularPad")
        n = {"1": 1, "2": 2, "3": 3}.get(type(m).__name__[-2:-1])
        padded = n
        if type(m).__name__.startswith("CircularPad") and len(shape) in (n + 1, n + 2):
            padded = len(m.padding) // 2  # current ATen _pad_circular: len(pad) / 2 padded dims, after 1 or 2 others
        if circular and n and len(shape) == padded + 1:
            try:
                if padded != n:  # past the module's own rank check: F.pad on the input as a batch of one
                    case["output"] = list(F.pad(torch.zeros(1, *shape), m.padding, "circular").shape)[1:]
                else:
                    case["output"] = run(m, [1] + list(shape))[1:]
                case["current"] = "circular-unbatched"
                case["torch113"] = msg
                return case
            except Exception as e2:
                msg = err(e2)
        case["error"] = msg
        return case
    if current_refusal(m, shape, case):
        return case
    if type(m).__name__ == "MaxPool1d" and 0 in case["output"][-1:]:
        case["torch113"] = case.pop("output")
        case["error"] = "RuntimeError: max_pool1d() Invalid computed output size: 0"
        case["current"] = "maxpool1d-empty"
    return case


def main():
    cases = []
    for gen, count in GENERATORS:
        for _ in range(count):
            code, shape = gen()
            cases.append(answer(code, shape))
    for _ in range(80):
        g = gen_maxpool2d_dilated_padding()
        if g is None:
            continue
        code, shape, (k, s, p, d) = g
        case = answer(code, shape)
        if "error" in case and "half of kernel" in case["error"]:
            # current PyTorch: same windows as -inf explicit padding with padding=0 (ceil_mode is False here)
            x = F.pad(torch.zeros(*shape), (p, p, p, p), value=float("-inf"))
            try:
                case["output"] = list(F.max_pool2d(x, k, s, 0, d).shape)
                case["torch113"] = case.pop("error")
            except Exception as e:
                case["error"] = err(e)
            case["current"] = "maxpool2d-dilated-padding"
        cases.append(case)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        for c in cases:
            f.write(json.dumps(c) + "\n")
    refused = sum(1 for c in cases if "error" in c)
    print(f"{len(cases)} cases, {refused} refused ({100 * refused / len(cases):.1f}%), {sum(1 for c in cases if c['repr'])} with a faithful printed form, "
          f"{sum(1 for c in cases if 'current' in c)} where current PyTorch differs from 1.13", file=sys.stderr)


if __name__ == "__main__":
    main()
