#!/usr/bin/python3
"""Oracle for `cnnshape explain`: the shape errors PyTorch raises, triggered in PyTorch itself, with their tracebacks.

Run by hand with Debian's python3-torch (1.13):  /usr/bin/python3 oracle/gen_errors.py
Writes tests/CnnShape.Tests/Oracle/errors.jsonl: {"kind": the rule cnnshape must recognise, "text": the traceback as
Python prints it, "numbers": the values the message is about}.
"""
import json, os, traceback, warnings
import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "CnnShape.Tests", "Oracle", "errors.jsonl")

CASES = [
    ("linear-features", {"in_features": 400, "features": 2704}, lambda: nn.Linear(400, 120)(torch.zeros(1, 2704))),
    ("linear-features", {"in_features": 4096, "features": 2304}, lambda: nn.Linear(4096, 10)(torch.zeros(64, 2304))),
    ("conv-channels", {"expected": 3, "actual": 1}, lambda: nn.Conv2d(3, 64, 7)(torch.zeros(1, 1, 32, 32))),
    ("conv-channels", {"expected": 128, "actual": 64}, lambda: nn.Conv2d(128, 128, 3)(torch.zeros(1, 64, 30, 30))),
    ("batchnorm-features", {"expected": 32, "actual": 64}, lambda: nn.BatchNorm2d(32)(torch.zeros(2, 64, 4, 4))),
    ("output-too-small", {}, lambda: nn.MaxPool2d(2)(torch.zeros(1, 16, 1, 1))),
    ("kernel-too-large", {}, lambda: nn.Conv2d(16, 16, 3)(torch.zeros(1, 16, 2, 2))),
    ("cat-sizes", {}, lambda: torch.cat([torch.zeros(1, 8, 28, 28), torch.zeros(1, 8, 27, 27)], 1)),
    ("broadcast", {}, lambda: torch.zeros(1, 32, 16, 16) + torch.zeros(1, 16, 32, 32)),
    ("view", {}, lambda: torch.zeros(1, 16, 13, 13).view(-1, 16 * 5 * 5 * 3)),
    ("rank", {}, lambda: nn.Conv2d(3, 8, 3)(torch.zeros(2, 3))),
    ("batch-statistics", {}, lambda: nn.BatchNorm1d(64)(torch.zeros(1, 64))),
    ("layernorm-shape", {}, lambda: nn.LayerNorm(64)(torch.zeros(1, 32))),
    ("interpolate-size", {}, lambda: F.interpolate(torch.zeros(1, 3, 1, 1), scale_factor=0.5)),
]


def main():
    with open(OUT, "w") as f:
        for kind, numbers, run in CASES:
            try:
                run()
                raise SystemExit(f"{kind}: PyTorch did not raise")
            except Exception:
                text = traceback.format_exc()
            f.write(json.dumps({"kind": kind, "text": text, "numbers": numbers}) + "\n")


if __name__ == "__main__":
    main()
