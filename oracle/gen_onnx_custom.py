#!/usr/bin/python3
"""Oracle for ONNX beyond the exporter's happy path: answered by ONNX Runtime, which runs each graph with every value
made an output, and by onnx's strict shape inference.

Run by hand with Debian's python3-torch (1.13) and python3-onnx (1.12), after `dotnet build -c Release oracle/ort`
(ONNX Runtime 1.31 from NuGet; only this generator uses it), from the repository root:
    /usr/bin/python3 oracle/gen_onnx_custom.py
It writes tests/CnnShape.Tests/Oracle/onnx/custom/<name>.onnx and onnx_custom.jsonl, one graph per line:
  {"file", "kind": "export"|"op", "what", "opset", "dynamic": {input axis: symbol} (exports with dynamic axes),
   "runs": [{"input": [dims], "values": {value name: [dims]} (every value, ONNX Runtime) | "error": ONNX Runtime's
   refusal, "pytorch": PyTorch's own output shape at that input (exports) or its error}],
   "strict": onnx.shape_inference's strict-mode refusal, if any}
- exports: custom modules (the pieces that break importers: pooled-then-upsampled dynamic sizes, pool+flatten,
  interpolate by 0.7, reflect and replicate padding, expand(-1, C, -1, -1), recompute_scale_factor, upsampling to
  another tensor's size, einsum, arange, view(batch, -1), slicing with a step, pixel shuffle, …) exported by PyTorch at
  opsets 9 to 17, with static axes, a dynamic batch and a dynamic height and width, run at several sizes;
- ops: graphs of one operator built with onnx.helper — the strict preconditions (Squeeze of a size-2 axis, Split
  sizes that do not add up, Concat of mismatched dims, Tile and Expand ranks, Gather out of bounds, Reshape counts)
  and the operators of opsets 18 to 21 (Reduce* and Pad with an axes input, Resize with axes and antialias,
  GroupNormalization, Col2Im, Split with num_outputs, CenterCropPad, AffineGrid); Resize tf_crop_and_resize with scales
  and ConvTranspose auto_pad SAME with a kernel shorter than the stride;
- squeeze of a dynamic axis, which PyTorch exports as an If on the axis's size (the branch the sizes pick is taken).
"""
import io, json, os, subprocess, sys, tempfile, warnings
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import onnx
from onnx import helper, numpy_helper, shape_inference, TensorProto

warnings.filterwarnings("ignore")
torch.manual_seed(0)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DIR = os.path.join(ROOT, "tests", "CnnShape.Tests", "Oracle", "onnx", "custom")
OUT = os.path.join(ROOT, "tests", "CnnShape.Tests", "Oracle", "onnx_custom.jsonl")
ORT = os.path.join(ROOT, "oracle", "ort", "bin", "Release", "net10.0", "OrtOracle")


class PoolUp(nn.Module):
    def forward(self, x):
        return F.interpolate(F.max_pool2d(x, 2), scale_factor=2.0, mode="nearest")


class PoolFlatten(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        return torch.flatten(F.max_pool2d(self.conv(x), 2), 1)


class Interp07(nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, x):
        return F.interpolate(x, scale_factor=0.7, mode=self.mode)


class ReflectConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1, padding_mode="reflect")

    def forward(self, x):
        return self.conv(x)


class PadReplicate(nn.Module):
    def forward(self, x):
        return F.pad(x, (1, 2, 3, 4), mode="replicate")


class ExpandChannels(nn.Module):
    def forward(self, x):
        return x.mean(1, keepdim=True).expand(-1, 3, -1, -1) + x


class Recompute(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=1.5, mode="bilinear", align_corners=False, recompute_scale_factor=True)


class UpToInput(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, stride=2, padding=1)

    def forward(self, x):
        return F.interpolate(self.conv(x), size=x.shape[2:], mode="nearest") + x


class EinsumNHWC(nn.Module):
    def forward(self, x):
        return torch.einsum("nchw->nhwc", x)


class Arange(nn.Module):
    def forward(self, x):
        return x + torch.arange(x.shape[-1]).float()


class ViewBatch(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 3, stride=2)

    def forward(self, x):
        return self.conv(x).view(x.size(0), -1)


class StepSlice(nn.Module):
    def forward(self, x):
        return x[:, :, 1::2, :-1]


class Shuffle(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 12, 3, padding=1)

    def forward(self, x):
        return F.pixel_shuffle(self.conv(x), 2)


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.b = nn.Conv2d(8, 8, 3, padding=1)
        self.skip = nn.Conv2d(3, 8, 1, stride=2)
        self.pool = nn.AdaptiveAvgPool2d((2, 3))

    def forward(self, x):
        return self.pool(F.relu(self.b(F.relu(self.a(x))) + self.skip(x)))


class CeilPoolCat(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 5, 1)

    def forward(self, x):
        return torch.cat([F.avg_pool2d(self.conv(x), 3, stride=2, ceil_mode=True), F.max_pool2d(x, 3, stride=2, ceil_mode=True)], 1)


class Transposed(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1)

    def forward(self, x):
        return self.up(x)


class ChannelLayerNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(3)

    def forward(self, x):
        return self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class SqueezeDynamic(nn.Module):
    """squeeze of a dynamic axis: PyTorch exports If(Equal(Gather(Shape(x), axis), 1)) with a Squeeze and an Identity branch."""
    def forward(self, x):
        return x.squeeze(2).squeeze(0) * 2


EXPORTS = [
    ("pool_up", PoolUp), ("pool_flatten", PoolFlatten), ("interp07_nearest", lambda: Interp07("nearest")),
    ("interp07_bilinear", lambda: Interp07("bilinear")), ("reflect_conv", ReflectConv), ("pad_replicate", PadReplicate),
    ("expand_channels", ExpandChannels), ("recompute_scale", Recompute), ("up_to_input", UpToInput), ("einsum", EinsumNHWC),
    ("arange", Arange), ("view_batch", ViewBatch), ("step_slice", StepSlice), ("pixel_shuffle", Shuffle), ("residual", Residual),
    ("ceil_pool_cat", CeilPoolCat), ("transposed", Transposed), ("channel_layernorm", ChannelLayerNorm),
    ("squeeze_dynamic", SqueezeDynamic),
]
SIZES = {"static": [(2, 10, 13)], "batch": [(1, 10, 13), (3, 10, 13)], "hw": [(1, 16, 16), (1, 17, 23), (1, 9, 31), (1, 40, 33), (1, 2, 3), (1, 1, 1)]}


def every_value(model):
    """The model with every node output made a graph output (so ONNX Runtime reports every value's shape)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    have = {o.name for o in m.graph.output}
    for node in m.graph.node:
        for o in node.output:
            if o and o not in have:
                m.graph.output.append(onnx.ValueInfoProto(name=o))
                have.add(o)
    return m


def ort_runs(model, feeds):
    """Runs the model (with every value an output) in ONNX Runtime once per input shape."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.onnx")
        onnx.save(every_value(model), path)
        jobs = "".join(json.dumps({"file": path, "inputs": feed}) + "\n" for feed in feeds)
        out = subprocess.run([ORT], input=jobs, capture_output=True, text=True, check=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def strict(model):
    try:
        shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        return None
    except Exception as e:  # noqa: BLE001 - the refusal's text is recorded
        return str(e).split("\n")[0][:300]


def exports():
    records = []
    for name, make in EXPORTS:
        for opset in [9, 11, 13, 16, 17]:
            for dynamic in ["static", "batch", "hw"]:
                module = make().eval()
                n, h, w = SIZES[dynamic][0]
                x = torch.randn(n, 3, h, w)
                axes = {"static": {}, "batch": {0: "batch"}, "hw": {2: "height", 3: "width"}}[dynamic]
                buffer = io.BytesIO()
                try:
                    torch.onnx.export(module, x, buffer, opset_version=opset, input_names=["input"], output_names=["output"],
                                      dynamic_axes={"input": axes} if axes else None, do_constant_folding=True)
                except Exception:  # noqa: BLE001 - the exporter's own limits are not ours to test
                    continue
                model = onnx.load_from_string(buffer.getvalue())
                file = f"{name}_op{opset}_{dynamic}.onnx"
                onnx.save(model, os.path.join(DIR, file))
                feeds = [{"input": [n2, 3, h2, w2]} for n2, h2, w2 in SIZES[dynamic]]
                runs = []
                for feed, ort in zip(feeds, ort_runs(model, feeds)):
                    run = {"input": feed["input"]}
                    if "error" in ort:
                        run["error"] = ort["error"]
                    else:
                        run["values"] = ort["outputs"]
                    try:
                        with torch.no_grad():
                            run["pytorch"] = list(module(torch.randn(*feed["input"])).shape)
                    except Exception as e:  # noqa: BLE001
                        run["pytorch"] = "error: " + str(e).split("\n")[0]
                    runs.append(run)
                records.append({"file": file, "kind": "export", "what": name, "opset": opset,
                                "dynamic": {str(k): v for k, v in axes.items()}, "runs": runs, "strict": strict(model)})
    return records


def graph(op, inputs, outputs, opset, inits=(), **attrs):
    """One operator: inputs [(name, dims)] (float32), constant initializers [(name, numpy array)]."""
    node = helper.make_node(op, [i[0] for i in inputs] + [i[0] for i in inits], outputs, **attrs)
    g = helper.make_graph([node], op, [helper.make_tensor_value_info(n, TensorProto.FLOAT, d) for n, d in inputs],
                          [onnx.ValueInfoProto(name=o) for o in outputs],
                          [numpy_helper.from_array(a, n) for n, a in inits])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8 if opset <= 17 else 9 if opset <= 20 else 10
    return m


def i64(*v):
    return np.array(v, dtype=np.int64)


OPS = [
    # strict preconditions (opset 13)
    ("squeeze_size2", lambda: graph("Squeeze", [("x", [1, 2, 3])], ["y"], 13, [("axes", i64(1))])),
    ("squeeze_ok", lambda: graph("Squeeze", [("x", [1, 2, 1])], ["y"], 13, [("axes", i64(0, -1))])),
    ("split_sum_wrong", lambda: graph("Split", [("x", [11, 2])], ["a", "b", "c"], 13, [("split", i64(4, 4, 4))], axis=0)),
    ("split_ok", lambda: graph("Split", [("x", [12, 2])], ["a", "b", "c"], 13, [("split", i64(4, 4, 4))], axis=0)),
    ("concat_mismatch", lambda: graph("Concat", [("x", [1, 2, 3]), ("y", [1, 4, 4])], ["z"], 13, axis=1)),
    ("concat_ok", lambda: graph("Concat", [("x", [1, 2, 3]), ("y", [1, 4, 3])], ["z"], 13, axis=1)),
    ("tile_rank", lambda: graph("Tile", [("x", [2, 3])], ["y"], 13, [("repeats", i64(2, 2, 2))])),
    ("tile_ok", lambda: graph("Tile", [("x", [2, 3])], ["y"], 13, [("repeats", i64(2, 3))])),
    ("expand_clash", lambda: graph("Expand", [("x", [2, 3])], ["y"], 13, [("shape", i64(4, 3, 2))])),
    ("expand_ok", lambda: graph("Expand", [("x", [3, 1])], ["y"], 13, [("shape", i64(2, 1, 5))])),
    ("gather_oob", lambda: graph("Gather", [("x", [3, 4])], ["y"], 13, [("i", i64(0, 3))], axis=0)),
    ("gather_negative", lambda: graph("Gather", [("x", [3, 4])], ["y"], 13, [("i", i64(-1, -3))], axis=0)),
    ("reshape_count", lambda: graph("Reshape", [("x", [2, 3, 4])], ["y"], 13, [("s", i64(5, -1))])),
    ("reshape_zero", lambda: graph("Reshape", [("x", [2, 3, 4])], ["y"], 13, [("s", i64(0, -1))])),
    ("transpose_perm", lambda: graph("Transpose", [("x", [2, 3, 4])], ["y"], 13, perm=[0, 1])),
    ("unsqueeze_range", lambda: graph("Unsqueeze", [("x", [2, 3])], ["y"], 13, [("axes", i64(4))])),
    ("matmul_inner", lambda: graph("MatMul", [("a", [2, 3]), ("b", [4, 5])], ["c"], 13)),
    ("conv_channels", lambda: graph("Conv", [("x", [1, 3, 8, 8])], ["y"], 13, [("w", np.zeros((4, 2, 3, 3), np.float32))])),
    ("slice_steps", lambda: graph("Slice", [("x", [10, 11])], ["y"], 13, [("s", i64(-1, 1)), ("e", i64(-100, 100)), ("a", i64(0, 1)), ("p", i64(-3, 4))])),
    ("maxpool_ceil_drop", lambda: graph("MaxPool", [("x", [1, 1, 6, 6])], ["y"], 13, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)),
    ("depth_to_space", lambda: graph("DepthToSpace", [("x", [1, 8, 2, 3])], ["y"], 13, blocksize=2, mode="CRD")),
    ("depth_to_space_bad", lambda: graph("DepthToSpace", [("x", [1, 6, 2, 3])], ["y"], 13, blocksize=2)),
    ("resize_sizes13", lambda: graph("Resize", [("x", [1, 2, 10, 13])], ["y"], 13, [("roi", np.zeros(0, np.float32)), ("scales", np.zeros(0, np.float32)), ("sizes", i64(1, 2, 7, 9))])),
    ("resize_scales13", lambda: graph("Resize", [("x", [1, 2, 10, 13])], ["y"], 13, [("roi", np.zeros(0, np.float32)), ("scales", np.array([1, 1, 0.7, 0.7], np.float32))])),
    # tf_crop_and_resize: the roi places the samples; the size is still in · scale
    ("resize_crop_scales11", lambda: graph("Resize", [("x", [1, 3, 10, 13])], ["y"], 11, [("roi", np.array([0, 0, 0.1, 0.2, 1, 1, 0.6, 0.9], np.float32)), ("scales", np.array([1, 1, 2, 3], np.float32))], coordinate_transformation_mode="tf_crop_and_resize", mode="linear")),
    ("resize_crop_scales13", lambda: graph("Resize", [("x", [1, 3, 10, 13])], ["y"], 13, [("roi", np.array([0, 0, 0.25, 0.5, 1, 1, 0.75, 1], np.float32)), ("scales", np.array([1, 1, 0.5, 1.5], np.float32))], coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=1.0)),
    ("resize_crop_axes18", lambda: graph("Resize", [("x", [1, 3, 10, 13])], ["y"], 18, [("roi", np.array([0.1, 0.2, 0.6, 0.9], np.float32)), ("scales", np.array([2, 3], np.float32))], axes=[2, 3], coordinate_transformation_mode="tf_crop_and_resize")),
    # ConvTranspose with auto_pad SAME: the total padding clamps at 0 when the kernel is shorter than the stride
    ("convtranspose_same_k1s3", lambda: graph("ConvTranspose", [("x", [1, 1, 5])], ["y"], 13, [("w", np.ones((1, 1, 1), np.float32))], strides=[3], auto_pad="SAME_UPPER")),
    ("convtranspose_same_lower_k2s3", lambda: graph("ConvTranspose", [("x", [1, 2, 5, 4])], ["y"], 13, [("w", np.ones((2, 3, 2, 2), np.float32))], strides=[3, 3], auto_pad="SAME_LOWER")),
    ("convtranspose_same_k3s3", lambda: graph("ConvTranspose", [("x", [1, 1, 5, 4])], ["y"], 13, [("w", np.ones((1, 1, 3, 3), np.float32))], strides=[3, 3], auto_pad="SAME_UPPER")),
    ("convtranspose_same_k1s2_dilated", lambda: graph("ConvTranspose", [("x", [1, 1, 6])], ["y"], 13, [("w", np.ones((1, 1, 2), np.float32))], strides=[4], dilations=[2], auto_pad="SAME_UPPER")),
    # opsets 18 to 21
    ("reduce_mean_axes18", lambda: graph("ReduceMean", [("x", [2, 3, 4, 5])], ["y"], 18, [("axes", i64(1, -1))], keepdims=0)),
    ("reduce_sum_empty18", lambda: graph("ReduceSum", [("x", [2, 3, 4])], ["y"], 18, [("axes", i64())], keepdims=1)),
    ("reduce_max_noop18", lambda: graph("ReduceMax", [("x", [2, 3, 4])], ["y"], 18, [("axes", i64())], keepdims=1, noop_with_empty_axes=1)),
    ("reduce_l2_axes18", lambda: graph("ReduceL2", [("x", [2, 3, 4])], ["y"], 18, [("axes", i64(0, 2))], keepdims=1)),
    ("reduce_logsumexp20", lambda: graph("ReduceLogSumExp", [("x", [2, 3, 4])], ["y"], 20, [("axes", i64(1))], keepdims=0)),
    ("pad_axes18", lambda: graph("Pad", [("x", [1, 3, 5, 6])], ["y"], 18, [("pads", i64(1, 2, 3, 4)), ("value", np.array(0, np.float32)), ("axes", i64(2, 3))], mode="constant")),
    ("pad_reflect_axes19", lambda: graph("Pad", [("x", [1, 3, 5, 6])], ["y"], 19, [("pads", i64(2, 2, 2, 2)), ("value", np.array(0, np.float32)), ("axes", i64(-2, -1))], mode="reflect")),
    ("pad_edge21", lambda: graph("Pad", [("x", [2, 5])], ["y"], 21, [("pads", i64(1, 0, 2, 3))], mode="edge")),
    ("resize_axes18", lambda: graph("Resize", [("x", [1, 2, 10, 13])], ["y"], 18, [("roi", np.zeros(0, np.float32)), ("scales", np.array([0.7, 1.5], np.float32))], axes=[2, 3], mode="linear")),
    ("resize_antialias18", lambda: graph("Resize", [("x", [1, 2, 10, 13])], ["y"], 18, [("roi", np.zeros(0, np.float32)), ("scales", np.zeros(0, np.float32)), ("sizes", i64(5, 7))], axes=[2, 3], mode="linear", antialias=1)),
    ("resize_aspect18", lambda: graph("Resize", [("x", [1, 2, 10, 20])], ["y"], 18, [("roi", np.zeros(0, np.float32)), ("scales", np.zeros(0, np.float32)), ("sizes", i64(8, 8))], axes=[2, 3], keep_aspect_ratio_policy="not_larger")),
    ("resize_aspect_larger18", lambda: graph("Resize", [("x", [1, 2, 10, 20])], ["y"], 18, [("roi", np.zeros(0, np.float32)), ("scales", np.zeros(0, np.float32)), ("sizes", i64(8, 8))], axes=[2, 3], keep_aspect_ratio_policy="not_smaller")),
    ("group_norm18", lambda: graph("GroupNormalization", [("x", [2, 6, 4, 4])], ["y"], 18, [("scale", np.ones(2, np.float32)), ("bias", np.zeros(2, np.float32))], num_groups=2)),
    ("group_norm21", lambda: graph("GroupNormalization", [("x", [2, 6, 4, 4])], ["y"], 21, [("scale", np.ones(6, np.float32)), ("bias", np.zeros(6, np.float32))], num_groups=3)),
    ("col2im18", lambda: graph("Col2Im", [("x", [1, 18, 9])], ["y"], 18, [("image_shape", i64(5, 6)), ("block_shape", i64(3, 3))], strides=[2, 2], pads=[1, 1, 1, 1])),
    ("col2im_bad18", lambda: graph("Col2Im", [("x", [1, 18, 12])], ["y"], 18, [("image_shape", i64(5, 6)), ("block_shape", i64(3, 3))], strides=[2, 2], pads=[1, 1, 1, 1])),
    ("split_num_outputs18", lambda: graph("Split", [("x", [2, 11])], ["a", "b", "c"], 18, axis=1, num_outputs=3)),
    ("center_crop_pad18", lambda: graph("CenterCropPad", [("x", [1, 3, 10, 7])], ["y"], 18, [("shape", i64(8, 9))], axes=[2, 3])),
    ("affine_grid20", lambda: graph("AffineGrid", [("theta", [2, 2, 3])], ["grid"], 20, [("size", i64(2, 3, 5, 7))], align_corners=0)),
    ("dft20", lambda: graph("DFT", [("x", [1, 8, 1])], ["y"], 20, [("n", np.array(8, np.int64)), ("axis", np.array(1, np.int64))])),
]


def ops():
    records = []
    for name, make in OPS:
        model = make()
        file = f"op_{name}.onnx"
        onnx.save(model, os.path.join(DIR, file))
        feed = {i.name: [d.dim_value for d in i.type.tensor_type.shape.dim] for i in model.graph.input}
        ort = ort_runs(model, [feed])[0]
        run = {"input": feed}
        if "error" in ort:
            run["error"] = ort["error"]
        else:
            run["values"] = ort["outputs"]
        opset = model.opset_import[0].version
        records.append({"file": file, "kind": "op", "what": name, "opset": opset, "runs": [run], "strict": strict(model) if opset <= 17 else None})
    return records


def main():
    if not os.path.exists(ORT):
        sys.exit("build the ONNX Runtime helper first: dotnet build -c Release oracle/ort")
    os.makedirs(DIR, exist_ok=True)
    for f in os.listdir(DIR):
        os.remove(os.path.join(DIR, f))
    records = exports() + ops()
    with open(OUT, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    runs = sum(len(r["runs"]) for r in records)
    refused = sum(1 for r in records for run in r["runs"] if "error" in run)
    print(f"wrote {len(records)} graphs, {runs} runs ({refused} refused by ONNX Runtime) to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
