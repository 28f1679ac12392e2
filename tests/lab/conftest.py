# SPDX-License-Identifier: MIT
"""Fixtures for the end-to-end tests: the lab, the binaries, running both.

Run as root with Debian's Python:  /usr/bin/python3 -m pytest tests/lab
CMAP_BIN=/path/to/cmap selects another build (e.g. the sanitizer build).
"""

import os

import pytest

import lab as labmod
import labrun

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="session")
def lab():
    problems = labmod.missing_prerequisites()
    if problems:
        pytest.fail("cannot build the network-namespace lab: " + "; ".join(problems),
                    pytrace=False)
    the_lab = labmod.Lab()
    labmod.install_teardown(the_lab)
    try:
        the_lab.up()
    except labmod.LabError as exc:
        pytest.fail(f"lab setup failed: {exc}", pytrace=False)
    yield the_lab
    the_lab.down()


@pytest.fixture(scope="session")
def cmap_bin():
    path = os.environ.get("CMAP_BIN") or os.path.join(REPO, "build", "cmap")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"cmap binary not found or not executable: {path} "
                    "(build it with 'ninja -C build' or set CMAP_BIN)", pytrace=False)
    return os.path.abspath(path)


@pytest.fixture(scope="session")
def run_in():
    """run_in(ns, argv, timeout) -> labrun.Run; always bounded in time."""
    return labrun.run_in


@pytest.fixture(scope="session")
def programs(cmap_bin):
    return {"nmap": labrun.NMAP, "cmap": cmap_bin}


@pytest.fixture(scope="session")
def scan_both(lab, programs, tmp_path_factory):
    """scan_both(options, targets, formats) -> {"nmap": Run, "cmap": Run}.

    Runs nmap, then cmap, in the scanner namespace with the same arguments,
    each writing the requested formats ("N", "X", "G") to files. Results are
    cached per argument list, so several tests can check one pair of scans.
    """
    cache = {}
    outdir = tmp_path_factory.mktemp("scans")

    def scan(options, targets, formats="NXG", timeout=labrun.DEFAULT_TIMEOUT):
        key = (tuple(options), tuple(targets), formats)
        if key not in cache:
            slot = outdir / f"scan{len(cache)}"
            slot.mkdir()
            cache[key] = {
                name: labrun.scan_one(lab.scanner, exe, slot / name, options, targets, formats,
                                      timeout)
                for name, exe in programs.items()
            }
        return cache[key]

    return scan
