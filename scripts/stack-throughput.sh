#!/usr/bin/env bash
# Whole-stack throughput with uploads from a separate client process (issue #18's "whole stack ≥ 0.5 of the
# embedder job alone"): starts `imgsearch local` (embedded store), warms it up, then uploads the frames of
# opencv-doc's vtest.avi scaled to 640×480 (0.3 MP) with `imgsearch ingest` in its own JVM and reports images/s
# between the first and the last frame becoming searchable (the definition EmbedderBenchmarkIT uses for the
# job alone: first to last embedding).
#   [WARM_ROUNDS=1] [CHECKPOINT=PT1S] [STACK_JAVA_OPTS=...] scripts/stack-throughput.sh [runs=3] [parallel uploads=16]
# WARM_ROUNDS: how many times all frames are uploaded (under other sources) before the measured round, so that the
# JIT has compiled the hot paths (a long-running stack's steady state); 0 warms up with 200 frames only.
# STACK_JAVA_OPTS: JVM options for `imgsearch local` only, not the upload client (e.g. -XX:TieredStopAtLevel=4 to
# compare the launcher's C1-only stack with the JVM's default JIT).
# Needs: ffmpeg and the footage (Debian: `apt-get install ffmpeg opencv-doc`; VTEST=FILE takes any other video),
# a built project (./imgsearch builds it). Ports: HTTP_PORT, KAFKA_PORT, S3_PORT (default 18080, 19092, 19000).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
PAR=${2:-16}
VTEST=${VTEST:-/usr/share/doc/opencv-doc/examples/data/vtest.avi}
HTTP=${HTTP_PORT:-18080} KAFKA=${KAFKA_PORT:-19092} S3=${S3_PORT:-19000}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/frames" "$WORK/warm"
ffmpeg -loglevel error -i "$VTEST" -vf scale=640:480 -q:v 3 "$WORK/frames/%04d.jpg"
N=$(ls "$WORK/frames" | wc -l)
WARM_ROUNDS=${WARM_ROUNDS:-1}
cp $(ls -d "$WORK"/frames/* | head -200) "$WORK/warm/"
cpu_ms() { # CPU time (user + system) of the given processes, in ms
  local total=0 p
  for p in "$@"; do
    [[ -r /proc/$p/stat ]] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo $((total * 1000 / $(getconf CLK_TCK)))
}
count() { curl -sf "http://127.0.0.1:$HTTP/v1/stats" | sed -n 's/.*"count":\([0-9]*\).*/\1/p'; }
wait_count() { # wait_count FROM TARGET → prints epoch millis of first count > FROM and of reaching TARGET
  local from=$1 target=$2 first="" c
  while true; do
    c=$(count || echo 0); c=${c:-0}
    if [[ -z $first && $c -gt $from ]]; then first=$(date +%s%3N); fi
    if [[ $c -ge $target ]]; then echo "$first $(date +%s%3N)"; return; fi
    sleep 0.05
  done
}
for run in $(seq 1 "$RUNS"); do
  IMGSEARCH_JAVA_OPTS="${STACK_JAVA_OPTS:-}" ./imgsearch local --data-dir "$WORK/stack$run" --http-port "$HTTP" --kafka-port "$KAFKA" --s3-port "$S3" \
      --checkpoint-interval "${CHECKPOINT:-PT1S}" > "$WORK/local$run.log" 2>&1 &
  STACK=$!
  until grep -q "imgsearch is running" "$WORK/local$run.log"; do sleep 1; kill -0 $STACK; done
  S3ARGS=(--endpoint "http://127.0.0.1:$S3" -p "$PAR")
  load0=$(cut -d' ' -f1 /proc/loadavg)
  ./imgsearch ingest "${S3ARGS[@]}" --source warm "$WORK/warm" > /dev/null
  wait_count 0 200 > /dev/null
  WARM=200
  for w in $(seq 1 "$WARM_ROUNDS"); do
    ./imgsearch ingest "${S3ARGS[@]}" --source "warm$w" "$WORK/frames" > /dev/null
    WARM=$((WARM + N)); wait_count 0 $WARM > /dev/null
  done
  S3PID=$(pgrep -P $STACK | head -1)
  ( TIMEFORMAT='%U %S'; time ./imgsearch ingest "${S3ARGS[@]}" --source cam "$WORK/frames" > /dev/null ) \
      2> "$WORK/client.time" &
  INGEST=$!
  jvm0=$(cpu_ms $STACK); s30=$(cpu_ms "$S3PID")
  read -r first last < <(wait_count $WARM $((WARM + N)))
  jvm1=$(cpu_ms $STACK); s31=$(cpu_ms "$S3PID")
  wait $INGEST
  client=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$WORK/client.time")
  rate=$(awk -v n="$N" -v ms=$((last - first)) 'BEGIN { printf "%.1f", (n - 1) * 1000 / ms }')
  echo "run $run $(date -u +%H:%M) UTC: $N frames 640×480, first→last searchable $((last - first)) ms = $rate images/s (load $load0 → $(cut -d' ' -f1 /proc/loadavg)); core-ms per image: pipeline JVM $(( (jvm1 - jvm0) / N )), S3 server $(( (s31 - s30) / N )), upload client $((client / N)) (whole process)"
  kill $STACK; wait $STACK 2>/dev/null || true
done
