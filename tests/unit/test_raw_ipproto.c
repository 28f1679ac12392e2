// SPDX-License-Identifier: MIT
// -sO's pure parts: the probe of each protocol (nmap 7.93's sizes, seen in
// its --packet-trace: TCP 40, UDP 28, ICMP 28, IGMP 28, SCTP 52, others
// 20 bytes), the keyed port carried as IPv4 ID, replies built as the lab
// hosts send them read back by reply_parse_ipproto(), and nmap's state
// and reason for each.
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
#include "raw/reply.h"
#include "report/model.h"
#include "scan/technique.h"

static const uint8_t SELF4[4] = {198, 18, 0, 1};
static const uint8_t TARGET4[4] = {198, 18, 1, 4};
static const uint8_t ROUTER4[4] = {198, 18, 0, 254};
static const uint8_t SELF6[16] = {0xfd, 0, 0, 0x18, [15] = 1};
static const uint8_t TARGET6[16] = {0xfd, 0, 0, 0x18, 0, 1, [15] = 4};

#define SPORT 40000

static struct probe_spec spec(int family, uint8_t proto)
{
    bool v6 = family == AF_INET6;
    return (struct probe_spec){.family = family,
                               .self = v6 ? SELF6 : SELF4,
                               .target = v6 ? TARGET6 : TARGET4,
                               .sport = SPORT,
                               .dport = proto,
                               .seq = 0x12345678,
                               .ip_id = 77,
                               .ttl = 50};
}

static size_t probe(int family, uint8_t proto, uint8_t *buf)
{
    struct probe_spec p = spec(family, proto);
    return tech_ipproto.build(&tech_ipproto, &p, buf, RAW_PROBE_MAX);
}

static void test_probe_sizes_and_id(void **state)
{
    (void)state;
    static const struct {
        uint8_t proto;
        size_t len;
    } want[] = {{1, 28}, {2, 28}, {6, 40}, {17, 28}, {132, 52}, {47, 20}, {0, 20}, {255, 20}};
    uint8_t buf[RAW_PROBE_MAX];
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        size_t len = probe(AF_INET, want[i].proto, buf);
        assert_int_equal(len, want[i].len);
        struct ipv4_info ip;
        assert_int_equal(ipv4_parse(buf, len, &ip), PKT_OK);
        assert_true(ip.checksum_ok);
        assert_int_equal(ip.proto, want[i].proto);
        assert_int_equal(ip.id, SPORT); /* what an ICMP error quotes */
    }
    /* nmap's TCP probe: an ACK to port 80 from our keyed port. */
    size_t len = probe(AF_INET, IPPROTO_TCP, buf);
    struct ipv4_info ip;
    assert_int_equal(ipv4_parse(buf, len, &ip), PKT_OK);
    struct tcp_info t;
    assert_int_equal(tcp_parse(ip.payload, &t), PKT_OK);
    assert_int_equal(t.flags, TCP_ACK);
    assert_int_equal(t.sport, SPORT);
    assert_int_equal(t.dport, 80);
    /* ICMP: an echo request whose identifier is our port. */
    len = probe(AF_INET, IPPROTO_ICMP, buf);
    assert_int_equal(ipv4_parse(buf, len, &ip), PKT_OK);
    struct icmp4_info ic;
    assert_int_equal(icmp4_parse(ip.payload, &ic), PKT_OK);
    assert_int_equal(ic.type, ICMP4_ECHO);
    assert_int_equal(ic.id, SPORT);
    /* IPv6: ICMPv6 echo for 58, an empty packet for the others. */
    assert_int_equal(probe(AF_INET6, IPPROTO_ICMPV6, buf), 48);
    assert_int_equal(probe(AF_INET6, 47, buf), 40);
    assert_int_equal(probe(AF_INET6, IPPROTO_TCP, buf), 60);
    /* Too small a buffer is refused, never overrun. */
    struct probe_spec p = spec(AF_INET, IPPROTO_SCTP);
    assert_int_equal(tech_ipproto.build(&tech_ipproto, &p, buf, 30), 0);
}

/* An IPv4 packet from src to us carrying an ICMP message. */
static size_t icmp4_packet(const uint8_t src[4], uint8_t type, uint8_t code, uint32_t rest,
                           const uint8_t *quote, size_t qlen, uint8_t *out)
{
    struct icmp4_params p = {
        .type = type, .code = code, .rest = rest, .payload = quote, .payload_len = qlen};
    size_t l4, hl;
    assert_int_equal(icmp4_build(out + IPV4_HDR_LEN, 1400, &p, &l4), PKT_OK);
    struct ipv4_params ip = {.id = 1, .ttl = 64, .proto = IPPROTO_ICMP};
    memcpy(ip.src, src, 4);
    memcpy(ip.dst, SELF4, 4);
    assert_int_equal(ipv4_build(out, 1500, &ip, l4, &hl), PKT_OK);
    return hl + l4;
}

static void verdict(const struct raw_reply *r, enum echo_kind echo, int state, int reason)
{
    uint32_t seq;
    assert_int_equal(tech_ipproto.echo(&tech_ipproto, r, &seq), echo);
    uint8_t s, why;
    assert_true(tech_ipproto.classify(&tech_ipproto, r, &s, &why));
    assert_int_equal(s, state);
    assert_int_equal(why, reason);
}

/* An unreachable of code about our GRE probe, sent by src. */
static size_t unreach_about_gre(const uint8_t src[4], uint8_t code, uint8_t *pkt)
{
    uint8_t gre[RAW_PROBE_MAX];
    size_t glen = probe(AF_INET, 47, gre);
    return icmp4_packet(src, ICMP4_UNREACH, code, 0, gre, glen, pkt);
}

static void test_icmp_errors(void **state)
{
    (void)state;
    uint8_t pkt[1500];
    struct raw_reply r[2];
    size_t n;
    size_t len = unreach_about_gre(TARGET4, 2, pkt);
    assert_int_equal(reply_parse_ipproto(pkt, len, r, &n), PKT_OK);
    assert_int_equal(n, 2);
    /* The error about GRE: closed, tied to our probe by the quoted ID. */
    assert_int_equal(r[0].kind, REPLY_ICMP4);
    assert_int_equal(r[0].target_port, 47);
    assert_int_equal(r[0].our_port, SPORT);
    assert_memory_equal(r[0].target, TARGET4, 4);
    verdict(&r[0], ECHO_PORT, PORT_CLOSED, REASON_PROTO_UNREACH);
    /* And ICMP itself open, with that message's reason. */
    assert_int_equal(r[1].kind, REPLY_PROTO);
    assert_int_equal(r[1].target_port, IPPROTO_ICMP);
    verdict(&r[1], ECHO_PROTO, PORT_OPEN, REASON_PROTO_UNREACH);

    static const struct {
        uint8_t code;
        int state, reason;
    } codes[] = {
        {3, PORT_OPEN, REASON_PORT_UNREACH},         {0, PORT_FILTERED, REASON_NET_UNREACH},
        {1, PORT_FILTERED, REASON_HOST_UNREACH},     {9, PORT_FILTERED, REASON_NET_PROHIBITED},
        {10, PORT_FILTERED, REASON_HOST_PROHIBITED}, {13, PORT_FILTERED, REASON_ADMIN_PROHIBITED}};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        len = unreach_about_gre(TARGET4, codes[i].code, pkt);
        assert_int_equal(reply_parse_ipproto(pkt, len, r, &n), PKT_OK);
        verdict(&r[0], ECHO_PORT, codes[i].state, codes[i].reason);
    }
    /* From a router on the way, protocol and port unreachables say
     * filtered, not closed or open. */
    len = unreach_about_gre(ROUTER4, 2, pkt);
    assert_int_equal(reply_parse_ipproto(pkt, len, r, &n), PKT_OK);
    assert_memory_equal(r[0].target, TARGET4, 4);
    verdict(&r[0], ECHO_PORT, PORT_FILTERED, REASON_PROTO_UNREACH);
    assert_memory_equal(r[1].target, ROUTER4, 4); /* not a scanned host: unmatched */
    len = unreach_about_gre(ROUTER4, 3, pkt);
    assert_int_equal(reply_parse_ipproto(pkt, len, r, &n), PKT_OK);
    verdict(&r[0], ECHO_PORT, PORT_FILTERED, REASON_PORT_UNREACH);
}

static void test_echo_reply_and_other_protocols(void **state)
{
    (void)state;
    uint8_t pkt[1500];
    struct raw_reply r[2];
    size_t n;
    size_t len = icmp4_packet(TARGET4, ICMP4_ECHO_REPLY, 0, (uint32_t)SPORT << 16, NULL, 0, pkt);
    assert_int_equal(reply_parse_ipproto(pkt, len, r, &n), PKT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].our_port, SPORT);
    verdict(&r[0], ECHO_PORT, PORT_OPEN, REASON_ECHO_REPLY);

    /* A TCP reset from the target: TCP open (proto-response), tied to our
     * probe by its destination port. */
    uint8_t seg[20];
    struct pkt_ends ends = {.family = AF_INET};
    memcpy(ends.src, TARGET4, 4);
    memcpy(ends.dst, SELF4, 4);
    struct tcp_params tp = {.sport = 80, .dport = SPORT, .flags = TCP_RST};
    size_t tlen, hl;
    assert_int_equal(tcp_build(seg, sizeof seg, &tp, &ends, &tlen), PKT_OK);
    struct ipv4_params ip = {.ttl = 64, .proto = IPPROTO_TCP};
    memcpy(ip.src, TARGET4, 4);
    memcpy(ip.dst, SELF4, 4);
    assert_int_equal(ipv4_build(pkt, sizeof pkt, &ip, tlen, &hl), PKT_OK);
    memcpy(pkt + hl, seg, tlen);
    assert_int_equal(reply_parse_ipproto(pkt, hl + tlen, r, &n), PKT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].target_port, IPPROTO_TCP);
    assert_int_equal(r[0].our_port, SPORT);
    verdict(&r[0], ECHO_PORT, PORT_OPEN, REASON_PROTO_RESPONSE);

    /* Any other protocol: the protocol alone. */
    ip.proto = 103;
    assert_int_equal(ipv4_build(pkt, sizeof pkt, &ip, 0, &hl), PKT_OK);
    assert_int_equal(reply_parse_ipproto(pkt, hl, r, &n), PKT_OK);
    verdict(&r[0], ECHO_PROTO, PORT_OPEN, REASON_PROTO_RESPONSE);
    /* A TCP packet too short for its ports is malformed, not ours. */
    ip.proto = IPPROTO_TCP;
    assert_int_equal(ipv4_build(pkt, sizeof pkt, &ip, 2, &hl), PKT_OK);
    assert_int_not_equal(reply_parse_ipproto(pkt, hl + 2, r, &n), PKT_OK);
    /* Cut short anywhere: never OK beyond the bytes given. */
    len = unreach_about_gre(TARGET4, 2, pkt);
    for (size_t cut = 0; cut < len; cut++)
        (void)reply_parse_ipproto(pkt, cut, r, &n);
}

/* IPv6: a parameter problem about an unknown next header is closed; about
 * an erroneous field (an empty fragment header) open. */
static void test_ipv6_param_problem(void **state)
{
    (void)state;
    uint8_t quote[RAW_PROBE_MAX], pkt[1500];
    size_t qlen = probe(AF_INET6, 44, quote);
    struct raw_reply r[2];
    size_t n;
    for (uint8_t code = 0; code <= 1; code++) {
        struct pkt_ends ends = {.family = AF_INET6};
        memcpy(ends.src, TARGET6, 16);
        memcpy(ends.dst, SELF6, 16);
        struct icmp6_params p = {.type = ICMP6_PARAM_PROBLEM,
                                 .code = code,
                                 .rest = 40,
                                 .payload = quote,
                                 .payload_len = qlen};
        size_t l4, hl;
        assert_int_equal(icmp6_build(pkt + IPV6_HDR_LEN, 1400, &p, &ends, &l4), PKT_OK);
        struct ipv6_params ip = {.next_header = IPPROTO_ICMPV6, .hop_limit = 64};
        memcpy(ip.src, TARGET6, 16);
        memcpy(ip.dst, SELF6, 16);
        assert_int_equal(ipv6_build(pkt, sizeof pkt, &ip, l4, &hl), PKT_OK);
        assert_int_equal(reply_parse_ipproto(pkt, hl + l4, r, &n), PKT_OK);
        assert_int_equal(n, 2);
        assert_int_equal(r[0].target_port, 44);
        assert_true(r[0].from_target);
        verdict(&r[0], ECHO_PROTO, code == 0 ? PORT_OPEN : PORT_CLOSED, REASON_PARAM_PROBLEM);
        verdict(&r[1], ECHO_PROTO, PORT_OPEN, REASON_PROTO_RESPONSE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_sizes_and_id),
        cmocka_unit_test(test_icmp_errors),
        cmocka_unit_test(test_echo_reply_and_other_protocols),
        cmocka_unit_test(test_ipv6_param_problem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
