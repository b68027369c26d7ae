#!/usr/bin/env bash
# Builds and starts Kring. Extra arguments go to kring itself, e.g.
#   ./scripts/run.sh network list
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --desktop
cargo run --release --locked --quiet -- "$@"
