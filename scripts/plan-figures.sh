#!/usr/bin/env bash
# Re-measures the per-core figures of `imgsearch plan` (CapacityModel) with `imgsearch bench --cluster`:
# the Flink job runs in its own JobManager/TaskManager processes, so its CPU per image is measured apart
# from Kafka, the S3 server, ingest-stream, the query API and the bench client. Runs ROUNDS rounds of
# the four plan settings, interleaved, and appends every result table to OUT (markdown).
#   scripts/plan-figures.sh [rounds] [out.md]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
out=${2:-/tmp/plan-figures.md}
settings=(
  "0.3 MP, detect none|--burst 600"
  "2 MP, detect none|--burst 200 --rate 10 --width 1632 --height 1224"
  "0.3 MP, detect objects|--burst 100 --rate 2 --embedder-option detect=objects"
  "0.3 MP, detect objects,faces|--burst 100 --rate 2 --embedder-option detect=objects,faces"
)
for round in $(seq 1 "$rounds"); do
  for s in "${settings[@]}"; do
    name=${s%%|*}
    args=${s#*|}
    echo "## round $round: $name ($(date -u +%H:%M) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out"
    # shellcheck disable=SC2086
    ./imgsearch bench --cluster --seconds 5 --warm-up-seconds 5 --queries 10 $args --markdown "$out" \
      | grep -E "CPU:|searchable in|stack up" || echo "(bench failed: see above)" | tee -a "$out"
  done
done
