#!/usr/bin/python3
"""The built-in examples under examples/, checked against PyTorch (Debian's python3-torch / torchvision).

Writes examples/*.yaml / *.txt (the ResNets are generated here from torchvision's structure, the others are written
below), then for each: runs it in PyTorch (print(model) text as an nn.Sequential, YAML through oracle/yamlnet.py),
records every named tensor's shape, compares the parameter count and output with torchvision's own model where there
is one, and measures the receptive field of the trunk (the last spatial tensor) empirically: the gradient of the
central position (all channels) w.r.t. the input, weights positive, BatchNorm in eval, max pooling replaced by average
pooling of the same geometry, on an input large enough that the field keeps clear of the borders.
Writes tests/CnnShape.Tests/Oracle/examples.jsonl. Published fields it must reproduce (the measurement is checked
against them): AlexNet 195 (jump 32), VGG-16 212 (jump 32, start -90), ResNet-50 427 (jump 32, start -213).
"""
import json, os, warnings
import torch
import torch.nn as nn
import torchvision.models as tvm
from yamlnet import YamlNet, NS
from fields import positive, measure_at, clear_of_borders

warnings.filterwarnings("ignore")
torch.set_grad_enabled(True)
HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "examples")
OUT = os.path.join(HERE, "..", "tests", "CnnShape.Tests", "Oracle", "examples.jsonl")


def resnet_yaml(name, blocks, bottleneck):
    lines = [f"# torchvision {name}: {'bottleneck' if bottleneck else 'basic'} blocks {blocks}; the first block of each stage",
             "# downsamples (stride 2 and a 1x1 projection on the skip path); the others repeat with `_in` as their input.",
             "input: 1x3x224x224", "layers:",
             "  - conv1: Conv2d(3, 64, 7, stride=2, padding=3, bias=False)", "  - bn1: BatchNorm2d(64)", "  - relu: ReLU(inplace=True)",
             "  - maxpool: MaxPool2d(3, stride=2, padding=1)"]
    expansion = 4 if bottleneck else 1
    inplanes, prev = 64, "maxpool"
    for stage, (planes, count) in enumerate(zip([64, 128, 256, 512], blocks), start=1):
        stride = 1 if stage == 1 else 2
        out = planes * expansion

        def block(prefix, cin, s, source, skip):
            b = []
            if bottleneck:
                b += [f"{prefix}conv1: {{layer: \"Conv2d({cin}, {planes}, 1, bias=False)\", from: {source}}}", f"{prefix}bn1: BatchNorm2d({planes})", f"{prefix}relu1: ReLU(inplace=True)",
                      f"{prefix}conv2: Conv2d({planes}, {planes}, 3, stride={s}, padding=1, bias=False)", f"{prefix}bn2: BatchNorm2d({planes})", f"{prefix}relu2: ReLU(inplace=True)",
                      f"{prefix}conv3: Conv2d({planes}, {out}, 1, bias=False)", f"{prefix}bn3: BatchNorm2d({out})"]
                last = f"{prefix}bn3"
            else:
                b += [f"{prefix}conv1: {{layer: \"Conv2d({cin}, {planes}, 3, stride={s}, padding=1, bias=False)\", from: {source}}}", f"{prefix}bn1: BatchNorm2d({planes})", f"{prefix}relu1: ReLU(inplace=True)",
                      f"{prefix}conv2: Conv2d({planes}, {planes}, 3, padding=1, bias=False)", f"{prefix}bn2: BatchNorm2d({planes})"]
                last = f"{prefix}bn2"
            b += [f"{prefix}sum: {{add: [{last}, {skip}]}}", f"{prefix}out: ReLU(inplace=True)"]
            return b

        first = f"layer{stage}.0."
        if stride != 1 or inplanes != out:
            lines.append(f"  - {first}downsample.0: {{layer: \"Conv2d({inplanes}, {out}, 1, stride={stride}, bias=False)\", from: {prev}}}")
            lines.append(f"  - {first}downsample.1: BatchNorm2d({out})")
            skip = f"{first}downsample.1"
        else:
            skip = prev
        lines += ["  - " + l for l in block(first, inplanes, stride, prev, skip)]
        if count > 1:
            lines += [f"  - layer{stage}.more:", f"      from: {first}out", f"      repeat: {count - 1}", "      layers:"]
            lines += ["        - " + l for l in block("", out, 1, "_in", "_in")]
            prev = f"layer{stage}.more"
        else:
            prev = f"{first}out"
        inplanes = out
    lines += [f"  - avgpool: {{layer: \"AdaptiveAvgPool2d(1)\", from: {prev}}}", "  - flatten: Flatten()", f"  - fc: Linear({512 * expansion}, 1000)"]
    return "\n".join(lines) + "\n", prev


ALEXNET = """# torchvision alexnet: features, adaptive average pool, flatten, classifier
input: 1x3x224x224
layers:
  - features.0: Conv2d(3, 64, 11, stride=4, padding=2)
  - features.1: ReLU(inplace=True)
  - features.2: MaxPool2d(3, stride=2)
  - features.3: Conv2d(64, 192, 5, padding=2)
  - features.4: ReLU(inplace=True)
  - features.5: MaxPool2d(3, stride=2)
  - features.6: Conv2d(192, 384, 3, padding=1)
  - features.7: ReLU(inplace=True)
  - features.8: Conv2d(384, 256, 3, padding=1)
  - features.9: ReLU(inplace=True)
  - features.10: Conv2d(256, 256, 3, padding=1)
  - features.11: ReLU(inplace=True)
  - features.12: MaxPool2d(3, stride=2)
  - avgpool: AdaptiveAvgPool2d((6, 6))
  - flatten: Flatten()
  - classifier.0: Dropout(0.5)
  - classifier.1: Linear(9216, 4096)
  - classifier.2: ReLU(inplace=True)
  - classifier.3: Dropout(0.5)
  - classifier.4: Linear(4096, 4096)
  - classifier.5: ReLU(inplace=True)
  - classifier.6: Linear(4096, 1000)
"""

LENET5 = """# LeNet-5 (LeCun et al., 1998) with average pooling, one layer per line
input: 1x1x32x32
Conv2d(1, 6, 5)
Tanh()
AvgPool2d(2)
Conv2d(6, 16, 5)
Tanh()
AvgPool2d(2)
Flatten()
Linear(400, 120)
Tanh()
Linear(120, 84)
Tanh()
Linear(84, 10)
"""

UNET = """# A 4-level U-Net (Ronneberger et al., 2015) with padded convolutions: it accepts sizes divisible by 16
input: 1x1x128x128
layers:
  - enc1a: Conv2d(1, 16, 3, padding=1)
  - enc1b: ReLU()
  - enc1: Conv2d(16, 16, 3, padding=1)
  - down1: MaxPool2d(2)
  - enc2a: Conv2d(16, 32, 3, padding=1)
  - enc2b: ReLU()
  - enc2: Conv2d(32, 32, 3, padding=1)
  - down2: MaxPool2d(2)
  - enc3a: Conv2d(32, 64, 3, padding=1)
  - enc3b: ReLU()
  - enc3: Conv2d(64, 64, 3, padding=1)
  - down3: MaxPool2d(2)
  - enc4a: Conv2d(64, 128, 3, padding=1)
  - enc4b: ReLU()
  - enc4: Conv2d(128, 128, 3, padding=1)
  - down4: MaxPool2d(2)
  - bottom: Conv2d(128, 256, 3, padding=1)
  - up4: ConvTranspose2d(256, 128, 2, stride=2)
  - cat4: {cat: [up4, enc4]}
  - dec4: Conv2d(256, 128, 3, padding=1)
  - up3: ConvTranspose2d(128, 64, 2, stride=2)
  - cat3: {cat: [up3, enc3]}
  - dec3: Conv2d(128, 64, 3, padding=1)
  - up2: ConvTranspose2d(64, 32, 2, stride=2)
  - cat2: {cat: [up2, enc2]}
  - dec2: Conv2d(64, 32, 3, padding=1)
  - up1: ConvTranspose2d(32, 16, 2, stride=2)
  - cat1: {cat: [up1, enc1]}
  - dec1: Conv2d(32, 16, 3, padding=1)
  - head: Conv2d(16, 2, 1)
"""

C3D = """# A small 3-D convolutional net for video clips (C3D-style): N x C x frames x H x W
input: 1x3x16x112x112
layers:
  - conv1: Conv3d(3, 32, 3, padding=1)
  - relu1: ReLU()
  - pool1: MaxPool3d((1, 2, 2), stride=(1, 2, 2))
  - conv2: Conv3d(32, 64, 3, padding=1)
  - relu2: ReLU()
  - pool2: MaxPool3d(2, stride=2)
  - conv3: Conv3d(64, 128, 3, padding=1)
  - relu3: ReLU()
  - pool3: MaxPool3d(2, stride=2, ceil_mode=True)
  - gap: AdaptiveAvgPool3d(1)
  - flatten: Flatten()
  - fc: Linear(128, 101)
"""

AUDIO1D = """# A 1-D audio net on raw waveforms (M5-style, Dai et al., 2017), one layer per line
input: 1x1x16000
Conv1d(1, 32, 80, stride=4)
BatchNorm1d(32)
ReLU()
MaxPool1d(4)
Conv1d(32, 32, 3)
BatchNorm1d(32)
ReLU()
MaxPool1d(4)
Conv1d(32, 64, 3)
BatchNorm1d(64)
ReLU()
MaxPool1d(4)
Conv1d(64, 64, 3)
BatchNorm1d(64)
ReLU()
MaxPool1d(4)
AdaptiveAvgPool1d(1)
Flatten()
Linear(64, 35)
"""


def lines_to_yaml(text):
    """Layer lines → the YAML interpreter (names 0, 1, 2, … as cnnshape gives them)."""
    body = [l for l in text.splitlines() if l.strip() and not l.startswith("#")]
    shape = body[0].split(":", 1)[1].strip()
    return f"input: {shape}\nlayers:\n" + "".join(f"  - \"{i}\": {l}\n" for i, l in enumerate(body[1:]))


def measure(net, trunk, shape):
    m = measure_at(lambda x: net.forward_all(x)[trunk], shape)
    assert clear_of_borders(m), f"{trunk}: the field touches the border at {shape}"
    return {"tensor": trunk, "input": m["input"], "unit": m["unit"], "region": m["region"]}


def main():
    resnet18, trunk18 = resnet_yaml("resnet18", [2, 2, 2, 2], False)
    resnet50, trunk50 = resnet_yaml("resnet50", [3, 4, 6, 3], True)
    vgg16 = "# torchvision vgg16().features, as print(model.features) shows it\n" + str(tvm.vgg16().features) + "\n"
    examples = [
        ("lenet5.txt", LENET5, None, None, None, None),
        ("alexnet.yaml", ALEXNET, tvm.alexnet, "features.12", [1, 3, 451, 451], {"size": 195, "jump": 32}),
        ("vgg16.txt", vgg16, lambda: tvm.vgg16().features, "30", [1, 3, 449, 449], {"size": 212, "jump": 32, "start": -90}),
        ("resnet18.yaml", resnet18, tvm.resnet18, trunk18, [1, 3, 929, 929], {"size": 435, "jump": 32}),
        ("resnet50.yaml", resnet50, tvm.resnet50, trunk50, [1, 3, 929, 929], {"size": 427, "jump": 32, "start": -213}),
        ("unet.yaml", UNET, None, "enc4", [1, 1, 256, 256], None),
        ("c3d.yaml", C3D, None, "pool3", [1, 3, 33, 65, 65], None),
        ("audio1d.txt", AUDIO1D, None, "15", [1, 1, 4001], None),
    ]
    cases = []
    for file, text, reference, trunk, rf_shape, published in examples:
        with open(os.path.join(EXAMPLES, file), "w") as f:
            f.write(text)
        if file.endswith(".yaml"):
            yaml_text = text
        elif file == "vgg16.txt":
            yaml_text = None
        else:
            yaml_text = lines_to_yaml(text)
        if file == "vgg16.txt":
            model = tvm.vgg16().features.eval()
            x = torch.zeros(1, 3, 224, 224)
            shapes = {}
            with torch.no_grad():
                for name, module in model.named_children():
                    x = module(x)
                    shapes[name] = list(x.shape)
            params = sum(p.numel() for p in model.parameters())
            case = {"file": file, "input": [1, 3, 224, 224], "tensors": shapes, "params": params}
            if trunk:
                # a Sequential in YamlNet form, for the measurement
                yaml_text = "input: 1x3x224x224\nlayers:\n" + "".join(f"  - \"{n}\": {repr(m).replace(chr(10), '')}\n" for n, m in model.named_children())
        net = YamlNet(yaml_text).eval()
        shape = net.input_shape
        if file != "vgg16.txt":
            with torch.no_grad():
                t = net.forward_all(torch.zeros(*shape))
            params = sum(p.numel() for p in net.parameters())
            case = {"file": file, "input": shape, "tensors": {k: list(v.shape) for k, v in t.items() if k != "input"}, "params": params}
            if reference is not None:
                ref = reference().eval()
                with torch.no_grad():
                    out = ref(torch.zeros(*shape))
                ref_params = sum(p.numel() for p in ref.parameters())
                assert ref_params == params, f"{file}: {params} parameters, torchvision has {ref_params}"
                assert list(out.shape) == case["tensors"][net.outputs[0]], f"{file}: output differs from torchvision"
                case["torchvision_params"] = ref_params
        if trunk:
            rf = measure(positive(YamlNet(yaml_text)), trunk, rf_shape)
            size = rf["region"][0][1] - rf["region"][0][0] + 1
            if published:
                assert size == published["size"], f"{file}: measured {size}, published {published['size']}"
            case["rf"] = rf
        cases.append(case)
        print(file, "ok", case.get("rf", {}).get("region"))
    with open(OUT, "w") as f:
        for c in cases:
            f.write(json.dumps(c) + "\n")


if __name__ == "__main__":
    main()
