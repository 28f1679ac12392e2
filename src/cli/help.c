// SPDX-License-Identifier: MIT
// -h and -V texts. The help follows the sections and order of nmap's
// summary so users find things where they expect them; the wording is cmap's.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>

#include "cli/cli.h"
#include "core/log.h"

static const char usage_text[] =
    "Usage: cmap [Scan Type(s)] [Options] {target specification}\n"
    "TARGET SPECIFICATION:\n"
    "  Targets may be hostnames, IP addresses, CIDR networks or octet ranges.\n"
    "  Ex: scanme.nmap.org, example.com/24, 192.168.0.1; 10.0.0-255.1-254\n"
    "  -iL <inputfilename>: Read targets from a file ('-' for stdin)\n"
    "  -iR <num hosts>: Pick random targets (0 for no limit)\n"
    "  --exclude <host1[,host2][,host3],...>: Leave out these hosts/networks\n"
    "  --excludefile <exclude_file>: Leave out the hosts listed in a file\n"
    "HOST DISCOVERY:\n"
    "  -sL: List Scan - only list the targets, send nothing to them\n"
    "  -sn: Ping Scan - find live hosts, no port scan\n"
    "  -Pn: Skip host discovery and treat every host as up\n"
    "  -PS/PA/PU/PY[portlist]: Discover with TCP SYN/ACK, UDP or SCTP probes to these ports\n"
    "  -PE/PP/PM: Discover with ICMP echo, timestamp or netmask requests\n"
    "  -PO[protocol list]: Discover with IP protocol probes\n"
    "  -n/-R: Never resolve names/Always resolve them [default: for live hosts]\n"
    "  --dns-servers <serv1[,serv2],...>: Use these DNS servers\n"
    "  --system-dns: Resolve through the operating system's resolver\n"
    "  --traceroute: Trace the hop path to each host\n"
    "SCAN TECHNIQUES:\n"
    "  -sS/sT/sA/sW/sM: TCP SYN, connect(), ACK, Window and Maimon scans\n"
    "  -sU: Scan UDP ports\n"
    "  -sN/sF/sX: TCP scans with no flags, FIN only, or FIN+PSH+URG (Xmas)\n"
    "  --scanflags <flags>: Send custom TCP flags\n"
    "  -sI <zombie host[:probeport]>: Idle scan through a zombie host\n"
    "  -sY/sZ: SCTP scans with INIT or COOKIE-ECHO chunks\n"
    "  -sO: Scan which IP protocols the host speaks\n"
    "  -b <FTP relay host>: Scan through an FTP server (bounce scan)\n"
    "PORT SPECIFICATION AND SCAN ORDER:\n"
    "  -p <port ranges>: Scan only these ports\n"
    "    Ex: -p22; -p1-65535; -p U:53,111,137,T:21-25,80,139,8080,S:9\n"
    "  --exclude-ports <port ranges>: Never scan these ports\n"
    "  -F: Fast mode - scan the 100 most common ports instead of 1000\n"
    "  -r: Scan ports in numeric order instead of a random one\n"
    "  --top-ports <number>: Scan the <number> most common ports\n"
    "  --port-ratio <ratio>: Scan ports seen open more often than <ratio>\n"
    "SERVICE/VERSION DETECTION:\n"
    "  -sV: Probe open ports for the service and version behind them\n"
    "  --version-intensity <level>: From 0 (few probes) to 9 (every probe)\n"
    "  --version-light: Only the most likely probes (intensity 2)\n"
    "  --version-all: Every probe (intensity 9)\n"
    "  --version-trace: Trace version detection in detail (for debugging)\n"
    "SCRIPT SCAN:\n"
    "  -sC: Same as --script=default\n"
    "  --script=<Lua scripts>: Comma-separated list of script files,\n"
    "           directories or categories\n"
    "  --script-args=<n1=v1,[n2=v2,...]>: Pass arguments to the scripts\n"
    "  --script-args-file=filename: Read script arguments from a file\n"
    "  --script-trace: Show everything scripts send and receive\n"
    "  --script-updatedb: Rebuild the script database\n"
    "  --script-help=<Lua scripts>: Describe scripts. <Lua scripts> is a\n"
    "           comma-separated list of script files or categories.\n"
    "OS DETECTION:\n"
    "  -O: Detect the operating system\n"
    "  --osscan-limit: Only try hosts that look promising\n"
    "  --osscan-guess: Guess more aggressively\n"
    "TIMING AND PERFORMANCE:\n"
    "  A <time> is in seconds unless followed by 'ms' (milliseconds),\n"
    "  's' (seconds), 'm' (minutes) or 'h' (hours), e.g. 30m.\n"
    "  -T<0-5>: Timing template (higher is faster)\n"
    "  --min-hostgroup/max-hostgroup <size>: Bounds on hosts scanned in parallel\n"
    "  --min-parallelism/max-parallelism <numprobes>: Bounds on probes in flight\n"
    "  --min-rtt-timeout/max-rtt-timeout/initial-rtt-timeout <time>: Bounds on\n"
    "      the probe round-trip timeout.\n"
    "  --max-retries <tries>: Limit retransmissions of a port probe.\n"
    "  --host-timeout <time>: Abandon a host after this long\n"
    "  --scan-delay/--max-scan-delay <time>: Pause between probes\n"
    "  --min-rate <number>: Send at least <number> packets per second\n"
    "  --max-rate <number>: Send at most <number> packets per second\n"
    "FIREWALL/IDS EVASION AND SPOOFING:\n"
    "  -f; --mtu <val>: Fragment packets (optionally to the given MTU)\n"
    "  -D <decoy1,decoy2[,ME],...>: Hide the scan among decoy addresses\n"
    "  -S <IP_Address>: Use this source address\n"
    "  -e <iface>: Use this network interface\n"
    "  -g/--source-port <portnum>: Use this source port\n"
    "  --proxies <url1,[url2],...>: Connect through HTTP/SOCKS4 proxies\n"
    "  --data <hex string>: Append these bytes to sent packets\n"
    "  --data-string <string>: Append this ASCII text to sent packets\n"
    "  --data-length <num>: Append this many random bytes to sent packets\n"
    "  --ip-options <options>: Send packets with these IP options\n"
    "  --ttl <val>: Set the IP time-to-live\n"
    "  --spoof-mac <mac address/prefix/vendor name>: Use another MAC address\n"
    "  --badsum: Send packets with a wrong TCP/UDP/SCTP checksum\n"
    "OUTPUT:\n"
    "  -oN/-oX/-oS/-oG <file>: Write normal, XML, s|<rIpt kIddi3\n"
    "     or grepable output to the given file.\n"
    "  -oA <basename>: Write the three main formats at once\n"
    "  -v: More verbose output (-vv or more for even more)\n"
    "  -d: More debugging output (-dd or more for even more)\n"
    "  --reason: Show why each port is in its state\n"
    "  --open: Show only open (or possibly open) ports\n"
    "  --packet-trace: Show every packet sent and received\n"
    "  --iflist: List interfaces and routes (for debugging)\n"
    "  --append-output: Append to the output files instead of replacing them\n"
    "  --resume <filename>: Continue an interrupted scan\n"
    "  --noninteractive: Ignore the keyboard while scanning\n"
    "  --stylesheet <path/URL>: XSL stylesheet that turns the XML into HTML\n"
    "  --webxml: Use the stylesheet from nmap.org, for portable XML\n"
    "  --no-stylesheet: Leave the stylesheet out of the XML\n"
    "MISC:\n"
    "  -6: Scan over IPv6\n"
    "  -A: OS detection, version detection, script scanning and traceroute\n"
    "  --datadir <dirname>: Look for data files here first\n"
    "  --send-eth/--send-ip: Send raw Ethernet frames or raw IP packets\n"
    "  --privileged: Assume full privileges\n"
    "  --unprivileged: Assume no raw socket privileges\n"
    "  -V: Show the version\n"
    "  -h: Show this summary.\n"
    "EXAMPLES:\n"
    "  cmap -v -A scanme.nmap.org\n"
    "  cmap -v -sn 192.168.0.0/16 10.0.0.0/8\n"
    "  cmap -v -iR 10000 -Pn -p 80\n"
    "cmap accepts Nmap's options; see Nmap's manual (https://nmap.org/book/man.html)\n"
    "for the complete list and more examples.\n";

void cli_print_usage(FILE *out)
{
    fprintf(out, "%s %s ( %s )\n%s", CMAP_NAME, CMAP_VERSION, CMAP_URL, usage_text);
}

/* The build's target triple, in the GNU form nmap prints. */
static const char *platform(void)
{
#if defined(__x86_64__)
    return "x86_64-pc-linux-gnu";
#elif defined(__aarch64__)
    return "aarch64-unknown-linux-gnu";
#elif defined(__i386__)
    return "i686-pc-linux-gnu";
#elif defined(__arm__)
    return "arm-unknown-linux-gnueabihf";
#elif defined(__riscv)
    return "riscv64-unknown-linux-gnu";
#else
    return "unknown-unknown-linux-gnu";
#endif
}

void cli_print_version(FILE *out)
{
    fprintf(out,
            "%s version %s ( %s )\n"
            "Platform: %s\n"
            "Compiled with: libpcre2-%d.%d ipv6\n"
            "Compiled without: liblua openssl libssh2 libz libpcap libdnet\n"
            "Available nsock engines: epoll\n",
            CMAP_NAME, CMAP_VERSION, CMAP_URL, platform(), PCRE2_MAJOR, PCRE2_MINOR);
}
