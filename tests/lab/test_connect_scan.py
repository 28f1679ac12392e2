# SPDX-License-Identifier: MIT
"""nmap -sT and cmap -sT on the same lab hosts must report the same results.

Each scenario runs both programs once (cached) with -oN, -oX and -oG; the
tests then compare host states, every port's state and reason (folded ports
included), the normal and grepable texts and the interactive stdout.
"""

import pytest

import lab as labmod
import scanout
from labrun import FAST_TIMING, rename, require_success

BASE = ["-sT", "-n", "-Pn"]
PORT_SETS = {
    "p1-1024": ["-p", "1-1024"],
    "p22,80,443,8080": ["-p", "22,80,443,8080"],
    "top100": ["--top-ports", "100"],
}
# Hosts that leave probes unanswered get FAST_TIMING to bound the run time.
SILENT_ROLES = ("filtered", "dark")
TARGETS = {t.role: t for t in labmod.TARGETS}


def scenario(name, options, targets, silent=False):
    opts = list(options) + (FAST_TIMING if silent else [])
    return pytest.param((opts, targets), id=name)


def build_scenarios():
    cases = []
    for role, target in TARGETS.items():
        silent = role in SILENT_ROLES
        for set_name, ports in PORT_SETS.items():
            cases.append(scenario(f"{role}-{set_name}", BASE + ports, [target.v4], silent))
        cases.append(scenario(f"{role}-reason", BASE + ["-p", "1-1024", "--reason"], [target.v4],
                              silent))
        cases.append(scenario(f"{role}-open-reason",
                              BASE + ["-p", "1-1024", "--open", "--reason"], [target.v4], silent))
    for role in ("open", "reject"):
        cases.append(scenario(f"{role}-allports-T4", BASE + ["-p-", "-T4"], [TARGETS[role].v4]))
    cases += [
        scenario("cidr30", BASE + ["-p", "22,80,443,8080", "--reason"], ["198.18.1.0/30"], True),
        scenario("cidr29-top20", BASE + ["--top-ports", "20"], ["198.18.1.0/29"], True),
        scenario("two-targets", BASE + ["-p", "1-1024"],
                 [TARGETS["reject"].v4, TARGETS["open"].v4]),
        scenario("localhost", BASE + ["-p", "20-25,80,631", "--reason"], ["localhost"]),
        scenario("list-scan", ["-sL", "-n"], ["198.18.1.0/24"]),
        # -v progress lines (stdout) and <taskbegin>/<taskend> (XML); cmap's
        # resolver is the system's, so nmap runs with --system-dns here.
        scenario("verbose", ["-sT", "-Pn", "--system-dns", "-v", "-p", "1-1024"],
                 [TARGETS["open"].v4]),
        scenario("verbose2-two-hosts", BASE + ["-vv", "-p", "20-30,80"],
                 [TARGETS["reject"].v4, TARGETS["open"].v4]),
    ]
    return cases


SCENARIOS = build_scenarios()


@pytest.fixture(params=SCENARIOS)
def pair(request, scan_both):
    options, targets = request.param
    runs = scan_both(options, targets)
    require_success(runs)
    return runs


def test_xml_hosts_and_ports(pair):
    nmap = scanout.xml_hosts(pair["nmap"].files["X"])
    cmap = scanout.xml_hosts(pair["cmap"].files["X"])
    assert list(cmap) == list(nmap), "hosts differ (or their order)"
    for addr, expected in nmap.items():
        got = cmap[addr]
        assert (got.state, got.reason) == (expected.state, expected.reason), addr
        assert got.hostnames == expected.hostnames, addr
        assert sorted(got.ports - expected.ports) == [], f"{addr}: extra in cmap"
        assert sorted(expected.ports - got.ports) == [], f"{addr}: missing in cmap"
        assert got.folded_counts == expected.folded_counts, addr


def test_xml_run_summary(pair):
    assert scanout.xml_run_summary(pair["cmap"].files["X"]) == scanout.xml_run_summary(
        pair["nmap"].files["X"])


def test_xml_service_names(pair):
    nmap = scanout.xml_port_services(pair["nmap"].files["X"])
    cmap = scanout.xml_port_services(pair["cmap"].files["X"])
    assert cmap == nmap


def test_normal_output(pair):
    nmap, cmap = pair["nmap"].files["N"], pair["cmap"].files["N"]
    assert scanout.report_lines(cmap) == scanout.report_lines(nmap)
    assert scanout.not_shown_lines(cmap) == scanout.not_shown_lines(nmap)
    assert scanout.port_table(cmap) == scanout.port_table(nmap)
    assert scanout.normal_body(cmap) == scanout.normal_body(nmap)


def test_grepable_output(pair):
    nmap, cmap = pair["nmap"].files["G"], pair["cmap"].files["G"]
    assert scanout.grepable_lines(cmap) == scanout.grepable_lines(nmap)


def test_interactive_stdout(pair):
    assert scanout.interactive_body(pair["cmap"].stdout) == scanout.interactive_body(
        pair["nmap"].stdout)


def test_stderr(pair):
    # Also catches sanitizer reports, which do not change the exit status.
    assert pair["cmap"].stderr == rename(pair["nmap"].stderr)


def test_list_scan_names_every_address(scan_both):
    runs = scan_both(["-sL", "-n"], ["198.18.1.0/24"])
    require_success(runs)
    expected = [f"Nmap scan report for 198.18.1.{i}" for i in range(256)]
    assert scanout.report_lines(runs["nmap"].stdout) == expected
    assert scanout.report_lines(runs["cmap"].stdout) == expected


# The lab itself: if it were miswired (say, every host unreachable), nmap and
# cmap could agree on nonsense. nmap alone checks the designed behaviour.
LAB_EXPECTATIONS = [
    ("open", 22, "open", "syn-ack"),
    ("open", 31337, "open", "syn-ack"),
    ("open", 23, "closed", "conn-refused"),
    ("filtered", 80, "open", "syn-ack"),
    ("filtered", 443, "filtered", "no-response"),
    ("reject", 113, "closed", "conn-refused"),
    ("reject", 443, "filtered", "host-unreach"),
    ("reject", 8080, "filtered", "host-unreach"),
    ("reject", 110, "filtered", "net-unreach"),
    ("dark", 22, "filtered", "no-response"),
]


def test_lab_behaves_as_designed(lab, run_in):
    for role in TARGETS:
        ports = sorted({p for r, p, _, _ in LAB_EXPECTATIONS if r == role})
        argv = ["nmap", "-oX", "-"] + BASE + FAST_TIMING + ["-p", ",".join(map(str, ports))]
        run = run_in(lab.scanner, argv + [TARGETS[role].v4])
        assert run.returncode == 0, run.describe()
        found = scanout.xml_hosts(run.stdout)[TARGETS[role].v4].ports
        for r, port, state, reason in LAB_EXPECTATIONS:
            if r == role:
                assert ("tcp", port, state, reason) in found, (role, port)
