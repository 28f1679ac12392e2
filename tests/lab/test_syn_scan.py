# SPDX-License-Identifier: MIT
"""nmap -sS and cmap -sS on the same lab hosts must report the same ports.

Every lab role (open, filtered, reject, dark) over IPv4 and IPv6: each
port's state and reason, folded ports included, and the reply TTL --reason
prints; the reject host answers with a TCP reset and with ICMP/ICMPv6
unreachables of several codes. Host-level lines differ on purpose for now
(nmap -Pn still ARPs a local target and prints its MAC address; cmap has
no discovery yet), so hosts are compared on their ports only.
"""

import re
import xml.etree.ElementTree as ET

import pytest

import lab as labmod
import scanout
from labrun import FAST_TIMING, require_success

BASE = ["-sS", "-n", "-Pn", "--reason"]
PORTS = ["-p", "1-1100,3306,8080,31337"]
SILENT_ROLES = ("filtered", "dark")
TARGETS = {t.role: t for t in labmod.TARGETS}


def build_scenarios():
    cases = []
    for role, target in TARGETS.items():
        timing = FAST_TIMING if role in SILENT_ROLES else []
        cases.append(pytest.param((BASE + PORTS + timing, [target.v4]), id=f"{role}-v4"))
        cases.append(pytest.param((["-6"] + BASE + PORTS + timing, [target.v6]),
                                  id=f"{role}-v6"))
    cases.append(pytest.param((BASE + ["-p", "20-25,80,110,113,443,8080"],
                               [TARGETS["reject"].v4, TARGETS["open"].v4]), id="two-hosts"))
    cases.append(pytest.param((BASE + ["-p-", "-T4"], [TARGETS["reject"].v4]),
                              id="reject-allports-T4"))
    return cases


@pytest.fixture(params=build_scenarios())
def pair(request, scan_both):
    options, targets = request.param
    runs = scan_both(options, targets, formats="X")
    require_success(runs)
    return runs


def listed_ttls(xml_text):
    """{(address, port): (state, reason, reason_ttl)} for the listed ports."""
    out = {}
    for host in ET.fromstring(xml_text).findall("host"):
        addr = scanout.host_address(host)
        for port in host.findall("ports/port"):
            st = port.find("state")
            out[(addr, int(port.get("portid")))] = (st.get("state"), st.get("reason"),
                                                    st.get("reason_ttl"))
    return out


def test_port_states_and_reasons(pair):
    nmap = scanout.xml_hosts(pair["nmap"].files["X"])
    cmap = scanout.xml_hosts(pair["cmap"].files["X"])
    assert list(cmap) == list(nmap), "hosts differ (or their order)"
    for addr, expected in nmap.items():
        got = cmap[addr]
        assert got.state == expected.state, addr
        assert sorted(got.ports - expected.ports) == [], f"{addr}: extra in cmap"
        assert sorted(expected.ports - got.ports) == [], f"{addr}: missing in cmap"
        assert got.ports, f"{addr}: no ports at all"


def test_reason_ttl(pair):
    assert listed_ttls(pair["cmap"].files["X"]) == listed_ttls(pair["nmap"].files["X"])


def test_scaninfo_says_syn(pair):
    root = ET.fromstring(pair["cmap"].files["X"])
    assert root.find("scaninfo").get("type") == "syn"


def test_reject_host_sees_every_icmp_reason(scan_both):
    """The reject host's rules give reset plus three or four ICMP reasons."""
    target = TARGETS["reject"]
    for family, addr, want in (
            ([], target.v4, {"reset", "admin-prohibited", "host-unreach", "port-unreach",
                             "net-unreach"}),
            (["-6"], target.v6, {"reset", "admin-prohibited", "host-unreach",
                                 "port-unreach"})):
        runs = scan_both(family + BASE + PORTS, [addr], formats="X")
        require_success(runs)
        reasons = {p[3] for p in scanout.xml_hosts(runs["cmap"].files["X"])[addr].ports}
        assert want <= reasons, f"{addr}: {sorted(reasons)}"


def test_unprivileged_syn_refused(lab, run_in, cmap_bin):
    """-sS without raw-socket privilege is refused as nmap refuses it."""
    argv = [cmap_bin, "--unprivileged", "-sS", "-Pn", "-p", "22", TARGETS["open"].v4]
    run = run_in(lab.scanner, argv, timeout=30)
    assert run.returncode != 0
    assert "requires root privileges" in run.stdout + run.stderr


def test_root_default_is_syn(scan_both):
    """As root with no technique given, both programs run a SYN scan."""
    target = TARGETS["reject"]
    runs = scan_both(["-n", "-Pn", "--reason", "-p", "20-25,80,110,443,8080"], [target.v4],
                     formats="X")
    require_success(runs)
    for name, run in runs.items():
        assert ET.fromstring(run.files["X"]).find("scaninfo").get("type") == "syn", name
    nmap = scanout.xml_hosts(runs["nmap"].files["X"])[target.v4].ports
    cmap = scanout.xml_hosts(runs["cmap"].files["X"])[target.v4].ports
    assert cmap == nmap


def test_no_raw_capability(lab, run_in, cmap_bin):
    """Root without CAP_NET_RAW: an explicit -sS fails with the reason, the
    default scan falls back to a connect scan and says so."""
    drop = ["setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw", "--"]
    target = TARGETS["open"].v4
    run = run_in(lab.scanner, drop + [cmap_bin, "-sS", "-n", "-Pn", "-p", "22", target],
                 timeout=30)
    assert run.returncode != 0, run.describe()
    assert "Couldn't open a raw socket" in run.stderr, run.describe()
    run = run_in(lab.scanner, drop + [cmap_bin, "-n", "-Pn", "-p", "22,23", "-oX", "-", target],
                 timeout=30)
    assert run.returncode == 0, run.describe()
    assert "falling back to a connect scan" in run.stderr, run.describe()
    assert 'type="connect"' in run.stdout
    assert 'portid="22"><state state="open" reason="syn-ack"' in run.stdout


@pytest.mark.parametrize("options", [["-sS", "-p", "22,80,443"], ["-sU", "-p", "7,9"], ["-sn"]],
                         ids=["syn", "udp", "ping"])
def test_target_named_twice(scan_both, options):
    """A target given twice is two hosts for nmap: discovery and the port
    scan answer both (an answer used to reach only the first, leaving the
    second down or filtered)."""
    open_host, other = TARGETS["open"].v4, TARGETS["reject"].v4
    runs = scan_both(["-n", "--reason"] + options, [open_host, other, open_host], formats="X")
    require_success(runs)
    per_run = {}
    for name, run in runs.items():
        root = scanout.parse_xml(run.files["X"])
        hosts = [(scanout.host_address(h), h.find("status").get("state"),
                  sorted((p.get("portid"), p.find("state").get("state"),
                          p.find("state").get("reason")) for p in h.findall("ports/port")))
                 for h in root.findall("host")]
        per_run[name] = (sorted(hosts), scanout.xml_run_summary(run.files["X"])["hosts"])
    assert per_run["cmap"] == per_run["nmap"]
    assert per_run["cmap"][1] == (("up", "3"), ("down", "0"), ("total", "3"))


@pytest.mark.parametrize("options", [["-sS", "-sU", "-p", "U:7"], ["-sU", "-sY", "-p", "U:7"]],
                         ids=["no-tcp-ports", "no-sctp-ports"])
def test_scan_type_without_ports_still_listed(scan_both, options):
    """A requested scan type left without ports is skipped with nmap's
    warning but still listed in <scaninfo>, numservices 0, as nmap does."""
    runs = scan_both(["-n", "-Pn"] + options, [TARGETS["open"].v4], formats="X")
    require_success(runs)
    summaries = {name: scanout.xml_run_summary(run.files["X"])["scaninfo"]
                 for name, run in runs.items()}
    assert summaries["cmap"] == summaries["nmap"]
    assert any(("numservices", "0") in info for info in summaries["cmap"])
    for name, run in runs.items():
        assert "but no" in run.stdout + run.stderr, name


def test_max_parallelism_holds_for_silent_hosts(lab, run_in, cmap_bin):
    """Probes to hosts that have not answered yet go outside the group
    window only when the user left parallelism and delay to cmap: with
    --max-parallelism 1 every probe waits for the one before it, as nmap's
    (10 silent ports over two silent hosts: no two probes within 50 ms)."""
    targets = [TARGETS["dark"].v4, TARGETS["filtered"].v4]
    run = run_in(lab.scanner, [cmap_bin, "-sS", "-Pn", "-n", "--max-parallelism", "1",
                               "--max-retries", "0", "--packet-trace", "-p", "135-139"]
                 + targets, timeout=60)
    assert run.returncode == 0, run.stderr
    sent = [float(m) for m in re.findall(r"^SENT \((\d+\.\d+)s\) TCP ", run.stdout, re.M)]
    assert len(sent) == 10, run.stdout
    gaps = [b - a for a, b in zip(sent, sent[1:])]
    assert min(gaps) >= 0.05, gaps
