# SPDX-License-Identifier: MIT
"""--resume: a scan interrupted with SIGINT at several points, then resumed
from each of its output formats, must end with exactly the results of a
scan that was never interrupted: every host once, every port's state and
reason, and the XML one valid document.

Three lab hosts, 20000 ports each, paced by --max-rate to about six
seconds, in groups of two: at 1 s and 3 s both hosts of the first group are
half-scanned (cmap's partial-host records, resumed for their remaining ports
only); at 5 s the first group is finished and skipped (nmap's rule) and the
last host is half-scanned.
"""

import os
import re
import shutil
import signal
import subprocess
import time

import pytest

import lab as labmod
import scanout
from labrun import FAST_TIMING

DTD = "/usr/share/nmap/nmap.dtd"
ROLES = ("open", "filtered", "reject")
TARGETS = [t.v4 for t in labmod.TARGETS if t.role in ROLES]
PORTS = 20000
OPTIONS = (["-v", "-sT", "-n", "-Pn", "-p", f"1-{PORTS}", "--max-rate", "10000",
            "--max-hostgroup", "2"] + FAST_TIMING)
FILES = {"N": "r.nmap", "X": "r.xml", "G": "r.gnmap"}
OUTPUTS = ["-oN", FILES["N"], "-oX", FILES["X"], "-oG", FILES["G"]]
DELAYS = (1.0, 3.0, 5.0)
RUN_TIMEOUT = 60
PARTIAL = "# cmap partial host "
SCANNING = re.compile(r"^Scanning .*\[(\d+) ports", re.M)


def start(ns, argv, cwd):
    return subprocess.Popen(["ip", "netns", "exec", ns] + [str(a) for a in argv], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors="replace")


def finish(proc):
    try:
        out, err = proc.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"timed out after {RUN_TIMEOUT}s: {' '.join(proc.args)}", pytrace=False)
    # A sanitizer build reports undefined behaviour without failing the run.
    assert "runtime error" not in err and "Sanitizer" not in err, err
    return proc.returncode, out, err


def read(directory, fmt):
    with open(os.path.join(directory, FILES[fmt]), encoding="utf-8", errors="replace") as f:
        return f.read()


def blocks(lines, starts):
    """Lines grouped per host: a block starts at a line with `starts`."""
    found, current = [], None
    for line in lines:
        if line.startswith(starts):
            current = [line]
            found.append(current)
        elif current is not None and line.strip():
            current.append(line)
        else:
            current = None
    return found


def normal_hosts(text):
    """{address: report lines}; a host reported twice fails."""
    hosts = {}
    for block in blocks(scanout.normal_body(text), "Nmap scan report for "):
        if block[-1].startswith("Read data files from"):
            block = block[:-1]
        addr = block[0].split()[-1].strip("()")
        assert addr not in hosts, f"{addr} reported twice in the normal output"
        hosts[addr] = block
    return hosts


def grepable_hosts(text):
    hosts = {}
    for line in scanout.grepable_lines(text):
        addr = line.split()[1]
        hosts.setdefault(addr, []).append(line)
    for addr, lines in hosts.items():
        assert len(lines) == len(set(lines)), f"{addr} reported twice in the grepable output"
    return hosts


def xml_hosts(text):
    root = scanout.parse_xml(text)
    addrs = [scanout.host_address(h) for h in root.findall("host")]
    assert len(addrs) == len(set(addrs)), f"a host reported twice in the XML: {addrs}"
    return {addr: (r.state, r.reason, r.ports, r.folded_counts)
            for addr, r in scanout.xml_hosts(text).items()}


def results(directory):
    """Every format's per-host results; the XML must be valid against the DTD."""
    path = os.path.join(directory, FILES["X"])
    check = subprocess.run(["xmllint", "--noout", "--dtdvalid", DTD, path], capture_output=True,
                           text=True, timeout=30)
    assert check.returncode == 0, f"invalid XML after resuming:\n{check.stderr}"
    return {"N": normal_hosts(read(directory, "N")), "G": grepable_hosts(read(directory, "G")),
            "X": xml_hosts(read(directory, "X"))}


@pytest.fixture(scope="module")
def reference(lab, cmap_bin, tmp_path_factory):
    directory = tmp_path_factory.mktemp("resume-reference")
    rc, out, err = finish(start(lab.scanner, [cmap_bin] + OPTIONS + OUTPUTS + TARGETS, directory))
    assert rc == 0, f"uninterrupted scan failed ({rc}):\n{err}{out}"
    found = results(directory)
    assert sorted(found["X"]) == sorted(TARGETS)
    return found


@pytest.fixture(scope="module", params=DELAYS, ids=lambda d: f"sigint-{d:g}s")
def interrupted(request, lab, cmap_bin, tmp_path_factory):
    directory = tmp_path_factory.mktemp(f"resume-{request.param:g}s")
    proc = start(lab.scanner, [cmap_bin] + OPTIONS + OUTPUTS + TARGETS, directory)
    time.sleep(request.param)
    proc.send_signal(signal.SIGINT)
    rc, out, err = finish(proc)
    assert rc == 128 + signal.SIGINT, f"the scan was not interrupted ({rc}):\n{err}{out}"
    assert PARTIAL in read(directory, "N"), "no half-scanned host: the test would prove nothing"
    return directory


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_resume_gives_the_uninterrupted_results(lab, cmap_bin, reference, interrupted, fmt,
                                                tmp_path):
    source = interrupted
    directory = tmp_path / "run"
    shutil.copytree(source, directory)
    rc, out, err = finish(start(lab.scanner, [cmap_bin, "--resume", FILES[fmt]], directory))
    assert rc == 0, f"resume from -o{fmt} failed ({rc}):\n{err}{out}"
    found = results(directory)
    for name in ("X", "N", "G"):
        assert found[name] == reference[name], f"-o{name} after resuming from -o{fmt} differs"
    # Half-scanned hosts were resumed for their remaining ports only...
    first_task = SCANNING.search(out)
    assert first_task and int(first_task.group(1)) < PORTS, out
    # ...and finished hosts not at all.
    finished = normal_hosts(read(source, "N"))
    again = normal_hosts(out)
    assert not set(finished) & set(again), "a finished host was scanned again"
    assert sorted(set(finished) | set(again)) == sorted(TARGETS)
