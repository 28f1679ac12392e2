# SPDX-License-Identifier: MIT
"""-sU against a host that rations its port unreachables as Linux does.

The "ratelim" target answers UDP 7, keeps 69 bound but silent, and has
twelve closed ports (1-6, 8-13). With Linux's default limit
(net.ipv4.icmp_ratelimit and net.ipv6.icmp.ratelimit 1000 ms: a burst of
six, then one port unreachable a second) only six closed ports answer the
first round; the other six answer only probes that find a token. The truth
is nmap's scan of the same host with the limit off; cmap on the limited host
must report exactly that (every state, reason and reason TTL), where nmap
itself often misses a closed port, and in about the time the limit allows
(six refills: six seconds) rather than nmap's blind back-off. With the
limit off cmap must agree with nmap too, at full speed.
"""

import time

import pytest

import lab as labmod
import scanout
from labrun import require_success

TARGET = labmod.Target("ratelim", 11, (22,), udp=(7,), udp_silent=(69,))
PORTS = ["-p", "1-13,69"]
CLOSED = 12
BURST = 6  # Linux's XRLIM_BURST_FACTOR: six tokens saved up
REFILL_S = 1.0
OPTIONS = ["-sU", "-n", "-Pn", "--reason"] + PORTS
# The bucket is full again after six refills of quiet.
REFILL_WAIT_S = BURST * REFILL_S + 0.5
SCAN_TIMEOUT = 60
FLOOR_S = (CLOSED - BURST) * REFILL_S


@pytest.fixture(scope="module")
def ratelim(lab):
    try:
        ns = lab.add_target(TARGET)
        lab._start_listener(ns, (TARGET.v4, TARGET.v6), TARGET.listen, {}, TARGET.udp,
                            TARGET.udp_silent)
        yield ns
    except labmod.LabError as exc:
        pytest.fail(f"ratelim target setup failed: {exc}", pytrace=False)
    finally:
        lab.remove_target(TARGET)


def set_limit(ns, ms):
    labmod.run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w",
                f"net.ipv4.icmp_ratelimit={ms}", f"net.ipv6.icmp.ratelimit={ms}"])


def scan(lab, run_in, exe, fam, addr, extra=()):
    """{port: (state, reason, reason_ttl)} of the one host, and the time."""
    start = time.monotonic()
    run = run_in(lab.scanner, [exe] + fam + OPTIONS + list(extra) + ["-oX", "-", addr],
                 timeout=SCAN_TIMEOUT)
    elapsed = time.monotonic() - start
    require_success({exe: run})
    hosts = scanout.parse_xml(run.stdout).findall("host")
    assert len(hosts) == 1, run.describe()
    # 14 ports: nmap folds none of them into <extraports>.
    assert not hosts[0].findall("ports/extraports"), run.describe()
    rows = {}
    for port in hosts[0].findall("ports/port"):
        st = port.find("state")
        rows[int(port.get("portid"))] = (st.get("state"), st.get("reason"), st.get("reason_ttl"))
    return rows, elapsed


def wrong(rows, truth):
    return {p: rows.get(p) for p in truth if rows.get(p) != truth[p]}


@pytest.mark.parametrize("fam", [[], ["-6"]], ids=["v4", "v6"])
def test_limited_host_matches_unlimited_truth(lab, ratelim, run_in, programs, fam):
    addr = TARGET.v6 if fam else TARGET.v4
    set_limit(ratelim, 0)
    truth = scan(lab, run_in, programs["nmap"], fam, addr)[0]
    states = sorted(s for s, _, _ in truth.values())
    assert states.count("closed") == CLOSED and "open" in states, truth

    # Unlimited: cmap agrees with nmap at once.
    unlimited, fast = scan(lab, run_in, programs["cmap"], fam, addr)
    assert unlimited == truth
    assert fast < 3, f"cmap took {fast:.1f}s on a host that does not rate-limit"

    set_limit(ratelim, 1000)
    try:
        time.sleep(REFILL_WAIT_S)
        limited, took = scan(lab, run_in, programs["cmap"], fam, addr)
        time.sleep(REFILL_WAIT_S)
        nmap_limited, nmap_took = scan(lab, run_in, programs["nmap"], fam, addr)
    finally:
        set_limit(ratelim, 0)
    # nmap may miss closed ports here; cmap, exactly the truth.
    print(f"\n{'v6' if fam else 'v4'}: cmap {took:.2f}s, nmap {nmap_took:.2f}s, floor "
          f"{FLOOR_S:.0f}s; nmap wrong on {wrong(nmap_limited, truth)}")
    assert limited == truth, f"cmap wrong on the rate-limited host: {wrong(limited, truth)}"
    # Paced by the measured refill: about the floor, nowhere near what
    # retrying blindly would take (a retry a second for every closed port
    # left would be 2x the floor).
    assert FLOOR_S - 0.5 <= took <= 1.5 * FLOOR_S + 2, \
        f"cmap took {took:.1f}s, floor {FLOOR_S:.0f}s (nmap {nmap_took:.1f}s)"


DEFEAT = ["--defeat-icmp-ratelimit"]
SILENT = ("closed|filtered", "no-response", "0")


def defeat_kinds(name, rows, truth):
    """With --defeat-icmp-ratelimit: the answering ports as the truth, the
    silent one closed|filtered, each closed port closed as the truth or
    closed|filtered when its port unreachable was rationed away."""
    assert rows[7] == truth[7], f"{name}: {rows}"
    assert rows[69] == SILENT, f"{name}: {rows}"
    closed = [p for p, v in truth.items() if v[0] == "closed"]
    answered = [p for p in closed if rows[p] == truth[p]]
    assert all(rows[p] in (truth[p], SILENT) for p in closed), f"{name}: {rows}"
    return len(answered)


@pytest.mark.parametrize("fam", [[], ["-6"]], ids=["v4", "v6"])
def test_defeat_icmp_ratelimit_as_nmap(lab, ratelim, run_in, programs, fam):
    addr = TARGET.v6 if fam else TARGET.v4
    set_limit(ratelim, 0)
    truth = scan(lab, run_in, programs["nmap"], fam, addr)[0]
    # Unlimited, every closed port answers: nmap's and cmap's results are
    # the same, the silent port closed|filtered instead of open|filtered.
    nmap_free = scan(lab, run_in, programs["nmap"], fam, addr, DEFEAT)[0]
    cmap_free = scan(lab, run_in, programs["cmap"], fam, addr, DEFEAT)[0]
    assert cmap_free == nmap_free, wrong(cmap_free, nmap_free)
    assert nmap_free[69] == SILENT and defeat_kinds("nmap", nmap_free, truth) == CLOSED

    set_limit(ratelim, 1000)
    try:
        time.sleep(REFILL_WAIT_S)
        nmap_rows = scan(lab, run_in, programs["nmap"], fam, addr, DEFEAT)[0]
        time.sleep(REFILL_WAIT_S)
        cmap_rows = scan(lab, run_in, programs["cmap"], fam, addr, DEFEAT)[0]
    finally:
        set_limit(ratelim, 0)
    n = defeat_kinds("nmap", nmap_rows, truth)
    c = defeat_kinds("cmap", cmap_rows, truth)
    # The burst answers the first round; neither tool waits for refills.
    assert BURST <= n < CLOSED, f"nmap: {nmap_rows}"
    assert BURST <= c < CLOSED, f"cmap: {cmap_rows}"
    print(f"\n{'v6' if fam else 'v4'}: closed ports answered: nmap {n}, cmap {c} of {CLOSED}")
