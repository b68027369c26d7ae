#!/usr/bin/env bash
# Runs every Kring test. Installs what a fresh Debian/Ubuntu machine needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cargo test --workspace --locked
