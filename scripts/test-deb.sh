#!/usr/bin/env bash
# The Debian package, tested on this machine: builds the .deb (from the debug `kring` that
# `cargo test` builds, or from the file named by KRING_DEB), installs it with dpkg -i, runs
# `kring` from PATH, validates the desktop entry and the AppStream metadata, then removes it and
# checks that nothing of it is left.
#
#   scripts/test-deb.sh                 CI: needs root (as CI is), installs into the system
#   KRING_DEB=dist/kring_..._amd64.deb scripts/test-deb.sh    test a package built before
#
# It refuses to run where a kring package is installed already: it would replace it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --packaging

fail() {
    echo "test-deb.sh: $*" >&2
    exit 1
}
[ "$(id -u)" -eq 0 ] || fail "installs a package into the system: run as root (CI does)"
if dpkg-query -W -f '${Status}' kring 2>/dev/null | grep 'ok installed' >/dev/null; then
    fail "a kring package is installed on this machine already; remove it first (dpkg -r kring)"
fi

work=$(mktemp -d)
cleanup() {
    dpkg-query -W kring >/dev/null 2>&1 && dpkg --purge kring >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${KRING_DEB:-}" ]; then
    deb=$KRING_DEB
else
    # The `kring` that `cargo test --workspace` builds (nothing to build again in CI).
    cargo test --workspace --locked --no-run --quiet
    deb=$(packaging/linux/build-deb.sh "${CARGO_TARGET_DIR:-target}/debug/kring" "$work")
fi
echo "== $(basename "$deb"), $(du -h "$deb" | cut -f1)"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)

dpkg -i "$deb" >/dev/null
[ "$(command -v kring)" = /usr/bin/kring ] || fail "kring is not on PATH as /usr/bin/kring"
[ "$(kring --version)" = "kring $version" ] || fail "kring --version printed $(kring --version)"
kring --data-dir "$work/data" network create --name "PLG Rekenen" --me "Anna" --perspective teacher >/dev/null
[ "$(kring --data-dir "$work/data" network list | grep -o 'PLG Rekenen')" = "PLG Rekenen" ] ||
    fail "the installed kring does not work"
desktop-file-validate /usr/share/applications/nl.kring.Kring.desktop || fail "desktop-file-validate refused the entry"
grep -qx 'Exec=kring' /usr/share/applications/nl.kring.Kring.desktop || fail "the menu entry does not start kring"
appstreamcli validate --no-net /usr/share/metainfo/nl.kring.Kring.metainfo.xml >/dev/null ||
    fail "appstreamcli refused the metadata: $(appstreamcli validate --no-net /usr/share/metainfo/nl.kring.Kring.metainfo.xml)"
for icon in /usr/share/icons/hicolor/{16x16,48x48,256x256}/apps/nl.kring.Kring.png /usr/share/icons/hicolor/scalable/apps/nl.kring.Kring.svg; do
    [ -s "$icon" ] || fail "no icon at $icon"
done
mapfile -t files < <(dpkg -L kring | while read -r path; do [ -f "$path" ] && echo "$path"; done)
[ "${#files[@]}" -ge 10 ] || fail "dpkg lists only ${#files[@]} files"

dpkg -r kring >/dev/null
for path in "${files[@]}"; do
    [ ! -e "$path" ] || fail "removing the package left $path"
done
hash -r
if command -v kring >/dev/null; then fail "kring is still on PATH after removal"; fi
dpkg --purge kring >/dev/null 2>&1
if dpkg-query -W kring >/dev/null 2>&1; then fail "dpkg still knows the package after purging"; fi
echo "deb: installs with dpkg -i, kring $version runs from PATH, the desktop entry and metadata validate, ${#files[@]} files removed cleanly"
