# SPDX-License-Identifier: MIT
"""Version detection (-sV) against small services, side by side with nmap.

The "open" target runs eleven services from vscan_listeners.py: banners
nmap hard-matches (SSH, SMTP, POP3), HTTP and HTTPS responders, a banner
nmap only soft-matches, a silent port, one that closes at once
(tcpwrapped), an unknown binary banner and a service answering every probe
with an error (both fingerprinted). nmap 7.93 -sV and cmap -sV scan it
once each; every port must get the same <service> element (fingerprint
aside, which carries the time), the same fingerprints, and cmap must take
at most half nmap's time.
"""

import os
import subprocess
import time

import pytest

import lab as labmod
import labrun
import scanout

HERE = os.path.dirname(os.path.abspath(__file__))
SERVICES = {
    2001: "ssh", 2002: "http", 2003: "silent", 2004: "close", 2005: "unknown",
    2006: "ftpsoft", 2007: "smtp", 2008: "https", 2009: "pop3", 2010: "errors",
    2011: "http",
}
PORTS = ",".join(str(p) for p in SERVICES)
# Each scanner walks nmap's whole probe list on the silent and unknown
# ports; nmap needs about 2.5 minutes for that.
SCAN_TIMEOUT = 400


@pytest.fixture(scope="module")
def services(lab, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("vscan")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=cmlab.example", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    argv = ["ip", "netns", "exec", lab.ns("open"), labmod.PYTHON,
            os.path.join(HERE, "vscan_listeners.py"), "--addr", "0.0.0.0",
            "--cert", str(cert), "--key", str(key)]
    argv += [f"{p}={kind}" for p, kind in SERVICES.items()]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    lab.listeners.append(proc)  # the lab's teardown stops it too
    labmod.wait_ready(proc, lab.ns("open"))
    yield lab.targets["open"].v4
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def scans(lab, services, programs, tmp_path_factory):
    out = tmp_path_factory.mktemp("vscan-out")
    results = {}
    for name in ("nmap", "cmap"):
        start = time.monotonic()
        run = labrun.scan_one(lab.scanner, programs[name], out / name,
                              ["-sV", "-Pn", "-n", "-p", PORTS], [services], "XN",
                              SCAN_TIMEOUT)
        run.seconds = time.monotonic() - start
        results[name] = run
    labrun.require_success(results)
    return results


def test_same_service_per_port(scans):
    nmap = scanout.xml_port_versions(scans["nmap"].files["X"])
    cmap = scanout.xml_port_versions(scans["cmap"].files["X"])
    assert len(nmap) == len(SERVICES)
    for key in sorted(nmap):
        assert cmap.get(key) == nmap[key], f"port {key[2]} ({SERVICES[key[2]]})"


def test_expected_identifications(scans):
    """Guards the fixture: these are the answers nmap 7.93 gives."""
    got = {k[2]: v for k, v in scanout.xml_port_versions(scans["nmap"].files["X"]).items()}
    assert got[2001]["product"] == "OpenSSH" and got[2001]["version"] == "9.2p1 Debian 2+deb12u3"
    assert got[2002]["name"] == "http" and got[2002]["product"] == "Apache httpd"
    assert got[2004]["name"] == "tcpwrapped"
    assert got[2006]["name"] == "ftp" and got[2006].get("hostname") == "zork"
    assert got[2008].get("tunnel") == "ssl" and got[2008]["product"] == "nginx"
    assert got[2003]["method"] == "table"


def test_same_fingerprints(scans):
    nmap = scanout.xml_servicefps(scans["nmap"].files["X"])
    cmap = scanout.xml_servicefps(scans["cmap"].files["X"])
    assert set(nmap) >= {2005, 2010}
    assert cmap == nmap


def test_at_least_twice_as_fast(scans):
    nmap_s, cmap_s = scans["nmap"].seconds, scans["cmap"].seconds
    print(f"\n-sV on {len(SERVICES)} services: nmap {nmap_s:.1f}s, cmap {cmap_s:.1f}s "
          f"({nmap_s / cmap_s:.1f}x)")
    assert cmap_s * 2 <= nmap_s, f"nmap {nmap_s:.1f}s, cmap {cmap_s:.1f}s"
