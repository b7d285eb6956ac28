#!/usr/bin/python3
"""Oracle for receptive fields through ONNX: the trunks (the convolutional part, up to the last feature map) of
torchvision models, exported without weights at an input large enough that the central unit's field keeps clear of
the borders, and that field measured in PyTorch (Debian's python3-torch) by fields.py, as gen_nets.py does.
Writes tests/CnnShape.Tests/Oracle/onnx/trunk_*.onnx and onnx_rf.jsonl.
"""
import io, json, os, warnings
import torch
import torch.nn as nn
import torchvision.models as tvm
from fields import positive, measure_at, clear_of_borders

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "CnnShape.Tests", "Oracle")


def resnet_trunk(m):
    return nn.Sequential(m.conv1, m.bn1, m.relu, m.maxpool, m.layer1, m.layer2, m.layer3, m.layer4)


def shufflenet_trunk(m):
    # its channel shuffle exports as Reshape → Transpose → Reshape, which regroups the channels of a 5-D tensor
    return nn.Sequential(m.conv1, m.maxpool, m.stage2, m.stage3, m.stage4, m.conv5)


TRUNKS = [
    ("alexnet", lambda: tvm.alexnet().features, 451),
    ("vgg11", lambda: tvm.vgg11().features, 401),
    ("resnet18", lambda: resnet_trunk(tvm.resnet18()), 929),
    ("mobilenet_v2", lambda: tvm.mobilenet_v2().features, 961),
    ("squeezenet1_0", lambda: tvm.squeezenet1_0().features, 449),
    ("shufflenet_v2_x0_5", lambda: shufflenet_trunk(tvm.shufflenet_v2_x0_5()), 1025),
]


def main():
    cases = []
    for name, make, size in TRUNKS:
        trunk = make().eval()
        shape = [1, 3, size, size]
        file = f"trunk_{name}_{size}.onnx"
        f = io.BytesIO()
        torch.onnx.export(trunk, torch.zeros(*shape), f, export_params=False, opset_version=13, input_names=["input"], output_names=["output"])
        with open(os.path.join(OUT, "onnx", file), "wb") as fh:
            fh.write(f.getvalue())
        m = measure_at(positive(trunk), shape)
        assert clear_of_borders(m), f"{name}: the field touches the border"
        region = m["region"]
        cases.append({"file": file, "input": shape, "output": m["output"], "unit": m["unit"], "region": region})
        print(file, region, "size", region[0][1] - region[0][0] + 1)
    with open(os.path.join(OUT, "onnx_rf.jsonl"), "w") as fh:
        for c in cases:
            fh.write(json.dumps(c) + "\n")


if __name__ == "__main__":
    main()
