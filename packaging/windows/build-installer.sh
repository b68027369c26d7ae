#!/usr/bin/env bash
# Builds Kring-<version>-setup.exe, the per-user Windows installer, from a cross-built
# kring.exe, with NSIS (makensis runs on Linux):
#
#   packaging/windows/build-installer.sh KRING_EXE OUT_DIR
#
# The installer holds kring.exe (the command-line tool, a console program) and kringw.exe: the
# same program marked as a windowed one, so that opening Kring from the Start menu shows no
# console window. Nothing else: the Wine-only bcryptprimitives.dll of the tests never goes in.
set -euo pipefail

exe=${1:?usage: build-installer.sh KRING_EXE OUT_DIR}
out_dir=${2:?usage: build-installer.sh KRING_EXE OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n1)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$exe" "$stage/kring.exe"
x86_64-w64-mingw32-strip --strip-unneeded "$stage/kring.exe"
cp "$stage/kring.exe" "$stage/kringw.exe"

# The PE header's Subsystem field (2 bytes, 68 bytes into the optional header): 3 is a console
# program, 2 a windowed one.
pe=$(od -An -tu4 -j60 -N4 "$stage/kringw.exe" | tr -d ' ')
signature=$(od -An -c -j"$pe" -N4 "$stage/kringw.exe" | tr -d ' ')
subsystem_at=$((pe + 24 + 68))
subsystem=$(od -An -tu2 -j"$subsystem_at" -N2 "$stage/kringw.exe" | tr -d ' ')
if [ "$signature" != 'PE\0\0' ] || [ "$subsystem" != 3 ]; then
    echo "build-installer.sh: $exe is not a console PE program (signature $signature, subsystem $subsystem)" >&2
    exit 1
fi
printf '\x02' | dd of="$stage/kringw.exe" bs=1 seek="$subsystem_at" conv=notrunc status=none

mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
setup="$out_dir/Kring-$version-setup.exe"
makensis -V2 -NOCD -DVERSION="$version" -DSTAGE="$stage" -DOUTFILE="$setup" \
    -DICON="$root/packaging/icons/kring.ico" "$here/kring.nsi" >&2
echo "$setup"
