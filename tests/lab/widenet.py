# SPDX-License-Identifier: MIT
"""A namespace of mostly absent hosts, for host discovery tests and benchmarks.

Attached to a running lab's scanner through one more veth pair:

    198.18.9.0/24    on-link from the scanner (ARP); only 198.18.9.2 and
                     198.18.9.3 exist, so the rest never answer ARP
    198.19.0.0/16    routed through 198.18.9.2; inside the namespace a local
                     route answers for the whole prefix, and an nft rule
                     drops everything to it except the few UP addresses.
                     198.19.200.0/24 is rejected with ICMP host-unreachable.
    fd00:18:9::/120  on-link (ND); only fd00:18:9::2 and ::3 exist
    fd00:19::/112    routed through fd00:18:9::2, local inside, same rules

The namespace's interface has a MAC address from a registered prefix
(00:50:56, VMware), so "MAC Address: ... (VMware)" can be compared.
Names follow the lab's (<lab id>-wide, cml<pid>s9/t9), so lab.py down
removes a leftover of a killed run.
"""

import lab as labmod

UP_V4 = ("198.19.0.1", "198.19.0.200", "198.19.17.4", "198.19.128.77", "198.19.255.254")
UP_V6 = ("fd00:19::1", "fd00:19::2:7", "fd00:19::fffe")
LAN_V4 = ("198.18.9.2", "198.18.9.3")
LAN_V6 = ("fd00:18:9::2", "fd00:18:9::3")
REJECT_V4 = "198.19.200.0/24"
WIDE_V4 = "198.19.0.0/16"
WIDE_V6 = "fd00:19::/112"
LAN_NET_V4 = "198.18.9.0/24"
LAN_NET_V6 = "fd00:18:9::/120"
MAC = "00:50:56:00:09:02"
INDEX = 9


class WideNet:
    def __init__(self, lab):
        self.lab = lab
        self.ns = f"{lab.id}-wide"
        self.s_if = f"{labmod.IFACE_PREFIX}{lab.pid}s{INDEX}"
        self.t_if = f"{labmod.IFACE_PREFIX}{lab.pid}t{INDEX}"

    def up(self):
        self.down()
        try:
            self._build()
        except BaseException:
            self.down()
            raise
        return self

    def down(self):
        if self.ns in labmod.list_namespaces():
            labmod.delete_namespace(self.ns)

    def _build(self):
        run = labmod.run
        run(["ip", "netns", "add", self.ns])
        sysctl = ["ip", "netns", "exec", self.ns, "sysctl", "-q", "-w"]
        run(sysctl + ["net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0",
                      "net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0",
                      "net.ipv4.ip_nonlocal_bind=1"])
        run(["ip", "-n", self.ns, "link", "set", "lo", "up"])
        scan = self.lab.scanner
        run(["ip", "link", "add", self.s_if, "netns", scan, "type", "veth", "peer", "name",
             self.t_if, "netns", self.ns])
        ip_s, ip_t = ["ip", "-n", scan], ["ip", "-n", self.ns]
        run(ip_t + ["link", "set", self.t_if, "address", MAC])
        for cmd in (ip_s, ip_t):
            run(cmd + ["link", "set", self.s_if if cmd is ip_s else self.t_if, "up"])
        for a in LAN_V4:
            run(ip_t + ["addr", "add", f"{a}/32", "dev", self.t_if])
        for a in LAN_V6:
            run(ip_t + ["addr", "add", f"{a}/128", "dev", self.t_if, "nodad"])
        run(ip_t + ["route", "add", f"{labmod.SCANNER_V4}/32", "dev", self.t_if])
        run(ip_t + ["-6", "route", "add", f"{labmod.SCANNER_V6}/128", "dev", self.t_if])
        run(ip_t + ["route", "add", "local", WIDE_V4, "dev", "lo"])
        run(ip_t + ["-6", "route", "add", "local", WIDE_V6, "dev", "lo"])
        run(ip_s + ["route", "add", LAN_NET_V4, "dev", self.s_if, "src", labmod.SCANNER_V4])
        run(ip_s + ["-6", "route", "add", LAN_NET_V6, "dev", self.s_if, "src",
                    labmod.SCANNER_V6])
        run(ip_s + ["route", "add", WIDE_V4, "via", LAN_V4[0], "dev", self.s_if])
        run(ip_s + ["-6", "route", "add", WIDE_V6, "via", LAN_V6[0], "dev", self.s_if])
        rules = f"""
table inet cmwide {{
    chain input {{
        type filter hook input priority 0; policy accept;
        ip daddr {REJECT_V4} reject with icmp type host-unreachable
        ip daddr {WIDE_V4} ip daddr != {{ {", ".join(UP_V4)} }} drop
        ip6 daddr {WIDE_V6} ip6 daddr != {{ {", ".join(UP_V6)} }} drop
    }}
}}
"""
        run(["ip", "netns", "exec", self.ns, "nft", "-f", "-"], stdin=rules)
