#!/usr/bin/python3
"""Oracle for `cnnshape pad`: brute force through PyTorch (Debian's python3-torch).

For each random (input N, kernel K, stride S, dilation D) and target M, PyTorch itself is run:
  * window: F.conv1d on the input padded by F.pad(x, (T // 2, T - T // 2)) for every total T from 0 to a bound that
    is past any total that could still give M (out grows with T), and Conv1d(padding=P) for every symmetric P;
    the expected answer is the smallest P and the smallest T that give exactly M, or "none";
  * transposed: ConvTranspose1d(padding=P, output_padding=OP) for every P up to the bound and every
    0 <= OP < max(S, D); the expected answer is the smallest P (with its OP) that gives M, or "none".
Writes tests/CnnShape.Tests/Oracle/pad.jsonl.
"""
import json, os, random, warnings
import torch
import torch.nn.functional as F

warnings.filterwarnings("ignore")
torch.set_grad_enabled(False)
rng = random.Random(5)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "CnnShape.Tests", "Oracle", "pad.jsonl")


def conv_out(n, k, s, d, before, after):
    x = F.pad(torch.zeros(1, 1, n), (before, after))
    try:
        return F.conv1d(x, torch.zeros(1, 1, k), stride=s, dilation=d).shape[-1]
    except RuntimeError:
        return None


def window_case(n, m, k, s, d):
    span = d * (k - 1) + 1
    bound = max(0, (m - 1) * s + span - n + s) + 2
    total = next((t for t in range(bound + 1) if conv_out(n, k, s, d, t // 2, t - t // 2) == m), None)
    sym = next((p for p in range(bound // 2 + 2) if conv_out(n, k, s, d, p, p) == m), None)
    case = {"input": n, "output": m, "kernel": k, "stride": s, "dilation": d, "transposed": False}
    if total is None:
        case["expected"] = "none"
    else:
        case["expected"] = {"symmetric": sym, "before": total // 2, "after": total - total // 2}
    return case


def transposed_case(n, m, k, s, d):
    top = (n - 1) * s + d * (k - 1) + 1
    bound = max(0, (top - m) // 2 + 2)
    answer = None
    for p in range(bound + 1):
        for op in range(max(s, d)):
            try:
                out = F.conv_transpose1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=s, padding=p, output_padding=op, dilation=d).shape[-1]
            except RuntimeError:
                continue
            if out == m:
                answer = {"padding": p, "output_padding": op}
                break
        if answer:
            break
    case = {"input": n, "output": m, "kernel": k, "stride": s, "dilation": d, "transposed": True}
    case["expected"] = answer or "none"
    return case


def main():
    cases = []
    for _ in range(700):
        n, k, s, d = rng.randint(1, 64), rng.randint(1, 7), rng.randint(1, 4), rng.choice([1, 1, 1, 2, 3])
        m = rng.choice([n, (n + s - 1) // s, max(1, n // s), rng.randint(1, 70)])
        cases.append(window_case(n, m, k, s, d))
    for _ in range(400):
        n, k, s, d = rng.randint(1, 32), rng.randint(1, 7), rng.randint(1, 4), rng.choice([1, 1, 1, 2, 3])
        m = rng.choice([n * s, n * s + 1, n * s - 1, rng.randint(1, 130)])
        cases.append(transposed_case(n, max(1, m), k, s, d))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        for c in cases:
            f.write(json.dumps(c) + "\n")
    none = sum(1 for c in cases if c["expected"] == "none")
    print(f"{len(cases)} cases, {none} with no padding that works")


if __name__ == "__main__":
    main()
