#!/usr/bin/env bash
# nsfwjs@4.4.0 InceptionV3 (TFJS layers) -> ONNX (mixed7 + GAP, 768-d), TFJS golden references at 299x299,
# ONNX Runtime verification, outputs copied into the embedder module. Same tools as run.sh (run that once first for
# node_modules and .venv). The TFJS pure-JS reference run takes a few minutes (~4 GFLOPs per image).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EMBEDDER="$(cd "$HERE/../.." && pwd)"
export NSFWJS_MODEL=inception_v3 CUT_LAYER=mixed7 MODEL_ID=nsfwjs-inceptionv3-mixed7 SIZE=299
MODEL_DIR="$EMBEDDER/src/main/resources/models/$MODEL_ID"
GOLDEN_DIR="$EMBEDDER/src/test/resources/golden-299"
WORK="$HERE/work-inception"
PY="$HERE/.venv/bin/python"
cd "$HERE"
[ -d node_modules/nsfwjs ] && [ -x "$PY" ] || { echo "run run.sh first (npm ci + venv)"; exit 1; }

echo "== 1/4 golden input PNGs (299x299)"
mkdir -p "$GOLDEN_DIR"
GOLDEN_PNGS=(input-299.png input2-299.png input3-299.png)
for f in "${GOLDEN_PNGS[@]}"; do
  if [ ! -f "$GOLDEN_DIR/$f" ]; then
    "$PY" make_golden_inputs.py "$GOLDEN_DIR"
    break
  fi
done

echo "== 2/4 extract TFJS model + TFJS reference features"
rm -rf "$WORK"
PNG_ARGS=()
for f in "${GOLDEN_PNGS[@]}"; do
  PNG_ARGS+=(--png "$GOLDEN_DIR/$f:$GOLDEN_DIR/${f%.png}.reference.json")
done
node extract.js --work "$WORK" --random 1 "${PNG_ARGS[@]}"

echo "== 3/4 build ONNX + verify with onnxruntime"
"$PY" convert.py build --work "$WORK" --out "$WORK/model.onnx"
"$PY" convert.py verify --work "$WORK" --model "$WORK/model.onnx" --golden "$GOLDEN_DIR" --report "$WORK/report.json"

echo "== 4/4 copy outputs to $MODEL_DIR"
mkdir -p "$MODEL_DIR"
cp "$WORK/model.onnx" "$MODEL_DIR/model.onnx"
cp node_modules/nsfwjs/LICENSE "$MODEL_DIR/LICENSE"
"$PY" convert.py provenance --work "$WORK" --model "$MODEL_DIR/model.onnx" --report "$WORK/report.json" \
  --out "$MODEL_DIR/PROVENANCE.md"
sha256sum "$MODEL_DIR/model.onnx"
echo "done"
