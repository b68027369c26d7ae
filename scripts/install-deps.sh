#!/usr/bin/env bash
# Installs the system packages Kring's build and tests need on Debian/Ubuntu.
# Does nothing when everything is already there, so it is safe to run every time.
set -euo pipefail
needed=()
for pkg in pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || needed+=("$pkg")
done
if [ ${#needed[@]} -gt 0 ]; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${needed[@]}"
fi
