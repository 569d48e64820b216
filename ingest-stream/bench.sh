#!/usr/bin/env bash
# Throughput benchmark of ingest-stream (dev.imgsearch.ingest.IngestBench) on a real Kafka broker and the S3 server.
#   ingest-stream/bench.sh [--notifications 100000] [--frames 1000] [--frame-kb 200] [--partitions 3]
#                          [--stream-threads 1] [--guarantees at_least_once,exactly_once_v2]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
./mvnw -B -q -pl local/s3-server -am package -DskipTests
./mvnw -B -q -pl ingest-stream -am test-compile
./mvnw -B -q -pl ingest-stream dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
exec java -Xmx2g -Dimgsearch.repo.root="$root" \
  -Dlog4j.configurationFile=ingest-stream/src/test/resources/log4j2-test.xml \
  -cp "ingest-stream/target/test-classes:ingest-stream/target/classes:$(cat ingest-stream/target/test.classpath)" \
  dev.imgsearch.ingest.IngestBench "$@"
