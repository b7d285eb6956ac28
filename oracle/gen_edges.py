#!/usr/bin/python3
"""Oracle for the edges the random generator rarely reaches: zero-size tensors, argument types as PyTorch checks them,
values PyTorch checks only when the layer runs, and arguments written as torch.Size; then three sweeps: every catalog
layer on every rank it takes (and one either side) with each dim set to 0 in turn (sweep-zero; sweep-eval again after
model.eval() for the layers whose mode matters), and every argument of every layer given a bool, a float, None, tuples of
0-4 values, a list, a string, a negative value and a torch.Size (sweep-args). Cases marked "mode": "eval" are answered
after model.eval().

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


# The wrong answers issue 23 lists, each as PyTorch answers it ("eval" ones after model.eval()).
ISSUE_23 = [
    ("nn.AdaptiveAvgPool2d(1)", [2, 8, 4, 7, 7]), ("nn.AdaptiveAvgPool2d(1)", [1, 3, 0, 4]), ("nn.AdaptiveAvgPool3d(1)", [2, 8, 4, 0, 7, 7]),
    ("nn.AdaptiveAvgPool2d((1, 1))", [8, 3]), ("nn.AdaptiveAvgPool2d(1)", [8, 3]), ("nn.AdaptiveAvgPool2d(1)", [8]),
    ("nn.AdaptiveAvgPool2d((1, None))", [2, 8, 4, 7, 1]), ("nn.Upsample(size=1, mode='area')", [2, 3, 0, 4]),
    ("nn.BatchNorm2d(2)", [2, 0, 5, 5]), ("nn.AdaptiveMaxPool1d(3)", [0, 5]), ("nn.AdaptiveAvgPool3d(2)", [2, 0, 5, 5, 5]),
    ("nn.ZeroPad2d(True)", [1, 1, 2, 2]), ("nn.Upsample(size=True)", [1, 1, 2]), ("nn.ZeroPad2d((1, True, 1, 1))", [1, 1, 2, 2]),
    ("nn.ConvTranspose1d(2, 3, 1)", [0, 2, 0]), ("nn.ConvTranspose2d(2, 3, 3, output_padding=2)", [0, 2, 4, 4]),
    ("nn.ConvTranspose1d(2, 3, 1, padding=1)", [0, 2, 1]),
]
ISSUE_23_EVAL = [("nn.BatchNorm1d(2)", [1, 2]), ("nn.Dropout2d()", [3]), ("nn.FeatureAlphaDropout()", [3]), ("nn.Dropout3d()", []), ("nn.Dropout1d()", [3])]


def sweep_layers():
    """Representative constructors of every catalog layer, with the spatial dims they take (0: any rank)."""
    specs = []
    for n in (1, 2, 3):
        specs += [(f"nn.Conv{n}d(2, 3, 3)", n), (f"nn.Conv{n}d(2, 3, 3, padding=1)", n), (f"nn.Conv{n}d(2, 3, 1)", n),
                  (f"nn.Conv{n}d(2, 3, 3, padding=1, padding_mode='reflect')", n), (f"nn.Conv{n}d(2, 3, 3, padding=1, padding_mode='replicate')", n),
                  (f"nn.Conv{n}d(2, 3, 3, padding=1, padding_mode='circular')", n), (f"nn.Conv{n}d(2, 4, 3, padding='same', groups=2)", n),
                  (f"nn.ConvTranspose{n}d(2, 3, 3)", n), (f"nn.ConvTranspose{n}d(2, 3, 1)", n), (f"nn.ConvTranspose{n}d(2, 3, 3, stride=2, padding=1)", n),
                  (f"nn.ConvTranspose{n}d(2, 3, 2, padding=1)", n), (f"nn.ConvTranspose{n}d(2, 3, 1, padding=1)", n),
                  (f"nn.MaxPool{n}d(2)", n), (f"nn.MaxPool{n}d(1)", n), (f"nn.MaxPool{n}d(2, ceil_mode=True)", n), (f"nn.MaxPool{n}d(3, stride=1, padding=1)", n),
                  (f"nn.MaxPool{n}d(2, return_indices=True)", n),
                  (f"nn.AvgPool{n}d(2)", n), (f"nn.AvgPool{n}d(1)", n), (f"nn.AvgPool{n}d(3, stride=1, padding=1)", n), (f"nn.AvgPool{n}d(2, ceil_mode=True)", n),
                  (f"nn.AdaptiveAvgPool{n}d(1)", n), (f"nn.AdaptiveAvgPool{n}d(2)", n), (f"nn.AdaptiveAvgPool{n}d(0)", n),
                  (f"nn.AdaptiveMaxPool{n}d(1)", n), (f"nn.AdaptiveMaxPool{n}d(2)", n), (f"nn.AdaptiveMaxPool{n}d(0)", n),
                  (f"nn.AdaptiveAvgPool{n}d({(1,) * n})", n), (f"nn.AdaptiveMaxPool{n}d({(1,) * n})", n),
                  (f"nn.ZeroPad{n}d(1)", n), (f"nn.ZeroPad{n}d(-1)", n), (f"nn.ConstantPad{n}d(1, 0.5)", n), (f"nn.ReflectionPad{n}d(1)", n), (f"nn.ReflectionPad{n}d(0)", n),
                  (f"nn.ReplicationPad{n}d(1)", n), (f"nn.ReplicationPad{n}d(0)", n), (f"nn.CircularPad{n}d(1)", n), (f"nn.CircularPad{n}d(0)", n),
                  (f"nn.BatchNorm{n}d(2)", n), (f"nn.BatchNorm{n}d(2, affine=False, track_running_stats=False)", n), (f"nn.InstanceNorm{n}d(2)", n),
                  (f"nn.InstanceNorm{n}d(2, affine=True)", n), (f"nn.InstanceNorm{n}d(2, track_running_stats=True)", n), (f"nn.Dropout{n}d()", n)]
        if n < 3:
            specs += [(f"nn.LPPool{n}d(2, 2)", n), (f"nn.LPPool{n}d(2, 1)", n)]
    specs += [("nn.AdaptiveAvgPool2d((1, None))", 2), ("nn.AdaptiveMaxPool2d((None, 1))", 2), ("nn.AdaptiveAvgPool3d((1, None, 1))", 3),
              ("nn.Upsample(scale_factor=2, mode='linear')", 1), ("nn.Upsample(size=3)", 1), ("nn.Upsample(scale_factor=2, mode='area')", 1), ("nn.Upsample(size=1, mode='area')", 1),
              ("nn.Upsample(scale_factor=2)", 2), ("nn.Upsample(size=3)", 2), ("nn.Upsample(scale_factor=2, mode='bilinear')", 2), ("nn.Upsample(size=3, mode='bicubic')", 2),
              ("nn.Upsample(scale_factor=0.5, mode='area')", 2), ("nn.Upsample(size=3, mode='area')", 2), ("nn.Upsample(size=1, mode='area')", 2),
              ("nn.Upsample(scale_factor=2, mode='nearest-exact')", 2), ("nn.UpsamplingNearest2d(scale_factor=2)", 2), ("nn.UpsamplingBilinear2d(scale_factor=2)", 2),
              ("nn.Upsample(scale_factor=2, mode='trilinear')", 3), ("nn.Upsample(size=3)", 3), ("nn.Upsample(size=3, mode='area')", 3), ("nn.Upsample(size=1, mode='area')", 3),
              ("nn.PixelShuffle(2)", 2), ("nn.PixelShuffle(1)", 2), ("nn.PixelUnshuffle(2)", 2), ("nn.PixelUnshuffle(1)", 2), ("nn.ChannelShuffle(2)", 2),
              ("nn.ChannelShuffle(1)", 2), ("nn.Softmax2d()", 2), ("nn.LocalResponseNorm(2)", 2), ("nn.GroupNorm(2, 2)", 2), ("nn.GroupNorm(1, 2)", 2)]
    specs += [(code, 0) for code in [
        "nn.Flatten()", "nn.Flatten(0)", "nn.Flatten(0, -1)", "nn.Unflatten(1, (2, -1))", "nn.Unflatten(-1, (2, 2))", "nn.Linear(2, 3)", "nn.Linear(0, 3)",
        "nn.Identity()", "nn.LayerNorm(2)", "nn.LayerNorm((2, 2))", "nn.LayerNorm(2, elementwise_affine=False)", "nn.Dropout()", "nn.AlphaDropout()",
        "nn.FeatureAlphaDropout()", "nn.ReLU()", "nn.PReLU()", "nn.PReLU(2)", "nn.Softmax(dim=1)", "nn.Softmax(dim=-1)", "nn.LogSoftmax(dim=0)",
        "nn.Softmin(dim=1)", "nn.GLU()", "nn.GLU(dim=0)", "nn.RReLU()", "nn.CELU()", "nn.GELU()", "nn.Hardtanh()", "nn.Softplus()",
        "nn.Threshold(0.1, 2.0)", "nn.Tanh()", "nn.LocalResponseNorm(2)", "nn.GroupNorm(2, 2)", "nn.Softmax()", "nn.BatchNorm1d(2)", "nn.InstanceNorm1d(2)"]]
    return specs


def zero_shapes(n):
    """Ranks n .. n+3 (unbatched is n+1, batched n+2) of 2s; then each dim set to 0 in turn; then batch and last both 0;
    then all 1s (one value per channel) and all 1s but an empty dim 1."""
    shapes = []
    for rank in range(n, n + 4):
        base = [2] * rank
        shapes.append(base)
        for i in range(rank):
            shapes.append(base[:i] + [0] + base[i + 1:])
        if rank >= 2:
            shapes.append([0] + base[1:-1] + [0])
        if rank >= 1:
            shapes.append([1] * rank)
        if rank >= 2:
            shapes.append([1, 0] + [1] * (rank - 2))
    return shapes + ([[2] * 5] if n == 0 else [])


# Every argument of every layer given each of these (PyTorch's argument parser, torch.empty and Python each decide)
ARG_VALUES = ["True", "False", "0", "1", "-1", "2.0", "0.5", "None", "()", "(2,)", "(2, 2)", "(2, 2, 2)", "(2, 2, 2, 2)", "[2, 2]", "(True, 2)",
              "(2, True)", "(2.0, 2)", "(None, 2)", "'same'", "(-1, 2)", "torch.Size([2, 2])"]


def arg_layers():
    """(class, [(argument, its usual value)], a batched input it runs on)."""
    out = []
    for n in (1, 2, 3):
        sp = [6] * n
        x = [2, 2] + sp
        out += [(f"Conv{n}d", [("in_channels", "2"), ("out_channels", "4"), ("kernel_size", "3"), ("stride", "1"), ("padding", "1"), ("dilation", "1"), ("groups", "1"), ("bias", "True"), ("padding_mode", "'zeros'")], x),
                (f"ConvTranspose{n}d", [("in_channels", "2"), ("out_channels", "4"), ("kernel_size", "3"), ("stride", "2"), ("padding", "1"), ("output_padding", "1"), ("groups", "1"), ("bias", "True"), ("dilation", "1")], x),
                (f"MaxPool{n}d", [("kernel_size", "2"), ("stride", "2"), ("padding", "1"), ("dilation", "1"), ("return_indices", "False"), ("ceil_mode", "False")], x),
                (f"AvgPool{n}d", [("kernel_size", "2"), ("stride", "2"), ("padding", "1"), ("ceil_mode", "False"), ("count_include_pad", "True")] + ([("divisor_override", "None")] if n > 1 else []), x),
                (f"AdaptiveAvgPool{n}d", [("output_size", "2")], x), (f"AdaptiveMaxPool{n}d", [("output_size", "2"), ("return_indices", "False")], x),
                (f"ZeroPad{n}d", [("padding", "1")], x), (f"ConstantPad{n}d", [("padding", "1"), ("value", "0.5")], x),
                (f"ReflectionPad{n}d", [("padding", "1")], x), (f"ReplicationPad{n}d", [("padding", "1")], x), (f"CircularPad{n}d", [("padding", "1")], x),
                (f"BatchNorm{n}d", [("num_features", "2"), ("eps", "1e-05"), ("momentum", "0.1"), ("affine", "True"), ("track_running_stats", "True")], x),
                (f"InstanceNorm{n}d", [("num_features", "2"), ("eps", "1e-05"), ("momentum", "0.1"), ("affine", "False"), ("track_running_stats", "False")], x),
                (f"Dropout{n}d", [("p", "0.5"), ("inplace", "False")], x)]
        if n < 3:
            out.append((f"LPPool{n}d", [("norm_type", "2"), ("kernel_size", "2"), ("stride", "2"), ("ceil_mode", "False")], x))
    out += [("Upsample", [("size", "None"), ("scale_factor", "2"), ("mode", "'nearest'"), ("align_corners", "None"), ("recompute_scale_factor", "None")], [2, 2, 6, 6]),
            ("Upsample", [("size", "3"), ("scale_factor", "None"), ("mode", "'bilinear'"), ("align_corners", "False")], [2, 2, 6, 6]),
            ("UpsamplingNearest2d", [("size", "None"), ("scale_factor", "2")], [2, 2, 6, 6]), ("UpsamplingBilinear2d", [("size", "3"), ("scale_factor", "None")], [2, 2, 6, 6]),
            ("PixelShuffle", [("upscale_factor", "2")], [2, 8, 6, 6]), ("PixelUnshuffle", [("downscale_factor", "2")], [2, 2, 6, 6]), ("ChannelShuffle", [("groups", "2")], [2, 4, 6, 6]),
            ("Flatten", [("start_dim", "1"), ("end_dim", "-1")], [2, 2, 6, 6]), ("Unflatten", [("dim", "1"), ("unflattened_size", "(2, 2)")], [2, 4, 6]),
            ("Linear", [("in_features", "2"), ("out_features", "3"), ("bias", "True")], [2, 2]),
            ("Dropout", [("p", "0.5"), ("inplace", "False")], [2, 2]), ("AlphaDropout", [("p", "0.5")], [2, 2]), ("FeatureAlphaDropout", [("p", "0.5")], [2, 2, 6]),
            ("GroupNorm", [("num_groups", "2"), ("num_channels", "2"), ("eps", "1e-05"), ("affine", "True")], [2, 2, 6]),
            ("LayerNorm", [("normalized_shape", "2"), ("eps", "1e-05"), ("elementwise_affine", "True")], [2, 6, 2]),
            ("LocalResponseNorm", [("size", "2"), ("alpha", "0.0001"), ("beta", "0.75"), ("k", "1.0")], [2, 2, 6]),
            ("ReLU", [("inplace", "False")], [2, 2]), ("LeakyReLU", [("negative_slope", "0.01"), ("inplace", "False")], [2, 2]), ("ELU", [("alpha", "1.0")], [2, 2]),
            ("CELU", [("alpha", "1.0")], [2, 2]), ("GELU", [("approximate", "'none'")], [2, 2]), ("Softplus", [("beta", "1.0"), ("threshold", "20.0")], [2, 2]),
            ("Hardtanh", [("min_val", "-1.0"), ("max_val", "1.0")], [2, 2]), ("Hardshrink", [("lambd", "0.5")], [2, 2]), ("Softshrink", [("lambd", "0.5")], [2, 2]),
            ("Threshold", [("threshold", "0.1"), ("value", "2.0")], [2, 2]), ("RReLU", [("lower", "0.1"), ("upper", "0.3")], [2, 2]),
            ("PReLU", [("num_parameters", "2"), ("init", "0.25")], [2, 2]), ("Softmax", [("dim", "1")], [2, 2]), ("LogSoftmax", [("dim", "1")], [2, 2]),
            ("Softmin", [("dim", "1")], [2, 2]), ("GLU", [("dim", "-1")], [2, 2])]
    return out


# layers whose answer depends on the mode: swept again after model.eval()
EVAL_CLASSES = ("BatchNorm", "InstanceNorm", "Dropout", "AlphaDropout", "FeatureAlphaDropout", "RReLU")


def sweeps():
    """(topic, code, shape, eval): every sweep layer on each zero shape of its ranks (and in eval mode where that matters);
    every argument of every layer given each ARG_VALUES entry."""
    for code, n in sweep_layers():
        for shape in zero_shapes(n):
            yield "sweep-zero", code, shape, False
            if any(c in code for c in EVAL_CLASSES):
                yield "sweep-eval", code, shape, True
    for name, args, shape in arg_layers():
        for varied, _ in args:
            for value in ARG_VALUES:
                parts = [f"{a}={value if a == varied else usual}" for a, usual in args]
                yield "sweep-args", f"nn.{name}({', '.join(parts)})", shape, value.startswith("'")


def main():
    cases = []
    for topic, items in [("zero-size", ZERO), ("argument-type", TYPES), ("run-time", RUNTIME), ("torch.Size", SIZE), ("issue-23", ISSUE_23)]:
        for code, shape in items:
            case = gen_layers.answer(code, shape)
            case["topic"] = topic
            case["id"] = f"{topic}/{len(cases)}"
            cases.append(case)
    for code, shape in ISSUE_23_EVAL:
        case = gen_layers.answer(code, shape, eval_mode=True)
        case["topic"] = "issue-23"
        case["id"] = f"issue-23/{len(cases)}"
        cases.append(case)
    seen = set()
    for topic, code, shape, flag in sweeps():
        eval_mode = flag and topic == "sweep-eval"
        if (code, tuple(shape), eval_mode) in seen:
            continue
        seen.add((code, tuple(shape), eval_mode))
        case = gen_layers.answer(code, shape, eval_mode=eval_mode)
        if topic == "sweep-args" and flag:
            # a string printed for a flag (affine=same) is a bare word cnnshape refuses by design (Arguments.Bool): the
            # printed form is checked only where it is unambiguous
            case["repr"] = None
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
