#!/usr/bin/python3
"""Oracle for `cnnshape solve`: for sampled (input, target) pairs, every configuration within small bounds is run in
PyTorch (Debian's python3-torch) and the ones whose output equals the target are recorded.
  conv: F.conv1d; maxpool: nn.MaxPool2d on an N x N input; avgpool: nn.AvgPool2d; transposed: F.conv_transpose1d.
MaxPool2d with dilation and kernel/2 < padding <= (dilated kernel)/2 is accepted by current PyTorch, refused by 1.13
(see gen_layers.py): those are answered by 1.13's max_pool2d on the input padded with -inf and padding 0 (same windows).
Writes tests/CnnShape.Tests/Oracle/solve.jsonl.
"""
import json, os, random, warnings
import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore")
torch.set_grad_enabled(False)
rng = random.Random(8)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "CnnShape.Tests", "Oracle", "solve.jsonl")
B = {"kernel": 5, "stride": 3, "padding": 2, "dilation": 2}


def out_or_none(f):
    try:
        return f()
    except Exception:
        return None


def solutions(n, m):
    found = []
    x1 = torch.zeros(1, 1, n)
    x2 = torch.zeros(1, 1, n, n)
    for k in range(1, B["kernel"] + 1):
        for s in range(1, B["stride"] + 1):
            for p in range(0, B["padding"] + 1):
                for d in range(1, B["dilation"] + 1):
                    o = out_or_none(lambda: F.conv1d(x1, torch.zeros(1, 1, k), stride=s, padding=p, dilation=d).shape[-1])
                    if o == m:
                        found.append(["conv", k, s, p, d, 0])
                    o = out_or_none(lambda: nn.MaxPool2d(k, s, p, d)(x2).shape[-1])
                    if o is None and k // 2 < p <= ((k - 1) * d + 1) // 2:
                        o = out_or_none(lambda: F.max_pool2d(F.pad(x2, (p, p, p, p), value=float("-inf")), k, s, 0, d).shape[-1])
                    if o == m:
                        found.append(["maxpool", k, s, p, d, 0])
                    if d == 1:
                        o = out_or_none(lambda: nn.AvgPool2d(k, s, p)(x2).shape[-1])
                        if o == m:
                            found.append(["avgpool", k, s, p, 1, 0])
                    for op in range(0, max(s, d)):
                        o = out_or_none(lambda: F.conv_transpose1d(x1, torch.zeros(1, 1, k), stride=s, padding=p, output_padding=op, dilation=d).shape[-1])
                        if o == m:
                            found.append(["transposed", k, s, p, d, op])
    return sorted(found)


def main():
    cases = []
    for _ in range(40):
        n = rng.randint(1, 40)
        m = rng.choice([n, max(1, n // 2), n * 2, rng.randint(1, 80)])
        cases.append({"input": n, "output": m, "bounds": B, "solutions": solutions(n, m)})
    with open(OUT, "w") as f:
        for c in cases:
            f.write(json.dumps(c) + "\n")
    print(len(cases), "cases,", sum(len(c["solutions"]) for c in cases), "solutions")


if __name__ == "__main__":
    main()
