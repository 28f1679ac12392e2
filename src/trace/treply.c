// SPDX-License-Identifier: MIT
#include "trace/treply.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt/icmp4.h"
#include "net/pkt/icmp6.h"
#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/pktbuf.h"
#include "net/pkt/tcp.h"
#include "net/pkt/udp.h"

static void set_addr(struct net_addr *a, int family, const uint8_t *bytes)
{
    memset(a, 0, sizeof *a);
    a->family = (sa_family_t)family;
    memcpy(a->bytes, bytes, family == AF_INET6 ? 16 : 4);
}

static bool is_icmp_query(int family, uint8_t type)
{
    if (family == AF_INET6) return type == ICMP6_ECHO;
    return type == ICMP4_ECHO || type == ICMP4_TIMESTAMP || type == ICMP4_MASK_REQUEST;
}

/* The probe an ICMP error quotes: its transport's first bytes. */
static enum pkt_status quoted(struct trace_reply *out, int family, uint8_t proto,
                              struct pktbuf l4, uint16_t icmp_id)
{
    out->proto = proto;
    if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
        if (pb_len(&l4) < 2) return PKT_TRUNCATED;
        out->token = pb_be16_at(&l4, 0);
        return PKT_OK;
    }
    if (proto == (family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP)) {
        if (pb_len(&l4) < 8) return PKT_TRUNCATED;
        if (!is_icmp_query(family, pb_u8_at(&l4, 0))) return PKT_BAD_TYPE;
        if (pb_be16_at(&l4, 4) != icmp_id) return PKT_BAD_TYPE;
        out->token = pb_be16_at(&l4, 6);
        return PKT_OK;
    }
    return PKT_BAD_TYPE;
}

/* A TCP segment or UDP datagram from the target: the token is the port it
 * went to. */
static enum pkt_status direct(struct trace_reply *out, uint8_t proto, struct pktbuf l4)
{
    out->target = out->from;
    out->proto = proto;
    if (proto == IPPROTO_TCP) {
        struct tcp_info t;
        enum pkt_status st = tcp_parse(l4, &t);
        if (st != PKT_OK) return st;
        out->token = t.dport;
        return PKT_OK;
    }
    struct udp_info u;
    enum pkt_status st = udp_parse(l4, &u);
    if (st != PKT_OK) return st;
    out->token = u.dport;
    return PKT_OK;
}

static enum pkt_status parse_v4(const uint8_t *l3, size_t len, uint16_t icmp_id,
                                struct trace_reply *out)
{
    struct ipv4_info ip;
    enum pkt_status st = ipv4_parse(l3, len, &ip);
    if (st != PKT_OK) return st;
    if (ip.is_fragment) return PKT_BAD_TYPE;
    set_addr(&out->from, AF_INET, ip.src);
    out->ttl = ip.ttl;
    if (ip.proto == IPPROTO_TCP || ip.proto == IPPROTO_UDP) return direct(out, ip.proto, ip.payload);
    if (ip.proto != IPPROTO_ICMP) return PKT_BAD_TYPE;
    struct icmp4_info ic;
    st = icmp4_parse(ip.payload, &ic);
    if (st != PKT_OK) return st;
    if ((ic.type == ICMP4_TIME_EXCEEDED && ic.code == 0) || ic.type == ICMP4_UNREACH) {
        set_addr(&out->target, AF_INET, ic.inner.dst);
        return quoted(out, AF_INET, ic.inner.proto, ic.inner_l4, icmp_id);
    }
    if (ic.type == ICMP4_ECHO_REPLY || ic.type == ICMP4_TIMESTAMP_REPLY ||
        ic.type == ICMP4_MASK_REPLY) {
        if (ic.id != icmp_id) return PKT_BAD_TYPE;
        out->target = out->from;
        out->proto = IPPROTO_ICMP;
        out->token = ic.seq;
        return PKT_OK;
    }
    return PKT_BAD_TYPE;
}

static enum pkt_status parse_v6(const uint8_t *l3, size_t len, uint16_t icmp_id,
                                struct trace_reply *out)
{
    struct ipv6_info ip;
    enum pkt_status st = ipv6_parse(l3, len, &ip);
    if (st != PKT_OK) return st;
    if (ip.is_fragment) return PKT_BAD_TYPE;
    set_addr(&out->from, AF_INET6, ip.src);
    out->ttl = ip.hop_limit;
    if (ip.proto == IPPROTO_TCP || ip.proto == IPPROTO_UDP) return direct(out, ip.proto, ip.payload);
    if (ip.proto != IPPROTO_ICMPV6) return PKT_BAD_TYPE;
    struct icmp6_info ic;
    st = icmp6_parse(ip.payload, &ic);
    if (st != PKT_OK) return st;
    if ((ic.type == ICMP6_TIME_EXCEEDED && ic.code == 0) || ic.type == ICMP6_UNREACH) {
        set_addr(&out->target, AF_INET6, ic.inner.dst);
        return quoted(out, AF_INET6, ic.inner.proto, ic.inner_l4, icmp_id);
    }
    if (ic.type == ICMP6_ECHO_REPLY) {
        if (ic.id != icmp_id) return PKT_BAD_TYPE;
        out->target = out->from;
        out->proto = IPPROTO_ICMPV6;
        out->token = ic.seq;
        return PKT_OK;
    }
    return PKT_BAD_TYPE;
}

enum pkt_status trace_reply_parse(const uint8_t *l3, size_t len, uint16_t icmp_id,
                                  struct trace_reply *out)
{
    memset(out, 0, sizeof *out);
    if (len < 1) return PKT_TRUNCATED;
    switch (l3[0] >> 4) {
    case 4:
        return parse_v4(l3, len, icmp_id, out);
    case 6:
        return parse_v6(l3, len, icmp_id, out);
    default:
        return PKT_BAD_VERSION;
    }
}
