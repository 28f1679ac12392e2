#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A lab of network namespaces for cmap's end-to-end tests.

One scanner namespace and four target namespaces, each target on its own
veth pair to the scanner (point-to-point /32 and /128 routes):

    role      IPv4         IPv6           behaviour
    open      198.18.1.2   fd00:18:1::2   listeners, nothing filtered; UDP 7, 53,
                                          123 answer, 69 and 161 stay silent
    filtered  198.18.1.3   fd00:18:1::3   listeners, some ports dropped
    reject    198.18.1.4   fd00:18:1::4   listeners, ports rejected with a
                                          TCP reset or various ICMP errors
                                          (UDP too: closed ports give port
                                          unreachables, some other codes)
    dark      198.18.1.5   fd00:18:1::5   listeners behind a drop-all policy

The scanner is 198.18.0.1 / fd00:18::1 and also runs listeners on its
127.0.0.1 and ::1 (for hostname tests with "localhost"). No namespace has a
default route; the scanner's only routes are for lab addresses, and every
other address of 198.18.0.0/15 and fd00::/8 is an "unreachable" route there.
While the lab is up, an nft table in the root namespace drops anything sent
to those prefixes through a non-lab interface, so a scanner started in the
wrong namespace cannot reach the outside world.

Names carry the creating process id (namespaces "cmlab<pid>-<role>",
interfaces "cml<pid><s|t><n>", guard table "cmlab<pid>_guard"), so parallel
runs never collide and leftovers of dead runs can be recognised.

Command line:  lab.py up | down [--all] | status
"""

import atexit
import os
import re
import shutil
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

LAB_PREFIX = "cmlab"
IFACE_PREFIX = "cml"
CMD_TIMEOUT = 20
LISTENER_START_TIMEOUT = 10
LISTENER_STOP_TIMEOUT = 5
HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
REQUIRED_TOOLS = ("ip", "nft")

SCANNER_V4 = "198.18.0.1"
SCANNER_V6 = "fd00:18::1"
LAB_NET_V4 = "198.18.0.0/15"
LAB_NET_V6 = "fd00::/8"
SCANNER_LOCAL_PORTS = (22, 80, 631)
SSH_BANNER = r"SSH-2.0-OpenSSH_9.2p1 cmlab\r\n"

# Why these rules: they give every state/reason a connect scan can see.
# "filtered" silently drops a few ports (filtered, no-response), including
# 443 where a listener runs. "reject" answers with each kind of refusal.
# "dark" drops everything except neighbour discovery, so it stays a silent
# host rather than an unresolvable one.
FILTERED_RULES = """
    tcp dport { 25, 135-139, 443, 1000-1010, 8080 } drop
    udp dport { 53, 161 } drop
"""
REJECT_RULES = """
    tcp dport { 21, 113 } reject with tcp reset
    tcp dport 443 reject with icmpx type admin-prohibited
    tcp dport 8080 reject with icmpx type host-unreachable
    tcp dport 25 reject with icmpx type port-unreachable
    meta nfproto ipv4 tcp dport 110 reject with icmp type net-unreachable
    udp dport 53 reject with icmpx type admin-prohibited
    udp dport 123 reject with icmpx type host-unreachable
    udp dport 161 drop
    meta nfproto ipv4 udp dport 137 reject with icmp type net-unreachable
"""
DARK_RULES = """
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
    drop
"""


@dataclass(frozen=True)
class Target:
    role: str
    index: int
    listen: tuple
    rules: str = ""
    banners: dict = field(default_factory=dict)
    udp: tuple = ()         # UDP ports that answer every datagram
    udp_silent: tuple = ()  # UDP ports bound but silent

    @property
    def v4(self):
        return f"198.18.1.{self.index + 1}"

    @property
    def v6(self):
        return f"fd00:18:1::{self.index + 1}"


TARGETS = (
    Target("open", 1, (22, 80, 443, 3306, 8080, 31337), banners={22: SSH_BANNER},
           udp=(7, 53, 123), udp_silent=(69, 161)),
    Target("filtered", 2, (22, 80, 443, 8080), FILTERED_RULES, udp=(7, 53)),
    Target("reject", 3, (22, 80, 443, 8080), REJECT_RULES, udp=(7,)),
    Target("dark", 4, (22, 80, 443), DARK_RULES),
)
# Added on demand by the -sV daemons fixture (conftest.py: svc_host), not
# part of every lab: real daemons take seconds to start.
SVC_TARGET = Target("svc", 9, ())


class LabError(RuntimeError):
    pass


def run(argv, timeout=CMD_TIMEOUT, stdin=None, check=True):
    """Run a command with a time limit; raise LabError with its stderr."""
    try:
        proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"timed out after {timeout}s: {' '.join(argv)}") from exc
    if check and proc.returncode != 0:
        raise LabError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc


def missing_prerequisites():
    """A list of reasons the lab cannot run here (empty when it can)."""
    problems = []
    if os.geteuid() != 0:
        problems.append("the lab needs root (network namespaces, veth, nft)")
    for tool in REQUIRED_TOOLS:
        if shutil.which(tool) is None:
            problems.append(f"required tool '{tool}' not found in PATH")
    return problems


def pid_alive(pid):
    """True for a running process; a zombie (exited, not yet reaped) is dead."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
    except FileNotFoundError:
        return False
    # The state letter follows the parenthesised command name.
    return stat[stat.rfind(")") + 2:][:1] != "Z"


def list_namespaces():
    out = run(["ip", "netns", "list"]).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def list_guard_tables():
    out = run(["nft", "list", "tables"]).stdout
    return re.findall(rf"^table inet ({LAB_PREFIX}\d+_guard)$", out, re.M)


def owner_pid(name):
    match = re.match(rf"{LAB_PREFIX}(\d+)", name)
    return int(match.group(1)) if match else None


def kill_namespace_processes(ns):
    """Stop the processes this lab started inside ns (listeners)."""
    proc = run(["ip", "netns", "pids", ns], check=False)
    pids = [int(p) for p in proc.stdout.split() if p.isdigit()]
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + LISTENER_STOP_TIMEOUT
    while pids and time.monotonic() < deadline:
        pids = [p for p in pids if pid_alive(p)]
        time.sleep(0.05)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def delete_namespace(ns):
    kill_namespace_processes(ns)
    run(["ip", "netns", "delete", ns], check=False)


def remove_stale(everything=False):
    """Remove cmlab namespaces and guard tables of dead runs (or all)."""
    removed = []
    for ns in list_namespaces():
        pid = owner_pid(ns)
        if pid is not None and (everything or not pid_alive(pid)):
            delete_namespace(ns)
            removed.append(ns)
    for table in list_guard_tables():
        pid = owner_pid(table)
        if everything or not pid_alive(pid):
            run(["nft", "delete", "table", "inet", table], check=False)
            removed.append(table)
    return removed


class Lab:
    """The lab of one process. up() builds it, down() removes all of it."""

    def __init__(self, pid=None):
        self.pid = pid if pid is not None else os.getpid()
        self.id = f"{LAB_PREFIX}{self.pid}"
        self.scanner = f"{self.id}-scan"
        self.targets = {t.role: t for t in TARGETS}
        self.listeners = []
        self.extra = []  # targets added by add_target(), removed by down()

    def ns(self, role):
        return f"{self.id}-{role}"

    def namespaces(self):
        return [self.scanner] + [self.ns(t.role) for t in TARGETS + tuple(self.extra)]

    def add_target(self, target):
        """One more target namespace linked to the scanner (no listeners),
        for tests that run their own services; down() removes it too."""
        self.extra.append(target)
        self.targets[target.role] = target
        self._create_namespace(self.ns(target.role))
        self._link_target(target)
        self._apply_rules(target)
        return self.ns(target.role)

    def remove_target(self, target):
        if target in self.extra:
            delete_namespace(self.ns(target.role))
            self.extra.remove(target)
            del self.targets[target.role]

    @property
    def guard_table(self):
        return f"{self.id}_guard"

    def iface(self, side, target):
        return f"{IFACE_PREFIX}{self.pid}{side}{target.index}"

    def up(self):
        problems = missing_prerequisites()
        if problems:
            raise LabError("; ".join(problems))
        self.down()
        try:
            self._install_guard()
            for ns in self.namespaces():
                self._create_namespace(ns)
            self._scanner_routes()
            for target in TARGETS:
                self._link_target(target)
                self._apply_rules(target)
            self._start_all_listeners()
            self._check_reachable()
        except BaseException:
            self.down()
            raise
        return self

    def down(self):
        """Idempotent; safe from finalizers, atexit and signal handlers."""
        for proc in self.listeners:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.listeners:
            try:
                proc.wait(timeout=LISTENER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=LISTENER_STOP_TIMEOUT)
        self.listeners = []
        present = set(list_namespaces())
        for ns in self.namespaces():
            if ns in present:
                delete_namespace(ns)
        # Namespaces built on this lab by others (widenet's "<id>-wide",
        # the traceroute lab's routers) go too: a signal that ends the
        # process runs only this teardown.
        for ns in present - set(self.namespaces()):
            if ns.startswith(self.id + "-"):
                delete_namespace(ns)
        if self.guard_table in list_guard_tables():
            run(["nft", "delete", "table", "inet", self.guard_table])
        for target in self.extra:
            self.targets.pop(target.role, None)
        self.extra = []

    def _install_guard(self):
        table = f"""
table inet {self.guard_table} {{
    chain guard_output {{
        type filter hook output priority -300; policy accept;
        ip daddr {LAB_NET_V4} oifname != "{IFACE_PREFIX}*" drop
        ip6 daddr {LAB_NET_V6} oifname != "{IFACE_PREFIX}*" drop
    }}
    chain guard_forward {{
        type filter hook forward priority -300; policy accept;
        ip daddr {LAB_NET_V4} oifname != "{IFACE_PREFIX}*" drop
        ip6 daddr {LAB_NET_V6} oifname != "{IFACE_PREFIX}*" drop
    }}
}}
"""
        run(["nft", "-f", "-"], stdin=table)

    def _create_namespace(self, ns):
        run(["ip", "netns", "add", ns])
        in_ns = ["ip", "netns", "exec", ns, "sysctl", "-q", "-w"]
        # Interfaces created later inherit "default": no DAD delay on fd00::.
        run(in_ns + ["net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0"])
        # ICMP errors must not be rate limited, or reasons become random.
        run(in_ns + ["net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0"])
        run(["ip", "-n", ns, "link", "set", "lo", "up"])

    def _scanner_routes(self):
        for family, net in (("-4", LAB_NET_V4), ("-6", LAB_NET_V6)):
            run(["ip", family, "-n", self.scanner, "route", "add", "unreachable", net])

    def _link_target(self, target):
        s_if, t_if = self.iface("s", target), self.iface("t", target)
        t_ns = self.ns(target.role)
        run(["ip", "link", "add", s_if, "netns", self.scanner, "type", "veth",
             "peer", "name", t_if, "netns", t_ns])
        ends = ((self.scanner, s_if, SCANNER_V4, SCANNER_V6, target.v4, target.v6),
                (t_ns, t_if, target.v4, target.v6, SCANNER_V4, SCANNER_V6))
        for ns, dev, my4, my6, peer4, peer6 in ends:
            ip = ["ip", "-n", ns]
            run(ip + ["addr", "add", f"{my4}/32", "dev", dev])
            run(ip + ["addr", "add", f"{my6}/128", "dev", dev, "nodad"])
            run(ip + ["link", "set", dev, "up"])
            run(ip + ["route", "add", f"{peer4}/32", "dev", dev])
            run(ip + ["-6", "route", "add", f"{peer6}/128", "dev", dev])

    def _apply_rules(self, target):
        if not target.rules:
            return
        ruleset = f"""
table inet cmlab {{
    chain input {{
        type filter hook input priority 0; policy accept;
        {target.rules}
    }}
}}
"""
        run(["ip", "netns", "exec", self.ns(target.role), "nft", "-f", "-"], stdin=ruleset)

    def _start_all_listeners(self):
        for target in TARGETS:
            self._start_listener(self.ns(target.role), ("0.0.0.0", "::"), target.listen,
                                 target.banners, target.udp, target.udp_silent)
        self._start_listener(self.scanner, ("127.0.0.1", "::1"), SCANNER_LOCAL_PORTS, {})

    def _start_listener(self, ns, addrs, ports, banners, udp=(), udp_silent=()):
        argv = ["ip", "netns", "exec", ns, PYTHON, os.path.join(HERE, "listeners.py")]
        argv += [arg for a in addrs for arg in ("--addr", a)]
        argv += [arg for p in ports for arg in ("--port", str(p))]
        argv += [arg for p, b in banners.items() for arg in ("--banner", f"{p}={b}")]
        argv += [arg for p in udp for arg in ("--udp", str(p))]
        argv += [arg for p in udp_silent for arg in ("--udp-silent", str(p))]
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.listeners.append(proc)
        wait_ready(proc, ns)

    def _check_reachable(self):
        """Fail early, with a clear message, if the wiring is broken."""
        probe = ("import socket,sys\n"
                 "for a in sys.argv[1:]:\n"
                 "    socket.create_connection((a, 22), timeout=3).close()\n")
        target = self.targets["open"]
        run(["ip", "netns", "exec", self.scanner, PYTHON, "-c", probe, target.v4, target.v6,
             "127.0.0.1"])

    def describe(self):
        lines = [f"lab {self.id}: scanner namespace {self.scanner} "
                 f"({SCANNER_V4}, {SCANNER_V6}; listeners on 127.0.0.1 "
                 f"ports {','.join(map(str, SCANNER_LOCAL_PORTS))})"]
        for t in TARGETS:
            lines.append(f"  {t.role:9} {self.ns(t.role):22} {t.v4:12} {t.v6:14} "
                         f"listening {','.join(map(str, t.listen))}")
        return "\n".join(lines)


def wait_ready(proc, ns):
    """Wait for a listener's "ready" line, bounded in time."""
    ready, _, _ = select.select([proc.stdout], [], [], LISTENER_START_TIMEOUT)
    line = proc.stdout.readline() if ready else ""
    if line.strip() == "ready":
        return
    if proc.poll() is not None or ready:
        proc.kill()
        raise LabError(f"listener in {ns} failed: {proc.stderr.read().strip()}")
    raise LabError(f"listener in {ns} not ready after {LISTENER_START_TIMEOUT}s")


def install_teardown(lab):
    """Tear the lab down at exit and on SIGTERM/SIGHUP, whatever happens."""
    atexit.register(lab.down)

    def on_signal(signum, _frame):
        lab.down()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)


def main(argv):
    usage = "usage: lab.py up | down [--all] | status"
    if not argv or argv[0] not in ("up", "down", "status"):
        print(usage, file=sys.stderr)
        return 2
    problems = missing_prerequisites()
    if problems:
        print("lab.py: " + "; ".join(problems), file=sys.stderr)
        return 1
    if argv[0] == "up":
        lab = Lab().up()
        print(lab.describe())
        print("remove it with: lab.py down")
    elif argv[0] == "down":
        for name in remove_stale(everything="--all" in argv[1:]):
            print(f"removed {name}")
    else:
        names = [n for n in list_namespaces() if n.startswith(LAB_PREFIX)]
        print("\n".join(names + list_guard_tables()) or "no lab namespaces")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except LabError as exc:
        print(f"lab.py: {exc}", file=sys.stderr)
        sys.exit(1)
