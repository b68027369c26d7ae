#!/usr/bin/env bash
# Installs what building and testing Kring needs on Debian or Ubuntu: the Rust toolchain (via
# rustup, only if cargo is missing) and the system packages below. With --desktop it also
# installs the libraries the desktop window loads when it starts; with --screenshots also a
# virtual display and a screenshot tool (for scripts/screenshots.sh). Safe to run every time:
# it does nothing when everything is already there.
set -euo pipefail

packages=(pkg-config)
# zenity shows the save/open dialogs on desktops without a file-dialog portal.
desktop=(libx11-6 libx11-xcb1 libxcursor1 libxi6 libxkbcommon-x11-0 libegl1 libgl1-mesa-dri zenity)
case "${1:-}" in
    --desktop) packages+=("${desktop[@]}") ;;
    --screenshots) packages+=("${desktop[@]}" xvfb imagemagick) ;;
esac

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
