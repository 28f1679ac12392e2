#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The measuring half of bench/syn_compare.sh, run inside the lab's scanner
# namespace: for each target address, nmap and cmap alternately, RUNS times.
set -euo pipefail

OUTDIR=$(mktemp -d /tmp/cmap-synbench.XXXXXX)
trap 'rm -rf "$OUTDIR"' EXIT

# Every port's state and reason from grepable-free XML, sorted, as one line
# per port: comparing them checks folded ports too.
port_lines() {
    /usr/bin/python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
rows = []
for host in root.findall("host"):
    for p in host.findall("ports/port"):
        s = p.find("state")
        rows.append(f"{p.get('portid')} {s.get('state')} {s.get('reason')}")
    for e in host.findall("ports/extraports"):
        for r in e.findall("extrareasons"):
            rows.append(f"folded {e.get('state')} {r.get('reason')} {r.get('count')}")
print("\n".join(sorted(rows)))
PY
}

# Prints the run's wall time in microseconds (spawn_time, no shell around it).
timed() {
    local out=$1
    shift
    "$SPAWN_TIME" /dev/null "$@" -oX "$out"
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ms() { awk -v us="$1" 'BEGIN { printf "%.1f ms", us / 1e3 }'; }

status=0
printf '%-14s %12s %12s %10s\n' target nmap cmap nmap/cmap
for addr in "$@"; do
    tn=() tc=() ratio=()
    for _ in $(seq "$RUNS"); do
        # shellcheck disable=SC2086
        a=$(timed "$OUTDIR/nmap.xml" "$(command -v nmap)" -sS -n -Pn -p- $FLAGS "$addr")
        # shellcheck disable=SC2086
        b=$(timed "$OUTDIR/cmap.xml" "$CMAP" -sS -n -Pn -p- $FLAGS "$addr")
        if ! diff <(port_lines "$OUTDIR/nmap.xml") <(port_lines "$OUTDIR/cmap.xml") >"$OUTDIR/diff"; then
            echo "MISMATCH on $addr:" >&2
            head -20 "$OUTDIR/diff" >&2
            status=1
        fi
        tn+=("$a") tc+=("$b")
        ratio+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", a / b }')")
    done
    mn=$(printf '%s\n' "${tn[@]}" | median)
    mc=$(printf '%s\n' "${tc[@]}" | median)
    mr=$(printf '%s\n' "${ratio[@]}" | median)
    printf '%-14s %12s %12s %9.2fx\n' "$addr" "$(ms "$mn")" "$(ms "$mc")" "$mr"
    # The kernel floor on the same host (bench/syn_floor.c), with one raw
    # sender thread and with two (one per core): what any scanner here can
    # approach. Only meaningful where every port answers.
    for senders in 1 2; do
        f=() answered=0
        for _ in $(seq "$RUNS"); do
            read -r us answered < <("$SYN_FLOOR" "$addr" "$senders")
            f+=("$us")
        done
        if [ "$answered" = 65535 ]; then
            printf '  floor, %d sender(s): %s; nmap %.2fx of it, cmap %.2fx\n' "$senders" \
                "$(ms "$(printf '%s\n' "${f[@]}" | median)")" \
                "$(awk -v a="$mn" -v f="$(printf '%s\n' "${f[@]}" | median)" 'BEGIN { print a / f }')" \
                "$(awk -v a="$mc" -v f="$(printf '%s\n' "${f[@]}" | median)" 'BEGIN { print a / f }')"
        fi
    done
done
exit "$status"
