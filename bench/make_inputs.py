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

# a layer batch whose requests are all different (no answer can be reused)
with open(os.path.join(out, "distinct.jsonl"), "w") as f:
    layers = ["nn.Conv2d(3, 16, 3, stride=2, padding=1)", "nn.MaxPool2d(3, stride=2, ceil_mode=True)",
              "nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1)", "nn.AvgPool2d(5, stride=3)", "nn.Conv2d(3, 8, 7, dilation=2)"]
    for i in range(400_000):
        layer = layers[i % len(layers)]
        c = 8 if "Transpose" in layer else 3
        f.write(json.dumps({"layer": layer, "input": [1 + i % 7, c, 1 + (i // 7) % 300, 1 + (i * 13) % 301]}) + "\n")
# a million-layer network
with open(os.path.join(out, "deep1000000.txt"), "w") as f:
    f.write("input: 1x16x64x64\n")
    for i in range(1_000_000):
        f.write(["Conv2d(16, 16, 3, padding=1)\n", "BatchNorm2d(16)\n", "ReLU()\n"][i % 3])
# an ONNX graph of 10,000 nodes (small 3x3 convolutions and ReLUs, weights included)
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto
nodes, inits = [], []
x = "input"
for i in range(10_000):
    if i % 2 == 0:
        w = f"w{i}"
        inits.append(numpy_helper.from_array(np.zeros((4, 4, 3, 3), dtype=np.float32), w))
        nodes.append(helper.make_node("Conv", [x, w], [f"t{i}"], pads=[1, 1, 1, 1]))
    else:
        nodes.append(helper.make_node("Relu", [x], [f"t{i}"]))
    x = f"t{i}"
graph = helper.make_graph(nodes, "deep", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 4, 32, 32])],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, None)], inits)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), os.path.join(out, "deep10000.onnx"))
# a 2,000-line model file: 109 block classes in one nn.Sequential
lines = ["import torch", "import torch.nn as nn", "import torch.nn.functional as F", "", ""]
classes = []
while len(lines) < 1960:
    i = len(classes)
    classes.append(f"Block{i}")
    lines += [
        f"class Block{i}(nn.Module):", f"    def __init__(self, channels, expand={2 + i % 3}):", "        super().__init__()",
        "        hidden = channels * expand", "        self.conv1 = nn.Conv2d(channels, hidden, kernel_size=1, bias=False)",
        "        self.bn1 = nn.BatchNorm2d(hidden)", "        self.conv2 = nn.Conv2d(hidden, hidden, kernel_size=3, padding=1, groups=hidden, bias=False)",
        "        self.bn2 = nn.BatchNorm2d(hidden)", "        self.conv3 = nn.Conv2d(hidden, channels, kernel_size=1, bias=False)",
        "        self.bn3 = nn.BatchNorm2d(channels)", "", "    def forward(self, x):", "        out = F.relu6(self.bn1(self.conv1(x)))",
        "        out = F.relu6(self.bn2(self.conv2(out)))", "        out = self.bn3(self.conv3(out))", "        return x + out", "", "",
    ]
lines += ["class Big(nn.Module):", "    def __init__(self, channels=16):", "        super().__init__()", "        self.stem = nn.Conv2d(3, channels, 3, padding=1)",
          "        self.blocks = nn.Sequential(" + ", ".join(f"{c}(channels)" for c in classes) + ")", "        self.head = nn.Linear(channels, 10)", "",
          "    def forward(self, x):", "        x = self.blocks(self.stem(x))", "        return self.head(x.mean((2, 3)))", ""]
with open(os.path.join(out, "big.py"), "w") as f:
    f.write("\n".join(lines))
# request bodies for the web load test
with open(os.path.join(out, "layer_request.json"), "w") as f:
    json.dump({"layer": "nn.Conv2d(64, 128, 3, stride=2, padding=1)", "input": [8, 64, 56, 56]}, f)
with open(os.path.join(out, "net_request.json"), "w") as f:
    json.dump({"text": open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "lenet5.txt")).read()}, f)
