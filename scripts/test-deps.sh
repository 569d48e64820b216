#!/usr/bin/env bash
# Installs what the integration tests need, under .tools/ (git-ignored). Idempotent; quick when already there.
#   - Milvus standalone (the real server) from PyPI, in a Python venv
#   - in scripts/deps/*.sh, one script per concern: sample photos (photos.sh), chromium, kustomize, promtool, ...
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

# further dependencies, one script per concern (browser for UI tests, kustomize for manifests, ...)
for extra in "$root"/scripts/deps/*.sh; do
  [ -e "$extra" ] || continue
  bash "$extra"
done
echo "test dependencies ready in $tools"
