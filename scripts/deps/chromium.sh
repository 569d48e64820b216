#!/usr/bin/env bash
# Headless Chromium + chromedriver (Debian packages) for the query API's browser test. Idempotent; quick when present.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
echo "== installing Debian packages chromium and chromium-driver (browser test of the query API page)"
apt=(apt-get); [ "$(id -u)" -eq 0 ] || apt=(sudo apt-get)
export DEBIAN_FRONTEND=noninteractive   # sudo keeps it only with -E; apt-get -y -qq does not prompt either way
"${apt[@]}" install -y -qq chromium chromium-driver >/dev/null 2>&1 \
  || { "${apt[@]}" update -qq && "${apt[@]}" install -y -qq chromium chromium-driver >/dev/null; }
command -v chromium >/dev/null && command -v chromedriver >/dev/null
