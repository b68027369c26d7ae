#!/usr/bin/env bash
# The long runs behind Kring's hardening figures; they take hours, not minutes, so the test
# command runs short versions of them instead.
#
#   scripts/long-runs.sh [FUZZ_SECONDS]
#
# - the deterministic sync simulations: 1,000 seeds of 10,000 steps each (CI: 100 of 1-40), and
#   the leerhuis's: 200 seeds of 2,000 steps (CI: 64 of 1-40);
# - the load test: 20 peers for 10 minutes (CI: 1 minute);
# - every fuzz target for FUZZ_SECONDS (default 600; CI: 5).
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds="${1:-600}"

echo "=== long-runs.sh: simulation, 1,000 seeds x 10,000 steps (about 100 minutes)" >&2
time KRING_SIM_SEEDS=1000 KRING_SIM_STEPS=10000 \
    cargo test --release --locked -p kring-sync --test simulation -- --nocapture
time KRING_SIM_SEEDS=200 KRING_SIM_STEPS=2000 \
    cargo test --release --locked -p kring-sync --test simulation_leerhuis -- --nocapture

echo "=== long-runs.sh: load, 20 peers for 10 minutes" >&2
time KRING_LOAD_SECONDS=600 cargo test --release --locked -p kring-bench --test load -- --nocapture

echo "=== long-runs.sh: fuzzing, ${fuzz_seconds} s per target" >&2
time ./scripts/fuzz.sh "$fuzz_seconds"
