# SPDX-License-Identifier: MIT
"""Least privilege: a scan runs with no capabilities and no_new_privs.

cmap started as root opens its outputs and data files, then drops every
capability (none are needed by a connect scan), and with --drop-user also
becomes that user, before it sends the first probe. The tests watch a slow
scan from outside through /proc/<pid>/task/*/status, and check the order
of the system calls with strace.
"""

import os
import pwd
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

import lab as labmod

TARGET = next(t for t in labmod.TARGETS if t.role == "open")
# 150 ports 20 ms apart: about three seconds of scanning to observe.
SLOW_SCAN = ["-sT", "-n", "-Pn", "--scan-delay", "20ms", "-p", "1-150"]
START_TIMEOUT = 10
RUN_TIMEOUT = 60
SAMPLE_INTERVAL = 0.05
CAP_FIELDS = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")
NO_CAPS = {field: 0 for field in CAP_FIELDS}
SSH_OPEN = re.compile(r"^22/tcp +open +ssh$", re.M)


def read_status(path):
    """{"CapEff": 0, "Uid": "0\t0\t0\t0", ...} from a /proc status file."""
    fields = {}
    with open(path, encoding="ascii", errors="replace") as f:
        for line in f:
            key, _, value = line.partition(":")
            value = value.strip()
            fields[key] = int(value, 16) if key in CAP_FIELDS else value
    return fields


def thread_statuses(pid):
    """Every thread's status: capabilities belong to threads, not processes."""
    statuses = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            statuses.append(read_status(f"/proc/{pid}/task/{tid}/status"))
        except FileNotFoundError:
            pass  # the thread ended meanwhile
    return statuses


def is_cmap(pid, cmap_bin):
    try:
        return os.path.realpath(f"/proc/{pid}/exe") == os.path.realpath(cmap_bin)
    except OSError:
        return False


def watch(ns, argv, cmap_bin, outdir):
    """Start argv in ns (ip netns exec replaces itself with the program) and
    sample its threads' status until it exits. Returns (returncode, samples
    taken after the drop while it was still running, stdout, stderr)."""
    out, err = open(outdir / "stdout", "wb"), open(outdir / "stderr", "wb")
    proc = subprocess.Popen(["ip", "netns", "exec", ns] + [str(a) for a in argv],
                            stdout=out, stderr=err)
    samples = []
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not is_cmap(proc.pid, cmap_bin) and proc.poll() is None:
            assert time.monotonic() < deadline, "cmap did not start"
            time.sleep(0.01)
        while proc.poll() is None:
            try:
                statuses = thread_statuses(proc.pid)
            except FileNotFoundError:
                break
            if statuses and all(s.get("NoNewPrivs") == "1" for s in statuses):
                samples.append(statuses)
            time.sleep(SAMPLE_INTERVAL)
        proc.wait(timeout=RUN_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        out.close()
        err.close()
    # The last sample may have been taken while the process was exiting.
    return proc.returncode, samples[:-1], (outdir / "stdout").read_text(), (
        outdir / "stderr").read_text()


def as_nobody(nobody):
    """A command prefix that runs the program as nobody, with no groups."""
    return ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]


def root_only_dir(tmp_path):
    """A directory only root may write to: files there can only have been
    opened before the switch to another user."""
    path = tmp_path / "rootonly"
    path.mkdir(mode=0o700)
    os.chmod(path, 0o700)
    return path


def output_args(outdir):
    return ["-oN", outdir / "scan.nmap", "-oX", outdir / "scan.xml", "-oG", outdir / "scan.gnmap"]


def assert_outputs_complete(outdir):
    normal = (outdir / "scan.nmap").read_text()
    grepable = (outdir / "scan.gnmap").read_text()
    assert SSH_OPEN.search(normal) and normal.rstrip().split("\n")[-1].startswith(
        "# Nmap done at"), normal
    assert "22/open/tcp//ssh" in grepable and grepable.rstrip().split("\n")[-1].startswith(
        "# Nmap done at"), grepable
    root = ET.parse(outdir / "scan.xml").getroot()
    assert root.find("runstats/finished").get("exit") == "success"
    assert len(root.findall("host/ports/port")) >= 1


def assert_dropped(samples):
    assert len(samples) >= 5, f"only {len(samples)} samples taken while scanning"
    for statuses in samples:
        for s in statuses:
            assert {f: s[f] for f in CAP_FIELDS} == NO_CAPS, s
            assert s["NoNewPrivs"] == "1", s


def test_scan_as_root_holds_no_capabilities(lab, cmap_bin, tmp_path):
    outdir = root_only_dir(tmp_path)
    argv = [cmap_bin] + SLOW_SCAN + output_args(outdir) + [TARGET.v4]
    rc, samples, stdout, stderr = watch(lab.scanner, argv, cmap_bin, tmp_path)
    assert rc == 0, stderr
    assert_dropped(samples)
    assert all(s["Uid"] == "0\t0\t0\t0" for st in samples for s in st)
    assert_outputs_complete(outdir)
    assert SSH_OPEN.search(stdout), stdout


def test_drop_user_nobody(lab, cmap_bin, tmp_path):
    nobody = pwd.getpwnam("nobody")
    outdir = root_only_dir(tmp_path)
    argv = [cmap_bin, "--drop-user", "nobody"] + SLOW_SCAN + output_args(outdir) + [TARGET.v4]
    rc, samples, _, stderr = watch(lab.scanner, argv, cmap_bin, tmp_path)
    assert rc == 0, stderr
    assert_dropped(samples)
    uid, gid = f"{nobody.pw_uid}\t" * 3 + str(nobody.pw_uid), f"{nobody.pw_gid}\t" * 3 + str(
        nobody.pw_gid)
    for statuses in samples:
        for s in statuses:
            assert (s["Uid"], s["Gid"], s["Groups"]) == (uid, gid, str(nobody.pw_gid)), s
    assert_outputs_complete(outdir)
    assert all((outdir / name).stat().st_uid == 0 for name in os.listdir(outdir))


def test_unprivileged_run_still_sets_no_new_privs(lab, cmap_bin, tmp_path):
    """Run as nobody from the start: nothing to drop but no_new_privs."""
    nobody = pwd.getpwnam("nobody")
    argv = as_nobody(nobody) + [cmap_bin] + SLOW_SCAN + [TARGET.v4]
    outdir = tmp_path / "out"
    outdir.mkdir()
    rc, samples, stdout, stderr = watch(lab.scanner, argv, cmap_bin, outdir)
    assert rc == 0, stderr
    assert len(samples) >= 5
    for statuses in samples:
        for s in statuses:
            assert (s["CapEff"], s["CapPrm"], s["NoNewPrivs"]) == (0, 0, "1"), s
    assert SSH_OPEN.search(stdout), stdout


def test_capabilities_dropped_before_first_probe(lab, run_in, cmap_bin, tmp_path):
    """strace shows the order: capset to nothing, no_new_privs, user switch,
    then the first connect() to the target."""
    assert shutil.which("strace"), "strace is needed (scripts/install-deps.sh installs it)"
    trace = tmp_path / "trace"
    # LeakSanitizer cannot run under ptrace; a sanitizer build still works.
    asan = os.environ.get("ASAN_OPTIONS", "")
    argv = ["env", f"ASAN_OPTIONS={asan}:detect_leaks=0" if asan else "ASAN_OPTIONS=detect_leaks=0",
            "strace", "-f", "-qq", "-o", trace, "-e",
            "trace=capset,prctl,setresuid,setresgid,setgroups,connect", cmap_bin,
            "--drop-user", "nobody", "-sT", "-n", "-Pn", "-p", "22,80", TARGET.v4]
    run = run_in(lab.scanner, argv, timeout=RUN_TIMEOUT)
    assert run.returncode == 0, run.describe()
    lines = trace.read_text().splitlines()

    def first(pattern):
        found = [i for i, line in enumerate(lines) if pattern in line]
        assert found, f"no {pattern!r} in the trace:\n" + "\n".join(lines)
        return found[0]

    probe = first(f'sin_addr=inet_addr("{TARGET.v4}")')
    capset = first("capset(")
    assert "{effective=0, permitted=0, inheritable=0}) = 0" in lines[capset], lines[capset]
    steps = [first("setgroups("), first("setresgid("), first("setresuid("), capset,
             first("prctl(PR_SET_NO_NEW_PRIVS, 1")]
    assert steps == sorted(steps) and steps[-1] < probe, "\n".join(lines)


def test_drop_user_unknown(lab, run_in, cmap_bin, tmp_path):
    out = tmp_path / "x.xml"
    run = run_in(lab.scanner, [cmap_bin, "--drop-user", "cmap-no-such-user", "-oX", out, "-p",
                               "22", TARGET.v4])
    assert run.returncode == 1, run.describe()
    assert run.stderr == '--drop-user: no such user "cmap-no-such-user"\nQUITTING!\n'
    assert run.stdout == "" and not out.exists()


def test_drop_user_needs_root(lab, run_in, cmap_bin):
    nobody = pwd.getpwnam("nobody")
    argv = as_nobody(nobody) + [cmap_bin, "--drop-user", "nobody", "-p", "22", TARGET.v4]
    run = run_in(lab.scanner, argv)
    assert run.returncode == 1, run.describe()
    assert run.stderr == ("--drop-user requires root privileges (cmap is running as uid "
                          f"{nobody.pw_uid})\nQUITTING!\n")


CAP_NET_RAW = 1 << 13


def test_raw_scan_keeps_only_net_raw(lab, cmap_bin, tmp_path):
    """A SYN scan (with host discovery) as root: its raw sockets and capture
    are open before the drop, and while it scans the only capability left,
    effective, permitted and bounding alike, is CAP_NET_RAW."""
    outdir = root_only_dir(tmp_path)
    argv = [cmap_bin, "-sS", "-n", "--scan-delay", "20ms", "-p", "1-150"] + output_args(
        outdir) + [TARGET.v4]
    rc, samples, stdout, stderr = watch(lab.scanner, argv, cmap_bin, tmp_path)
    assert rc == 0, stderr
    assert len(samples) >= 5, f"only {len(samples)} samples taken while scanning"
    for statuses in samples:
        for s in statuses:
            held = {f: s[f] for f in CAP_FIELDS}
            assert held == {"CapInh": 0, "CapPrm": CAP_NET_RAW, "CapEff": CAP_NET_RAW,
                            "CapBnd": CAP_NET_RAW, "CapAmb": 0}, s
            assert s["NoNewPrivs"] == "1", s
    assert_outputs_complete(outdir)
    assert SSH_OPEN.search(stdout), stdout
