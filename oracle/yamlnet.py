"""A small interpreter of cnnshape's YAML network format in PyTorch (layers written as code), for the oracle scripts."""
import torch
import torch.nn as nn
import yaml

NS = {"nn": nn, "torch": torch}
NS.update({k: getattr(nn, k) for k in dir(nn) if k[:1].isupper()})


class YamlNet(nn.Module):
    def __init__(self, text):
        super().__init__()
        doc = yaml.safe_load(text)
        self.steps = []          # (name, kind, payload, inputs)
        self.mods = nn.ModuleDict()
        self.counter = 0
        last = self._list(doc["layers"], "input", "", None)
        self.outputs = doc.get("outputs") or [last]
        self.input_shape = [int(x) for x in str(doc["input"]).replace(",", "x").split("x")] if "input" in doc else None

    def _resolve(self, ref, prefix, block_input):
        if ref == "_in":
            return block_input
        if prefix and any(s[0] == prefix + ref for s in self.steps):
            return prefix + ref
        return ref

    def _list(self, items, previous, prefix, block_input):
        for item in items:
            previous = self._entry(item, previous, prefix, block_input)
        return previous

    def _entry(self, item, previous, prefix, block_input):
        if isinstance(item, str):
            name, body = str(self.counter), item
            self.counter += 1
        else:
            (name, body), = item.items()
        full = prefix + str(name)
        if isinstance(body, str):
            self._layer(full, body, previous)
            return full
        if "repeat" in body:
            current = self._resolve(body["from"], prefix, block_input) if "from" in body else previous
            for r in range(int(body["repeat"])):
                current = self._list(body["layers"], current, f"{full}.{r}.", current)
            self.steps.append((full, "identity", None, [current]))
            return full
        for op in ("add", "mul", "sub", "cat"):
            if op in body:
                self.steps.append((full, op, body.get("dim", 1), [self._resolve(r, prefix, block_input) for r in body[op]]))
                return full
        src = self._resolve(body["from"], prefix, block_input) if "from" in body else previous
        self._layer(full, body["layer"], src)
        return full

    def _layer(self, name, text, source):
        key = name.replace(".", "__")
        self.mods[key] = eval(text, dict(NS))
        self.steps.append((name, "layer", key, [source]))

    def forward_all(self, x):
        t = {"input": x}
        for name, kind, payload, inputs in self.steps:
            a = [t[i] for i in inputs]
            if kind == "layer":
                t[name] = self.mods[payload](a[0])
            elif kind == "identity":
                t[name] = a[0]
            elif kind == "add":
                t[name] = sum(a[1:], a[0])
            elif kind == "sub":
                t[name] = a[0] - a[1]
            elif kind == "mul":
                out = a[0]
                for b in a[1:]:
                    out = out * b
                t[name] = out
            else:
                t[name] = torch.cat(a, dim=payload)
        return t

    def forward(self, x):
        return self.forward_all(x)[self.outputs[0]]
