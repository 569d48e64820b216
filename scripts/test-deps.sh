#!/usr/bin/env bash
# Installs what the integration tests need, under .tools/ (git-ignored). Idempotent; quick when already there.
#   - Milvus standalone (the real server) from PyPI, in a Python venv
#   - 30 sample photos from Debian's opencv-doc package (the end-to-end test's corpus)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
mkdir -p "$tools"

MILVUS_VERSION=2.3.5   # newest `milvus` wheel published for Linux x86_64 (2.3.6+ exist only for macOS)
venv="$tools/milvus-venv"
if [ ! -x "$venv/bin/milvus-server" ] || ! "$venv/bin/pip" show milvus 2>/dev/null | grep -q "^Version: $MILVUS_VERSION$"; then
  echo "== installing Milvus $MILVUS_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "milvus==$MILVUS_VERSION"
fi

photos="$tools/photos"
if [ ! -f "$photos/.complete" ]; then
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
fi
# further dependencies, one script per concern (browser for UI tests, kustomize for manifests, ...)
for extra in "$root"/scripts/deps/*.sh; do
  [ -e "$extra" ] || continue
  bash "$extra"
done
echo "test dependencies ready in $tools"
