# SPDX-License-Identifier: MIT
"""Watching a scan: runtime keys in a real terminal (tmux), --stats-every,
the live progress line (terminal only), --packet-trace CONN lines and the
-d timing report, each against nmap 7.93 where nmap has the same text."""

import re
import shlex
import shutil
import subprocess
import time

import pytest

import lab as labmod
from labrun import NMAP

DTD = "/usr/share/nmap/nmap.dtd"
TARGETS = {t.role: t for t in labmod.TARGETS}
# Slow enough to press keys during it (about 20 s), small enough to end.
SLOW_SCAN = ["-sT", "-n", "-Pn", "-p", "1-2000", "--scan-delay", "10ms"]
KEY_ANSWERS = [
    "Verbosity Increased to 1.",
    "Verbosity Decreased to 0.",
    "Debugging Increased to 1.",
    "Debugging Decreased to 0.",
    "Interactive keyboard commands:",
    "?               Display this information",
    "v/V             Increase/decrease verbosity",
    "d/D             Increase/decrease debugging",
    "p/P             Enable/disable packet tracing",
    "anything else   Print status",
    "More help: https://nmap.org/book/man-runtime-interaction.html",
    "Packet Tracing enabled.",
    "Packet Tracing disabled.",
]
STATS = re.compile(r"^Stats: \d+:\d\d:\d\d elapsed; 0 hosts completed \(1 up\), "
                   r"1 undergoing Connect Scan$")
TIMING = re.compile(r"^Connect Scan Timing: About \d+\.\d\d% done"
                    r"(; ETC: \d\d:\d\d \(\d+:\d\d:\d\d remaining\))?$")
CONN = re.compile(r"^CONN \(\d+\.\d{4}s\) (TCP localhost > \S+ => .+)$")


class Tmux:
    """A private tmux server (own socket) with one pane running a command."""

    def __init__(self, socket):
        self.argv = ["tmux", "-S", str(socket)]

    def start(self, command):
        subprocess.run(self.argv + ["new-session", "-d", "-x", "160", "-y", "50", command],
                       check=True, timeout=10)
        subprocess.run(self.argv + ["set-option", "-g", "history-limit", "100000"],
                       check=True, timeout=10)

    def keys(self, *keys, pause=0.4):
        for key in keys:
            subprocess.run(self.argv + ["send-keys", "-l", key], check=True, timeout=10)
            time.sleep(pause)

    def text(self):
        out = subprocess.run(self.argv + ["capture-pane", "-p", "-J", "-S", "-"],
                             capture_output=True, text=True, check=True, timeout=10)
        return out.stdout

    def wait_for(self, needle, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return True
            time.sleep(0.2)
        return False

    def stop(self):
        subprocess.run(self.argv + ["kill-server"], capture_output=True, timeout=10)


@pytest.fixture
def tmux(tmp_path):
    if not shutil.which("tmux"):
        pytest.fail("tmux is not installed (scripts/install-deps.sh installs it)", pytrace=False)
    panes = []

    def make(name):
        pane = Tmux(tmp_path / f"tmux-{name}")
        panes.append(pane)
        return pane

    yield make
    for pane in panes:
        pane.stop()


def in_terminal(tmux, lab, name, exe, options):
    """Run exe in the scanner namespace inside a tmux pane; press keys while
    it scans; return what the pane showed during the scan and at its end."""
    pane = tmux(name)
    argv = ["ip", "netns", "exec", lab.scanner, exe] + options + ["127.0.0.1"]
    # After the scan the pane shows the terminal's mode: keys must not have
    # left it without echo or line editing.
    pane.start(shlex.join(argv) + "; echo SCAN-ENDED; stty -a; sleep 60")
    assert pane.wait_for("Starting", 10), pane.text()
    time.sleep(1.0)
    pane.keys("v", "V", "d", "D", "?", "p", "P", "x")
    time.sleep(2.5)
    during = pane.text()
    assert pane.wait_for("SCAN-ENDED", 60), pane.text()
    return during, pane.text()


def conn_free(text):
    return [line.rstrip() for line in text.splitlines() if not CONN.match(line.rstrip())]


def test_runtime_keys_as_nmap(lab, cmap_bin, tmux):
    during, final = in_terminal(tmux, lab, "cmap", cmap_bin, SLOW_SCAN)
    nmap_during, _ = in_terminal(tmux, lab, "nmap", NMAP, SLOW_SCAN)
    for text in (during, nmap_during):
        lines = conn_free(text)
        answers = [line for line in lines if line in KEY_ANSWERS]
        assert answers == KEY_ANSWERS, text
        stats = [i for i, line in enumerate(lines) if STATS.match(line)]
        assert len(stats) == 1, text
        assert TIMING.match(lines[stats[0] + 1]), text
    # 'p' turned tracing on until 'P': both printed CONN lines meanwhile.
    assert any(CONN.match(line) for line in during.splitlines()), during
    # cmap's own live line showed during the long scan.
    assert re.search(r"Connect Scan: \d+\.\d\d% done, \d+:\d\d:\d\d elapsed", during), during
    settings = final.split("SCAN-ENDED", 1)[1]
    assert re.search(r"(?<!-)icanon", settings) and re.search(r"(?<![-\w])echo ", settings), \
        settings
    assert "PORT " in final and "Nmap done: 1 IP address (1 host up)" in final, final


def test_noninteractive_ignores_keys(lab, cmap_bin, tmux):
    pane = tmux("quiet")
    argv = ["ip", "netns", "exec", lab.scanner, cmap_bin, "--noninteractive", "-sT", "-n",
            "-Pn", "-p", "1-300", "--scan-delay", "10ms", "127.0.0.1"]
    pane.start(shlex.join(argv) + "; echo SCAN-ENDED; sleep 60")
    assert pane.wait_for("Starting", 10), pane.text()
    pane.keys("v", "x")
    assert pane.wait_for("SCAN-ENDED", 60), pane.text()
    text = pane.text()
    assert "Verbosity Increased" not in text and "Stats:" not in text, text
    assert "% done" not in text, text


def test_stats_every_on_a_pipe(lab, cmap_bin, run_in):
    run = run_in(lab.scanner, [cmap_bin, "--stats-every", "1s", "-sT", "-n", "-Pn", "-p",
                               "1-1000", "--scan-delay", "3ms", "127.0.0.1"])
    assert run.returncode == 0, run.describe()
    lines = run.stdout.splitlines()
    stats = [i for i, line in enumerate(lines) if STATS.match(line)]
    assert len(stats) >= 2, run.describe()
    for i in stats:
        assert TIMING.match(lines[i + 1]), run.describe()
    # The live line is for terminals: nothing of it reaches a pipe.
    assert "\r" not in run.stdout and "\x1b" not in run.stdout, repr(run.stdout)
    assert not re.search(r"Connect Scan: \d", run.stdout), run.stdout


def test_stats_every_xml_validates(lab, cmap_bin, run_in, tmp_path):
    xml = tmp_path / "stats.xml"
    run = run_in(lab.scanner, [cmap_bin, "--stats-every", "1s", "-sT", "-n", "-Pn", "-p",
                               "1-1000", "--scan-delay", "3ms", "-oX", xml, "127.0.0.1"])
    assert run.returncode == 0, run.describe()
    text = xml.read_text()
    progress = re.findall(r'<taskprogress task="Connect Scan" time="\d+" percent="\d+\.\d\d"'
                          r'( remaining="\d+" etc="\d+")?/>', text)
    assert len(progress) >= 2, text
    check = subprocess.run(["xmllint", "--noout", "--dtdvalid", DTD, str(xml)],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    # Interactive text on stdout, XML in the file: no status lines in -oX.
    assert "Stats:" in run.stdout and "Stats:" not in text


def conn_lines(text):
    return sorted(m.group(1) for m in map(CONN.match, text.splitlines()) if m)


@pytest.mark.parametrize("role,ports", [("open", "22,80,81,443"),
                                        ("reject", "21,22,25,110,443,8080")])
def test_packet_trace_conn_lines_as_nmap(lab, cmap_bin, run_in, tmp_path, role, ports):
    target = TARGETS[role].v4
    lines = {}
    for name, exe in (("nmap", NMAP), ("cmap", cmap_bin)):
        normal = tmp_path / f"{name}.nmap"
        run = run_in(lab.scanner, [exe, "-sT", "-n", "-Pn", "--packet-trace", "-p", ports,
                                   "-oN", normal, target])
        assert run.returncode == 0, run.describe()
        lines[name] = conn_lines(run.stdout)
        # CONN lines go to -oN too (nmap's LOG_NORMAL).
        assert conn_lines(normal.read_text()) == lines[name], normal.read_text()
    assert lines["cmap"] == lines["nmap"]
    assert lines["cmap"], "no CONN lines at all"


@pytest.mark.parametrize("options", [[], ["-T4", "--min-rate", "100.5", "--max-hostgroup", "50"],
                                     ["-T5", "--max-retries", "3"], ["-T1", "--scan-delay", "0"],
                                     ["--scan-delay", "2s", "--host-timeout", "30s"]],
                         ids=["default", "T4", "T5", "T1", "delay"])
def test_debug_timing_report_as_nmap(lab, cmap_bin, run_in, options):
    blocks = {}
    for name, exe in (("nmap", NMAP), ("cmap", cmap_bin)):
        run = run_in(lab.scanner, [exe, "-d", "-sT", "-n", "-Pn", "-p", "22"] + options +
                     ["127.0.0.1"])
        assert run.returncode == 0, run.describe()
        text = run.stdout
        start = text.index("--------------- Timing report")
        end = text.index("---------------------------------------------", start)
        blocks[name] = text[start:end]
        assert re.search(r"^Overall sending rates: \d+\.\d\d packets / s\.$", text, re.M), text
    assert blocks["cmap"] == blocks["nmap"]
