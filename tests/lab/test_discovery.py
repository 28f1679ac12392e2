# SPDX-License-Identifier: MIT
"""Host discovery: cmap and nmap 7.93 on the same hosts must agree.

Every host's state, reason and reason TTL, MAC address and vendor, for
-sn with nmap's default probes (ARP on the veth links, IP probes to the
routed /16), each -P probe type with ARP disabled, IPv6 (ND and ICMPv6),
-Pn (ARP still decides on a LAN), the unprivileged connect() probes, and
discovery before a port scan. The targets: the lab's roles (open, filtered,
reject, dark), and a namespace (widenet.py) behind which a /24 is on-link
with two hosts and a /16 is routed with five hosts up, a /24 rejected with
host-unreachable and everything else silent.
"""

import subprocess
import xml.etree.ElementTree as ET

import pytest

import lab as labmod
import scanout
import widenet
from labrun import require_success

ROLES = {t.role: t for t in labmod.TARGETS}
V4_ROLES = [t.v4 for t in labmod.TARGETS]
V6_ROLES = [t.v6 for t in labmod.TARGETS]
LAN_V4 = ["198.18.9.1", "198.18.9.2", "198.18.9.3", "198.18.9.4"]
ROUTED_V4 = ["198.19.0.1", "198.19.0.2", "198.19.17.4", "198.19.200.5", "198.19.255.254"]
LAN_V6 = ["fd00:18:9::2", "fd00:18:9::3", "fd00:18:9::4"]
ROUTED_V6 = ["fd00:19::1", "fd00:19::5", "fd00:19::fffe"]
SHORT = ["--max-retries", "1", "--max-rtt-timeout", "300ms"]


@pytest.fixture(scope="module")
def wide(lab):
    net = widenet.WideNet(lab)
    try:
        net.up()
    except labmod.LabError as exc:
        pytest.fail(f"wide namespace setup failed: {exc}", pytrace=False)
    yield net
    net.down()


def host_facts(xml_text):
    """{address: (state, reason, reason_ttl, mac, vendor)} in document order."""
    facts = {}
    for host in ET.fromstring(xml_text).findall("host"):
        st = host.find("status")
        mac = host.find("address[@addrtype='mac']")
        facts[scanout.host_address(host)] = (
            st.get("state"), st.get("reason"), st.get("reason_ttl"),
            mac.get("addr") if mac is not None else None,
            mac.get("vendor") if mac is not None else None)
    return facts


def run_pair(scan_both, options, targets):
    runs = scan_both(["-n", "-v", "--reason"] + options, targets, formats="XNG")
    require_success(runs)
    return runs


def assert_same_hosts(runs):
    nmap = host_facts(runs["nmap"].files["X"])
    cmap = host_facts(runs["cmap"].files["X"])
    assert sorted(cmap.items()) == sorted(nmap.items())
    assert nmap, "no hosts at all"
    summary = scanout.xml_run_summary
    assert summary(runs["cmap"].files["X"])["hosts"] == summary(runs["nmap"].files["X"])["hosts"]


V4_TARGETS = V4_ROLES + LAN_V4 + ROUTED_V4 + ["127.0.0.1"]
CASES_V4 = [
    pytest.param(["-sn"], id="default"),
    pytest.param(["-sn", "--disable-arp-ping"], id="no-arp"),
    pytest.param(["-sn", "--send-ip"], id="send-ip"),
    pytest.param(["-sn", "-PR"], id="PR"),
]
PROBES = ["-PE", "-PP", "-PM", "-PS21", "-PS443", "-PS8080", "-PS25", "-PS22,80", "-PA80",
          "-PA", "-PU", "-PU53", "-PY", "-PO", "-PO2", "-PO4", "-PO6", "-PO17"]
PROBE_TARGETS = V4_ROLES + ["198.19.0.1", "198.19.0.2", "198.19.200.5"]


@pytest.mark.parametrize("options", CASES_V4)
def test_ping_scan_v4(wide, scan_both, options):
    assert_same_hosts(run_pair(scan_both, options + SHORT, V4_TARGETS))


@pytest.mark.parametrize("probe", PROBES)
def test_each_probe_v4(wide, scan_both, probe):
    runs = run_pair(scan_both, ["-sn", "--disable-arp-ping", probe] + SHORT, PROBE_TARGETS)
    assert_same_hosts(runs)


def test_ignore_rst(wide, scan_both):
    runs = run_pair(scan_both, ["-sn", "--disable-arp-ping", "--discovery-ignore-rst", "-PS21",
                                "-PA80"] + SHORT, [ROLES["reject"].v4, ROLES["open"].v4])
    assert_same_hosts(runs)
    assert all(f[0] == "down" for f in host_facts(runs["cmap"].files["X"]).values())


@pytest.mark.parametrize("options", [["-sn"], ["-sn", "--disable-arp-ping"],
                                     ["-sn", "-PS22", "--disable-arp-ping"]],
                         ids=["default", "no-nd", "PS22"])
def test_ping_scan_v6(wide, scan_both, options):
    targets = V6_ROLES + LAN_V6 + ROUTED_V6 + ["::1"]
    assert_same_hosts(run_pair(scan_both, ["-6"] + options + SHORT, targets))


def test_skip_discovery_ping_scan(wide, scan_both):
    """-sn -Pn sends nothing: every host up, user-set."""
    runs = run_pair(scan_both, ["-sn", "-Pn"], LAN_V4 + ["198.19.0.2", ROLES["dark"].v4])
    assert_same_hosts(runs)
    assert {f[1] for f in host_facts(runs["cmap"].files["X"]).values()} == {"user-set"}


def test_skip_discovery_still_arps(wide, scan_both):
    """-Pn before a port scan: ARP still decides on a LAN."""
    runs = run_pair(scan_both, ["-Pn", "-sS", "-p", "80"] + SHORT, LAN_V4 + ["198.19.0.2"])
    assert_same_hosts(runs)
    facts = host_facts(runs["cmap"].files["X"])
    assert facts["198.18.9.4"][:2] == ("down", "no-response")
    assert facts["198.19.0.2"][:2] == ("up", "user-set")


def test_unprivileged(wide, scan_both):
    runs = run_pair(scan_both, ["-sn", "--unprivileged"] + SHORT,
                    V4_ROLES + ["198.19.0.1", "198.19.0.2"])
    assert_same_hosts(runs)


def test_discovery_before_port_scan(wide, scan_both):
    targets = V4_ROLES + ["198.18.9.2", "198.18.9.4", "198.19.0.1", "198.19.0.2"]
    runs = run_pair(scan_both, ["-sS", "-p", "22,80,443"] + SHORT, targets)
    assert_same_hosts(runs)
    nmap = scanout.xml_hosts(runs["nmap"].files["X"])
    cmap = scanout.xml_hosts(runs["cmap"].files["X"])
    for addr, expected in nmap.items():
        assert cmap[addr].ports == expected.ports, addr


def test_discovery_before_port_scan_v6(wide, scan_both):
    targets = V6_ROLES + ["fd00:18:9::4", "fd00:19::1", "fd00:19::5"]
    runs = run_pair(scan_both, ["-6", "-sS", "-p", "22,80", "--disable-arp-ping"] + SHORT,
                    targets)
    assert_same_hosts(runs)


def test_wide_slice(wide, scan_both):
    """A /24 of the /16 and the rejected /24: every address, up or down."""
    runs = run_pair(scan_both, ["-sn"] + SHORT, ["198.19.0.0/24", "198.19.200.0/30"])
    assert_same_hosts(runs)
    up = [a for a, f in host_facts(runs["cmap"].files["X"]).items() if f[0] == "up"]
    assert up == ["198.19.0.1", "198.19.0.200"]


def normal_lines(text, prefixes):
    return [line for line in text.splitlines() if line.startswith(prefixes)]


def test_normal_and_grepable_output(wide, scan_both):
    runs = run_pair(scan_both, ["-sn"] + SHORT, LAN_V4 + ["198.19.0.1", "198.19.0.2"])
    keep = ("Nmap scan report", "Host is up", "MAC Address", "Nmap done", "Note:")
    nmap_n, cmap_n = runs["nmap"].files["N"], runs["cmap"].files["N"]
    strip = lambda lines: [scanout.LATENCY.sub("(L)", line).split(" scanned in")[0]
                           for line in lines]
    assert strip(normal_lines(cmap_n, keep)) == strip(normal_lines(nmap_n, keep))
    status = lambda text: [line for line in text.splitlines() if line.startswith("Host:")]
    assert status(runs["cmap"].files["G"]) == status(runs["nmap"].files["G"])


def test_single_down_host_note(wide, scan_both, run_in, programs, lab):
    outs = {}
    for name, exe in programs.items():
        run = run_in(lab.scanner, [exe, "-n", "-sn"] + SHORT + ["198.19.0.2"])
        assert run.returncode == 0, run.describe()
        outs[name] = [line for line in run.stdout.splitlines()
                      if line.startswith(("Note:", "Nmap done"))]
    strip = lambda lines: [line.split(" scanned in")[0] for line in lines]
    assert strip(outs["cmap"]) == strip(outs["nmap"])
    assert outs["cmap"][0].startswith("Note: Host seems down.")


def hosthints(text):
    """<hosthint> elements as (status, addresses) tuples, sorted (nmap
    writes them in the order replies arrive)."""
    hints = []
    for hint in ET.fromstring(text).findall("hosthint"):
        status = hint.find("status")
        addrs = tuple((a.get("addr"), a.get("addrtype")) for a in hint.findall("address"))
        hints.append((status.get("state"), status.get("reason"), status.get("reason_ttl"), addrs))
    return sorted(hints)


@pytest.mark.parametrize("options", [["-p", "80"], ["--send-ip", "-p", "80"], ["-sn"],
                                     ["-6", "-p", "80"], ["-sT", "-Pn", "-p", "80"]],
                         ids=["arp", "ip-ping", "ping-only", "nd", "no-ping"])
def test_hosthints_as_nmap(scan_both, tmp_path, options):
    """nmap's <hosthint> for each host its ping scan finds up when a port
    scan follows: arp-response / nd-response, unknown-response for an IP
    ping, none for -sn, localhost or -Pn without a neighbour probe."""
    v6 = "-6" in options
    targets = ([ROLES["open"].v6] if v6 else
               [ROLES["open"].v4, ROLES["dark"].v4, "127.0.0.1"])
    runs = scan_both(["-n"] + options, targets, formats="X")
    require_success(runs)
    assert hosthints(runs["cmap"].files["X"]) == hosthints(runs["nmap"].files["X"])
    path = tmp_path / "cmap.xml"
    path.write_text(runs["cmap"].files["X"])
    check = subprocess.run(["xmllint", "--noout", "--dtdvalid", "/usr/share/nmap/nmap.dtd",
                            str(path)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
