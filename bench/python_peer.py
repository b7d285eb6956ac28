#!/usr/bin/python3
"""Peer for the Python-source benchmark: what PyTorch needs to give the same answer — import the model file, build
the model and run it once on the input (shapes by hooks cost nothing more). Prints seconds, torch's import included,
as a user who runs the file waits for it."""
import importlib.util, sys, time

start = time.perf_counter()
import torch  # noqa: E402

path, cls, shape = sys.argv[1], sys.argv[2], [int(d) for d in sys.argv[3].split("x")]
spec = importlib.util.spec_from_file_location("model", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
with torch.no_grad():
    getattr(module, cls)()(torch.randn(*shape))
print(f"{time.perf_counter() - start:.3f}")
