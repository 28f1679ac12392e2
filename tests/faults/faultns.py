# SPDX-License-Identifier: MIT
"""A private network namespace for the fault tests, with TCP listeners.

Every packet a test sends stays inside a namespace created here (name prefix
"cmflt" + pid); close() kills the listeners and deletes the namespace, and
the fixture calls it even when the test fails.
"""

import itertools
import os
import re
import subprocess
import sys
import time

_serial = itertools.count()

# Accepts and closes every connection on the given ports; prints "ready"
# once all of them are listening.
_LISTENER = r"""
import selectors, socket, sys
sel = selectors.DefaultSelector()
for port in map(int, sys.argv[1:]):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(512)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        try:
            conn, _ = key.fileobj.accept()
            conn.close()
        except OSError:
            pass
"""

# What a crash or a sanitizer report looks like on stderr.
CRASH_MARKERS = re.compile(r"Sanitizer|runtime error:|Segmentation fault|core dumped|"
                           r"stack smashing|double free|malloc\(\)|free\(\)")


class NetnsError(Exception):
    pass


def _ip(*args):
    res = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=10)
    if res.returncode != 0:
        raise NetnsError(f"ip {' '.join(args)}: {res.stderr.strip()}")


class Netns:
    """A namespace with lo up; run()/popen() execute commands inside it."""

    def __init__(self):
        self.name = f"cmflt{os.getpid()}n{next(_serial)}"
        self._listeners = []
        _ip("netns", "add", self.name)
        try:
            _ip("-n", self.name, "link", "set", "lo", "up")
        except NetnsError:
            self.close()
            raise

    def argv(self, argv):
        return ["ip", "netns", "exec", self.name, *argv]

    def run(self, argv, timeout=20, **kwargs):
        """Run to completion (bounded by timeout); stdout/stderr as text."""
        return subprocess.run(self.argv(argv), capture_output=True, text=True,
                              errors="replace", timeout=timeout, **kwargs)

    def popen(self, argv, **kwargs):
        # "ip netns exec" execs the command, so the child's pid is the
        # command's own and signals sent to it reach the scanner.
        return subprocess.Popen(self.argv(argv), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, errors="replace",
                                **kwargs)

    def listen(self, ports):
        """Start listeners on 127.0.0.1:ports; returns once they accept."""
        proc = subprocess.Popen(self.argv([sys.executable, "-c", _LISTENER,
                                           *map(str, ports)]),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self._listeners.append(proc)
        line = proc.stdout.readline()
        if line.strip() != "ready":
            raise NetnsError(f"listener failed: {proc.stderr.read()}")

    def close(self):
        for proc in self._listeners:
            proc.kill()
            proc.wait(timeout=5)
        self._listeners = []
        deadline = time.monotonic() + 5
        while True:
            try:
                _ip("netns", "del", self.name)
                return
            except NetnsError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


def assert_no_crash(res):
    """The process exited by itself (no signal) and printed no crash report."""
    assert res.returncode >= 0, f"killed by signal {-res.returncode}: {res.stderr[-2000:]}"
    assert not CRASH_MARKERS.search(res.stderr), res.stderr[-4000:]
