// SPDX-License-Identifier: MIT
// The SYN scan's pure parts: SipHash against the paper's test vector, the
// keyed probe identity (accepts what our probes carry, rejects anything
// else), the SYN probe's bytes, and nmap's verdict for every kind of reply,
// including malformed and truncated ones.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt/icmp4.h"
#include "net/pkt/icmp6.h"
#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/tcp.h"
#include "raw/cookie.h"
#include "scan/technique.h"
#include "raw/reply.h"
#include "report/model.h"


/* The SYN technique's probe (nmap's: window 1024, MSS 1460; 44 or 64 bytes). */
static size_t syn_build(uint8_t *buf, size_t cap, const struct probe_spec *p)
{
    return tech_tcp_build(&tech_syn, p, buf, cap);
}

static const uint8_t SELF4[4] = {198, 18, 0, 1};
static const uint8_t TARGET4[4] = {198, 18, 1, 4};
static const uint8_t SELF6[16] = {0xfd, 0, 0, 0x18, [15] = 1};
static const uint8_t TARGET6[16] = {0xfd, 0, 0, 0x18, 0, 1, [15] = 4};

static void test_siphash_vector(void **state)
{
    (void)state;
    /* SipHash paper, appendix A: key 00..0f, message 00..0e. */
    struct cookie_key k = {.k0 = 0x0706050403020100ull, .k1 = 0x0f0e0d0c0b0a0908ull};
    uint8_t msg[15];
    for (int i = 0; i < 15; i++)
        msg[i] = (uint8_t)i;
    assert_true(siphash24(&k, msg, sizeof msg) == 0xa129ca6149be45e5ull);
}

static void test_cookie_round_trip(void **state)
{
    (void)state;
    struct cookie_key k = {.k0 = 1, .k1 = 2};
    uint64_t h = cookie_hash(&k, AF_INET, TARGET4, SELF4, 443);
    uint16_t sport = cookie_sport(h);
    assert_true(sport >= COOKIE_SPORT_BASE && sport < COOKIE_SPORT_BASE + COOKIE_SPORT_SPAN);
    for (unsigned t = 0; t <= COOKIE_MAX_TRYNO; t++)
        assert_int_equal(cookie_check(h, sport, cookie_seq(h, t)), (int)t);
    assert_int_equal(cookie_check(h, sport, cookie_seq(h, COOKIE_MAX_TRYNO + 1)), -1);
    assert_int_equal(cookie_check(h, sport, cookie_seq(h, 0) - 1), -1);
    assert_int_equal(cookie_check(h, (uint16_t)(sport + 1), cookie_seq(h, 0)), -1);
    /* Another port, address or key gives another identity. */
    assert_true(cookie_hash(&k, AF_INET, TARGET4, SELF4, 444) != h);
    assert_true(cookie_hash(&k, AF_INET, SELF4, TARGET4, 443) != h);
    struct cookie_key k2 = {.k0 = 1, .k1 = 3};
    assert_true(cookie_hash(&k2, AF_INET, TARGET4, SELF4, 443) != h);
}

static void test_cookie_random_key(void **state)
{
    (void)state;
    struct cookie_key a, b;
    assert_int_equal(cookie_key_random(&a), 0);
    assert_int_equal(cookie_key_random(&b), 0);
    assert_false(a.k0 == b.k0 && a.k1 == b.k1);
}

static void test_probe_bytes(void **state)
{
    (void)state;
    uint8_t buf[64];
    struct probe_spec p = {.family = AF_INET,
                          .self = SELF4,
                          .target = TARGET4,
                          .sport = 40000,
                          .dport = 22,
                          .seq = 0x01020304,
                          .ip_id = 7,
                          .ttl = 64};
    size_t len = syn_build(buf, sizeof buf, &p);
    assert_int_equal(len, 44);
    struct ipv4_info ip;
    assert_int_equal(ipv4_parse(buf, len, &ip), PKT_OK);
    assert_true(ip.checksum_ok);
    assert_int_equal(ip.proto, IPPROTO_TCP);
    struct tcp_info t;
    assert_int_equal(tcp_parse(ip.payload, &t), PKT_OK);
    assert_int_equal(t.flags, TCP_SYN);
    assert_int_equal(t.window, 1024);
    assert_int_equal(t.seq, 0x01020304);
    struct tcp_options o;
    assert_int_equal(tcp_options_parse(t.options, &o), PKT_OK);
    assert_true(o.has_mss && o.mss == 1460);
    p.family = AF_INET6;
    p.self = SELF6;
    p.target = TARGET6;
    assert_int_equal(syn_build(buf, sizeof buf, &p), 64);
    assert_int_equal(
        syn_build(buf, 43,
                        &(struct probe_spec){.family = AF_INET, .self = SELF4, .target = TARGET4}),
        0);
}

/* A TCP reply from target to self, as the target's kernel would send it. */
static size_t tcp_reply(uint8_t *buf, int family, uint8_t flags, uint32_t ack, uint8_t ttl)
{
    bool v6 = family == AF_INET6;
    struct pkt_ends ends = {.family = family};
    memcpy(ends.src, v6 ? TARGET6 : TARGET4, v6 ? 16 : 4);
    memcpy(ends.dst, v6 ? SELF6 : SELF4, v6 ? 16 : 4);
    size_t ipl = v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN, tl, hl;
    struct tcp_params t = {
        .sport = 22, .dport = 40000, .seq = 99, .ack = ack, .flags = flags, .window = 64240};
    assert_int_equal(tcp_build(buf + ipl, 200, &t, &ends, &tl), PKT_OK);
    if (v6) {
        struct ipv6_params ip = {.next_header = IPPROTO_TCP, .hop_limit = ttl};
        memcpy(ip.src, TARGET6, 16);
        memcpy(ip.dst, SELF6, 16);
        assert_int_equal(ipv6_build(buf, ipl, &ip, tl, &hl), PKT_OK);
    } else {
        struct ipv4_params ip = {.ttl = ttl, .proto = IPPROTO_TCP};
        memcpy(ip.src, TARGET4, 4);
        memcpy(ip.dst, SELF4, 4);
        assert_int_equal(ipv4_build(buf, ipl, &ip, tl, &hl), PKT_OK);
    }
    return hl + tl;
}

static void expect_verdict(const uint8_t *pkt, size_t len, uint8_t state, uint8_t reason)
{
    struct raw_reply r;
    assert_int_equal(reply_parse(pkt, len, &r), PKT_OK);
    uint8_t s = 0, why = 0;
    assert_true(reply_classify_syn(&r, &s, &why));
    assert_int_equal(s, state);
    assert_int_equal(why, reason);
}

static void test_tcp_replies(void **state)
{
    (void)state;
    uint8_t buf[256];
    for (int f = 0; f < 2; f++) {
        int family = f ? AF_INET6 : AF_INET;
        size_t len = tcp_reply(buf, family, TCP_SYN | TCP_ACK, 0x01020305, 61);
        struct raw_reply r;
        assert_int_equal(reply_parse(buf, len, &r), PKT_OK);
        assert_int_equal(r.kind, REPLY_TCP);
        assert_int_equal(r.family, family);
        assert_int_equal(r.target_port, 22);
        assert_int_equal(r.our_port, 40000);
        assert_true(r.has_echo);
        assert_int_equal(r.echoed_seq, 0x01020304);
        assert_int_equal(r.ttl, 61);
        assert_memory_equal(r.target, f ? TARGET6 : TARGET4, f ? 16 : 4);
        expect_verdict(buf, len, PORT_OPEN, REASON_SYN_ACK);
        len = tcp_reply(buf, family, TCP_RST | TCP_ACK, 1, 64);
        expect_verdict(buf, len, PORT_CLOSED, REASON_RESET);
        len = tcp_reply(buf, family, TCP_SYN, 0, 64);
        expect_verdict(buf, len, PORT_OPEN, REASON_SPLIT_HANDSHAKE_SYN);
        assert_int_equal(reply_parse(buf, len, &r), PKT_OK);
        assert_false(r.has_echo);
        /* A bare ACK says nothing about the port. */
        len = tcp_reply(buf, family, TCP_ACK, 1, 64);
        uint8_t s, why;
        assert_int_equal(reply_parse(buf, len, &r), PKT_OK);
        assert_false(reply_classify_syn(&r, &s, &why));
    }
}

/* An ICMP(v6) unreachable from a router quoting our SYN (first 8 bytes of
 * TCP only when quote8 is set, as RFC 792 allows). */
static size_t icmp_reply(uint8_t *buf, int family, uint8_t code, bool quote8)
{
    uint8_t probe[64];
    bool v6 = family == AF_INET6;
    struct probe_spec p = {.family = family,
                          .self = v6 ? SELF6 : SELF4,
                          .target = v6 ? TARGET6 : TARGET4,
                          .sport = 40000,
                          .dport = 25,
                          .seq = 77,
                          .ttl = 64};
    size_t plen = syn_build(probe, sizeof probe, &p);
    if (quote8) plen = (v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN) + 8;
    size_t ipl = v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN, il, hl;
    const uint8_t router4[4] = {198, 18, 0, 254};
    if (v6) {
        struct pkt_ends ends = {.family = AF_INET6};
        memcpy(ends.src, TARGET6, 16);
        memcpy(ends.dst, SELF6, 16);
        struct icmp6_params ic = {
            .type = ICMP6_UNREACH, .code = code, .payload = probe, .payload_len = plen};
        assert_int_equal(icmp6_build(buf + ipl, 300, &ic, &ends, &il), PKT_OK);
        struct ipv6_params ip = {.next_header = IPPROTO_ICMPV6, .hop_limit = 63};
        memcpy(ip.src, TARGET6, 16);
        memcpy(ip.dst, SELF6, 16);
        assert_int_equal(ipv6_build(buf, ipl, &ip, il, &hl), PKT_OK);
    } else {
        struct icmp4_params ic = {
            .type = ICMP4_UNREACH, .code = code, .payload = probe, .payload_len = plen};
        assert_int_equal(icmp4_build(buf + ipl, 300, &ic, &il), PKT_OK);
        struct ipv4_params ip = {.ttl = 63, .proto = IPPROTO_ICMP};
        memcpy(ip.src, router4, 4);
        memcpy(ip.dst, SELF4, 4);
        assert_int_equal(ipv4_build(buf, ipl, &ip, il, &hl), PKT_OK);
    }
    return hl + il;
}

static void test_icmp_replies(void **state)
{
    (void)state;
    uint8_t buf[400];
    static const struct {
        int family;
        uint8_t code, reason;
    } cases[] = {
        {AF_INET, 0, REASON_NET_UNREACH},       {AF_INET, 1, REASON_HOST_UNREACH},
        {AF_INET, 2, REASON_PROTO_UNREACH},     {AF_INET, 3, REASON_PORT_UNREACH},
        {AF_INET, 9, REASON_NET_PROHIBITED},    {AF_INET, 10, REASON_HOST_PROHIBITED},
        {AF_INET, 13, REASON_ADMIN_PROHIBITED}, {AF_INET6, 0, REASON_NO_ROUTE},
        {AF_INET6, 1, REASON_ADMIN_PROHIBITED}, {AF_INET6, 3, REASON_HOST_UNREACH},
        {AF_INET6, 4, REASON_PORT_UNREACH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int q = 0; q < 2; q++) {
            size_t len = icmp_reply(buf, cases[i].family, cases[i].code, q);
            expect_verdict(buf, len, PORT_FILTERED, cases[i].reason);
            struct raw_reply r;
            reply_parse(buf, len, &r);
            assert_int_equal(r.our_port, 40000);
            assert_int_equal(r.target_port, 25);
            assert_int_equal(r.echoed_seq, 77);
            assert_int_equal(r.ttl, 63);
            bool v6 = cases[i].family == AF_INET6;
            assert_memory_equal(r.target, v6 ? TARGET6 : TARGET4, v6 ? 16 : 4);
            assert_memory_equal(r.self, v6 ? SELF6 : SELF4, v6 ? 16 : 4);
        }
    }
    /* Fragmentation needed (code 4) is not a verdict. */
    size_t len = icmp_reply(buf, AF_INET, 4, false);
    struct raw_reply r;
    uint8_t s, why;
    assert_int_equal(reply_parse(buf, len, &r), PKT_OK);
    assert_false(reply_classify_syn(&r, &s, &why));
}

static void test_malformed_replies(void **state)
{
    (void)state;
    uint8_t buf[400];
    struct raw_reply r;
    size_t len = tcp_reply(buf, AF_INET, TCP_SYN | TCP_ACK, 1, 64);
    /* Every truncation of a whole reply is refused, none crashes. */
    for (size_t cut = 0; cut < len; cut++)
        assert_int_not_equal(reply_parse(buf, cut, &r), PKT_OK);
    /* A broken IPv4 header checksum. */
    buf[8] ^= 1;
    assert_int_not_equal(reply_parse(buf, len, &r), PKT_OK);
    /* An ICMP error quoting fewer than 8 bytes of TCP. */
    len = icmp_reply(buf, AF_INET, 3, true);
    assert_int_not_equal(reply_parse(buf, len - 4, &r), PKT_OK);
    len = icmp_reply(buf, AF_INET6, 4, true);
    for (size_t cut = 0; cut < len; cut++)
        assert_int_not_equal(reply_parse(buf, cut, &r), PKT_OK);
    /* GRE is no scan's reply (UDP now is: -sU). */
    len = tcp_reply(buf, AF_INET, TCP_RST, 0, 64);
    buf[9] = 47;
    buf[10] = buf[11] = 0;
    uint16_t c = 0;
    { /* recompute the header checksum */
        uint32_t sum = 0;
        for (int i = 0; i < 20; i += 2)
            sum += (uint32_t)(buf[i] << 8 | buf[i + 1]);
        while (sum >> 16)
            sum = (sum & 0xffff) + (sum >> 16);
        c = (uint16_t)~sum;
    }
    buf[10] = (uint8_t)(c >> 8);
    buf[11] = (uint8_t)c;
    assert_int_equal(reply_parse(buf, len, &r), PKT_BAD_TYPE);
    uint8_t junk[1] = {0x50};
    assert_int_equal(reply_parse(junk, 1, &r), PKT_BAD_VERSION);
}

static void test_link_layers(void **state)
{
    (void)state;
    uint8_t frame[300] = {0}, pkt[256];
    size_t len = tcp_reply(pkt, AF_INET, TCP_RST | TCP_ACK, 1, 64);
    const uint8_t *l3;
    size_t l3_len;
    /* Linux cooked v1: protocol at 14, data at 16. */
    frame[14] = 0x08;
    memcpy(frame + 16, pkt, len);
    assert_true(reply_strip_link(LINK_LINUX_SLL, frame, len + 16, &l3, &l3_len));
    assert_ptr_equal(l3, frame + 16);
    assert_int_equal(l3_len, len);
    /* Cooked v2: protocol at 0, data at 20. */
    memset(frame, 0, sizeof frame);
    frame[0] = 0x86, frame[1] = 0xdd;
    memcpy(frame + 20, pkt, len);
    assert_true(reply_strip_link(LINK_LINUX_SLL2, frame, len + 20, &l3, &l3_len));
    /* Ethernet with ARP is not IP; every short frame is refused. */
    memset(frame, 0, sizeof frame);
    frame[12] = 0x08, frame[13] = 0x06;
    assert_false(reply_strip_link(LINK_EN10MB, frame, 60, &l3, &l3_len));
    for (size_t n = 0; n < 21; n++)
        assert_false(reply_strip_link(LINK_LINUX_SLL2, frame, n, &l3, &l3_len) && l3_len == 0);
    assert_false(reply_strip_link(LINK_EN10MB, frame, 13, &l3, &l3_len));
    assert_false(reply_strip_link(9999, frame, 100, &l3, &l3_len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siphash_vector),    cmocka_unit_test(test_cookie_round_trip),
        cmocka_unit_test(test_cookie_random_key), cmocka_unit_test(test_probe_bytes),
        cmocka_unit_test(test_tcp_replies),       cmocka_unit_test(test_icmp_replies),
        cmocka_unit_test(test_malformed_replies), cmocka_unit_test(test_link_layers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
