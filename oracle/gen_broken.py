#!/usr/bin/python3
"""Oracle for the diagnosis: networks broken the ways they break in practice, and every fix cnnshape offers for them
checked in PyTorch.

Run by hand with Debian's python3-torch (1.13), from the repository root after `./cnnshape` has been built:
    /usr/bin/python3 oracle/gen_broken.py
It writes tests/CnnShape.Tests/Oracle/broken.jsonl, one broken network per line:
  {"id", "kind": why it is broken, "format": printed|lines|yaml, "text", "input", "error": PyTorch's error,
   "failing": the module (or merge) PyTorch raised in, "line": the line of the file where that layer is written,
   "fixes": [{"why", "edits", "input"?, "output": what cnnshape claims, "pytorch": PyTorch's output of the edited
   network or "error: …"}]}
The broken networks and PyTorch's errors are generated here; the fixes are cnnshape's (./cnnshape net … --json), each
applied to the text exactly as its edits say and run in PyTorch. The tests require cnnshape to locate every failure at
PyTorch's layer and line, to offer at least one fix keeping the user's input where the kind has one, to offer exactly
the fixes recorded here, and that PyTorch ran each of them with the output cnnshape claims.
"""
import collections, json, os, random, re, subprocess, sys, tempfile, warnings
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from yamlnet import YamlNet  # noqa: E402

warnings.filterwarnings("ignore")
rng = random.Random(20261130)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "CnnShape.Tests", "Oracle", "broken.jsonl")
NS = {"nn": nn, "torch": torch}
NS.update({k: getattr(nn, k) for k in dir(nn) if k[:1].isupper()})


def code_of(printed):
    """A layer as print(model) shows it, as Python code: bare words quoted."""
    return re.sub(r"=([A-Za-z][A-Za-z_\-]*)(?=[,)])", lambda m: "=" + (m.group(1) if m.group(1) in ("True", "False", "None") else repr(m.group(1))), printed)


def build_printed(text):
    """nn.Sequential from print(model) text (nested Sequentials, named children), module names as PyTorch gives them."""
    lines = [l for l in text.split("\n") if l.strip()]
    stack = [collections.OrderedDict()]
    names = [None]
    root = None
    for line in lines[1:]:
        body = line.strip()
        if body == ")":
            children = stack.pop()
            name = names.pop()
            if not stack:
                root = nn.Sequential(children)
                break
            stack[-1][name] = nn.Sequential(children)
            continue
        m = re.match(r"\((.+?)\): (.*)$", body)
        name, layer = m.group(1), m.group(2)
        if layer.endswith("("):
            stack.append(collections.OrderedDict())
            names.append(name)
        elif layer == "Sequential()":
            stack[-1][name] = nn.Sequential()
        else:
            stack[-1][name] = eval(code_of(layer), dict(NS))
    return root


def build(fmt, text):
    if fmt == "printed":
        return build_printed(text)
    if fmt == "lines":
        layers = collections.OrderedDict()
        for i, line in enumerate(l.strip() for l in text.split("\n") if l.strip() and not l.strip().startswith("input")):
            m = re.match(r"\((.+?)\): (.*)$", line)
            name, layer = (m.group(1), m.group(2)) if m else (str(len(layers)), line)
            layers[name] = eval(code_of(layer), dict(NS))
        return nn.Sequential(layers)
    return YamlNet(text)


def failing_place(fmt, text, model, shape):
    """PyTorch's error and the module (or merge step) it raised in, by forward pre-hooks on every leaf."""
    entered = []
    for name, m in model.named_modules():
        if not list(m.children()):
            m.register_forward_pre_hook(lambda mod, inp, n=name: entered.append(n))
    try:
        with torch.no_grad():
            if fmt == "yaml":
                t = {"input": torch.zeros(*shape)}
                for name, kind, payload, inputs in model.steps:
                    entered.append(name)
                    a = [t[i] for i in inputs]
                    if kind == "layer":
                        t[name] = model.mods[payload](a[0])
                    elif kind == "add":
                        t[name] = sum(a[1:], a[0])
                    elif kind == "cat":
                        t[name] = torch.cat(a, dim=payload)
                    else:
                        t[name] = a[0]
                return None, None, list(t[model.outputs[0]].shape)
            y = model(torch.zeros(*shape))
            return None, None, list(y.shape)
    except Exception as e:
        name = entered[-1] if entered else None
        if fmt == "yaml" and name is not None:
            name = name.replace("__", ".").removeprefix("mods.")
        return f"{type(e).__name__}: {(str(e).splitlines() or [''])[0][:200]}", name, None


def line_of(fmt, text, name):
    """The 1-based line where the failing layer is written."""
    lines = text.split("\n")
    if fmt == "yaml":
        short = name.split(".")[-1]
        for i, l in enumerate(lines):
            if re.match(rf"\s*- {re.escape(short)}:", l):
                return i + 1
        return None
    if fmt == "lines":
        index = -1
        for i, l in enumerate(lines):
            s = l.strip()
            if not s or s.startswith("input"):
                continue
            m = re.match(r"\((.+?)\): ", s)
            index += 1
            if (m and m.group(1) == name) or (not m and str(index) == name):
                return i + 1
        return None
    # printed: follow the nesting of module names
    path, depth_names = name.split("."), []
    for i, l in enumerate(lines):
        m = re.match(r"\s*\((.+?)\): (.*)$", l)
        if l.strip() == ")" and depth_names:
            depth_names.pop()
            continue
        if not m:
            continue
        if m.group(2).endswith("("):
            depth_names.append(m.group(1))
            continue
        if depth_names + [m.group(1)] == path:
            return i + 1
    return None


# ---- broken networks, the ways they break in practice

def lenet(channels, size, head_size, fmt):
    """A LeNet whose head was sized for head_size×head_size input, given size×size."""
    s = head_size
    s = (s - 4) // 2
    s = (s - 4) // 2
    feats = 16 * s * s
    layers = [f"Conv2d({channels}, 6, 5)", "ReLU()", "MaxPool2d(2)", "Conv2d(6, 16, 5)", "ReLU()", "MaxPool2d(2)", "Flatten()",
              f"Linear({rng.choice([feats, f'16 * {s} * {s}'])}, 120)", "ReLU()", "Linear(120, 84)", "ReLU()", "Linear(84, 10)"]
    return layers, [1, channels, size, size]


def channel_break():
    c = rng.choice([8, 16])
    wrong = c + rng.choice([-4, 4, 8])
    layers = [f"Conv2d(3, {c}, 3, padding=1)", f"BatchNorm2d({c})", "ReLU()", f"Conv2d({wrong}, 32, 3, padding=1)", "BatchNorm2d(32)", "ReLU()", "AdaptiveAvgPool2d(1)", "Flatten()", "Linear(32, 10)"]
    return layers, [2, 3, 32, 32]


def batchnorm_break():
    layers = ["Conv2d(3, 64, 3, padding=1)", "BatchNorm2d(32)", "ReLU()", "MaxPool2d(2)", "Conv2d(64, 64, 3, padding=1)", "BatchNorm2d(64)", "ReLU()"]
    return layers, [2, 3, 16, 16]


def missing_flatten():
    layers = ["Conv2d(3, 16, 3, padding=1)", "ReLU()", "MaxPool2d(2)", "Conv2d(16, 16, 3, padding=1)", "ReLU()", "AdaptiveAvgPool2d(4)", "Linear(256, 10)"]
    return layers, [1, 3, 32, 32]


def grey_input():
    layers = ["Conv2d(3, 32, 3, stride=2, padding=1)", "BatchNorm2d(32)", "ReLU()", "Conv2d(32, 64, 3, stride=2, padding=1)", "ReLU()", "AdaptiveAvgPool2d(1)", "Flatten()", "Linear(64, 10)"]
    return layers, [1, 1, 64, 64]


def too_small():
    layers = []
    c = 3
    for _ in range(5):
        layers += [f"Conv2d({c}, 16, 3)", "ReLU()", "MaxPool2d(2)"]
        c = 16
    return layers, [1, 3, rng.choice([24, 32, 40]), rng.choice([24, 32, 40])]


def printed_of(layers):
    """print(model) of nn.Sequential(*layers)."""
    return str(nn.Sequential(*[eval(l, dict(NS)) for l in layers]))


def as_text(fmt, layers, shape):
    if fmt == "printed":
        return printed_of(layers) + "\n"
    if fmt == "lines":
        return "".join(l + "\n" for l in layers)
    return "input: " + "x".join(map(str, shape)) + "\nlayers:\n" + "".join(f"  - l{i}: {l}\n" for i, l in enumerate(layers))


def unet_odd(size):
    """A one-level U-Net whose skip and upsampled paths disagree on an odd size."""
    text = (f"input: 1x1x{size}x{size}\nlayers:\n  - enc: Conv2d(1, 8, 3, padding=1)\n  - down: MaxPool2d(2)\n"
            "  - mid: Conv2d(8, 8, 3, padding=1)\n  - up: ConvTranspose2d(8, 8, 2, stride=2)\n  - join: {cat: [up, enc]}\n"
            "  - dec: Conv2d(16, 8, 3, padding=1)\n")
    return text, [1, 1, size, size]


def residual_mismatch():
    text = ("input: 1x16x32x32\nlayers:\n  - conv1: Conv2d(16, 32, 3, stride=2, padding=1)\n  - bn1: BatchNorm2d(32)\n"
            "  - relu1: ReLU()\n  - conv2: Conv2d(32, 32, 3, padding=1)\n  - sum: {add: [conv2, input]}\n  - out: ReLU()\n")
    return text, [1, 16, 32, 32]


def batchnorm_width_residual():
    """A convolution's width changed under a BatchNorm whose output is added to the input: the fix is at the convolution."""
    text = ("input: 1x32x16x16\nlayers:\n  - conv1: Conv2d(32, 64, 3, padding=1)\n  - bn1: BatchNorm2d(32)\n"
            "  - relu1: ReLU()\n  - sum: {add: [relu1, input]}\n")
    return text, [1, 32, 16, 16]


def batchnorm_after_activation():
    """A BatchNorm after the activation of a convolution whose width changed."""
    return ["Conv2d(3, 64, 3, padding=1)", "ReLU()", "BatchNorm2d(32)", "Dropout(0.1)", "Conv2d(32, 8, 3)"], [1, 3, 16, 16]


def cases():
    out = []
    for fmt in ("printed", "lines", "yaml"):
        for _ in range(6):
            head = rng.choice([28, 32])
            size = rng.choice([s for s in (28, 32, 48, 64, 96) if s != head and (s - 4) // 2 > 4])
            layers, shape = lenet(rng.choice([1, 3]), size, head, fmt)
            out.append(("head-sized-for-another-input", fmt, layers, shape))
        for kind, make in [("channels", channel_break), ("batchnorm-width", batchnorm_break), ("missing-flatten", missing_flatten),
                           ("grey-vs-rgb", grey_input), ("input-too-small", too_small)]:
            for _ in range(2):
                layers, shape = make()
                out.append((kind, fmt, layers, shape))
    result = []
    for kind, fmt, layers, shape in out:
        if fmt == "printed" and any("*" in l for l in layers):
            layers = [re.sub(r"16 \* (\d+) \* (\d+)", lambda m: str(16 * int(m.group(1)) * int(m.group(2))), l) for l in layers]
        result.append((kind, fmt, as_text(fmt, layers, shape), shape))
    for size in (15, 17, 31, 33):
        result.append(("merge-odd-size", "yaml", *unet_odd(size)))
    result.append(("merge-residual-stride", "yaml", *residual_mismatch()))
    result.append(("batchnorm-width-residual", "yaml", *batchnorm_width_residual()))
    for fmt in ("printed", "lines", "yaml"):
        layers, shape = batchnorm_after_activation()
        result.append(("batchnorm-after-activation", fmt, as_text(fmt, layers, shape), shape))
    return result


def cnnshape(fmt, text, shape):
    ext = {"printed": ".txt", "lines": ".txt", "yaml": ".yaml"}[fmt]
    with tempfile.NamedTemporaryFile("w", suffix=ext, delete=False) as f:
        f.write(text)
        path = f.name
    try:
        r = subprocess.run([os.path.join(ROOT, "cnnshape"), "net", path, "--input", "x".join(map(str, shape)), "--json"], capture_output=True, text=True, timeout=120)
        return json.loads(r.stdout) if r.stdout.strip() else {"error": r.stderr}
    finally:
        os.unlink(path)


def apply(text, edits):
    lines = text.split("\n")
    out = []
    for i in range(len(lines) + 1):
        if i > 0:
            replaced = [e for e in edits if e.get("line") == i]
            out.append(replaced[-1]["text"] if replaced else lines[i - 1])
        out += [e["text"] for e in edits if e.get("after") == i]
    return "\n".join(out)


def main():
    records = []
    for kind, fmt, text, shape in cases():
        model = build(fmt, text)
        error, failing, output = failing_place(fmt, text, model, shape)
        if error is None:
            continue
        case = {"id": len(records), "kind": kind, "format": fmt, "text": text, "input": shape, "error": error,
                "failing": failing, "line": line_of(fmt, text, failing)}
        answer = cnnshape(fmt, text, shape)
        fixes = []
        for fix in answer.get("fixes", []):
            edited = apply(text, fix["edits"])
            fixed_shape = fix.get("input", shape)
            try:
                e2, _, out2 = failing_place(fmt, edited, build(fmt, edited), fixed_shape)
                verdict = out2 if e2 is None else "error: " + e2
            except Exception as e:  # the edited text does not even build
                verdict = f"error: {type(e).__name__}: {e}"
            fixes.append({**fix, "pytorch": verdict})
        case["fixes"] = fixes
        case["cnnshape_at"] = answer.get("at")
        records.append(case)
    with open(OUT, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    bad = [(r["id"], x["why"]) for r in records for x in r["fixes"] if x["pytorch"] != x["output"]]
    print(f"{len(records)} broken networks, {sum(len(r['fixes']) for r in records)} fixes checked in PyTorch, {len(bad)} disagree", file=sys.stderr)
    for b in bad:
        print("  disagree:", b, file=sys.stderr)


if __name__ == "__main__":
    main()
