# SPDX-License-Identifier: MIT
"""Bad command lines: cmap must fail (or warn) exactly as nmap does.

Every command line here sends nothing or only to the scanner namespace's
own loopback; both programs still run inside the scanner namespace, so a
mistake could not leave the machine. nmap's stderr is compared after
renaming the program (nmap: -> cmap:, nmap -h -> cmap -h).
"""

import re

import pytest

from labrun import rename

EMPTY_FILE = "@empty"
CASES = {
    "bad-ipv4": ["300.1.1.1"],
    "bad-netmask": ["-sL", "-n", "127.0.0.1/33"],
    "empty-iL": ["-iL", EMPTY_FILE],
    "directory-iL": ["-iL", "/"],
    "missing-iL": ["-iL", "/nonexistent/targets.txt"],
    "two-iL": ["-iL", EMPTY_FILE, "-iL", EMPTY_FILE],
    "missing-excludefile": ["--excludefile", "/nonexistent/x", "127.0.0.1"],
    "port-too-big": ["-p", "99999", "127.0.0.1"],
    "port-backwards": ["-p", "80-20", "127.0.0.1"],
    "port-garbage": ["-p", "0-5x", "127.0.0.1"],
    "exclude-ports-too-big": ["--exclude-ports", "99999", "127.0.0.1"],
    "unknown-option": ["--bogus", "127.0.0.1"],
    "underscore-option": ["--max_retries", "1", "127.0.0.1"],
    "ambiguous-option": ["--vers"],
    "missing-argument": ["-p"],
    "timing-T9": ["-T9", "127.0.0.1"],
    "host-timeout-5x": ["--host-timeout", "5x", "127.0.0.1"],
    "scan-delay-1q": ["--scan-delay", "1q", "127.0.0.1"],
    "rtt-timeout-no-unit": ["--max-rtt-timeout", "500", "-sL", "127.0.0.1"],
    "max-retries-negative": ["--max-retries", "-1", "127.0.0.1"],
    "hostgroup-min-above-max": ["--min-hostgroup", "10", "--max-hostgroup", "5", "-sL",
                                "127.0.0.1"],
    "top-ports-0": ["--top-ports", "0", "127.0.0.1"],
    "max-rate-0": ["--max-rate", "0", "127.0.0.1"],
    "two-tcp-scans": ["-sS", "-sT", "127.0.0.1"],
    "list-and-syn": ["-sL", "-sS", "127.0.0.1"],
    "list-and-connect": ["-sT", "-sL", "127.0.0.1"],
    "fast-and-list": ["-F", "-sL", "127.0.0.1"],
    "fast-and-ports": ["-p", "80", "-F", "127.0.0.1"],
    "scan-type-missing": ["-s", "127.0.0.1"],
    "scan-type-unknown": ["-sq", "127.0.0.1"],
    "scan-type-B": ["-sB", "127.0.0.1"],
    "ping-type-unknown": ["-PQ", "127.0.0.1"],
    "xml-output-dir-missing": ["-oX", "/nonexistdir/x.xml", "127.0.0.1"],
    "all-outputs-stdout": ["-oA", "-", "127.0.0.1"],
    "html-output": ["-oH", "x", "127.0.0.1"],
    "glued-dash-output": ["-oG-", "127.0.0.1"],
    "output-name-dash": ["-oN", "-foo", "127.0.0.1"],
    "ipv4-and-ipv6": ["-4", "-6", "127.0.0.1"],
}


def resolve(args, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    return [str(empty) if a == EMPTY_FILE else a for a in args]


@pytest.mark.parametrize("args", CASES.values(), ids=CASES.keys())
def test_same_error_as_nmap(lab, run_in, programs, args, tmp_path):
    argv = resolve(args, tmp_path)
    nmap = run_in(lab.scanner, [programs["nmap"]] + argv, timeout=30)
    cmap = run_in(lab.scanner, [programs["cmap"]] + argv, timeout=30)
    assert cmap.returncode == nmap.returncode, cmap.describe()
    assert cmap.stderr == rename(nmap.stderr)


def test_no_arguments_prints_usage(lab, run_in, programs):
    nmap = run_in(lab.scanner, [programs["nmap"]], timeout=30)
    cmap = run_in(lab.scanner, [programs["cmap"]], timeout=30)
    assert (cmap.returncode, cmap.stderr) == (nmap.returncode, nmap.stderr) == (255, "")
    assert "Usage: cmap " in cmap.stdout, cmap.describe()


@pytest.mark.parametrize("option", ["-h", "--help"])
def test_help(lab, run_in, programs, option):
    cmap = run_in(lab.scanner, [programs["cmap"], option], timeout=30)
    assert (cmap.returncode, cmap.stderr) == (0, ""), cmap.describe()
    assert "Usage: cmap [Scan Type(s)] [Options] {target specification}" in cmap.stdout
    # Laid out like nmap's summary: the same section headings, in order.
    headings = re.findall(r"^([A-Z][A-Z /]+):$", cmap.stdout, re.M)
    assert headings[:3] == ["TARGET SPECIFICATION", "HOST DISCOVERY", "SCAN TECHNIQUES"]


@pytest.mark.parametrize("option", ["-V", "--version"])
def test_version(lab, run_in, programs, option):
    cmap = run_in(lab.scanner, [programs["cmap"], option], timeout=30)
    assert (cmap.returncode, cmap.stderr) == (0, ""), cmap.describe()
    assert cmap.stdout.splitlines()[0].startswith("cmap version 0.1.0"), cmap.stdout


def test_unsupported_option_is_refused(lab, run_in, programs):
    cmap = run_in(lab.scanner, [programs["cmap"], "-O", "127.0.0.1"], timeout=30)
    assert cmap.returncode != 0, cmap.describe()
    assert cmap.stderr == "cmap: -O is not supported yet\n"
