#!/usr/bin/env bash
# Profiles a running JVM from a moment of your choosing until it exits: attaches async-profiler
# (scripts/deps/async-profiler.sh) through the JDK's attach API; CPU samples of every thread (perf events, else itimer),
# written as collapsed stacks with the thread as the first frame when that JVM exits. docs/benchmarks.md ("Where the
# job alone spends its CPU at batch 1") profiled EmbedderBenchmarkIT's job runs this way, leaving out the uploads
# before them. A documentation tool: not part of CI or `./imgsearch test`.
#   scripts/profile-attach.sh PID OUT.collapsed [INTERVAL_MS]
#   scripts/profile-attach.sh --thread NAME OUT.collapsed [INTERVAL_MS]
#       waits for a JVM that has a thread whose name starts with NAME (at most 15 characters, as Linux keeps them;
#       e.g. embedder-decod), then attaches to it
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: scripts/profile-attach.sh PID|--thread NAME OUT.collapsed [INTERVAL_MS]" >&2; exit 2; }
[ $# -ge 2 ] || usage
if [ "$1" = "--thread" ]; then
  [ $# -ge 3 ] || usage
  name=${2:0:15}; shift 2
  pid=
  echo "== waiting for a JVM with a thread named $name*"
  while [ -z "$pid" ]; do
    for p in $(pgrep java || true); do
      if grep -qs "^$name" /proc/"$p"/task/*/comm; then pid=$p; break; fi
    done
    [ -n "$pid" ] || sleep 0.5
  done
else
  pid=$1; shift
fi
[[ "$pid" =~ ^[0-9]+$ ]] || usage
out=$(realpath -m "$1")
interval=${2:-5}
bash "$root/scripts/deps/async-profiler.sh"
agent="$root/.tools/async-profiler/lib/libasyncProfiler.so"
event=cpu
if ! java -agentpath:"$agent=start,event=cpu,file=/dev/null" -version 2>&1 | grep -q '^Profiling started'; then
  event=itimer   # perf_event_open not permitted here
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/Attach.java" <<'JAVA'
import com.sun.tools.attach.VirtualMachine;

public class Attach {
  public static void main(String[] args) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(args[0]);
    try {
      vm.loadAgentPath(args[1], args[2]);
    } finally {
      vm.detach();
    }
  }
}
JAVA
java "$tmp/Attach.java" "$pid" "$agent" "start,event=$event,interval=${interval}ms,threads,file=$out"
echo "== profiling JVM $pid (event=$event every ${interval} ms) from $(date -u +%H:%M:%S) UTC; $out is written when it exits"
