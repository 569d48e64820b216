#!/usr/bin/env bash
# libjpeg-turbo's TurboJPEG library (Debian package libturbojpeg0: SIMD, DCT-domain scaling, and the JNI entry points
# the embedder's org.libjpegturbo.turbojpeg binding calls) under .tools/turbojpeg/ (git-ignored), without root:
# `apt-get download` + `dpkg -x`. The embedder's tests load .tools/turbojpeg/lib/libturbojpeg.so.0 (embedder/core/pom.xml, embedder/job/pom.xml);
# without it they skip the libjpeg-turbo cases with the reason and the job decodes JPEGs with ImageIO.
# Production images install the same package (k8s/images/embedder/Dockerfile). Idempotent; quick when present.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/scripts/deps/lib/debfetch.sh"
dir="$root/.tools/turbojpeg"
PACKAGE=libturbojpeg0
VERSION=1:2.1.5-2   # Debian bookworm; any 2.x works (the JNI entry points are those of TurboJPEG 1.2–2.1)

stamp="$PACKAGE=$VERSION"
if [ -f "$dir/SOURCE" ] && [ "$(head -n1 "$dir/SOURCE")" = "$stamp" ] && [ -e "$dir/lib/libturbojpeg.so.0" ]; then
  exit 0
fi
if ! debfetch_available; then
  echo "scripts/deps/turbojpeg.sh: no apt-get/dpkg here; skipping (JPEGs decode with ImageIO, libjpeg-turbo tests skip)" >&2
  exit 0
fi
echo "== fetching Debian package $PACKAGE ($VERSION, else the candidate) into $dir"
debfetch "$PACKAGE" "$VERSION"
deb=$DEBFETCH_DEB
so=$(find "$DEBFETCH_ROOT" -name 'libturbojpeg.so.0.*' -type f | head -n1)
[ -n "$so" ] || { echo "scripts/deps/turbojpeg.sh: no libturbojpeg.so.0.* in $deb" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir/lib"
cp "$so" "$dir/lib/"
ln -s "$(basename "$so")" "$dir/lib/libturbojpeg.so.0"
cp "$DEBFETCH_ROOT"/usr/share/doc/"$PACKAGE"/copyright "$dir/COPYRIGHT" 2>/dev/null || true
got=$(dpkg-deb -f "$deb" Version)
printf '%s\ninstalled: %s=%s (Debian package, dpkg -x)\n' "$stamp" "$PACKAGE" "$got" > "$dir/SOURCE"
[ "$got" = "$VERSION" ] || echo "note: pinned $PACKAGE $VERSION not available, installed $got" >&2
echo "libturbojpeg $got ready in $dir/lib"
