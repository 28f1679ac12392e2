// SPDX-License-Identifier: MIT
// Captured packets to scan replies. The TCP checksum is not verified: on
// veth and loopback the kernel hands capture a partial checksum (offload),
// and the keyed echo (raw/cookie.h) is the stronger check anyway.
#include "raw/reply.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt/icmp4.h"
#include "net/pkt/icmp6.h"
#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/pktbuf.h"
#include "net/pkt/sctp.h"
#include "net/pkt/tcp.h"
#include "net/pkt/udp.h"
#include "report/model.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETH_HDR 14
#define SLL_HDR 16
#define SLL2_HDR 20

static bool l3_from_ethertype(uint16_t type, struct pktbuf *rest, const uint8_t **l3,
                              size_t *l3_len)
{
    if (type != ETHERTYPE_IPV4 && type != ETHERTYPE_IPV6) return false;
    pb_span(rest, l3, l3_len);
    return *l3 != NULL && *l3_len > 0;
}

/* Raw IP (no link header): the version nibble tells the family. */
static bool l3_raw(struct pktbuf *b, const uint8_t **l3, size_t *l3_len)
{
    uint8_t v = pb_u8_at(b, 0) >> 4;
    if (!pb_ok(b) || (v != 4 && v != 6)) return false;
    pb_span(b, l3, l3_len);
    return *l3 != NULL;
}

bool reply_strip_link(int dlt, const uint8_t *frame, size_t len, const uint8_t **l3, size_t *l3_len)
{
    struct pktbuf b = pb_init(frame, len);
    struct pktbuf rest;
    uint16_t type;
    switch (dlt) {
    case LINK_EN10MB:
        type = pb_be16_at(&b, 12);
        rest = pb_slice(&b, ETH_HDR, len >= ETH_HDR ? len - ETH_HDR : 0);
        if (type == ETHERTYPE_VLAN) {
            type = pb_be16_at(&b, 16);
            rest = pb_slice(&b, ETH_HDR + 4, len >= ETH_HDR + 4 ? len - ETH_HDR - 4 : 0);
        }
        break;
    case LINK_LINUX_SLL:
        type = pb_be16_at(&b, 14);
        rest = pb_slice(&b, SLL_HDR, len >= SLL_HDR ? len - SLL_HDR : 0);
        break;
    case LINK_LINUX_SLL2:
        type = pb_be16_at(&b, 0);
        rest = pb_slice(&b, SLL2_HDR, len >= SLL2_HDR ? len - SLL2_HDR : 0);
        break;
    case LINK_RAW:
    case LINK_RAW_ALT:
        return l3_raw(&b, l3, l3_len);
    case LINK_NULL:
        rest = pb_slice(&b, 4, len >= 4 ? len - 4 : 0);
        return pb_ok(&rest) && l3_raw(&rest, l3, l3_len);
    default:
        return false;
    }
    if (!pb_ok(&b) || !pb_ok(&rest)) return false;
    return l3_from_ethertype(type, &rest, l3, l3_len);
}

static enum pkt_status parse_tcp(struct pktbuf seg, struct raw_reply *out)
{
    struct tcp_info t;
    enum pkt_status st = tcp_parse(seg, &t);
    if (st != PKT_OK) return st;
    out->kind = REPLY_TCP;
    out->proto = IPPROTO_TCP;
    out->seq = t.seq;
    out->ack = t.ack;
    out->window = t.window;
    out->target_port = t.sport;
    out->our_port = t.dport;
    out->tcp_flags = t.flags;
    out->has_echo = (t.flags & TCP_ACK) != 0;
    out->echoed_seq = t.ack - 1;
    return PKT_OK;
}

/* The first 8 bytes of our quoted TCP probe: its ports and sequence number. */
static enum pkt_status parse_quoted_tcp(struct pktbuf l4, struct raw_reply *out)
{
    struct tcp_info t;
    enum pkt_status st = tcp_parse_quoted(l4, &t);
    if (st != PKT_OK) return st;
    out->proto = IPPROTO_TCP;
    out->our_port = t.sport;
    out->target_port = t.dport;
    out->has_echo = true;
    out->echoed_seq = t.seq;
    return PKT_OK;
}

static enum pkt_status parse_udp(struct pktbuf dgram, struct raw_reply *out)
{
    struct udp_info u;
    enum pkt_status st = udp_parse(dgram, &u);
    if (st != PKT_OK) return st;
    out->kind = REPLY_UDP;
    out->proto = IPPROTO_UDP;
    out->target_port = u.sport;
    out->our_port = u.dport;
    return PKT_OK;
}

/* The first 8 bytes of our quoted UDP probe: its ports. */
static enum pkt_status parse_quoted_udp(struct pktbuf l4, struct raw_reply *out)
{
    struct udp_info u;
    enum pkt_status st = udp_parse_quoted(l4, &u);
    if (st != PKT_OK) return st;
    out->proto = IPPROTO_UDP;
    out->our_port = u.sport;
    out->target_port = u.dport;
    return PKT_OK;
}

/* Every chunk is walked (sctp_parse); the scans read the first. The
 * checksum is not verified, for the same reason as TCP's. */
static enum pkt_status parse_sctp(struct pktbuf pkt, struct raw_reply *out)
{
    struct sctp_info s;
    enum pkt_status st = sctp_parse(pkt, &s);
    if (st != PKT_OK) return st;
    out->kind = REPLY_SCTP;
    out->proto = IPPROTO_SCTP;
    out->target_port = s.sport;
    out->our_port = s.dport;
    out->vtag = s.vtag;
    out->sctp_chunk = s.first_type;
    return PKT_OK;
}

/* The first 8 bytes of our quoted SCTP probe: its ports and tag. */
static enum pkt_status parse_quoted_sctp(struct pktbuf l4, struct raw_reply *out)
{
    struct sctp_info s;
    enum pkt_status st = sctp_parse_quoted(l4, &s);
    if (st != PKT_OK) return st;
    out->proto = IPPROTO_SCTP;
    out->our_port = s.sport;
    out->target_port = s.dport;
    out->vtag = s.vtag;
    return PKT_OK;
}

static enum pkt_status parse_quoted(uint8_t proto, struct pktbuf l4, struct raw_reply *out)
{
    if (proto == IPPROTO_TCP) return parse_quoted_tcp(l4, out);
    if (proto == IPPROTO_UDP) return parse_quoted_udp(l4, out);
    if (proto == IPPROTO_SCTP) return parse_quoted_sctp(l4, out);
    return PKT_BAD_TYPE;
}

/* A TCP, UDP or SCTP packet from the target; PKT_BAD_TYPE for others. */
static enum pkt_status parse_l4(uint8_t proto, struct pktbuf l4, struct raw_reply *out)
{
    if (proto == IPPROTO_TCP) return parse_tcp(l4, out);
    if (proto == IPPROTO_UDP) return parse_udp(l4, out);
    if (proto == IPPROTO_SCTP) return parse_sctp(l4, out);
    return PKT_BAD_TYPE;
}

static enum pkt_status parse_v4(const uint8_t *l3, size_t len, struct raw_reply *out)
{
    struct ipv4_info ip;
    enum pkt_status st = ipv4_parse(l3, len, &ip);
    if (st != PKT_OK) return st;
    if (!ip.checksum_ok) return PKT_BAD_HEADER_LEN;
    if (ip.is_fragment) return PKT_BAD_TYPE;
    out->family = AF_INET;
    out->ttl = ip.ttl;
    if (ip.proto == IPPROTO_TCP || ip.proto == IPPROTO_UDP || ip.proto == IPPROTO_SCTP) {
        memcpy(out->target, ip.src, 4);
        memcpy(out->self, ip.dst, 4);
        return parse_l4(ip.proto, ip.payload, out);
    }
    if (ip.proto != IPPROTO_ICMP) return PKT_BAD_TYPE;
    struct icmp4_info ic;
    st = icmp4_parse(ip.payload, &ic);
    if (st != PKT_OK) return st;
    if (ic.type != ICMP4_UNREACH) return PKT_BAD_TYPE;
    if (ic.inner.frag_offset != 0) return PKT_BAD_TYPE;
    out->kind = REPLY_ICMP4;
    out->icmp_type = ic.type;
    out->icmp_code = ic.code;
    memcpy(out->target, ic.inner.dst, 4);
    memcpy(out->self, ic.inner.src, 4);
    return parse_quoted(ic.inner.proto, ic.inner_l4, out);
}

static enum pkt_status parse_v6(const uint8_t *l3, size_t len, struct raw_reply *out)
{
    struct ipv6_info ip;
    enum pkt_status st = ipv6_parse(l3, len, &ip);
    if (st != PKT_OK) return st;
    if (ip.is_fragment) return PKT_BAD_TYPE;
    out->family = AF_INET6;
    out->ttl = ip.hop_limit;
    if (ip.proto == IPPROTO_TCP || ip.proto == IPPROTO_UDP || ip.proto == IPPROTO_SCTP) {
        memcpy(out->target, ip.src, 16);
        memcpy(out->self, ip.dst, 16);
        return parse_l4(ip.proto, ip.payload, out);
    }
    if (ip.proto != IPPROTO_ICMPV6) return PKT_BAD_TYPE;
    struct icmp6_info ic;
    st = icmp6_parse(ip.payload, &ic);
    if (st != PKT_OK) return st;
    if (ic.type != ICMP6_UNREACH) return PKT_BAD_TYPE;
    if (ic.inner.frag_offset != 0) return PKT_BAD_TYPE;
    out->kind = REPLY_ICMP6;
    out->icmp_type = ic.type;
    out->icmp_code = ic.code;
    memcpy(out->target, ic.inner.dst, 16);
    memcpy(out->self, ic.inner.src, 16);
    return parse_quoted(ic.inner.proto, ic.inner_l4, out);
}

enum pkt_status reply_parse(const uint8_t *l3, size_t len, struct raw_reply *out)
{
    memset(out, 0, sizeof *out);
    if (len < 1) return PKT_TRUNCATED;
    switch (l3[0] >> 4) {
    case 4:
        return parse_v4(l3, len, out);
    case 6:
        return parse_v6(l3, len, out);
    default:
        return PKT_BAD_VERSION;
    }
}

/* ICMP destination unreachable codes (RFC 792, RFC 1812) that nmap takes as
 * "filtered" for a TCP probe, with its reason for each. */
bool reply_icmp4_reason(uint8_t code, uint8_t *reason)
{
    switch (code) {
    case 0:
        *reason = REASON_NET_UNREACH;
        return true;
    case 1:
        *reason = REASON_HOST_UNREACH;
        return true;
    case 2:
        *reason = REASON_PROTO_UNREACH;
        return true;
    case 3:
        *reason = REASON_PORT_UNREACH;
        return true;
    case 9:
        *reason = REASON_NET_PROHIBITED;
        return true;
    case 10:
        *reason = REASON_HOST_PROHIBITED;
        return true;
    case 13:
        *reason = REASON_ADMIN_PROHIBITED;
        return true;
    default:
        return false;
    }
}

/* ICMPv6 destination unreachable codes (RFC 4443 3.1) and nmap's reasons. */
bool reply_icmp6_reason(uint8_t code, uint8_t *reason)
{
    switch (code) {
    case 0:
        *reason = REASON_NO_ROUTE;
        return true;
    case 1:
        *reason = REASON_ADMIN_PROHIBITED;
        return true;
    case 2:
        *reason = REASON_BEYOND_SCOPE;
        return true;
    case 3:
        *reason = REASON_HOST_UNREACH;
        return true;
    case 4:
        *reason = REASON_PORT_UNREACH;
        return true;
    case 6:
        *reason = REASON_REJECT_ROUTE;
        return true;
    default:
        return false;
    }
}

bool reply_classify_syn(const struct raw_reply *r, uint8_t *state, uint8_t *reason)
{
    switch (r->kind) {
    case REPLY_TCP:
        if ((r->tcp_flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
            *state = PORT_OPEN;
            *reason = REASON_SYN_ACK;
        } else if (r->tcp_flags & TCP_SYN) {
            *state = PORT_OPEN;
            *reason = REASON_SPLIT_HANDSHAKE_SYN;
        } else if (r->tcp_flags & TCP_RST) {
            *state = PORT_CLOSED;
            *reason = REASON_RESET;
        } else {
            return false;
        }
        return true;
    case REPLY_ICMP4:
        *state = PORT_FILTERED;
        return reply_icmp4_reason(r->icmp_code, reason);
    case REPLY_ICMP6:
        *state = PORT_FILTERED;
        return reply_icmp6_reason(r->icmp_code, reason);
    case REPLY_UDP:
    case REPLY_SCTP:
    case REPLY_PROTO:
        return false;
    }
    return false;
}
