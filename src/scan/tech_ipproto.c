// SPDX-License-Identifier: MIT
// -sO, nmap 7.93's IP protocol scan: the "port" is the IP protocol number.
// TCP, UDP, ICMP/ICMPv6, IGMP and SCTP get a proper header of their own
// (as nmap: a TCP ACK to port 80, an empty UDP datagram to 40125, an echo
// request, an IGMP membership query, an SCTP INIT to port 80); every other
// protocol an IP packet with no payload. Any packet of the protocol from
// the target, or an ICMP port unreachable from it, is open; a protocol
// unreachable from it closed; other unreachables filtered; silence
// open|filtered. Any ICMP message from the target also opens ICMP itself,
// with that message's reason (nmap's "protoscanicmphack").
//
// Our IPv4 probes carry the keyed source port as their IP ID, so an ICMP
// error quoting any of them is tied to our probe; IPv6 has no ID, and
// there, as in nmap, the protocol alone ties a reply to the probe.
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt/csum.h"
#include "net/pkt/icmp4.h"
#include "net/pkt/icmp6.h"
#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/sctp.h"
#include "net/pkt/tcp.h"
#include "net/pkt/udp.h"
#include "raw/cookie.h"
#include "report/model.h"
#include "scan/technique.h"

/* nmap's destination ports for its TCP, UDP and SCTP protocol probes. */
#define TCP_PROBE_PORT 80
#define UDP_PROBE_PORT 40125
#define SCTP_PROBE_PORT 80
#define IGMP_MEMBERSHIP_QUERY 0x11
#define IGMP_LEN 8

/* IP packets of any protocol, except TCP and UDP to ports other than
 * ours (ARP would otherwise pass the engine's "dst host"). */
_Static_assert(COOKIE_SPORT_BASE == 33000u && COOKIE_SPORT_SPAN == 32000u,
               "the capture filter below spells the cookie port range");
#define CAPTURE "(ip or ip6) and (not tcp and not udp or dst portrange 33000-64999)"

/* The transport part of the probe into buf; its length, or 0 on no room. */
static size_t build_l4(const struct probe_spec *p, uint8_t proto, uint8_t *buf, size_t cap)
{
    bool v6 = p->family == AF_INET6;
    struct pkt_ends ends = {.family = p->family};
    memcpy(ends.src, p->self, v6 ? 16 : 4);
    memcpy(ends.dst, p->target, v6 ? 16 : 4);
    size_t len = 0;
    enum pkt_status st = PKT_OK;
    if (proto == IPPROTO_TCP) {
        struct tcp_params tp = {.sport = p->sport,
                                .dport = TCP_PROBE_PORT,
                                .seq = p->seq,
                                .ack = p->seq,
                                .flags = TCP_ACK,
                                .window = 1024};
        st = tcp_build(buf, cap, &tp, &ends, &len);
    } else if (proto == IPPROTO_UDP) {
        st = udp_build(buf, cap, p->sport, UDP_PROBE_PORT, NULL, 0, &ends, &len);
    } else if (proto == IPPROTO_ICMP && !v6) {
        struct icmp4_params ip = {.type = ICMP4_ECHO, .rest = (uint32_t)p->sport << 16};
        st = icmp4_build(buf, cap, &ip, &len);
    } else if (proto == IPPROTO_ICMPV6 && v6) {
        struct icmp6_params ip = {.type = ICMP6_ECHO, .rest = (uint32_t)p->sport << 16};
        st = icmp6_build(buf, cap, &ip, &ends, &len);
    } else if (proto == IPPROTO_IGMP) {
        if (cap < IGMP_LEN) return 0;
        memset(buf, 0, IGMP_LEN);
        buf[0] = IGMP_MEMBERSHIP_QUERY;
        uint32_t sum = csum_add(0, buf, IGMP_LEN);
        uint16_t c = csum_finish(sum);
        buf[2] = (uint8_t)(c >> 8);
        buf[3] = (uint8_t)c;
        len = IGMP_LEN;
    } else if (proto == IPPROTO_SCTP) {
        struct sctp_common c = {.sport = p->sport, .dport = SCTP_PROBE_PORT};
        struct sctp_init init = {.initiate_tag = p->seq | 1,
                                 .a_rwnd = 32768,
                                 .out_streams = 10,
                                 .in_streams = 2048,
                                 .initial_tsn = p->seq};
        st = sctp_build_init(buf, cap, &c, &init, &len);
        if (st == PKT_OK) sctp_set_checksum(buf, len, false);
    }
    return st == PKT_OK ? len : 0;
}

static size_t build(const struct scan_technique *t, const struct probe_spec *p, uint8_t *buf,
                    size_t cap)
{
    (void)t;
    bool v6 = p->family == AF_INET6;
    size_t ip_len = v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN;
    if (cap < ip_len) return 0;
    uint8_t proto = (uint8_t)p->dport;
    size_t l4 = build_l4(p, proto, buf + ip_len, cap - ip_len), hl;
    bool known = proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_IGMP ||
                 proto == IPPROTO_SCTP || proto == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    if (known && l4 == 0) return 0;
    enum pkt_status st;
    if (v6) {
        struct ipv6_params ip = {.next_header = proto, .hop_limit = p->ttl};
        memcpy(ip.src, p->self, 16);
        memcpy(ip.dst, p->target, 16);
        st = ipv6_build(buf, cap, &ip, l4, &hl);
    } else {
        /* The keyed port as IP ID: what an ICMP error quotes of any probe. */
        struct ipv4_params ip = {.id = p->sport, .ttl = p->ttl, .proto = proto};
        memcpy(ip.src, p->self, 4);
        memcpy(ip.dst, p->target, 4);
        st = ipv4_build(buf, cap, &ip, l4, &hl);
    }
    return st == PKT_OK ? hl + l4 : 0;
}

static enum echo_kind echo(const struct scan_technique *t, const struct raw_reply *r, uint32_t *seq)
{
    (void)t;
    (void)seq;
    bool v6 = r->family == AF_INET6;
    switch (r->kind) {
    case REPLY_ICMP4:
        return ECHO_PORT; /* the quoted IP ID */
    case REPLY_ICMP6:
        return r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP ? ECHO_PORT : ECHO_PROTO;
    case REPLY_PROTO:
        if (r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP) return ECHO_PORT;
        if (r->proto == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
            /* an echo reply gives back our identifier; other messages from
             * the host open ICMP as they do for nmap */
            return r->icmp_type == (v6 ? ICMP6_ECHO_REPLY : ICMP4_ECHO_REPLY) ? ECHO_PORT
                                                                              : ECHO_PROTO;
        return ECHO_PROTO;
    default:
        return ECHO_NONE;
    }
}

/* The reason nmap gives ICMP when a message other than an echo reply
 * showed it open. */
static uint8_t icmp_message_reason(const struct raw_reply *r)
{
    uint8_t reason = REASON_PROTO_RESPONSE;
    /* IPv6 has no such special case in nmap: ICMPv6 is a protocol like
     * the others. */
    if (r->family == AF_INET6) return reason;
    switch (r->icmp_type) {
    case ICMP4_ECHO_REPLY:
        return r->icmp_code == 0 ? REASON_ECHO_REPLY : REASON_PROTO_RESPONSE;
    case ICMP4_UNREACH:
        if (!reply_icmp4_reason(r->icmp_code, &reason)) reason = REASON_DEST_UNREACH;
        return reason;
    case ICMP4_TIMESTAMP_REPLY:
        return REASON_TIMESTAMP_REPLY;
    case ICMP4_MASK_REPLY:
        return REASON_ADDRESSMASK_REPLY;
    default:
        return reason;
    }
}

/* ICMP (RFC 792) and ICMPv6 (RFC 4443) codes with a meaning of their own
 * here. */
#define ICMP4_PROTO_UNREACH 2
#define ICMP4_PORT_UNREACH 3
#define ICMP6_PORT_UNREACH 4
#define ICMP6_PARAM_FIELD 0
#define ICMP6_PARAM_NEXT_HEADER 1

static bool classify(const struct scan_technique *t, const struct raw_reply *r, uint8_t *state,
                     uint8_t *reason)
{
    (void)t;
    switch (r->kind) {
    case REPLY_PROTO:
        *state = PORT_OPEN;
        *reason = r->proto == (r->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP)
                      ? icmp_message_reason(r)
                      : REASON_PROTO_RESPONSE;
        return true;
    case REPLY_ICMP4:
        if (!reply_icmp4_reason(r->icmp_code, reason)) return false;
        if (r->icmp_code == ICMP4_PROTO_UNREACH)
            *state = r->from_target ? PORT_CLOSED : PORT_FILTERED;
        else if (r->icmp_code == ICMP4_PORT_UNREACH)
            *state = r->from_target ? PORT_OPEN : PORT_FILTERED;
        else
            *state = PORT_FILTERED;
        return true;
    case REPLY_ICMP6:
        if (r->icmp_type == ICMP6_PARAM_PROBLEM) {
            /* An unknown next header is IPv6's protocol unreachable; an
             * erroneous header field means the header was understood. */
            if (r->icmp_code == ICMP6_PARAM_NEXT_HEADER)
                *state = r->from_target ? PORT_CLOSED : PORT_FILTERED;
            else if (r->icmp_code == ICMP6_PARAM_FIELD)
                *state = PORT_OPEN;
            else
                return false;
            *reason = REASON_PARAM_PROBLEM;
            return true;
        }
        if (!reply_icmp6_reason(r->icmp_code, reason)) return false;
        *state = r->icmp_code == ICMP6_PORT_UNREACH && r->from_target ? PORT_OPEN : PORT_FILTERED;
        return true;
    default:
        return false;
    }
}

const struct scan_technique tech_ipproto = {
    .task_name = "IPProto Scan",
    .xml_type = "ipproto",
    .proto = PROTO_IP,
    .silent_state = PORT_OPEN_FILTERED,
    .capture = CAPTURE,
    .parse = reply_parse_ipproto,
    .build = build,
    .echo = echo,
    .classify = classify,
};
