#!/usr/bin/env bash
# Runs every Kring test. Installs what a fresh Debian/Ubuntu machine needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
# A clean build gains nothing from incremental caches, and they cost gigabytes of disk.
export CARGO_INCREMENTAL=0
df -h . | tail -1 | awk '{print "Free disk for the build: " $4}'
./scripts/install-deps.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The phone room's browser test fails rather than skips without Chromium: installed above.
KRING_BROWSER_REQUIRED=1 cargo test --workspace --locked
# The bench once on a small network, so that it keeps working; its times are not judged here.
cargo run --locked -p kring-bench -- --smoke
# A few seconds of fuzzing per target: the fuzzers still build and replay their seeds, including
# inputs that once crashed Kring (long runs: scripts/fuzz.sh 600).
./scripts/fuzz.sh 5
# The packages: the release kring.exe under Wine beside the Linux binary, its installer
# installed and removed under Wine, and the .deb installed and removed with dpkg (long run: the
# Windows window under Wine, scripts/test-windows-gui.sh).
./scripts/test-packages.sh
