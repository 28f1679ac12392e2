# SPDX-License-Identifier: MIT
"""-sS --defeat-rst-ratelimit against a host that rations its resets.

The "rstlim" target listens on 22 and has twelve closed ports (1-12); an
nft rule in its output hook lets four resets through, then one a second
(as BSDs and some firewalls ration RSTs). With --defeat-rst-ratelimit
nmap does not slow down for that: a closed port whose reset was rationed
away comes out filtered (no-response), and its normal output says "Some
closed ports may be reported as filtered due to --defeat-rst-ratelimit".
cmap must do the same: no pacing, the same kinds of states, the same line.
Which closed ports get the host's few resets depends on timing, so the
comparison is per kind: the open port, closed ports answered with resets,
the others filtered, at least the burst answered and not all of them.
"""

import time

import pytest

import lab as labmod
import scanout
from labrun import require_success

TARGET = labmod.Target("rstlim", 13, (22,))
CLOSED = tuple(range(1, 13))
BURST = 4
# One reset a second after a burst of four: the limit nft enforces.
RULES = f"""
table inet cmrst {{
    chain output {{
        type filter hook output priority 0; policy accept;
        tcp flags & rst == rst limit rate over 1/second burst {BURST} packets drop
    }}
}}
"""
OPTIONS = ["-sS", "-n", "-Pn", "--reason", "-p", "1-12,22", "--defeat-rst-ratelimit"]
SCAN_TIMEOUT = 60
# The limiter's burst is full again after this long without resets.
REFILL_WAIT_S = BURST + 1.0
WARNING = "Some closed ports may be reported as filtered due to --defeat-rst-ratelimit"


@pytest.fixture(scope="module")
def rstlim(lab):
    try:
        ns = lab.add_target(TARGET)
        lab._start_listener(ns, (TARGET.v4, TARGET.v6), TARGET.listen, {})
        labmod.run(["ip", "netns", "exec", ns, "nft", "-f", "-"], stdin=RULES)
        yield ns
    except labmod.LabError as exc:
        pytest.fail(f"rstlim target setup failed: {exc}", pytrace=False)
    finally:
        lab.remove_target(TARGET)


def scan(lab, run_in, exe, fam, addr, tmp_path):
    """{port: (state, reason)} of the one host, and the normal output."""
    normal = tmp_path / f"{exe.rsplit('/', 1)[-1]}.nmap"
    run = run_in(lab.scanner, [exe] + fam + OPTIONS + ["-oN", str(normal), "-oX", "-", addr],
                 timeout=SCAN_TIMEOUT)
    require_success({exe: run})
    hosts = scanout.parse_xml(run.stdout).findall("host")
    assert len(hosts) == 1, run.describe()
    rows = {}
    for port in hosts[0].findall("ports/port"):
        st = port.find("state")
        rows[int(port.get("portid"))] = (st.get("state"), st.get("reason"))
    # 13 ports: neither tool folds fewer than 26 of one state.
    assert not hosts[0].findall("ports/extraports"), run.describe()
    return rows, normal.read_text(encoding="utf-8")


def check_kinds(name, rows, normal):
    assert rows.get(22) == ("open", "syn-ack"), f"{name}: {rows}"
    answered = [p for p in CLOSED if rows.get(p) == ("closed", "reset")]
    silent = [p for p in CLOSED if rows.get(p) == ("filtered", "no-response")]
    assert len(answered) + len(silent) == len(CLOSED), f"{name}: {rows}"
    # The burst answers the first round; the rest of the first round meets
    # an empty bucket and the option forbids waiting for it to refill.
    assert BURST <= len(answered) < len(CLOSED), f"{name}: {rows}"
    assert WARNING in normal, f"{name} normal output lacks the warning:\n{normal}"
    return len(answered)


@pytest.mark.parametrize("fam", [[], ["-6"]], ids=["v4", "v6"])
def test_defeat_rst_ratelimit_as_nmap(lab, rstlim, run_in, programs, fam, tmp_path):
    addr = TARGET.v6 if fam else TARGET.v4
    time.sleep(REFILL_WAIT_S)
    nmap_rows, nmap_normal = scan(lab, run_in, programs["nmap"], fam, addr, tmp_path)
    time.sleep(REFILL_WAIT_S)
    cmap_rows, cmap_normal = scan(lab, run_in, programs["cmap"], fam, addr, tmp_path)
    n = check_kinds("nmap", nmap_rows, nmap_normal)
    c = check_kinds("cmap", cmap_rows, cmap_normal)
    print(f"\n{'v6' if fam else 'v4'}: closed ports answered: nmap {n}, cmap {c} of {len(CLOSED)}")
