# SPDX-License-Identifier: MIT
"""More consumers of nmap's XML, each used as its users use it:
xsltproc with nmap.xsl on a multi-host scan, ndiff on two scans between
which a port really changed, and python3-nmap's whole per-port view
(service names included) of a multi-host scan."""

import contextlib
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import nmap as python_nmap
import pytest

import lab as labmod
import scanout
from labrun import FAST_TIMING, require_success, scan_one

XSL = "/usr/share/nmap/nmap.xsl"
TARGETS = {t.role: t for t in labmod.TARGETS}
# Open, closed (RST and ICMP rejections) and filtered ports on the four hosts.
PORTS = "21,22,25,80,110,113,443,3306,8080,31337"
MULTI_HOST = [
    pytest.param((["-sT", "-n", "-Pn", "--reason", "-p", PORTS] + FAST_TIMING,
                  [t.v4 for t in labmod.TARGETS]), id="ipv4"),
    pytest.param((["-6", "-sT", "-n", "-Pn", "--reason", "-p", PORTS] + FAST_TIMING,
                  [t.v6 for t in labmod.TARGETS]), id="ipv6"),
]
NDIFF_HEADER = re.compile(r"^[-+ ]?Nmap \S+ scan initiated .* as: ")
# A port that nothing listens on in the lab until the ndiff test opens it.
CHANGING_PORT = 5555


@pytest.fixture(params=MULTI_HOST)
def multi_host(request, scan_both):
    options, targets = request.param
    runs = scan_both(options, targets, formats="X")
    require_success(runs)
    return targets, runs


def xml_path(run):
    return run.argv[run.argv.index("-oX") + 1]


def open_rows(html_text, address):
    """(port, protocol) of nmap.xsl's "open" rows in the table of address."""
    start = html_text.index(f'id="porttable_{address}"')
    table = html_text[start:html_text.index("</table>", start)]
    return {(int(port), proto) for port, proto in
            re.findall(r'<tr class="open">\s*<td>(\d+)</td>\s*<td>(\w+)</td>', table)}


def test_xsltproc_report_lists_every_open_port(lab, run_in, multi_host, tmp_path):
    targets, runs = multi_host
    html_path = tmp_path / "report.html"
    result = run_in(lab.scanner, ["xsltproc", "-o", html_path, XSL, xml_path(runs["cmap"])],
                    timeout=30)
    assert result.returncode == 0, result.describe()
    html_text = html_path.read_text(encoding="utf-8")
    # What should be open comes from nmap's own scan of the same hosts.
    expected = scanout.xml_hosts(runs["nmap"].files["X"])
    assert set(expected) == set(targets)
    open_seen = 0
    for address, host in expected.items():
        want = {(port, proto) for proto, port, state, _ in host.ports if state == "open"}
        assert open_rows(html_text, address) == want, address
        open_seen += len(want)
    assert open_seen > 0


@contextlib.contextmanager
def listener(ns, port):
    """A TCP listener on port in namespace ns, for the length of a block."""
    argv = ["ip", "netns", "exec", ns, labmod.PYTHON, os.path.join(labmod.HERE, "listeners.py"),
            "--addr", "0.0.0.0", "--addr", "::", "--port", str(port)]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        labmod.wait_ready(proc, ns)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=labmod.LISTENER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=labmod.LISTENER_STOP_TIMEOUT)


@pytest.fixture(scope="module")
def port_change(lab, programs, tmp_path_factory):
    """Each program scans twice; between the scans a port of the open host
    starts listening. Returns {name: (before xml, after xml)}."""
    outdir = tmp_path_factory.mktemp("ndiff")
    options = ["-sT", "-n", "-Pn", "-p", f"22,80,{CHANGING_PORT}"]
    targets = [TARGETS["open"].v4, TARGETS["filtered"].v4]

    def scan_all(when):
        runs = {name: scan_one(lab.scanner, exe, outdir / f"{name}-{when}", options, targets,
                               "X", 120)
                for name, exe in programs.items()}
        require_success(runs)
        return {name: xml_path(run) for name, run in runs.items()}

    before = scan_all("before")
    with listener(lab.ns("open"), CHANGING_PORT):
        after = scan_all("after")
    return {name: (before[name], after[name]) for name in programs}


def ndiff(run_in, ns, before, after, *extra):
    result = run_in(ns, ["ndiff"] + list(extra) + [before, after], timeout=30)
    # ndiff exits 1 when the scans differ, 0 when they do not.
    assert result.returncode == 1, f"ndiff saw no difference or failed:\n{result.describe()}"
    return result.stdout


def ndiff_body(text):
    return [line for line in text.splitlines() if line and not NDIFF_HEADER.match(line)]


def test_ndiff_reports_exactly_the_port_that_changed(lab, run_in, port_change):
    body = ndiff_body(ndiff(run_in, lab.scanner, *port_change["cmap"]))
    changed = [line.split() for line in body if line[0] in "+-"]
    assert changed == [["-5555/tcp", "closed", "freeciv"], ["+5555/tcp", "open", "freeciv"]], \
        "\n".join(body)
    hosts = [line.strip() for line in body if line.strip().endswith(":")]
    assert hosts == [f"{TARGETS['open'].v4}:"], "\n".join(body)


def test_ndiff_of_cmap_scans_reads_as_nmaps(lab, run_in, port_change):
    cmap = ndiff_body(ndiff(run_in, lab.scanner, *port_change["cmap"]))
    nmap = ndiff_body(ndiff(run_in, lab.scanner, *port_change["nmap"]))
    assert cmap == nmap


def test_ndiff_xml_names_the_changed_port(lab, run_in, port_change):
    root = ET.fromstring(ndiff(run_in, lab.scanner, *port_change["cmap"], "--xml"))
    portdiffs = root.findall(".//portdiff")
    assert len(portdiffs) == 1, ET.tostring(root, encoding="unicode")
    diff = portdiffs[0]
    assert diff.find("a/port").get("portid") == str(CHANGING_PORT)
    assert diff.find("a/port/state").get("state") == "closed"
    assert diff.find("b/port/state").get("state") == "open"
    host = root.find(".//hostdiff//address")
    assert host.get("addr") == TARGETS["open"].v4


PORT_FIELDS = ("state", "reason", "name", "product", "version", "extrainfo", "conf", "cpe")


def python_nmap_view(xml_text):
    """Everything python3-nmap reports per host and port, and the totals."""
    parsed = python_nmap.PortScanner().analyse_nmap_xml_scan(xml_text)
    hosts = {}
    for addr, host in parsed["scan"].items():
        ports = {(proto, port): tuple(info.get(f) for f in PORT_FIELDS)
                 for proto in ("tcp", "udp", "sctp", "ip") if proto in host
                 for port, info in host[proto].items()}
        hosts[addr] = (host["status"], host["addresses"], host["hostnames"], host["vendor"],
                       ports)
    stats = parsed["nmap"]["scanstats"]
    totals = (stats["uphosts"], stats["downhosts"], stats["totalhosts"])
    return hosts, totals, parsed["nmap"]["scaninfo"]


def test_python_nmap_sees_the_same_multi_host_scan(multi_host):
    targets, runs = multi_host
    hosts, totals, scaninfo = python_nmap_view(runs["cmap"].files["X"])
    nmap_hosts, nmap_totals, nmap_scaninfo = python_nmap_view(runs["nmap"].files["X"])
    assert set(hosts) == set(targets)
    assert hosts == nmap_hosts
    assert totals == nmap_totals == (str(len(targets)), "0", str(len(targets)))
    assert scaninfo == nmap_scaninfo
    states = {info[0] for _, _, _, _, ports in hosts.values() for info in ports.values()}
    assert {"open", "closed", "filtered"} <= states
    names = {info[2] for _, _, _, _, ports in hosts.values() for info in ports.values()}
    assert {"ssh", "http", "mysql"} <= names
