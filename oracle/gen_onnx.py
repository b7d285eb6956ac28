#!/usr/bin/python3
"""Oracle for ONNX import: torchvision models exported by Debian's python3-torch with export_params=False (no weights,
files of a few KB), with the shapes onnx.shape_inference knows for every tensor and PyTorch's own output shape.

Writes tests/CnnShape.Tests/Oracle/onnx/<name>.onnx and onnx.jsonl:
  {"file": ..., "input": [...], "output": [...] (PyTorch), "tensors": {name: [dims]} (onnx.shape_inference)}
"""
import io, json, os, warnings
import torch
import torchvision.models as tvm
import torchvision.models.segmentation as seg
import torchvision.models.video as video
import onnx
from onnx import shape_inference

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "CnnShape.Tests", "Oracle")

MODELS = [
    ("alexnet", lambda: tvm.alexnet(), [224]),
    ("vgg11", lambda: tvm.vgg11(), [224]),
    ("resnet18", lambda: tvm.resnet18(), [224, 97]),
    ("resnext50_32x4d", lambda: tvm.resnext50_32x4d(), [128]),
    ("mobilenet_v2", lambda: tvm.mobilenet_v2(), [224, 150]),
    ("mobilenet_v3_small", lambda: tvm.mobilenet_v3_small(), [224]),
    ("squeezenet1_0", lambda: tvm.squeezenet1_0(), [224, 113]),
    ("shufflenet_v2_x0_5", lambda: tvm.shufflenet_v2_x0_5(), [224]),
    ("mnasnet0_5", lambda: tvm.mnasnet0_5(), [224]),
    ("densenet121", lambda: tvm.densenet121(), [96]),
    ("googlenet", lambda: tvm.googlenet(aux_logits=False, init_weights=False), [224]),
    ("efficientnet_b0", lambda: tvm.efficientnet_b0(), [224]),
    ("regnet_x_400mf", lambda: tvm.regnet_x_400mf(), [224]),
    ("inception_v3", lambda: tvm.inception_v3(aux_logits=False, init_weights=False), [299]),
    ("convnext_tiny", lambda: tvm.convnext_tiny(), [224]),
    ("fcn_resnet50", lambda: seg.fcn_resnet50(weights=None, weights_backbone=None, aux_loss=False), [224]),
    ("deeplabv3_mobilenet_v3_large", lambda: seg.deeplabv3_mobilenet_v3_large(weights=None, weights_backbone=None, aux_loss=False), [224]),
    ("lraspp_mobilenet_v3_large", lambda: seg.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None), [224]),
    ("r3d_18", lambda: video.r3d_18(), [112]),
    ("r2plus1d_18", lambda: video.r2plus1d_18(), [112]),
]

# segmentation models return a dict; video models take (N, C, T, H, W)
class Out(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        y = self.m(x)
        return y["out"] if isinstance(y, dict) else y


def dims_of(vi):
    t = vi.type.tensor_type
    if not t.HasField("shape"):
        return None
    out = []
    for d in t.shape.dim:
        if d.HasField("dim_value"):
            out.append(d.dim_value)
        else:
            return None
    return out


def main():
    cases = []
    for name, make, sizes in MODELS:
        model = Out(make()).eval()
        for size in sizes:
            shape = [1, 3, 16, size, size] if name.startswith(("r3d", "r2plus1d")) else [1, 3, size, size]
            x = torch.zeros(*shape)
            with torch.no_grad():
                y = model(x)
            f = io.BytesIO()
            try:
                torch.onnx.export(model, x, f, export_params=False, opset_version=13, input_names=["input"], output_names=["output"])
            except Exception as e:
                print(name, size, "not exportable:", str(e).splitlines()[0][:100])
                continue
            data = f.getvalue()
            file = f"{name}_{size}.onnx"
            with open(os.path.join(OUT, "onnx", file), "wb") as fh:
                fh.write(data)
            inferred = shape_inference.infer_shapes(onnx.load_from_string(data))
            tensors = {}
            for vi in list(inferred.graph.value_info) + list(inferred.graph.output) + list(inferred.graph.input):
                d = dims_of(vi)
                if d is not None:
                    tensors[vi.name] = d
            cases.append({"file": file, "input": shape, "output": list(y.shape), "tensors": tensors, "nodes": len(inferred.graph.node)})
            print(file, len(data), "bytes", len(tensors), "tensors")
    # Other opsets: attribute forms of Squeeze/Unsqueeze/Split/Pad (opset 9/11), Resize inputs (11), opset 17.
    for name, make, size, opset in [("resnet18", tvm.resnet18, 224, 9), ("lraspp_mobilenet_v3_large", lambda: seg.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None), 224, 11),
                                    ("shufflenet_v2_x0_5", tvm.shufflenet_v2_x0_5, 224, 9), ("convnext_tiny", tvm.convnext_tiny, 224, 17),
                                    ("fcn_resnet50", lambda: seg.fcn_resnet50(weights=None, weights_backbone=None, aux_loss=False), 160, 11)]:
        model = Out(make()).eval()
        shape = [1, 3, size, size]
        with torch.no_grad():
            y = model(torch.zeros(*shape))
        f = io.BytesIO()
        try:
            torch.onnx.export(model, torch.zeros(*shape), f, export_params=False, opset_version=opset, input_names=["input"], output_names=["output"])
        except Exception as e:
            print(name, opset, "not exportable:", str(e).splitlines()[0][:100])
            continue
        file = f"{name}_{size}_opset{opset}.onnx"
        with open(os.path.join(OUT, "onnx", file), "wb") as fh:
            fh.write(f.getvalue())
        inferred = shape_inference.infer_shapes(onnx.load_from_string(f.getvalue()))
        tensors = {vi.name: dims_of(vi) for vi in list(inferred.graph.value_info) + list(inferred.graph.output) if dims_of(vi) is not None}
        cases.append({"file": file, "input": shape, "output": list(y.shape), "tensors": tensors, "nodes": len(inferred.graph.node), "opset": opset})
        print(file, len(f.getvalue()), "bytes", len(tensors), "tensors")

    # A dynamic batch: the symbol travels through the graph (onnx.shape_inference keeps it as dim_param "batch").
    for name, make in [("resnet18", tvm.resnet18), ("mobilenet_v2", tvm.mobilenet_v2)]:
        model = Out(make()).eval()
        f = io.BytesIO()
        torch.onnx.export(model, torch.zeros(2, 3, 160, 160), f, export_params=False, opset_version=13, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        file = f"{name}_dynamic_batch.onnx"
        with open(os.path.join(OUT, "onnx", file), "wb") as fh:
            fh.write(f.getvalue())
        inferred = shape_inference.infer_shapes(onnx.load_from_string(f.getvalue()))
        tensors = {}
        for vi in list(inferred.graph.value_info) + list(inferred.graph.output) + list(inferred.graph.input):
            t = vi.type.tensor_type
            if t.HasField("shape"):
                tensors[vi.name] = [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in t.shape.dim]
        cases.append({"file": file, "symbolic": True, "tensors": tensors})
        print(file, len(tensors), "tensors, symbolic batch")

    # External data: a model saved with its weights in a separate file, committed without that file.
    path = os.path.join(OUT, "onnx", "squeezenet1_1_external.onnx")
    torch.onnx.export(tvm.squeezenet1_1().eval(), torch.zeros(1, 3, 224, 224), path, export_params=True, opset_version=13, input_names=["input"], output_names=["output"])
    model = onnx.load(path)
    onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location="squeezenet1_1_weights.bin", size_threshold=0)
    os.remove(os.path.join(OUT, "onnx", "squeezenet1_1_weights.bin"))
    inferred = shape_inference.infer_shapes(onnx.load(path, load_external_data=False))
    tensors = {vi.name: dims_of(vi) for vi in list(inferred.graph.value_info) + list(inferred.graph.output) if dims_of(vi) is not None}
    cases.append({"file": "squeezenet1_1_external.onnx", "input": [1, 3, 224, 224], "output": [1, 1000], "tensors": tensors, "nodes": len(inferred.graph.node), "external_data": True})
    print("squeezenet1_1_external.onnx", os.path.getsize(path), "bytes (weights file removed)")
    with open(os.path.join(OUT, "onnx.jsonl"), "w") as fh:
        for c in cases:
            fh.write(json.dumps(c) + "\n")


if __name__ == "__main__":
    main()
