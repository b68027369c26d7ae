#!/usr/bin/env bash
# Installs what building and testing Kring needs on Debian or Ubuntu: the Rust toolchain (via
# rustup, only if cargo is missing) and the system packages below. With --desktop it also
# installs the libraries the desktop window loads when it starts; with --screenshots also a
# virtual display, a screenshot tool and a tool to size the window (for scripts/screenshots.sh). With --packaging it also
# installs what building and testing the packages needs (scripts/package.sh,
# scripts/test-packages.sh): the Windows target of Rust, the MinGW linker, Wine, NSIS, the
# desktop-entry and AppStream checkers, and the desktop libraries the .deb depends on. Options
# may be combined. Safe to run every time: it does nothing when everything is already there.
set -euo pipefail

packages=(pkg-config)
# The phone page of a meeting's room is tested in a real browser (crates/kring-room/tests/
# browser.rs): headless Chromium and its WebDriver.
packages+=(chromium chromium-driver)
# The LAN tests (tests/lan.rs) build a LAN of network namespaces (ip) and drop multicast in it
# (nft) and count its DNS packets (tcpdump); they need root, and skip without it, so only root
# needs these.
[ "$(id -u)" -eq 0 ] && packages+=(iproute2 nftables tcpdump)
# zenity shows the save/open dialogs on desktops without a file-dialog portal.
desktop=(libx11-6 libx11-xcb1 libxcursor1 libxi6 libxkbcommon-x11-0 libegl1 libgl1-mesa-dri zenity)
# Windows cross-build (mingw-w64), Wine to run it, NSIS for the installer; the .deb's checks.
packaging=(mingw-w64 wine64 nsis desktop-file-utils appstream dpkg-dev)
windows_target=""
for option in "$@"; do
    case "$option" in
        --desktop) packages+=("${desktop[@]}") ;;
        --screenshots) packages+=("${desktop[@]}" xvfb imagemagick xdotool) ;;
        --packaging) packages+=("${desktop[@]}" "${packaging[@]}"); windows_target=x86_64-pc-windows-gnu ;;
    esac
done

if ! command -v cargo >/dev/null 2>&1; then
    if [ -x "$HOME/.cargo/bin/cargo" ]; then
        echo "Rust is installed in ~/.cargo/bin; add it to PATH (open a new terminal) and run this again." >&2
        exit 1
    fi
    echo "Installing the Rust toolchain with rustup ..." >&2
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    echo "Rust installed. Open a new terminal (or run: source ~/.cargo/env) and run this again." >&2
    exit 1
fi

# The test command checks formatting and lints too; rustup's minimal profile leaves both out.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    echo "Adding rustfmt and clippy to the Rust toolchain ..." >&2
    rustup component add rustfmt clippy
fi

if [ -n "$windows_target" ] && ! rustup target list --installed | grep -x "$windows_target" >/dev/null; then
    echo "Adding the $windows_target target to the Rust toolchain ..." >&2
    rustup target add "$windows_target"
fi

if command -v dpkg >/dev/null 2>&1; then
    missing=()
    for pkg in "${packages[@]}"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Installing system packages: ${missing[*]}" >&2
        sudo_cmd=""
        [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
        $sudo_cmd apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
    fi
fi
