#!/usr/bin/env bash
# CPU of the idle local stack, for docs/benchmarks.md ("Where the CPU goes", the idle stack):
#   1. starts `imgsearch local` on free ports in a scratch data dir and waits until GET /readyz answers 200;
#   2. lets it settle (--settle, past start-up and most JIT compilation), then samples utime+stime of the pipeline JVM
#      (Kafka broker, ingest-stream, Flink MiniCluster, embedded store, query API) and of the S3 server child JVM
#      from /proc/PID/stat over --sample seconds, and the same per thread (/proc/PID/task/*/stat), grouped by thread
#      name with digits folded (Java names its OS threads after the first 15 characters of the thread's name);
#   3. optionally (--freshness N) uploads N photos one at a time to the idle stack, each after 10 s of quiet, and
#      times upload start → GET /v1/images/{id} answers 200 (polled every 10 ms);
#   4. optionally (--profile) runs the pipeline JVM with async-profiler (itimer, every 10 ms; installed by
#      scripts/profile-burst.sh under .tools/async-profiler) and writes the sample window's collapsed stacks per
#      thread. The profiler's own cost is then part of the CPU figures: compare profiled runs with profiled runs only.
# A documentation tool: not part of CI or `./imgsearch test`.
#   scripts/idle-cpu.sh [--settle S] [--sample S] [--freshness N] [--profile] [-- LOCAL OPTIONS]
#   env: IMGSEARCH  launcher to run (default: this checkout's ./imgsearch; another checkout's for a before/after)
#        OUT        work dir (default target/idle-cpu/<time>); keeps local.log, threads.txt, summary.txt
# Several runs at once (a before and an after side by side) each get free ports, but the metrics endpoints take the
# next free port above 9404/9249 at start: start them a minute apart, or one may fail with "Address already in use".
# Prints one summary line: pipeline and S3 server cores (CPU seconds per second) over the sample window.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
settle=120
sample=180
freshness=0
profile=false
while [ $# -gt 0 ]; do
  case "$1" in
    --settle) settle=$2; shift 2 ;;
    --sample) sample=$2; shift 2 ;;
    --freshness) freshness=$2; shift 2 ;;
    --profile) profile=true; shift ;;
    --) shift; break ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
local_args=("$@")
imgsearch=${IMGSEARCH:-$root/imgsearch}
work=${OUT:-$root/target/idle-cpu/$(date -u +%Y%m%dT%H%M%S)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
data="$work/data"
rm -rf "$data"
log() { echo "== $(date -u +%H:%M:%S) $*" | tee -a "$work/summary.txt"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http_port=$(free_port); kafka_port=$(free_port); s3_port=$(free_port)

java_opts=${IMGSEARCH_JAVA_OPTS:-}
if $profile; then
  agent="$root/.tools/async-profiler/lib/libasyncProfiler.so"
  [ -e "$agent" ] || { echo "no $agent: run scripts/profile-burst.sh once to install async-profiler" >&2; exit 1; }
  java_opts="$java_opts -agentpath:$agent=start,event=itimer,interval=10ms,file=$work/pipeline.jfr"
fi

log "launcher $imgsearch; load: $(uptime)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT
IMGSEARCH_JAVA_OPTS="$java_opts" "$imgsearch" local --data-dir "$data" --http-port "$http_port" \
  --kafka-port "$kafka_port" --s3-port "$s3_port" "${local_args[@]}" > "$work/local.log" 2>&1 &
pid=$!   # `imgsearch` execs java: this is the pipeline JVM
api="http://127.0.0.1:$http_port"
started=$(date +%s)
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$api/readyz" || true)" = 200 ]; do
  kill -0 "$pid" 2>/dev/null || { tail -n 30 "$work/local.log" >&2; echo "the stack exited" >&2; exit 1; }
  [ $(( $(date +%s) - started )) -lt 600 ] || { echo "not ready after 10 min" >&2; exit 1; }
  sleep 1
done
log "ready after $(( $(date +%s) - started )) s (API $api); settling ${settle} s"
s3pid=""
for child in $(pgrep -P "$pid" || true); do
  grep -q S3ServerMain /proc/"$child"/cmdline 2>/dev/null && s3pid=$child
done
[ -n "$s3pid" ] || { echo "no S3 server child of $pid" >&2; exit 1; }
sleep "$settle"

# --- the sample window -------------------------------------------------------------------------------------------
snapshot() {   # PID OUT: "tid utime+stime comm" per thread (comm may hold spaces: it is what lies between the parentheses)
  for f in /proc/"$1"/task/*/stat; do cat "$f" 2>/dev/null || true; done | python3 -c '
import sys
for line in sys.stdin:
    head, _, tail = line.rpartition(")")
    tid, _, comm = head.partition(" (")
    f = tail.split()
    print(tid, int(f[11]) + int(f[12]), comm.replace(" ", "_"))' > "$2"
}
ticks() { awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); print f[12] + f[13] }' /proc/"$1"/stat; }
hz=$(getconf CLK_TCK)
log "sampling ${sample} s; load: $(uptime)"
from_ms=$(date +%s%3N)
p0=$(ticks "$pid"); s0=$(ticks "$s3pid"); snapshot "$pid" "$work/threads0"
sleep "$sample"
p1=$(ticks "$pid"); s1=$(ticks "$s3pid"); snapshot "$pid" "$work/threads1"
to_ms=$(date +%s%3N)
secs=$(python3 -c "print(($to_ms - $from_ms) / 1000)")
log "load after: $(uptime)"
python3 - "$work/threads0" "$work/threads1" "$hz" "$secs" > "$work/threads.txt" <<'EOF'
import re, sys
def read(path):
    out = {}
    for line in open(path):
        tid, t, comm = line.split()
        out[tid] = (int(t), comm)
    return out
a, b, hz, secs = read(sys.argv[1]), read(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
groups, total = {}, 0
for tid, (t, comm) in b.items():
    d = t - a.get(tid, (0, comm))[0]
    total += d
    key = re.sub(r"\d+", "#", comm)
    groups[key] = groups.get(key, 0) + d
print(f"threads of the pipeline JVM, CPU over {secs:.0f} s (sum {total / hz:.2f} s = {total / hz / secs:.4f} cores)")
for key, d in sorted(groups.items(), key=lambda kv: -kv[1]):
    if d:
        print(f"{d / hz:8.2f} s {100 * d / max(total, 1):5.1f} %  {key}")
EOF
cores() { python3 -c "print(f'{($2 - $1) / $hz / $secs:.4f}')"; }
pipeline=$(cores "$p0" "$p1")
s3=$(cores "$s0" "$s1")
head -n 16 "$work/threads.txt" | tee -a "$work/summary.txt"

# --- freshness: one image at a time into the idle stack -----------------------------------------------------------
fresh=""
if [ "$freshness" -gt 0 ]; then
  fresh=$(python3 - "$root/.tools/photos" "$s3_port" "$http_port" "$freshness" <<'EOF'
import hashlib, http.client, os, subprocess, sys, time
photos, s3_port, http_port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
names = sorted(f for f in os.listdir(photos) if f.lower().endswith(".jpg"))[:n]
bucket, stamp, out = "images", time.strftime("%H%M%S"), []
conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
for i, name in enumerate(names):
    time.sleep(10)  # idle again before each upload
    key = f"idle-{stamp}/{i}-{name}"
    image_id = hashlib.sha256(f"{bucket}/{key}".encode()).hexdigest()[:32]
    start = time.monotonic()
    subprocess.run(["curl", "-sf", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", "imgsearch:imgsearch-secret",
                    "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "-H", "Content-Type: image/jpeg",
                    "-H", "x-amz-meta-source: idle", "-T", os.path.join(photos, name),
                    f"http://127.0.0.1:{s3_port}/{bucket}/{key}"], check=True)
    while True:
        try:
            conn.request("GET", f"/v1/images/{image_id}")
            r = conn.getresponse(); r.read()
            if r.status == 200:
                break
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        if time.monotonic() - start > 60:
            sys.exit(f"{key} not searchable after 60 s")
        time.sleep(0.01)
    out.append(round((time.monotonic() - start) * 1000))
s = sorted(out)
print(f"upload→searchable ms {out} median {s[len(s) // 2]}")
EOF
  )
  log "freshness: $fresh"
fi

if $profile; then
  jfrconv=(java -jar "$root/.tools/async-profiler/lib/jfr-converter.jar")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  "${jfrconv[@]}" --cpu --from "$from_ms" --to "$to_ms" -t -o collapsed "$work/pipeline.jfr" "$work/idle-threads.collapsed"
  python3 - "$work/idle-threads.collapsed" > "$work/profile-threads.txt" <<'EOF2'
import re, sys
threads, total = {}, 0
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip().rpartition(" ")
    name = re.sub(r"\d+", "#", re.sub(r" tid=\d+\]$", "]", stack.split(";", 1)[0]))
    threads[name] = threads.get(name, 0) + int(n)
    total += int(n)
print(f"profiled samples of the sample window by thread (digits folded): {total}")
for name, n in sorted(threads.items(), key=lambda kv: -kv[1])[:25]:
    print(f"{n:7d} {100 * n / max(total, 1):5.1f} %  {name}")
EOF2
  cat "$work/profile-threads.txt" | tee -a "$work/summary.txt"
  log "collapsed stacks of the sample window (per thread): $work/idle-threads.collapsed"
fi
log "RESULT pipeline ${pipeline} cores, s3-server ${s3} cores over ${secs} s (settle ${settle} s, profile $profile) $fresh"
