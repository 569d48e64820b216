#!/usr/bin/env bash
# What k8s/validation needs, under .tools/ (git-ignored). Idempotent; quick when already there.
#   - kustomize (Go module sigs.k8s.io/kustomize/kustomize/v5, built with the local Go toolchain)
#   - the Kubernetes OpenAPI document of a pinned release (Go module k8s.io/kubernetes, api/openapi-spec/swagger.json)
#   - the ServiceMonitor, PodMonitor and PrometheusRule CRDs of a pinned Prometheus Operator (Go module
#     github.com/prometheus-operator/prometheus-operator)
# Strimzi's and the Flink Kubernetes Operator's CRD schemas come from Maven artifacts (k8s/validation/pom.xml); the
# Milvus Operator's is a committed subset (k8s/validation/src/test/resources/crds/).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tools="$root/.tools"

KUSTOMIZE_VERSION=v5.8.1
KUBERNETES_VERSION=v1.34.2
PROMETHEUS_OPERATOR_VERSION=v0.85.0

if ! command -v go >/dev/null 2>&1; then
  echo "scripts/deps/kustomize.sh: needs the Go toolchain (go) on PATH" >&2
  exit 1
fi
export GOPATH="$tools/go" GOMODCACHE="$tools/go/pkg/mod" GOFLAGS=-modcacherw GO111MODULE=on GOTOOLCHAIN=local

bin="$tools/bin"
if [ ! -x "$bin/kustomize" ] || ! "$bin/kustomize" version 2>/dev/null | grep -q "$KUSTOMIZE_VERSION"; then
  echo "== installing kustomize $KUSTOMIZE_VERSION into $bin"
  mkdir -p "$bin"
  GOBIN="$bin" go install -ldflags "-X sigs.k8s.io/kustomize/api/provenance.version=$KUSTOMIZE_VERSION" \
    "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
fi

schemas="$tools/k8s-schemas"
stamp="kubernetes=$KUBERNETES_VERSION prometheus-operator=$PROMETHEUS_OPERATOR_VERSION"
PROMETHEUS_OPERATOR_CRDS="servicemonitors podmonitors prometheusrules"
module_dir() { go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'; }
if [ ! -f "$schemas/SOURCES" ] || [ "$(head -n1 "$schemas/SOURCES")" != "$stamp" ]; then
  echo "== fetching schemas: $stamp"
  k8s_dir=$(module_dir "k8s.io/kubernetes@$KUBERNETES_VERSION")
  rm -rf "$schemas"
  mkdir -p "$schemas/kubernetes" "$schemas/crds"
  cp "$k8s_dir/api/openapi-spec/swagger.json" "$schemas/kubernetes/swagger.json"
  chmod -R u+w "$schemas"
  {
    echo "$stamp"
    echo "kubernetes/swagger.json: Go module k8s.io/kubernetes@$KUBERNETES_VERSION, api/openapi-spec/swagger.json"
    echo "crds/monitoring.coreos.com_*.yaml: Go module github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION, example/prometheus-operator-crd/"
  } > "$schemas/SOURCES"
  # the module sources themselves are not needed any more (the download cache keeps the zips for a re-run)
  rm -rf "$k8s_dir"
fi
# the Prometheus Operator CRDs, each added when missing (the stamp stays that of the release, so a checkout that
# needs fewer of them keeps these)
missing=""
for crd in $PROMETHEUS_OPERATOR_CRDS; do
  [ -f "$schemas/crds/monitoring.coreos.com_$crd.yaml" ] || missing="$missing $crd"
done
if [ -n "$missing" ]; then
  echo "== fetching Prometheus Operator $PROMETHEUS_OPERATOR_VERSION CRDs:$missing"
  prom_dir=$(module_dir "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION")
  mkdir -p "$schemas/crds"
  for crd in $missing; do
    cp "$prom_dir/example/prometheus-operator-crd/monitoring.coreos.com_$crd.yaml" "$schemas/crds/"
  done
  chmod -R u+w "$schemas/crds"
  rm -rf "$prom_dir"
fi
echo "kustomize $KUSTOMIZE_VERSION and Kubernetes schemas ready in $tools"
