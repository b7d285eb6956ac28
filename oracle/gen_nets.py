#!/usr/bin/python3
"""Oracle for `cnnshape net`: random networks built and run in PyTorch (Debian's python3-torch).

Two kinds, written to tests/CnnShape.Tests/Oracle/nets.jsonl:
  * "printed": a random nn.Sequential (nested Sequentials included); the case holds str(model), exactly what
    print(model) shows;
  * "yaml": a random branching network (add / mul / cat merges, from: references) in cnnshape's YAML format, run in
    PyTorch by a tiny interpreter over the same description.
For every layer the output shape PyTorch produced is recorded, by name. The receptive field of the final output is
measured empirically: the gradient of the central output position (summed over channels, so every path counts) with respect to the input, with every weight positive,
a positive input, BatchNorm in eval mode (the identity up to eps), dropout off and max pooling swapped for average
pooling of the same geometry; the support of that gradient along each axis is the field, clipped to the image.
If the gradient covers the whole input, the field is recorded as global.
It also writes hidden.jsonl: 120 printed Sequentials whose AvgPools may set ceil_mode=True, which print(model) hides;
each records what PyTorch gives reading the text (ceil_mode=False) and the AvgPools where ceil_mode=True would change an
output or run where False is refused — exactly where cnnshape must warn.
"""
import json, os, random, warnings
import torch
import torch.nn as nn
from fields import positive, measure_at, clear_of_borders

warnings.filterwarnings("ignore")
rng = random.Random(11)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "CnnShape.Tests", "Oracle", "nets.jsonl")
NS = {k: getattr(nn, k) for k in dir(nn) if k[:1].isupper()}


def random_chain(channels, spatial, allow_upsample=True, allow_head=True):
    """A list of layer code strings that keeps track of the channel count."""
    n = spatial
    layers = []
    for _ in range(rng.randint(2, 7)):
        r = rng.random()
        if r < 0.4:
            k = rng.randint(1, 5)
            s = rng.choice([1, 1, 2])
            d = rng.choice([1, 1, 1, 2])
            p = rng.randint(0, (d * (k - 1)) // 2 + 1)
            out = rng.choice([channels, channels * 2, 4, 8])
            layers.append(f"Conv{n}d({channels}, {out}, {k}, stride={s}, padding={p}, dilation={d})")
            channels = out
        elif r < 0.55:
            k = rng.randint(2, 3)
            s = rng.choice([1, 2, k])
            p = rng.randint(0, k // 2)
            kind = rng.choice(["Max", "Avg"])
            # print(model) does not show AvgPool's ceil_mode, so only MaxPool gets it (the text must say everything).
            ceil = kind == "Max" and rng.random() < 0.3
            layers.append(f"{kind}Pool{n}d({k}, stride={s}, padding={p}" + (f", ceil_mode={ceil})" if kind == "Max" else ")"))
        elif r < 0.65:
            layers.append(f"BatchNorm{n}d({channels})")
        elif r < 0.75:
            layers.append(rng.choice(["ReLU()", "ReLU(inplace=True)", "SiLU()", "Sigmoid()", "Dropout(0.2)"]))
        elif r < 0.82:
            pads = tuple(rng.randint(0, 2) for _ in range(2 * n))
            layers.append(f"ZeroPad{n}d({pads})" if n == 2 else f"ConstantPad{n}d({pads}, 0.0)")
        elif r < 0.9 and allow_upsample:
            if rng.random() < 0.5:
                layers.append(f"Upsample(scale_factor={rng.choice([2, 3])}, mode='nearest')")
            else:
                k, s = rng.choice([(2, 2), (3, 2), (4, 2), (3, 1)])
                p = rng.randint(0, 1)
                layers.append(f"ConvTranspose{n}d({channels}, {channels}, {k}, stride={s}, padding={p})")
        else:
            layers.append(f"Conv{n}d({channels}, {channels}, 3, padding=1, groups={rng.choice([1, channels])})")
    if allow_head and rng.random() < 0.25:
        layers += [f"AdaptiveAvgPool{n}d(1)", "Flatten()", f"Linear({channels}, 10)"]
    return layers, channels


def measure(forward, shape, structurally_global):
    """The field of the central output unit, on an input enlarged until that field keeps clear of every image border
    (so no padding of any intermediate layer cuts it: the measured support is then the whole field)."""
    if structurally_global:
        return {"global": True}
    shape = list(shape)
    limit = 200 if len(shape) == 4 else (400 if len(shape) == 3 else 40)
    previous = None
    while True:
        try:
            m = measure_at(forward, shape)
        except RuntimeError:
            return None
        del m["output"]
        inside = clear_of_borders(m)
        widths = [r[1] - r[0] if r else None for r in m["region"]]
        if inside and previous == widths:
            return m
        previous = widths if inside else None
        if max(shape[2:]) * 2 > limit:
            return None
        shape = shape[:2] + [2 * d + 1 for d in shape[2:]]


GLOBAL_MARKERS = ("AdaptiveAvgPool2d(1)", "AdaptiveAvgPool1d(1)", "AdaptiveAvgPool3d(1)", "Linear(")


def printed_case(sid):
    n = rng.choice([2, 2, 2, 1, 3])
    channels = rng.randint(1, 4)
    layers, _ = random_chain(channels, n)
    nested = rng.random() < 0.4
    size = rng.randint(8, 40) if n < 3 else rng.randint(6, 14)
    shape = [rng.randint(1, 2), channels] + [size + rng.randint(0, 5) for _ in range(n)]
    if nested and len(layers) > 2:
        cut = rng.randint(1, len(layers) - 1)
        inner = nn.Sequential(*[eval(l, NS) for l in layers[:cut]])
        model = nn.Sequential()
        model.add_module("features", inner)
        for i, l in enumerate(layers[cut:]):
            model.add_module(str(i), eval(l, NS))
    else:
        model = nn.Sequential(*[eval(l, NS) for l in layers])
    text = str(model)
    case = {"kind": "printed", "id": sid, "text": text, "input": shape}
    outputs = []
    x = torch.zeros(*shape)
    try:
        with torch.no_grad():
            for name, module in model.named_modules():
                if isinstance(module, nn.Sequential):
                    continue
                x = module(x)
                outputs.append({"name": name, "output": list(x.shape)})
    except Exception as e:
        case["error"] = f"{type(e).__name__}: {(str(e).splitlines() or [''])[0][:160]}"
        case["layers"] = outputs
        return case
    case["layers"] = outputs
    if not any("Upsample" in l or "ConvTranspose" in l for l in layers):
        rf = measure(positive(model), shape, any(m in l for l in layers for m in GLOBAL_MARKERS))
        if rf is not None:
            case["rf"] = rf
    return case


def yaml_case(sid):
    """A branching network: a trunk, a side branch from an earlier tensor, and a merge."""
    channels = rng.randint(2, 4)
    size = rng.randint(12, 32)
    shape = [1, channels, size, size + rng.randint(0, 4)]
    entries = []   # (name, kind, payload, inputs)
    trunk, c = random_chain(channels, 2, allow_upsample=False, allow_head=False)
    names = []
    prev = "input"
    for i, l in enumerate(trunk):
        name = f"t{i}"
        entries.append((name, "layer", l, [prev]))
        names.append((name, l))
        prev = name
    # side branch: from the input or an early trunk tensor with the trunk's final channels/size, merged back
    merge = rng.choice(["add", "mul", "cat", "se"])
    if merge == "se":
        entries.append(("pool", "layer", "AdaptiveAvgPool2d(1)", [prev]))
        entries.append(("gate", "layer", f"Conv2d({c}, {c}, 1)", ["pool"]))
        entries.append(("sig", "layer", "Sigmoid()", ["gate"]))
        entries.append(("out", "mul", None, [prev, "sig"]))
    else:
        k = rng.choice([1, 3, 5])
        entries.append(("side", "layer", f"Conv2d({c}, {c}, {k}, padding={k // 2})", [prev]))
        entries.append(("side2", "layer", f"Conv2d({c}, {c}, {rng.choice([1, 3])}, padding='same', dilation={rng.choice([1, 2])})", ["side"]))
        entries.append(("out", merge, None, [prev, "side2"]))
    lines = [f"input: {'x'.join(map(str, shape))}", "layers:"]
    for name, kind, payload, inputs in entries:
        src = inputs[0]
        if kind == "layer":
            lines.append(f"  - {name}: {{layer: \"{payload}\", from: {src}}}")
        else:
            lines.append(f"  - {name}: {{{'mul' if kind == 'mul' else kind}: [{', '.join(inputs)}]}}")
    text = "\n".join(lines) + "\n"
    modules = {name: eval(payload, NS) for name, kind, payload, _ in entries if kind == "layer"}

    def forward(x):
        t = {"input": x}
        for name, kind, payload, inputs in entries:
            if kind == "layer":
                t[name] = modules[name](t[inputs[0]])
            elif kind == "add":
                t[name] = t[inputs[0]] + t[inputs[1]]
            elif kind == "mul":
                t[name] = t[inputs[0]] * t[inputs[1]]
            else:
                t[name] = torch.cat([t[i] for i in inputs], dim=1)
        return t

    case = {"kind": "yaml", "id": sid, "text": text, "input": shape}
    try:
        with torch.no_grad():
            t = forward(torch.zeros(*shape))
    except Exception as e:
        case["error"] = f"{type(e).__name__}: {(str(e).splitlines() or [''])[0][:160]}"
        return case
    case["layers"] = [{"name": name, "output": list(t[name].shape)} for name, *_ in entries]
    holder = nn.ModuleDict(modules)
    positive(holder)
    for name, kind, payload, _ in entries:
        if kind == "layer":
            modules[name] = holder[name]
    rf = measure(lambda x: forward(x)["out"], shape, merge == "se")
    if rf is not None:
        case["rf"] = rf
    return case


HIDDEN_OUT = os.path.join(os.path.dirname(OUT), "hidden.jsonl")
hidden_rng = random.Random(23)


def hidden_case(sid):
    """A printed Sequential whose AvgPools may set ceil_mode=True, which print(model) does not show. Recorded: the text,
    what PyTorch gives reading every AvgPool as ceil_mode=False (what the text says), and which AvgPools reached that way
    would give another output — or run where False is refused — with ceil_mode=True (where cnnshape must warn)."""
    r = hidden_rng
    n = r.choice([1, 2, 2, 3])
    channels = r.randint(1, 3)
    size = r.randint(2, 12) if n < 3 else r.randint(2, 6)
    shape = [r.randint(1, 2), channels] + [size + r.randint(0, 3) for _ in range(n)]
    codes = []
    for _ in range(r.randint(2, 6)):
        if r.random() < 0.55:
            k = r.randint(2, 4)
            codes.append(f"AvgPool{n}d({k}, stride={r.choice([1, 2, k])}, padding={r.randint(0, k // 2)}, ceil_mode={r.random() < 0.5})")
        else:
            k = r.randint(1, 3)
            codes.append(f"Conv{n}d({channels}, {channels}, {k}, stride={r.choice([1, 2])})")
    real = nn.Sequential(*[eval(c, NS) for c in codes])
    text = str(real)
    case = {"kind": "hidden", "id": sid, "text": text, "input": shape,
            "ceil_mode": {name: m.ceil_mode for name, m in real.named_children() if isinstance(m, nn.modules.pooling._AvgPoolNd)}}
    layers, changes = [], []
    x = torch.zeros(*shape)
    with torch.no_grad():
        for name, m in real.named_children():
            as_read, alt = m, None
            if isinstance(m, nn.modules.pooling._AvgPoolNd):
                as_read = type(m)(m.kernel_size, m.stride, m.padding, ceil_mode=False)
                alt = type(m)(m.kernel_size, m.stride, m.padding, ceil_mode=True)
            try:
                y = as_read(x)
            except Exception as e:
                case["error"] = f"{type(e).__name__}: {(str(e).splitlines() or [''])[0][:160]}"
                y = None
            if alt is not None:
                try:
                    other = list(alt(x).shape)
                except Exception:
                    other = None
                if other is not None and (y is None or other != list(y.shape)):
                    changes.append(name)
            if y is None:
                break
            layers.append({"name": name, "output": list(y.shape)})
            x = y
    case["layers"] = layers
    case["changes"] = changes
    return case


def main():
    cases = [printed_case(i) for i in range(200)] + [yaml_case(1000 + i) for i in range(120)]
    with open(OUT, "w") as f:
        for c in cases:
            f.write(json.dumps(c) + "\n")
    print(f"{len(cases)} nets, {sum(1 for c in cases if 'error' in c)} refused by PyTorch, {sum(1 for c in cases if 'rf' in c)} with a measured field")
    hidden = [hidden_case(2000 + i) for i in range(120)]
    with open(HIDDEN_OUT, "w") as f:
        for c in hidden:
            f.write(json.dumps(c) + "\n")
    print(f"{len(hidden)} nets with print(model)-hidden AvgPool ceil_mode, {sum(1 for c in hidden if c['changes'])} where it changes an output, "
          f"{sum(1 for c in hidden if 'error' in c)} refused as read")


if __name__ == "__main__":
    main()
