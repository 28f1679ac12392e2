# SPDX-License-Identifier: MIT
"""Reading nmap-format outputs into comparable values.

Everything here drops only what legitimately differs between two runs or
two programs (dates, durations, latencies, the program name in comment
lines) and keeps everything a consumer of the output could key on.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

LATENCY = re.compile(r"\((?:\d+(?:\.\d+)?|\.\d+)s latency\)")


@dataclass
class HostResult:
    state: str
    reason: str
    hostnames: tuple
    # (protocol, port, state, reason) for listed ports and for folded ports
    # whose <extrareasons> name them.
    ports: set = field(default_factory=set)
    # (protocol, state, reason) -> count for folded ports not named.
    folded_counts: dict = field(default_factory=dict)


def expand_ranges(text):
    """"1-3,7" -> [1, 2, 3, 7]; raises ValueError on anything else."""
    ports = []
    for part in text.split(","):
        low, sep, high = part.partition("-")
        first = int(low)
        last = int(high) if sep else first
        if not 0 <= first <= last <= 65535:
            raise ValueError(f"bad port range {part!r}")
        ports.extend(range(first, last + 1))
    return ports


def parse_xml(text):
    """Parse an nmap XML document; a malformed file fails the test here."""
    return ET.fromstring(text.encode() if isinstance(text, str) else text)


def host_address(host):
    for addr in host.findall("address"):
        if addr.get("addrtype", "ipv4") in ("ipv4", "ipv6"):
            return addr.get("addr")
    raise AssertionError("host element without an IP address")


def _folded(host_result, extraports):
    state = extraports.get("state")
    reasons = extraports.findall("extrareasons")
    for er in reasons:
        proto, reason = er.get("proto", "tcp"), er.get("reason")
        if er.get("ports"):
            ports = expand_ranges(er.get("ports"))
            if len(ports) != int(er.get("count")):
                raise AssertionError(f"extrareasons count {er.get('count')} != ports listed")
            host_result.ports.update((proto, p, state, reason) for p in ports)
        else:
            key = (proto, state, reason)
            host_result.folded_counts[key] = host_result.folded_counts.get(key, 0) + int(
                er.get("count"))
    if not reasons:
        key = ("?", state, "?")
        host_result.folded_counts[key] = host_result.folded_counts.get(key, 0) + int(
            extraports.get("count"))


def xml_hosts(text):
    """{address: HostResult} in document order (dicts keep insertion order)."""
    hosts = {}
    for host in parse_xml(text).findall("host"):
        status = host.find("status")
        names = tuple((h.get("name"), h.get("type")) for h in host.findall("hostnames/hostname"))
        result = HostResult(status.get("state"), status.get("reason"), names)
        for port in host.findall("ports/port"):
            st = port.find("state")
            result.ports.add((port.get("protocol"), int(port.get("portid")), st.get("state"),
                              st.get("reason")))
        for extraports in host.findall("ports/extraports"):
            _folded(result, extraports)
        hosts[host_address(host)] = result
    return hosts


def xml_run_summary(text):
    """What a run says about itself, minus times: scaninfo, levels, totals."""
    root = parse_xml(text)

    def keep(el, names):
        return None if el is None else tuple((n, el.get(n)) for n in names)

    return {
        "nmaprun": keep(root, ("scanner", "version", "xmloutputversion")),
        "scaninfo": [keep(el, ("type", "protocol", "numservices", "services"))
                     for el in root.findall("scaninfo")],
        "verbose": keep(root.find("verbose"), ("level",)),
        "debugging": keep(root.find("debugging"), ("level",)),
        "hosts": keep(root.find("runstats/hosts"), ("up", "down", "total")),
        "exit": keep(root.find("runstats/finished"), ("exit",)),
    }


def xml_port_services(text):
    """{(address, protocol, port): service name} for listed ports."""
    services = {}
    for host in parse_xml(text).findall("host"):
        addr = host_address(host)
        for port in host.findall("ports/port"):
            svc = port.find("service")
            services[(addr, port.get("protocol"), int(port.get("portid")))] = (
                svc.get("name") if svc is not None else None)
    return services


SERVICE_ATTRS = ("name", "product", "version", "extrainfo", "tunnel", "proto", "rpcnum",
                 "lowver", "highver", "hostname", "ostype", "devicetype", "method", "conf",
                 "servicefp")


@dataclass(frozen=True)
class PortService:
    """One <port> of -sV output: its state and every <service> attribute
    (None when absent), the <cpe> texts in order."""
    state: str
    attrs: dict
    cpes: tuple

    def get(self, name):
        return self.attrs.get(name)


def xml_port_details(text):
    """{(address, protocol, port): PortService} for listed ports."""
    ports = {}
    for host in parse_xml(text).findall("host"):
        addr = host_address(host)
        for port in host.findall("ports/port"):
            svc = port.find("service")
            attrs = {n: (svc.get(n) if svc is not None else None) for n in SERVICE_ATTRS}
            unknown = set(svc.keys()) - set(SERVICE_ATTRS) if svc is not None else set()
            if unknown:
                raise AssertionError(f"<service> with unknown attributes {sorted(unknown)}")
            cpes = tuple(c.text for c in svc.findall("cpe")) if svc is not None else ()
            ports[(addr, port.get("protocol"), int(port.get("portid")))] = PortService(
                port.find("state").get("state"), attrs, cpes)
    return ports


ELAPSED = re.compile(r"at \d\d:\d\d(, [0-9.]+s elapsed)?")
DATA_DIR = re.compile(r"^Read data files from: .*")


def normal_body(text):
    """Normal output without comment lines and with latencies blanked."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        line = DATA_DIR.sub("Read data files from: DIR", line)
        lines.append(LATENCY.sub("(Xs latency)", line))
    return lines


def interactive_body(text):
    """Interactive stdout without the start and done lines, with -v clock
    times blanked, the data directory masked, and "Discovered open port"
    lines sorted in place (their order across hosts depends on timing)."""
    lines = [ELAPSED.sub("at T", line) for line in normal_body(text)
             if not line.startswith(("Starting ", "Nmap done:"))]
    found = sorted(line for line in lines if line.startswith("Discovered open port"))
    it = iter(found)
    return [next(it) if line.startswith("Discovered open port") else line for line in lines]


def not_shown_lines(text):
    return [line for line in text.splitlines() if line.startswith("Not shown:")]


def port_table(text):
    """The PORT table rows (header included) of every host, in order."""
    rows, inside = [], False
    for line in text.splitlines():
        if line.startswith("PORT "):
            inside = True
        elif not line.strip() or line.startswith(("#", "Nmap ", "Host ")):
            inside = False
        if inside:
            rows.append(line)
    return rows


def report_lines(text):
    return [line for line in text.splitlines() if line.startswith("Nmap scan report for")]


def grepable_lines(text):
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def xml_port_versions(text):
    """{(address, protocol, port): <service> attributes} for listed ports,
    servicefp left out (it carries the scan's time)."""
    versions = {}
    for host in parse_xml(text).findall("host"):
        addr = host_address(host)
        for port in host.findall("ports/port"):
            svc = port.find("service")
            attrs = dict(svc.attrib) if svc is not None else {}
            attrs.pop("servicefp", None)
            if svc is not None:
                attrs["cpe"] = [c.text for c in svc.findall("cpe")]
            versions[(addr, port.get("protocol"), int(port.get("portid")))] = attrs
    return versions


def xml_servicefps(text):
    """{port: servicefp} with the scan's date and time blanked."""
    fps = {}
    for port in parse_xml(text).iter("port"):
        svc = port.find("service")
        if svc is not None and svc.get("servicefp"):
            fps[int(port.get("portid"))] = re.sub(r"%D=\d+/\d+%Time=[0-9A-F]+", "%D=%Time=",
                                                  svc.get("servicefp"))
    return fps


def script_output(stdout, name):
    """The text of script `name` in the normal output, without the |/|_ bars."""
    lines = stdout.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^\|_? ?" + re.escape(name) + r": ?(.*)$", line)
        if m:
            out = [m.group(1)]
            if line.startswith("|_"):
                return "\n".join(out)
            for rest in lines[i + 1:]:
                out.append(re.sub(r"^\|_? ?", "", rest))
                if rest.startswith("|_"):
                    break
            return "\n".join(out)
    return None
