# SPDX-License-Identifier: MIT
"""Damaged copies of nmap-services, through --datadir and --servicedb: cmap
must stop with "file:line: what" and QUITTING!, exit 1, and never crash.
(nmap itself skips such lines silently; cmap refuses a damaged file.)"""

import random
import re

import pytest

from faultns import assert_no_crash

OPEN_PORT = 80


@pytest.fixture(scope="module")
def listening(netns):
    netns.listen([OPEN_PORT])
    return netns


def entry_lines(text):
    """(index, line) of the entry lines ("name<TAB>port/proto<TAB>freq")."""
    lines = text.split(b"\n")
    return lines, [i for i, l in enumerate(lines) if l and not l.startswith(b"#")]


def truncated_in_port(text):
    lines, entries = entry_lines(text)
    i = entries[40]
    name, rest = lines[i].split(b"\t", 1)
    cut = b"\n".join(lines[:i]) + b"\n" + name + b"\t" + rest[:1]
    return cut, i + 1, f"missing /protocol after port number {rest[:1].decode()}"


def truncated_in_name(text):
    lines, entries = entry_lines(text)
    i = entries[7]
    return b"\n".join(lines[:i]) + b"\n" + lines[i][:2], i + 1, \
        "missing port/protocol after service name"


def replace_field(text, entry, field, value):
    lines, entries = entry_lines(text)
    i = entries[entry]
    fields = lines[i].split(b"\t")
    fields[field] = value
    lines[i] = b"\t".join(fields)
    return b"\n".join(lines), i + 1


def bad_port(text):
    data, line = replace_field(text, 30, 1, b"70000/tcp")
    return data, line, "bad port number '70000'"


def frequency_above_one(text):
    data, line = replace_field(text, 100, 2, b"1.7")
    return data, line, "frequency '1.7' is greater than 1"


def frequency_not_a_number(text):
    data, line = replace_field(text, 12, 2, b"0.12abc")
    return data, line, "bad frequency '0.12abc'"


def garbage_with_nul(text):
    lines, entries = entry_lines(text)
    junk = bytes(random.Random(5).randrange(1, 256) for _ in range(300)) + b"\0tail"
    head = b"\n".join(lines[:entries[20]]) + b"\n"
    return head + junk, head.count(b"\n") + 1 + junk.count(b"\n"), "NUL byte in line"


def garbage_text(text):
    """Random bytes without NUL: whatever the first complaint is, it must
    name a line of the file."""
    junk = bytes(random.Random(11).choice(range(1, 256)) for _ in range(2000))
    return junk, None, None


DAMAGE = [truncated_in_port, truncated_in_name, bad_port, frequency_above_one,
          frequency_not_a_number, garbage_with_nul, garbage_text]


def scan_with(ns, cmap, tmp_path, data, how):
    """Run a scan reading data as nmap-services; returns (result, path)."""
    if how == "datadir":
        path = tmp_path / "nmap-services"
        args = ["--datadir", str(tmp_path), "-p", str(OPEN_PORT)]
    else:
        path = tmp_path / "services.db"
        args = ["--servicedb", str(path)]
    path.write_bytes(data)
    res = ns.run([cmap, "-sT", "-n", *args, "127.0.0.1"], timeout=30)
    return res, str(path)


@pytest.mark.parametrize("how", ["datadir", "servicedb"])
def test_intact_copy_works(listening, cmap_bin, nmap_services, tmp_path, how):
    res, _ = scan_with(listening, cmap_bin, tmp_path, nmap_services, how)
    assert_no_crash(res)
    assert res.returncode == 0, res.stderr
    assert f"{OPEN_PORT}/tcp open  http" in res.stdout


@pytest.mark.parametrize("damage", DAMAGE, ids=[d.__name__ for d in DAMAGE])
@pytest.mark.parametrize("how", ["datadir", "servicedb"])
def test_damaged_file_names_file_and_line(listening, cmap_bin, nmap_services, tmp_path,
                                          how, damage):
    data, line, what = damage(nmap_services)
    res, path = scan_with(listening, cmap_bin, tmp_path, data, how)
    assert_no_crash(res)
    assert res.returncode == 1, res.stderr
    first = res.stderr.splitlines()[0] if res.stderr else ""
    m = re.fullmatch(re.escape(path) + r":(\d+): (.+)", first)
    assert m, f"no 'file:line: what' message: {res.stderr!r}"
    assert 1 <= int(m.group(1)) <= data.count(b"\n") + 1
    if line is not None:
        assert int(m.group(1)) == line
        assert m.group(2) == what
    assert "QUITTING!" in res.stderr
    assert "Nmap scan report" not in res.stdout
