# SPDX-License-Identifier: MIT
"""nmap and cmap with the IP protocol scan (-sO) on the same lab hosts.

Linux answers the protocols it speaks (ICMP echo, a TCP reset, a UDP port
unreachable) and sends a protocol unreachable for the others. For the
states and reasons the kernel never produces by itself, an extra nft table
on the "filtered" host (added for this module, removed after it) drops one
protocol and rejects others with each ICMP unreachable code nmap reads:

    47 dropped (open|filtered), 50 admin-prohibited, 51 host-unreach,
    4 net-unreach, 41 host-prohibited, 94 net-prohibited, 132 port-unreach

Every protocol's state and reason must be nmap's, as must the PROTOCOL
table, the grepable "Protocols:" field and <scaninfo>; cmap's XML must
validate against nmap.dtd. One exception, nmap's own: ICMP is shown open
by the first ICMP message from the host, whichever it is (echo reply, or an
unreachable about another protocol), so with several protocols its reason
depends on which reply nmap happens to read first. There only the state is
compared (and the reason must be one of those messages'); scanning ICMP
alone pins the reason to echo-reply. Also: IPv6 (parameter problems),
cmap's -oJ, and -sO -sV (nmap then detects no versions).
"""

import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

import lab as labmod
import scanout
from labrun import FAST_TIMING, require_success

TARGETS = {t.role: t for t in labmod.TARGETS}
BASE = ["-n", "-Pn", "--reason"]
PROTOS = "0-6,17,41,47,50,51,94,103,132,200-210"
DTD = "/usr/share/nmap/nmap.dtd"
ICMP_REASONS = {"echo-reply", "proto-unreach", "port-unreach", "net-unreach", "host-unreach",
                "admin-prohibited", "host-prohibited", "net-prohibited"}
EXTRA_TABLE = "ipp_proto"
EXTRA_RULES = f"""
table ip {EXTRA_TABLE} {{
    chain input {{
        type filter hook input priority -10; policy accept;
        ip protocol 47 drop
        ip protocol 50 reject with icmp type admin-prohibited
        ip protocol 51 reject with icmp type host-unreachable
        ip protocol 4 reject with icmp type net-unreachable
        ip protocol 41 reject with icmp type host-prohibited
        ip protocol 94 reject with icmp type net-prohibited
        ip protocol 132 reject with icmp type port-unreachable
    }}
}}
"""


@pytest.fixture(scope="module")
def rejecting_host(lab):
    """The "filtered" host with the extra protocol rules, for this module only."""
    ns = lab.ns("filtered")
    labmod.run(["ip", "netns", "exec", ns, "nft", "-f", "-"], stdin=EXTRA_RULES)
    try:
        yield TARGETS["filtered"]
    finally:
        labmod.run(["ip", "netns", "exec", ns, "nft", "delete", "table", "ip", EXTRA_TABLE],
                   check=False)


def ports(xml_text):
    """{(address, protocol number): (state, reason, reason_ttl)}, folded ones included."""
    out = {}
    for addr, host in scanout.xml_hosts(xml_text).items():
        for proto, port, state, reason in host.ports:
            # nmap's <extrareasons> says proto="n/a" (which nmap.dtd refuses;
            # cmap writes "ip").
            assert proto in ("ip", "n/a"), f"{addr}: a {proto} port in an -sO scan"
            out[(addr, port)] = (state, reason)
    return out


def without_icmp_reason(table):
    """Normal-output rows with protocol 1's reason blanked (see the docstring)."""
    rows = []
    for line in table:
        fields = line.split()
        if fields and fields[0] == "1" and len(fields) >= 4:
            line = " ".join(fields[:3])
        rows.append(line)
    return rows


def protocol_table(text):
    """The PROTOCOL table rows and the "Not shown" lines of every host."""
    rows, inside = [], False
    for line in text.splitlines():
        if line.startswith("Not shown:"):
            rows.append(line)
        if line.startswith("PROTOCOL "):
            inside = True
        elif not line.strip() or line.startswith(("#", "Nmap ", "Host ", "MAC ")):
            inside = False
        if inside:
            rows.append(line)
    return rows


def grepable_protocols(text):
    """The "Protocols:" fields, with protocol 1's entry kept (no reasons there)."""
    return [line for line in scanout.grepable_lines(text) if "\tProtocols: " in line]


def compare(runs, addr):
    nmap, cmap = ports(runs["nmap"].files["X"]), ports(runs["cmap"].files["X"])
    assert sorted(cmap) == sorted(nmap), "protocols listed differ"
    for key, (state, reason) in nmap.items():
        got_state, got_reason = cmap[key]
        assert got_state == state, f"{key}: {got_state} != nmap's {state}"
        if key[1] == 1 and state == "open":
            assert got_reason in ICMP_REASONS, f"ICMP open with reason {got_reason}"
        else:
            assert got_reason == reason, f"{key}: {got_reason} != nmap's {reason}"
    assert any(k[0] == addr for k in cmap), f"no protocol of {addr} in cmap's XML"


def validate(path):
    check = subprocess.run(["xmllint", "--noout", "--dtdvalid", DTD, path],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr


def scaninfo(text):
    return [dict(e.attrib) for e in ET.fromstring(text).findall("scaninfo")]


@pytest.fixture(scope="module")
def rejecting_pair(rejecting_host, scan_both):
    runs = scan_both(["-sO"] + BASE + ["-p", PROTOS], [rejecting_host.v4], formats="XNG")
    require_success(runs)
    return runs


def test_every_state_and_reason(rejecting_pair, rejecting_host):
    compare(rejecting_pair, rejecting_host.v4)
    got = {v for v in ports(rejecting_pair["cmap"].files["X"]).values()}
    # The scenario must really show every verdict (a lab change that lost
    # one would otherwise pass unnoticed).
    for want in [("closed", "proto-unreach"), ("open", "proto-response"),
                 ("open", "port-unreach"), ("open|filtered", "no-response"),
                 ("filtered", "admin-prohibited"), ("filtered", "host-unreach"),
                 ("filtered", "net-unreach"), ("filtered", "host-prohibited"),
                 ("filtered", "net-prohibited")]:
        assert want in got, f"{want} missing from {sorted(got)}"


def test_normal_table(rejecting_pair):
    nmap = protocol_table(rejecting_pair["nmap"].files["N"])
    cmap = protocol_table(rejecting_pair["cmap"].files["N"])
    assert nmap and nmap[0].startswith("PROTOCOL ")
    assert without_icmp_reason(cmap) == without_icmp_reason(nmap)


def test_grepable_protocols(rejecting_pair):
    nmap = grepable_protocols(rejecting_pair["nmap"].files["G"])
    cmap = grepable_protocols(rejecting_pair["cmap"].files["G"])
    assert nmap and cmap == nmap


def test_xml_scaninfo_and_dtd(rejecting_pair, tmp_path):
    assert scaninfo(rejecting_pair["cmap"].files["X"]) == scaninfo(rejecting_pair["nmap"].files["X"])
    assert scaninfo(rejecting_pair["cmap"].files["X"])[0]["type"] == "ipproto"
    path = tmp_path / "cmap.xml"
    path.write_text(rejecting_pair["cmap"].files["X"])
    validate(str(path))
    # The protocol's name is nmap's <service> (method table, conf 8).
    root = ET.fromstring(rejecting_pair["cmap"].files["X"])
    svc = {p.get("portid"): p.find("service") for p in root.iter("port")}
    assert svc["6"].get("name") == "tcp" and svc["6"].get("conf") == "8"
    assert svc["200"] is None  # no name in nmap-protocols: no <service>


def test_icmp_alone_is_echo_reply(scan_both):
    addr = TARGETS["open"].v4
    runs = scan_both(["-sO"] + BASE + ["-p", "1"], [addr], formats="XN")
    require_success(runs)
    assert ports(runs["nmap"].files["X"]) == {(addr, 1): ("open", "echo-reply")}
    assert ports(runs["cmap"].files["X"]) == ports(runs["nmap"].files["X"])
    assert protocol_table(runs["cmap"].files["N"]) == protocol_table(runs["nmap"].files["N"])


def test_silent_host_and_two_hosts(scan_both):
    """The dark host answers nothing; the open one in the same group does."""
    dark, live = TARGETS["dark"].v4, TARGETS["open"].v4
    runs = scan_both(["-sO"] + BASE + FAST_TIMING + ["-p", "1,2,6,17,47,255"], [dark, live],
                     formats="XNG")
    require_success(runs)
    compare(runs, dark)
    assert {v[0] for k, v in ports(runs["cmap"].files["X"]).items() if k[0] == dark} == \
        {"open|filtered"}
    assert without_icmp_reason(protocol_table(runs["cmap"].files["N"])) == \
        without_icmp_reason(protocol_table(runs["nmap"].files["N"]))
    assert grepable_protocols(runs["cmap"].files["G"]) == \
        grepable_protocols(runs["nmap"].files["G"])


def test_default_list_all_protocols(scan_both):
    """No -p: all 256 protocols, the closed ones folded ("Not shown")."""
    addr = TARGETS["open"].v4
    runs = scan_both(["-sO", "-n", "-Pn"], [addr], formats="XNG")
    require_success(runs)
    compare(runs, addr)
    info = scaninfo(runs["cmap"].files["X"])
    assert info == scaninfo(runs["nmap"].files["X"])
    assert info[0]["numservices"] == "256" and info[0]["services"] == "0-255"
    assert without_icmp_reason(protocol_table(runs["cmap"].files["N"])) == \
        without_icmp_reason(protocol_table(runs["nmap"].files["N"]))
    assert grepable_protocols(runs["cmap"].files["G"]) == \
        grepable_protocols(runs["nmap"].files["G"])


def test_task_lines_verbose(lab, run_in, cmap_bin):
    argv = ["-sO", "-v", "-n", "-Pn", "-p", "1,6,17,47", TARGETS["open"].v4]
    lines = {}
    for name, exe in (("nmap", "nmap"), ("cmap", cmap_bin)):
        start = time.monotonic()
        run = run_in(lab.scanner, [exe] + argv, timeout=60)
        assert run.returncode == 0, run.describe()
        assert time.monotonic() - start < 30
        lines[name] = [ln.split(" at ")[0] for ln in run.stdout.splitlines()
                       if ln.startswith(("Initiating IPProto", "Completed IPProto",
                                         "Discovered open port"))]
    assert sorted(lines["cmap"]) == sorted(lines["nmap"])
    assert lines["cmap"][0] == "Initiating IPProto Scan"


def without_ttl(table, proto):
    """Rows with one protocol's reason TTL dropped."""
    out = []
    for line in table:
        fields = line.split()
        if fields and fields[0] == str(proto) and "ttl" in fields:
            line = " ".join(fields[:fields.index("ttl")])
        out.append(line)
    return out


def test_ipv6(scan_both):
    """Over IPv6 an unknown protocol draws a parameter problem (closed,
    param-problem), an empty fragment header an "erroneous field" one
    (open), and ICMPv6 is a protocol like the others (proto-response). Which
    ICMPv6 packet opens it first (an echo reply, hop limit 64, or a
    neighbour solicitation, 255) is a race, so its TTL is not compared."""
    addr = TARGETS["open"].v6
    runs = scan_both(["-6", "-sO"] + BASE + ["-p", "0-6,17,41,43,44,47,58,59,60,103,132,255"],
                     [addr], formats="XNG")
    require_success(runs)
    compare(runs, addr)
    got = ports(runs["cmap"].files["X"])
    assert got[(addr, 47)] == ("closed", "param-problem")
    assert got[(addr, 44)] == ("open", "param-problem")
    assert got[(addr, 58)] == ("open", "proto-response")
    assert without_ttl(protocol_table(runs["cmap"].files["N"]), 58) == \
        without_ttl(protocol_table(runs["nmap"].files["N"]), 58)
    assert grepable_protocols(runs["cmap"].files["G"]) == \
        grepable_protocols(runs["nmap"].files["G"])


def test_json_follows_xml(lab, run_in, cmap_bin, rejecting_host):
    """cmap's -oJ carries what its -oX says: ipproto scaninfo, ip ports,
    the protocol names with nmap's conf 8."""
    import json
    argv = [cmap_bin, "-sO"] + BASE + ["-p", "1,6,47,50,200", "-oJ", "-", rejecting_host.v4]
    run = run_in(lab.scanner, argv, timeout=60)
    assert run.returncode == 0, run.describe()
    doc = json.loads(run.stdout)
    assert doc["scaninfo"] == [{"type": "ipproto", "protocol": "ip", "numservices": 5,
                                "services": "1,6,47,50,200"}]
    ports = {p["portid"]: p for p in doc["hosts"][0]["ports"]["port"]}
    assert ports[6]["protocol"] == "ip" and ports[6]["service"] == {
        "name": "tcp", "method": "table", "conf": 8}
    assert ports[47]["state"]["state"] == "open|filtered"
    assert ports[50]["state"]["reason"] == "admin-prohibited"
    assert "service" not in ports[200]


def test_version_detection_does_nothing(scan_both):
    """nmap probes versions of TCP and UDP ports only: -sO -sV is -sO."""
    addr = TARGETS["open"].v4
    runs = scan_both(["-sO", "-sV"] + BASE + ["-p", "6,17,47"], [addr], formats="XN")
    require_success(runs)
    compare(runs, addr)
    assert protocol_table(runs["cmap"].files["N"]) == protocol_table(runs["nmap"].files["N"])
    assert "Service detection performed" not in runs["cmap"].stdout
