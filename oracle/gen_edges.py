#!/usr/bin/python3
"""Oracle for the edges the random generator rarely reaches: zero-size tensors, argument types as PyTorch checks them,
values PyTorch checks only when the layer runs, and arguments written as torch.Size.

Run by hand with Debian's python3-torch (1.13):  /usr/bin/python3 oracle/gen_edges.py
It writes tests/CnnShape.Tests/Oracle/edges.jsonl, one case per line, in the format of layers.jsonl (answered by the
same code, gen_layers.answer, so the 1.13-vs-current rules documented there apply here too) plus "id" and "topic".
Every expected value is what PyTorch returned or raised for that exact text and input.
"""
import json, os, sys, warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_layers  # noqa: E402  (the same builder, runner and 1.13-vs-current rules)

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "CnnShape.Tests", "Oracle", "edges.jsonl")

ZERO = [
    # empty batch, empty channels, empty spatial axes
    ("nn.Conv2d(2, 3, 3)", [0, 2, 5, 5]), ("nn.Conv2d(2, 3, 3)", [1, 2, 0, 5]), ("nn.Conv2d(2, 3, 3)", [2, 0, 5]),
    ("nn.Conv2d(0, 4, 3)", [1, 0, 5, 5]), ("nn.Conv2d(2, 0, 3)", [1, 2, 5, 5]), ("nn.Conv1d(2, 3, 3, padding_mode='reflect', padding=1)", [0, 2, 5]),
    ("nn.ConvTranspose2d(2, 3, 3)", [1, 2, 0, 5]), ("nn.ConvTranspose2d(2, 3, 3)", [0, 2, 4, 4]), ("nn.ConvTranspose1d(2, 3, 3)", [2, 0]),
    ("nn.ConvTranspose1d(2, 3, 3)", [1, 2, 0]), ("nn.ConvTranspose3d(1, 1, 2)", [1, 1, 0, 2, 2]),
    ("nn.BatchNorm2d(3)", [0, 3, 4, 4]), ("nn.BatchNorm2d(3)", [1, 3, 0, 4]), ("nn.BatchNorm1d(3)", [0, 3]), ("nn.BatchNorm1d(3)", [2, 3, 0]),
    ("nn.InstanceNorm2d(3)", [0, 3, 4, 4]), ("nn.InstanceNorm2d(3)", [1, 3, 0, 4]), ("nn.InstanceNorm1d(3)", [3, 0]),
    ("nn.InstanceNorm2d(3, affine=True)", [2, 3, 0, 0]),
    ("nn.AdaptiveAvgPool2d(2)", [0, 3, 4, 4]), ("nn.AdaptiveAvgPool2d(2)", [1, 3, 0, 4]), ("nn.AdaptiveAvgPool2d(2)", [1, 0, 4, 4]),
    ("nn.AdaptiveMaxPool2d(2)", [0, 3, 4, 4]), ("nn.AdaptiveMaxPool2d(2)", [1, 0, 4, 4]), ("nn.AdaptiveAvgPool1d(2)", [3, 0]),
    ("nn.AdaptiveAvgPool2d(0)", [1, 3, 4, 4]), ("nn.AdaptiveMaxPool1d(0)", [1, 3, 4]), ("nn.AdaptiveAvgPool3d(1)", [0, 2, 2, 2, 2]),
    ("nn.PixelUnshuffle(2)", [0, 3, 4, 4]), ("nn.PixelUnshuffle(2)", [1, 0, 4, 4]), ("nn.PixelUnshuffle(2)", [1, 3, 0, 4]),
    ("nn.PixelShuffle(2)", [1, 0, 4, 4]), ("nn.PixelShuffle(2)", [0, 4, 2, 2]), ("nn.PixelShuffle(2)", [1, 4, 0, 2]),
    ("nn.MaxPool2d(2)", [0, 3, 4, 4]), ("nn.AvgPool2d(2)", [0, 3, 4, 4]), ("nn.MaxPool1d(2)", [0, 3, 4]), ("nn.AvgPool3d(2)", [0, 1, 2, 2, 2]),
    ("nn.Upsample(scale_factor=2)", [0, 3, 4, 4]), ("nn.Upsample(scale_factor=2)", [1, 0, 4, 4]), ("nn.Upsample(size=3)", [1, 2, 0]),
    ("nn.Linear(4, 5)", [0, 4]), ("nn.Linear(0, 5)", [2, 0]), ("nn.Linear(4, 0)", [2, 4]), ("nn.Flatten()", [0, 3, 4]),
    ("nn.LayerNorm(4)", [0, 4]), ("nn.GroupNorm(1, 3)", [0, 3, 4]), ("nn.Softmax(dim=1)", [0, 3]), ("nn.LocalResponseNorm(2)", [0, 3, 4]),
    ("nn.ReflectionPad2d(1)", [0, 3, 4, 4]), ("nn.ReplicationPad2d(1)", [0, 3, 4, 4]), ("nn.ZeroPad2d(1)", [1, 3, 0, 0]),
    ("nn.ReflectionPad1d(1)", [1, 0, 4]), ("nn.ConstantPad1d(-1, 0.0)", [1, 2, 2]), ("nn.ConstantPad1d(-2, 0.0)", [1, 2, 2]),
    ("nn.Unflatten(1, (2, -1))", [1, 0]), ("nn.ChannelShuffle(2)", [0, 4, 2, 2]), ("nn.GLU()", [0, 4]), ("nn.PReLU(3)", [0, 3, 2]),
]

TYPES = [
    # PyTorch's argument parser is strict where a value reaches an ATen function; Python truthiness decides elsewhere
    ("nn.MaxPool2d(2, ceil_mode=1)", [1, 3, 8, 8]), ("nn.MaxPool2d(2, ceil_mode=0)", [1, 3, 8, 8]), ("nn.MaxPool2d(2, return_indices=1)", [1, 3, 8, 8]),
    ("nn.AvgPool2d(2, count_include_pad=0)", [1, 3, 8, 8]), ("nn.AvgPool2d(2, ceil_mode=1)", [1, 3, 8, 8]), ("nn.AvgPool1d(2, ceil_mode=1)", [1, 3, 8]),
    ("nn.MaxPool1d(2, ceil_mode=1)", [1, 3, 8]), ("nn.MaxPool3d(2, ceil_mode=1)", [1, 1, 4, 4, 4]),
    ("nn.Conv2d(3, 8, 3, bias=1)", [1, 3, 8, 8]), ("nn.Conv2d(3, 8, 3, bias=0)", [1, 3, 8, 8]), ("nn.Linear(4, 5, bias=0)", [2, 4]),
    ("nn.Conv2d(3, 8, True)", [1, 3, 8, 8]), ("nn.Conv2d(3, 8, 3, stride=True)", [1, 3, 8, 8]), ("nn.MaxPool2d(True)", [1, 3, 8, 8]),
    ("nn.Conv2d(3.0, 8, 3)", [1, 3, 8, 8]), ("nn.Conv2d(3, 8, 3.0)", [1, 3, 8, 8]), ("nn.MaxPool2d(2.0)", [1, 3, 8, 8]), ("nn.Linear(4.0, 5)", [2, 4]),
    ("nn.Dropout(p=1)", [2, 4]), ("nn.Dropout(p=0)", [2, 4]), ("nn.Upsample(scale_factor=2)", [1, 3, 4, 4]), ("nn.Upsample(size=(4.0, 4.0))", [1, 3, 2, 2]),
    ("nn.AdaptiveAvgPool2d(None)", [1, 3, 4, 4]), ("nn.AdaptiveAvgPool2d((None, 3))", [1, 3, 4, 4]), ("nn.AdaptiveAvgPool1d(None)", [1, 3, 4]),
    ("nn.AdaptiveMaxPool2d((2, None))", [1, 3, 4, 4]), ("nn.AdaptiveAvgPool2d(2.0)", [1, 3, 4, 4]),
    ("nn.ReLU(inplace=1)", [2, 3]), ("nn.LeakyReLU(1)", [2, 3]), ("nn.Flatten(1.0)", [2, 3, 4]), ("nn.Softmax(dim=1.0)", [2, 3]),
    ("nn.GroupNorm(1.0, 3)", [2, 3, 4]), ("nn.BatchNorm2d(3, affine=1)", [2, 3, 4, 4]), ("nn.BatchNorm2d(3.0)", [2, 3, 4, 4]),
    # one-element tuples for 2-D (and 3-D) arguments
    ("nn.MaxPool2d(kernel_size=(3,))", [1, 3, 8, 8]), ("nn.MaxPool2d(3, stride=(2,))", [1, 3, 8, 8]), ("nn.AvgPool2d((3,))", [1, 3, 8, 8]),
    ("nn.MaxPool2d(2, padding=(1,))", [1, 3, 8, 8]), ("nn.MaxPool2d(3, dilation=(2,))", [1, 3, 9, 9]), ("nn.AvgPool2d(3, stride=(2,))", [1, 3, 8, 8]),
    ("nn.AvgPool2d(3, padding=(1,))", [1, 3, 8, 8]), ("nn.MaxPool3d((2,))", [1, 1, 4, 4, 4]), ("nn.AvgPool3d((2,))", [1, 1, 4, 4, 4]),
    ("nn.Conv2d(3, 8, (3,))", [1, 3, 8, 8]), ("nn.Conv2d(3, 8, 3, stride=(2,))", [1, 3, 8, 8]), ("nn.Conv2d(3, 8, 3, padding=(1,))", [1, 3, 8, 8]),
    ("nn.Conv2d(3, 8, 3, dilation=(2,))", [1, 3, 8, 8]), ("nn.ConvTranspose2d(3, 8, (3,))", [1, 3, 4, 4]), ("nn.ConvTranspose2d(3, 8, 3, stride=(2,))", [1, 3, 4, 4]),
    ("nn.Upsample(scale_factor=(2.0,))", [1, 3, 4, 4]), ("nn.Upsample(size=(4,))", [1, 3, 2, 2]), ("nn.AdaptiveAvgPool2d((3,))", [1, 3, 8, 8]),
    ("nn.ZeroPad2d((1,))", [1, 3, 4, 4]), ("nn.ReflectionPad2d((1, 1))", [1, 3, 4, 4]),
    # empty tuples
    ("nn.MaxPool2d(2, stride=())", [1, 3, 8, 8]), ("nn.AvgPool2d(2, stride=())", [1, 3, 8, 8]), ("nn.Conv2d(3, 8, ())", [1, 3, 8, 8]),
    # names Python does not know
    ("nn.Conv2d(3, 8, 3, bias=false)", [1, 3, 8, 8]), ("nn.Upsample(scale_factor=2, mode=nearest)", [1, 3, 4, 4]),
]

RUNTIME = [
    ("nn.CELU(0)", [2, 3]), ("nn.CELU(alpha=0.0)", [2, 3]), ("nn.CELU(-1.0)", [2, 3]), ("nn.ELU(0.0)", [2, 3]),
    ("nn.RReLU(0.5, 0.1)", [2, 3]), ("nn.RReLU(0.1, 0.1)", [2, 3]), ("nn.RReLU(-1.0, 0.5)", [2, 3]),
    ("nn.Dropout2d(1.0)", [4]), ("nn.Dropout2d(0.5)", [4]), ("nn.Dropout2d(0.0)", [4]), ("nn.Dropout1d(0.5)", [4]), ("nn.Dropout3d(0.5)", [4]),
    ("nn.Dropout3d(0.5)", [2, 3]), ("nn.FeatureAlphaDropout(0.5)", [4]), ("nn.AlphaDropout(1.0)", [2, 3]), ("nn.Dropout2d(0.5)", [2, 3]),
    ("nn.PReLU()", [4]), ("nn.PReLU(4)", [4]), ("nn.PReLU(3)", [4]), ("nn.PReLU(4)", []), ("nn.PReLU(1)", []), ("nn.PReLU(3)", [2, 3]),
    ("nn.PReLU(2)", [3, 2]), ("nn.PReLU(0)", [2, 0]),
    ("nn.Hardtanh(1.0, 0.0)", [2, 3]), ("nn.Hardtanh(0.0, 0.0)", [2, 3]), ("nn.Softshrink(-1.0)", [2, 3]), ("nn.Hardshrink(-1.0)", [2, 3]),
    ("nn.Threshold(0.1, 20)", [2, 3]), ("nn.GELU(approximate='tanh')", [2, 3]), ("nn.GELU(approximate='fast')", [2, 3]),
    ("nn.LPPool2d(2, 3)", [1, 3, 2, 2]), ("nn.LPPool1d(2, 3)", [1, 3, 2]), ("nn.LPPool2d(0, 2)", [1, 3, 4, 4]), ("nn.LPPool2d(-1, 2)", [1, 3, 4, 4]),
    ("nn.Upsample(scale_factor=0.5)", [1, 3, 1, 1]), ("nn.Upsample(scale_factor=0.0)", [1, 3, 4, 4]), ("nn.Upsample(scale_factor=-2.0)", [1, 3, 4, 4]),
    ("nn.Softmax(dim=2)", [2, 3]), ("nn.Softmax(dim=-3)", [2, 3]), ("nn.LogSoftmax(dim=0)", []), ("nn.Softmax2d()", [3, 4]),
    ("nn.LocalResponseNorm(0)", [1, 3, 4]), ("nn.LocalResponseNorm(2)", [3, 4]), ("nn.GroupNorm(2, 4)", [1, 4]), ("nn.GroupNorm(2, 4)", [2, 4]),
    ("nn.LayerNorm([])", [2, 3]), ("nn.Dropout(p=1.5)", [2, 3]), ("nn.ChannelShuffle(0)", [1, 4, 2, 2]), ("nn.ChannelShuffle(3)", [1, 4, 2, 2]),
]

SIZE = [
    ("nn.LayerNorm(torch.Size([4]))", [2, 4]), ("nn.Unflatten(1, torch.Size([2, 3]))", [2, 6]), ("nn.Upsample(size=torch.Size([4, 4]))", [1, 3, 2, 2]),
    ("nn.AdaptiveAvgPool2d(torch.Size([2, 3]))", [1, 3, 8, 8]), ("nn.Unflatten(-1, torch.Size([2, 2]))", [3, 4]),
]


def main():
    cases = []
    for topic, items in [("zero-size", ZERO), ("argument-type", TYPES), ("run-time", RUNTIME), ("torch.Size", SIZE)]:
        for code, shape in items:
            case = gen_layers.answer(code, shape)
            case["topic"] = topic
            case["id"] = f"{topic}/{len(cases)}"
            cases.append(case)
    with open(OUT, "w") as f:
        for c in cases:
            f.write(json.dumps(c) + "\n")
    refused = sum(1 for c in cases if "error" in c)
    print(f"{len(cases)} edge cases, {refused} refused", file=sys.stderr)


if __name__ == "__main__":
    main()
