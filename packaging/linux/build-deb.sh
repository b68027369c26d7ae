#!/usr/bin/env bash
# Builds kring_<version>_<arch>.deb from an already built `kring` binary, with dpkg-deb:
# the program in /usr/bin, the desktop entry (Office menu), the icon in every size, and the
# AppStream metadata that software centres show.
#
#   packaging/linux/build-deb.sh BINARY OUT_DIR
#
# scripts/package.sh passes the release binary; scripts/test-packages.sh the debug one that the
# tests already built (the package is the same apart from the program's size and speed).
set -euo pipefail

binary=${1:?usage: build-deb.sh BINARY OUT_DIR}
out_dir=${2:?usage: build-deb.sh BINARY OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n1)
arch=$(dpkg --print-architecture)
app_id=nl.kring.Kring

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg="$stage/kring"

install -D -m 0755 "$binary" "$pkg/usr/bin/kring"
strip --strip-unneeded "$pkg/usr/bin/kring"
install -D -m 0644 "$here/$app_id.desktop" "$pkg/usr/share/applications/$app_id.desktop"
install -d "$pkg/usr/share/metainfo"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%F)/" \
    "$here/$app_id.metainfo.xml" > "$pkg/usr/share/metainfo/$app_id.metainfo.xml"
chmod 0644 "$pkg/usr/share/metainfo/$app_id.metainfo.xml"
for size in 16 32 48 64 128 256 512; do
    install -D -m 0644 "$root/packaging/icons/kring-$size.png" \
        "$pkg/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
install -D -m 0644 "$root/packaging/icons/kring.svg" "$pkg/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
install -d "$pkg/usr/share/doc/kring"
cat > "$pkg/usr/share/doc/kring/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Kring

Files: *
License: EUPL-1.2
 The European Union Public Licence, version 1.2.
EOF
chmod 0644 "$pkg/usr/share/doc/kring/copyright"

# The shared libraries the program links (libc, libgcc) with their minimum versions, worked out
# by dpkg-shlibdeps; the window's libraries (X11 or Wayland, OpenGL/Vulkan) are loaded at start
# and so must be named here: the same list scripts/install-deps.sh --desktop installs.
shlib_dir="$stage/shlibdeps"
mkdir -p "$shlib_dir/debian"
printf 'Source: kring\n\nPackage: kring\nArchitecture: any\n' > "$shlib_dir/debian/control"
linked=$(cd "$shlib_dir" && dpkg-shlibdeps -O "$pkg/usr/bin/kring" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
window="libx11-6, libx11-xcb1, libxcursor1, libxi6, libxkbcommon-x11-0, libegl1, libgl1-mesa-dri"

install -d "$pkg/DEBIAN"
cat > "$pkg/DEBIAN/control" <<EOF
Package: kring
Version: $version
Architecture: $arch
Maintainer: Kring <kring@example.invalid>
Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
Depends: ${linked:+$linked, }$window
Recommends: zenity
Section: education
Priority: optional
Description: local-first app for learning networks in education and youth care
 Kring keeps what a learning network shares - its members, its meetings with
 notes written together, and its learning questions - on every participant's
 own laptop, and lets the laptops exchange changes directly with each other.
 There is no server, no account and no cloud.
EOF
(cd "$pkg" && find usr -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/md5sums"

mkdir -p "$out_dir"
deb="$out_dir/kring_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "$deb"
