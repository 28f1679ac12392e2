// SPDX-License-Identifier: MIT
// Discovery probes and replies: probe bytes carry their keyed identity,
// replies built as a target would send them are matched to the right probe
// and get nmap's verdict; spoofed, stray, truncated and malformed ones are
// not matched.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/plan.h"
#include "discovery/dprobe.h"
#include "discovery/dreply.h"
#include "net/pkt/arp.h"
#include "net/pkt/icmp4.h"
#include "net/pkt/icmp6.h"
#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/pktbuf.h"
#include "net/pkt/sctp.h"
#include "net/pkt/tcp.h"
#include "net/pkt/udp.h"
#include "report/model.h"

static const struct cookie_key key = {0x0123456789abcdefull, 0xfedcba9876543210ull};
static const uint8_t us4[4] = {198, 18, 0, 1}, them4[4] = {198, 18, 1, 4};
static const uint8_t us6[16] = {0xfd, 0, 0, 0x18, [15] = 1};
static const uint8_t them6[16] = {0xfd, 0, 0, 0x18, 0, 1, [15] = 4};

static struct dprobe_ends ends4(void)
{
    struct dprobe_ends e = {.family = AF_INET};
    memcpy(e.self, us4, 4);
    memcpy(e.target, them4, 4);
    return e;
}

static struct dprobe_ends ends6(void)
{
    struct dprobe_ends e = {.family = AF_INET6};
    memcpy(e.self, us6, 16);
    memcpy(e.target, them6, 16);
    return e;
}

/* Wraps an IPv4 payload from the target to us in a raw-IP frame. */
static size_t ip4_from_target(uint8_t *buf, uint8_t proto, const uint8_t *l4, size_t len,
                              uint8_t ttl)
{
    struct ipv4_params ip = {.ttl = ttl, .proto = proto, .id = 7};
    memcpy(ip.src, them4, 4);
    memcpy(ip.dst, us4, 4);
    size_t hl = 0;
    assert_int_equal(ipv4_build(buf, 1500, &ip, len, &hl), PKT_OK);
    memcpy(buf + hl, l4, len);
    return hl + len;
}

static size_t ip6_from_target(uint8_t *buf, uint8_t proto, const uint8_t *l4, size_t len,
                              uint8_t hops)
{
    struct ipv6_params ip = {.next_header = proto, .hop_limit = hops};
    memcpy(ip.src, them6, 16);
    memcpy(ip.dst, us6, 16);
    size_t hl = 0;
    assert_int_equal(ipv6_build(buf, 1500, &ip, len, &hl), PKT_OK);
    memcpy(buf + hl, l4, len);
    return hl + len;
}

static struct dprobe_list list_of(struct dprobe *v, size_t n)
{
    return (struct dprobe_list){.v = v, .n = n};
}

/* Parse frame, match it to list, and return the verdict's reason (or -1
 * for no match, -2 for a match without a verdict). */
static int outcome(const uint8_t *frame, size_t len, const struct dprobe_ends *e,
                   const struct dprobe_list *l, bool ignore_rst, int *idx)
{
    struct dreply r;
    if (dreply_parse(DLINK_RAW, frame, len, &r) != PKT_OK) return -3;
    int tryno;
    *idx = dreply_match(&r, &key, e, l, &tryno);
    if (*idx < 0) return -1;
    uint8_t reason;
    if (!dreply_verdict(&r, &l->v[*idx], ignore_rst, &reason)) return -2;
    return reason;
}

static void default_lists(void **state)
{
    (void)state;
    struct ping_probes none = {0};
    struct dprobe_list l;
    assert_int_equal(dprobe_list_make(&l, &none, AF_INET, true), 0);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.v[0].kind, DP_ICMP_ECHO);
    assert_int_equal(l.v[1].kind, DP_TCP_SYN);
    assert_int_equal(l.v[1].arg, 443);
    assert_int_equal(l.v[2].kind, DP_TCP_ACK);
    assert_int_equal(l.v[2].arg, 80);
    assert_int_equal(l.v[3].kind, DP_ICMP_TS);
    dprobe_list_free(&l);
    assert_int_equal(dprobe_list_make(&l, &none, AF_INET6, true), 0);
    assert_int_equal(l.n, 3); /* no timestamp over IPv6 */
    dprobe_list_free(&l);
    assert_int_equal(dprobe_list_make(&l, &none, AF_INET, false), 0);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[0].kind, DP_CONNECT);
    assert_int_equal(l.v[0].arg, 80);
    assert_int_equal(l.v[1].arg, 443);
    dprobe_list_free(&l);
}

static void echo_reply_matches_its_probe(void **state)
{
    (void)state;
    struct dprobe_ends e = ends4();
    struct dprobe v[] = {{DP_ICMP_ECHO, 0}, {DP_ICMP_TS, 0}};
    struct dprobe_list l = list_of(v, 2);
    uint8_t probe[DPROBE_MAX_LEN];
    size_t plen = dprobe_build(probe, sizeof probe, &key, &e, &v[0], 0, 1, 64);
    assert_int_equal(plen, 28);
    struct ipv4_info ip;
    assert_int_equal(ipv4_parse(probe, plen, &ip), PKT_OK);
    struct icmp4_info ic;
    assert_int_equal(icmp4_parse(ip.payload, &ic), PKT_OK);
    assert_int_equal(ic.type, ICMP4_ECHO);
    assert_true(ic.checksum_ok);
    /* The target's echo reply: same identifier and sequence. */
    uint8_t l4[8], frame[128];
    struct icmp4_params rp = {.type = ICMP4_ECHO_REPLY, .rest = ic.rest};
    size_t l4len;
    assert_int_equal(icmp4_build(l4, sizeof l4, &rp, &l4len), PKT_OK);
    size_t len = ip4_from_target(frame, IPPROTO_ICMP, l4, l4len, 61);
    int idx;
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), REASON_ECHO_REPLY);
    assert_int_equal(idx, 0);
    /* A reply with another identifier (spoofed, or another scanner's). */
    rp.rest ^= 0x10000;
    assert_int_equal(icmp4_build(l4, sizeof l4, &rp, &l4len), PKT_OK);
    len = ip4_from_target(frame, IPPROTO_ICMP, l4, l4len, 61);
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), -1);
    /* A timestamp reply answering the echo's identity is no proof. */
    rp = (struct icmp4_params){.type = ICMP4_TIMESTAMP_REPLY, .rest = ic.rest};
    assert_int_equal(icmp4_build(l4, sizeof l4, &rp, &l4len), PKT_OK);
    len = ip4_from_target(frame, IPPROTO_ICMP, l4, l4len, 61);
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), -2);
}

static void tcp_replies(void **state)
{
    (void)state;
    struct dprobe_ends e = ends4();
    struct dprobe v[] = {{DP_TCP_SYN, 443}, {DP_TCP_ACK, 80}};
    struct dprobe_list l = list_of(v, 2);
    uint8_t probe[DPROBE_MAX_LEN];
    size_t plen = dprobe_build(probe, sizeof probe, &key, &e, &v[0], 0, 0, 64);
    assert_int_equal(plen, 44);
    struct ipv4_info ip;
    assert_int_equal(ipv4_parse(probe, plen, &ip), PKT_OK);
    struct tcp_info syn;
    assert_int_equal(tcp_parse(ip.payload, &syn), PKT_OK);
    assert_int_equal(syn.flags, TCP_SYN);
    assert_int_equal(syn.dport, 443);
    struct pkt_ends back = {.family = AF_INET};
    memcpy(back.src, them4, 4);
    memcpy(back.dst, us4, 4);
    uint8_t l4[64], frame[128];
    size_t l4len, len;
    int idx;
    /* SYN-ACK acknowledging seq + 1: up, syn-ack. */
    struct tcp_params sa = {.sport = 443,
                            .dport = syn.sport,
                            .seq = 5,
                            .ack = syn.seq + 1,
                            .flags = TCP_SYN | TCP_ACK,
                            .window = 100};
    assert_int_equal(tcp_build(l4, sizeof l4, &sa, &back, &l4len), PKT_OK);
    len = ip4_from_target(frame, IPPROTO_TCP, l4, l4len, 64);
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), REASON_SYN_ACK);
    assert_int_equal(idx, 0);
    /* A wrong acknowledgement is someone else's. */
    sa.ack += 1000;
    assert_int_equal(tcp_build(l4, sizeof l4, &sa, &back, &l4len), PKT_OK);
    len = ip4_from_target(frame, IPPROTO_TCP, l4, l4len, 64);
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), -1);
    /* The ACK probe's reset: its sequence number is our acknowledgement. */
    plen = dprobe_build(probe, sizeof probe, &key, &e, &v[1], 1, 1, 64);
    assert_int_equal(ipv4_parse(probe, plen, &ip), PKT_OK);
    struct tcp_info ack;
    assert_int_equal(tcp_parse(ip.payload, &ack), PKT_OK);
    assert_int_equal(ack.flags, TCP_ACK);
    struct tcp_params rst = {.sport = 80, .dport = ack.sport, .seq = ack.ack, .flags = TCP_RST};
    assert_int_equal(tcp_build(l4, sizeof l4, &rst, &back, &l4len), PKT_OK);
    len = ip4_from_target(frame, IPPROTO_TCP, l4, l4len, 64);
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), REASON_RESET);
    assert_int_equal(idx, 1);
    /* --discovery-ignore-rst: matched, but no proof. */
    assert_int_equal(outcome(frame, len, &e, &l, true, &idx), -2);
}

/* An ICMP unreachable from the target quoting our UDP probe. */
static size_t unreach_quoting(uint8_t *frame, const uint8_t *probe, size_t plen, uint8_t code)
{
    uint8_t l4[128];
    struct icmp4_params p = {.type = ICMP4_UNREACH,
                             .code = code,
                             .payload = probe,
                             .payload_len = plen < 28 ? plen : 28};
    size_t l4len;
    assert_int_equal(icmp4_build(l4, sizeof l4, &p, &l4len), PKT_OK);
    return ip4_from_target(frame, IPPROTO_ICMP, l4, l4len, 64);
}

static void icmp_errors(void **state)
{
    (void)state;
    struct dprobe_ends e = ends4();
    struct dprobe v[] = {{DP_UDP, 40125}, {DP_PROTO, 4}, {DP_TCP_SYN, 443}};
    struct dprobe_list l = list_of(v, 3);
    uint8_t probe[DPROBE_MAX_LEN], frame[256];
    int idx;
    size_t plen = dprobe_build(probe, sizeof probe, &key, &e, &v[0], 0, 0, 64);
    size_t len = unreach_quoting(frame, probe, plen, 3);
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), REASON_PORT_UNREACH);
    assert_int_equal(idx, 0);
    /* Host unreachable and admin prohibited prove nothing in nmap 7.93. */
    len = unreach_quoting(frame, probe, plen, 1);
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), -2);
    len = unreach_quoting(frame, probe, plen, 13);
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), -2);
    /* -PO4: an empty IP-in-IP datagram, answered by protocol unreachable;
     * its IP ID identifies it. */
    plen = dprobe_build(probe, sizeof probe, &key, &e, &v[1], 1, 0, 64);
    assert_int_equal(plen, 20);
    len = unreach_quoting(frame, probe, plen, 2);
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), REASON_PROTO_UNREACH);
    assert_int_equal(idx, 1);
    probe[4] ^= 0x40; /* another IP ID: not ours (checksum left stale on purpose) */
    len = unreach_quoting(frame, probe, plen, 2);
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), -1);
    /* Truncated quotes and truncated packets are rejected, not misread. */
    plen = dprobe_build(probe, sizeof probe, &key, &e, &v[2], 2, 0, 64);
    len = unreach_quoting(frame, probe, 24, 3);
    assert_true(outcome(frame, len, &e, &l, false, &idx) < -1 || idx < 0);
    for (size_t cut = 0; cut < len; cut++) {
        struct dreply r;
        enum pkt_status st = dreply_parse(DLINK_RAW, frame, cut, &r);
        if (st == PKT_OK) assert_true(r.kind != DR_TCP);
    }
}

static void arp_and_nd(void **state)
{
    (void)state;
    static const uint8_t our_mac[6] = {2, 0, 0, 0, 0, 1}, their_mac[6] = {0, 0x50, 0x56, 0, 9, 2};
    uint8_t frame[128];
    size_t len = dprobe_build_arp(frame, sizeof frame, our_mac, us4, them4);
    assert_int_equal(len, 42);
    assert_memory_equal(frame, "\xff\xff\xff\xff\xff\xff", 6);
    /* Turn the request into the target's reply. */
    uint8_t reply[42];
    memcpy(reply, our_mac, 6);
    memcpy(reply + 6, their_mac, 6);
    reply[12] = 0x08;
    reply[13] = 0x06;
    size_t arplen;
    assert_int_equal(arp_build_request(reply + 14, 28, their_mac, them4, us4, &arplen), PKT_OK);
    reply[14 + 7] = ARP_REPLY;
    struct dreply r;
    assert_int_equal(dreply_parse(DLINK_EN10MB, reply, sizeof reply, &r), PKT_OK);
    assert_int_equal(r.kind, DR_ARP);
    assert_memory_equal(r.target, them4, 4);
    assert_memory_equal(r.mac, their_mac, 6);
    uint8_t reason;
    assert_true(dreply_verdict(&r, NULL, false, &reason));
    assert_int_equal(reason, REASON_ARP_RESPONSE);
    /* A request is not an answer. */
    reply[14 + 7] = ARP_REQUEST;
    assert_int_equal(dreply_parse(DLINK_EN10MB, reply, sizeof reply, &r), PKT_BAD_TYPE);
    /* ND: a solicitation to the solicited-node group, hop limit 255. */
    len = dprobe_build_nd(frame, sizeof frame, our_mac, us6, them6);
    assert_int_equal(len, 14 + 40 + 32);
    assert_memory_equal(frame, "\x33\x33\xff\x00\x00\x04", 6);
    assert_int_equal(frame[14 + 7], 255);
}

static void nd_advert_and_sll(void **state)
{
    (void)state;
    /* An advertisement on Linux's "any" capture (SLL header). */
    uint8_t na[32] = {136, 0, 0, 0, 0x60, 0, 0, 0};
    memcpy(na + 8, them6, 16);
    na[24] = 2;
    na[25] = 1;
    memcpy(na + 26, "\x00\x50\x56\x00\x09\x02", 6);
    struct pkt_ends back = {.family = AF_INET6};
    memcpy(back.src, them6, 16);
    memcpy(back.dst, us6, 16);
    uint8_t frame[256] = {0, 0, 0, 1, 0, 6, 0x00, 0x50, 0x56, 0x00, 0x09, 0x02, 0, 0, 0x86, 0xdd};
    size_t len = 16 + ip6_from_target(frame + 16, IPPROTO_ICMPV6, na, sizeof na, 255);
    struct dreply r;
    assert_int_equal(dreply_parse(DLINK_SLL, frame, len, &r), PKT_OK);
    assert_int_equal(r.kind, DR_ND);
    assert_memory_equal(r.target, them6, 16);
    assert_true(r.has_mac);
    uint8_t reason;
    assert_true(dreply_verdict(&r, NULL, false, &reason));
    assert_int_equal(reason, REASON_ND_RESPONSE);
    /* Not from a neighbour: a hop limit below 255 is refused (RFC 4861). */
    len = 16 + ip6_from_target(frame + 16, IPPROTO_ICMPV6, na, sizeof na, 64);
    assert_int_equal(dreply_parse(DLINK_SLL, frame, len, &r), PKT_BAD_TYPE);
}

static void icmp6_echo(void **state)
{
    (void)state;
    struct dprobe_ends e = ends6();
    struct dprobe v[] = {{DP_ICMP_ECHO, 0}};
    struct dprobe_list l = list_of(v, 1);
    uint8_t probe[DPROBE_MAX_LEN], frame[256];
    size_t plen = dprobe_build(probe, sizeof probe, &key, &e, &v[0], 0, 0, 64);
    assert_int_equal(plen, 48);
    struct ipv6_info ip;
    assert_int_equal(ipv6_parse(probe, plen, &ip), PKT_OK);
    struct icmp6_info ic;
    assert_int_equal(icmp6_parse(ip.payload, &ic), PKT_OK);
    struct pkt_ends back = {.family = AF_INET6};
    memcpy(back.src, them6, 16);
    memcpy(back.dst, us6, 16);
    uint8_t l4[8];
    size_t l4len;
    struct icmp6_params rp = {.type = ICMP6_ECHO_REPLY, .rest = ic.rest};
    assert_int_equal(icmp6_build(l4, sizeof l4, &rp, &back, &l4len), PKT_OK);
    size_t len = ip6_from_target(frame, IPPROTO_ICMPV6, l4, l4len, 64);
    int idx;
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), REASON_ECHO_REPLY);
}

static void sctp_and_udp_answers(void **state)
{
    (void)state;
    struct dprobe_ends e = ends4();
    struct dprobe v[] = {{DP_SCTP, 80}, {DP_UDP, 53}};
    struct dprobe_list l = list_of(v, 2);
    uint8_t probe[DPROBE_MAX_LEN], frame[256], l4[64];
    size_t plen = dprobe_build(probe, sizeof probe, &key, &e, &v[0], 0, 0, 64);
    struct ipv4_info ip;
    assert_int_equal(ipv4_parse(probe, plen, &ip), PKT_OK);
    const uint8_t *s;
    size_t slen;
    pb_span(&ip.payload, &s, &slen);
    assert_int_equal(sctp_checksum_check(ip.payload), SCTP_SUM_CRC32C);
    uint32_t tag = (uint32_t)s[16] << 24 | (uint32_t)s[17] << 16 | (uint32_t)s[18] << 8 | s[19];
    /* An ABORT carrying our initiate tag as its verification tag. */
    struct sctp_common c = {.sport = 80, .dport = (uint16_t)(s[0] << 8 | s[1]), .vtag = tag};
    size_t l4len = 0;
    uint8_t cookie[4] = {0};
    assert_int_equal(sctp_build_cookie_echo(l4, sizeof l4, &c, cookie, 4, &l4len), PKT_OK);
    l4[12] = SCTP_ABORT;
    size_t len = ip4_from_target(frame, IPPROTO_SCTP, l4, l4len, 64);
    int idx;
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), REASON_ABORT);
    /* A UDP answer from the probed port to our source port. */
    plen = dprobe_build(probe, sizeof probe, &key, &e, &v[1], 1, 0, 64);
    assert_int_equal(ipv4_parse(probe, plen, &ip), PKT_OK);
    struct udp_info u;
    assert_int_equal(udp_parse(ip.payload, &u), PKT_OK);
    struct pkt_ends back = {.family = AF_INET};
    memcpy(back.src, them4, 4);
    memcpy(back.dst, us4, 4);
    assert_int_equal(udp_build(l4, sizeof l4, 53, u.sport, (const uint8_t *)"x", 1, &back, &l4len),
                     PKT_OK);
    len = ip4_from_target(frame, IPPROTO_UDP, l4, l4len, 64);
    assert_int_equal(outcome(frame, len, &e, &l, false, &idx), REASON_UDP_RESPONSE);
    assert_int_equal(idx, 1);
}

static void garbage_is_rejected(void **state)
{
    (void)state;
    uint8_t buf[64];
    for (unsigned seed = 0; seed < 2000; seed++) {
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = (uint8_t)((seed * 2654435761u + i * 40503u) >> 7);
        buf[0] = (uint8_t)(0x45 + (seed & 1) * 0x20);
        struct dreply r;
        for (int dlt = 0; dlt < 5; dlt++) {
            static const int dlts[] = {DLINK_RAW, DLINK_EN10MB, DLINK_SLL, DLINK_SLL2, 9999};
            (void)dreply_parse(dlts[dlt], buf, seed % sizeof buf, &r);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_lists),       cmocka_unit_test(echo_reply_matches_its_probe),
        cmocka_unit_test(tcp_replies),         cmocka_unit_test(icmp_errors),
        cmocka_unit_test(arp_and_nd),          cmocka_unit_test(nd_advert_and_sll),
        cmocka_unit_test(icmp6_echo),          cmocka_unit_test(sctp_and_udp_answers),
        cmocka_unit_test(garbage_is_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
