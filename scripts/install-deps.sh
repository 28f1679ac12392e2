#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install the Debian 12 packages cmap needs to build and run (default), or
# also everything the tests need (--test); only the missing ones, so a
# machine that has them all is not touched.
#
# The test set includes real daemons (OpenSSH, nginx, Exim, ...) that the
# -sV lab tests start inside network namespaces. Installing them must not
# start them on this machine: a policy-rc.d that refuses every start is in
# place while apt runs, and on a systemd machine the units of daemons this
# script newly installed are disabled afterwards. apt never removes a
# package here (--no-remove): a machine with another mail server keeps it.
set -euo pipefail

with_tests=0
case "${1:-}" in
--test) with_tests=1 ;;
'') ;;
*) echo "usage: $0 [--test]" >&2; exit 2 ;;
esac

packages=(
    build-essential meson ninja-build pkg-config
    libpcap-dev libpcre2-dev libssl-dev
    liblua5.4-dev lua-lpeg-dev zlib1g-dev libssh2-1-dev
    nmap-common iproute2
)
test_packages=(
    clang libclang-rt-14-dev libcmocka-dev libxml2-dev
    nmap ndiff
    python3-pytest python3-pytest-xdist python3-nmap python3-jsonschema jq
    nftables libxml2-utils tmux strace procps util-linux
    man-db groff zsh xsltproc chromium fonts-dejavu-core python3-pil openssl
)
# Real daemons for the -sV lab tests and bench/sv_compare.sh, with the
# systemd units to keep disabled when this script installs them.
daemon_packages=(
    openssh-server:ssh nginx-light:nginx vsftpd:vsftpd exim4-daemon-light:exim4
    redis-server:redis-server memcached:memcached dnsmasq-base: snmpd:snmpd
    rpcbind:rpcbind postgresql:postgresql
)

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
new_units=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
if [ "$with_tests" = 1 ]; then
    for p in "${test_packages[@]}"; do installed "$p" || missing+=("$p"); done
    for entry in "${daemon_packages[@]}"; do
        p=${entry%%:*} unit=${entry#*:}
        installed "$p" && continue
        missing+=("$p")
        [ -n "$unit" ] && new_units+=("$unit")
    done
fi
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages (${missing[*]}); run as root to install them" >&2
    exit 1
fi

# Refuse every service start while apt runs (invoke-rc.d and
# deb-systemd-invoke both ask policy-rc.d); put back whatever was there.
policy=/usr/sbin/policy-rc.d
saved_policy=""
if [ -e "$policy" ]; then
    saved_policy=$(mktemp)
    cp -p "$policy" "$saved_policy"
fi
restore_policy() {
    if [ -n "$saved_policy" ]; then
        mv -f "$saved_policy" "$policy"
    else
        rm -f "$policy"
    fi
}
trap restore_policy EXIT
printf '#!/bin/sh\n# cmap install-deps: no daemon starts while packages install\nexit 101\n' >"$policy"
chmod 755 "$policy"

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends --no-remove "${missing[@]}" >/dev/null

if [ ${#new_units[@]} -gt 0 ] && [ -d /run/systemd/system ]; then
    echo "install-deps: disabling the test daemons' units (${new_units[*]}): the tests start their own"
    systemctl disable --now "${new_units[@]}" >/dev/null 2>&1 || true
fi
