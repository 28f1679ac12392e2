# SPDX-License-Identifier: MIT
"""--version-trace's NSOCK lines against nmap 7.93 on the same daemons.

nmap's --version-trace turns on its nsock library's trace for the service
scan: "NSOCK INFO [0.1750s] nsock_connect_tcp(): TCP connection requested
to 198.18.1.10:22 (IOD #1) EID 8" and so on, on stderr. cmap has no nsock;
core/nsock_trace.c words and numbers what its -sV engine does the way
nsock would. The regexes below were written from nmap's own lines and are
checked against nmap's output first, so a format drift on either side
fails here.

What must agree: every line's format; the numbering scheme (IODs from 1,
event ids a serial << 3 with the type in the low bits, every callback for
a pending request, every descriptor deleted); for each port the sequence
of requests and callbacks and the data shown for each read; and for one
port (-p 22 at --version-trace, -sU -p 53 at -d4) the whole trace, times
and run-specific values aside. The exact ids of a many-port scan differ
only where the two engines take simultaneous events in another order.

nmap's NSE (the version scripts -sV runs) adds a second nsock pool whose
lines follow the service scan's, numbered from IOD #1 again; cmap has no
NSE yet, so nmap's trace is cut where that pool starts.
"""

import os
import re
import subprocess

import pytest

import lab as labmod
import labrun
from lab import SVC_TARGET

HERE = os.path.dirname(os.path.abspath(__file__))
SCAN_TIMEOUT = 240
TCP_PORTS = (21, 22, 25, 53, 80, 443, 465, 6379, 11211)
UDP_PORTS = (53, 161)
TCP_OPTS = ["-sV", "--version-trace", "-sT", "-Pn", "-n", "-p", ",".join(map(str, TCP_PORTS))]
UDP_OPTS = ["-sV", "--version-trace", "-sU", "-Pn", "-n", "-p", ",".join(map(str, UDP_PORTS))]
# Banners with the time of day in them (Exim's SMTP greeting, also in TLS).
VOLATILE_DATA = {("tcp", 25), ("tcp", 465)}
# vscan_listeners.py services on the "open" target: a port that closes at
# once (nmap's READ EOF, tcpwrapped) and an SSH banner.
LISTENERS = {2104: "close", 2101: "ssh"}

LINE = re.compile(r"NSOCK (INFO|DEBUG|DEBUG FULL) \[(\d+\.\d{3}0)s\] (\w+)\(\): (.*)")
PEER = r"(?P<peer>[0-9a-f.:]+:\d+)"
KINDS = [
    ("new", "nsock_iod_new2", r"nsock_iod_new \(IOD #(?P<iod>\d+)\)"),
    ("connect_tcp", "nsock_connect_tcp",
     rf"TCP connection requested to {PEER} \(IOD #(?P<iod>\d+)\) EID (?P<eid>\d+)"),
    ("connect_udp", "nsock_connect_udp",
     rf"UDP connection requested to {PEER} \(IOD #(?P<iod>\d+)\) EID (?P<eid>\d+)"),
    ("connect_ssl", "nsock_connect_ssl",
     rf"SSL connection requested to {PEER}/tcp \(IOD #(?P<iod>\d+)\) EID (?P<eid>\d+)"),
    ("read", "nsock_read",
     rf"Read request from IOD #(?P<iod>\d+) \[{PEER}\] \(timeout: (?P<timeout>\d+)ms\) "
     r"EID (?P<eid>\d+)"),
    ("write", "nsock_write",
     rf"Write request for (?P<bytes>\d+) bytes to IOD #(?P<iod>\d+) EID (?P<eid>\d+) \[{PEER}\]"),
    ("READ SUCCESS", "nsock_trace_handler_callback",
     rf"Callback: READ SUCCESS for EID (?P<eid>\d+) \[{PEER}\] (?P<eof>\[EOF\])?"
     r"\((?P<bytes>\d+) bytes\)(?:: (?P<data>.*))?"),
    ("callback", "nsock_trace_handler_callback",
     rf"Callback: (?P<type>CONNECT|SSL-CONNECT|READ|WRITE) (?P<status>SUCCESS|ERROR|TIMEOUT|EOF)"
     rf" (?:\[(?P<err>[^\]]+ \(\d+\))\] )?for EID (?P<eid>\d+) \[{PEER}\]"),
    ("delete", "nsock_iod_delete", r"nsock_iod_delete \(IOD #(?P<iod>\d+)\)"),
]
KINDS = [(k, f, re.compile(r)) for k, f, r in KINDS]
# The low bits of an event id: nsock's event type.
TYPE_BITS = {"connect_tcp": 0, "connect_udp": 0, "connect_ssl": 1, "read": 2, "write": 3}
CALLBACK_BITS = {"CONNECT": 0, "SSL-CONNECT": 1, "READ": 2, "WRITE": 3}


def parse(text, who):
    """The INFO lines of a trace as dicts (kind, time, fields); any NSOCK
    INFO line no regex accepts fails the test."""
    events = []
    for line in text.splitlines():
        if not line.startswith("NSOCK "):
            continue
        m = LINE.fullmatch(line)
        assert m, f"{who}: malformed NSOCK line: {line!r}"
        level, when, func, msg = m.groups()
        if level != "INFO":
            continue
        for kind, fn, rx in KINDS:
            k = rx.fullmatch(msg) if fn == func else None
            if k:
                ev = {"kind": kind, "time": float(when), "line": line}
                ev.update({a: b for a, b in k.groupdict().items() if b is not None})
                events.append(ev)
                break
        else:
            pytest.fail(f"{who}: NSOCK INFO line of no known kind: {line!r}")
    return events


def service_scan_part(events):
    """The service scan's pool: up to where a new pool numbers from IOD #1."""
    for i, ev in enumerate(events):
        if i > 0 and ev["kind"] == "new" and ev["iod"] == "1":
            return events[:i]
    return events


def check_numbering(events, who):
    """nsock's scheme: IODs 1, 2, 3 ...; one event serial per request in
    order, type in the low 3 bits; callbacks only for pending requests;
    times never go back; every descriptor deleted in the end."""
    next_iod, serial = 1, 0
    pending, live = {}, set()
    last = 0.0
    for ev in events:
        assert ev["time"] >= last, f"{who}: time went back at {ev['line']}"
        last = ev["time"]
        kind = ev["kind"]
        if kind == "new":
            assert int(ev["iod"]) == next_iod, f"{who}: {ev['line']}"
            live.add(ev["iod"])
            next_iod += 1
        elif kind in TYPE_BITS:
            eid = int(ev["eid"])
            serial += 1
            assert eid == serial << 3 | TYPE_BITS[kind], f"{who}: expected EID {serial << 3 | TYPE_BITS[kind]}: {ev['line']}"
            assert ev["iod"] in live, f"{who}: request on a deleted IOD: {ev['line']}"
            pending[eid] = kind
        elif kind in ("callback", "READ SUCCESS"):
            eid = int(ev["eid"])
            assert eid in pending, f"{who}: callback for no pending request: {ev['line']}"
            want = CALLBACK_BITS[ev.get("type", "READ")]
            assert eid & 7 == want, f"{who}: {ev['line']}"
            del pending[eid]
        elif kind == "delete":
            assert ev["iod"] in live, f"{who}: {ev['line']}"
            live.discard(ev["iod"])
    assert not live, f"{who}: IODs never deleted: {sorted(live)}"


def per_port(events, proto):
    """{(proto, port): [step, ...]}: what happened on each port, in order,
    without ids and times. Reads that come in pieces are joined (where the
    network splits a response is not either program's choice)."""
    iod_peer = {}
    for ev in events:
        if ev["kind"].startswith("connect"):
            iod_peer[ev["iod"]] = ev["peer"]
    steps, in_tls = {}, set()
    for ev in events:
        peer = ev.get("peer") or iod_peer.get(ev.get("iod"))
        assert peer, f"no address for {ev['line']}"
        key = (proto, int(peer.rsplit(":", 1)[1]))
        kind = ev["kind"]
        if kind == "callback":
            step = (f"{ev['type']} {ev['status']}", ev.get("err"))
        elif kind == "READ SUCCESS":
            data = ev.get("data")
            if data is not None and key in VOLATILE_DATA:
                data = re.sub(r"\d", "#", data)
            # Inside TLS nsock reads on until OpenSSL has no more: whether
            # the close came with the data ("[EOF]") is the network's timing.
            eof = None if key in in_tls else ev.get("eof")
            step = (kind, int(ev["bytes"]), data, eof)
        elif kind == "connect_ssl":
            in_tls.add(key)
            step = (kind,)
        elif kind == "write":
            step = (kind, int(ev["bytes"]))
        else:
            step = (kind,)
        steps.setdefault(key, []).append(step)
    for key, seq in steps.items():
        joined = []
        for step in seq:
            if (step[0] == "READ SUCCESS" and len(joined) >= 2 and joined[-1] == ("read",)
                    and joined[-2][0] == "READ SUCCESS"):
                joined.pop()
                prev = joined.pop()
                size = prev[1] + step[1]
                data = prev[2] + step[2] if size < 80 and prev[2] and step[2] else None
                step = ("READ SUCCESS", size, data, step[3])
            joined.append(step)
        # Above 80 bytes nsock shows no data and the size is the service's
        # (Redis and memcached statistics change between two runs).
        steps[key] = [("READ SUCCESS", ">=80", None, s[3]) if s[0] == "READ SUCCESS" and s[1] >= 80
                      else s for s in joined]
    return steps


def nsock_lines(text):
    return [line for line in text.splitlines() if line.startswith("NSOCK ")]


@pytest.fixture(scope="module")
def traced(svc_host, scan_both):
    """traced(kind) -> {"nmap": Run, "cmap": Run} for tcp or udp."""
    table = {"tcp": TCP_OPTS, "udp": UDP_OPTS}

    def get(kind):
        runs = scan_both(table[kind], [svc_host.v4], "N", SCAN_TIMEOUT, parallel=True)
        labrun.require_success(runs)
        return runs

    return get


@pytest.fixture(scope="module")
def listeners(lab):
    argv = ["ip", "netns", "exec", lab.ns("open"), labmod.PYTHON,
            os.path.join(HERE, "vscan_listeners.py"), "--addr", "0.0.0.0"]
    argv += [f"{p}={kind}" for p, kind in LISTENERS.items()]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    lab.listeners.append(proc)  # the lab's teardown stops it too
    labmod.wait_ready(proc, lab.ns("open"))
    yield lab.targets["open"].v4
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.parametrize("kind", ["tcp", "udp"])
@pytest.mark.parametrize("who", ["nmap", "cmap"])
def test_trace_lines_parse_and_go_to_stderr(traced, kind, who):
    run = traced(kind)[who]
    assert not nsock_lines(run.stdout), f"{who} wrote NSOCK lines to stdout"
    assert not nsock_lines(run.files["N"]), f"{who} wrote NSOCK lines to -oN"
    events = service_scan_part(parse(run.stderr, who))
    assert len(events) >= 8 * (len(TCP_PORTS) if kind == "tcp" else len(UDP_PORTS)) // 2


@pytest.mark.parametrize("kind", ["tcp", "udp"])
@pytest.mark.parametrize("who", ["nmap", "cmap"])
def test_numbering_follows_nsock(traced, kind, who):
    check_numbering(service_scan_part(parse(traced(kind)[who].stderr, who)), who)


@pytest.mark.parametrize("key", [("tcp", p) for p in TCP_PORTS] + [("udp", p) for p in UDP_PORTS],
                         ids=lambda k: f"{k[1]}-{k[0]}")
def test_port_steps_and_data_match_nmap(traced, key):
    """Every connect, write, read and callback nmap traces for the port, in
    nmap's order, with the bytes each read showed."""
    runs = traced(key[0])
    nmap = per_port(service_scan_part(parse(runs["nmap"].stderr, "nmap")), key[0])
    cmap = per_port(parse(runs["cmap"].stderr, "cmap"), key[0])
    assert key in nmap, f"nmap traced nothing for {key}"
    assert cmap.get(key) == nmap[key]


def test_every_probe_sent_is_traced(traced):
    """Each "Service scan sending probe" line of cmap's has its NSOCK write
    (or, for the NULL probe, its read) on that port."""
    run = traced("tcp")["cmap"]
    steps = per_port(parse(run.stderr, "cmap"), "tcp")
    sent = re.findall(r"Service scan sending probe (\S+) to [0-9.]+:(\d+) \(tcp\)", run.stdout)
    assert sent
    for probe, port in sent:
        kinds = [s[0] for s in steps[("tcp", int(port))]]
        assert ("write" if probe != "NULL" else "read") in kinds, (probe, port)
    writes = sum(s[0] == "write" for seq in steps.values() for s in seq)
    assert writes == sum(p != "NULL" for p, _ in sent)


def test_ports_launched_in_nmap_order(traced):
    """nmap connects to a host's ports in TCP-then-UDP, port-number order."""
    runs = traced("tcp")
    order = {who: [ev["peer"] for ev in parse(run.stderr, who)
                   if ev["kind"] == "connect_tcp"][:len(TCP_PORTS)]
             for who, run in runs.items()}
    assert order["nmap"] == [f"{SVC_TARGET.v4}:{p}" for p in TCP_PORTS]
    assert order["cmap"] == order["nmap"]


def masked(lines):
    out = []
    for line in lines:
        line = re.sub(r"\[\d+\.\d+s\]", "[T]", line)
        line = re.sub(r"function: 0x[0-9a-f]+", "function: 0x", line)
        out.append(re.sub(r"\(timeout in -\d+ms\)", "(timeout in -Nms)", line))
    return out


@pytest.mark.parametrize("how", [["--version-trace"], ["--packet-trace"], ["-d2"],
                                 ["--version-trace", "-6"]], ids=" ".join)
def test_single_port_trace_identical(svc_host, scan_both, how):
    """-p 22: the whole trace, line for line, ids included; nmap traces
    nsock for --packet-trace and -d2 too, and over IPv6 the same way."""
    target = svc_host.v6 if "-6" in how else svc_host.v4
    runs = scan_both(["-sV", "-sT", "-Pn", "-n", "-p", "22"] + how, [target], "N", SCAN_TIMEOUT)
    labrun.require_success(runs)
    nmap = [ev["line"] for ev in service_scan_part(parse(runs["nmap"].stderr, "nmap"))]
    assert len(nmap) == 6
    assert masked(nsock_lines(runs["cmap"].stderr)) == masked(nmap)


def debug_service_part(lines):
    """At -d4 nmap's NSE sets the level before and after the service scan:
    keep from the service scan's "Registered external logging function" to
    the next pool's first line."""
    start = next(i for i, line in enumerate(lines) if "nsock_set_log_function()" in line)
    end = len(lines)
    for i in range(start + 2, len(lines)):
        if "nsock_set_loglevel()" in lines[i] or "nsock_loop() started (timeout=" in lines[i]:
            end = i
            break
    return lines[start:end]


def test_debug_level_trace_identical(svc_host, scan_both):
    """-d4 -sU -p 53: nsock's DEBUG lines too (event_new, Adding event,
    nsock_loop, event_delete), line for line."""
    runs = scan_both(["-sV", "-d4", "-sU", "-Pn", "-n", "-p", "53"], [svc_host.v4], "N",
                     SCAN_TIMEOUT)
    labrun.require_success(runs)
    nmap = debug_service_part(nsock_lines(runs["nmap"].stderr))
    cmap = debug_service_part(nsock_lines(runs["cmap"].stderr))
    assert len(nmap) == 20
    assert masked(cmap) == masked(nmap)


def test_eof_and_banner_match_nmap(listeners, scan_both):
    """A port that closes at once: READ EOF, then the descriptor goes."""
    opts = ["-sV", "--version-trace", "-sT", "-Pn", "-n", "-p",
            ",".join(map(str, sorted(LISTENERS)))]
    runs = scan_both(opts, [listeners], "N", SCAN_TIMEOUT)
    labrun.require_success(runs)
    nmap = per_port(service_scan_part(parse(runs["nmap"].stderr, "nmap")), "tcp")
    cmap = per_port(parse(runs["cmap"].stderr, "cmap"), "tcp")
    assert ("READ EOF", None) in nmap[("tcp", 2104)]
    assert cmap == nmap


def test_no_trace_without_the_option(svc_host, scan_both):
    runs = scan_both(["-sV", "-sT", "-Pn", "-n", "-p", "22,53"], [svc_host.v4], "N",
                     SCAN_TIMEOUT, parallel=True)
    labrun.require_success(runs)
    for who, run in runs.items():
        for text in (run.stdout, run.stderr, run.files["N"]):
            assert "NSOCK" not in text, who
            assert "Service scan sending probe" not in text, who
            assert "Service scan match" not in text, who
