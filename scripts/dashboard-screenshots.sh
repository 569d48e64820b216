#!/usr/bin/env bash
# Screenshots of the Grafana dashboard (k8s/base/monitoring/dashboards/imgsearch.json) for the docs, without Grafana:
# the documented equivalent of Grafana's image renderer (docs/runbook.md, "Screenshots").
#   1. starts `./imgsearch local` (its own data dir and ports) and a real Prometheus (Debian's `prometheus` package,
#      scripts/deps/promtool.sh) with the runbook's configuration ("### Locally": the scrape targets and their labels,
#      read from docs/runbook.md) and the rule groups of k8s/base/monitoring/prometheus-rules.yaml;
#   2. drives load for a few minutes: `./imgsearch ingest` of the sample photos under several sources, searches,
#      bad searches (4xx), deletes, poison files (a .jpg that is no image → embedder dead letter; an upload whose tags
#      are over the limit → ingest-stream dead letter; a text file → skipped by ingest-stream);
#   3. runs every panel's own PromQL targets (template variables substituted) through Prometheus's query_range and
#      draws them at the panels' positions (docs/render/render_dashboard.py, uPlot from npm into docs/render/node_modules),
#   4. screenshots the page with headless Chromium into docs/img/dashboard.png.
# A documentation tool: not part of CI or `./imgsearch test`. Needs a JDK, python3, node/npm, curl and apt-get (for
# Debian's prometheus, chromium, opencv-doc and pngquant packages). Takes about LOAD_SECONDS + 3 minutes.
#   scripts/dashboard-screenshots.sh [OUT.png]      env: LOAD_SECONDS (default 420), PORT_BASE (default 18000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:-docs/img/dashboard.png}
load_seconds=${LOAD_SECONDS:-420}
base=${PORT_BASE:-18000}
http_port=$((base + 80)) s3_port=$((base + 900)) kafka_port=$((base + 92)) prom_port=$((base + 90))
work="$root/target/dashboard-screenshots"
rm -rf "$work"
mkdir -p "$work"
log() { echo "== $(date -u +%H:%M:%S) $*"; }

log "dependencies: prometheus (Debian), chromium (Debian), sample photos (Debian opencv-doc), uPlot (npm)"
bash scripts/deps/promtool.sh >/dev/null
bash scripts/deps/chromium.sh
bash scripts/deps/photos.sh
if ! command -v pngquant >/dev/null 2>&1; then   # Debian's pngquant keeps the PNG small (256 colours)
  apt=(apt-get); [ "$(id -u)" -eq 0 ] || apt=(sudo apt-get)
  "${apt[@]}" install -y -qq pngquant >/dev/null 2>&1 || { "${apt[@]}" update -qq && "${apt[@]}" install -y -qq pngquant >/dev/null; }
fi
(cd docs/render && npm ci --silent --no-audit --no-fund)
prometheus="$root/.tools/bin/prometheus"
chromium=$(command -v chromium)

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

log "starting ./imgsearch local (log: $work/local.log)"
./imgsearch local --data-dir "$work/data" --http-port "$http_port" --s3-port "$s3_port" --kafka-port "$kafka_port" \
  > "$work/local.log" 2>&1 &
pids+=($!)
api="http://127.0.0.1:$http_port"
s3="http://127.0.0.1:$s3_port"
for _ in $(seq 1 900); do
  grep -q "imgsearch is running" "$work/local.log" && curl -sf "$api/readyz" >/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { tail -n 40 "$work/local.log" >&2; echo "./imgsearch local failed" >&2; exit 1; }
  sleep 1
done
curl -sf "$api/readyz" >/dev/null || { echo "the local stack did not become ready in 15 min" >&2; exit 1; }
# the metrics ports (9404 and 9249, or the next free ones) as the stack logged them
port_of() { grep -o "$1 on http://[^ ]*" "$work/local.log" | head -n1 | sed -E 's#.*:([0-9]+)/?.*#\1#'; }
ingest_metrics=$(port_of "ingest-stream metrics")
flink_metrics=$(port_of "Flink metrics (embedder job, indexer sink)")
log "stack ready: api $api, s3 $s3, ingest-stream metrics :$ingest_metrics, Flink metrics :$flink_metrics"

# The runbook's Prometheus configuration (the first yaml block after "### Locally"), with the ports of this stack
awk '/^### Locally/{f=1} f&&/^```yaml/{p=1; next} p&&/^```/{exit} p' docs/runbook.md \
  | sed -e "s/127.0.0.1:8080/127.0.0.1:$http_port/" -e "s/127.0.0.1:9404/127.0.0.1:$ingest_metrics/" \
        -e "s/127.0.0.1:9249/127.0.0.1:$flink_metrics/" > "$work/prometheus.yml"
grep -q "job_name: query-api" "$work/prometheus.yml" || { echo "no Prometheus configuration in docs/runbook.md" >&2; exit 1; }
scrape_interval=$(sed -nE 's/^ *scrape_interval: *([0-9]+)s.*/\1/p' "$work/prometheus.yml" | head -n1)
# imgsearch-rules.yaml: the PrometheusRule's spec (its groups: list), un-indented, as the runbook describes
sed -n '/^spec:/,$p' k8s/base/monitoring/prometheus-rules.yaml | tail -n +2 | sed 's/^  //' > "$work/imgsearch-rules.yaml"
"$root/.tools/bin/promtool" check config "$work/prometheus.yml" >/dev/null

log "starting Prometheus $("$prometheus" --version 2>&1 | head -n1 | awk '{print $3}') on :$prom_port (scrape every ${scrape_interval}s)"
"$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
  --web.listen-address="127.0.0.1:$prom_port" > "$work/prometheus.log" 2>&1 &
pids+=($!)
prom="http://127.0.0.1:$prom_port"
for _ in $(seq 1 60); do curl -sf "$prom/-/ready" >/dev/null && break; sleep 1; done
start=$(date +%s)

# --- load ----------------------------------------------------------------------------------------------------------
photos=("$root"/.tools/photos/*.jpg)
cli() { ./imgsearch "$@" >> "$work/load.log" 2>&1 || echo "(exit $? from imgsearch $1)" >> "$work/load.log"; }
# S3 PUT with SigV4 (curl), for objects the ingest command would not send
s3put() {  # KEY FILE CONTENT-TYPE [HEADER...]
  local key=$1 file=$2 type=$3; shift 3
  local headers=()
  for h in "$@"; do headers+=(-H "$h"); done
  curl -sf -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user imgsearch:imgsearch-secret -X PUT \
    -H "x-amz-content-sha256: $(sha256sum "$file" | cut -d' ' -f1)" -H "Content-Type: $type" "${headers[@]}" \
    --data-binary @"$file" "$s3/images/$key" >> "$work/load.log" 2>&1 \
    || echo "(s3 put $key failed)" >> "$work/load.log"
}
search_some() {  # N searches with random sample photos, and one bad request (not an image → 4xx)
  for _ in $(seq 1 "$1"); do
    curl -s -o /dev/null -X POST --data-binary @"${photos[RANDOM % ${#photos[@]}]}" -H 'Content-Type: image/jpeg' \
      "$api/v1/search?k=10" || true
  done
  curl -s -o /dev/null -X POST --data-binary 'not an image' -H 'Content-Type: image/jpeg' "$api/v1/search" || true
}
poison="$work/poison"
mkdir -p "$poison"
printf 'this is not a JPEG\n' > "$poison/broken.jpg"
head -c 2000 "${photos[0]}" > "$poison/truncated.jpg"
printf 'notes, not an image\n' > "$work/notes.txt"
many_tags=$(seq -s, 1 40)

deadline=$((start + load_seconds))
round=0
log "load for ${load_seconds}s (log: $work/load.log)"
sleep "$((2 * scrape_interval))"
while [ "$(date +%s)" -lt "$deadline" ]; do
  round=$((round + 1))
  case $((round % 4)) in
    1) cli ingest .tools/photos --source "cam-$round" --tags street,day --endpoint "$s3" ;;
    2) cli ingest "$poison" --source "bad-cam-$round" --endpoint "$s3"
       s3put "feed-$round/notes.txt" "$work/notes.txt" text/plain
       s3put "feed-$round/tagged.jpg" "${photos[1]}" image/jpeg "x-amz-meta-tags: $many_tags" ;;
    3) for f in apple.jpg baboon.jpg fruits.jpg; do cli delete "cam-$((round - 2))/$f" --endpoint "$s3"; done ;;
    0) cli ingest .tools/photos --source "cam-$round" --tags night --endpoint "$s3" ;;
  esac
  search_some 20
  sleep 15
done
# two more scrapes and a rate interval of quiet, so the last phase shows
sleep "$((2 * scrape_interval))"
end=$(date +%s)
log "load done after $round rounds; rendering $start..$end"

# --- render --------------------------------------------------------------------------------------------------------
size=$(python3 docs/render/render_dashboard.py --dashboard k8s/base/monitoring/dashboards/imgsearch.json \
  --prometheus "$prom" --start "$start" --end "$end" --scrape-interval "$scrape_interval" \
  --uplot docs/render/node_modules/uplot --out "$work/dashboard.html" \
  --note "rendered by scripts/dashboard-screenshots.sh: the panels' own PromQL, Prometheus query_range, ./imgsearch local")
read -r width height <<< "$size"
TZ=UTC "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --virtual-time-budget=5000 --window-size="$width,$height" --screenshot="$work/dashboard.png" \
  "file://$work/dashboard.html" > "$work/chromium.log" 2>&1
mkdir -p "$(dirname "$out")"
pngquant --force --strip --quality 70-95 --output "$out" "$work/dashboard.png"
log "wrote $out ($(stat -c %s "$out") bytes, ${width}x${height}); page: $work/dashboard.html"
