#!/usr/bin/env python3
"""Makes the 224x224 golden PNGs for the embedder tests from Debian's opencv-doc sample photos.

Only needed once: the PNGs are committed, and run.sh recomputes the TFJS references from the committed PNGs.
Needs `apt-get install opencv-doc` (photos under /usr/share/doc/opencv-doc/examples/data/) and Pillow.

Each photo is centre-cropped to a square and resized to 224x224 (Pillow LANCZOS), then written as an
8-bit RGB PNG with only IHDR/IDAT/IEND chunks (no alpha, gamma, ICC, sRGB or pHYs), so that any decoder
(Java ImageIO, pngjs, Pillow) yields exactly the same bytes.

usage: make_golden_inputs.py OUT_DIR [--src DIR] [--force]
"""

import argparse
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image

SIZE = int(os.environ.get("SIZE", "224"))
SRC = "/usr/share/doc/opencv-doc/examples/data"

# (output file, source photo, role in the tests)
GOLDENS = [
    (f"input-{SIZE}.png", "orange.jpg", "an orange on a green cloth"),
    (f"input2-{SIZE}.png", "apple.jpg", "an apple on a green cloth: SIMILAR to input (same setting, another fruit)"),
    (f"input3-{SIZE}.png", "building.jpg", "a modern office building: DISSIMILAR to input and input2"),
]


def png_chunks(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        ctype = data[pos + 4 : pos + 8]
        crc = struct.unpack(">I", data[pos + 8 + n : pos + 12 + n])[0]
        assert zlib.crc32(ctype + data[pos + 8 : pos + 8 + n]) == crc
        chunks.append(ctype.decode())
        pos += 12 + n
    return chunks


def make(src_path, out_path):
    im = Image.open(src_path).convert("RGB")
    w, h = im.size
    s = min(w, h)
    left, top = (w - s) // 2, (h - s) // 2
    im = im.crop((left, top, left + s, top + s)).resize((SIZE, SIZE), Image.LANCZOS)
    # rebuild from raw bytes so no metadata (ICC profile, dpi, exif) from the JPEG can leak into the PNG
    clean = Image.fromarray(np.asarray(im, dtype=np.uint8), mode="RGB")
    clean.save(out_path, format="PNG", optimize=False, compress_level=9)
    chunks = png_chunks(out_path)
    if set(chunks) != {"IHDR", "IDAT", "IEND"}:
        raise SystemExit(f"{out_path}: unexpected PNG chunks {chunks}")
    back = Image.open(out_path)
    assert back.mode == "RGB" and back.size == (SIZE, SIZE)
    assert np.array_equal(np.asarray(back), np.asarray(clean))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out_dir")
    p.add_argument("--src", default=SRC)
    p.add_argument("--force", action="store_true", help="overwrite existing PNGs")
    a = p.parse_args(argv)
    os.makedirs(a.out_dir, exist_ok=True)
    for out, photo, role in GOLDENS:
        out_path = os.path.join(a.out_dir, out)
        if os.path.exists(out_path) and not a.force:
            print(f"{out_path} exists, kept")
            continue
        src_path = os.path.join(a.src, photo)
        if not os.path.exists(src_path):
            raise SystemExit(f"{src_path} missing: apt-get install opencv-doc (or keep the committed PNGs)")
        make(src_path, out_path)
        print(f"{src_path} -> {out_path} ({role})")


if __name__ == "__main__":
    main(sys.argv[1:])
