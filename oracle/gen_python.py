#!/usr/bin/python3
"""Oracle for the Python source reader: model classes written the ways people write them, run in PyTorch.

Run by hand with Debian's python3-torch (1.13) and python3-torchvision (0.14), from the repository root:
    /usr/bin/python3 oracle/gen_python.py
It writes each generated model as tests/CnnShape.Tests/Oracle/python/NNN_kind.py and one JSON line per model run to
tests/CnnShape.Tests/Oracle/python.jsonl:
  {"id", "file": path from the repository root, or "torchvision:<file>" for a model file of the installed torchvision,
   "class", "args", "input", "eval", "calls": [[qualified name, output shape], …] for every call of a leaf module in
   execution order (forward hooks), "params": sum of p.numel() over model.parameters(), "outputs": the shapes the
   forward returns, "error": null or {"line": the line of the model file where PyTorch raised (the innermost frame in
   that file), "type", "message"},
   "fixes": for a generated model PyTorch refuses, every fix cnnshape offers (./cnnshape net … --json) as
   [{"why", "edits", "input"?, "output": what cnnshape claims, "pytorch": the output PyTorch gives for the edited
   file (edits applied as they say), or "error: …"}]}
A share of the generated models is broken (a head sized for another input, a missing downsample, a view after a
transpose, a U-Net on an odd size, a wrong channel count…). The tests require cnnshape to agree with every call, the
parameter count and the outputs, and to place every failure on PyTorch's line.
"""
import importlib.util, json, os, random, subprocess, sys, tempfile, textwrap, traceback, warnings
import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
rng = random.Random(20261129)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DIR = os.path.join(ROOT, "tests", "CnnShape.Tests", "Oracle", "python")
OUT = os.path.join(ROOT, "tests", "CnnShape.Tests", "Oracle", "python.jsonl")
TORCHVISION = "/usr/lib/python3/dist-packages/torchvision/models"

HEADER = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n\n"


def apply(lines, edits):
    """The file's lines with cnnshape's edits: {"line", "text"} replaces a line, {"after", "text"} inserts one."""
    result = []
    for i in range(len(lines) + 1):
        if i > 0:
            replaced = [e for e in edits if e.get("line") == i]
            result.append(replaced[-1]["text"] if replaced else lines[i - 1])
        result.extend(e["text"] for e in edits if e.get("after") == i)
    return result


def check_fixes(path, cls, args, shape, evaluate):
    """Runs ./cnnshape on the file, applies each fix it offers and runs the edited file in PyTorch."""
    cmd = [os.path.join(ROOT, "cnnshape"), "net", path, "--input", "x".join(map(str, shape)), "--json", "--class", cls]
    if args:
        cmd += ["--args", args]
    if evaluate:
        cmd.append("--eval")
    answer = json.loads(subprocess.run(cmd, capture_output=True, text=True).stdout)
    lines = open(path).read().split("\n")
    fixes = []
    for k, fix in enumerate(answer.get("fixes", [])):
        edited = "\n".join(apply(lines, fix["edits"]))
        with tempfile.TemporaryDirectory() as tmp:
            fixed = os.path.join(tmp, os.path.basename(path))
            with open(fixed, "w") as f:
                f.write(edited)
            rec = run(fixed, f"fixed_{k}_{os.path.basename(path)[:-3]}", cls, args, fix.get("input", shape), evaluate)
        outcome = rec["outputs"][0] if rec["error"] is None and rec["outputs"] else "error: " + (rec["error"] or {}).get("message", "no output")
        fixes.append({"why": fix["why"], "edits": fix["edits"], **({"input": fix["input"]} if "input" in fix else {}), "output": fix["output"], "pytorch": outcome})
    return fixes


def shape_of(out):
    while isinstance(out, (tuple, list)):
        out = out[0]
    return list(out.shape) if torch.is_tensor(out) else None


def run(path, module_name, cls, args, shape, evaluate):
    """Builds the model as the file does, hooks every leaf module, runs it once."""
    if module_name.startswith("torchvision."):
        mod = importlib.import_module(module_name)
    else:
        spec = importlib.util.spec_from_file_location(module_name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = mod
        spec.loader.exec_module(mod)
    maker = getattr(mod, cls)
    model = eval(f"maker({args or ''})", vars(mod), {"maker": maker})
    if evaluate:
        model.eval()
    calls = []
    for name, m in model.named_modules():
        if len(list(m.children())) == 0:
            m.register_forward_hook(lambda mod_, inp, out, name=name: calls.append([name, shape_of(out)]))
    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    record = {"calls": calls, "params": params, "trainable": trainable, "outputs": [], "error": None}
    try:
        with torch.no_grad():
            out = model(torch.randn(*shape))
        outs = out if isinstance(out, (tuple, list)) else [out]
        record["outputs"] = [list(o.shape) for o in outs if torch.is_tensor(o)]
    except Exception as e:  # noqa: BLE001 - every refusal is recorded with its line
        frames = [f for f in traceback.extract_tb(e.__traceback__) if os.path.abspath(f.filename) == os.path.abspath(path)]
        record["error"] = {"line": frames[-1].lineno if frames else None, "type": type(e).__name__, "message": str(e).split("\n")[0]}
    return record


# ---- generated models

def lenet(i):
    c1, c2, k = rng.choice([6, 8, 16]), rng.choice([16, 32]), rng.choice([3, 5])
    size = rng.choice([28, 32, 64])
    after = ((size - k + 1) // 2 - k + 1) // 2
    built = rng.choice([size, size, 32 if size != 32 else 28])  # the size the head was built for
    built_after = ((built - k + 1) // 2 - k + 1) // 2
    flat = rng.choice(["view", "view_size", "flatten", "torch_flatten"])
    flatten = {
        "view": f"x = x.view(-1, {c2} * {built_after} * {built_after})",
        "view_size": "x = x.view(x.size(0), -1)",
        "flatten": "x = torch.flatten(x, 1)",
        "torch_flatten": "x = x.flatten(1)",
    }[flat]
    src = HEADER + textwrap.dedent(f"""\
        class Net(nn.Module):
            def __init__(self, num_classes=10):
                super(Net, self).__init__()
                self.conv1 = nn.Conv2d(3, {c1}, {k})
                self.pool = nn.MaxPool2d(2, 2)
                self.conv2 = nn.Conv2d({c1}, {c2}, {k})
                self.fc1 = nn.Linear({c2} * {built_after} * {built_after}, 120)
                self.fc2 = nn.Linear(120, 84)
                self.fc3 = nn.Linear(84, num_classes)

            def forward(self, x):
                x = self.pool(F.relu(self.conv1(x)))
                x = self.pool(F.relu(self.conv2(x)))
                {flatten}
                x = F.relu(self.fc1(x))
                x = F.relu(self.fc2(x))
                x = self.fc3(x)
                return x
        """)
    return src, "Net", rng.choice([None, "num_classes=100"]), [rng.choice([1, 2, 4]), 3, size, size], False


def features_classifier(i):
    widths = [rng.choice([16, 32, 64]) for _ in range(rng.randint(2, 4))]
    size = rng.choice([32, 48, 64, 96])
    pool_out = rng.choice([None, 1, 2, 3])
    layers = []
    c = 3
    for w in widths:
        layers.append(f"nn.Conv2d({c}, {w}, kernel_size=3, padding=1)")
        layers.append(rng.choice(["nn.BatchNorm2d({w})".format(w=w), "nn.ReLU(inplace=True)"]))
        layers.append(rng.choice(["nn.MaxPool2d(2)", "nn.MaxPool2d(kernel_size=3, stride=2, padding=1)", "nn.AvgPool2d(2)"]))
        c = w
    s = size
    for layer in layers:
        if layer.startswith("nn.MaxPool2d(2)") or layer.startswith("nn.AvgPool2d(2)"):
            s //= 2
        elif layer.startswith("nn.MaxPool2d(kernel_size=3"):
            s = (s + 2 - 3) // 2 + 1
    spatial = pool_out or s
    if rng.random() < 0.25:
        spatial += 1  # a head sized for another input
    pool = f"        self.avgpool = nn.AdaptiveAvgPool2d(({pool_out}, {pool_out}))\n" if pool_out else ""
    call_pool = "        x = self.avgpool(x)\n" if pool_out else ""
    flat = rng.choice(["x = torch.flatten(x, 1)", "x = x.view(x.size(0), -1)", "x = x.reshape(x.shape[0], -1)"])
    body = ",\n            ".join(layers)
    src = HEADER + f"""class Features(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            {body}
        )
{pool}        self.classifier = nn.Sequential(
            nn.Dropout(0.5),
            nn.Linear({c} * {spatial} * {spatial}, 128),
            nn.ReLU(True),
            nn.Linear(128, num_classes),
        )

    def forward(self, x):
        x = self.features(x)
{call_pool}        {flat}
        x = self.classifier(x)
        return x
"""
    return src, "Features", None, [2, 3, size, size], rng.random() < 0.3


def resnet(i):
    block = rng.choice(["basic", "bottleneck"])
    broken = rng.random() < 0.25
    src = HEADER + textwrap.dedent(f"""\
        def conv3x3(in_planes, out_planes, stride=1):
            return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


        class BasicBlock(nn.Module):
            expansion = 1

            def __init__(self, inplanes, planes, stride=1, downsample=None):
                super().__init__()
                self.conv1 = conv3x3(inplanes, planes, stride)
                self.bn1 = nn.BatchNorm2d(planes)
                self.relu = nn.ReLU(inplace=True)
                self.conv2 = conv3x3(planes, planes)
                self.bn2 = nn.BatchNorm2d(planes)
                self.downsample = downsample

            def forward(self, x):
                identity = x
                out = self.relu(self.bn1(self.conv1(x)))
                out = self.bn2(self.conv2(out))
                if self.downsample is not None:
                    identity = self.downsample(x)
                out += identity
                return self.relu(out)


        class Bottleneck(nn.Module):
            expansion = 4

            def __init__(self, inplanes, planes, stride=1, downsample=None):
                super().__init__()
                self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
                self.bn1 = nn.BatchNorm2d(planes)
                self.conv2 = conv3x3(planes, planes, stride)
                self.bn2 = nn.BatchNorm2d(planes)
                self.conv3 = nn.Conv2d(planes, planes * self.expansion, 1, bias=False)
                self.bn3 = nn.BatchNorm2d(planes * self.expansion)
                self.relu = nn.ReLU(inplace=True)
                self.downsample = downsample

            def forward(self, x):
                identity = x
                out = self.relu(self.bn1(self.conv1(x)))
                out = self.relu(self.bn2(self.conv2(out)))
                out = self.bn3(self.conv3(out))
                if self.downsample is not None:
                    identity = self.downsample(x)
                out = out + identity
                out = self.relu(out)
                return out


        class ResNet(nn.Module):
            def __init__(self, block, layers, num_classes=10, width=16):
                super().__init__()
                self.inplanes = width
                self.conv1 = nn.Conv2d(3, width, kernel_size=3, stride=1, padding=1, bias=False)
                self.bn1 = nn.BatchNorm2d(width)
                self.relu = nn.ReLU(inplace=True)
                self.layer1 = self._make_layer(block, width, layers[0])
                self.layer2 = self._make_layer(block, width * 2, layers[1], stride=2)
                self.layer3 = self._make_layer(block, width * 4, layers[2], stride=2)
                self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
                self.fc = nn.Linear(width * 4 * block.expansion, num_classes)
                for m in self.modules():
                    if isinstance(m, nn.Conv2d):
                        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                        nn.init.constant_(m.weight, 1)
                        nn.init.constant_(m.bias, 0)

            def _make_layer(self, block, planes, blocks, stride=1):
                downsample = None
                if {"False" if broken else "stride != 1 or self.inplanes != planes * block.expansion"}:
                    downsample = nn.Sequential(
                        nn.Conv2d(self.inplanes, planes * block.expansion, kernel_size=1, stride=stride, bias=False),
                        nn.BatchNorm2d(planes * block.expansion),
                    )
                layers = []
                layers.append(block(self.inplanes, planes, stride, downsample))
                self.inplanes = planes * block.expansion
                for _ in range(1, blocks):
                    layers.append(block(self.inplanes, planes))
                return nn.Sequential(*layers)

            def forward(self, x):
                x = self.relu(self.bn1(self.conv1(x)))
                x = self.layer1(x)
                x = self.layer2(x)
                x = self.layer3(x)
                x = self.avgpool(x)
                x = torch.flatten(x, 1)
                x = self.fc(x)
                return x
        """)
    depth = [rng.randint(1, 2) for _ in range(3)]
    b = "BasicBlock" if block == "basic" else "Bottleneck"
    return src, "ResNet", f"{b}, {depth}, width={rng.choice([8, 16])}", [2, 3, rng.choice([32, 40, 64]), rng.choice([32, 48])], False


def unet(i):
    up = rng.choice(["interpolate", "transposed"])
    size = rng.choice([64, 96, 128, 100, 72]) if rng.random() < 0.8 else rng.choice([70, 98])
    base = rng.choice([8, 16])
    up_def = ("self.up{n} = nn.ConvTranspose2d({cin}, {cout}, kernel_size=2, stride=2)" if up == "transposed" else "self.up{n} = nn.Conv2d({cin}, {cout}, kernel_size=1)")
    up_call = ("x = self.up{n}(x)" if up == "transposed" else "x = self.up{n}(F.interpolate(x, scale_factor=2, mode='nearest'))")
    src = HEADER + textwrap.dedent(f"""\
        class DoubleConv(nn.Module):
            def __init__(self, in_channels, out_channels):
                super().__init__()
                self.block = nn.Sequential(
                    nn.Conv2d(in_channels, out_channels, 3, padding=1),
                    nn.BatchNorm2d(out_channels),
                    nn.ReLU(inplace=True),
                    nn.Conv2d(out_channels, out_channels, 3, padding=1),
                    nn.ReLU(inplace=True),
                )

            def forward(self, x):
                return self.block(x)


        class UNet(nn.Module):
            def __init__(self, in_channels=3, classes=2, base={base}):
                super().__init__()
                self.enc1 = DoubleConv(in_channels, base)
                self.enc2 = DoubleConv(base, base * 2)
                self.enc3 = DoubleConv(base * 2, base * 4)
                self.pool = nn.MaxPool2d(2)
                {up_def.format(n=2, cin="base * 4", cout="base * 2")}
                self.dec2 = DoubleConv(base * 4, base * 2)
                {up_def.format(n=1, cin="base * 2", cout="base")}
                self.dec1 = DoubleConv(base * 2, base)
                self.head = nn.Conv2d(base, classes, kernel_size=1)

            def forward(self, x):
                e1 = self.enc1(x)
                e2 = self.enc2(self.pool(e1))
                x = self.enc3(self.pool(e2))
                {up_call.format(n=2)}
                x = torch.cat([x, e2], dim=1)
                x = self.dec2(x)
                {up_call.format(n=1)}
                x = torch.cat((e1, x), 1)
                x = self.dec1(x)
                return self.head(x)
        """)
    return src, "UNet", None, [1, 3, size, size], rng.random() < 0.5


def modulelist(i):
    n = rng.randint(2, 5)
    width = rng.choice([16, 32])
    src = HEADER + textwrap.dedent(f"""\
        from collections import OrderedDict


        class Block(nn.Module):
            def __init__(self, channels, dilation=1):
                super().__init__()
                self.conv = nn.Conv2d(channels, channels, 3, padding=dilation, dilation=dilation)
                self.norm = nn.GroupNorm(4, channels)
                self.act = nn.SiLU()

            def forward(self, x):
                return x + self.act(self.norm(self.conv(x)))


        class Stack(nn.Module):
            def __init__(self, depth={n}, width={width}, heads=("a", "b")):
                super().__init__()
                self.stem = nn.Sequential(OrderedDict([
                    ("conv", nn.Conv2d(3, width, 3, stride=2, padding=1)),
                    ("act", nn.ReLU()),
                ]))
                self.blocks = nn.ModuleList([Block(width, dilation=2 ** (i % 3)) for i in range(depth)])
                self.heads = nn.ModuleDict({{name: nn.Conv2d(width, 1 + k, 1) for k, name in enumerate(heads)}})
                for i in range(2):
                    self.add_module(f"extra{{i}}", nn.Conv2d(width, width, 1))

            def forward(self, x):
                x = self.stem(x)
                for i, blk in enumerate(self.blocks):
                    x = blk(x)
                    if i % 2 == 1:
                        x = F.avg_pool2d(x, 2) if x.shape[-1] >= 8 else x
                x = self.extra0(x)
                x = self.extra1(x)
                outs = {{}}
                for name, head in self.heads.items():
                    outs[name] = head(x).mean(dim=(2, 3))
                return outs["a"], outs["b"]
        """)
    return src, "Stack", None, [2, 3, rng.choice([32, 64, 56]), rng.choice([32, 64])], False


def tensor_ops(i):
    """Sequence and attention-style code: permute, transpose, view, chunk, matmul, squeeze, expand, slicing."""
    broken = rng.random() < 0.35
    d = rng.choice([16, 32])
    view_line = "x = x.transpose(1, 2).view(b, -1)" if broken else rng.choice(["x = x.transpose(1, 2).contiguous().view(b, -1)", "x = x.transpose(1, 2).reshape(b, -1)"])
    src = HEADER + textwrap.dedent(f"""\
        class SeqNet(nn.Module):
            def __init__(self, channels=8, dim={d}, length=20):
                super().__init__()
                self.embed = nn.Conv1d(channels, dim, kernel_size=3, padding=1)
                self.qkv = nn.Linear(dim, dim * 3)
                self.norm = nn.LayerNorm(dim)
                self.se = nn.Sequential(nn.AdaptiveAvgPool1d(1), nn.Conv1d(dim, dim // 4, 1), nn.ReLU(), nn.Conv1d(dim // 4, dim, 1), nn.Sigmoid())
                self.cls = nn.Parameter(torch.zeros(1, 1, dim))
                self.head = nn.Linear(dim * (length + 1), 5)

            def forward(self, x):
                b, c, n = x.shape
                x = self.embed(x)
                x = x * self.se(x)
                x = x.permute(0, 2, 1)
                x = torch.cat([self.cls.expand(b, -1, -1), x], dim=1)
                q, k, v = self.qkv(self.norm(x)).chunk(3, dim=-1)
                attn = (q @ k.transpose(-2, -1)) / (q.size(-1) ** 0.5)
                attn = attn.softmax(dim=-1)
                x = x + attn @ v
                x = x[:, :, :]
                {view_line}
                return self.head(x).unsqueeze(1).squeeze(1)
        """)
    length = rng.choice([20, 20, 24])
    return src, "SeqNet", f"length={length}" if rng.random() < 0.5 else None, [2, 8, 20], False


def pads_and_pools(i):
    mode = rng.choice(["reflect", "replicate", "constant", "circular"])
    size = rng.choice([16, 17, 31, 33, 2])
    src = HEADER + textwrap.dedent(f"""\
        class Pads(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)
                self.pool = nn.MaxPool2d(3, stride=2, ceil_mode=True)
                self.lp = nn.LPPool2d(2, 2)

            def forward(self, x):
                x = F.pad(x, (1, 1, 2, 2), mode="{mode}")
                x = self.conv(x)
                x = self.pool(x)
                x = F.max_pool2d(x, kernel_size=2, stride=1, padding=1, ceil_mode=True)
                x = F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)
                x = self.lp(x)
                x = F.adaptive_max_pool2d(x, (2, 3))
                return torch.flatten(x, start_dim=1)
        """)
    return src, "Pads", None, [1, 3, size, size + rng.choice([0, 3])], False


def channels_mismatch(i):
    src = HEADER + textwrap.dedent(f"""\
        class Wrong(nn.Module):
            def __init__(self, width=32):
                super().__init__()
                self.conv1 = nn.Conv2d(3, width, 3, padding=1)
                self.bn1 = nn.BatchNorm2d(width)
                self.conv2 = nn.Conv2d({rng.choice(["width", "width * 2", "width // 2"])}, 64, 3, padding=1)
                self.bn2 = nn.BatchNorm2d({rng.choice(["64", "32"])})

            def forward(self, x):
                x = F.relu(self.bn1(self.conv1(x)))
                x = F.relu(self.bn2(self.conv2(x)))
                return F.adaptive_avg_pool2d(x, 1).flatten(1)
        """)
    return src, "Wrong", None, [rng.choice([1, 2]), 3, 16, 16], rng.random() < 0.5


def dense(i):
    growth = rng.choice([4, 8, 12])
    n = rng.randint(2, 4)
    src = HEADER + textwrap.dedent(f"""\
        class DenseLayer(nn.Module):
            def __init__(self, in_channels, growth):
                super().__init__()
                self.add_module("norm", nn.BatchNorm2d(in_channels))
                self.add_module("conv", nn.Conv2d(in_channels, growth, 3, padding=1, bias=False))

            def forward(self, features):
                x = torch.cat(features, 1)
                return self.conv(F.relu(self.norm(x)))


        class DenseNet(nn.Module):
            def __init__(self, growth={growth}, layers={n}, classes=10):
                super().__init__()
                self.stem = nn.Conv2d(3, 2 * growth, 3, padding=1)
                channels = 2 * growth
                self.layers = nn.ModuleList()
                for i in range(layers):
                    self.layers.append(DenseLayer(channels + i * growth, growth))
                channels += layers * growth
                self.fc = nn.Linear(channels, classes)

            def forward(self, x):
                features = [self.stem(x)]
                for layer in self.layers:
                    features.append(layer(features))
                x = torch.cat(features, 1)
                x = F.adaptive_avg_pool2d(x, (1, 1))
                return self.fc(torch.flatten(x, 1))
        """)
    return src, "DenseNet", None, [2, 3, rng.choice([16, 24]), 16], False


def frozen(i):
    """A backbone frozen the ways fine-tuning code freezes it: requires_grad = False per parameter, requires_grad_(False) per module."""
    how = rng.choice(["loop", "module", "some"])
    freeze = {
        "loop": "for p in self.backbone.parameters():\n            p.requires_grad = False",
        "module": "self.backbone.requires_grad_(False)",
        "some": "for name, p in self.backbone.named_parameters():\n            if name.startswith('0.'):\n                p.requires_grad = False",
    }[how]
    src = HEADER + f"""class Finetune(nn.Module):
    def __init__(self, classes=4):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.Conv2d(8, 16, 3, stride=2), nn.ReLU())
        {freeze}
        self.head = nn.Linear(16, classes)

    def forward(self, x):
        x = self.backbone(x)
        return self.head(x.mean((2, 3)))
"""
    return src, "Finetune", None, [2, 3, 16, 16], rng.random() < 0.5


KINDS = [lenet, features_classifier, resnet, unet, modulelist, tensor_ops, pads_and_pools, channels_mismatch, dense, frozen]


def main():
    os.makedirs(DIR, exist_ok=True)
    for f in os.listdir(DIR):
        os.remove(os.path.join(DIR, f))
    records = []
    n = 0
    for kind in KINDS:
        for k in range(8):
            src, cls, args, shape, evaluate = kind(n)
            name = f"{n:03d}_{kind.__name__}"
            path = os.path.join(DIR, name + ".py")
            with open(path, "w") as f:
                f.write(src)
            rec = run(path, name, cls, args, shape, evaluate)
            if rec["error"]:
                rec["fixes"] = check_fixes(path, cls, args, shape, evaluate)
            records.append({"id": name, "file": os.path.relpath(path, ROOT), "class": cls, "args": args, "input": shape, "eval": evaluate, **rec})
            n += 1
    # torchvision's own model files, as installed
    for file, fn, size, evaluate in [
        ("alexnet.py", "alexnet", 224, False), ("vgg.py", "vgg11", 224, False), ("vgg.py", "vgg16_bn", 64, True),
        ("resnet.py", "resnet18", 224, False), ("resnet.py", "resnet50", 160, True), ("resnet.py", "resnext50_32x4d", 128, True),
        ("squeezenet.py", "squeezenet1_1", 224, False), ("mobilenetv2.py", "mobilenet_v2", 224, True),
        ("mobilenetv3.py", "mobilenet_v3_small", 224, True), ("densenet.py", "densenet121", 224, True),
        ("googlenet.py", "googlenet", 224, True), ("shufflenetv2.py", "shufflenet_v2_x0_5", 224, False),
        ("mnasnet.py", "mnasnet0_5", 224, True), ("efficientnet.py", "efficientnet_b0", 224, True),
        ("convnext.py", "convnext_tiny", 224, True), ("inception.py", "inception_v3", 299, True),
        ("alexnet.py", "alexnet", 32, False), ("resnet.py", "resnet18", 17, False),
    ]:
        torch.manual_seed(0)
        path = os.path.join(TORCHVISION, file)
        rec = run(path, "torchvision.models." + file[:-3], fn, None, [1, 3, size, size], evaluate)
        records.append({"id": f"torchvision_{fn}_{size}", "file": "torchvision:" + file, "class": fn, "args": None, "input": [1, 3, size, size], "eval": evaluate, **rec})
    with open(OUT, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    broken = sum(1 for r in records if r["error"])
    fixes = [f for r in records for f in r.get("fixes", [])]
    good = sum(1 for f in fixes if f["pytorch"] == f["output"])
    print(f"wrote {len(records)} models ({broken} refused by PyTorch; {len(fixes)} fixes offered, {good} run by PyTorch with the output claimed) to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
