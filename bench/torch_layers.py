#!/usr/bin/python3
"""Peer for the layer benchmark: PyTorch shape capture on meta tensors (no data), the way a tool asks PyTorch for a
layer's output shape. Reads the same JSON lines as `cnnshape layer --batch`; prints layers per second."""
import json, sys, time, warnings
import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
NS = {"nn": nn, "torch": torch}
NS.update({k: getattr(nn, k) for k in dir(nn) if k[:1].isupper()})
cases = [json.loads(l) for l in open(sys.argv[1])][: int(sys.argv[2])]
start = time.perf_counter()
for c in cases:
    try:
        m = eval(c["layer"], dict(NS)).to("meta")
        m(torch.empty(*c["input"], device="meta"))
    except Exception:
        pass
elapsed = time.perf_counter() - start
print(f"{len(cases) / elapsed:.0f}")
