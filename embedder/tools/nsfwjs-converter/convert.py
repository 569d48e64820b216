#!/usr/bin/env python3
"""Builds the ONNX model nsfwjs-mobilenetv2-b13 from the TFJS layers model extracted by extract.js,
and verifies it with ONNX Runtime against the TFJS references.

The network is the nsfwjs MobileNetV2 truncated at `block_13_expand_relu`, followed by
GlobalAveragePool: input `pixels` float32 [N,3,224,224] (RGB in [0,1]), output `features`
float32 [N,576] (raw average, not L2-normalised).

usage:
  convert.py build  --work WORK --out model.onnx
  convert.py verify --work WORK --model model.onnx --golden DIR [--report report.json]
  convert.py provenance --work WORK --model model.onnx --report report.json --out PROVENANCE.md
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

# Defaults: the MobileNetV2 embedder; `run.sh inceptionv3` sets these for InceptionV3 (mixed7).
NSFWJS_MODEL = os.environ.get("NSFWJS_MODEL", "mobilenet_v2")
CUT_LAYER = os.environ.get("CUT_LAYER", "block_13_expand_relu")
MODEL_ID = os.environ.get("MODEL_ID", "nsfwjs-mobilenetv2-b13")
SIZE = int(os.environ.get("SIZE", "224"))
OPSET = 13
IR_VERSION = 7  # what opset 13 was released with; loads in any ONNX Runtime >= 1.6


# --------------------------------------------------------------------------------------------
# loading what extract.js wrote
# --------------------------------------------------------------------------------------------


def load_work(work):
    with open(os.path.join(work, "topology.json")) as f:
        topology = json.load(f)
    with open(os.path.join(work, "weights.json")) as f:
        index = json.load(f)
    blob = np.fromfile(os.path.join(work, "weights.bin"), dtype="<f4")
    weights = {}
    for e in index:
        start = e["offset"] // 4
        weights[e["name"]] = blob[start : start + e["length"]].reshape(e["shape"]).astype(np.float32)
    return topology, weights


def inbound_names(layer):
    nodes = layer["inbound_nodes"]
    if not nodes:
        return []
    if len(nodes) != 1:
        raise ValueError(f"{layer['name']}: shared layers are not supported")
    return [n[0] for n in nodes[0]]


def needed_layers(layers, cut):
    """Layers (in topological file order) that the cut layer's output depends on."""
    by_name = {l["name"]: l for l in layers}
    need, stack = set(), [cut]
    while stack:
        n = stack.pop()
        if n in need:
            continue
        need.add(n)
        stack.extend(inbound_names(by_name[n]))
    return [l for l in layers if l["name"] in need]


# --------------------------------------------------------------------------------------------
# Keras layers -> small IR (conv / affine / clip / add / pad), NCHW
# --------------------------------------------------------------------------------------------


def same_pads(size, k, stride):
    """TensorFlow 'SAME': out = ceil(in/stride); the odd pixel of padding goes at the end."""
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


def conv_out(size, k, stride, before, after):
    return (size + before + after - k) // stride + 1


def to_ir(layers, weights):
    """Returns (ops, output_name, input_name). Tensors are named after their Keras layer."""
    ops = []
    shapes = {}  # layer name -> (C, H, W)
    pending_pad = {}  # ZeroPadding2D layer name -> (input name, (top, bottom, left, right))
    input_name = None

    def resolve(name):
        """Input of a consumer; a zero-padding layer is resolved to its own input + pads."""
        if name in pending_pad:
            src, pads = pending_pad[name]
            return src, pads
        return name, (0, 0, 0, 0)

    def materialise_pad(name):
        src, (t, b, l_, r) = pending_pad.pop(name)
        c, h, w = shapes[src]
        ops.append(dict(op="pad", name=name, inputs=[src], pads=(t, b, l_, r)))
        shapes[name] = (c, h + t + b, w + l_ + r)

    consumers = {}
    for l in layers:
        for i in inbound_names(l):
            consumers.setdefault(i, []).append(l)

    for layer in layers:
        cls, cfg, name = layer["class_name"], layer["config"], layer["name"]
        ins = inbound_names(layer)
        if cfg.get("data_format", "channels_last") != "channels_last":
            raise ValueError(f"{name}: data_format {cfg['data_format']}")

        if cls == "InputLayer":
            _, h, w, c = cfg["batch_input_shape"]
            assert (h, w, c) == (SIZE, SIZE, 3), cfg["batch_input_shape"]
            shapes[name] = (c, h, w)
            input_name = name

        elif cls == "ZeroPadding2D":
            (t, b), (l_, r) = cfg["padding"]
            pending_pad[name] = (ins[0], (t, b, l_, r))
            # fused into the consumer when that is a single convolution, else a Pad op
            cons = consumers.get(name, [])
            if len(cons) != 1 or cons[0]["class_name"] not in ("Conv2D", "DepthwiseConv2D"):
                materialise_pad(name)

        elif cls in ("Conv2D", "DepthwiseConv2D"):
            src, (pt, pb, pl, pr) = resolve(ins[0])
            if ins[0] in pending_pad:
                del pending_pad[ins[0]]
            c, h, w = shapes[src]
            kh, kw = cfg["kernel_size"]
            sh, sw = cfg["strides"]
            if cfg.get("dilation_rate", [1, 1]) != [1, 1]:
                raise ValueError(f"{name}: dilation not supported")
            if cfg["activation"] != "linear":
                raise ValueError(f"{name}: fused activation {cfg['activation']} not supported")
            hp, wp = h + pt + pb, w + pl + pr
            if cfg["padding"] == "same":
                st, sb = same_pads(hp, kh, sh)
                sl, sr = same_pads(wp, kw, sw)
                pt, pb, pl, pr = pt + st, pb + sb, pl + sl, pr + sr
            elif cfg["padding"] != "valid":
                raise ValueError(f"{name}: padding {cfg['padding']}")
            oh = conv_out(h, kh, sh, pt, pb)
            ow = conv_out(w, kw, sw, pl, pr)
            if cls == "Conv2D":
                k = weights[f"{name}/kernel"]  # [kh, kw, cin, cout]
                assert k.shape[:3] == (kh, kw, c), (name, k.shape)
                wt = k.transpose(3, 2, 0, 1)  # [cout, cin, kh, kw]
                group = 1
            else:
                k = weights[f"{name}/depthwise_kernel"]  # [kh, kw, cin, mult]
                assert k.shape[:3] == (kh, kw, c), (name, k.shape)
                mult = k.shape[3]
                # TF output channel index = cin * mult + m
                wt = k.transpose(2, 3, 0, 1).reshape(c * mult, 1, kh, kw)
                group = c
            cout = wt.shape[0]
            bias = weights[f"{name}/bias"].astype(np.float64) if cfg.get("use_bias") else np.zeros(cout)
            ops.append(
                dict(
                    op="conv",
                    name=name,
                    inputs=[src],
                    w=wt.astype(np.float64),
                    b=bias,
                    strides=(sh, sw),
                    pads=(pt, pl, pb, pr),  # ONNX order: begins then ends
                    group=group,
                )
            )
            shapes[name] = (cout, oh, ow)

        elif cls == "BatchNormalization":
            if cfg.get("axis", -1) not in (-1, 3, [3], [-1]):
                raise ValueError(f"{name}: axis {cfg['axis']}")
            c = shapes[ins[0]][0]
            gamma = weights[f"{name}/gamma"].astype(np.float64) if cfg.get("scale", True) else np.ones(c)
            beta = weights[f"{name}/beta"].astype(np.float64) if cfg.get("center", True) else np.zeros(c)
            mean = weights[f"{name}/moving_mean"].astype(np.float64)
            var = weights[f"{name}/moving_variance"].astype(np.float64)
            scale = gamma / np.sqrt(var + cfg["epsilon"])
            ops.append(dict(op="affine", name=name, inputs=[ins[0]], scale=scale, shift=beta - mean * scale))
            shapes[name] = shapes[ins[0]]

        elif cls == "ReLU":
            if cfg.get("negative_slope", 0) != 0 or cfg.get("threshold", 0) != 0:
                raise ValueError(f"{name}: leaky/thresholded ReLU not supported")
            ops.append(dict(op="clip", name=name, inputs=[ins[0]], max=cfg.get("max_value")))
            shapes[name] = shapes[ins[0]]

        elif cls == "Activation":
            if cfg["activation"] != "relu":
                raise ValueError(f"{name}: activation {cfg['activation']} not supported")
            ops.append(dict(op="clip", name=name, inputs=[ins[0]], max=None))
            shapes[name] = shapes[ins[0]]

        elif cls in ("MaxPooling2D", "AveragePooling2D"):
            c, h, w = shapes[ins[0]]
            kh, kw = cfg["pool_size"]
            sh, sw = cfg["strides"]
            if cfg["padding"] == "same":
                pt, pb = same_pads(h, kh, sh)
                pl, pr = same_pads(w, kw, sw)
            elif cfg["padding"] == "valid":
                pt = pb = pl = pr = 0
            else:
                raise ValueError(f"{name}: padding {cfg['padding']}")
            ops.append(
                dict(op="maxpool" if cls == "MaxPooling2D" else "avgpool", name=name, inputs=[ins[0]],
                     kernel=(kh, kw), strides=(sh, sw), pads=(pt, pl, pb, pr))
            )
            shapes[name] = (c, conv_out(h, kh, sh, pt, pb), conv_out(w, kw, sw, pl, pr))

        elif cls == "Concatenate":
            if cfg.get("axis", -1) not in (-1, 3):
                raise ValueError(f"{name}: concat axis {cfg['axis']}")
            hw = {shapes[i][1:] for i in ins}
            assert len(hw) == 1, f"{name}: spatial shape mismatch {hw}"
            ops.append(dict(op="concat", name=name, inputs=list(ins)))
            shapes[name] = (sum(shapes[i][0] for i in ins),) + shapes[ins[0]][1:]

        elif cls == "Add":
            assert len({shapes[i] for i in ins}) == 1, f"{name}: shape mismatch"
            ops.append(dict(op="add", name=name, inputs=list(ins)))
            shapes[name] = shapes[ins[0]]

        else:
            raise ValueError(f"{name}: layer class {cls} not supported")

    return ops, layers[-1]["name"], input_name, shapes


def fold_batchnorm(ops):
    """Folds each affine (BatchNorm) into the convolution that feeds only it."""
    uses = {}
    for op in ops:
        for i in op["inputs"]:
            uses[i] = uses.get(i, 0) + 1
    by_name = {op["name"]: op for op in ops}
    out, renamed = [], {}
    for op in ops:
        op = dict(op, inputs=[renamed.get(i, i) for i in op["inputs"]])
        if op["op"] == "affine":
            src = by_name.get(op["inputs"][0])
            if src is not None and src["op"] == "conv" and uses[src["name"]] == 1:
                conv = next(o for o in out if o["name"] == src["name"])
                s = op["scale"]
                conv["w"] = conv["w"] * s[:, None, None, None]
                conv["b"] = conv["b"] * s + op["shift"]
                conv["folded"] = op["name"]
                renamed[op["name"]] = conv["name"]
                continue
        out.append(op)
    return out, renamed


# --------------------------------------------------------------------------------------------
# IR -> ONNX
# --------------------------------------------------------------------------------------------


def build(work, out_path):
    topology, weights = load_work(work)
    layers = topology["model_config"]["config"]["layers"]
    names = [l["name"] for l in layers]
    if CUT_LAYER not in names:
        raise ValueError(f"{CUT_LAYER} not in topology")
    sub = needed_layers(layers, CUT_LAYER)
    ops, last, input_layer, shapes = to_ir(sub, weights)
    assert last == CUT_LAYER
    ops, renamed = fold_batchnorm(ops)
    last = renamed.get(last, last)
    channels = shapes[CUT_LAYER][0]

    tname = {input_layer: "pixels"}
    nodes, inits = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr.astype(np.float32)), name))
        return name

    shared = set()

    def shared_const(name, value):
        if name not in shared:
            shared.add(name)
            const(name, np.array(value))
        return name

    counts = {"Conv": 0, "Clip": 0, "Add": 0, "Pad": 0, "Mul": 0}
    if NSFWJS_MODEL != "mobilenet_v2":
        counts.update({"MaxPool": 0, "AveragePool": 0, "Concat": 0})
    for op in ops:
        ins = [tname[i] for i in op["inputs"]]
        n = op["name"]
        out = n
        if op["op"] == "conv":
            kh, kw = op["w"].shape[2:]
            nodes.append(
                helper.make_node(
                    "Conv",
                    [ins[0], const(f"{n}/W", op["w"]), const(f"{n}/B", op["b"])],
                    [out],
                    name=n if "folded" not in op else f"{n}+{op['folded']}",
                    kernel_shape=[int(kh), int(kw)],
                    strides=list(op["strides"]),
                    pads=list(op["pads"]),
                    group=int(op["group"]),
                    dilations=[1, 1],
                )
            )
            counts["Conv"] += 1
        elif op["op"] == "affine":  # unfolded BatchNorm (not expected for MobileNetV2)
            c = op["scale"].shape[0]
            nodes.append(helper.make_node("Mul", [ins[0], const(f"{n}/scale", op["scale"].reshape(c, 1, 1))], [n + "/mul"]))
            nodes.append(helper.make_node("Add", [n + "/mul", const(f"{n}/shift", op["shift"].reshape(c, 1, 1))], [out], name=n))
            counts["Mul"] += 1
        elif op["op"] == "clip":
            clip_ins = [ins[0], shared_const("clip_min_0", 0.0)]
            if op["max"] is not None:
                clip_ins.append(shared_const(f"clip_max_{op['max']:g}", float(op["max"])))
            nodes.append(helper.make_node("Clip", clip_ins, [out], name=n))
            counts["Clip"] += 1
        elif op["op"] == "add":
            nodes.append(helper.make_node("Add", ins, [out], name=n))
            counts["Add"] += 1
        elif op["op"] in ("maxpool", "avgpool"):
            kind = "MaxPool" if op["op"] == "maxpool" else "AveragePool"
            attrs = dict(kernel_shape=list(op["kernel"]), strides=list(op["strides"]), pads=list(op["pads"]))
            if kind == "AveragePool":
                attrs["count_include_pad"] = 0  # TensorFlow averages over the valid pixels only
            nodes.append(helper.make_node(kind, ins, [out], name=n, **attrs))
            counts[kind] += 1
        elif op["op"] == "concat":
            nodes.append(helper.make_node("Concat", ins, [out], name=n, axis=1))
            counts["Concat"] += 1
        elif op["op"] == "pad":
            t, b, l_, r = op["pads"]
            pads = np.array([0, 0, t, l_, 0, 0, b, r], dtype=np.int64)
            inits.append(numpy_helper.from_array(pads, f"{n}/pads"))
            nodes.append(helper.make_node("Pad", [ins[0], f"{n}/pads"], [out], name=n, mode="constant"))
            counts["Pad"] += 1
        tname[op["name"]] = out

    nodes.append(helper.make_node("GlobalAveragePool", [tname[last]], ["gap"], name="global_average_pool"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["features"], name="flatten", axis=1))

    graph = helper.make_graph(
        nodes,
        MODEL_ID,
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["N", 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", channels])],
        initializer=inits,
    )
    with open(os.path.join(work, "sources.json")) as f:
        sources = json.load(f)
    if NSFWJS_MODEL == "mobilenet_v2":
        doc = (
            f"nsfwjs {sources['version']} mobilenet_v2 (Keras MobileNetV2, MIT) truncated at {CUT_LAYER} + "
            "GlobalAveragePool. Input pixels: float32 [N,3,224,224] RGB in [0,1] (no mean/std). "
            f"Output features: float32 [N,{channels}], not L2-normalised."
        )
    else:
        doc = (
            f"nsfwjs {sources['version']} {NSFWJS_MODEL} (Keras, MIT) truncated at {CUT_LAYER} + "
            f"GlobalAveragePool. Input pixels: float32 [N,3,{SIZE},{SIZE}] RGB in [0,1] (no mean/std). "
            f"Output features: float32 [N,{channels}], not L2-normalised."
        )
    model = helper.make_model(
        graph,
        producer_name="imgsearch nsfwjs-converter",
        producer_version="1",
        opset_imports=[helper.make_opsetid("", OPSET)],
        doc_string=doc,
    )
    model.ir_version = IR_VERSION
    helper.set_model_props(
        model,
        {
            "model_id": MODEL_ID,
            "source_package": f"nsfwjs@{sources['version']}",
            "source_files": ", ".join(f"{f['file']} sha256:{f['sha256']}" for f in sources["files"]),
            "cut_layer": CUT_LAYER,
            "input": f"pixels float32 [N,3,{SIZE},{SIZE}] RGB [0,1]",
            "output": f"features float32 [N,{channels}] raw global average pool",
        },
    )
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    out_shape = [d.dim_param or d.dim_value for d in inferred.graph.output[0].type.tensor_type.shape.dim]
    assert out_shape == ["N", channels], out_shape
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "wb") as f:
        f.write(model.SerializeToString())
    nparams = sum(int(np.prod(t.dims)) for t in inits)
    print(
        f"wrote {out_path}: {len(nodes)} nodes {counts}, {nparams} float params, "
        f"{os.path.getsize(out_path)} bytes, output [N,{channels}]"
    )
    return out_path


# --------------------------------------------------------------------------------------------
# verification with ONNX Runtime
# --------------------------------------------------------------------------------------------


def read_png_nchw(path):
    from PIL import Image

    im = Image.open(path)
    if im.mode != "RGB" or im.size != (SIZE, SIZE):
        raise ValueError(f"{path}: expected {SIZE}x{SIZE} RGB, got {im.size} {im.mode}")
    a = np.asarray(im, dtype=np.uint8).astype(np.float64) / 255.0  # same arithmetic as extract.js
    return a.astype(np.float32).transpose(2, 0, 1)[None]


def compare(got, ref):
    got = got.astype(np.float64).ravel()
    ref = ref.astype(np.float64).ravel()
    cos = float(got @ ref / (np.linalg.norm(got) * np.linalg.norm(ref)))
    return dict(max_abs_diff=float(np.max(np.abs(got - ref))), cosine=cos, ref_max=float(np.max(np.abs(ref))))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def verify(work, model_path, golden_dir, report_path=None, max_abs_tol=1e-3, min_cos=0.9999):
    import onnxruntime as ort

    sess = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    (inp,) = sess.get_inputs()
    (outp,) = sess.get_outputs()
    print(f"onnxruntime {ort.__version__}: input {inp.name} {inp.type} {inp.shape}, output {outp.name} {outp.type} {outp.shape}")
    assert inp.name == "pixels" and outp.name == "features"

    results, ok = [], True
    goldens = sorted(f for f in os.listdir(golden_dir) if f.endswith(".reference.json"))
    if not goldens:
        raise SystemExit(f"no *.reference.json in {golden_dir}")
    feats = {}
    for ref_file in goldens:
        with open(os.path.join(golden_dir, ref_file)) as f:
            ref = json.load(f)
        x = read_png_nchw(os.path.join(golden_dir, ref["input"]))
        got = sess.run(["features"], {"pixels": x})[0]
        assert got.shape[0] == 1, got.shape
        r = compare(got, np.array(ref["features"]))
        r["image"] = ref["input"]
        feats[ref["input"]] = got[0]
        ok &= r["max_abs_diff"] <= max_abs_tol and r["cosine"] >= min_cos
        results.append(r)
        print(f"  {ref['input']}: max|onnx-tfjs| = {r['max_abs_diff']:.3e} (max |ref| {r['ref_max']:.3f}), cosine = {r['cosine']:.10f} (1-cos {1 - r['cosine']:.1e})")

    rnd = os.path.join(work, "random-input.bin")
    if os.path.exists(rnd):
        x = np.fromfile(rnd, dtype="<f4").reshape(-1, SIZE, SIZE, 3).transpose(0, 3, 1, 2).copy()
        ref = np.fromfile(os.path.join(work, "random-ref.bin"), dtype="<f4").reshape(len(x), -1)
        got = sess.run(["features"], {"pixels": x})[0]
        for i in range(len(x)):
            r = compare(got[i], ref[i])
            r["image"] = f"random-noise-{i} (batch of {len(x)})"
            ok &= r["max_abs_diff"] <= max_abs_tol and r["cosine"] >= min_cos
            results.append(r)
            print(f"  {r['image']}: max|onnx-tfjs| = {r['max_abs_diff']:.3e}, cosine = {r['cosine']:.10f} (1-cos {1 - r['cosine']:.1e})")

    # batch consistency: the golden images as one batch give the same rows as one at a time
    names = sorted(feats)
    batch = np.concatenate([read_png_nchw(os.path.join(golden_dir, n)) for n in names])
    got = sess.run(["features"], {"pixels": batch})[0]
    batch_diff = float(max(np.max(np.abs(got[i] - feats[n])) for i, n in enumerate(names)))
    print(f"  batch of {len(names)} vs single: max diff {batch_diff:.3e}")

    def unit(v):
        return v / np.linalg.norm(v)

    pair_cos = {f"{a} ~ {b}": float(unit(feats[a]) @ unit(feats[b])) for i, a in enumerate(names) for b in names[i + 1 :]}
    for k, v in pair_cos.items():
        print(f"  cosine {k}: {v:.4f}")

    timing = {}
    for n in (1, 8):
        x = np.random.default_rng(0).random((n, 3, SIZE, SIZE), dtype=np.float32)
        for _ in range(5):
            sess.run(["features"], {"pixels": x})
        times = []
        for _ in range(max(10, 80 // n)):
            t0 = time.perf_counter()
            sess.run(["features"], {"pixels": x})
            times.append(time.perf_counter() - t0)
        dt = float(np.median(times))
        timing[f"batch{n}"] = dict(ms_per_batch=dt * 1e3, ms_per_image=dt * 1e3 / n, runs=len(times))
        print(f"  timing batch {n} (median of {len(times)}): {dt * 1e3:.1f} ms per batch, {dt * 1e3 / n:.2f} ms per image")

    report = dict(
        onnxruntime=ort.__version__,
        numpy=np.__version__,
        onnx=onnx.__version__,
        model_sha256=sha256_file(model_path),
        model_bytes=os.path.getsize(model_path),
        results=results,
        batch_vs_single_max_diff=batch_diff,
        golden_pair_cosines=pair_cos,
        timing=timing,
        cpu_threads=os.cpu_count(),
    )
    if report_path:
        with open(report_path, "w") as f:
            json.dump(report, f, indent=1)
    if not ok:
        raise SystemExit(f"verification FAILED (need max abs diff <= {max_abs_tol} and cosine >= {min_cos})")
    print("verification OK")
    return report


# --------------------------------------------------------------------------------------------
# PROVENANCE.md
# --------------------------------------------------------------------------------------------


def provenance(work, model_path, report_path, out_path):
    if NSFWJS_MODEL != "mobilenet_v2":
        return provenance_inception(work, model_path, report_path, out_path)
    with open(os.path.join(work, "sources.json")) as f:
        src = json.load(f)
    with open(report_path) as f:
        rep = json.load(f)
    files = "\n".join(f"| `{src['dir']}/{f['file']}` | {f['bytes']} | `{f['sha256']}` |" for f in src["files"])
    rows = "\n".join(
        f"| {r['image']} | {r['max_abs_diff']:.2e} | {r['cosine']:.10f} | {1 - r['cosine']:.1e} |" for r in rep["results"]
    )
    pairs = "\n".join(f"- {k}: {v:.4f}" for k, v in rep["golden_pair_cosines"].items())
    text = f"""# Provenance of `model.onnx` ({MODEL_ID})

Generated by `embedder/tools/nsfwjs-converter/run.sh`; do not edit by hand (re-run the script).

## Source
- npm package **`nsfwjs@{src['version']}`** (MIT, Copyright (c) 2019 Infinite Red, Inc.; licence text in `LICENSE`
  beside this file, copied verbatim from `node_modules/nsfwjs/LICENSE`).
- Model: `mobilenet_v2`, a TFJS *layers* model (Keras 2.2.4 export, `model_1`) whose topology and uint8-quantised
  weights are base64-embedded in UMD JavaScript bundles:

| file | bytes | sha256 |
| --- | --- | --- |
{files}

- Architecture: MobileNetV2 as defined by Keras Applications (`keras.applications.mobilenet_v2`, Apache-2.0);
  the layer names (`Conv1`, `block_N_expand`, `block_N_depthwise`, `block_N_project`, ...) are Keras's.
  nsfwjs retrained the top of the network for its 5 NSFW classes; only the part up to block 13's expansion is used here.
- Loaded and dequantised by `@tensorflow/tfjs@{src['tfjs']}` (pure-JS `{src['tfjsBackend']}` backend), exactly as nsfwjs
  itself loads it (`tf.loadLayersModel` on the in-memory artifacts).

## What was changed
1. **Truncated** at layer `{CUT_LAYER}` (output 14x14x576 for a 224x224 input); everything after it
   (block 13 depthwise/project, blocks 14-16, `Conv_1`, pooling and the NSFW classifier head) is dropped.
2. **GlobalAveragePool + Flatten** appended: output `features` float32 `[N,576]`, the plain mean over the 14x14 grid,
   **not** L2-normalised (the caller normalises).
3. **Dequantised**: the uint8 weights (`value = min + scale * q`, per tensor) are stored as float32, as TFJS computes them.
4. **BatchNorm folded** into the preceding convolution (`W' = W * gamma/sqrt(var+eps)`, `b' = beta - mean * gamma/sqrt(var+eps)`,
   eps = 0.001, computed in float64 then rounded to float32).
5. Layout **NHWC -> NCHW**: Keras kernels `[kh,kw,cin,cout]` -> ONNX `[cout,cin,kh,kw]`; depthwise kernels
   `[kh,kw,c,1]` -> grouped Conv (`group = c`) with `[c,1,kh,kw]`.
6. `ReLU(max_value=6)` -> `Clip(0, 6)`; residual `Add` -> `Add`.
7. Padding: Keras `ZeroPadding2D(((0,1),(0,1)))` before each stride-2 conv (`Conv1`, `block_1/3/6_depthwise`, all `valid`)
   is folded into that Conv's `pads` = `[top=0, left=0, bottom=1, right=1]`; `same` 3x3 stride-1 convs get `[1,1,1,1]`
   (TensorFlow's rule: `total = max((ceil(in/s)-1)*s + k - in, 0)`, `before = total // 2`, the rest after).
8. ONNX opset {OPSET}, IR version {IR_VERSION}; ops used: Conv, Clip, Add, GlobalAveragePool, Flatten.

## Interface
- input `pixels`: float32 `[N,3,224,224]`, NCHW, RGB order, values = 8-bit value / 255 (no mean/std), N dynamic.
- output `features`: float32 `[N,576]`.

## Result
- `model.onnx`: {rep['model_bytes']} bytes, sha256 `{rep['model_sha256']}`.

## Verification (ONNX Runtime {rep['onnxruntime']} CPU vs TFJS {src['tfjs']} reference, 576 raw features)

| input | max abs diff | cosine | 1 - cosine |
| --- | --- | --- | --- |
{rows}

Batch of 3 golden images vs one at a time (ONNX Runtime): max diff {rep['batch_vs_single_max_diff']:.1e}.

Cosine between the L2-normalised ONNX features of the golden images (raw features are post-ReLU6 averages, all
non-negative, so unrelated photos still score ~0.88; compare relative values):

{pairs}

Golden images and references: `embedder/core/src/test/resources/golden/` (`*.reference.json` computed by TFJS from exactly the PNG
pixels / 255). The golden photos are centre-cropped, resized samples from Debian's `opencv-doc` 4.6.0
(`examples/data/`, OpenCV sample data); see `embedder/tools/nsfwjs-converter/README.md`.
"""
    with open(out_path, "w") as f:
        f.write(text)
    print(f"wrote {out_path}")


def provenance_inception(work, model_path, report_path, out_path):
    with open(os.path.join(work, "sources.json")) as f:
        src = json.load(f)
    with open(report_path) as f:
        rep = json.load(f)
    import onnxruntime as ort

    sess = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    channels = sess.get_outputs()[0].shape[1]
    files = "\n".join(f"| `{src['dir']}/{f['file']}` | {f['bytes']} | `{f['sha256']}` |" for f in src["files"])
    rows = "\n".join(
        f"| {r['image']} | {r['max_abs_diff']:.2e} | {r['cosine']:.10f} | {1 - r['cosine']:.1e} |" for r in rep["results"]
    )
    pairs = "\n".join(f"- {k}: {v:.4f}" for k, v in rep["golden_pair_cosines"].items())
    text = f"""# Provenance of `model.onnx` ({MODEL_ID})

Generated by `embedder/tools/nsfwjs-converter/run.sh inceptionv3`; do not edit by hand (re-run the script).

## Source
- npm package **`nsfwjs@{src['version']}`** (MIT, Copyright (c) 2019 Infinite Red, Inc.; licence text in `LICENSE`
  beside this file, copied verbatim from `node_modules/nsfwjs/LICENSE`).
- Model: `{NSFWJS_MODEL}`, a TFJS *layers* model (Keras 2.2.4 export) whose topology and uint8-quantised weights are
  base64-embedded in UMD JavaScript bundles:

| file | bytes | sha256 |
| --- | --- | --- |
{files}

- Architecture: InceptionV3 as defined by Keras Applications (`keras.applications.inception_v3`, Apache-2.0;
  layer names `conv2d_N`, `batch_normalization_N`, `activation_N`, `mixedN`). nsfwjs retrained the top of the network
  for its 5 NSFW classes; only the part up to the `{CUT_LAYER}` block output is used here.
- Loaded and dequantised by `@tensorflow/tfjs@{src['tfjs']}` (pure-JS `{src['tfjsBackend']}` backend), exactly as
  nsfwjs itself loads it (`tf.loadLayersModel` on the in-memory artifacts).

## What was changed
1. **Truncated** at layer `{CUT_LAYER}` (the concatenation ending the 4th 17x17 Inception block, output 17x17x{channels}
   for a {SIZE}x{SIZE} input); `mixed8`-`mixed10`, pooling and the NSFW classifier head are dropped.
2. **GlobalAveragePool + Flatten** appended: output `features` float32 `[N,{channels}]`, not L2-normalised.
3. **Dequantised** uint8 weights stored as float32, as TFJS computes them.
4. **BatchNorm folded** into the preceding bias-free convolution (Keras InceptionV3 BN has `scale=False`: gamma = 1),
   computed in float64 then rounded to float32.
5. Layout **NHWC -> NCHW** (kernels `[kh,kw,cin,cout]` -> `[cout,cin,kh,kw]`); `Activation('relu')` -> `Clip(min=0)`;
   `MaxPooling2D` -> `MaxPool`; `AveragePooling2D(3, strides=1, 'same')` -> `AveragePool` with pads 1 and
   `count_include_pad=0` (TensorFlow averages over valid pixels only); `Concatenate(axis=-1)` -> `Concat(axis=1)`;
   TensorFlow `same` padding computed per axis (1x7 / 7x1 kernels included).
6. ONNX opset {OPSET}, IR version {IR_VERSION}; ops used: Conv, Clip, MaxPool, AveragePool, Concat, GlobalAveragePool,
   Flatten.

## Interface
- input `pixels`: float32 `[N,3,{SIZE},{SIZE}]`, NCHW, RGB order, values = 8-bit value / 255 (no mean/std), N dynamic.
- output `features`: float32 `[N,{channels}]`.

## Result
- `model.onnx`: {rep['model_bytes']} bytes, sha256 `{rep['model_sha256']}`.

## Verification (ONNX Runtime {rep['onnxruntime']} CPU vs TFJS {src['tfjs']} reference, {channels} raw features)

| input | max abs diff | cosine | 1 - cosine |
| --- | --- | --- | --- |
{rows}

Batch of 3 golden images vs one at a time (ONNX Runtime): max diff {rep['batch_vs_single_max_diff']:.1e}.

Cosine between the L2-normalised ONNX features of the golden images:

{pairs}

Golden images and references: `embedder/core/src/test/resources/golden-{SIZE}/` (`*.reference.json` computed by TFJS from
exactly the PNG pixels / 255); the photos are centre-cropped, resized samples from Debian's `opencv-doc` 4.6.0.
"""
    with open(out_path, "w") as f:
        f.write(text)
    print(f"wrote {out_path}")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--work", required=True)
    b.add_argument("--out", required=True)
    v = sub.add_parser("verify")
    v.add_argument("--work", required=True)
    v.add_argument("--model", required=True)
    v.add_argument("--golden", required=True)
    v.add_argument("--report")
    pv = sub.add_parser("provenance")
    pv.add_argument("--work", required=True)
    pv.add_argument("--model", required=True)
    pv.add_argument("--report", required=True)
    pv.add_argument("--out", required=True)
    a = p.parse_args(argv)
    if a.cmd == "build":
        build(a.work, a.out)
    elif a.cmd == "verify":
        verify(a.work, a.model, a.golden, a.report)
    else:
        provenance(a.work, a.model, a.report, a.out)


if __name__ == "__main__":
    main(sys.argv[1:])
