# SPDX-License-Identifier: MIT
"""Names from the network must not reach a terminal or a file raw.

The open lab target gets a PTR name full of terminal escape sequences,
control bytes, newline look-alikes and invalid UTF-8: `ip netns exec`
bind-mounts /etc/netns/<ns>/hosts over /etc/hosts, and glibc's files
backend hands such a name to getnameinfo() unchanged (checked first, so
the tests cannot pass on a name that never arrived). glibc's hosts parser
splits names at blanks, so CR, VT, FF, TAB and newline cannot arrive this
way (glibc's DNS backend also checks the characters of PTR answers; that
path is not exercised here).

cmap escapes: "\\xHH" for control and invalid bytes on the terminal and in
normal and grepable output, character references in XML. nmap 7.93, for
comparison, replaces every byte other than letters, digits, '.', '-' and
'_' with '*' and prints "Illegal character(s) in hostname -- replacing
with '*'" among its interactive output.
"""

import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

import lab as labmod

DTD = "/usr/share/nmap/nmap.dtd"
TARGET = next(t for t in labmod.TARGETS if t.role == "open")
# '#' would start a comment and blanks would end the name in /etc/hosts.
HOSTILE = (b"evil\x1b[2J"          # clear screen
           b"\x1b]0;pwned\x07"     # set the window title
           b"bs\x08\x08"           # backspaces
           b"del\x7f"
           b"ls\xe2\x80\xa8"       # U+2028 LINE SEPARATOR
           b"ps\xe2\x80\xa9"       # U+2029 PARAGRAPH SEPARATOR
           b"nel\xc2\x85"          # U+0085 NEXT LINE, a C1 control
           b"csi\x9b31m"           # a raw 8-bit CSI
           b"bad\xff\xfe"          # never valid in UTF-8
           b"over\xc0\xaf"         # overlong '/'
           b"cut\xe2\x80"          # a truncated sequence
           b"<&'\">--x"            # markup and a comment terminator
           b".example")
RUN_TIMEOUT = 60
# C0 controls, DEL and C1 controls, except the line feed every format has
# and, in grepable output only, its field-separating tab.
CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f\x80-\x9f]")
CONTROL_BUT_TAB_NEWLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def run_bytes(ns, argv, timeout=RUN_TIMEOUT):
    """Run argv in ns keeping stdout and stderr as bytes (no decoding that
    could hide a raw byte)."""
    full = ["ip", "netns", "exec", ns] + [str(a) for a in argv]
    try:
        return subprocess.run(full, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"timed out after {timeout}s: {' '.join(full)}", pytrace=False)


@pytest.fixture(scope="module")
def hostile_ns(lab):
    """The scanner namespace, with HOSTILE as the PTR name of the open target."""
    netns_dir = f"/etc/netns/{lab.scanner}"
    made_parent = not os.path.isdir("/etc/netns")
    os.makedirs(netns_dir)
    try:
        with open("/etc/hosts", "rb") as f:
            system_hosts = f.read()
        with open(os.path.join(netns_dir, "hosts"), "wb") as f:
            entry = TARGET.v4.encode() + b" " + HOSTILE
            f.write(system_hosts.rstrip(b"\n") + b"\n" + entry + b"\n")
        yield lab.scanner
    finally:
        os.unlink(os.path.join(netns_dir, "hosts"))
        os.rmdir(netns_dir)
        if made_parent:
            os.rmdir("/etc/netns")


def scan(ns, exe, outdir, extra):
    outdir.mkdir()
    files = {fmt: outdir / f"out.{fmt}" for fmt in "NXG"}
    argv = [exe, "-sT", "-Pn", "-v", "-p", "22,80,443"] + extra
    for fmt, path in files.items():
        argv += [f"-o{fmt}", path]
    proc = run_bytes(ns, argv + [TARGET.v4])
    assert proc.returncode == 0, f"{argv} failed: {proc.stderr!r}"
    result = {fmt: path.read_bytes() for fmt, path in files.items()}
    result["stdout"], result["stderr"] = proc.stdout, proc.stderr
    result["X-path"] = files["X"]
    return result


@pytest.fixture(scope="module")
def cmap_out(hostile_ns, cmap_bin, tmp_path_factory):
    return scan(hostile_ns, cmap_bin, tmp_path_factory.mktemp("hostile") / "cmap", [])


@pytest.fixture(scope="module")
def nmap_out(hostile_ns, tmp_path_factory):
    # cmap resolves through the system; nmap's own resolver would ask DNS.
    return scan(hostile_ns, "nmap", tmp_path_factory.mktemp("hostile") / "nmap", ["--system-dns"])


def as_text(data, what):
    """Strict UTF-8: a raw invalid byte fails here."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        pytest.fail(f"{what} is not valid UTF-8 ({exc}): {data!r}", pytrace=False)


def assert_no_raw_controls(data, allowed, what):
    text = as_text(data, what)
    bad = allowed.search(text)
    assert bad is None, f"{what} has a raw control {bad.group()!r} at {bad.start()}: {text!r}"
    return text


def xml_escaped(name):
    """The attribute value cmap's XML must parse back to: C0 controls other
    than TAB/LF/CR (which XML cannot carry) as the text "\\xHH", every other
    byte as the character of the same number, as nmap's xml.cc escapes."""
    return "".join(f"\\x{b:02x}" if b < 0x20 and b not in (9, 10, 13) else chr(b) for b in name)


def ptr_names(xml_bytes):
    root = ET.fromstring(xml_bytes)
    return [h.get("name") for h in root.iter("hostname") if h.get("type") == "PTR"]


def test_glibc_returns_the_hostile_name(hostile_ns):
    proc = run_bytes(hostile_ns, ["getent", "hosts", TARGET.v4])
    assert proc.returncode == 0, proc
    assert proc.stdout.split(None, 1)[1].rstrip(b"\n") == HOSTILE


def test_cmap_printed_the_name_escaped(cmap_out):
    want = b"Nmap scan report for evil\\x1b[2J\\x1b]0;pwned\\x07bs\\x08\\x08del\\x7f"
    assert want in cmap_out["N"] and want in cmap_out["stdout"]
    assert b"Host: " + TARGET.v4.encode() + b" (evil\\x1b[2J" in cmap_out["G"]
    assert b"\\xff\\xfe" in cmap_out["N"] and b"\\xc0\\xaf" in cmap_out["G"]
    assert b"\\xc2\\x85" in cmap_out["N"] and b"\\x9b31m" in cmap_out["stdout"]


def test_cmap_normal_output_has_no_raw_controls(cmap_out):
    assert_no_raw_controls(cmap_out["N"], CONTROL_BUT_NEWLINE, "-oN file")


def test_cmap_stdout_has_no_raw_controls(cmap_out):
    assert_no_raw_controls(cmap_out["stdout"], CONTROL_BUT_NEWLINE, "stdout")
    assert_no_raw_controls(cmap_out["stderr"], CONTROL_BUT_NEWLINE, "stderr")


def test_cmap_grepable_output_has_no_raw_controls(cmap_out):
    assert_no_raw_controls(cmap_out["G"], CONTROL_BUT_TAB_NEWLINE, "-oG file")


def test_cmap_xml_is_valid_and_round_trips(hostile_ns, cmap_out):
    assert_no_raw_controls(cmap_out["X"], CONTROL_BUT_NEWLINE, "-oX file")
    check = run_bytes(hostile_ns, ["xmllint", "--noout", "--dtdvalid", DTD, cmap_out["X-path"]])
    assert check.returncode == 0, check.stderr.decode(errors="replace")
    assert ptr_names(cmap_out["X"]) == [xml_escaped(HOSTILE)]


def test_cmap_text_outputs_have_no_newline_lookalikes(cmap_out):
    for what in ("N", "G", "stdout"):
        text = as_text(cmap_out[what], what)
        assert text.splitlines() == text.split("\n")[:-1], f"{what} has a line separator"


def test_nmap_for_comparison(hostile_ns, nmap_out):
    """nmap 7.93 stars out every unusual byte (and warns) instead of escaping."""
    starred = re.sub(rb"[^A-Za-z0-9._-]", b"*", HOSTILE)
    assert ptr_names(nmap_out["X"]) == [starred.decode()]
    assert b"Nmap scan report for " + starred in nmap_out["N"]
    assert b"Illegal character(s) in hostname -- replacing with '*'" in nmap_out["stdout"]
    for what, allowed in (("N", CONTROL_BUT_NEWLINE), ("G", CONTROL_BUT_TAB_NEWLINE),
                          ("stdout", CONTROL_BUT_NEWLINE), ("X", CONTROL_BUT_NEWLINE)):
        assert_no_raw_controls(nmap_out[what], allowed, f"nmap's {what}")
    check = run_bytes(hostile_ns, ["xmllint", "--noout", "--dtdvalid", DTD, nmap_out["X-path"]])
    assert check.returncode == 0, check.stderr.decode(errors="replace")
