#!/usr/bin/env bash
# Builds every package this machine can build, into dist/:
#   dist/Kring-<version>-setup.exe   Windows 10 and 11 (x64): a per-user installer, no admin rights
#   dist/kring_<version>_amd64.deb   Debian and Ubuntu (amd64)
#   dist/SHA256SUMS
# macOS cannot be built on Linux: README, "Kring installeren", has the recipe for a Mac.
#
#   scripts/package.sh          build the packages (release builds; the first takes a while)
#   scripts/package.sh --test   then test them: the installer and kring.exe under Wine, and the
#                               .deb installed with dpkg (needs root: it installs into the system)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --packaging

started=$SECONDS
target_dir=${CARGO_TARGET_DIR:-target}
windows=x86_64-pc-windows-gnu
cargo build --locked --release --bin kring
cargo build --locked --release --target "$windows" --bin kring

rm -rf dist
mkdir -p dist
packaging/linux/build-deb.sh "$target_dir/release/kring" dist >/dev/null
packaging/windows/build-installer.sh "$target_dir/$windows/release/kring.exe" dist >/dev/null
(cd dist && sha256sum -- * > SHA256SUMS)
echo "Packages in dist/ (built in $((SECONDS - started)) s):"
ls -l dist

if [ "${1:-}" = --test ]; then
    KRING_WINDOWS_EXE="$target_dir/$windows/release/kring.exe" ./scripts/test-windows.sh
    KRING_DEB=$(ls dist/kring_*.deb) ./scripts/test-deb.sh
fi
