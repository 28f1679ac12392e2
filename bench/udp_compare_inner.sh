#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The measuring half of bench/udp_compare.sh, run inside the lab's scanner
# namespace for one setting (SETTING); the unlimited setting first records
# nmap's answer as the truth (TRUTH file) that every run must match.
set -euo pipefail

addr=$1
TRUTH=/tmp/cmap-udpbench-truth.txt
OUTDIR=$(mktemp -d /tmp/cmap-udpbench.XXXXXX)
trap 'rm -rf "$OUTDIR"' EXIT
ARGS=(-sU --top-ports 100 -n -Pn)

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

timed() {
    local out=$1
    shift
    "$SPAWN_TIME" /dev/null "$@" -oX "$out"
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

secs() { awk -v us="$1" 'BEGIN { printf "%.2f s", us / 1e6 }'; }

if [ "$SETTING" = unlimited ]; then
    timed "$OUTDIR/truth.xml" "$(command -v nmap)" "${ARGS[@]}" "$addr" >/dev/null
    port_lines "$OUTDIR/truth.xml" >"$TRUTH"
fi
[ "$MEASURE" = 1 ] || exit 0

status=0
tn=() tc=() ratio=() nmap_wrong=0
# On the limited host each run starts with the target's bucket full (six
# refills of quiet), as the floor assumes, whichever tool ran before.
refill() { [ "$SETTING" != limited ] || sleep 7; }
for _ in $(seq "$RUNS"); do
    refill
    a=$(timed "$OUTDIR/nmap.xml" "$(command -v nmap)" "${ARGS[@]}" "$addr")
    refill
    b=$(timed "$OUTDIR/cmap.xml" "$CMAP" "${ARGS[@]}" "$addr")
    # nmap itself loses ports to the rate limit; only cmap must match.
    diff -q <(port_lines "$OUTDIR/nmap.xml") "$TRUTH" >/dev/null || nmap_wrong=$((nmap_wrong + 1))
    if ! diff <(port_lines "$OUTDIR/cmap.xml") "$TRUTH" >"$OUTDIR/diff"; then
        echo "cmap MISMATCH ($SETTING):" >&2
        head -10 "$OUTDIR/diff" >&2
        status=1
    fi
    tn+=("$a") tc+=("$b")
    ratio+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", a / b }')")
done
mn=$(printf '%s\n' "${tn[@]}" | median)
mc=$(printf '%s\n' "${tc[@]}" | median)
mr=$(printf '%s\n' "${ratio[@]}" | median)
printf '%-10s nmap %10s  cmap %10s  nmap/cmap %6.2fx  (nmap wrong in %d of %d runs)\n' \
    "$SETTING" "$(secs "$mn")" "$(secs "$mc")" "$mr" "$nmap_wrong" "$RUNS"
if [ "$SETTING" = limited ]; then
    # One port unreachable a second past a burst of six.
    closed=$(grep -c ' closed port-unreach$' "$TRUTH" || true)
    folded=$(awk '$1 == "folded" && $2 == "closed" { n += $4 } END { print n + 0 }' "$TRUTH")
    floor=$(( closed + folded - 6 ))
    printf 'limited    floor about %d s (%d closed ports); cmap at %.2fx the floor\n' \
        "$floor" "$((closed + folded))" "$(awk -v c="$mc" -v f="$floor" 'BEGIN { print c / 1e6 / f }')"
fi
exit "$status"
