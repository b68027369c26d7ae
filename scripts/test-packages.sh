#!/usr/bin/env bash
# The packages' tests, run by scripts/test.sh (and so by CI): kring.exe and its installer under
# Wine (scripts/test-windows.sh), then the .deb (scripts/test-deb.sh). The Windows window under
# Wine is a long run of its own: scripts/test-windows-gui.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/test-windows.sh
./scripts/test-deb.sh
