# SPDX-License-Identifier: MIT
"""--iflist: cmap prints nmap 7.93's interface and route tables byte for byte.

The tests build their own pair of namespaces (names carry the process id)
joined by veth pairs, with lab addresses from 198.18.0.0/15 and fd00::/8,
an IPv4 alias and a secondary address with another mask, a point-to-point
style /32, an interface that is down, one without ARP, gateways, metrics
and an unreachable route. Nothing is sent: --iflist only reads the system.
Everything is removed in a finalizer.
"""

import os
import subprocess
import time

import pytest

from labrun import NMAP, run_in

TAG = f"pki{os.getpid() % 100000}"
NS_MAIN = f"pktifl{os.getpid()}"
NS_PEER = f"pktifl{os.getpid()}p"
NS_EMPTY = f"pktifl{os.getpid()}e"

SETUP = [
    f"ip link add {TAG}a netns {NS_MAIN} type veth peer name {TAG}b netns {NS_PEER}",
    f"ip link add {TAG}c netns {NS_MAIN} type veth peer name {TAG}d netns {NS_PEER}",
    f"ip link add {TAG}e netns {NS_MAIN} type veth peer name {TAG}f netns {NS_PEER}",
]
MAIN_SETUP = [
    "sysctl -qw net.ipv6.conf.all.accept_dad=0",
    "sysctl -qw net.ipv6.conf.default.accept_dad=0",
    "ip link set lo up",
    f"ip link set {TAG}a up",
    f"ip link set {TAG}e up arp off",
    f"ip link set {TAG}c mtu 1400",
    f"ip addr add 198.18.40.1/24 dev {TAG}a",
    f"ip addr add 198.19.40.1/16 dev {TAG}a",
    f"ip addr add 198.18.40.9/24 dev {TAG}a label {TAG}a:7",
    f"ip addr add 198.18.41.1/32 peer 198.18.41.2 dev {TAG}e",
    f"ip addr add fd00:40::1/64 dev {TAG}a",
    f"ip addr add fd00:41::1/48 dev {TAG}a",
    f"ip addr add fd00:42::1/64 dev {TAG}e",
    "ip route add 198.18.140.0/24 via 198.18.40.254 metric 5",
    "ip route add 198.18.141.0/24 via 198.18.40.253",
    "ip route add default via 198.18.40.254",
    "ip route add unreachable 198.18.150.0/24",
    "ip route add table 100 198.18.160.0/24 dev " + f"{TAG}a",
    "ip -6 route add fd00:99::/64 via fd00:40::2 metric 7",
    "ip -6 route add default via fd00:40::2",
    "ip -6 route add unreachable fd00:98::/64",
]


def sh(argv):
    subprocess.run(argv, check=True, capture_output=True, text=True, timeout=20)


def settle(ns):
    """Waits until the namespace's IPv6 addresses stop changing."""
    previous = None
    for _ in range(40):
        now = run_in(ns, ["cat", "/proc/net/if_inet6"], timeout=10).stdout
        if now == previous:
            return
        previous = now
        time.sleep(0.25)


@pytest.fixture(scope="module")
def namespaces(request):
    if os.geteuid() != 0:
        pytest.skip("needs root for network namespaces")

    def cleanup():
        for ns in (NS_MAIN, NS_PEER, NS_EMPTY):
            subprocess.run(["ip", "netns", "delete", ns], capture_output=True, timeout=20)

    request.addfinalizer(cleanup)
    for ns in (NS_MAIN, NS_PEER, NS_EMPTY):
        sh(["ip", "netns", "add", ns])
    for cmd in SETUP:
        sh(cmd.split())
    sh(["ip", "netns", "exec", NS_PEER, "ip", "link", "set", f"{TAG}b", "up"])
    for cmd in MAIN_SETUP:
        sh(["ip", "netns", "exec", NS_MAIN] + cmd.split())
    settle(NS_MAIN)
    return NS_MAIN


def iflist(ns, exe, *extra):
    run = run_in(ns, [exe, "--iflist", *extra], timeout=60)
    assert run.returncode == 0, run.describe()
    return run


def body(run):
    """stdout without the "Starting ..." banner, which names the program."""
    first, _, rest = run.stdout.partition("\n")
    assert first.startswith("Starting "), run.describe()
    return rest


def test_tables_match_nmap(namespaces, cmap_bin):
    nmap, cmap = iflist(namespaces, NMAP), iflist(namespaces, cmap_bin)
    assert "198.19.40.1/24" in body(nmap), "the lab setup lost nmap's alias-mask quirk"
    assert body(cmap) == body(nmap)
    assert cmap.stderr == nmap.stderr == ""


def test_peer_namespace_matches_nmap(namespaces, cmap_bin):
    assert body(iflist(NS_PEER, cmap_bin)) == body(iflist(NS_PEER, NMAP))


def test_nothing_up_matches_nmap(namespaces, cmap_bin):
    cmap = body(iflist(NS_EMPTY, cmap_bin))
    assert cmap == body(iflist(NS_EMPTY, NMAP))
    assert "ROUTES: NONE FOUND(!)" in cmap


def test_output_files_as_nmap(namespaces, cmap_bin, tmp_path):
    files = {}
    for name, exe in (("nmap", NMAP), ("cmap", cmap_bin)):
        base = tmp_path / name
        iflist(namespaces, exe, "-oA", str(base))
        files[name] = {ext: (tmp_path / f"{name}.{ext}").read_text()
                       for ext in ("nmap", "xml", "gnmap")}
    assert files["cmap"] == files["nmap"]
    assert files["cmap"]["xml"] == "" and files["cmap"]["nmap"].startswith("*****")


@pytest.mark.parametrize("options", [["-oN", "-"], ["-oX", "-"], ["-v0"]])
def test_stdout_choice_as_nmap(namespaces, cmap_bin, options):
    nmap = iflist(namespaces, NMAP, *options)
    cmap = iflist(namespaces, cmap_bin, *options)
    assert cmap.stdout == nmap.stdout
