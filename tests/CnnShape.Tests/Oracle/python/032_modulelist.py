import torch
import torch.nn as nn
import torch.nn.functional as F


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
    def __init__(self, depth=5, width=32, heads=("a", "b")):
        super().__init__()
        self.stem = nn.Sequential(OrderedDict([
            ("conv", nn.Conv2d(3, width, 3, stride=2, padding=1)),
            ("act", nn.ReLU()),
        ]))
        self.blocks = nn.ModuleList([Block(width, dilation=2 ** (i % 3)) for i in range(depth)])
        self.heads = nn.ModuleDict({name: nn.Conv2d(width, 1 + k, 1) for k, name in enumerate(heads)})
        for i in range(2):
            self.add_module(f"extra{i}", nn.Conv2d(width, width, 1))

    def forward(self, x):
        x = self.stem(x)
        for i, blk in enumerate(self.blocks):
            x = blk(x)
            if i % 2 == 1:
                x = F.avg_pool2d(x, 2) if x.shape[-1] >= 8 else x
        x = self.extra0(x)
        x = self.extra1(x)
        outs = {}
        for name, head in self.heads.items():
            outs[name] = head(x).mean(dim=(2, 3))
        return outs["a"], outs["b"]
