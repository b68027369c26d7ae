#!/usr/bin/env bash
# Fuzzes Kring's parsers and protocol core with cargo-fuzz (libFuzzer): every target in
# fuzz/fuzz_targets for SECONDS each (default 10), one after the other.
#
#   scripts/fuzz.sh [SECONDS]
#
# Exits non-zero if any target crashes; the input that did it is in fuzz/artifacts/<target>/
# (replay it with `RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <file>` in fuzz/). What a run
# learns is added to fuzz/corpus/<target>/ (ignored by git; only the seed-* files are kept).
set -uo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-10}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
    echo "usage: scripts/fuzz.sh [SECONDS]   (seconds per target, default 10)" >&2
    exit 2
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: cargo-fuzz is missing; installing it with 'cargo install cargo-fuzz --locked'" >&2
    cargo install cargo-fuzz --locked || exit 1
fi

# cargo-fuzz builds with nightly-only rustc flags (-Zsanitizer=address, sanitizer coverage).
# This project uses a stable toolchain; RUSTC_BOOTSTRAP=1 lets stable rustc accept them.
export RUSTC_BOOTSTRAP=1

# Target and -max_len: room for its largest seed and then some (real sync messages and store
# files are a few kB); longer inputs only slow a run down.
targets=(
    "frame_decoder 16384"
    "ticket_parser 2048"
    "store_loader 16384"
    "sync_messages 16384"
)

failed=()
for entry in "${targets[@]}"; do
    read -r target max_len <<<"$entry"
    echo "=== fuzz.sh: $target for ${seconds}s" >&2
    # --debug-assertions: overflow checks and debug_assert! turn silent wrong results into
    # crashes. -timeout: an input that takes 30 s is a hang (a peer could stall a node with it).
    if ! (cd fuzz && cargo fuzz run --debug-assertions "$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -max_len="$max_len" -timeout=30 \
        -print_final_stats=1); then
        failed+=("$target")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz.sh: crashes (or build failures) in: ${failed[*]}; see fuzz/artifacts/" >&2
    exit 1
fi
echo "fuzz.sh: no crashes in ${#targets[@]} targets (${seconds}s each)" >&2
