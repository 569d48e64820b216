#!/usr/bin/env bash
# promtool (Prometheus' rule checker) for k8s/validation's PrometheusRulesTest: `promtool check rules` and
# `promtool test rules` on the rule groups of k8s/base/monitoring/prometheus-rules.yaml; and, from the same package,
# the Prometheus server that scripts/dashboard-screenshots.sh runs against the local stack (docs only).
# Taken from Debian's `prometheus` package without installing it (no service, no root): `apt-get download` +
# `dpkg -x`, into .tools/prometheus/ (git-ignored), linked as .tools/bin/promtool and .tools/bin/prometheus.
# Idempotent; quick when present.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/scripts/deps/lib/debfetch.sh"
dir="$root/.tools/prometheus"
bin="$root/.tools/bin"
PACKAGE=prometheus
VERSION=2.42.0+ds-5+deb12u1   # Debian bookworm; any 2.x promtool checks these rules

stamp="$PACKAGE=$VERSION"
if [ -f "$dir/SOURCE" ] && [ -x "$bin/promtool" ] && [ -x "$bin/prometheus" ] && "$bin/promtool" --version >/dev/null 2>&1; then
  exit 0
fi
if ! debfetch_available; then
  echo "scripts/deps/promtool.sh: needs apt-get and dpkg (Debian's prometheus package); PrometheusRulesTest fails without promtool" >&2
  exit 1
fi
echo "== fetching Debian package $PACKAGE ($VERSION, else the candidate) for promtool and prometheus into $dir"
debfetch "$PACKAGE" "$VERSION"
deb=$DEBFETCH_DEB
rm -rf "$dir"
mkdir -p "$dir" "$bin"
cp "$DEBFETCH_ROOT/usr/bin/promtool" "$DEBFETCH_ROOT/usr/bin/prometheus" "$dir/"
ln -sf "../prometheus/promtool" "$bin/promtool"
ln -sf "../prometheus/prometheus" "$bin/prometheus"
{
  echo "$stamp"
  echo "promtool, prometheus: Debian package $(basename "$deb"), usr/bin/promtool, usr/bin/prometheus"
} > "$dir/SOURCE"
"$bin/promtool" --version 2>&1 | head -n1
