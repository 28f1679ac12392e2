// SPDX-License-Identifier: MIT
// Captured packets read as nmap 7.93's IP protocol scan reads them
// (scan_engine_raw.cc, get_pcap_result with prot_scan): a packet from a
// scanned host in a protocol we probed says that protocol is open; an ICMP
// unreachable quoting our probe says what happened to that protocol; and
// any ICMP message from a scanned host also says ICMP itself is open, which
// nmap checks separately from the quoted protocol ("protoscanicmphack").
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt/icmp4.h"
#include "net/pkt/icmp6.h"
#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/pktbuf.h"
#include "raw/reply.h"

/* A non-ICMP packet: its protocol is the "port"; TCP and UDP also give
 * back our source port (their destination port). */
static enum pkt_status own_protocol(uint8_t proto, struct pktbuf l4, struct raw_reply *r)
{
    r->kind = REPLY_PROTO;
    r->proto = proto;
    r->target_port = proto;
    r->from_target = true;
    if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
        uint16_t dport = pb_be16_at(&l4, 2);
        if (!pb_ok(&l4)) return PKT_TRUNCATED;
        r->our_port = dport;
    }
    return PKT_OK;
}

static enum pkt_status parse_v4(const uint8_t *l3, size_t len, struct raw_reply out[2], size_t *n)
{
    struct ipv4_info ip;
    enum pkt_status st = ipv4_parse(l3, len, &ip);
    if (st != PKT_OK) return st;
    if (!ip.checksum_ok) return PKT_BAD_HEADER_LEN;
    if (ip.is_fragment) return PKT_BAD_TYPE;
    struct raw_reply base = {.family = AF_INET, .ttl = ip.ttl};
    memcpy(base.target, ip.src, 4);
    memcpy(base.self, ip.dst, 4);
    if (ip.proto != IPPROTO_ICMP) {
        out[0] = base;
        st = own_protocol(ip.proto, ip.payload, &out[0]);
        if (st == PKT_OK) *n = 1;
        return st;
    }
    struct icmp4_info ic;
    st = icmp4_parse(ip.payload, &ic);
    if (st != PKT_OK) return st;
    if (ic.type == ICMP4_UNREACH && ic.inner.frag_offset == 0) {
        struct raw_reply *e = &out[(*n)++];
        *e = base;
        e->kind = REPLY_ICMP4;
        e->icmp_type = ic.type;
        e->icmp_code = ic.code;
        e->proto = ic.inner.proto;
        e->target_port = ic.inner.proto;
        e->our_port = ic.inner.id; /* our probes carry the keyed port as IP ID */
        memcpy(e->target, ic.inner.dst, 4);
        memcpy(e->self, ic.inner.src, 4);
        e->from_target = memcmp(ip.src, ic.inner.dst, 4) == 0;
    }
    struct raw_reply *h = &out[(*n)++];
    *h = base;
    h->kind = REPLY_PROTO;
    h->proto = IPPROTO_ICMP;
    h->target_port = IPPROTO_ICMP;
    h->icmp_type = ic.type;
    h->icmp_code = ic.code;
    h->our_port = ic.type == ICMP4_ECHO_REPLY ? ic.id : 0;
    h->from_target = true;
    return PKT_OK;
}

/* Our probe of an extension header (44, a fragment header) carries none,
 * so the quote ends inside it; the fixed header still names the protocol
 * and the addresses, which is all -sO needs. */
static enum pkt_status quoted_fixed_header(struct icmp6_info *ic)
{
    struct pktbuf q = ic->body;
    memset(&ic->inner, 0, sizeof ic->inner);
    ic->inner.proto = pb_u8_at(&q, 6);
    struct pktbuf src = pb_slice(&q, 8, 16), dst = pb_slice(&q, 24, 16);
    if (!pb_ok(&q) || !pb_copy(&src, ic->inner.src, 16) || !pb_copy(&dst, ic->inner.dst, 16))
        return PKT_TRUNCATED;
    ic->inner_l4 = pb_empty();
    return PKT_OK;
}

static enum pkt_status parse_v6(const uint8_t *l3, size_t len, struct raw_reply out[2], size_t *n)
{
    struct ipv6_info ip;
    enum pkt_status st = ipv6_parse(l3, len, &ip);
    if (st != PKT_OK) return st;
    if (ip.is_fragment) return PKT_BAD_TYPE;
    struct raw_reply base = {.family = AF_INET6, .ttl = ip.hop_limit};
    memcpy(base.target, ip.src, 16);
    memcpy(base.self, ip.dst, 16);
    if (ip.proto != IPPROTO_ICMPV6) {
        out[0] = base;
        st = own_protocol(ip.proto, ip.payload, &out[0]);
        if (st == PKT_OK) *n = 1;
        return st;
    }
    struct icmp6_info ic;
    st = icmp6_parse(ip.payload, &ic);
    if (st == PKT_BAD_OPTION && ic.is_error) st = quoted_fixed_header(&ic);
    if (st != PKT_OK) return st;
    if ((ic.type == ICMP6_UNREACH || ic.type == ICMP6_PARAM_PROBLEM) && ic.inner.frag_offset == 0) {
        struct raw_reply *e = &out[(*n)++];
        *e = base;
        e->kind = REPLY_ICMP6;
        e->icmp_type = ic.type;
        e->icmp_code = ic.code;
        e->proto = ic.inner.proto;
        e->target_port = ic.inner.proto;
        /* IPv6 has no ID to carry our key: TCP and UDP probes still give
         * back their source port, the others only their protocol. */
        if (ic.inner.proto == IPPROTO_TCP || ic.inner.proto == IPPROTO_UDP) {
            uint16_t sport = pb_be16_at(&ic.inner_l4, 0);
            e->our_port = pb_ok(&ic.inner_l4) ? sport : 0;
        }
        memcpy(e->target, ic.inner.dst, 16);
        memcpy(e->self, ic.inner.src, 16);
        e->from_target = memcmp(ip.src, ic.inner.dst, 16) == 0;
    }
    struct raw_reply *h = &out[(*n)++];
    *h = base;
    h->kind = REPLY_PROTO;
    h->proto = IPPROTO_ICMPV6;
    h->target_port = IPPROTO_ICMPV6;
    h->icmp_type = ic.type;
    h->icmp_code = ic.code;
    h->our_port = ic.type == ICMP6_ECHO_REPLY ? ic.id : 0;
    h->from_target = true;
    return PKT_OK;
}

enum pkt_status reply_parse_ipproto(const uint8_t *l3, size_t len, struct raw_reply out[2],
                                    size_t *n)
{
    *n = 0;
    memset(out, 0, 2 * sizeof *out);
    if (len < 1) return PKT_TRUNCATED;
    switch (l3[0] >> 4) {
    case 4:
        return parse_v4(l3, len, out, n);
    case 6:
        return parse_v6(l3, len, out, n);
    default:
        return PKT_BAD_VERSION;
    }
}
