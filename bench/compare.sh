#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Side-by-side TCP connect scan benchmark: cmap against nmap (and the kernel
# floor, bench/floor.c) on 127.0.0.1 inside a private network namespace with
# a few listeners. Runs the tools alternately, checks that they find the same
# open ports, and prints medians and the median nmap/cmap ratio per workload.
#
# usage: sudo bench/compare.sh [-n RUNS] [-b BUILD_DIR] [-w WORKLOAD] [--engine]
#   -n RUNS     runs per tool and workload (default 7)
#   -b DIR      meson build directory (default build)
#   -w WORKLOAD only this workload, e.g. -w "-p 80,443" (repeatable; default
#               all three)
#   --engine    time BUILD/bench/engine_only (connect_scan() alone) instead
#               of the cmap binary
# Environment: FLAGS, extra flags for both scanners (default "--max-retries 2").
#
# The measuring half re-runs this script inside the namespace (--inside), so
# a timed run is a plain exec, without `ip netns exec` around it.
set -euo pipefail

RUNS=7
BUILD=build
ONLY=()
ENGINE=0
INSIDE=0
while [ $# -gt 0 ]; do
    case "$1" in
    -n) RUNS="${2:-}"; shift 2 ;;
    -b) BUILD="${2:-}"; shift 2 ;;
    -w) ONLY+=("${2:-}"); shift 2 ;;
    --engine) ENGINE=1; shift ;;
    --inside) INSIDE=1; shift ;;
    *) echo "usage: $0 [-n RUNS] [-b BUILD_DIR] [-w WORKLOAD] [--engine]" >&2; exit 2 ;;
    esac
done
case "$RUNS" in '' | 0 | *[!0-9]*) echo "runs must be a positive number" >&2; exit 2 ;; esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SELF="$ROOT/bench/$(basename "$0")"
CMAP="$ROOT/$BUILD/cmap"
ENGINE_ONLY="$ROOT/$BUILD/bench/engine_only"
FLOOR="$ROOT/$BUILD/bench/floor"
SPAWN_TIME="$ROOT/$BUILD/bench/spawn_time"
OUT="/tmp/cmap-bench-$$.gnmap" # the inner half's grepable output, per run
FLAGS=${FLAGS:---max-retries 2}
LISTEN_PORTS=(22 80 8080)
WORKLOADS=("-p-" "-p 80,443" "--top-ports 1000")
if [ "${#ONLY[@]}" -gt 0 ]; then WORKLOADS=("${ONLY[@]}"); fi

# ---- outer half: namespace, listeners, cleanup ----------------------------

outer() {
    for tool in nmap python3 ip; do
        command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
    done
    local scanner=$CMAP
    [ "$ENGINE" = 1 ] && scanner=$ENGINE_ONLY
    for f in "$FLOOR" "$SPAWN_TIME" "$scanner"; do
        [ -x "$f" ] || { echo "$f not built (ninja -C $BUILD)" >&2; exit 1; }
    done
    NS="cmapbench-$$"
    trap cleanup EXIT INT TERM
    ip netns add "$NS"
    ip netns exec "$NS" ip link set lo up
    ip netns exec "$NS" python3 -c '
import select, socket, sys
socks = []
for p in sys.argv[1:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(p)))
    s.listen(1024)
    socks.append(s)
# Accept and close, so many runs never fill the accept queue (a full queue
# drops SYNs and turns open ports into slow timeouts).
while True:
    for s in select.select(socks, [], [])[0]:
        s.accept()[0].close()
' "${LISTEN_PORTS[@]}" &
    LISTENER_PID=$!
    for _ in $(seq 50); do
        [ "$(ip netns exec "$NS" ss -Hltn | wc -l)" -ge "${#LISTEN_PORTS[@]}" ] && break
        sleep 0.1
    done
    local engine_flag=()
    [ "$ENGINE" = 1 ] && engine_flag=(--engine)
    local only_args=()
    for w in "${ONLY[@]}"; do only_args+=(-w "$w"); done
    ip netns exec "$NS" bash "$SELF" --inside -n "$RUNS" -b "$BUILD" "${engine_flag[@]}" \
        "${only_args[@]}"
}

# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
    if [ -n "${LISTENER_PID:-}" ]; then kill "$LISTENER_PID" 2>/dev/null || true; fi
    ip netns del "$NS" 2>/dev/null || true
}

# ---- inner half: the measurements ------------------------------------------

# Microseconds since the epoch, without forking (bash 5).
now_us() { echo "${EPOCHREALTIME/./}"; }

open_from_grepable() {
    grep -o '[0-9]*/open/' <<<"$1" | cut -d/ -f1 | sort -n | paste -sd, - || true
}

# engine_only takes a plain port list; --top-ports is resolved through nmap.
engine_ports() {
    case "$1" in
    -p-) echo 1-65535 ;;
    -p) echo "$2" ;;
    --top-ports)
        nmap -sT -n -Pn --top-ports "$2" -oX - 127.0.0.1 2>/dev/null |
            sed -n 's/.*<scaninfo[^>]*services="\([^"]*\)".*/\1/p' ;;
    esac
}

# Each runner prints "microseconds open-ports". The scanners are timed by
# spawn_time (no shell in between); their grepable output goes to a file.
run_scanner() {
    local us out
    # shellcheck disable=SC2086
    us=$("$SPAWN_TIME" "$OUT" "$@" -oG - 127.0.0.1)
    out=$(cat "$OUT")
    echo "$us $(open_from_grepable "$out")"
}

run_nmap() {
    # shellcheck disable=SC2086
    run_scanner "$(command -v nmap)" -sT -n -Pn $FLAGS "$@"
}

run_cmap() {
    # shellcheck disable=SC2086
    run_scanner "$CMAP" -sT -n -Pn $FLAGS "$@"
}

run_engine() {
    local t0 t1 out ports retries
    ports=$(engine_ports "$@")
    retries=$(grep -o -- '--max-retries [0-9]*' <<<"$FLAGS" | awk '{ print $2 }' || true)
    t0=$(now_us)
    out=$("$ENGINE_ONLY" 127.0.0.1 "$ports" "${retries:-10}")
    t1=$(now_us)
    echo "$((t1 - t0)) $(sed -n 's/^open://p' <<<"$out" | tr ' ' '\n' | grep . | sort -n |
        paste -sd, - || true)"
}

run_floor() {
    local t0 t1
    t0=$(now_us)
    "$FLOOR" >/dev/null
    t1=$(now_us)
    echo "$((t1 - t0))"
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ms() { awk -v us="$1" 'BEGIN { printf "%.1f ms", us / 1e3 }'; }

inner() {
    local runner=run_cmap status=0 full_cmap=0
    [ "$ENGINE" = 1 ] && runner=run_engine
    local -a tn tc ratio
    printf '%-18s %12s %12s %10s\n' workload nmap cmap nmap/cmap
    for w in "${WORKLOADS[@]}"; do
        # shellcheck disable=SC2206
        local args=($w)
        tn=() tc=() ratio=()
        for _ in $(seq "$RUNS"); do
            read -r a on < <(run_nmap "${args[@]}")
            read -r b oc < <($runner "${args[@]}")
            if [ "${on:-}" != "${oc:-}" ]; then
                echo "MISMATCH on $w: nmap open [${on:-}] cmap open [${oc:-}]" >&2
                status=1
            fi
            tn+=("$a") tc+=("$b")
            ratio+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", a / b }')")
        done
        local mn mc mr
        mn=$(printf '%s\n' "${tn[@]}" | median)
        mc=$(printf '%s\n' "${tc[@]}" | median)
        mr=$(printf '%s\n' "${ratio[@]}" | median)
        printf '%-18s %12s %12s %9.2fx\n' "$w" "$(ms "$mn")" "$(ms "$mc")" "$mr"
        [ "$w" = "-p-" ] && full_cmap=$mc
    done
    if [ "$full_cmap" != 0 ]; then # the floor is -p-'s
        local tf=()
        for _ in $(seq "$RUNS"); do tf+=("$(run_floor)"); done
        local mf
        mf=$(printf '%s\n' "${tf[@]}" | median)
        printf 'floor (bench/floor.c, -p-): %s; cmap -p- takes %s of the floor time\n' "$(ms "$mf")" \
            "$(awk -v c="$full_cmap" -v f="$mf" 'BEGIN { printf "%.2fx", c / f }')"
    fi
    if [ "$ENGINE" = 1 ]; then echo "(cmap column: connect_scan() alone, bench/engine_only)"; fi
    return "$status"
}

if [ "$INSIDE" = 1 ]; then
    trap 'rm -f "$OUT"' EXIT
    inner
else
    outer
fi
