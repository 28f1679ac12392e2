# SPDX-License-Identifier: MIT
"""A low RLIMIT_NOFILE: the connect scan must still find the same port
states as with the normal limit, or stop with a clear message; it must never
crash or hang."""

import subprocess
import xml.etree.ElementTree as ET

import pytest

from faultns import assert_no_crash

OPEN_PORTS = [22, 80, 443, 631, 999]
SCAN = ["-sT", "-n", "-p", "1-1000", "127.0.0.1"]


@pytest.fixture(scope="module")
def listening(netns):
    netns.listen(OPEN_PORTS)
    return netns


def port_states(path):
    root = ET.parse(path).getroot()
    return {int(p.get("portid")): p.find("state").get("state") for p in root.iter("port")}


def scan(ns, cmap, xml_path, nofile=None):
    # prlimit applies the limit to cmap alone, not to "ip netns exec". The
    # unlimited scan takes well under a second: 20 s means it is stuck.
    limit = ["prlimit", f"--nofile={nofile}:{nofile}"] if nofile else []
    try:
        return ns.run([*limit, cmap, *SCAN, "-oX", str(xml_path)], timeout=20)
    except subprocess.TimeoutExpired:
        pass
    pytest.fail(f"cmap hung with RLIMIT_NOFILE={nofile} (no exit within 20 s)", pytrace=False)


@pytest.fixture(scope="module")
def baseline(listening, cmap_bin, tmp_path_factory):
    path = tmp_path_factory.mktemp("fdlimit") / "base.xml"
    res = scan(listening, cmap_bin, path)
    assert_no_crash(res)
    assert res.returncode == 0, res.stderr
    states = port_states(path)
    # The XML lists only what is not in the ignored (closed) majority.
    assert {p for p, s in states.items() if s == "open"} == set(OPEN_PORTS)
    return states


@pytest.mark.parametrize("nofile", [64, 32, 16])
def test_low_fd_limit_same_results(listening, cmap_bin, baseline, tmp_path, nofile):
    path = tmp_path / "low.xml"
    res = scan(listening, cmap_bin, path, nofile)
    assert_no_crash(res)
    if res.returncode == 0:
        assert port_states(path) == baseline
        assert "Nmap done: 1 IP address (1 host up)" in res.stdout
    else:
        # Failing is acceptable only with a message that says why.
        assert res.returncode == 1, res.stderr
        assert res.stderr.strip(), "non-zero exit without a message"


@pytest.mark.parametrize("nofile", [5, 4])
def test_starved_fd_limit_fails_cleanly(listening, cmap_bin, tmp_path, nofile):
    # stdin, stdout and stderr plus one or two descriptors: not even the
    # output file and a socket fit at the same time.
    path = tmp_path / "starved.xml"
    res = scan(listening, cmap_bin, path, nofile)
    assert_no_crash(res)
    if res.returncode == 0:
        assert {p for p, s in port_states(path).items() if s == "open"} == set(OPEN_PORTS)
    else:
        assert res.returncode == 1
        assert res.stderr.strip(), "non-zero exit without a message"
