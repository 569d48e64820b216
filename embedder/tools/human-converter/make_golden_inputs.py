"""Makes the golden PNGs (already at each model's input size) for the detector/face golden tests from Debian's
opencv-doc sample photos. Only needed once: the PNGs are committed; run.sh recomputes the TFJS references from them.

Each input is a fixed crop of a photo (the whole frame for the object detector) resized with Pillow (bilinear for the
object detector, as upstream stretches the frame; LANCZOS otherwise), saved as an 8-bit RGB PNG with only
IHDR/IDAT/IEND chunks so that Java ImageIO, pngjs and Pillow decode the same bytes.

usage: make_golden_inputs.py OUT_DIR [--src DIR]
"""

import argparse
import os

import numpy as np
from PIL import Image

SRC = "/usr/share/doc/opencv-doc/examples/data"

# (file, source photo, crop box (left, top, right, bottom) or None for the whole frame, size, resample)
GOLDENS = [
    ("centernet-512.png", "basketball1.png", None, 512, Image.BILINEAR),
    ("centernet2-512.png", "messi5.jpg", None, 512, Image.BILINEAR),
    ("blazeface-256.png", "messi5.jpg", (130, 0, 330, 200), 256, Image.LANCZOS),
    ("blazeface2-256.png", "basketball1.png", (0, 0, 300, 300), 256, Image.LANCZOS),
    ("faceres-224.png", "messi5.jpg", (192, 48, 280, 136), 224, Image.LANCZOS),
]


def make(src, box, size, resample, out):
    im = Image.open(src).convert("RGB")
    if box:
        im = im.crop(box)
    im = im.resize((size, size), resample)
    Image.fromarray(np.asarray(im, dtype=np.uint8), mode="RGB").save(out, format="PNG", optimize=False, compress_level=9)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--src", default=SRC)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, photo, box, size, resample in GOLDENS:
        make(os.path.join(args.src, photo), box, size, resample, os.path.join(args.out, name))
        print(name, "from", photo, box or "whole frame")


if __name__ == "__main__":
    main()
