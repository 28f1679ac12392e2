#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Side-by-side version detection benchmark: `cmap -sV` against `nmap -sV`
# on real daemons (tests/lab/daemons.py: OpenSSH, vsftpd, Exim with and
# without TLS, dnsmasq, nginx with and without TLS, rpcbind, PostgreSQL,
# Redis, memcached; snmpd runs too but is UDP) on 127.0.0.1 inside a
# private network namespace. Runs the two alternately, checks every run
# reports the same service, tunnel, product and version per port (nmap's
# first run is the reference), and prints medians and the median
# nmap/cmap ratio.
#
# usage: sudo bench/sv_compare.sh [-n RUNS] [-b BUILD_DIR] [--nmap-only]
#   -n RUNS       runs per tool (default 5)
#   -b DIR        meson build directory holding cmap (default build)
#   --nmap-only   time nmap alone (while cmap has no -sV)
# Environment: FLAGS, extra flags for both scanners (default none).
#
# The measuring half re-runs this script inside the namespace (--inside), so
# a timed run is a plain exec, without `ip netns exec` around it.
set -euo pipefail

RUNS=5
BUILD=build
NMAP_ONLY=0
INSIDE=0
while [ $# -gt 0 ]; do
    case "$1" in
    -n) RUNS="${2:-}"; shift 2 ;;
    -b) BUILD="${2:-}"; shift 2 ;;
    --nmap-only) NMAP_ONLY=1; shift ;;
    --inside) INSIDE=1; shift ;;
    *) echo "usage: $0 [-n RUNS] [-b BUILD_DIR] [--nmap-only]" >&2; exit 2 ;;
    esac
done
case "$RUNS" in '' | 0 | *[!0-9]*) echo "runs must be a positive number" >&2; exit 2 ;; esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SELF="$ROOT/bench/$(basename "$0")"
DAEMONS="$ROOT/tests/lab/daemons.py"
CMAP="$ROOT/$BUILD/cmap"
SPAWN_TIME="$ROOT/$BUILD/bench/spawn_time"
PYTHON=/usr/bin/python3
OUT="/tmp/cmap-svbench-$$.xml" # the inner half's XML output, per run
FLAGS=${FLAGS:-}
PORTS=21,22,25,53,80,111,443,465,5432,6379,11211
TARGET=127.0.0.1

# ---- outer half: namespace, daemons, cleanup --------------------------------

outer() {
    for tool in nmap ip "$PYTHON"; do
        command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
    done
    local need=("$SPAWN_TIME")
    [ "$NMAP_ONLY" = 1 ] || need+=("$CMAP")
    for f in "${need[@]}"; do
        [ -x "$f" ] || { echo "$f not built (ninja -C $BUILD)" >&2; exit 1; }
    done
    NS="cmapsvbench-$$"
    trap cleanup EXIT INT TERM
    ip netns add "$NS"
    ip netns exec "$NS" ip link set lo up
    echo "starting the daemons in namespace $NS ..."
    "$PYTHON" "$DAEMONS" up "$NS" "$TARGET" | awk '{ printf "  %s/%s %s\n", $2, $1, $3 }'
    local only=()
    [ "$NMAP_ONLY" = 1 ] && only=(--nmap-only)
    ip netns exec "$NS" bash "$SELF" --inside -n "$RUNS" -b "$BUILD" "${only[@]}"
}

# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
    "$PYTHON" "$DAEMONS" down "$NS" || true
    ip netns del "$NS" 2>/dev/null || true
}

# ---- inner half: the measurements -------------------------------------------

# "port/proto name tunnel product version" per port of an XML file, the
# memcached uptime left out (it is extrainfo, not compared).
services() {
    "$PYTHON" - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET
for port in ET.parse(sys.argv[1]).getroot().iter("port"):
    svc = port.find("service")
    get = (lambda n: svc.get(n) or "-") if svc is not None else (lambda n: "-")
    fields = [get(n) for n in ("name", "tunnel", "product", "version")]
    print(f"{port.get('portid')}/{port.get('protocol')} {port.find('state').get('state')} "
          + " | ".join(fields))
EOF
}

# Prints microseconds; the scan's XML is left in $OUT.
run_scanner() {
    # shellcheck disable=SC2086
    "$SPAWN_TIME" "$OUT" "$@" -sV -sT -Pn -n $FLAGS -p "$PORTS" -oX - "$TARGET"
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

secs() { awk -v us="$1" 'BEGIN { printf "%.2f s", us / 1e6 }'; }

inner() {
    local status=0 reference="" got t
    local -a tn tc ratio
    tn=() tc=() ratio=()
    for i in $(seq "$RUNS"); do
        t=$(run_scanner "$(command -v nmap)")
        got=$(services "$OUT")
        tn+=("$t")
        if [ -z "$reference" ]; then
            reference=$got
            printf 'nmap -sV -sT -Pn -n -p %s %s (first run, the reference):\n' "$PORTS" "$TARGET"
            printf '  %s\n' "${reference//$'\n'/$'\n'  }"
            if [ "$(grep -c ' open ' <<<"$reference")" -lt 10 ]; then
                echo "fewer than 10 open services; the daemons are not all up" >&2
                status=1
            fi
        elif [ "$got" != "$reference" ]; then
            echo "MISMATCH: nmap run $i differs from nmap run 1:" >&2
            diff <(echo "$reference") <(echo "$got") >&2 || true
            status=1
        fi
        if [ "$NMAP_ONLY" = 0 ]; then
            t=$(run_scanner "$CMAP")
            got=$(services "$OUT")
            tc+=("$t")
            ratio+=("$(awk -v a="${tn[-1]}" -v b="$t" 'BEGIN { printf "%.4f", a / b }')")
            if [ "$got" != "$reference" ]; then
                echo "MISMATCH: cmap run $i differs from nmap (< nmap, > cmap):" >&2
                diff <(echo "$reference") <(echo "$got") >&2 || true
                status=1
            fi
        fi
    done
    local mn
    mn=$(printf '%s\n' "${tn[@]}" | median)
    printf '\n%-28s %12s %12s %10s\n' "workload ($RUNS runs)" nmap cmap nmap/cmap
    if [ "$NMAP_ONLY" = 1 ]; then
        printf '%-28s %12s %12s %10s\n' "-sV, $(tr ',' '\n' <<<"$PORTS" | wc -l) TCP services" \
            "$(secs "$mn")" "-" "-"
    else
        local mc mr
        mc=$(printf '%s\n' "${tc[@]}" | median)
        mr=$(printf '%s\n' "${ratio[@]}" | median)
        printf '%-28s %12s %12s %9.2fx\n' "-sV, $(tr ',' '\n' <<<"$PORTS" | wc -l) TCP services" \
            "$(secs "$mn")" "$(secs "$mc")" "$mr"
    fi
    printf 'nmap runs (s): %s\n' "$(printf '%s\n' "${tn[@]}" | awk '{ printf "%.2f ", $1 / 1e6 }')"
    if [ "$NMAP_ONLY" = 0 ]; then
        printf 'cmap runs (s): %s\n' "$(printf '%s\n' "${tc[@]}" | awk '{ printf "%.2f ", $1 / 1e6 }')"
    fi
    return "$status"
}

if [ "$INSIDE" = 1 ]; then
    trap 'rm -f "$OUT"' EXIT
    inner
else
    outer
fi
