#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A routed chain of namespaces for traceroute tests: paths with real hops.

    scan  198.18.40.1  fd00:40::1
      |   (link a)
    r1    198.18.40.2  fd00:40::2 / 198.18.41.1 fd00:41::1
      |   (link b)
    r2    198.18.41.2  fd00:41::2 / 198.18.42.1 fd00:42::1
      |   (link c)
    tgt   198.18.42.2  fd00:42::2  and 198.18.42.3  fd00:42::3,
          198.18.42.10-29

r1 and r2 forward (and answer expiring packets with ICMP time exceeded,
unrate-limited); the targets run a TCP listener on port 80 (every other TCP
port answers a reset, UDP ports answer port unreachable). Every namespace
has routes only for the lab's own prefixes, no default route, and is not
linked to the root namespace at all, so nothing can leave the chain.

Names: namespaces "trc<pid>-<role>", interfaces "trc<pid><link><side>".
Command line:  tracelab.py up | down
"""

import os
import subprocess
import sys
import time

import lab as labmod

PREFIX = "trc"
SCANNER_V4, SCANNER_V6 = "198.18.40.1", "fd00:40::1"
HOPS_V4 = ("198.18.40.2", "198.18.41.2")
HOPS_V6 = ("fd00:40::2", "fd00:41::2")
TARGETS_V4 = ("198.18.42.2", "198.18.42.3")
TARGETS_V6 = ("fd00:42::2", "fd00:42::3")
# Twenty more targets behind the same routers, for the hop cache at scale.
MANY_V4 = [f"198.18.42.{i}" for i in range(10, 30)]
OPEN_PORT = 80

# (namespace role, its address on the link, the link's name, peer role, peer address)
LINKS = (
    ("a", "scan", ("198.18.40.1", "fd00:40::1"), "r1", ("198.18.40.2", "fd00:40::2")),
    ("b", "r1", ("198.18.41.1", "fd00:41::1"), "r2", ("198.18.41.2", "fd00:41::2")),
    ("c", "r2", ("198.18.42.1", "fd00:42::1"), "tgt", ("198.18.42.2", "fd00:42::2")),
)
# Each namespace's routes toward the rest of the chain: (prefix, next hop).
ROUTES = {
    "scan": (("198.18.41.0/24", "198.18.40.2"), ("198.18.42.0/24", "198.18.40.2"),
             ("fd00:41::/64", "fd00:40::2"), ("fd00:42::/64", "fd00:40::2")),
    "r1": (("198.18.42.0/24", "198.18.41.2"), ("fd00:42::/64", "fd00:41::2")),
    "r2": (("198.18.40.0/24", "198.18.41.1"), ("fd00:40::/64", "fd00:41::1")),
    "tgt": (("198.18.40.0/24", "198.18.42.1"), ("198.18.41.0/24", "198.18.42.1"),
            ("fd00:40::/64", "fd00:42::1"), ("fd00:41::/64", "fd00:42::1")),
}
LISTENER = """
import socket, sys, time
socks = []
for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, %d))
    s.listen(64)
    socks.append(s)
print("ready", flush=True)
time.sleep(3600)
""" % OPEN_PORT


class TraceLab:
    def __init__(self, pid=None):
        self.pid = pid or os.getpid()
        self.listener = None

    def ns(self, role):
        return f"{PREFIX}{self.pid}-{role}"

    @property
    def scanner(self):
        return self.ns("scan")

    def namespaces(self):
        return [self.ns(r) for r in ROUTES]

    def up(self):
        self.down()
        try:
            self._build()
        except BaseException:
            self.down()
            raise
        return self

    def down(self):
        if self.listener is not None:
            self.listener.kill()
            self.listener.wait(timeout=5)
            self.listener = None
        present = labmod.list_namespaces()
        for ns in self.namespaces():
            if ns in present:
                labmod.delete_namespace(ns)

    def _build(self):
        run = labmod.run
        for role in ROUTES:
            ns = self.ns(role)
            run(["ip", "netns", "add", ns])
            run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w",
                 "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0",
                 "net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0",
                 "net.ipv4.ip_forward=1" if role.startswith("r") else "net.ipv4.ip_forward=0",
                 "net.ipv6.conf.all.forwarding=1" if role.startswith("r")
                 else "net.ipv6.conf.all.forwarding=0"])
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
        for name, left, laddr, right, raddr in LINKS:
            lif, rif = f"{PREFIX}{self.pid}{name}0", f"{PREFIX}{self.pid}{name}1"
            run(["ip", "link", "add", lif, "netns", self.ns(left), "type", "veth",
                 "peer", "name", rif, "netns", self.ns(right)])
            for role, dev, (a4, a6) in ((left, lif, laddr), (right, rif, raddr)):
                ip = ["ip", "-n", self.ns(role)]
                run(ip + ["addr", "add", f"{a4}/24", "dev", dev])
                run(ip + ["addr", "add", f"{a6}/64", "dev", dev, "nodad"])
                run(ip + ["link", "set", dev, "up"])
        tgt = self.ns("tgt")
        run(["ip", "-n", tgt, "addr", "add", f"{TARGETS_V4[1]}/24", "dev",
             f"{PREFIX}{self.pid}c1"])
        run(["ip", "-n", tgt, "addr", "add", f"{TARGETS_V6[1]}/64", "dev",
             f"{PREFIX}{self.pid}c1", "nodad"])
        for addr in MANY_V4:
            run(["ip", "-n", tgt, "addr", "add", f"{addr}/24", "dev", f"{PREFIX}{self.pid}c1"])
        for role, routes in ROUTES.items():
            for prefix, via in routes:
                fam = "-6" if ":" in prefix else "-4"
                run(["ip", fam, "-n", self.ns(role), "route", "add", prefix, "via", via])
        self.listener = subprocess.Popen(
            ["ip", "netns", "exec", tgt, labmod.PYTHON, "-c", LISTENER],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        labmod.wait_ready(self.listener, tgt)
        self._check_reachable()

    def _check_reachable(self):
        """Neighbour entries settle before a test counts hops."""
        probe = ("import socket, sys\n"
                 "for a in sys.argv[1:]:\n"
                 "    socket.create_connection((a, %d), timeout=5).close()\n" % OPEN_PORT)
        labmod.run(["ip", "netns", "exec", self.scanner, labmod.PYTHON, "-c", probe,
                    *TARGETS_V4, *TARGETS_V6], timeout=15)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("up", "down"):
        print("usage: tracelab.py up|down PID", file=sys.stderr)
        return 2
    lab = TraceLab(int(argv[2]))
    if argv[1] == "down":
        lab.down()
        return 0
    lab.up()
    lab.listener.stdout.close()
    print(" ".join(lab.namespaces()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
