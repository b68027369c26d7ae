#!/usr/bin/env bash
# Kring for Windows, tested on Linux: cross-builds kring.exe (x86_64-pc-windows-gnu) and, under
# Wine (headless),
#   - runs the CLI scenario beside the Linux binary, a bundle from Windows to Linux and back, and
#     two Windows processes syncing on 127.0.0.1 (tests/packaging.rs);
#   - builds the installer from it, installs it silently for the current user, checks the
#     files, the Start-menu entry, the uninstaller's registration and the installed program,
#     then uninstalls it and checks that everything but the data folder is gone.
#
#   scripts/test-windows.sh                           builds the release kring.exe and tests it
#   KRING_WINDOWS_EXE=FILE scripts/test-windows.sh    tests a kring.exe built before
#
# The Linux side is the debug `kring` that `cargo test` builds. The Wine-only
# bcryptprimitives.dll (scripts/wine/) is put next to the program under test, never into the
# installer.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --packaging
source scripts/wine/wine.sh

exe=$(windows_exe)

work=$(mktemp -d)
cleanup() {
    wine_stop
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/bin"
cp "$exe" "$work/bin/kring.exe"
wine_shim "$work/bin"
wine_prefix "$work/prefix"

echo "== kring.exe under Wine beside the Linux kring (tests/packaging.rs)"
# --workspace: the same features as `cargo test --workspace`, so nothing is built again in CI.
KRING_WINDOWS_EXE="$work/bin/kring.exe" cargo test --workspace --locked --test packaging

echo "== the installer"
fail() {
    echo "test-windows.sh: $*" >&2
    exit 1
}
setup=$(packaging/windows/build-installer.sh "$exe" "$work/dist")
echo "built $(basename "$setup"), $(du -h "$setup" | cut -f1)"
"$WINE" "$setup" /S
user_dir=$(find "$WINEPREFIX/drive_c/users" -mindepth 1 -maxdepth 1 -type d ! -name Public | head -n1)
installed="$user_dir/AppData/Local/Programs/Kring"
shortcut="$user_dir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Kring.lnk"
key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Kring'
for file in kring.exe kringw.exe kring.ico uninstall.exe; do
    [ -f "$installed/$file" ] || fail "the installer did not put $file in $installed"
done
[ "$(find "$installed" -type f | wc -l)" -eq 4 ] || fail "unexpected files installed: $(ls "$installed")"
[ -f "$shortcut" ] || fail "no Start-menu entry at $shortcut"
x86_64-w64-mingw32-objdump -p "$installed/kringw.exe" | grep 'Subsystem.*(Windows GUI)' >/dev/null ||
    fail "kringw.exe is not a windowed program"
x86_64-w64-mingw32-objdump -p "$installed/kring.exe" | grep 'Subsystem.*(Windows CUI)' >/dev/null ||
    fail "kring.exe is not a console program"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
"$WINE" reg query "$key" /v DisplayVersion | grep "$version" >/dev/null || fail "the uninstaller is not registered under $key"
"$WINE" reg query "$key" /v UninstallString | grep 'AppData\\Local\\Programs\\Kring\\uninstall.exe' >/dev/null ||
    fail "the uninstall command is not registered"

# The installed program works, and keeps its data in %APPDATA%\Kring\Kring\data as the README
# says. (The Wine-only DLL goes in for this and out again before uninstalling.)
cp "$work/bin/bcryptprimitives.dll" "$installed/"
[ "$("$WINE" "$installed/kring.exe" --version | tr -d '\r')" = "kring $version" ] || fail "installed kring.exe --version"
"$WINE" "$installed/kring.exe" network create --name "PLG Rekenen" --me "Anna" --perspective teacher >/dev/null
data="$user_dir/AppData/Roaming/Kring/Kring/data"
[ -f "$data/device.key" ] || fail "no data folder at $data"
rm "$installed/bcryptprimitives.dll"

# The uninstaller copies itself to %TEMP%, starts that copy and returns at once: wait for it.
"$WINE" "$installed/uninstall.exe" /S
for _ in $(seq 1 60); do
    [ -e "$installed" ] || break
    sleep 1
done
[ ! -e "$installed" ] || fail "uninstalling left $(ls "$installed")"
[ ! -e "$shortcut" ] || fail "uninstalling left the Start-menu entry"
if "$WINE" reg query "$key" >/dev/null 2>&1; then fail "uninstalling left $key"; fi
[ -f "$data/device.key" ] || fail "uninstalling removed the data folder: it must stay"
echo "installer: installs for the current user, runs, uninstalls cleanly, keeps the data"
