# SPDX-License-Identifier: MIT
"""nmap and cmap with -sY and -sZ on the same SCTP target.

This kernel has no SCTP, so the target namespace runs sctp_responder.py
(raw IPPROTO_SCTP sockets, which also keep the kernel from sending protocol
unreachables): INIT ACK on open ports, ABORT on closed ones, nothing for a
COOKIE ECHO to an open port, a COOKIE ACK or a HEARTBEAT on two odd ports
that nmap ignores. nft in the target drops some ports and rejects others
with each kind of ICMP unreachable. Both programs scan the same ports over
IPv4 and IPv6, alone, together and after a TCP and UDP scan, and must agree on every
port's state, reason and reason TTL, on the scaninfo, the port table and
the grepable line; cmap's XML must be valid against nmap.dtd.

The lab here is its own: a scanner and a target namespace joined by one
veth pair, named "sctp<pid>-...", no other route anywhere, always deleted.
The target's ICMP rate limits are off, so the rejected ports answer every
try and neither program has to wait out the kernel's rationing.
"""

import collections
import os
import re
import select
import signal
import subprocess
import time

import pytest

import labrun
import scanout

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
DTD = "/usr/share/nmap/nmap.dtd"
TAG = "sctp"
SCANNER_V4, TARGET_V4 = "198.18.0.1", "198.18.1.2"
SCANNER_V6, TARGET_V6 = "fd00:18::1", "fd00:18:1::2"
OPEN, COOKIE_ACK, ODD = (7, 80, 2905), 9, 13
DROPPED = (25, 443)
RULES = """
table inet sctptest {
  chain input {
    type filter hook input priority 0; policy accept;
    sctp dport { 25, 443, 3000-3099 } drop
    sctp dport 21 reject with icmpx type admin-prohibited
    sctp dport 22 reject with icmpx type host-unreachable
    sctp dport 23 reject with icmpx type port-unreachable
    meta nfproto ipv4 sctp dport 24 reject with icmp type net-unreachable
    meta nfproto ipv4 sctp dport 26 reject with icmp type prot-unreachable
    meta nfproto ipv6 sctp dport 24 reject with icmpv6 type no-route
  }
}
"""
PORTS = ["-p", "1-30,80,443,2905,3868"]
BASE = ["-n", "-Pn", "--reason"]
TIMEOUT = 60
STEP_TIMEOUT = 20


def sh(*argv, check=True, stdin=None):
    proc = subprocess.run([str(a) for a in argv], input=stdin, capture_output=True, text=True,
                          timeout=STEP_TIMEOUT)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))}: {proc.stderr.strip()}")
    return proc


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def delete_namespace(ns):
    pids = sh("ip", "netns", "pids", ns, check=False).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    sh("ip", "netns", "delete", ns, check=False)


def remove_stale():
    """Namespaces of earlier runs of this file whose process is gone."""
    for line in sh("ip", "netns", "list").stdout.splitlines():
        name = line.split()[0] if line.strip() else ""
        m = re.fullmatch(rf"{TAG}(\d+)-[st]", name)
        if m and not pid_alive(int(m.group(1))):
            delete_namespace(name)


class SctpLab:
    def __init__(self):
        self.scanner = f"{TAG}{os.getpid()}-s"
        self.target = f"{TAG}{os.getpid()}-t"
        self.responder = None

    def up(self):
        s, t = self.scanner, self.target
        for ns in (s, t):
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        # Created inside the scanner namespace: the names never exist in
        # the root namespace, so parallel runs cannot collide.
        sh("ip", "-n", s, "link", "add", "sy0", "type", "veth", "peer", "name", "ty0", "netns", t)
        for ns, dev, me, me6, peer, peer6 in ((s, "sy0", SCANNER_V4, SCANNER_V6, TARGET_V4,
                                               TARGET_V6),
                                              (t, "ty0", TARGET_V4, TARGET_V6, SCANNER_V4,
                                               SCANNER_V6)):
            sh("ip", "-n", ns, "addr", "add", f"{me}/32", "dev", dev)
            sh("ip", "-n", ns, "addr", "add", f"{me6}/128", "dev", dev, "nodad")
            sh("ip", "-n", ns, "link", "set", dev, "up")
            sh("ip", "-n", ns, "route", "add", f"{peer}/32", "dev", dev)
            sh("ip", "-n", ns, "route", "add", f"{peer6}/128", "dev", dev)
        sh("ip", "netns", "exec", t, "nft", "-f", "-", stdin=RULES)
        sh("ip", "netns", "exec", t, "sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0",
           "net.ipv6.icmp.ratelimit=0")
        argv = ["ip", "netns", "exec", t, PYTHON, os.path.join(HERE, "sctp_responder.py"),
                "--cookie-ack", str(COOKIE_ACK), "--odd", str(ODD)]
        for port in OPEN:
            argv += ["--open", str(port)]
        self.responder = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.responder.stdout], [], [], STEP_TIMEOUT)
        line = self.responder.stdout.readline() if ready else ""
        if line.strip() != "ready":
            raise RuntimeError(f"sctp_responder not ready: {line!r}")
        # IPv6 addresses answer neighbour discovery once the link is up.
        deadline = time.monotonic() + STEP_TIMEOUT
        while "tentative" in sh("ip", "-n", s, "-6", "addr").stdout:
            if time.monotonic() > deadline:
                raise RuntimeError("IPv6 address still tentative")
            time.sleep(0.05)

    def down(self):
        if self.responder and self.responder.poll() is None:
            self.responder.terminate()
            try:
                self.responder.wait(5)
            except subprocess.TimeoutExpired:
                self.responder.kill()
                self.responder.wait(5)
        for ns in (self.scanner, self.target):
            delete_namespace(ns)


@pytest.fixture(scope="module")
def sctp_lab():
    if os.geteuid() != 0:
        pytest.fail("the SCTP lab needs root (namespaces, veth, nft)", pytrace=False)
    remove_stale()
    the_lab = SctpLab()
    try:
        the_lab.up()
        yield the_lab
    finally:
        the_lab.down()


@pytest.fixture(scope="module")
def scan_both(sctp_lab, cmap_bin, tmp_path_factory):
    """Both programs, one after the other, with the same arguments; cached."""
    cache = {}
    outdir = tmp_path_factory.mktemp("sctp")

    def scan(options, target, formats="NXG"):
        key = (tuple(options), target)
        if key not in cache:
            slot = outdir / f"scan{len(cache)}"
            slot.mkdir()
            runs = {}
            for name, exe in (("nmap", labrun.NMAP), ("cmap", cmap_bin)):
                start = time.monotonic()
                runs[name] = labrun.scan_one(sctp_lab.scanner, exe, slot / name, options,
                                             [target], formats, TIMEOUT)
                runs[name].seconds = time.monotonic() - start
            labrun.require_success(runs)
            cache[key] = runs
        return cache[key]

    return scan


def ports_of(xml_text):
    """[(proto, port, state, reason, reason_ttl)] as listed, in order."""
    out = []
    for port in scanout.parse_xml(xml_text).findall("host/ports/port"):
        st = port.find("state")
        out.append((port.get("protocol"), int(port.get("portid")), st.get("state"),
                    st.get("reason"), st.get("reason_ttl")))
    return out


def scaninfo(xml_text):
    return [(el.get("type"), el.get("protocol"), el.get("numservices"), el.get("services"))
            for el in scanout.parse_xml(xml_text).findall("scaninfo")]


CASES = {
    "sY-v4": (["-sY"] + BASE + PORTS, TARGET_V4),
    "sY-v6": (["-6", "-sY"] + BASE + PORTS, TARGET_V6),
    "sZ-v4": (["-sZ"] + BASE + PORTS, TARGET_V4),
    "sZ-v6": (["-6", "-sZ"] + BASE + PORTS, TARGET_V6),
    # After TCP and UDP (the kernel answers those: resets, port
    # unreachables), with each protocol's ports qualified.
    "sS-sU-sY": (["-sS", "-sU", "-sY", "-v"] + BASE + ["-p", "T:22,80,U:53,S:7,21-26,80,81"],
                 TARGET_V4),
    # Both: INIT first, then COOKIE-ECHO, which keeps every answer the
    # first got where it gets none (open stays open, closed closed).
    "sY-sZ": (["-sY", "-sZ", "-v"] + BASE + PORTS, TARGET_V4),
    "sZ-sY-v6": (["-6", "-sZ", "-sY"] + BASE + PORTS, TARGET_V6),
    # A range that is all dropped: timing comes from the ARP reply alone.
    "sY-dropped": (["-sY"] + BASE + ["-p", "3000-3099"], TARGET_V4),
    # nmap-services' 52 sctp entries.
    "sY-default-ports": (["-sY"] + BASE, TARGET_V4),
}


@pytest.fixture(params=list(CASES))
def pair(request, scan_both):
    options, target = CASES[request.param]
    return scan_both(options, target)


def test_states_reasons_and_ttls(pair):
    nmap, cmap = ports_of(pair["nmap"].files["X"]), ports_of(pair["cmap"].files["X"])
    assert cmap == nmap
    # Ports folded into <extraports> too (every port, on the dropped range).
    nmap_hosts = scanout.xml_hosts(pair["nmap"].files["X"])
    assert nmap_hosts and all(h.ports or h.folded_counts for h in nmap_hosts.values()), \
        "nmap reported no ports: the lab is broken"
    assert scanout.xml_hosts(pair["cmap"].files["X"]) == nmap_hosts


def test_scaninfo(pair):
    assert scaninfo(pair["cmap"].files["X"]) == scaninfo(pair["nmap"].files["X"])


def table(normal_text):
    """The port table; the MAC line is left out: cmap writes it after the
    blank line that ends the table, nmap before (report/normal.c, for every
    scan type, not this one's to change)."""
    return [line for line in scanout.port_table(normal_text)
            if not line.startswith("MAC Address:")]


def test_port_table_and_grepable(pair):
    assert table(pair["cmap"].files["N"]) == table(pair["nmap"].files["N"])
    assert scanout.grepable_lines(pair["cmap"].files["G"]) == \
        scanout.grepable_lines(pair["nmap"].files["G"])
    scanned = [line for line in pair["nmap"].files["G"].splitlines()
               if line.startswith("# Ports scanned:")]
    assert [line for line in pair["cmap"].files["G"].splitlines()
            if line.startswith("# Ports scanned:")] == scanned


def test_xml_valid(pair, tmp_path):
    path = tmp_path / "cmap.xml"
    path.write_text(pair["cmap"].files["X"])
    check = subprocess.run(["xmllint", "--noout", "--dtdvalid", DTD, str(path)],
                           capture_output=True, text=True, timeout=STEP_TIMEOUT)
    assert check.returncode == 0, check.stderr


def test_every_state_seen(scan_both):
    """The lab gives each verdict, so the comparisons above can fail."""
    v4 = ports_of(scan_both(*CASES["sY-v4"])["nmap"].files["X"])
    seen = {(state, reason) for _, _, state, reason, _ in v4}
    for want in (("open", "init-ack"), ("closed", "abort"), ("filtered", "no-response"),
                 ("filtered", "admin-prohibited"), ("filtered", "host-unreach"),
                 ("filtered", "port-unreach"), ("filtered", "net-unreach"),
                 ("filtered", "proto-unreach")):
        assert want in seen
    z = {(p, s) for _, p, s, _, _ in ports_of(scan_both(*CASES["sZ-v4"])["cmap"].files["X"])}
    assert (80, "open|filtered") in z and (COOKIE_ACK, "open|filtered") in z
    assert (1, "closed") in z


def test_times(scan_both):
    """cmap is not slower than nmap on these scans (nmap waits ~1 s; on the
    dropped range both time out after the RTT the ARP reply measured)."""
    for case in ("sY-v4", "sZ-v4", "sY-dropped"):
        runs = scan_both(*CASES[case])
        assert runs["cmap"].seconds <= runs["nmap"].seconds + 0.5, case


def test_no_sctp_ports_warning(sctp_lab, cmap_bin):
    argv = ["-sY", "-n", "-Pn", "-p", "T:80", TARGET_V4]
    nmap = labrun.run_in(sctp_lab.scanner, [labrun.NMAP] + argv, timeout=STEP_TIMEOUT)
    cmap = labrun.run_in(sctp_lab.scanner, [cmap_bin] + argv, timeout=STEP_TIMEOUT)
    warning = [line for line in nmap.stderr.splitlines() if "SCTP" in line]
    assert warning, nmap.describe()
    assert [line for line in cmap.stderr.splitlines() if "SCTP" in line] == warning
    assert cmap.returncode == nmap.returncode == 0
    assert "/sctp" not in cmap.stdout


TRACE = re.compile(r"^(SENT|RCVD) \(\d+\.\d{4}s\) (.*)$")
VOLATILE = [(re.compile(r"(\d+\.\d+\.\d+\.\d+|[0-9a-f:]*:[0-9a-f]+):\d+ "), r"\1:P "),
            (re.compile(r"\b(ttl|id|vtag|hopl)=\d+"), r"\1=N"),
            (re.compile(r"\b(flow|csum)=(0x)?[0-9a-fA-F]+"), r"\1=X")]


def trace(text):
    """Counter of (direction, line) with the values any two runs differ in
    (ports, IDs, TTLs, tags, checksums) masked. Neighbour solicitations and
    advertisements are left out: the kernels exchange them whenever their
    caches age, in the middle of a scan or not."""
    lines = []
    for line in text.splitlines():
        m = TRACE.match(line)
        if m and not re.search(r"\(type=13[56]/", line):
            body = m.group(2)
            for rx, repl in VOLATILE:
                body = rx.sub(repl, body)
            lines.append((m.group(1), body))
    return collections.Counter(lines)


@pytest.mark.parametrize("family", ["v4", "v6"])
def test_packet_trace(sctp_lab, cmap_bin, family):
    """--packet-trace of an -sY that needs no retransmission: the same SENT
    and RCVD lines (INIT ACK, ABORT, an ICMP error) as nmap's."""
    argv = ["-sY", "-n", "-Pn", "-p", "1,7,21,80", "--packet-trace"]
    argv += ["-6", TARGET_V6] if family == "v6" else [TARGET_V4]
    got = {name: trace(labrun.run_in(sctp_lab.scanner, [exe] + argv, timeout=STEP_TIMEOUT).stdout)
           for name, exe in (("nmap", labrun.NMAP), ("cmap", cmap_bin))}
    assert sum(got["nmap"].values()) >= 8, got["nmap"]  # 4 probes, 4 answers
    assert got["cmap"] == got["nmap"]
