# SPDX-License-Identifier: MIT
"""Fixtures for the end-to-end tests: the lab, the binaries, running both.

Run as root with Debian's Python:  /usr/bin/python3 -m pytest tests/lab
CMAP_BIN=/path/to/cmap selects another build (e.g. the sanitizer build).
"""

import os

import pytest

import daemons
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

    def scan(options, targets, formats="NXG", timeout=labrun.DEFAULT_TIMEOUT, parallel=False):
        """parallel: run both at once, for scans that mostly wait (DNS
        timeouts, version probes); never for ones that count packets or
        replies a target rations."""
        key = (tuple(options), tuple(targets), formats)
        if key not in cache:
            slot = outdir / f"scan{len(cache)}"
            slot.mkdir()
            jobs = {
                name: (lambda name=name, exe=exe: labrun.scan_one(
                    lab.scanner, exe, slot / name, options, targets, formats, timeout))
                for name, exe in programs.items()
            }
            if parallel:
                cache[key] = labrun.run_parallel(jobs)
            else:
                cache[key] = {name: job() for name, job in jobs.items()}
        return cache[key]

    return scan


# A fifth target for the version-detection tests: no listeners or rules of
# its own, the real daemons of daemons.py instead.
SVC_TARGET = labmod.SVC_TARGET


@pytest.fixture(scope="session")
def svc_host(lab):
    """The "svc" target (198.18.1.10, fd00:18:1::10) with every daemon of
    daemons.py answering; stopped and removed at the end, also on failure."""
    running = None
    try:
        ns = lab.add_target(SVC_TARGET)
        running = daemons.start(ns, [SVC_TARGET.v4, SVC_TARGET.v6], check_ns=lab.scanner)
        yield SVC_TARGET
    except (labmod.LabError, daemons.DaemonError) as exc:
        pytest.fail(f"svc target setup failed: {exc}", pytrace=False)
    finally:
        try:
            if running is not None:
                running.stop()
        finally:
            lab.remove_target(SVC_TARGET)
