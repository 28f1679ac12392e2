// SPDX-License-Identifier: MIT
// Transport checksums are not verified: capture on veth and loopback sees
// partial checksums (offload); the keyed identity is the stronger check.
#include "discovery/dreply.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt/arp.h"
#include "net/pkt/eth.h"
#include "net/pkt/icmp4.h"
#include "net/pkt/icmp6.h"
#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/nd.h"
#include "net/pkt/pktbuf.h"
#include "net/pkt/sctp.h"
#include "net/pkt/tcp.h"
#include "net/pkt/udp.h"
#include "report/model.h"

#define ARPHRD_ETHER_TYPE 1
#define SLL_HDR 16
#define SLL2_HDR 20

/* The link header: the ethertype of what follows, the sender's MAC when
 * the header carries a 6-byte Ethernet one, and the rest as a view. */
static bool strip_link(int dlt, struct pktbuf *b, uint16_t *type, struct pktbuf *rest,
                       struct dreply *out)
{
    size_t len = pb_len(b);
    uint16_t hatype = 0, halen = 0;
    size_t addr_off = 0, hdr = 0;
    switch (dlt) {
    case DLINK_EN10MB: {
        struct eth_info eth;
        if (eth_parse(*b, &eth) != PKT_OK) return false;
        memcpy(out->mac, eth.src, 6);
        out->has_mac = true;
        *type = eth.ethertype;
        *rest = eth.payload;
        return true;
    }
    case DLINK_SLL:
        hatype = pb_be16_at(b, 2);
        halen = pb_be16_at(b, 4);
        addr_off = 6;
        *type = pb_be16_at(b, 14);
        hdr = SLL_HDR;
        break;
    case DLINK_SLL2:
        *type = pb_be16_at(b, 0);
        hatype = pb_be16_at(b, 8);
        halen = pb_u8_at(b, 11);
        addr_off = 12;
        hdr = SLL2_HDR;
        break;
    case DLINK_RAW:
    case DLINK_RAW_ALT: {
        uint8_t v = pb_u8_at(b, 0) >> 4;
        *type = v == 4 ? ETHERTYPE_IPV4 : v == 6 ? ETHERTYPE_IPV6 : 0;
        *rest = pb_slice(b, 0, len);
        return pb_ok(b);
    }
    default:
        return false;
    }
    if (!pb_ok(b) || len < hdr) return false;
    if (hatype == ARPHRD_ETHER_TYPE && halen == 6) {
        struct pktbuf a = pb_slice(b, addr_off, 6);
        out->has_mac = pb_copy(&a, out->mac, 6);
    }
    *rest = pb_slice(b, hdr, len - hdr);
    return pb_ok(rest);
}

static enum pkt_status parse_arp(struct pktbuf body, struct dreply *out)
{
    struct arp_info a;
    enum pkt_status st = arp_parse(body, &a);
    if (st != PKT_OK) return st;
    if (a.op != ARP_REPLY) return PKT_BAD_TYPE;
    out->kind = DR_ARP;
    out->family = AF_INET;
    memcpy(out->target, a.spa, 4);
    memcpy(out->self, a.tpa, 4);
    memcpy(out->mac, a.sha, 6); /* the body's sender, not the frame's */
    out->has_mac = true;
    out->ttl = 0;
    return PKT_OK;
}

/* The first bytes of our probe quoted inside an ICMP error. */
static enum pkt_status parse_quoted(uint8_t proto, struct pktbuf l4, struct dreply *out)
{
    out->proto = proto;
    if (proto == IPPROTO_TCP) {
        struct tcp_info t;
        if (tcp_parse_quoted(l4, &t) != PKT_OK) return PKT_TRUNCATED;
        out->dport = t.sport;
        out->sport = t.dport;
        out->seq = t.seq;
    } else if (proto == IPPROTO_UDP) {
        struct udp_info u;
        if (udp_parse_quoted(l4, &u) != PKT_OK) return PKT_TRUNCATED;
        out->dport = u.sport;
        out->sport = u.dport;
    } else if (proto == IPPROTO_SCTP) {
        struct sctp_info s;
        if (sctp_parse_quoted(l4, &s) != PKT_OK) return PKT_TRUNCATED;
        out->dport = s.sport;
        out->sport = s.dport;
        out->vtag = s.vtag;
    } else if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
        if (pb_len(&l4) < 8) return PKT_TRUNCATED;
        out->icmp_id = pb_be16_at(&l4, 4);
        out->icmp_seq = pb_be16_at(&l4, 6);
    }
    return PKT_OK;
}

static enum pkt_status parse_transport(uint8_t proto, struct pktbuf l4, struct dreply *out)
{
    out->proto = proto;
    if (proto == IPPROTO_TCP) {
        struct tcp_info t;
        enum pkt_status st = tcp_parse(l4, &t);
        if (st != PKT_OK) return st;
        out->kind = DR_TCP;
        out->sport = t.sport;
        out->dport = t.dport;
        out->seq = t.seq;
        out->ack = t.ack;
        out->tcp_flags = t.flags;
        return PKT_OK;
    }
    if (proto == IPPROTO_UDP) {
        struct udp_info u;
        enum pkt_status st = udp_parse(l4, &u);
        if (st != PKT_OK) return st;
        out->kind = DR_UDP;
        out->sport = u.sport;
        out->dport = u.dport;
        return PKT_OK;
    }
    if (proto == IPPROTO_SCTP) {
        struct sctp_info s;
        enum pkt_status st = sctp_parse(l4, &s);
        if (st != PKT_OK) return st;
        out->kind = DR_SCTP;
        out->sport = s.sport;
        out->dport = s.dport;
        out->vtag = s.vtag;
        out->sctp_chunk = s.first_type;
        return PKT_OK;
    }
    out->kind = DR_IP_OTHER;
    return PKT_OK;
}

static enum pkt_status parse_v4(struct pktbuf pkt, struct dreply *out)
{
    struct ipv4_info ip;
    enum pkt_status st = ipv4_parse_pb(pkt, &ip);
    if (st != PKT_OK) return st;
    if (!ip.checksum_ok) return PKT_BAD_HEADER_LEN;
    if (ip.is_fragment) return PKT_BAD_TYPE;
    out->family = AF_INET;
    out->ttl = ip.ttl;
    memcpy(out->target, ip.src, 4);
    memcpy(out->self, ip.dst, 4);
    if (ip.proto != IPPROTO_ICMP) return parse_transport(ip.proto, ip.payload, out);
    struct icmp4_info ic;
    st = icmp4_parse(ip.payload, &ic);
    if (st != PKT_OK) return st;
    out->icmp_type = ic.type;
    out->icmp_code = ic.code;
    if (ic.type == ICMP4_ECHO_REPLY || ic.type == ICMP4_TIMESTAMP_REPLY ||
        ic.type == ICMP4_MASK_REPLY) {
        out->kind = DR_ICMP;
        out->proto = IPPROTO_ICMP;
        out->icmp_id = ic.id;
        out->icmp_seq = ic.seq;
        return PKT_OK;
    }
    if (ic.type != ICMP4_UNREACH) return PKT_BAD_TYPE;
    if (ic.inner.frag_offset != 0) return PKT_BAD_TYPE;
    out->kind = DR_ICMP_ERR;
    memcpy(out->target, ic.inner.dst, 4);
    memcpy(out->self, ic.inner.src, 4);
    out->quoted_ip_id = ic.inner.id;
    return parse_quoted(ic.inner.proto, ic.inner_l4, out);
}

static enum pkt_status parse_v6(struct pktbuf pkt, struct dreply *out)
{
    struct ipv6_info ip;
    enum pkt_status st = ipv6_parse_pb(pkt, &ip);
    if (st != PKT_OK) return st;
    if (ip.is_fragment) return PKT_BAD_TYPE;
    out->family = AF_INET6;
    out->ttl = ip.hop_limit;
    memcpy(out->target, ip.src, 16);
    memcpy(out->self, ip.dst, 16);
    if (ip.proto != IPPROTO_ICMPV6) return parse_transport(ip.proto, ip.payload, out);
    struct pktbuf msg = ip.payload;
    if (pb_u8_at(&msg, 0) == ND_NEIGHBOR_ADVERT && pb_ok(&msg)) {
        struct nd_advert na;
        st = nd_parse_advert(msg, &na);
        if (st != PKT_OK) return st;
        if (ip.hop_limit != ND_HOP_LIMIT) return PKT_BAD_TYPE; /* RFC 4861 7.1.2 */
        out->kind = DR_ND;
        memcpy(out->target, na.target, 16);
        if (na.has_lladdr) {
            memcpy(out->mac, na.lladdr, 6);
            out->has_mac = true;
        }
        out->ttl = 0;
        return PKT_OK;
    }
    struct icmp6_info ic;
    st = icmp6_parse(msg, &ic);
    if (st != PKT_OK) return st;
    out->icmp_type = ic.type;
    out->icmp_code = ic.code;
    if (ic.type == ICMP6_ECHO_REPLY) {
        out->kind = DR_ICMP;
        out->proto = IPPROTO_ICMPV6;
        out->icmp_id = ic.id;
        out->icmp_seq = ic.seq;
        return PKT_OK;
    }
    if (ic.type != ICMP6_UNREACH && ic.type != ICMP6_PARAM_PROBLEM) return PKT_BAD_TYPE;
    if (ic.inner.frag_offset != 0) return PKT_BAD_TYPE;
    out->kind = DR_ICMP_ERR;
    memcpy(out->target, ic.inner.dst, 16);
    memcpy(out->self, ic.inner.src, 16);
    return parse_quoted(ic.inner.proto, ic.inner_l4, out);
}

enum pkt_status dreply_parse(int dlt, const uint8_t *frame, size_t len, struct dreply *out)
{
    memset(out, 0, sizeof *out);
    struct pktbuf b = pb_init(frame, len), rest;
    uint16_t type = 0;
    if (!strip_link(dlt, &b, &type, &rest, out)) return PKT_TRUNCATED;
    pb_span(&rest, &out->l3, &out->l3_len);
    out->l3_arp = type == ETHERTYPE_ARP;
    switch (type) {
    case ETHERTYPE_ARP:
        return parse_arp(rest, out);
    case ETHERTYPE_IPV4:
        return parse_v4(rest, out);
    case ETHERTYPE_IPV6:
        return parse_v6(rest, out);
    default:
        return PKT_BAD_TYPE;
    }
}

/* A transport reply (or quoted probe) from the target's port p->arg to
 * the source port the probe's hash chose; for TCP also the echoed cookie. */
static bool match_ports(const struct dreply *r, uint64_t h, uint16_t port)
{
    return r->sport == port && r->dport == cookie_sport(h);
}

static int tcp_tryno(const struct dreply *r, uint64_t h)
{
    uint32_t echoed;
    if (r->kind == DR_ICMP_ERR) {
        echoed = r->seq;
    } else if (r->tcp_flags & TCP_ACK) {
        echoed = r->ack - 1; /* a SYN-ACK or RST-ACK acknowledges seq + 1 */
    } else {
        echoed = r->seq; /* a bare RST answering an ACK probe */
    }
    return cookie_check(h, cookie_sport(h), echoed);
}

/* Does r answer probe p (number idx)? */
static bool answers(const struct dreply *r, const struct cookie_key *k, const struct dprobe_ends *e,
                    const struct dprobe *p, unsigned idx, int *tryno)
{
    bool v6 = e->family == AF_INET6;
    uint8_t icmp_proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    bool icmp_probe = p->kind == DP_ICMP_ECHO || p->kind == DP_ICMP_TS || p->kind == DP_ICMP_MASK ||
                      (p->kind == DP_PROTO && p->arg == icmp_proto);
    *tryno = -1;
    if (icmp_probe && r->proto == icmp_proto) {
        if (r->icmp_id != dprobe_icmp_id(k, e) || (r->icmp_seq >> 4) != idx) return false;
        *tryno = r->icmp_seq & 15;
        return true;
    }
    uint64_t h = dprobe_hash(k, e, p);
    switch (p->kind) {
    case DP_TCP_SYN:
    case DP_TCP_ACK:
        if (r->proto != IPPROTO_TCP || !match_ports(r, h, p->arg)) return false;
        *tryno = tcp_tryno(r, h);
        return *tryno >= 0;
    case DP_UDP:
        return r->proto == IPPROTO_UDP && match_ports(r, h, p->arg);
    case DP_SCTP:
        if (r->proto != IPPROTO_SCTP || !match_ports(r, h, p->arg)) return false;
        if (r->kind == DR_ICMP_ERR) return true;
        *tryno = cookie_check(h, cookie_sport(h), r->vtag);
        return *tryno >= 0;
    case DP_PROTO:
        if (r->kind == DR_ICMP_ERR && !v6 && r->proto == p->arg) {
            uint16_t base = (uint16_t)(h >> 16);
            uint16_t t = (uint16_t)(r->quoted_ip_id ^ base);
            if (t >= DPROBE_MAX_TRIES) return false;
            *tryno = t;
            return true;
        }
        if (r->proto != p->arg) return false;
        if (p->arg == IPPROTO_TCP) return match_ports(r, h, 80) && tcp_tryno(r, h) >= 0;
        if (p->arg == IPPROTO_UDP) return match_ports(r, h, 40125);
        if (p->arg == IPPROTO_SCTP) return match_ports(r, h, 80);
        /* Another protocol's answer can only be told by its source (IPv6
         * errors quote no IP ID either): the caller checked the address. */
        return true;
    default:
        return false;
    }
}

int dreply_match(const struct dreply *r, const struct cookie_key *k, const struct dprobe_ends *e,
                 const struct dprobe_list *list, int *tryno)
{
    if (r->kind == DR_ARP || r->kind == DR_ND || r->family != e->family) return -1;
    size_t alen = e->family == AF_INET6 ? 16 : 4;
    if (memcmp(r->target, e->target, alen) != 0 || memcmp(r->self, e->self, alen) != 0) return -1;
    for (size_t i = 0; i < list->n; i++)
        if (answers(r, k, e, &list->v[i], (unsigned)i, tryno)) return (int)i;
    return -1;
}

static bool icmp_verdict(const struct dreply *r, const struct dprobe *p, uint8_t *reason)
{
    if (p->kind == DP_PROTO) {
        *reason = REASON_PROTO_RESPONSE;
        return true;
    }
    bool v6 = r->family == AF_INET6;
    if (v6 ? r->icmp_type == ICMP6_ECHO_REPLY : r->icmp_type == ICMP4_ECHO_REPLY) {
        if (p->kind != DP_ICMP_ECHO) return false;
        *reason = REASON_ECHO_REPLY;
    } else if (!v6 && r->icmp_type == ICMP4_TIMESTAMP_REPLY) {
        if (p->kind != DP_ICMP_TS) return false;
        *reason = REASON_TIMESTAMP_REPLY;
    } else if (!v6 && r->icmp_type == ICMP4_MASK_REPLY) {
        if (p->kind != DP_ICMP_MASK) return false;
        *reason = REASON_ADDRESSMASK_REPLY;
    } else {
        return false;
    }
    return true;
}

/* Only a port or protocol unreachable, which the target itself sends for a
 * probe it received, proves it up; nmap 7.93 ignores the other codes
 * (host, network, administratively prohibited): the host stays down with
 * no-response unless something else answers. */
static bool error_verdict(const struct dreply *r, uint8_t *reason)
{
    bool v6 = r->family == AF_INET6;
    if (v6) {
        if (r->icmp_type == ICMP6_UNREACH && r->icmp_code == 4) {
            *reason = REASON_PORT_UNREACH;
            return true;
        }
        if (r->icmp_type == ICMP6_PARAM_PROBLEM && r->icmp_code == 1) {
            *reason = REASON_PROTO_UNREACH; /* unrecognized next header */
            return true;
        }
        return false;
    }
    if (r->icmp_code == 3) {
        *reason = REASON_PORT_UNREACH;
        return true;
    }
    if (r->icmp_code == 2) {
        *reason = REASON_PROTO_UNREACH;
        return true;
    }
    return false;
}

bool dreply_verdict(const struct dreply *r, const struct dprobe *p, bool ignore_rst,
                    uint8_t *reason)
{
    switch (r->kind) {
    case DR_ARP:
        *reason = REASON_ARP_RESPONSE;
        return true;
    case DR_ND:
        *reason = REASON_ND_RESPONSE;
        return true;
    case DR_ICMP:
        return icmp_verdict(r, p, reason);
    case DR_ICMP_ERR:
        return error_verdict(r, reason);
    case DR_TCP:
        if (r->tcp_flags & TCP_RST) {
            if (ignore_rst) return false;
            *reason = p->kind == DP_PROTO ? REASON_PROTO_RESPONSE : REASON_RESET;
            return true;
        }
        if ((r->tcp_flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
            *reason = p->kind == DP_PROTO ? REASON_PROTO_RESPONSE : REASON_SYN_ACK;
            return true;
        }
        return false;
    case DR_UDP:
        *reason = p->kind == DP_PROTO ? REASON_PROTO_RESPONSE : REASON_UDP_RESPONSE;
        return true;
    case DR_SCTP:
        if (p->kind == DP_PROTO) {
            *reason = REASON_PROTO_RESPONSE;
        } else if (r->sctp_chunk == SCTP_INIT_ACK) {
            *reason = REASON_INIT_ACK;
        } else if (r->sctp_chunk == SCTP_ABORT) {
            *reason = REASON_ABORT;
        } else {
            return false;
        }
        return true;
    case DR_IP_OTHER:
        *reason = REASON_PROTO_RESPONSE;
        return p->kind == DP_PROTO;
    }
    return false;
}
