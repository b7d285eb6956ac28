#!/usr/bin/python3
"""Generates the benchmark inputs in a scratch folder (never committed): ONNX models with their weights (VGG-16,
about 528 MB; ResNet-50, about 100 MB), a layer batch and deep synthetic networks."""
import io, json, os, random, sys, warnings
import torch
import torchvision.models as tvm

warnings.filterwarnings("ignore")
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, make in [("vgg16", tvm.vgg16), ("resnet50", tvm.resnet50)]:
    path = os.path.join(out, f"{name}.onnx")
    if not os.path.exists(path):
        torch.onnx.export(make().eval(), torch.zeros(1, 3, 224, 224), path, export_params=True, opset_version=13)
oracle = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "CnnShape.Tests", "Oracle", "layers.jsonl")
cases = [json.loads(l) for l in open(oracle)]
rng = random.Random(1)
with open(os.path.join(out, "layers.jsonl"), "w") as f:
    for _ in range(400_000):
        c = rng.choice(cases)
        f.write(json.dumps({"layer": c["layer"], "input": c["input"]}) + "\n")
for n in (1_000, 10_000, 100_000):
    with open(os.path.join(out, f"deep{n}.txt"), "w") as f:
        f.write("input: 1x16x64x64\n")
        for i in range(n):
            f.write(["Conv2d(16, 16, 3, padding=1)\n", "BatchNorm2d(16)\n", "ReLU()\n"][i % 3])
