#!/usr/bin/env bash
# LONG RUN, not part of CI: the Windows desktop app under Wine on a virtual display (Xvfb). Starts
# the release kring.exe on a fresh data folder, waits for its first screen and saves a
# screenshot, then checks that the window drew something (not a blank or black screen).
#
#   scripts/test-windows-gui.sh [SCREENSHOT.png]     default: dist/wine-first-start.png
#   KRING_WINDOWS_EXE=FILE scripts/test-windows-gui.sh   a kring.exe built before
#   WGPU_BACKEND=gl|vulkan|dx12 scripts/test-windows-gui.sh   another drawing backend
#
# Under Wine the app draws with Vulkan (Mesa's lavapipe through Wine's winevulkan), the default
# here. Left to choose, wgpu takes Wine's Direct3D 12 (vkd3d, which calls itself a GeForce GTX
# 470) and the window closes at once: Wine 8's D3DCompile is "not implemented" for wgpu's
# shaders, and the device is lost. Real Windows has its own D3DCompile (d3dcompiler_47.dll).
#
# It takes a release build of kring.exe (about 15 minutes on 2 cores if there is none yet) and
# Mesa's software OpenGL and Vulkan for Wine to draw with; on a real Windows laptop the window
# draws with Direct3D 12, or Windows' software renderer (WARP) where there is no GPU driver.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --packaging --screenshots
for pkg in mesa-vulkan-drivers libvulkan1; do
    dpkg -s "$pkg" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg"
done
source scripts/wine/wine.sh
export WGPU_BACKEND=${WGPU_BACKEND:-vulkan}

shot=$(realpath -m "${1:-dist/wine-first-start.png}")
mkdir -p "$(dirname "$shot")"
exe=$(windows_exe)

work=$(mktemp -d)
xvfb_pid=""
app_pid=""
cleanup() {
    if [ -n "$app_pid" ]; then kill "$app_pid" 2>/dev/null || true; fi
    wine_stop
    if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=$display
sleep 2

mkdir -p "$work/bin"
cp "$exe" "$work/bin/kring.exe"
wine_shim "$work/bin"
wine_prefix "$work/prefix"

log="$work/kring.log"
KRING_LOG=${KRING_LOG:-info} "$WINE" "$work/bin/kring.exe" --data-dir "$(windows_path "$work/data")" --offline \
    >"$log" 2>&1 &
app_pid=$!
for _ in $(seq 1 60); do
    sleep 2
    if ! kill -0 "$app_pid" 2>/dev/null; then
        echo "test-windows-gui.sh: kring.exe stopped under Wine before showing a window:" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    import -display "$display" -window root "$shot"
    # A drawn first screen has text and buttons: many colours, not one flat background.
    colours=$(convert "$shot" -format '%k' info:)
    if [ "$colours" -gt 16 ]; then
        sleep 3
        import -display "$display" -window root "$shot"
        echo "The Windows app under Wine drew its first screen ($colours colours): $shot"
        exit 0
    fi
done
echo "test-windows-gui.sh: no window drawn within 2 minutes; the last screenshot is $shot" >&2
tail -n 30 "$log" >&2
exit 1
