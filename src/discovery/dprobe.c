// SPDX-License-Identifier: MIT
#include "discovery/dprobe.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/plan.h"
#include "net/pkt/arp.h"
#include "net/pkt/eth.h"
#include "net/pkt/icmp4.h"
#include "net/pkt/icmp6.h"
#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/nd.h"
#include "net/pkt/sctp.h"
#include "net/pkt/tcp.h"
#include "net/pkt/udp.h"

/* nmap's probes: TCP with window 1024 and MSS 1460 (as the SYN scan), the
 * UDP ping's port for an IP-protocol probe of UDP, an ACK to port 80 for an
 * IP-protocol probe of TCP. */
#define PROBE_WINDOW 1024
#define PROTO_UDP_PORT 40125
#define PROTO_TCP_PORT 80
static const uint8_t mss_option[4] = {2, 4, 0x05, 0xb4};

static bool push(struct dprobe_list *l, uint8_t kind, uint16_t arg)
{
    if (l->n >= DPROBE_MAX_PROBES) return true; /* the rest is not sent */
    l->v[l->n++] = (struct dprobe){.kind = kind, .arg = arg};
    return true;
}

static void push_ports(struct dprobe_list *l, uint8_t kind, const uint16_t *ports, size_t n)
{
    for (size_t i = 0; i < n; i++)
        push(l, kind, ports[i]);
}

int dprobe_list_make(struct dprobe_list *out, const struct ping_probes *pp, int family,
                     bool privileged)
{
    out->n = 0;
    out->v = calloc(DPROBE_MAX_PROBES, sizeof *out->v);
    if (!out->v) return -1;
    if (!privileged) {
        if (pp->given && (pp->n_syn || pp->n_ack)) {
            push_ports(out, DP_CONNECT, pp->syn, pp->n_syn);
            push_ports(out, DP_CONNECT, pp->ack, pp->n_ack);
        } else {
            push(out, DP_CONNECT, 80);
            push(out, DP_CONNECT, 443);
        }
        return 0;
    }
    if (!pp->given) {
        push(out, DP_ICMP_ECHO, 0);
        push(out, DP_TCP_SYN, 443);
        push(out, DP_TCP_ACK, 80);
        if (family == AF_INET) push(out, DP_ICMP_TS, 0);
        return 0;
    }
    if (pp->echo) push(out, DP_ICMP_ECHO, 0);
    if (pp->timestamp && family == AF_INET) push(out, DP_ICMP_TS, 0);
    if (pp->mask && family == AF_INET) push(out, DP_ICMP_MASK, 0);
    push_ports(out, DP_TCP_SYN, pp->syn, pp->n_syn);
    push_ports(out, DP_TCP_ACK, pp->ack, pp->n_ack);
    push_ports(out, DP_UDP, pp->udp, pp->n_udp);
    push_ports(out, DP_SCTP, pp->sctp, pp->n_sctp);
    for (size_t i = 0; i < pp->n_protos; i++)
        push(out, DP_PROTO, pp->protos[i]);
    return 0;
}

void dprobe_list_free(struct dprobe_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

uint64_t dprobe_hash(const struct cookie_key *k, const struct dprobe_ends *e,
                     const struct dprobe *p)
{
    /* A different odd multiplier per kind keeps the kinds' outputs apart. */
    return cookie_hash(k, e->family, e->target, e->self, p->arg) ^
           ((uint64_t)p->kind * 0x9e3779b97f4a7c15ull);
}

uint16_t dprobe_icmp_id(const struct cookie_key *k, const struct dprobe_ends *e)
{
    struct dprobe icmp = {.kind = DP_ICMP_ECHO};
    return (uint16_t)(dprobe_hash(k, e, &icmp) >> 48);
}

/* ICMP or ICMPv6 message of the given type, identity in id/seq; the
 * timestamp and mask requests carry their zeroed fields. */
static size_t build_icmp(uint8_t *buf, size_t cap, const struct dprobe_ends *e, uint8_t type,
                         uint16_t id, uint16_t seq)
{
    static const uint8_t zeros[12];
    size_t extra = type == ICMP4_TIMESTAMP ? 12 : type == ICMP4_MASK_REQUEST ? 4 : 0;
    size_t len = 0;
    enum pkt_status st;
    if (e->family == AF_INET6) {
        struct pkt_ends ends = {.family = AF_INET6};
        memcpy(ends.src, e->self, 16);
        memcpy(ends.dst, e->target, 16);
        struct icmp6_params p = {.type = ICMP6_ECHO, .rest = (uint32_t)id << 16 | seq};
        st = icmp6_build(buf, cap, &p, &ends, &len);
    } else {
        struct icmp4_params p = {.type = type,
                                 .rest = (uint32_t)id << 16 | seq,
                                 .payload = extra ? zeros : NULL,
                                 .payload_len = extra};
        st = icmp4_build(buf, cap, &p, &len);
    }
    return st == PKT_OK ? len : 0;
}

static size_t build_tcp(uint8_t *buf, size_t cap, const struct dprobe_ends *e, uint64_t h,
                        uint16_t dport, uint8_t flags, unsigned tryno)
{
    struct pkt_ends ends = {.family = e->family};
    memcpy(ends.src, e->self, 16);
    memcpy(ends.dst, e->target, 16);
    uint32_t cookie = cookie_seq(h, tryno);
    /* An ACK probe's cookie is its acknowledgement number, which a reset
     * answering it carries back as its sequence number (RFC 9293 3.10.7.1). */
    struct tcp_params t = {.sport = cookie_sport(h),
                           .dport = dport,
                           .seq = cookie,
                           .ack = flags & TCP_ACK ? cookie : 0,
                           .flags = flags,
                           .window = PROBE_WINDOW,
                           .options = flags & TCP_SYN ? mss_option : NULL,
                           .options_len = flags & TCP_SYN ? sizeof mss_option : 0};
    size_t len = 0;
    return tcp_build(buf, cap, &t, &ends, &len) == PKT_OK ? len : 0;
}

static size_t build_udp(uint8_t *buf, size_t cap, const struct dprobe_ends *e, uint64_t h,
                        uint16_t dport)
{
    struct pkt_ends ends = {.family = e->family};
    memcpy(ends.src, e->self, 16);
    memcpy(ends.dst, e->target, 16);
    size_t len = 0;
    return udp_build(buf, cap, cookie_sport(h), dport, NULL, 0, &ends, &len) == PKT_OK ? len : 0;
}

static size_t build_sctp(uint8_t *buf, size_t cap, uint64_t h, uint16_t dport, unsigned tryno)
{
    struct sctp_common c = {.sport = cookie_sport(h), .dport = dport, .vtag = 0};
    struct sctp_init init = {.initiate_tag = cookie_seq(h, tryno),
                             .a_rwnd = 65536,
                             .out_streams = 10,
                             .in_streams = 2048,
                             .initial_tsn = (uint32_t)(h >> 32)};
    size_t len = 0;
    if (sctp_build_init(buf, cap, &c, &init, &len) != PKT_OK) return 0;
    sctp_set_checksum(buf, len, false);
    return len;
}

/* The transport part of a probe, and the protocol number it goes in. */
static size_t build_l4(uint8_t *buf, size_t cap, const struct cookie_key *k,
                       const struct dprobe_ends *e, const struct dprobe *p, unsigned idx,
                       unsigned tryno, uint8_t *proto)
{
    bool v6 = e->family == AF_INET6;
    uint64_t h = dprobe_hash(k, e, p);
    uint16_t id = dprobe_icmp_id(k, e), seq = dprobe_icmp_seq(idx, tryno);
    *proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    switch (p->kind) {
    case DP_ICMP_ECHO:
        return build_icmp(buf, cap, e, ICMP4_ECHO, id, seq);
    case DP_ICMP_TS:
        return build_icmp(buf, cap, e, ICMP4_TIMESTAMP, id, seq);
    case DP_ICMP_MASK:
        return build_icmp(buf, cap, e, ICMP4_MASK_REQUEST, id, seq);
    case DP_TCP_SYN:
    case DP_TCP_ACK:
        *proto = IPPROTO_TCP;
        return build_tcp(buf, cap, e, h, p->arg, p->kind == DP_TCP_SYN ? TCP_SYN : TCP_ACK, tryno);
    case DP_UDP:
        *proto = IPPROTO_UDP;
        return build_udp(buf, cap, e, h, p->arg);
    case DP_SCTP:
        *proto = IPPROTO_SCTP;
        return build_sctp(buf, cap, h, p->arg, tryno);
    case DP_PROTO:
        *proto = (uint8_t)p->arg;
        /* "Proper headers" for the protocols nmap knows, empty otherwise. */
        if (p->arg == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
            return build_icmp(buf, cap, e, ICMP4_ECHO, id, seq);
        if (p->arg == IPPROTO_TCP) return build_tcp(buf, cap, e, h, PROTO_TCP_PORT, TCP_ACK, tryno);
        if (p->arg == IPPROTO_UDP) return build_udp(buf, cap, e, h, PROTO_UDP_PORT);
        if (p->arg == IPPROTO_SCTP) return build_sctp(buf, cap, h, PROTO_TCP_PORT, tryno);
        return 0;
    default:
        return 0;
    }
}

size_t dprobe_build(uint8_t *buf, size_t cap, const struct cookie_key *k,
                    const struct dprobe_ends *e, const struct dprobe *p, unsigned idx,
                    unsigned tryno, uint8_t ttl)
{
    if (p->kind == DP_CONNECT) return 0;
    bool v6 = e->family == AF_INET6;
    size_t hl = v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN;
    if (cap < hl) return 0;
    uint8_t proto = 0;
    size_t l4 = build_l4(buf + hl, cap - hl, k, e, p, idx, tryno, &proto);
    if (l4 == 0 && !(p->kind == DP_PROTO)) return 0;
    uint64_t h = dprobe_hash(k, e, p);
    size_t out = 0;
    enum pkt_status st;
    if (v6) {
        struct ipv6_params ip = {
            .next_header = proto, .hop_limit = ttl, .flow_label = (uint32_t)(h >> 12) & 0xfffff};
        memcpy(ip.src, e->self, 16);
        memcpy(ip.dst, e->target, 16);
        st = ipv6_build(buf, cap, &ip, l4, &out);
    } else {
        /* The IP ID identifies the probe inside an ICMP error quoting it. */
        struct ipv4_params ip = {
            .id = (uint16_t)(h >> 16) ^ (uint16_t)tryno, .ttl = ttl, .proto = proto};
        memcpy(ip.src, e->self, 4);
        memcpy(ip.dst, e->target, 4);
        st = ipv4_build(buf, cap, &ip, l4, &out);
    }
    return st == PKT_OK ? out + l4 : 0;
}

size_t dprobe_build_arp(uint8_t *buf, size_t cap, const uint8_t our_mac[6], const uint8_t self[4],
                        const uint8_t target[4])
{
    static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    size_t eth = 0, arp = 0;
    if (eth_build(buf, cap, broadcast, our_mac, ETHERTYPE_ARP, &eth) != PKT_OK) return 0;
    if (arp_build_request(buf + eth, cap - eth, our_mac, self, target, &arp) != PKT_OK) return 0;
    return eth + arp;
}

size_t dprobe_build_nd(uint8_t *buf, size_t cap, const uint8_t our_mac[6], const uint8_t self[16],
                       const uint8_t target[16])
{
    uint8_t group[16], group_mac[6];
    nd_solicited_node(target, group, group_mac);
    size_t eth = 0, ns = 0, ip = 0;
    if (eth_build(buf, cap, group_mac, our_mac, ETHERTYPE_IPV6, &eth) != PKT_OK) return 0;
    if (cap < eth + IPV6_HDR_LEN) return 0;
    struct pkt_ends ends = {.family = AF_INET6};
    memcpy(ends.src, self, 16);
    memcpy(ends.dst, group, 16);
    uint8_t *l4 = buf + eth + IPV6_HDR_LEN;
    if (nd_build_solicit(l4, cap - eth - IPV6_HDR_LEN, target, our_mac, &ends, &ns) != PKT_OK)
        return 0;
    struct ipv6_params p = {.next_header = IPPROTO_ICMPV6, .hop_limit = ND_HOP_LIMIT};
    memcpy(p.src, self, 16);
    memcpy(p.dst, group, 16);
    if (ipv6_build(buf + eth, cap - eth, &p, ns, &ip) != PKT_OK) return 0;
    return eth + ip + ns;
}
