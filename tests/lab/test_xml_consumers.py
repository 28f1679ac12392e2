# SPDX-License-Identifier: MIT
"""Existing consumers of nmap's XML must accept cmap's XML unchanged:
the DTD (xmllint), Debian's ndiff, and python3-nmap."""

import re

import nmap as python_nmap
import pytest

import lab as labmod
import scanout
from labrun import FAST_TIMING, require_success

DTD = "/usr/share/nmap/nmap.dtd"
BASE = ["-sT", "-n", "-Pn"]
TARGETS = {t.role: t for t in labmod.TARGETS}
SCENARIOS = [
    pytest.param((BASE + ["-p", "1-1024"], [TARGETS["open"].v4]), id="open"),
    pytest.param((BASE + ["-p", "1-1024", "--reason"] + FAST_TIMING, [TARGETS["filtered"].v4]),
                 id="filtered"),
    pytest.param((BASE + ["-p", "1-1024"], [TARGETS["reject"].v4]), id="reject"),
    pytest.param((BASE + ["--top-ports", "100"] + FAST_TIMING, [TARGETS["dark"].v4]), id="dark"),
    pytest.param((BASE + ["-p", "22,80,443,8080"] + FAST_TIMING, ["198.18.1.0/30"]), id="cidr30"),
    pytest.param((BASE + ["-p", "20-25,80,631"], ["localhost"]), id="localhost"),
    pytest.param((["-sL", "-n"], ["198.18.1.0/29"]), id="list-scan"),
]
NDIFF_HEADER = re.compile(r"^[-+ ]?Nmap \S+ scan initiated .* as: ")


@pytest.fixture(params=SCENARIOS)
def scenario(request, scan_both):
    options, targets = request.param
    runs = scan_both(options, targets, formats="X")
    require_success(runs)
    return options, targets, runs


def xml_path(run):
    return run.argv[run.argv.index("-oX") + 1]


def test_cmap_xml_is_valid_against_nmap_dtd(lab, run_in, scenario):
    _, _, runs = scenario
    for name in ("nmap", "cmap"):
        check = run_in(lab.scanner, ["xmllint", "--noout", "--dtdvalid", DTD, xml_path(runs[name])],
                       timeout=30)
        assert check.returncode == 0, f"{name}'s XML is not valid:\n{check.describe()}"


def test_ndiff_cmap_against_cmap(lab, run_in, cmap_bin, scenario, tmp_path):
    options, targets, runs = scenario
    second = tmp_path / "second.xml"
    rerun = run_in(lab.scanner, [cmap_bin] + options + ["-oX", second] + targets)
    assert rerun.returncode == 0, rerun.describe()
    diff = run_in(lab.scanner, ["ndiff", xml_path(runs["cmap"]), second], timeout=30)
    assert diff.returncode == 0, f"ndiff found differences:\n{diff.describe()}"
    assert all(NDIFF_HEADER.match(line) for line in diff.stdout.splitlines() if line), diff.stdout


def test_ndiff_cmap_against_nmap(lab, run_in, scenario):
    _, _, runs = scenario
    diff = run_in(lab.scanner, ["ndiff", xml_path(runs["nmap"]), xml_path(runs["cmap"])],
                  timeout=30)
    assert diff.returncode == 0, f"ndiff found differences:\n{diff.describe()}"
    extra = [line for line in diff.stdout.splitlines() if line and not NDIFF_HEADER.match(line)]
    assert extra == [], diff.stdout


def port_states(xml_text):
    """What python3-nmap makes of a document: host -> status and port states."""
    parsed = python_nmap.PortScanner().analyse_nmap_xml_scan(xml_text)
    result = {}
    for addr, host in parsed["scan"].items():
        ports = {(proto, port, info["state"], info["reason"])
                 for proto in ("tcp", "udp", "sctp", "ip") if proto in host
                 for port, info in host[proto].items()}
        result[addr] = (host["status"]["state"], host["status"]["reason"], ports)
    return result


def test_python_nmap_reads_cmap_xml(scenario):
    _, _, runs = scenario
    expected = port_states(runs["nmap"].files["X"])
    got = port_states(runs["cmap"].files["X"])
    assert got == expected
    # python3-nmap must see the hosts our own parser sees.
    assert set(got) == set(scanout.xml_hosts(runs["cmap"].files["X"]))
