# SPDX-License-Identifier: MIT
"""The raw engines' send/capture details, against nmap 7.93 on the same hosts.

- --packet-trace: the same SENT/RCVD lines field for field (times, ports,
  IDs, sequence numbers, TTLs and flow labels aside), the same number of
  SENT lines for small scans that need no retransmission;
- -v's "Raw packets sent: N (xB) | Rcvd: M (yB)" line, equal to nmap's,
  on the terminal only;
- -e and -S: nmap's errors, exit codes and results;
- faults: replies with truncated TCP headers are counted under -d and
  leave the ports filtered (as nmap); the target's interface deleted
  mid-scan ends the scan in bounded time with nmap's message and exit
  code, and every output keeps what was found (XML valid against nmap.dtd).
"""

import collections
import os
import re
import shutil
import subprocess
import time

import pytest

import lab as labmod
from labrun import require_success

TARGETS = {t.role: t for t in labmod.TARGETS}
HERE = os.path.dirname(os.path.abspath(__file__))
DTD = "/usr/share/nmap/nmap.dtd"
TRACE = re.compile(r"^(SENT|RCVD) \(\d+\.\d{4}s\) (.*)$")
# Values that differ between any two runs: ports (after an address), IP IDs,
# TTLs/hop limits, sequence numbers, ICMP ids, flow labels, timestamps.
VOLATILE = [
    (re.compile(r"(\d+\.\d+\.\d+\.\d+|[0-9a-f:]*:[0-9a-f]+):\d+ "), r"\1:P "),
    (re.compile(r"\b(ttl|id|seq|ack|hopl|recv|trans)=\d+"), r"\1=N"),
    (re.compile(r"\b(flow|csum)=(0x)?[0-9a-fA-F]+"), r"\1=X"),
]


def trace_lines(text):
    out = []
    for line in text.splitlines():
        m = TRACE.match(line)
        if m:
            body = m.group(2)
            for rx, repl in VOLATILE:
                body = rx.sub(repl, body)
            out.append((m.group(1), body))
    return out


def compare_traces(runs, rcvd=True):
    got = {name: trace_lines(run.stdout) for name, run in runs.items()}
    for name in got:
        assert got[name], f"{name} printed no SENT/RCVD lines:\n{runs[name].stdout}"
    sent = {n: collections.Counter(b for d, b in lines if d == "SENT") for n, lines in got.items()}
    assert sent["cmap"] == sent["nmap"], f"SENT lines differ:\n{runs['cmap'].stdout}"
    if rcvd:
        got_r = {n: collections.Counter(b for d, b in lines if d == "RCVD")
                 for n, lines in got.items()}
        assert got_r["cmap"] == got_r["nmap"], f"RCVD lines differ:\n{runs['cmap'].stdout}"
    # The trace lines go to -oN too, as nmap's.
    for name, run in runs.items():
        if run.files.get("N"):
            assert trace_lines(run.files["N"]) == got[name], name


TRACE_SCANS = {
    "syn-v4": (["-sS", "-n", "-Pn", "-p", "22,23,80"], TARGETS["open"].v4, True),
    "syn-reject-v4": (["-sS", "-n", "-Pn", "-p", "21,22,25,443"], TARGETS["reject"].v4, True),
    "syn-v6": (["-6", "-sS", "-n", "-Pn", "-p", "22,23,443"], TARGETS["reject"].v6, False),
    "udp-v4": (["-sU", "-n", "-Pn", "-p", "7,9"], TARGETS["reject"].v4, True),
    # -dd and -ddd: nmap's medium and high levels of detail.
    "syn-v4-dd": (["-dd", "-sS", "-n", "-Pn", "-p", "22,23"], TARGETS["open"].v4, True),
    "syn-v4-ddd": (["-ddd", "-sS", "-n", "-Pn", "-p", "22,23,443"], TARGETS["reject"].v4, True),
    "udp-v6-ddd": (["-ddd", "-6", "-sU", "-n", "-Pn", "-p", "7"], TARGETS["open"].v6, False),
    # Discovery sends every probe at once; nmap stops reading at the first
    # answer, so only the probes are compared.
    "ping-v4": (["-sn", "-n", "--send-ip", "-PE", "-PP", "-PM", "-PS22", "-PA80", "-PU40125",
                 "-PY80"], TARGETS["open"].v4, False),
    "ping-v6": (["-6", "-sn", "-n", "--send-ip", "-PE", "-PS22", "-PU53"], TARGETS["open"].v6,
                False),
}


@pytest.mark.parametrize("case", list(TRACE_SCANS))
def test_packet_trace_lines(scan_both, case):
    options, target, rcvd = TRACE_SCANS[case]
    runs = scan_both(options + ["--packet-trace"], [target], formats="N")
    require_success(runs)
    compare_traces(runs, rcvd)


def test_packet_trace_ipv6_rcvd_kinds(scan_both):
    """IPv6 replies (RST, ICMPv6 unreachable, SYN-ACK) are traced as nmap
    traces them; neighbour traffic aside, which each captures differently."""
    runs = scan_both(["-6", "-sS", "-n", "-Pn", "--packet-trace", "-p", "22,23,443"],
                     [TARGETS["reject"].v6], formats="N")
    require_success(runs)
    got = {}
    for name, run in runs.items():
        got[name] = sorted(b for d, b in trace_lines(run.stdout)
                           if d == "RCVD" and "type=136" not in b and "neighbor" not in b)
    assert got["cmap"] == got["nmap"]


RAW_LINE = re.compile(r"^           Raw packets sent: \d+ \(\d+(\.\d{3}[KMG])?B\) \| "
                      r"Rcvd: \d+ \(\d+(\.\d{3}[KMG])?B\)$", re.M)


@pytest.mark.parametrize("ports", ["22,80,443", "1-100"])
def test_raw_packets_line(scan_both, ports):
    runs = scan_both(["-sS", "-n", "-v", "-p", ports], [TARGETS["reject"].v4], formats="N")
    require_success(runs)
    lines = {}
    for name, run in runs.items():
        found = [m.group(0) for m in RAW_LINE.finditer(run.stdout)]
        assert len(found) == 1, f"{name}:\n{run.stdout}"
        out = run.stdout.splitlines()
        assert out[out.index(found[0]) - 1].startswith("Nmap done: "), name
        assert "Raw packets" not in run.files["N"], f"{name}: not in -oN"
        lines[name] = found[0]
    assert lines["cmap"] == lines["nmap"]
    if ports == "1-100":
        assert "KB)" in lines["cmap"]


def test_no_raw_packets_line_without_raw_or_verbosity(scan_both):
    for options in (["-sT", "-Pn", "-v"], ["-sS", "-Pn"]):
        runs = scan_both(options + ["-n", "-p", "22"], [TARGETS["open"].v4], formats="N")
        require_success(runs)
        for name, run in runs.items():
            assert "Raw packets" not in run.stdout, f"{name} {options}"


def stderr_lines(text):
    return [line for line in text.splitlines() if line]


ERROR_CASES = {
    "no-such-iface": ["-sS", "-e", "ptrnosuch0"],
    "no-such-iface-connect": ["-sT", "-e", "ptrnosuch0"],
    "foreign-source": ["-sS", "-S", "198.18.0.77"],
    "foreign-source-connect": ["-sT", "-S", "198.18.0.77"],
    "source-and-no-such-iface": ["-sS", "-S", "198.18.0.77", "-e", "ptrnosuch0"],
    "source-twice": ["-sS", "-S", "198.18.0.1", "-S", "198.18.0.2"],
    "source-wrong-family": ["-6", "-sS", "-S", "198.18.0.1"],
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_source_errors(lab, run_in, programs, case):
    target = TARGETS["open"].v6 if "-6" in ERROR_CASES[case] else TARGETS["open"].v4
    runs = {name: run_in(lab.scanner, [exe] + ERROR_CASES[case] + ["-n", "-Pn", "-p", "22",
                                                                   target], timeout=30)
            for name, exe in programs.items()}
    assert runs["cmap"].returncode == runs["nmap"].returncode == 1, runs["cmap"].describe()
    assert stderr_lines(runs["cmap"].stderr) == stderr_lines(runs["nmap"].stderr)
    assert runs["cmap"].stderr.count("\n\n") == runs["nmap"].stderr.count("\n\n")
    banner = {name: "Starting " in run.stdout for name, run in runs.items()}
    assert banner["cmap"] == banner["nmap"]


def ports_of(text):
    return sorted(re.findall(r"^(\d+/tcp)\s+(\S+)", text, re.M))


def test_interface_and_source_scans(lab, scan_both):
    open_t = TARGETS["open"]
    s_if = lab.iface("s", open_t)
    cases = [
        (["-sS", "-n", "-Pn", "-e", s_if, "-p", "22,23"], "open and closed via -e"),
        (["-sS", "-n", "-Pn", "-S", labmod.SCANNER_V4, "-e", s_if, "-p", "22,23"], "own -S"),
        (["-sS", "-n", "-Pn", "-S", labmod.SCANNER_V4, "-p", "22,23"], "-S alone"),
        (["-sS", "-n", "-Pn", "-e", "lo", "--max-retries", "0", "-p", "22"], "wrong interface"),
        (["-sS", "-n", "-Pn", "-e", s_if, "--packet-trace", "-p", "22"], "trace via -e"),
    ]
    for options, why in cases:
        runs = scan_both(options, [open_t.v4], formats="N")
        require_success(runs)
        got = {name: ports_of(run.stdout) for name, run in runs.items()}
        assert got["cmap"] == got["nmap"], f"{why}:\n{runs['cmap'].stdout}"
        assert got["cmap"], why
    # A source address that is not ours, with -e: the kernel refuses the
    # route, the host is skipped.
    runs = scan_both(["-sS", "-n", "-Pn", "-S", "198.18.0.77", "-e", s_if, "-p", "22"],
                     [open_t.v4], formats="N")
    for name, run in runs.items():
        assert run.returncode == 0, run.describe()
        assert "setup_target: failed to determine route to 198.18.1.2" in run.stderr, name
        assert "0 IP addresses (0 hosts up)" in run.stdout, name


# --- faults ------------------------------------------------------------------

MALFORMED = labmod.Target("ptrmal", 20, (), "tcp dport { 5555, 5556 } drop")
VANISHING = labmod.Target("ptrdel", 21, ())


@pytest.fixture
def malformed_host(lab):
    proc = None
    try:
        ns = lab.add_target(MALFORMED)
        proc = subprocess.Popen(
            ["ip", "netns", "exec", ns, labmod.PYTHON, os.path.join(HERE, "malformed_responder.py"),
             "--iface", lab.iface("t", MALFORMED), "--short", "5555", "--badoff", "5556",
             "--seconds", "60"], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        yield MALFORMED
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=5)
        lab.remove_target(MALFORMED)


DEBUG_COUNTS = re.compile(r"^SYN Stealth Scan: (\d+) probes sent \((\d+) send errors\), "
                          r"(\d+) packets captured: (\d+) malformed, (\d+) not ours, "
                          r"(\d+) duplicates$", re.M)


def test_malformed_replies_counted_and_ignored(lab, run_in, programs, malformed_host):
    target = malformed_host.v4
    argv = ["-sS", "-n", "-Pn", "-d", "--max-retries", "1", "-p", "5555,5556,5557", target]
    runs = {name: run_in(lab.scanner, [exe] + argv, timeout=60) for name, exe in programs.items()}
    for run in runs.values():
        assert run.returncode == 0, run.describe()
    got = {name: ports_of(run.stdout) for name, run in runs.items()}
    assert got["cmap"] == got["nmap"], runs["cmap"].stdout
    assert ("5555/tcp", "filtered") in got["cmap"] and ("5556/tcp", "filtered") in got["cmap"]
    assert ("5557/tcp", "closed") in got["cmap"]
    m = DEBUG_COUNTS.search(runs["cmap"].stdout)
    assert m, runs["cmap"].stdout
    # Two ports, each tried twice (--max-retries 1), each try answered with
    # one malformed segment.
    assert int(m.group(4)) == 4, m.group(0)


def test_interface_deleted_mid_scan(lab, programs, tmp_path):
    ns = lab.add_target(VANISHING)
    try:
        results = {}
        for name, exe in programs.items():
            if results:
                # The interface is gone: rebuild the target for the next run.
                lab.remove_target(VANISHING)
                ns = lab.add_target(VANISHING)
            base = tmp_path / name
            argv = ["ip", "netns", "exec", lab.scanner, exe, "-sS", "-n", "-Pn",
                    "--max-rate", "200", "--max-retries", "1", "-p", "1-3000",
                    "-oN", f"{base}.N", "-oX", f"{base}.X", "-oG", f"{base}.G", VANISHING.v4]
            start = time.monotonic()
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
            time.sleep(1.5)
            subprocess.run(["ip", "-n", ns, "link", "del", lab.iface("t", VANISHING)],
                           check=True, timeout=10)
            try:
                out, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                pytest.fail(f"{name} did not end within 30 s of the interface's deletion")
            results[name] = (proc.returncode, out, err, time.monotonic() - start, base)
        c_rc, c_out, c_err, c_secs, base = results["cmap"]
        n_rc, _, n_err, _, _ = results["nmap"]
        assert c_rc == n_rc == 1, c_err
        assert stderr_lines(c_err) == stderr_lines(n_err) == [
            "Error from pcap_next_ex: The interface disappeared"]
        assert c_secs < 15
        # What was found before the deletion is in every output.
        normal = open(f"{base}.N").read()
        assert "Nmap scan report for 198.18.1.22" in normal
        assert re.search(r"\d+ closed tcp ports \(reset\)", normal), normal
        assert "Host: 198.18.1.22 ()\tStatus: Up" in open(f"{base}.G").read()
        xml = open(f"{base}.X").read()
        assert 'exit="error"' in xml and '"closed"' in xml, xml
        if shutil.which("xmllint"):
            v = subprocess.run(["xmllint", "--noout", "--dtdvalid", DTD, f"{base}.X"],
                               capture_output=True, text=True, timeout=30)
            assert v.returncode == 0, v.stderr
    finally:
        lab.remove_target(VANISHING)


# --- --send-eth ----------------------------------------------------------------

ETH_TARGET = labmod.Target("ptreth", 22, ())
# In the scanner's namespace, for this target's address only: the kernel's
# IP output path drops probes to port 7 (which nothing listens on, so the
# target would answer with a reset); frames from a packet socket never
# pass it.
ETH_GUARD = """
table inet ptreth {
    chain output {
        type filter hook output priority 0; policy accept;
        ip daddr %s tcp dport 7 drop
        ip6 daddr %s tcp dport 7 drop
    }
}
"""


@pytest.fixture
def eth_host(lab):
    added = False
    try:
        lab.add_target(ETH_TARGET)
        labmod.run(["ip", "netns", "exec", lab.scanner, "nft", "-f", "-"],
                   stdin=ETH_GUARD % (ETH_TARGET.v4, ETH_TARGET.v6))
        added = True
        yield ETH_TARGET
    finally:
        if added:
            labmod.run(["ip", "netns", "exec", lab.scanner, "nft", "delete", "table", "inet",
                        "ptreth"], check=False)
        lab.remove_target(ETH_TARGET)


@pytest.mark.parametrize("family", ["-4", "-6"])
def test_send_eth_bypasses_ip_output(lab, run_in, programs, eth_host, family):
    target = eth_host.v4 if family == "-4" else eth_host.v6
    base = [family, "-sS", "-n", "-Pn", "--max-retries", "1", "-p", "7,8", target]
    got = {}
    for mode in ("--send-ip", "--send-eth"):
        for name, exe in programs.items():
            run = run_in(lab.scanner, [exe, mode] + base, timeout=60)
            assert run.returncode == 0, run.describe()
            got[(mode, name)] = ports_of(run.stdout)
    for mode in ("--send-ip", "--send-eth"):
        assert got[(mode, "cmap")] == got[(mode, "nmap")], mode
    # Through the IP stack the guard drops port 7's probe; as Ethernet
    # frames it reaches the target, which resets it.
    assert ("7/tcp", "filtered") in got[("--send-ip", "cmap")]
    assert ("7/tcp", "closed") in got[("--send-eth", "cmap")]
    assert ("8/tcp", "closed") in got[("--send-eth", "cmap")]
