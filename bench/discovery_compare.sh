#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Side-by-side host discovery benchmark: cmap -sn against nmap -sn over a
# routed /16 where only five addresses answer (tests/lab/widenet.py: the
# rest are dropped silently, one /24 is rejected with host-unreachable).
# nmap and cmap run alternately; every run must find the same up hosts,
# and the script prints each run's time, the medians and the median
# nmap/cmap ratio.
#
# usage: sudo bench/discovery_compare.sh [-n RUNS] [-b BUILD_DIR] [RANGE]
#   -n RUNS   runs per tool (default 3; nmap needs tens of minutes per run)
#   -b DIR    meson build directory (default build)
#   RANGE     target range inside 198.19.0.0/16 (default 198.19.0.0/16)
# Environment: FLAGS, extra flags for both scanners (default none).
set -euo pipefail

RUNS=3
BUILD=build
RANGE=198.19.0.0/16
while [ $# -gt 0 ]; do
    case "$1" in
    -n) RUNS="${2:-}"; shift 2 ;;
    -b) BUILD="${2:-}"; shift 2 ;;
    -h | --help) sed -n '3,15p' "$0"; exit 0 ;;
    -*) echo "usage: $0 [-n RUNS] [-b BUILD_DIR] [RANGE]" >&2; exit 2 ;;
    *) RANGE="$1"; shift ;;
    esac
done
case "$RUNS" in '' | 0 | *[!0-9]*) echo "runs must be a positive number" >&2; exit 2 ;; esac
case "$RANGE" in 198.19.*) ;; *) echo "RANGE must lie inside 198.19.0.0/16" >&2; exit 2 ;; esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CMAP="$ROOT/$BUILD/cmap"
[ -x "$CMAP" ] || { echo "$CMAP not built (ninja -C $BUILD)" >&2; exit 1; }
command -v nmap >/dev/null || { echo "nmap not found" >&2; exit 1; }
export ROOT CMAP RUNS RANGE FLAGS="${FLAGS:-}"

# The lab and the wide namespace live as long as this Python process, which
# runs the measurements in the scanner namespace and always removes them.
exec /usr/bin/python3 - <<'PYEOF'
import os, statistics, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.environ["ROOT"], "tests", "lab"))
import lab as labmod
import widenet

RUNS, RANGE = int(os.environ["RUNS"]), os.environ["RANGE"]
FLAGS = os.environ["FLAGS"].split()
# Bounded: nmap's -sn of a silent /16 takes about half an hour here.
RUN_TIMEOUT = 4 * 3600


def up_hosts(path):
    with open(path, encoding="utf-8") as f:
        return sorted(line.split()[1] for line in f if line.startswith("Host:")
                      and "Status: Up" in line)


def one(lab, exe, out):
    argv = ["ip", "netns", "exec", lab.scanner, exe, "-n", "-sn"] + FLAGS + \
           ["-oG", out, RANGE]
    start = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"{exe} failed ({proc.returncode}): {proc.stderr}")
    return elapsed, up_hosts(out)


the_lab = labmod.Lab()
labmod.install_teardown(the_lab)
net = widenet.WideNet(the_lab)
status = 1
try:
    the_lab.up()
    net.up()
    times = {"nmap": [], "cmap": []}
    with tempfile.TemporaryDirectory(prefix="cmap-discbench.") as tmp:
        for i in range(RUNS):
            found = {}
            for name, exe in (("nmap", "nmap"), ("cmap", os.environ["CMAP"])):
                t, hosts = one(the_lab, exe, os.path.join(tmp, f"{name}{i}.gnmap"))
                times[name].append(t)
                found[name] = hosts
                print(f"run {i + 1} {name}: {t:.2f} s, {len(hosts)} hosts up", flush=True)
            if found["nmap"] != found["cmap"]:
                sys.exit(f"up hosts differ: nmap {found['nmap']} cmap {found['cmap']}")
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"-sn {RANGE}: {RUNS} runs each, identical up hosts every run")
    print(f"median nmap {med['nmap']:.2f} s, cmap {med['cmap']:.2f} s, "
          f"ratio {med['nmap'] / med['cmap']:.1f}x")
    status = 0
finally:
    net.down()
    the_lab.down()
sys.exit(status)
PYEOF
