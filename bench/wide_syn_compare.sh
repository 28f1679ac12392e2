#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Side-by-side wide SYN scan benchmark: cmap -sS against nmap -sS, ports
# 22,80,443 with -Pn over the lab's routed 198.19.0.0/16, where only five
# addresses are up (they answer RST), 198.19.200.0/24 is rejected with
# host-unreachable and every other address drops silently
# (tests/lab/widenet.py). nmap and cmap run alternately.
#
# nmap needs about 3.5 minutes per /22 here, some 4 hours for the /16, so
# by default nmap scans only a SUBSET (198.19.0.0/22) and its /16 time is
# that SUBSET time scaled by the number of addresses; the script says so in
# its output. cmap scans the same SUBSET (results must be identical to
# nmap's, port by port, state and reason: a direct same-work ratio) and the
# whole /16 (its results for the SUBSET's hosts must be nmap's too).
#
# Then the memory check: cmap -sS -Pn over MEM_RANGE with nmap's default
# 1000 ports, peak RSS from /usr/bin/time -v. A host group holds the same
# number of hosts whatever the range, so a /20 (a few minutes) peaks where
# the /16 (over half an hour) does; MEM_RANGE=198.19.0.0/16 measures that.
#
# usage: sudo bench/wide_syn_compare.sh [-n RUNS] [-b BUILD_DIR] [-s SUBSET]
#   -n RUNS    runs per tool (default 3)
#   -b DIR     meson build directory (default build)
#   -s SUBSET  nmap's share of the /16 (default 198.19.0.0/22; the /16
#              itself runs nmap on all of it)
# Environment: FLAGS, extra flags for both scanners (default "-T4");
#   MEM_RANGE (default 198.19.0.0/20), MEM=0 skips the memory check.
set -euo pipefail

RUNS=3
BUILD=build
SUBSET=198.19.0.0/22
while [ $# -gt 0 ]; do
    case "$1" in
    -n) RUNS="${2:-}"; shift 2 ;;
    -b) BUILD="${2:-}"; shift 2 ;;
    -s) SUBSET="${2:-}"; shift 2 ;;
    -h | --help) sed -n '3,28p' "$0"; exit 0 ;;
    *) echo "usage: $0 [-n RUNS] [-b BUILD_DIR] [-s SUBSET]" >&2; exit 2 ;;
    esac
done
case "$RUNS" in '' | 0 | *[!0-9]*) echo "runs must be a positive number" >&2; exit 2 ;; esac
case "$SUBSET" in 198.19.*/1[6-9] | 198.19.*/2[0-9] | 198.19.*/3[0-2]) ;;
*) echo "SUBSET must be a prefix inside 198.19.0.0/16" >&2; exit 2 ;; esac
MEM_RANGE=${MEM_RANGE:-198.19.0.0/20}
case "$MEM_RANGE" in 198.19.*) ;; *) echo "MEM_RANGE must lie inside 198.19.0.0/16" >&2; exit 2 ;; esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CMAP="$ROOT/$BUILD/cmap"
[ -x "$CMAP" ] || { echo "$CMAP not built (ninja -C $BUILD)" >&2; exit 1; }
command -v nmap >/dev/null || { echo "nmap not found" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 1; }
export ROOT CMAP RUNS SUBSET MEM_RANGE MEM="${MEM:-1}" FLAGS="${FLAGS:--T4}"

# The lab and the wide namespace live as long as this Python process, which
# runs the measurements in the scanner namespace and always removes them.
exec /usr/bin/python3 - <<'PYEOF'
import ipaddress, os, re, shutil, statistics, subprocess, sys, tempfile, time
import xml.etree.ElementTree as ET
sys.path.insert(0, os.path.join(os.environ["ROOT"], "tests", "lab"))
import lab as labmod
import widenet

RUNS, SUBSET, MEM_RANGE = int(os.environ["RUNS"]), os.environ["SUBSET"], os.environ["MEM_RANGE"]
FLAGS = os.environ["FLAGS"].split()
WIDE = widenet.WIDE_V4
PORTS = ["-p", "22,80,443"]
# Bounded: nmap on a /22 takes minutes; on the whole /16, hours.
RUN_TIMEOUT = 6 * 3600
subset_net = ipaddress.ip_network(SUBSET, strict=False)
wide_net = ipaddress.ip_network(WIDE)
if not subset_net.subnet_of(wide_net):
    sys.exit(f"{SUBSET} is not inside {WIDE}")
SCALE = wide_net.num_addresses / subset_net.num_addresses


def ports_of(path):
    """{address: sorted [(port, state, reason)]} from an XML output."""
    out = {}
    for host in ET.parse(path).getroot().findall("host"):
        addr = host.find("address").get("addr")
        rows = []
        for p in host.findall("ports/port"):
            s = p.find("state")
            rows.append((int(p.get("portid")), s.get("state"), s.get("reason")))
        for e in host.findall("ports/extraports"):
            for r in e.findall("extrareasons"):
                rows.append((-1, e.get("state"), f"{r.get('reason')} x{r.get('count')}"))
        out[addr] = sorted(rows)
    return out


def timed(lab, argv):
    """(seconds, peak RSS in KiB) of one run in the scanner namespace."""
    with tempfile.NamedTemporaryFile(prefix="cmap-wide-time.") as tf:
        full = ["ip", "netns", "exec", lab.scanner, "/usr/bin/time", "-v", "-o", tf.name] + argv
        start = time.monotonic()
        proc = subprocess.run(full, capture_output=True, text=True, timeout=RUN_TIMEOUT)
        elapsed = time.monotonic() - start
        if proc.returncode != 0:
            sys.exit(f"{argv[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(tf.name).read())
    return elapsed, int(m.group(1)) if m else 0


def scan(lab, exe, rng, out, extra=PORTS):
    return timed(lab, [exe, "-sS", "-n", "-Pn"] + extra + FLAGS + ["-oX", out, rng])


def differ(a, b, label):
    bad = sorted(h for h in set(a) | set(b) if a.get(h) != b.get(h))
    if bad:
        h = bad[0]
        sys.exit(f"MISMATCH ({label}) on {len(bad)} hosts, e.g. {h}: "
                 f"{a.get(h)} vs {b.get(h)}")


the_lab = labmod.Lab()
labmod.install_teardown(the_lab)
net = widenet.WideNet(the_lab)
status = 1
try:
    the_lab.up()
    net.up()
    t = {"nmap": [], "cmap": [], "cmap16": []}
    rss = {"nmap": [], "cmap": [], "cmap16": []}
    whole = subset_net == wide_net
    with tempfile.TemporaryDirectory(prefix="cmap-widebench.") as tmp:
        for i in range(RUNS):
            res = {}
            for name, exe, rng in (("nmap", shutil.which("nmap"), SUBSET),
                                   ("cmap", os.environ["CMAP"], SUBSET),
                                   ("cmap16", os.environ["CMAP"], WIDE)):
                if whole and name == "cmap16":
                    continue
                out = os.path.join(tmp, f"{name}{i}.xml")
                secs, kb = scan(the_lab, exe, rng, out)
                t[name].append(secs)
                rss[name].append(kb)
                res[name] = ports_of(out)
                print(f"run {i + 1} {name:6} {rng}: {secs:8.2f} s, peak RSS {kb / 1024:.1f} MiB",
                      flush=True)
            differ(res["nmap"], res["cmap"], f"nmap vs cmap on {SUBSET}")
            if not whole:
                inside = {h: r for h, r in res["cmap16"].items()
                          if ipaddress.ip_address(h) in subset_net}
                differ(res["nmap"], inside, f"nmap on {SUBSET} vs cmap's /16 scan")
                up = sorted(h for h, r in res["cmap16"].items()
                            if any(s != "filtered" for _, s, _ in r))
                if up != sorted(widenet.UP_V4):
                    sys.exit(f"cmap's /16 scan found answering hosts {up}, "
                             f"expected {sorted(widenet.UP_V4)}")
        med = {k: statistics.median(v) for k, v in t.items() if v}
        print(f"\n-sS -Pn -p22,80,443 {' '.join(FLAGS)}: {RUNS} runs each, alternating; "
              "identical states and reasons every run")
        print(f"same work ({SUBSET}, {subset_net.num_addresses} addresses): median nmap "
              f"{med['nmap']:.2f} s, cmap {med['cmap']:.2f} s, ratio "
              f"{med['nmap'] / med['cmap']:.1f}x")
        if whole:
            print(f"the /16 itself: nmap/cmap ratio {med['nmap'] / med['cmap']:.1f}x")
        else:
            est = med["nmap"] * SCALE
            print(f"whole {WIDE}: median cmap {med['cmap16']:.2f} s (measured, peak RSS "
                  f"{statistics.median(rss['cmap16']) / 1024:.1f} MiB); nmap NOT run on it: "
                  f"estimated {est:.0f} s = its {SUBSET} median x {SCALE:.0f}; "
                  f"estimated ratio {est / med['cmap16']:.0f}x")
        print(f"peak RSS on {SUBSET}: nmap {statistics.median(rss['nmap']) / 1024:.1f} MiB, "
              f"cmap {statistics.median(rss['cmap']) / 1024:.1f} MiB")
        if os.environ["MEM"] != "0":
            out = os.path.join(tmp, "mem.xml")
            secs, kb = scan(the_lab, os.environ["CMAP"], MEM_RANGE, out, extra=[])
            verdict = "under" if kb < 100 * 1024 else "OVER"
            print(f"memory: cmap -sS -Pn {MEM_RANGE} x nmap's top 1000 ports: peak RSS "
                  f"{kb / 1024:.1f} MiB ({verdict} the 100 MiB goal) in {secs:.1f} s")
    status = 0
finally:
    net.down()
    the_lab.down()
sys.exit(status)
PYEOF
