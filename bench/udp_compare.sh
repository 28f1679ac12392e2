#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Side-by-side UDP scan benchmark: cmap -sU against nmap -sU, --top-ports
# 100 of the lab's "open" host (tests/lab/lab.py), run alternately, in two
# settings of the target's ICMP rate limit:
#   unlimited  net.ipv4.icmp_ratelimit=0 in the target namespace (the lab's)
#   limited    Linux's default, 1000 ms (one port unreachable per second
#              after a burst of six): the floor is about one second per
#              closed port past the burst
# Every run's states and reasons are checked against nmap's on the
# unlimited host (the truth: nothing lost); prints medians, the median
# nmap/cmap ratio, and for the limited host the floor and cmap's distance
# from it.
#
# usage: sudo bench/udp_compare.sh [-n RUNS] [-b BUILD_DIR] [SETTING...]
#   -n RUNS   runs per tool and setting (default 5; the limited one takes
#             about two minutes a run)
#   -b DIR    meson build directory (default build)
#   SETTING   unlimited, limited (default both)
set -euo pipefail

RUNS=5
BUILD=build
SETTINGS=()
while [ $# -gt 0 ]; do
    case "$1" in
    -n) RUNS="${2:-}"; shift 2 ;;
    -b) BUILD="${2:-}"; shift 2 ;;
    -h | --help) sed -n '3,21p' "$0"; exit 0 ;;
    -*) echo "usage: $0 [-n RUNS] [-b BUILD_DIR] [SETTING...]" >&2; exit 2 ;;
    unlimited | limited) SETTINGS+=("$1"); shift ;;
    *) echo "unknown setting: $1 (unlimited, limited)" >&2; exit 2 ;;
    esac
done
case "$RUNS" in '' | 0 | *[!0-9]*) echo "runs must be a positive number" >&2; exit 2 ;; esac
[ ${#SETTINGS[@]} -gt 0 ] || SETTINGS=(unlimited limited)

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CMAP="$ROOT/$BUILD/cmap"
SPAWN_TIME="$ROOT/$BUILD/bench/spawn_time"
for f in "$CMAP" "$SPAWN_TIME"; do
    [ -x "$f" ] || { echo "$f not built (ninja -C $BUILD)" >&2; exit 1; }
done
command -v nmap >/dev/null || { echo "nmap not found" >&2; exit 1; }
export ROOT CMAP SPAWN_TIME RUNS

# The lab lives as long as this Python process, which sets the target's
# rate limit for each setting and always removes everything it made.
exec /usr/bin/python3 - "${SETTINGS[@]}" <<'PYEOF'
import os, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["ROOT"], "tests", "lab"))
import lab as labmod

LIMITS = {"unlimited": "0", "limited": "1000"}
target = {t.role: t for t in labmod.TARGETS}["open"]
the_lab = labmod.Lab()
labmod.install_teardown(the_lab)
status = 0
try:
    the_lab.up()
    inner = os.path.join(os.environ["ROOT"], "bench", "udp_compare_inner.sh")
    truth = None
    for setting in ["unlimited"] + [s for s in sys.argv[1:] if s != "unlimited"]:
        labmod.run(["ip", "netns", "exec", the_lab.ns("open"), "sysctl", "-q", "-w",
                    f"net.ipv4.icmp_ratelimit={LIMITS[setting]}"])
        env = dict(os.environ, SETTING=setting,
                   MEASURE="1" if setting in sys.argv[1:] else "0")
        # Bounded: a limited run takes about two minutes; 5 x 2 tools x 3 min.
        rc = subprocess.run(["ip", "netns", "exec", the_lab.scanner, "bash", inner, target.v4],
                            env=env, timeout=3600).returncode
        status = status or rc
finally:
    the_lab.down()
sys.exit(status)
PYEOF
