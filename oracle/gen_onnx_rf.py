#!/usr/bin/python3
"""Oracle for receptive fields through ONNX: the trunks (the convolutional part, up to the last feature map) of
torchvision models, exported without weights at an input large enough that the central unit's field keeps clear of
the borders, and that field measured in PyTorch (Debian's python3-torch) as in gen_nets.py: the gradient of the
central output position (all channels) w.r.t. the input, weights positive, BatchNorm in eval, max pooling replaced by
average pooling of the same geometry, ReLU6 replaced by ReLU (it saturates, hiding gradients).
Writes tests/CnnShape.Tests/Oracle/onnx/trunk_*.onnx and onnx_rf.jsonl.
"""
import io, json, os, warnings
import torch
import torch.nn as nn
import torchvision.models as tvm

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "CnnShape.Tests", "Oracle")


def resnet_trunk(m):
    return nn.Sequential(m.conv1, m.bn1, m.relu, m.maxpool, m.layer1, m.layer2, m.layer3, m.layer4)


TRUNKS = [
    ("alexnet", lambda: tvm.alexnet().features, 451),
    ("vgg11", lambda: tvm.vgg11().features, 401),
    ("resnet18", lambda: resnet_trunk(tvm.resnet18()), 929),
    ("mobilenet_v2", lambda: tvm.mobilenet_v2().features, 961),
    ("squeezenet1_0", lambda: tvm.squeezenet1_0().features, 449),
]


def positive(model):
    for module in list(model.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, nn.ReLU6):
                # ReLU6 saturates on the large activations positive weights make, which would hide gradients
                setattr(module, name, nn.ReLU())
            if isinstance(child, nn.MaxPool2d):
                setattr(module, name, nn.AvgPool2d(child.kernel_size, child.stride, child.padding, ceil_mode=child.ceil_mode))
    for m in model.modules():
        if hasattr(m, "inplace"):
            m.inplace = False
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.rand_like(p) * 0.9 + 0.1)
    return model.eval()


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
        model = positive(trunk)
        x = (torch.rand(*shape) * 0.9 + 0.1).requires_grad_(True)
        y = model(x * 1.0)
        centre = tuple(s // 2 for s in y.shape[2:])
        y[(0, slice(None)) + centre].sum().backward()
        support = x.grad[0].abs().sum(0) > 0
        region = []
        for axis, other in ((0, 1), (1, 0)):
            idx = (support.float().sum(dim=other) > 0).nonzero().flatten()
            region.append([int(idx.min()), int(idx.max())])
            assert region[-1][0] > 0 and region[-1][1] < size - 1, f"{name}: the field touches the border"
        cases.append({"file": file, "input": shape, "output": list(y.shape), "unit": list(centre), "region": region})
        print(file, region, "size", region[0][1] - region[0][0] + 1)
    with open(os.path.join(OUT, "onnx_rf.jsonl"), "w") as fh:
        for c in cases:
            fh.write(json.dumps(c) + "\n")


if __name__ == "__main__":
    main()
