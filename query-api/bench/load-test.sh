#!/usr/bin/env bash
# Load test of POST /v1/search/vector: the API (embedded Lucene store filled with random vectors) in one JVM, 200
# closed-loop clients in a second JVM, loopback only, bounded in time (warm-up + measurement) and per-client requests.
#   query-api/bench/load-test.sh [--clients 200] [--seconds 60] [--rows 20000]
# Prints the store's own latency and the in-process service latency (single caller), then the HTTP figures of one
# client (the API's overhead) and of the full load; exits 1 on any 5xx or transport failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
clients=200 seconds=60 rows=20000
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
cd "$root"
# one reactor build: the other modules resolve to their target/classes, never to a stale ~/.m2 copy
./mvnw -B -q -pl query-api -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/load-test.classpath -Dmdep.includeScope=test >/dev/null
cp="query-api/target/test-classes:query-api/target/classes:$(cat query-api/target/load-test.classpath)"
work=$(mktemp -d)
fifo="$work/stdin"; mkfifo "$fifo"
java -Xmx2g -cp "$cp" dev.imgsearch.query.bench.LoadBench server --rows "$rows" --dir "$work/store" <"$fifo" >"$work/server.out" 2>"$work/server.err" &
server=$!
exec 3>"$fifo"   # keeps the server's stdin open; closing it stops the server
cleanup() { exec 3>&- || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 600); do
  grep -q '^PORT ' "$work/server.out" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.err" >&2; exit 1; }
  sleep 0.5
done
port=$(sed -n 's/^PORT //p' "$work/server.out")
[ -n "$port" ] || { echo "server did not start" >&2; cat "$work/server.err" >&2; exit 1; }
grep -v '^PORT ' "$work/server.out"
echo "== one client, 10 s: the API's overhead over the store (compare with STORE / SERVICE above)"
java -Xmx1g -cp "$cp" dev.imgsearch.query.bench.LoadBench client --port "$port" --clients 1 --seconds 10 --warmup 3
echo "== $clients clients, $seconds s"
java -Xmx1g -cp "$cp" dev.imgsearch.query.bench.LoadBench client --port "$port" --clients "$clients" --seconds "$seconds"
