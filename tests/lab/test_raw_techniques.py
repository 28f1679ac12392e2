# SPDX-License-Identifier: MIT
"""nmap and cmap with every raw technique on the same lab hosts.

-sA, -sW, -sM, -sN, -sF, -sX, --scanflags (alone and on top of another
type) and -sU, on the open, filtered, reject and dark hosts over IPv4 and
IPv6: each port's state, reason and reason TTL must be nmap's. The reject
host answers TCP and UDP with resets, port unreachables and other ICMP
codes; the open host has UDP ports that answer and ports that stay
silent. -sS -sU runs both tasks, in nmap's order, with the same ports.
"""

import xml.etree.ElementTree as ET

import pytest

import lab as labmod
import scanout
from labrun import FAST_TIMING, require_success

BASE = ["-n", "-Pn", "--reason"]
TCP_PORTS = ["-p", "1-200,443,3306,8080,31337"]
UDP_PORTS = ["-p", "1-170,500,5353,31337"]
SILENT_ROLES = ("filtered", "dark")
TARGETS = {t.role: t for t in labmod.TARGETS}
TECHNIQUES = ["-sA", "-sW", "-sM", "-sN", "-sF", "-sX"]
FLAG_CASES = [["--scanflags", "SYN"], ["--scanflags", "FINACK", "-sF"],
              ["--scanflags", "0x12", "-sA"], ["--scanflags", "URGPSH", "-sW"]]


def build_scenarios():
    cases = []
    for role, target in TARGETS.items():
        # Silent hosts make every technique wait out its retries: fast timing.
        timing = FAST_TIMING if role in SILENT_ROLES else []
        for tech in TECHNIQUES:
            for fam, addr in (([], target.v4), (["-6"], target.v6)):
                cases.append(pytest.param((fam + [tech] + BASE + TCP_PORTS + timing, [addr]),
                                          id=f"{tech}-{role}-{'v6' if fam else 'v4'}"))
        # Only the dark host is silent to UDP; elsewhere --min-rate would
        # outrun the kernel's global ICMP limit (icmp_msgs_per_sec, burst 50)
        # and make the count of port unreachables a matter of luck.
        udp_timing = FAST_TIMING if role == "dark" else []
        for fam, addr in (([], target.v4), (["-6"], target.v6)):
            cases.append(pytest.param((fam + ["-sU"] + BASE + UDP_PORTS + udp_timing, [addr]),
                                      id=f"-sU-{role}-{'v6' if fam else 'v4'}"))
    for flags in FLAG_CASES:
        for role in ("open", "reject"):
            cases.append(pytest.param((flags + BASE + ["-p", "20-25,80,110,113,443,8080"],
                                       [TARGETS[role].v4]),
                                      id=f"{'-'.join(flags)}-{role}"))
    cases.append(pytest.param((["-sS", "-sU"] + BASE + ["-p", "7,22,53,69,80,123,137,161,443"],
                               [TARGETS["reject"].v4, TARGETS["open"].v4]),
                              id="sS-sU-two-hosts"))
    return cases


@pytest.fixture(params=build_scenarios())
def pair(request, scan_both):
    options, targets = request.param
    runs = scan_both(options, targets, formats="XN")
    require_success(runs)
    return runs


def listed(xml_text):
    """[(address, proto, port, state, reason, reason_ttl)] in document order."""
    out = []
    for host in ET.fromstring(xml_text).findall("host"):
        addr = scanout.host_address(host)
        for port in host.findall("ports/port"):
            st = port.find("state")
            out.append((addr, port.get("protocol"), int(port.get("portid")), st.get("state"),
                        st.get("reason"), st.get("reason_ttl")))
    return out


def test_ports_states_and_reasons(pair):
    nmap = scanout.xml_hosts(pair["nmap"].files["X"])
    cmap = scanout.xml_hosts(pair["cmap"].files["X"])
    assert list(cmap) == list(nmap), "hosts differ (or their order)"
    for addr, expected in nmap.items():
        got = cmap[addr]
        assert sorted(got.ports - expected.ports) == [], f"{addr}: extra in cmap"
        assert sorted(expected.ports - got.ports) == [], f"{addr}: missing in cmap"
        assert got.ports, f"{addr}: no ports at all"


def test_listed_ports_in_order_with_ttl(pair):
    assert listed(pair["cmap"].files["X"]) == listed(pair["nmap"].files["X"])


def test_scaninfo(pair):
    def infos(text):
        return [dict(e.attrib) for e in ET.fromstring(text).findall("scaninfo")]
    assert infos(pair["cmap"].files["X"]) == infos(pair["nmap"].files["X"])


def test_normal_port_tables(pair):
    """The PORT tables and "Not shown" lines of normal output are nmap's."""
    def table(text):
        keep = []
        for line in text.splitlines():
            if line.startswith(("PORT ", "Not shown", "All ")) or "/tcp " in line \
                    or "/udp " in line:
                keep.append(line)
        return keep
    assert table(pair["cmap"].files["N"]) == table(pair["nmap"].files["N"])


def test_every_reason_seen(scan_both):
    """The reject host gives each technique its whole vocabulary."""
    target = TARGETS["reject"]
    want = {
        "-sA": {"reset", "admin-prohibited", "host-unreach", "port-unreach", "net-unreach"},
        "-sU": {"udp-response", "port-unreach", "admin-prohibited", "host-unreach",
                "net-unreach", "no-response"},
    }
    for tech, reasons in want.items():
        ports = UDP_PORTS if tech == "-sU" else TCP_PORTS
        runs = scan_both([tech] + BASE + ports, [target.v4], formats="XN")
        require_success(runs)
        got = {p[3] for p in scanout.xml_hosts(runs["cmap"].files["X"])[target.v4].ports}
        assert reasons <= got, f"{tech}: {sorted(got)}"


def test_task_order_verbose(lab, run_in, cmap_bin):
    """-sS -sU: "SYN Stealth Scan" then "UDP Scan", as nmap's -v says."""
    argv = ["-sS", "-sU", "-v", "-n", "-Pn", "-p", "22,53", TARGETS["open"].v4]
    lines = {}
    for name, exe in (("nmap", "nmap"), ("cmap", cmap_bin)):
        run = run_in(lab.scanner, [exe] + argv, timeout=60)
        assert run.returncode == 0, run.describe()
        lines[name] = [ln.split(" at ")[0] for ln in run.stdout.splitlines()
                       if ln.startswith(("Initiating SYN", "Initiating UDP", "Completed SYN",
                                         "Completed UDP"))]
    assert lines["cmap"] == lines["nmap"]
    assert lines["cmap"][0] == "Initiating SYN Stealth Scan"
