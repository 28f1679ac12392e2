# SPDX-License-Identifier: MIT
"""SIGINT / SIGTERM in the middle of a scan: the run stops with 128+signal,
every output file is complete and valid, and every host that finished before
the signal is in all of them with its results."""

import re
import signal
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

from faultns import assert_no_crash

OPEN_PORT = 111
# Eight hosts, one per group, about 0.6 s each: the scan takes ~5 s unless
# interrupted, and hosts finish one by one in address order.
SCAN = ["-sT", "-n", "-p", "1-120", "--scan-delay", "5ms", "--max-hostgroup", "1",
        "127.0.0.0/29"]


@pytest.fixture(scope="module")
def listening(netns):
    netns.listen([OPEN_PORT])
    return netns


def grepable_hosts_done(path):
    """Hosts whose "Ports:" line is already in the grepable file."""
    try:
        with open(path, errors="replace") as f:
            text = f.read()
    except FileNotFoundError:
        return []
    return re.findall(r"^Host: (\S+) \(.*\)\tPorts: ", text, re.M)


def interrupt_after_hosts(ns, cmap, outputs, sig, hosts_wanted=2, limit=8.0):
    """Start the scan, wait until hosts_wanted hosts are written, send sig.
    Returns (completed process, hosts finished before the signal)."""
    proc = ns.popen([cmap, *SCAN, "-oN", outputs["N"], "-oX", outputs["X"],
                     "-oG", outputs["G"]])
    try:
        deadline = time.monotonic() + limit
        done = []
        while time.monotonic() < deadline and proc.poll() is None:
            done = grepable_hosts_done(outputs["G"])
            if len(done) >= hosts_wanted:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the scan ended before it could be interrupted"
        assert len(done) >= hosts_wanted, f"only {done} finished in {limit} s"
        done = grepable_hosts_done(outputs["G"])
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), done


def xml_hosts(path):
    """{address: {port: state}} from an XML file."""
    hosts = {}
    for host in ET.parse(path).getroot().iter("host"):
        addr = host.find("address").get("addr")
        hosts[addr] = {int(p.get("portid")): p.find("state").get("state")
                       for p in host.iter("port")}
    return hosts


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_keeps_finished_hosts(listening, cmap_bin, xml_valid, tmp_path, sig):
    outputs = {k: str(tmp_path / f"scan.{k}") for k in "NXG"}
    res, done = interrupt_after_hosts(listening, cmap_bin, outputs, sig)
    assert_no_crash(res)
    assert res.returncode == 128 + sig, res.stderr

    for path in outputs.values():
        with open(path, errors="replace") as f:
            assert f.read().strip(), f"{path} is empty"
    ok, msg = xml_valid(outputs["X"])
    assert ok, msg

    xml = xml_hosts(outputs["X"])
    assert len(xml) < 8, "the signal did not stop the scan"
    assert done and set(done) <= set(xml)
    # 127.0.0.1 is up in the namespace with one listener; the others refuse.
    for addr in done:
        want_open = {OPEN_PORT} if addr == "127.0.0.1" else set()
        assert {p for p, s in xml[addr].items() if s == "open"} == want_open

    with open(outputs["N"]) as f:
        normal = f.read()
    with open(outputs["G"]) as f:
        grepable = f.read()
    for addr in done:
        assert f"Nmap scan report for {addr}\n" in normal
        assert re.search(rf"^Host: {re.escape(addr)} \(\)\tPorts: ", grepable, re.M)
    if "127.0.0.1" in done:
        assert f"{OPEN_PORT}/tcp open" in normal
        assert f"{OPEN_PORT}/open/tcp//" in grepable
