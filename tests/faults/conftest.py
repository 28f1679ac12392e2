# SPDX-License-Identifier: MIT
"""Fixtures for the fault tests: the cmap binary and one namespace per module.

Run as root with Debian's Python:  /usr/bin/python3 -m pytest tests/faults
CMAP_BIN=/path/to/cmap selects another build (e.g. the sanitizer build).
"""

import os
import shutil
import subprocess

import pytest

import faultns

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NMAP_DTD = "/usr/share/nmap/nmap.dtd"
NMAP_SERVICES = "/usr/share/nmap/nmap-services"


@pytest.fixture(scope="session")
def cmap_bin():
    path = os.environ.get("CMAP_BIN") or os.path.join(REPO, "build", "cmap")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"cmap binary not found or not executable: {path} "
                    "(build it with 'ninja -C build' or set CMAP_BIN)", pytrace=False)
    return os.path.abspath(path)


@pytest.fixture(scope="module")
def netns(request):
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    ns = faultns.Netns()
    request.addfinalizer(ns.close)
    return ns


@pytest.fixture(scope="session")
def xml_valid():
    """xml_valid(path) -> (ok, message): xmllint against nmap.dtd."""
    if not shutil.which("xmllint") or not os.path.exists(NMAP_DTD):
        pytest.fail("xmllint and /usr/share/nmap/nmap.dtd are needed", pytrace=False)

    def check(path):
        res = subprocess.run(["xmllint", "--noout", "--dtdvalid", NMAP_DTD, path],
                             capture_output=True, text=True, timeout=30)
        return res.returncode == 0, res.stderr

    return check


@pytest.fixture(scope="session")
def nmap_services():
    if not os.path.exists(NMAP_SERVICES):
        pytest.fail(f"{NMAP_SERVICES} is needed", pytrace=False)
    with open(NMAP_SERVICES, "rb") as f:
        return f.read()
