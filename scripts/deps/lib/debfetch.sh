# Sourced by scripts/deps/*.sh that take a tool or library from a Debian package without installing it (no service,
# no root): `apt-get download` + `dpkg -x` into a temporary directory, removed when the script exits.

# debfetch_available: true when apt-get and dpkg are both here.
debfetch_available() {
  command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1
}

# debfetch PACKAGE VERSION: downloads PACKAGE=VERSION, else the candidate version (refreshing the package lists once,
# with sudo when not root, when neither is found), and unpacks it. Sets DEBFETCH_DEB (the .deb file) and DEBFETCH_ROOT
# (the unpacked tree); both go when the calling script exits.
debfetch() {
  local package=$1 version=$2
  DEBFETCH_WORK=$(mktemp -d)
  trap 'rm -rf "$DEBFETCH_WORK"' EXIT
  if ! _debfetch_download "$package" "$version"; then
    local apt=(apt-get)
    [ "$(id -u)" -eq 0 ] || apt=(sudo apt-get)
    "${apt[@]}" update -qq >/dev/null
    _debfetch_download "$package" "$version"
  fi
  DEBFETCH_DEB=$(ls "$DEBFETCH_WORK"/*.deb)
  DEBFETCH_ROOT="$DEBFETCH_WORK/x"
  dpkg -x "$DEBFETCH_DEB" "$DEBFETCH_ROOT"
}

_debfetch_download() {
  (cd "$DEBFETCH_WORK" && apt-get download -qq "$1=$2" 2>/dev/null || apt-get download -qq "$1" 2>/dev/null)
}
