#!/usr/bin/python3
"""Peer for the ONNX benchmark: onnx.load + onnx.shape_inference.infer_shapes on the same file; prints seconds."""
import sys, time
import onnx
from onnx import shape_inference

start = time.perf_counter()
model = onnx.load(sys.argv[1])
shape_inference.infer_shapes(model)
print(f"{time.perf_counter() - start:.3f}")
