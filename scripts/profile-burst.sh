#!/usr/bin/env bash
# A CPU profile of the whole local stack under a burst, for docs/benchmarks.md ("Where the CPU goes"):
#   1. installs async-profiler under .tools/async-profiler/ (git-ignored) with scripts/deps/async-profiler.sh;
#   2. runs `./imgsearch bench` with the agent in the pipeline JVM (Kafka broker, ingest-stream, Flink job, embedded
#      store, query API and the bench client share it; the S3 server is a child JVM, not profiled: its side of S3 is
#      not in the figures). CPU samples (perf events, else itimer where perf events are not permitted) and
#      allocation samples go to one JFR file;
#   3. converts the burst phase (from the bench's "[throughput]" line to its "searchable in" line) into a flame graph
#      (HTML), collapsed stacks and shares of CPU samples per stage (scripts/profile-stages.py);
#   4. renders the flame graph as a PNG with headless Chromium (scripts/deps/chromium.sh).
# A documentation tool: not part of CI or `./imgsearch test`. Needs a built tree (`./imgsearch` builds what is missing).
#   scripts/profile-burst.sh [-- BENCH OPTIONS]     env: OUT (default docs/img/flame-burst), INTERVAL_MS (default 5)
# Writes OUT.html (committed when < 1 MB), OUT.png, and target/profile-burst/{burst.collapsed,stages.md,bench.log,...}.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${OUT:-docs/img/flame-burst}
interval_ms=${INTERVAL_MS:-5}
[ "${1:-}" = "--" ] && shift
bench_args=("$@")
[ ${#bench_args[@]} -gt 0 ] || bench_args=(--seconds 10 --warm-up-seconds 5 --burst 600 --queries 20)
work="$root/target/profile-burst"
rm -rf "$work"
mkdir -p "$work"
log() { echo "== $(date -u +%H:%M:%S) $*"; }

# --- async-profiler under .tools -----------------------------------------------------------------------------------
bash scripts/deps/async-profiler.sh
dir="$root/.tools/async-profiler"
agent="$dir/lib/libasyncProfiler.so"
jfrconv=(java -jar "$dir/lib/jfr-converter.jar")

# perf events (event=cpu) need perf_event_open, which containers often forbid; itimer works everywhere
event=cpu
if ! java -agentpath:"$agent=start,event=cpu,file=$work/probe.jfr" -version > "$work/probe.log" 2>&1 \
   || grep -qi "perf_event\|perf events" "$work/probe.log"; then
  event=itimer
fi
log "sampling: event=$event every ${interval_ms} ms, allocations every 512 KiB"

# --- the bench with the agent -------------------------------------------------------------------------------------
bash scripts/deps/chromium.sh
./imgsearch bench --help > /dev/null   # builds what is missing before the profiled run
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
opts="start,event=$event,interval=${interval_ms}ms,alloc=512k,file=$work/pipeline.jfr"
log "load before: $(uptime)"
log "./imgsearch bench ${bench_args[*]} (log: $work/bench.log)"
mkfifo "$work/bench.fifo"
while IFS= read -r line; do printf '%s %s\n' "$(date +%s%3N)" "$line"; done < "$work/bench.fifo" > "$work/bench.log" &
stamper=$!
IMGSEARCH_JAVA_OPTS="-agentpath:$agent=$opts" ./imgsearch bench "${bench_args[@]}" > "$work/bench.fifo" 2>&1 &
pids+=($!)   # `imgsearch` execs java: this is the pipeline JVM
bench_status=0
wait "${pids[0]}" || bench_status=$?
wait "$stamper"
[ "$bench_status" -eq 0 ] || { tail -n 30 "$work/bench.log" >&2; echo "the bench failed" >&2; exit 1; }
pids=()
log "load after: $(uptime)"

# --- the burst phase: flame graph, collapsed stacks, shares per stage ----------------------------------------------
from=$(grep -m1 '\[throughput\] burst' "$work/bench.log" | cut -d' ' -f1)
to=$(grep -m1 'images searchable in' "$work/bench.log" | cut -d' ' -f1)
[ -n "$from" ] && [ -n "$to" ] || { echo "no burst phase in $work/bench.log" >&2; exit 1; }
log "burst phase: $(( (to - from) / 1000 )) s"
range=(--from "$from" --to "$to")
"${jfrconv[@]}" --cpu "${range[@]}" --title "imgsearch bench: CPU during the burst (pipeline JVM)" \
  --inverted --minwidth 0.1 "$work/pipeline.jfr" "$work/flame-burst.html"   # icicle: the screenshot shows the roots
"${jfrconv[@]}" --cpu "${range[@]}" -o collapsed "$work/pipeline.jfr" "$work/burst.collapsed"
"${jfrconv[@]}" --cpu "${range[@]}" -t -o collapsed "$work/pipeline.jfr" "$work/burst-threads.collapsed"
"${jfrconv[@]}" --alloc --total "${range[@]}" -o collapsed "$work/pipeline.jfr" "$work/burst-alloc.collapsed"
python3 scripts/profile-stages.py "$work/burst-threads.collapsed" "$work/burst-alloc.collapsed" | tee "$work/stages.md"
grep -E '^[0-9]+ +(  [0-9]+ images searchable|  uploads:)' "$work/bench.log" | cut -d' ' -f2- || true

mkdir -p "$(dirname "$out")"
size=$(stat -c %s "$work/flame-burst.html")
if [ "$size" -lt 1000000 ]; then cp "$work/flame-burst.html" "$out.html"; else log "flame graph $size bytes: not copied"; fi
chromium=$(command -v chromium)
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --virtual-time-budget=5000 --window-size=1600,1100 --screenshot="$work/flame-burst.png" \
  "file://$work/flame-burst.html" > "$work/chromium.log" 2>&1
if command -v pngquant >/dev/null 2>&1; then
  pngquant --force --strip --quality 70-95 --output "$out.png" "$work/flame-burst.png"
else
  cp "$work/flame-burst.png" "$out.png"
fi
log "wrote $out.png ($(stat -c %s "$out.png") bytes) and the collapsed stacks in $work"
