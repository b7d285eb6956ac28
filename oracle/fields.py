"""The empirical receptive field, shared by the oracle scripts: the support of the gradient of the central output
position (all channels, so every path counts) with respect to the input, in a network made to pass gradient everywhere
it could: every weight positive, a positive input, BatchNorm in eval (the identity up to eps), dropout off, max pooling
replaced by average pooling of the same geometry (dilated max pooling has no average twin and is kept), ReLU6 replaced by
ReLU (positive weights make large activations, where ReLU6 saturates and would hide gradients)."""
import torch
import torch.nn as nn


def positive(model):
    for module in list(model.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, nn.ReLU6):
                setattr(module, name, nn.ReLU())
            if isinstance(child, (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)):
                n = int(type(child).__name__[-2])
                if child.dilation in (1, (1,) * n):
                    setattr(module, name, getattr(nn, f"AvgPool{n}d")(child.kernel_size, child.stride, child.padding, ceil_mode=child.ceil_mode))
    for m in model.modules():
        if hasattr(m, "inplace"):
            m.inplace = False
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.rand_like(p) * 0.9 + 0.1)
    return model.eval()


def measure_at(forward, shape):
    """{"input", "unit", "region", "output"}: region[axis] = [first, last] input index with gradient, or None."""
    x = (torch.rand(*shape) * 0.9 + 0.1).requires_grad_(True)
    y = forward(x * 1.0)
    centre = tuple(s // 2 for s in y.shape[2:])
    y[(0, slice(None)) + centre].sum().backward()
    support = x.grad[0].abs().sum(0) > 0
    n = len(shape) - 2
    region = []
    for axis in range(n):
        other = tuple(a for a in range(n) if a != axis)
        line = support.float().sum(dim=other) > 0 if other else support
        idx = line.nonzero().flatten()
        region.append([int(idx.min()), int(idx.max())] if idx.numel() else None)
    return {"input": list(shape), "unit": list(centre), "region": region, "output": list(y.shape)}


def clear_of_borders(m):
    """Whether the measured field keeps clear of every image border (then no padding cut it)."""
    return all(r is not None and r[0] > 0 and r[1] < m["input"][2 + a] - 1 for a, r in enumerate(m["region"]))
