#!/usr/bin/env bash
# End-to-end: an nsfwjs@4.4.0 TFJS layers model -> ONNX (cut layer + GAP), TFJS golden references, ONNX Runtime
# verification, outputs copied into the embedder module. Needs only node/npm and python3 (with venv). Idempotent: safe
# to re-run; outputs are reproduced byte for byte.
#
#   run.sh [mobilenetv2]   nsfwjs-mobilenetv2-b13: MobileNetV2, block_13_expand_relu + GAP, 576-d, 224x224 (default)
#   run.sh inceptionv3     nsfwjs-inceptionv3-mixed7: InceptionV3, mixed7 + GAP, 768-d, 299x299 (the TFJS pure-JS
#                          reference run takes a few minutes, ~4 GFLOPs per image)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EMBEDDER="$(cd "$HERE/../.." && pwd)"
case "${1:-mobilenetv2}" in
  mobilenetv2)
    # extract.js / convert.py / make_golden_inputs.py default to this model
    MODEL_ID=nsfwjs-mobilenetv2-b13 SIZE=224 GOLDEN=golden WORK="$HERE/work" RANDOM_INPUTS=2 ;;
  inceptionv3)
    export NSFWJS_MODEL=inception_v3 CUT_LAYER=mixed7
    MODEL_ID=nsfwjs-inceptionv3-mixed7 SIZE=299 GOLDEN=golden-299 WORK="$HERE/work-inception" RANDOM_INPUTS=1
    export MODEL_ID SIZE ;;
  *) echo "usage: $0 [mobilenetv2|inceptionv3]" >&2; exit 2 ;;
esac
MODEL_DIR="$EMBEDDER/core/src/main/resources/models/$MODEL_ID"
GOLDEN_DIR="$EMBEDDER/core/src/test/resources/$GOLDEN"
VENV="$HERE/.venv"
PY="$VENV/bin/python"
cd "$HERE"

echo "== 1/6 npm ci (nsfwjs, @tensorflow/tfjs pure-JS CPU backend, pngjs)"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

echo "== 2/6 python venv (onnx, numpy, onnxruntime, pillow)"
if [ ! -x "$PY" ]; then
  python3 -m venv "$VENV"
fi
"$PY" -m pip install --quiet --disable-pip-version-check -r requirements.txt

echo "== 3/6 golden input PNGs (${SIZE}x${SIZE})"
mkdir -p "$GOLDEN_DIR"
GOLDEN_PNGS=("input-$SIZE.png" "input2-$SIZE.png" "input3-$SIZE.png")
for f in "${GOLDEN_PNGS[@]}"; do
  if [ ! -f "$GOLDEN_DIR/$f" ]; then
    # only when a PNG is missing: needs Debian's opencv-doc sample photos
    "$PY" make_golden_inputs.py "$GOLDEN_DIR"
    break
  fi
done

echo "== 4/6 extract TFJS model + TFJS reference features"
rm -rf "$WORK"
PNG_ARGS=()
for f in "${GOLDEN_PNGS[@]}"; do
  PNG_ARGS+=(--png "$GOLDEN_DIR/$f:$GOLDEN_DIR/${f%.png}.reference.json")
done
node extract.js --work "$WORK" --random "$RANDOM_INPUTS" "${PNG_ARGS[@]}"

echo "== 5/6 build ONNX + verify with onnxruntime"
"$PY" convert.py build --work "$WORK" --out "$WORK/model.onnx"
"$PY" convert.py verify --work "$WORK" --model "$WORK/model.onnx" --golden "$GOLDEN_DIR" --report "$WORK/report.json"

echo "== 6/6 copy outputs to $MODEL_DIR"
mkdir -p "$MODEL_DIR"
cp "$WORK/model.onnx" "$MODEL_DIR/model.onnx"
cp node_modules/nsfwjs/LICENSE "$MODEL_DIR/LICENSE"
"$PY" convert.py provenance --work "$WORK" --model "$MODEL_DIR/model.onnx" --report "$WORK/report.json" \
  --out "$MODEL_DIR/PROVENANCE.md"
sha256sum "$MODEL_DIR/model.onnx"
echo "done"
