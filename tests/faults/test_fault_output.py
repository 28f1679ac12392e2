# SPDX-License-Identifier: MIT
"""Output files that cannot be written: a full file system, /dev/full, a
path that cannot be opened. cmap must say so and exit non-zero; a failing
output must not damage the others."""

import os
import shutil

import pytest

from faultns import assert_no_crash

OPEN_PORT = 80
# About 1,000 hosts: some 400 KB of XML and 200 KB of normal output.
BIG_SCAN = ["-sT", "-n", "-p", "1", "127.0.0.0/22"]
SMALL_SCAN = ["-sT", "-n", "-p", str(OPEN_PORT), "127.0.0.1"]


@pytest.fixture(scope="module")
def listening(netns):
    netns.listen([OPEN_PORT])
    return netns


def test_full_filesystem_is_reported(listening, cmap_bin, tmp_path):
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    xml, normal = mnt / "scan.xml", mnt / "scan.txt"
    # The tmpfs lives in a private mount namespace, so it disappears with the
    # process even if the test is interrupted.
    script = 'mount -t tmpfs -o size=16k cmflt-tiny "$1" && shift && exec "$@"'
    res = listening.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                         str(mnt), cmap_bin, *BIG_SCAN, "-oX", str(xml), "-oN", str(normal)],
                        timeout=60)
    assert_no_crash(res)
    assert res.returncode != 0, "a full disk passed silently"
    for path in (xml, normal):
        assert f"cmap: error writing {path}: No space left on device" in res.stderr, res.stderr
    assert not os.path.ismount(mnt)


@pytest.mark.parametrize("option", ["-oN", "-oX", "-oG"])
def test_dev_full_is_reported_and_other_outputs_survive(listening, cmap_bin, xml_valid,
                                                        tmp_path, option):
    xml, normal = tmp_path / "scan.xml", tmp_path / "scan.nmap"
    keep = ["-oN", str(normal)] if option == "-oX" else ["-oX", str(xml)]
    res = listening.run([cmap_bin, *SMALL_SCAN, option, "/dev/full", *keep], timeout=30)
    assert_no_crash(res)
    assert res.returncode == 1
    assert "cmap: error writing /dev/full: No space left on device" in res.stderr, res.stderr
    assert res.stderr.count("error writing") == 1, "one message per failed output"
    if option == "-oX":
        assert f"{OPEN_PORT}/tcp open  http" in normal.read_text()
    else:
        ok, msg = xml_valid(str(xml))
        assert ok, msg
        assert f'portid="{OPEN_PORT}"><state state="open"' in xml.read_text()
    assert f"{OPEN_PORT}/tcp open  http" in res.stdout


def nmap_message(ns, args):
    res = ns.run(["nmap", *args], timeout=60)
    return res.returncode, res.stderr.splitlines()[:1]


@pytest.mark.parametrize("option,path", [
    ("-oX", "/nonexistent/dir/x.xml"),
    ("-oN", "/nonexistent/dir/x.nmap"),
    ("-oG", "/nonexistent/dir/x.gnmap"),
    ("-oN", "/"),
])
def test_unopenable_output_like_nmap(listening, cmap_bin, option, path):
    if not shutil.which("nmap"):
        pytest.fail("nmap 7.93 is needed for the comparison", pytrace=False)
    args = [*SMALL_SCAN, option, path]
    res = listening.run([cmap_bin, *args], timeout=30)
    assert_no_crash(res)
    want_rc, want_lines = nmap_message(listening, args)
    assert res.returncode == want_rc == 1
    assert want_lines and want_lines[0].startswith("Failed to open ")
    assert res.stderr.splitlines()[:1] == want_lines


def test_unopenable_output_writes_nothing_else(listening, cmap_bin, tmp_path):
    xml = tmp_path / "scan.xml"
    res = listening.run([cmap_bin, *SMALL_SCAN, "-oX", str(xml), "-oN",
                         "/nonexistent/dir/x.nmap"], timeout=30)
    assert_no_crash(res)
    assert res.returncode == 1
    # nmap opens every output before scanning: nothing was scanned.
    assert "80/tcp" not in res.stdout
    assert "Failed to open normal output file /nonexistent/dir/x.nmap for writing" in res.stderr
