# SPDX-License-Identifier: MIT
"""nmap --traceroute and cmap --traceroute over the same routed chain.

tracelab.py builds scanner -> r1 -> r2 -> targets (two forwarding routers
that answer expiring probes, a neighbour r1 one hop away). For each scan
both programs must print the same TRACEROUTE header ("using port 80/tcp",
"using proto 1/icmp", ...), the same hops (address per TTL, timeouts as
"..."), the same "Hops 1-N are the same as for X" folding, and the same
<trace> element, which must also validate against nmap's DTD. One case
silences the routers' time-exceeded messages to compare timeouts; another
checks the refusal without privilege. Under 60 s in all (the silent cases
wait out nmap's one-second probe timeouts, as both programs must).
"""

import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

import lab as labmod
import labrun
import tracelab

DTD = "/usr/share/nmap/nmap.dtd"
T4 = tracelab.TARGETS_V4
T6 = tracelab.TARGETS_V6
SILENCE = """
table inet trcsilent {
    chain out {
        type filter hook output priority 0; policy accept;
        icmp type time-exceeded drop
        icmpv6 type time-exceeded drop
    }
}
"""

CASES = {
    "syn-open-two-hosts": (["-sS", "-p80"], [T4[0], T4[1]]),
    "syn-closed-preferred": (["-sS", "-p80,81"], [T4[0]]),
    "ping-scan": (["-sn"], [T4[0], tracelab.HOPS_V4[1], tracelab.HOPS_V4[0]]),
    "ping-scan-syn-ping": (["-sn", "-PS22"], [T4[0]]),
    "ping-scan-twenty": (["-sn"], tracelab.MANY_V4),
    "udp-closed": (["-sU", "-p53"], [T4[0]]),
    "connect-as-root": (["-sT", "-p80"], [T4[0]]),
    "ack-scan": (["-sA", "-p80"], [T4[1]]),
    "v6-syn": (["-6", "-sS", "-p80"], [T6[0], T6[1]]),
    "v6-ping-scan": (["-6", "-sn"], [T6[0], tracelab.HOPS_V6[1]]),
    "v6-udp-closed": (["-6", "-sU", "-p53"], [T6[0]]),
    "v6-neighbour": (["-6", "-sS", "-p80"], [tracelab.HOPS_V6[0], T6[1]]),
}


@pytest.fixture(scope="module")
def chain():
    problems = labmod.missing_prerequisites()
    if problems:
        pytest.fail("cannot build the traceroute chain: " + "; ".join(problems), pytrace=False)
    the_chain = tracelab.TraceLab()
    try:
        the_chain.up()
    except labmod.LabError as exc:
        the_chain.down()
        pytest.fail(f"traceroute chain setup failed: {exc}", pytrace=False)
    try:
        yield the_chain
    finally:
        the_chain.down()


def scan_pair(chain, programs, tmp_path, options, targets, resolve=False):
    runs = {}
    base = ["--traceroute"] + ([] if resolve else ["-n"])
    for name, exe in programs.items():
        runs[name] = labrun.scan_one(chain.scanner, exe, tmp_path / name, base + options,
                                     targets, "X", 60)
    labrun.require_success(runs)
    return runs


def traces(stdout):
    """{host: (header, [row, ...])} from normal output, rows as printed."""
    out = {}
    for block in re.split(r"^Nmap scan report for ", stdout, flags=re.M)[1:]:
        host = block.split("\n", 1)[0].strip()
        m = re.search(r"^(TRACEROUTE.*)\nHOP RTT +ADDRESS\n((?:.+\n)*)", block, re.M)
        out[host] = (m.group(1), m.group(2).splitlines()) if m else None
    return out


def hop_view(rows):
    """Rows without round-trip times: (ttl or '-', address or text)."""
    view = []
    for row in rows:
        m = re.match(r"^(\S+) +(?:\d+\.\d\d ms|--) +(.*)$", row)
        if m:
            view.append((m.group(1), m.group(2)))
        else:
            hop, rest = row.split(None, 1)
            view.append((hop, rest))
    return view


def xml_traces(text):
    """{address: (trace attributes, [(ttl, ipaddr), ...])}."""
    out = {}
    for host in ET.fromstring(text).findall("host"):
        addr = host.find("address").get("addr")
        t = host.find("trace")
        out[addr] = None if t is None else (
            dict(t.attrib),
            [(h.get("ttl"), h.get("ipaddr"), h.get("host")) for h in t.findall("hop")])
    return out


def validate_dtd(path):
    proc = subprocess.run(["xmllint", "--noout", "--dtdvalid", DTD, path],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr


def compare(runs):
    n, c = traces(runs["nmap"].stdout), traces(runs["cmap"].stdout)
    assert set(n) == set(c), (runs["nmap"].stdout, runs["cmap"].stdout)
    for host in n:
        assert n[host] is not None, f"nmap traced nothing for {host}"
        assert c[host] is not None, f"cmap traced nothing for {host}:\n{runs['cmap'].stdout}"
        assert c[host][0] == n[host][0], (host, n[host], c[host])
        assert hop_view(c[host][1]) == hop_view(n[host][1]), (host, n[host], c[host])
        for row in c[host][1]:
            if not row.startswith("-") and "..." not in row:
                assert re.match(r"^\d+ +(\d+\.\d\d ms|--) +\S+( \(\S+\))?$", row), row
    xn, xc = xml_traces(runs["nmap"].files["X"]), xml_traces(runs["cmap"].files["X"])
    assert xc == xn
    for name, run in runs.items():
        path = run.argv[run.argv.index("-oX") + 1]
        validate_dtd(path)


@pytest.mark.parametrize("case", list(CASES))
def test_same_trace_as_nmap(chain, programs, tmp_path, case):
    options, targets = CASES[case]
    runs = scan_pair(chain, programs, tmp_path, options, targets)
    compare(runs)
    if case == "syn-open-two-hosts":
        assert "Hops 1-2 are the same as for 198.18.42.2" in runs["cmap"].stdout


def test_silent_routers(chain, programs, tmp_path):
    """Both routers drop their time-exceeded messages: hops 1-2 time out
    (three tries of a second each, as nmap) and fold into "1   ... 2"."""
    for r in ("r1", "r2"):
        labmod.run(["ip", "netns", "exec", chain.ns(r), "nft", "-f", "-"], stdin=SILENCE)
    try:
        runs = scan_pair(chain, programs, tmp_path, ["-sS", "-p80"], [T4[0]])
    finally:
        for r in ("r1", "r2"):
            labmod.run(["ip", "netns", "exec", chain.ns(r), "nft", "delete", "table", "inet",
                        "trcsilent"], check=False)
    compare(runs)
    assert "1   ... 2\n" in runs["cmap"].stdout


DARK = """
table inet trcdark {
    chain in {
        type filter hook input priority 0; policy accept;
        ip daddr 198.18.42.3 drop
    }
}
"""


def test_dark_target(chain, programs, tmp_path):
    """A target that drops everything (-Pn -sn, so an ICMP echo trace):
    the routers answer, TTLs 3 to 30 time out and fold into "3   ... 30"."""
    labmod.run(["ip", "netns", "exec", chain.ns("tgt"), "nft", "-f", "-"], stdin=DARK)
    try:
        runs = scan_pair(chain, programs, tmp_path, ["-sn", "-Pn"], [T4[1]])
    finally:
        labmod.run(["ip", "netns", "exec", chain.ns("tgt"), "nft", "delete", "table", "inet",
                    "trcdark"], check=False)
    compare(runs)
    assert "3   ... 30\n" in runs["cmap"].stdout


def test_needs_root(chain, programs):
    for name, exe in programs.items():
        run = labrun.run_in(chain.scanner, [exe, "--unprivileged", "-sT", "-p80",
                                            "--traceroute", T4[0]], timeout=30)
        assert run.returncode == 1, run.describe()
        assert run.stderr == "Traceroute has to be run as root\nQUITTING!\n", run.describe()
        assert re.match(r"^Starting \S+ ", run.stdout), run.describe()


PTR = {"198.18.40.2": "r1.trc.test", "198.18.41.2": "r2.trc.test",
       "198.18.42.2": "tgt.trc.test"}


@pytest.fixture
def dns_server(chain):
    """dnsmasq on the scanner's own address with PTR records for the path."""
    argv = ["ip", "netns", "exec", chain.scanner, shutil.which("dnsmasq") or "/usr/sbin/dnsmasq",
            "--no-daemon", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--port=53",
            f"--listen-address={tracelab.SCANNER_V4}", "--bind-interfaces",
            "--local=/18.198.in-addr.arpa/"]
    argv += [f"--ptr-record={'.'.join(reversed(a.split('.')))}.in-addr.arpa,{n}"
             for a, n in PTR.items()]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        time.sleep(0.5)
        if proc.poll() is not None:
            pytest.fail(f"dnsmasq exited: {proc.stderr.read()}", pytrace=False)
        yield tracelab.SCANNER_V4
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def test_hop_names(chain, programs, tmp_path, dns_server):
    """Without -n the hops get their PTR names ("name (address)", XML
    host=), the addresses already named by the scan not asked again."""
    runs = scan_pair(chain, programs, tmp_path,
                     ["-v", "--dns-servers", dns_server, "-sS", "-p80"], [T4[0], T4[1]],
                     resolve=True)
    compare(runs)
    out = runs["cmap"].stdout
    assert "1   " in out and "r1.trc.test (198.18.40.2)" in out, out
    lines = [l for l in runs["nmap"].stdout.splitlines() if "DNS resolution" in l]
    mine = [l for l in out.splitlines() if "DNS resolution" in l]
    strip = lambda ls: [re.sub(r" at \d\d:\d\d.*", "", l) for l in ls]
    assert strip(mine) == strip(lines)
