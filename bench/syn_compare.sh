#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Side-by-side SYN scan benchmark: cmap -sS against nmap -sS, all 65535
# ports of one lab host (tests/lab/lab.py: its namespaces, veth links and
# nft rules), -T4 -Pn, run alternately. Checks that both report the same
# port states and reasons every run and prints median times and the median
# nmap/cmap ratio for each target, and for a target where every port
# answers, the kernel floor (bench/syn_floor.c) with one and two sender
# threads beside them.
#
# usage: sudo bench/syn_compare.sh [-n RUNS] [-b BUILD_DIR] [ROLE...]
#   -n RUNS   runs per tool and target (default 7)
#   -b DIR    meson build directory (default build)
#   ROLE      lab roles to scan (default: open filtered reject)
# Environment: FLAGS, extra flags for both scanners (default "-T4").
set -euo pipefail

RUNS=7
BUILD=build
ROLES=()
while [ $# -gt 0 ]; do
    case "$1" in
    -n) RUNS="${2:-}"; shift 2 ;;
    -b) BUILD="${2:-}"; shift 2 ;;
    -h | --help) sed -n '3,16p' "$0"; exit 0 ;;
    -*) echo "usage: $0 [-n RUNS] [-b BUILD_DIR] [ROLE...]" >&2; exit 2 ;;
    *) ROLES+=("$1"); shift ;;
    esac
done
case "$RUNS" in '' | 0 | *[!0-9]*) echo "runs must be a positive number" >&2; exit 2 ;; esac
[ ${#ROLES[@]} -gt 0 ] || ROLES=(open filtered reject)

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CMAP="$ROOT/$BUILD/cmap"
SPAWN_TIME="$ROOT/$BUILD/bench/spawn_time"
SYN_FLOOR="$ROOT/$BUILD/bench/syn_floor"
for f in "$CMAP" "$SPAWN_TIME" "$SYN_FLOOR"; do
    [ -x "$f" ] || { echo "$f not built (ninja -C $BUILD)" >&2; exit 1; }
done
command -v nmap >/dev/null || { echo "nmap not found" >&2; exit 1; }
export ROOT CMAP SPAWN_TIME SYN_FLOOR RUNS FLAGS="${FLAGS:--T4}"

# The lab lives as long as this Python process: it builds the namespaces,
# runs the measuring half (below, after the marker) in the scanner
# namespace, and always removes everything it made.
exec /usr/bin/python3 - "${ROLES[@]}" <<'PYEOF'
import os, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["ROOT"], "tests", "lab"))
import lab as labmod

ROLES = sys.argv[1:]
targets = {t.role: t for t in labmod.TARGETS}
bad = [r for r in ROLES if r not in targets]
if bad:
    sys.exit(f"unknown lab role(s): {' '.join(bad)}; known: {' '.join(targets)}")
the_lab = labmod.Lab()
labmod.install_teardown(the_lab)
status = 1
try:
    the_lab.up()
    script = os.path.join(os.environ["ROOT"], "bench", "syn_compare_inner.sh")
    addrs = [targets[r].v4 for r in ROLES]
    # Bounded: 7 runs x 3 hosts of a few seconds each; 30 minutes is plenty.
    status = subprocess.run(["ip", "netns", "exec", the_lab.scanner, "bash", script] + addrs,
                            timeout=1800).returncode
finally:
    the_lab.down()
sys.exit(status)
PYEOF
