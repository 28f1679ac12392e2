# SPDX-License-Identifier: MIT
"""Running programs inside the lab's namespaces, bounded in time."""

import hashlib
import os
import pickle
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

import pytest

NMAP = "nmap"
DEFAULT_TIMEOUT = 120
# Lets tests against the silent hosts finish in seconds instead of minutes;
# both programs get the same options, so results stay comparable.
FAST_TIMING = ["--max-retries", "1", "--max-rtt-timeout", "200ms", "--min-rate", "2000"]


@dataclass
class Run:
    argv: list
    returncode: int
    stdout: str
    stderr: str
    files: dict = field(default_factory=dict)

    def describe(self):
        return (f"$ {' '.join(self.argv)}\nexit {self.returncode}\n"
                f"--- stderr\n{self.stderr}--- stdout\n{self.stdout}")


def run_in(ns, argv, timeout=DEFAULT_TIMEOUT, stdin=None):
    """Run argv inside namespace ns; a timeout fails the test."""
    full = ["ip", "netns", "exec", ns] + [str(a) for a in argv]
    try:
        proc = subprocess.run(full, input=stdin, capture_output=True, text=True,
                              errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"timed out after {timeout}s: {' '.join(full)}", pytrace=False)
    return Run(full, proc.returncode, proc.stdout, proc.stderr)


def run_timed(ns, argv, timeout=DEFAULT_TIMEOUT):
    """(exit status, stdout, stderr, seconds) of argv inside ns; on a
    timeout its whole process group is killed and the test fails."""
    full = ["ip", "netns", "exec", ns] + [str(a) for a in argv]
    start = time.monotonic()
    proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors="replace", start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"timed out after {timeout}s: {' '.join(full)}", pytrace=False)
    return proc.returncode, out, err, time.monotonic() - start


def scan_one(ns, exe, base, options, targets, formats, timeout):
    """Run one scanner writing each format in formats ("NXG") to base.<fmt>."""
    files = {fmt: f"{base}.{fmt}" for fmt in formats}
    argv = [exe] + list(options)
    for fmt, path in files.items():
        argv += [f"-o{fmt}", path]
    run = run_in(ns, argv + list(targets), timeout)
    for fmt, path in files.items():
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                run.files[fmt] = f.read()
        except FileNotFoundError:
            run.files[fmt] = None
    return run


def require_success(runs):
    """Every program must have exited 0 and written every requested file."""
    for name, run in runs.items():
        assert run.returncode == 0, f"{name} failed:\n{run.describe()}"
        for fmt, text in run.files.items():
            assert text is not None, f"{name} did not write its -o{fmt} file:\n{run.describe()}"


def rename(text):
    """nmap's diagnostics as cmap must print them."""
    text = re.sub(r"^nmap:", "cmap:", text, flags=re.M)
    return text.replace("nmap -h", "cmap -h")


def nmap_cached(key, scan):
    """nmap's answer for a slow reference scan, computed once per test run.

    scripts/run-tests.sh runs the lab twice (normal and sanitizer builds of
    cmap) and sets CMAP_NMAP_CACHE to one directory for both passes: nmap's
    side does not depend on cmap's build, so the second pass reuses the
    first one's result instead of waiting minutes for nmap again. key names
    everything the result depends on (arguments, targets, the services'
    set-up). Without the variable every call runs nmap.
    """
    cache = os.environ.get("CMAP_NMAP_CACHE")
    if not cache:
        return scan()
    path = os.path.join(cache, hashlib.sha256(repr(key).encode()).hexdigest() + ".pickle")
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError):
        pass
    run = scan()
    if run.returncode == 0:
        tmp = f"{path}.{os.getpid()}"
        with open(tmp, "wb") as f:
            pickle.dump(run, f)
        os.replace(tmp, path)
    return run


def run_parallel(jobs):
    """Run {name: fn} at once (two scanners against the same slow services:
    the wall time is the slower one's, not the sum); returns {name: result}."""
    results, errors = {}, {}

    def work(name, fn):
        try:
            results[name] = fn()
        except BaseException as e:  # re-raised below, in the test's thread
            errors[name] = e

    threads = [threading.Thread(target=work, args=item) for item in jobs.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in errors.values():
        raise e
    return results
