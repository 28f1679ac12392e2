// SPDX-License-Identifier: MIT
// -sU: a datagram per nmap-payloads entry for the port (an empty one when
// the file has none), all sent at each try as nmap does. Any UDP answer is
// open (udp-response); ICMP port unreachable closed (port-unreach); other
// unreachables filtered with nmap's reason; silence open|filtered.
// Only our source port is echoed, so a reply answers the latest try.
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "data/payloads.h"
#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/udp.h"
#include "report/model.h"
#include "scan/technique.h"

/* ICMP (RFC 792) and ICMPv6 (RFC 4443) port-unreachable codes. */
#define ICMP4_PORT_UNREACH 3
#define ICMP6_PORT_UNREACH 4

static unsigned packets(const struct scan_technique *t, uint16_t port)
{
    unsigned n = payloads_count(t->payloads, port);
    return n ? n : 1;
}

static size_t build(const struct scan_technique *t, const struct probe_spec *p, uint8_t *buf,
                    size_t cap)
{
    bool v6 = p->family == AF_INET6;
    size_t ip_len = v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN;
    if (cap < ip_len) return 0;
    size_t plen = 0;
    const uint8_t *payload = payloads_get(t->payloads, p->dport, p->variant, &plen);
    struct pkt_ends ends = {.family = p->family};
    memcpy(ends.src, p->self, v6 ? 16 : 4);
    memcpy(ends.dst, p->target, v6 ? 16 : 4);
    size_t udp_len, hl;
    if (udp_build(buf + ip_len, cap - ip_len, p->sport, p->dport, payload, plen, &ends, &udp_len) !=
        PKT_OK)
        return 0;
    enum pkt_status st;
    if (v6) {
        struct ipv6_params ip = {.next_header = IPPROTO_UDP, .hop_limit = p->ttl};
        memcpy(ip.src, p->self, 16);
        memcpy(ip.dst, p->target, 16);
        st = ipv6_build(buf, cap, &ip, udp_len, &hl);
    } else {
        struct ipv4_params ip = {.id = p->ip_id, .ttl = p->ttl, .proto = IPPROTO_UDP};
        memcpy(ip.src, p->self, 4);
        memcpy(ip.dst, p->target, 4);
        st = ipv4_build(buf, cap, &ip, udp_len, &hl);
    }
    return st == PKT_OK ? hl + udp_len : 0;
}

static enum echo_kind echo(const struct scan_technique *t, const struct raw_reply *r, uint32_t *seq)
{
    (void)t;
    (void)seq;
    return r->proto == IPPROTO_UDP ? ECHO_PORT : ECHO_NONE;
}

static bool classify(const struct scan_technique *t, const struct raw_reply *r, uint8_t *state,
                     uint8_t *reason)
{
    (void)t;
    switch (r->kind) {
    case REPLY_UDP:
        *state = PORT_OPEN;
        *reason = REASON_UDP_RESPONSE;
        return true;
    case REPLY_ICMP4:
        *state = r->icmp_code == ICMP4_PORT_UNREACH ? PORT_CLOSED : PORT_FILTERED;
        return reply_icmp4_reason(r->icmp_code, reason);
    case REPLY_ICMP6:
        *state = r->icmp_code == ICMP6_PORT_UNREACH ? PORT_CLOSED : PORT_FILTERED;
        return reply_icmp6_reason(r->icmp_code, reason);
    default:
        return false;
    }
}

const struct scan_technique tech_udp = {
    .task_name = "UDP Scan",
    .xml_type = "udp",
    .proto = PROTO_UDP,
    .silent_state = PORT_OPEN_FILTERED,
    .packets = packets,
    .build = build,
    .echo = echo,
    .classify = classify,
};
