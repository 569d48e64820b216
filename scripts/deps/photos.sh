#!/usr/bin/env bash
# The sample photos of scripts/test-photos.txt (from Debian's opencv-doc package) in .tools/photos/ (git-ignored): the
# end-to-end tests' corpus, and the load of scripts/dashboard-screenshots.sh. Idempotent; quick when present.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
photos="$root/.tools/photos"
if [ -f "$photos/.complete" ]; then
  exit 0
fi
src=/usr/share/doc/opencv-doc/examples/data
if [ ! -d "$src" ]; then
  echo "== installing Debian package opencv-doc (sample photos)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq opencv-doc >/dev/null 2>&1 || { $sudo apt-get update -qq && $sudo apt-get install -y -qq opencv-doc >/dev/null; }
fi
mkdir -p "$photos"
while read -r f; do
  [ -n "$f" ] || continue
  if [ -f "$src/$f" ]; then cp "$src/$f" "$photos/"; elif [ -f "$src/$f.gz" ]; then gunzip -c "$src/$f.gz" > "$photos/$f"; else echo "missing $src/$f" >&2; exit 1; fi
done < "$root/scripts/test-photos.txt"
touch "$photos/.complete"
