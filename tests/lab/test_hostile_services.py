# SPDX-License-Identifier: MIT
"""Version detection (-sV) against hostile services (hostile_services.py).

The open lab target runs services that put terminal escapes, control bytes
and invalid UTF-8 into the fields nmap's match lines fill, send megabytes,
garbage or an endless stream, close or reset half-way, or never answer.
nmap 7.93 and cmap scan them with the same options; both must end within
the time the probes allow (the sum of the totalwaitms of the probes sent),
in bounded memory, exit 0, and write outputs that are harmless on a
terminal and valid XML. Every check runs on nmap too, so the expectations
are nmap's real behaviour, not a guess.

What nmap 7.93 does with the evil banners (observed, and asserted below):
every byte of a version field outside 0x20-0x7e becomes '.', one dot per
byte (portlist.cc, when it stores the match), in normal, grepable and XML
output alike; $1 stops at the NUL, so "cut" never shows. The CPE is made
URL-safe first (']' -> %5D, ';' -> %3B, lower case), then dotted. A
response that matches no hard match is printed as nmap's fingerprint
("SF:" lines, non-printable bytes as \\xHH), which nmap cuts to about
2.5 KB however much the service sent.
"""

import os
import re
import signal
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pytest

import lab as labmod

HERE = os.path.dirname(os.path.abspath(__file__))
DTD = "/usr/share/nmap/nmap.dtd"
PROBES = "/usr/share/nmap/nmap-service-probes"
TARGET = next(t for t in labmod.TARGETS if t.role == "open")
PORTS = {"evil-ssh": 4001, "evil-ftp": 4002, "evil-smtp": 4003, "huge": 4004,
         "garbage": 4005, "flood": 4006, "half-fin": 4007, "half-rst": 4008,
         "silent": 4009}
EVIL_PORTS = (PORTS["evil-ssh"], PORTS["evil-ftp"], PORTS["evil-smtp"])
# The endless and the silent service cost every probe's full wait (nmap
# took 125 s and 158 s at the default intensity): --version-light keeps
# that at five probes (26 s) instead of thirty (156 s).
SLOW = ("flood", "silent")
SCANS = {
    "noisy": ([], [p for k, p in PORTS.items() if k not in SLOW]),
    "slow": (["--version-light"], [PORTS[k] for k in SLOW]),
}
INTENSITY = {"noisy": 7, "slow": 2}
BASE_OPTIONS = ["-sV", "-sT", "-Pn", "-n"]
# Start-up, connect scan and output on top of the probes' waits.
SLACK_SECONDS = 15
MAX_RSS_KB = 64 * 1024
# A sanitizer build carries shadow memory and a 256 MB free quarantine
# (cmap measured 236 MB on these scans, 35 MB without ASan); the bound
# that matters is checked on the normal build.
MAX_RSS_KB_ASAN = 400 * 1024
MAX_OUTPUT_BYTES = 256 * 1024
# C0 controls, DEL and C1 controls, except the line feed every format has
# and, in grepable output only, its field-separating tab.
CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f\x80-\x9f]")
CONTROL_BUT_TAB_NEWLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
# The dotted form of hostile_services.EVIL in a version field (checked
# against nmap by test_evil_banner_fields).
EVIL_DOTTED = ".]0;pwned..[2J.[31mred.1mbs..del.......ls..."


@dataclass
class Scan:
    argv: list
    returncode: int
    seconds: float
    maxrss_kb: int
    budget: float
    stdout: bytes = b""
    stderr: bytes = b""
    files: dict = field(default_factory=dict)
    paths: dict = field(default_factory=dict)
    max_rss_kb: int = MAX_RSS_KB

    def describe(self):
        return (f"$ {' '.join(self.argv)}\nexit {self.returncode} after {self.seconds:.1f}s "
                f"(budget {self.budget:.0f}s), max RSS {self.maxrss_kb} KB\n"
                f"--- stderr\n{self.stderr[-3000:].decode(errors='replace')}")


def is_sanitized(path):
    with open(path, "rb") as f:
        return b"__asan_init" in f.read()


def probe_budget(port, intensity):
    """Seconds nmap may spend on a TCP port that never answers: the
    totalwaitms of every probe it sends there (the NULL probe, probes up
    to the intensity's rarity, probes whose ports line names the port),
    one after the other, as service_scan.cc schedules them."""
    total = 0
    probe = None

    def close(p):
        nonlocal total
        if p and p["proto"] == "TCP" and (p["name"] == "NULL" or p["rarity"] <= intensity
                                          or port in p["ports"]):
            total += p["wait"]

    with open(PROBES, encoding="latin-1") as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            if words[0] == "Probe":
                close(probe)
                probe = {"proto": words[1], "name": words[2], "rarity": 5, "wait": 5000,
                         "ports": set()}
            elif probe and words[0] == "rarity":
                probe["rarity"] = int(words[1])
            elif probe and words[0] == "totalwaitms":
                probe["wait"] = int(words[1])
            elif probe and words[0] == "ports":
                for part in words[1].split(","):
                    lo, _, hi = part.partition("-")
                    probe["ports"].update(range(int(lo), int(hi or lo) + 1))
    close(probe)
    return total / 1000


def run_measured(ns, argv, timeout):
    """Run argv in ns; wall time and the process's own peak RSS (ip netns
    exec execs the program, so wait4's rusage is the scanner's)."""
    full = ["ip", "netns", "exec", ns] + [str(a) for a in argv]
    start = time.monotonic()
    with open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(full, stdin=devnull, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    out = {}
    readers = [threading.Thread(target=lambda n, s: out.__setitem__(n, s.read()), args=(n, s))
               for n, s in (("stdout", proc.stdout), ("stderr", proc.stderr))]
    for t in readers:
        t.start()
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    for t in readers:
        t.join(10)
    if seconds >= timeout:
        pytest.fail(f"killed after {timeout}s: {' '.join(full)}", pytrace=False)
    return full, proc.returncode, seconds, usage.ru_maxrss, out["stdout"], out["stderr"]


@pytest.fixture(scope="module")
def services(lab):
    """hostile_services.py in the open target, on TARGET.v4:PORTS."""
    ns = lab.ns("open")
    argv = ["ip", "netns", "exec", ns, labmod.PYTHON, os.path.join(HERE, "hostile_services.py"),
            "--addr", TARGET.v4]
    for kind, port in PORTS.items():
        argv += ["--service", f"{kind}={port}"]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        labmod.wait_ready(proc, ns)
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def scans(lab, services, cmap_bin, tmp_path_factory):
    """scans(program, name) -> Scan, run once per module."""
    cache = {}
    programs = {"nmap": "nmap", "cmap": cmap_bin}
    outdir = tmp_path_factory.mktemp("hostile-services")

    def get(program, name):
        if (program, name) not in cache:
            extra, ports = SCANS[name]
            budget = max(probe_budget(p, INTENSITY[name]) for p in ports) + SLACK_SECONDS
            paths = {fmt: outdir / f"{program}-{name}.{fmt}" for fmt in "NXG"}
            argv = [programs[program]] + BASE_OPTIONS + extra
            argv += ["-p", ",".join(map(str, ports))]
            for fmt, path in paths.items():
                argv += [f"-o{fmt}", path]
            argv.append(TARGET.v4)
            full, rc, seconds, rss, out, err = run_measured(lab.scanner, argv, 2 * budget + 60)
            files = {fmt: path.read_bytes() if path.exists() else None
                     for fmt, path in paths.items()}
            scan = Scan(full, rc, seconds, rss, budget, out, err, files, paths)
            scan.max_rss_kb = (MAX_RSS_KB_ASAN if program == "cmap" and is_sanitized(cmap_bin)
                               else MAX_RSS_KB)
            cache[(program, name)] = scan
            assert services.poll() is None, "hostile_services.py died: " + services.stderr.read()
        return cache[(program, name)]

    return get


def port_versions_xml(data):
    """portid -> (service attributes, [cpe]) from XML output."""
    result = {}
    for port in ET.fromstring(data).iter("port"):
        svc = port.find("service")
        attrs = dict(svc.attrib) if svc is not None else {}
        cpes = [c.text for c in svc.iter("cpe")] if svc is not None else []
        result[int(port.get("portid"))] = (attrs, cpes)
    return result


def normal_version_column(data):
    """portid -> the VERSION column of the port table in normal output."""
    text = data.decode("utf-8", errors="replace")
    header = re.search(r"^PORT +STATE +SERVICE +(?:REASON +)?VERSION$", text, re.M)
    assert header, f"no -sV port table header in:\n{text}"
    col = header.group().index("VERSION")
    return {int(m.group(1)): m.group()[col:] for m in re.finditer(r"^(\d+)/tcp .*$", text, re.M)}


def grepable_ports(data):
    """portid -> the "port/state/proto/owner/service/rpc/version/" entry."""
    text = data.decode("utf-8", errors="replace")
    m = re.search(r"\tPorts: (.*?)(?:\t|$)", text, re.M)
    assert m, f"no Ports: field in:\n{text}"
    entries = m.group(1).split(", ")
    return {int(e.split("/", 1)[0]): e for e in entries}


def as_text(data, what):
    """Strict UTF-8: a raw invalid byte fails here."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        pytest.fail(f"{what} is not valid UTF-8 ({exc}): ...{data[exc.start - 40:exc.end + 40]!r}",
                    pytrace=False)


def assert_no_raw_controls(data, allowed, what):
    text = as_text(data, what)
    bad = allowed.search(text)
    assert bad is None, (f"{what} has a raw control {bad.group()!r} at {bad.start()}: "
                         f"...{text[max(0, bad.start() - 60):bad.start() + 60]!r}")


PROGRAMS = ("nmap", "cmap")
SCAN_NAMES = tuple(SCANS)


def test_probe_budget_is_nmaps():
    """The budget formula, checked on figures worked out by hand from the
    file: NULL 6 s, then GenericLines, GetRequest, SSLSessionReq and
    TLSSessionReq (rarity 1) at 5 s each."""
    assert probe_budget(PORTS["silent"], 0) == 6
    assert probe_budget(PORTS["silent"], 2) == 26


@pytest.mark.parametrize("name", SCAN_NAMES)
@pytest.mark.parametrize("program", PROGRAMS)
def test_ends_cleanly_in_time_and_memory(scans, program, name):
    scan = scans(program, name)
    print(f"{program} {name}: {scan.seconds:.1f} s (budget {scan.budget:.0f} s), "
          f"max RSS {scan.maxrss_kb} KB, outputs {[len(d or b'') for d in scan.files.values()]}")
    assert scan.returncode == 0, scan.describe()
    assert b"Sanitizer" not in scan.stderr, scan.describe()
    assert scan.seconds <= scan.budget, scan.describe()
    assert scan.maxrss_kb < scan.max_rss_kb, scan.describe()
    for fmt, data in scan.files.items():
        assert data is not None, f"-o{fmt} not written\n{scan.describe()}"
        assert len(data) < MAX_OUTPUT_BYTES, f"-o{fmt} is {len(data)} bytes\n{scan.describe()}"


def test_cmap_takes_no_longer_than_nmap_on_silence(scans):
    """Both wait out the probes on the silent and endless services; cmap
    may not take much longer than nmap did, and must conclude what nmap
    concluded. (cmap may take less: its engine runs later probes ahead on
    their own connections while the NULL probe waits, and caps how much of
    an endless response it reads; nmap read the flood for 26 s at
    --version-light, 125 s at the default intensity.)"""
    nmap, cmap = scans("nmap", "slow"), scans("cmap", "slow")
    assert cmap.seconds <= nmap.seconds + 5, f"{nmap.describe()}\n{cmap.describe()}"
    want, got = port_versions_xml(nmap.files["X"]), port_versions_xml(cmap.files["X"])
    for port in want:
        for attr in ("name", "method", "conf", "product", "version"):
            assert got[port][0].get(attr) == want[port][0].get(attr), f"{port} {attr}"


@pytest.mark.parametrize("name", SCAN_NAMES)
@pytest.mark.parametrize("program", PROGRAMS)
def test_normal_output_and_stdout_are_terminal_safe(scans, program, name):
    scan = scans(program, name)
    assert_no_raw_controls(scan.stdout, CONTROL_BUT_NEWLINE, f"{program} stdout")
    assert_no_raw_controls(scan.files["N"], CONTROL_BUT_NEWLINE, f"{program} -oN")
    assert_no_raw_controls(scan.stderr, CONTROL_BUT_NEWLINE, f"{program} stderr")


@pytest.mark.parametrize("name", SCAN_NAMES)
@pytest.mark.parametrize("program", PROGRAMS)
def test_grepable_has_no_raw_controls(scans, program, name):
    scan = scans(program, name)
    assert_no_raw_controls(scan.files["G"], CONTROL_BUT_TAB_NEWLINE, f"{program} -oG")


@pytest.mark.parametrize("name", SCAN_NAMES)
@pytest.mark.parametrize("program", PROGRAMS)
def test_xml_is_well_formed_and_valid(lab, scans, program, name):
    scan = scans(program, name)
    assert_no_raw_controls(scan.files["X"], CONTROL_BUT_NEWLINE, f"{program} -oX")
    for check in (["xmllint", "--noout"], ["xmllint", "--noout", "--dtdvalid", DTD]):
        proc = subprocess.run(check + [str(scan.paths["X"])], capture_output=True, timeout=60)
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")


def test_evil_banner_fields_nmap(scans):
    """What nmap 7.93 makes of the evil banners (the reference for cmap)."""
    scan = scans("nmap", "noisy")
    xml = port_versions_xml(scan.files["X"])
    ssh, ftp, smtp = (xml[p] for p in EVIL_PORTS)
    assert ssh[0]["product"] == "OpenSSH"
    assert ssh[0]["version"] == "9.2p1 Debian " + EVIL_DOTTED
    assert ftp[0]["product"] == "vsftpd" and ftp[0]["version"] == EVIL_DOTTED
    assert ftp[1] == ["cpe:/a:vsftpd:vsftpd:.%5D0%3Bpwned..%5B2j.%5B31mred.1mbs..del.......ls..."]
    assert smtp[0]["product"] == "Postfix smtpd" and smtp[0]["extrainfo"] == EVIL_DOTTED
    assert smtp[0]["hostname"] == "mx.lab"
    version = normal_version_column(scan.files["N"])
    assert version[PORTS["evil-ssh"]] == f"OpenSSH 9.2p1 Debian {EVIL_DOTTED} (protocol 2.0)"
    assert version[PORTS["evil-smtp"]] == f"Postfix smtpd Debian ({EVIL_DOTTED})"
    assert f"//ftp//vsftpd {EVIL_DOTTED}/" in grepable_ports(scan.files["G"])[PORTS["evil-ftp"]]
    assert b"cut" not in scan.files["N"]


def test_evil_banner_fields_cmap_as_nmap(scans):
    """cmap fills and shows the evil fields exactly as nmap does, in every
    format."""
    nmap, cmap = scans("nmap", "noisy"), scans("cmap", "noisy")
    want, got = port_versions_xml(nmap.files["X"]), port_versions_xml(cmap.files["X"])
    want_n, got_n = normal_version_column(nmap.files["N"]), normal_version_column(cmap.files["N"])
    want_g, got_g = grepable_ports(nmap.files["G"]), grepable_ports(cmap.files["G"])
    for port in EVIL_PORTS:
        assert got.get(port) == want[port], f"XML <service> of {port}"
        assert got_n.get(port) == want_n[port], f"normal VERSION column of {port}"
        assert got_g.get(port) == want_g[port], f"grepable entry of {port}"


@pytest.mark.parametrize("program", PROGRAMS)
def test_fingerprints_are_cut_and_escaped(scans, program):
    """The huge and garbage services' responses come out as bounded,
    \\xHH-escaped fingerprints, as nmap prints them."""
    scan = scans(program, "noisy")
    text = scan.files["N"].decode()
    for kind in ("huge", "garbage"):
        lines = re.findall(rf"^SF-Port{PORTS[kind]}-TCP:.*(?:\nSF:.*)*", text, re.M)
        assert len(lines) == 1, text
        assert len(lines[0]) < 4096
    assert "SSH-2\\.0-\\x1bA\\x9b\\x1bA" in text


@pytest.mark.parametrize("program", PROGRAMS)
def test_half_and_silent_services_are_reported_open(scans, program):
    """Closing or resetting half-way and saying nothing are answers, not
    errors: the ports stay open with whatever the scanner concluded."""
    noisy, silent = scans(program, "noisy"), scans(program, "slow")
    states = {**{p: a for p, (a, _) in port_versions_xml(noisy.files["X"]).items()},
              **{p: a for p, (a, _) in port_versions_xml(silent.files["X"]).items()}}
    for kind in ("half-fin", "half-rst", "silent"):
        assert PORTS[kind] in states, f"{program}: port {PORTS[kind]} ({kind}) missing"
    text = noisy.files["N"].decode(errors="replace") + silent.files["N"].decode(errors="replace")
    for kind in ("half-fin", "half-rst", "silent", "flood", "huge", "garbage"):
        assert re.search(rf"^{PORTS[kind]}/tcp open ", text, re.M), f"{program}: {kind}\n{text}"
