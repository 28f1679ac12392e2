# SPDX-License-Identifier: MIT
"""Parallel reverse DNS: nmap and cmap ask the same DNS server in the lab.

dnsmasq runs in the scanner's namespace on its lab address 198.18.0.1:53
(the targets' port 53 belongs to the UDP scan tests' listeners) with PTR
records for some lab hosts: a plain one, one reached through a CNAME
(RFC 2317 style), none for the "reject" host (NXDOMAIN, since dnsmasq is
local for the lab's reverse zones), and one for an IPv6 address. The
"dark" host (198.18.1.5) drops everything, so as a DNS server it never
answers. Both programs run in the scanner namespace with the same
arguments; the host names in normal output and in XML <hostnames> (type
PTR) must be the same, and a silent server must cost bounded time.
"""

import os
import re
import shutil
import socket
import struct
import subprocess
import time

import pytest

import lab as labmod
import labrun
import scanout
from labrun import FAST_TIMING, require_success, run_in

T = {t.role: t for t in labmod.TARGETS}
SERVER = labmod.SCANNER_V4
SILENT_SERVER = T["dark"].v4
NAMES = {
    T["open"].v4: "open.lab.test",
    T["filtered"].v4: "filtered.lab.test",
    T["dark"].v4: "dark.lab.test",  # through a CNAME
    T["open"].v6: "open6.lab.test",
}
HOSTS_V4 = [T[r].v4 for r in ("open", "filtered", "reject", "dark")]
SCAN = ["-sT", "-Pn", "-p", "22"] + FAST_TIMING
DNSMASQ_READY_TIMEOUT = 10
# nmap gives a query 13 s with one server (tries at 4, 4 and 5 s).
SILENT_BOUND = 30


def reverse_v4(addr):
    return ".".join(reversed(addr.split("."))) + ".in-addr.arpa"


def reverse_v6(addr):
    nibbles = socket.inet_pton(socket.AF_INET6, addr).hex()
    return ".".join(reversed(nibbles)) + ".ip6.arpa"


def dnsmasq_argv():
    dark = T["dark"].v4
    delegated = f"{dark.split('.')[-1]}.0-24.1.18.198.in-addr.arpa"
    return [
        shutil.which("dnsmasq") or "/usr/sbin/dnsmasq", "--no-daemon", "--conf-file=/dev/null",
        "--no-resolv", "--no-hosts", "--port=53", f"--listen-address={SERVER}",
        "--bind-interfaces", "--local=/18.198.in-addr.arpa/", "--local=/ip6.arpa/",
        f"--ptr-record={reverse_v4(T['open'].v4)},open.lab.test",
        f"--ptr-record={reverse_v4(T['filtered'].v4)},filtered.lab.test",
        f"--ptr-record={delegated},dark.lab.test",
        f"--cname={reverse_v4(dark)},{delegated}",
        f"--ptr-record={reverse_v6(T['open'].v6)},open6.lab.test",
    ]


def query_ok(lab, name):
    """One PTR query from the scanner namespace; True on any answer."""
    probe = ("import socket,struct,sys\n"
             "n=b''.join(bytes([len(l)])+l.encode() for l in sys.argv[2].split('.'))+b'\\0'\n"
             "q=struct.pack('>6H',7,256,1,0,0,0)+n+struct.pack('>HH',12,1)\n"
             "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(0.5)\n"
             "s.sendto(q,(sys.argv[1],53))\n"
             "try:\n  s.recv(512)\nexcept OSError:\n  sys.exit(1)\n")
    proc = subprocess.run(["ip", "netns", "exec", lab.scanner, labmod.PYTHON, "-c", probe,
                           SERVER, name], capture_output=True, timeout=5)
    return proc.returncode == 0


@pytest.fixture(scope="module")
def dnsmasq(lab):
    argv = ["ip", "netns", "exec", lab.scanner] + dnsmasq_argv()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + DNSMASQ_READY_TIMEOUT
        while not query_ok(lab, reverse_v4(T["open"].v4)):
            if proc.poll() is not None:
                pytest.fail(f"dnsmasq exited: {proc.stderr.read()}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail("dnsmasq did not answer in time", pytrace=False)
            time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def report_names(stdout):
    """{address: name or None} from "Nmap scan report for" lines."""
    names = {}
    for m in re.finditer(r"^Nmap scan report for (?:(\S+) \(([^)]+)\)|(\S+))$", stdout, re.M):
        if m.group(3):
            names[m.group(3)] = None
        else:
            names[m.group(2)] = m.group(1)
    return names


def xml_names(text):
    return {addr: h.hostnames for addr, h in scanout.xml_hosts(text).items()}


def scan_pair(scan_both, options, targets):
    # The two programs only ask dnsmasq (or wait on a silent server): no
    # reason to run them one after the other.
    runs = scan_both(options, targets, "NX", parallel=True)
    require_success(runs)
    return runs


def expected(targets, names=NAMES):
    return {a: names.get(a) for a in targets}


def test_names_match_nmap(dnsmasq, scan_both):
    runs = scan_pair(scan_both, ["--dns-servers", SERVER] + SCAN, HOSTS_V4)
    want = expected(HOSTS_V4)
    for name, run in runs.items():
        assert report_names(run.files["N"]) == want, f"{name}:\n{run.describe()}"
        assert report_names(run.stdout) == want, f"{name}:\n{run.describe()}"
    assert xml_names(runs["cmap"].files["X"]) == xml_names(runs["nmap"].files["X"])
    assert xml_names(runs["cmap"].files["X"])[T["open"].v4] == (("open.lab.test", "PTR"),)
    assert xml_names(runs["cmap"].files["X"])[T["reject"].v4] == ()


def test_ipv6_names_match_nmap(dnsmasq, scan_both):
    targets = [T["open"].v6, T["reject"].v6]
    runs = scan_pair(scan_both, ["-6", "--dns-servers", SERVER] + SCAN, targets)
    for name, run in runs.items():
        assert report_names(run.files["N"]) == expected(targets), f"{name}:\n{run.describe()}"
    assert xml_names(runs["cmap"].files["X"]) == xml_names(runs["nmap"].files["X"])


def test_verbose_task_lines(dnsmasq, scan_both):
    runs = scan_pair(scan_both, ["-v", "--dns-servers", SERVER] + SCAN, HOSTS_V4)
    pattern = re.compile(r"^(Initiating|Completed) Parallel DNS resolution of 4 hosts\. at "
                         r"\d\d:\d\d(, \d+\.\d\ds elapsed)?$", re.M)
    for name, run in runs.items():
        lines = [m.group(1) for m in pattern.finditer(run.stdout)]
        assert lines == ["Initiating", "Completed"], f"{name}:\n{run.describe()}"


def timed(lab, argv):
    began = time.monotonic()
    run = run_in(lab.scanner, argv, timeout=SILENT_BOUND + 30)
    return run, time.monotonic() - began


def test_silent_server_bounded(dnsmasq, lab, programs):
    argv = ["--dns-servers", SILENT_SERVER, "-sL"]
    targets = [T["open"].v4, T["filtered"].v4]
    # Both wait on silence, so they can wait at the same time.
    results = labrun.run_parallel(
        {name: (lambda exe=exe: timed(lab, [exe] + argv + targets))
         for name, exe in programs.items()})
    for name, (run, secs) in results.items():
        assert run.returncode == 0, run.describe()
        assert report_names(run.stdout) == expected(targets, {}), run.describe()
        assert secs < SILENT_BOUND, f"{name} took {secs:.1f}s"
    # Both wait out every try (13 s); cmap must not be slower.
    assert results["cmap"][1] <= results["nmap"][1] + 2
    assert results["cmap"][1] >= 12, "cmap gave up before the tries were used"


def test_failover_to_second_server(dnsmasq, scan_both):
    # Two servers: the second host's query goes to the silent one first,
    # then after 2.5 + 4 s to dnsmasq, in both programs.
    runs = scan_pair(scan_both, ["--dns-servers", f"{SILENT_SERVER},{SERVER}", "-sL"],
                     HOSTS_V4)
    want = expected(HOSTS_V4)
    for name, run in runs.items():
        assert report_names(run.files["N"]) == want, f"{name}:\n{run.describe()}"
    assert xml_names(runs["cmap"].files["X"]) == xml_names(runs["nmap"].files["X"])


@pytest.fixture
def netns_etc(lab):
    """/etc/netns/<scanner>/{resolv.conf,hosts}, which `ip netns exec`
    mounts over /etc/ for the scanner namespace; removed afterwards."""
    made_parent = not os.path.isdir("/etc/netns")
    path = f"/etc/netns/{lab.scanner}"
    os.makedirs(path)
    try:
        yield path
    finally:
        for f in ("resolv.conf", "hosts"):
            if os.path.exists(os.path.join(path, f)):
                os.unlink(os.path.join(path, f))
        os.rmdir(path)
        if made_parent:
            os.rmdir("/etc/netns")


def test_resolv_conf_and_hosts_file(dnsmasq, netns_etc, scan_both):
    with open(os.path.join(netns_etc, "resolv.conf"), "w", encoding="ascii") as f:
        f.write(f"# lab\nsearch lab.test\nnameserver {SERVER}\n")
    with open(os.path.join(netns_etc, "hosts"), "w", encoding="ascii") as f:
        f.write("127.0.0.1 localhost\n"
                f"{T['filtered'].v4} from-hosts.lab.test alias\n"
                f"{T['filtered'].v4} second-line.lab.test\n")
    runs = scan_pair(scan_both, ["-v", "-sL"], HOSTS_V4)
    want = expected(HOSTS_V4, dict(NAMES, **{T["filtered"].v4: "from-hosts.lab.test"}))
    for name, run in runs.items():
        assert report_names(run.files["N"]) == want, f"{name}:\n{run.describe()}"
        # The address from the hosts file is not queried, nor counted.
        assert "Parallel DNS resolution of 3 hosts." in run.stdout, run.describe()
    assert xml_names(runs["cmap"].files["X"]) == xml_names(runs["nmap"].files["X"])
