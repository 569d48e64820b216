#!/usr/bin/env bash
# async-profiler for the documentation's profiles (scripts/profile-burst.sh, scripts/profile-attach.sh): Maven
# Central's tools.profiler:async-profiler (its linux-x64/libasyncProfiler.so) and tools.profiler:jfr-converter,
# through Maven's own client, into .tools/async-profiler/ (git-ignored). Idempotent; quick when present.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ASYNC_PROFILER_VERSION=4.1
dir="$root/.tools/async-profiler"
stamp="async-profiler=$ASYNC_PROFILER_VERSION"
if [ -f "$dir/SOURCE" ] && [ "$(head -n1 "$dir/SOURCE")" = "$stamp" ] && [ -e "$dir/lib/libasyncProfiler.so" ] \
   && [ -e "$dir/lib/jfr-converter.jar" ]; then
  exit 0
fi
echo "== fetching tools.profiler:async-profiler:$ASYNC_PROFILER_VERSION and jfr-converter from Maven Central"
dl=$(mktemp -d)
trap 'rm -rf "$dl"' EXIT
for a in async-profiler jfr-converter; do
  ./mvnw -B -q -N dependency:copy -Dartifact="tools.profiler:$a:$ASYNC_PROFILER_VERSION:jar" \
    -DoutputDirectory="$dl" -Dmdep.stripVersion=true
done
rm -rf "$dir"
mkdir -p "$dir/lib"
(cd "$dir/lib" && unzip -q -j "$dl/async-profiler.jar" linux-x64/libasyncProfiler.so)
cp "$dl/jfr-converter.jar" "$dir/lib/"
printf '%s\ninstalled: tools.profiler:async-profiler:%s (linux-x64/libasyncProfiler.so) and jfr-converter\n' \
  "$stamp" "$ASYNC_PROFILER_VERSION" > "$dir/SOURCE"
