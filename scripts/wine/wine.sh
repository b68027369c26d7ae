# shellcheck shell=bash
# Sourced by the scripts that run kring.exe under Wine (scripts/test-windows.sh,
# scripts/test-windows-gui.sh). Debian 12 has Wine 8.0 (the package wine64).

WINE=${WINE:-/usr/lib/wine/wine64}
WINESERVER=${WINESERVER:-/usr/lib/wine/wineserver}
export WINE WINESERVER
export WINEDEBUG=${WINEDEBUG:--all}

# windows_exe: prints the kring.exe to test: $KRING_WINDOWS_EXE if set (one built before),
# else the release build for Windows, built now. The release build, as shipped: measured, it
# costs no more than the dev profile (about 13 CPU-minutes either way on this kind of machine;
# Kring's dev profile optimises the dependencies too). Unoptimised dependencies are not an
# option: iroh also builds itself as a DLL, and unoptimised (shared generics) that DLL exports
# more symbols than Windows allows ("export ordinal too large").
windows_exe() {
    if [ -n "${KRING_WINDOWS_EXE:-}" ]; then
        printf '%s\n' "$KRING_WINDOWS_EXE"
        return
    fi
    local target=x86_64-pc-windows-gnu
    cargo build --locked --release --target "$target" --bin kring >&2 || return 1
    printf '%s\n' "${CARGO_TARGET_DIR:-target}/$target/release/kring.exe"
}

# wine_prefix DIR: a fresh Wine folder (C: drive, registry) in DIR, its server and services
# kept running until wine_stop, so that every command starts quickly. The services start here,
# with nothing of ours open: started by the first test command instead, they would hold on to
# its output pipe and the test would wait for its end forever.
wine_prefix() {
    export WINEPREFIX="$1"
    # No Mono or Gecko install prompts: Kring needs neither.
    export WINEDLLOVERRIDES="mscoree,mshtml=${WINEDLLOVERRIDES:+;$WINEDLLOVERRIDES}"
    mkdir -p "$WINEPREFIX"
    "$WINESERVER" -p
    "$WINE" wineboot --init </dev/null >/dev/null 2>&1
}

wine_stop() {
    if [ -n "${WINEPREFIX:-}" ]; then "$WINESERVER" -k 2>/dev/null || true; fi
}

# wine_shim DIR: puts bcryptprimitives.dll (for Wine only, never shipped) into DIR, next to a
# kring.exe. Rust programs take their random numbers from its ProcessPrng, which Wine 8 lacks.
wine_shim() {
    local here
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    x86_64-w64-mingw32-gcc -shared -O2 -s -o "$1/bcryptprimitives.dll" \
        "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -ladvapi32
}

# windows_path PATH: /tmp/x as Wine's programs see it, Z:\tmp\x.
windows_path() {
    local path
    path=$(realpath -m "$1")
    printf 'Z:%s\n' "${path//\//\\}"
}
