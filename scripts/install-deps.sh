#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install the Debian 12 packages cmap needs to build, run and test; only the
# missing ones, so a machine that has them all is not touched.
set -euo pipefail

packages=(
    build-essential meson ninja-build pkg-config clang libclang-rt-14-dev
    libcmocka-dev libpcap-dev libpcre2-dev libssl-dev libxml2-dev rpcbind
    nmap nmap-common ndiff
    python3-pytest python3-nmap python3-jsonschema jq
    iproute2 nftables libxml2-utils tmux strace procps util-linux
    man-db groff zsh xsltproc chromium fonts-dejavu-core python3-pil
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages (${missing[*]}); run as root to install them" >&2
    exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
