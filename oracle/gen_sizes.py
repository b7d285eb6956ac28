#!/usr/bin/python3
"""Oracle for `cnnshape sizes`: U-Net-like and strided networks (cnnshape YAML) run in PyTorch at every size of a range
along one axis; the sizes PyTorch accepts (no exception, and every merge aligned) are recorded.
Writes tests/CnnShape.Tests/Oracle/sizes.jsonl: {"text", "input", "axis", "from", "to", "accepted": [...]}.
"""
import json, os, random, warnings
import torch
from yamlnet import YamlNet

warnings.filterwarnings("ignore")
torch.set_grad_enabled(False)
rng = random.Random(3)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "CnnShape.Tests", "Oracle", "sizes.jsonl")


def unet(levels, pool, up_kind):
    lines, c = ["input: 1x2x32x32", "layers:", "  - stem: Conv2d(2, 4, 3, padding=1)"], 4
    prev, skips = "stem", []
    for l in range(levels):
        k = rng.choice([2, 3])
        lines.append(f"  - enc{l}: {{layer: \"Conv2d({c}, {c}, 3, padding=1)\", from: {prev}}}")
        skips.append(f"enc{l}")
        lines.append(f"  - down{l}: {pool.format(k=k)}")
        prev = f"down{l}"
    for l in reversed(range(levels)):
        if up_kind == "transposed":
            lines.append(f"  - up{l}: {{layer: \"ConvTranspose2d({c}, {c}, 2, stride=2)\", from: {prev}}}")
        else:
            lines.append(f"  - up{l}: {{layer: \"Upsample(scale_factor=2)\", from: {prev}}}")
        lines.append(f"  - cat{l}: {{cat: [up{l}, enc{l}]}}")
        lines.append(f"  - dec{l}: Conv2d({2 * c}, {c}, 3, padding=1)")
        prev = f"dec{l}"
    return "\n".join(lines) + "\n"


def strided():
    lines = ["input: 1x1x40x40", "layers:"]
    c = 1
    for i in range(rng.randint(2, 4)):
        k, s, p = rng.randint(1, 5), rng.randint(1, 3), rng.randint(0, 2)
        lines.append(f"  - c{i}: Conv2d({c}, 3, {k}, stride={s}, padding={p})")
        c = 3
        if rng.random() < 0.5:
            lines.append(f"  - p{i}: MaxPool2d({rng.randint(2, 3)}, stride={rng.randint(1, 2)}, ceil_mode={rng.random() < 0.5})")
    return "\n".join(lines) + "\n"


def accepted(text, axis, lo, hi):
    net = YamlNet(text).eval()
    base = net.input_shape
    ok = []
    for n in range(lo, hi + 1):
        shape = list(base)
        shape[axis] = n
        try:
            net(torch.zeros(*shape))
            ok.append(n)
        except Exception:
            pass
    return base, ok


def main():
    nets = [unet(4, "MaxPool2d(2)", "transposed"), unet(3, "MaxPool2d(2)", "upsample"), unet(2, "Conv2d(4, 4, 3, stride=2, padding=1)", "transposed"),
            unet(3, "AvgPool2d(2, ceil_mode=True)", "upsample")] + [strided() for _ in range(8)]
    cases = []
    for text in nets:
        for axis in (2, 3):
            base, ok = accepted(text, axis, 1, 150)
            cases.append({"text": text, "input": base, "axis": axis, "from": 1, "to": 150, "accepted": ok})
            print(len(ok), "accepted", ok[:6])
    with open(OUT, "w") as f:
        for c in cases:
            f.write(json.dumps(c) + "\n")


if __name__ == "__main__":
    main()
