// SPDX-License-Identifier: MIT
// ICMPv4/ICMPv6 messages and errors (the quoted probe), Neighbor
// Discovery, ARP and Ethernet: round trips and malformed input.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt/arp.h"
#include "net/pkt/eth.h"
#include "net/pkt/icmp4.h"
#include "net/pkt/icmp6.h"
#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/nd.h"
#include "net/pkt/tcp.h"
#include "net/pkt/udp.h"

static void test_icmp4_echo(void **state)
{
    (void)state;
    struct icmp4_params p = {.type = ICMP4_ECHO,
                             .rest = 0x1234 << 16 | 7,
                             .payload = (const uint8_t *)"ping",
                             .payload_len = 4};
    uint8_t buf[32];
    size_t len;
    assert_int_equal(icmp4_build(buf, sizeof buf, &p, &len), PKT_OK);
    struct icmp4_info m;
    assert_int_equal(icmp4_parse(pb_init(buf, len), &m), PKT_OK);
    assert_int_equal(m.type, ICMP4_ECHO);
    assert_true(m.checksum_ok);
    assert_int_equal(m.id, 0x1234);
    assert_int_equal(m.seq, 7);
    assert_false(m.is_error);
    assert_true(pb_equal(&m.body, "ping", 4));
    assert_int_equal(icmp4_parse(pb_init(buf, 7), &m), PKT_TRUNCATED);
}

/* A port unreachable quoting the SYN it answers: IPv4 header + 8 bytes. */
static void test_icmp4_error_quotes_probe(void **state)
{
    (void)state;
    uint8_t probe[60];
    struct ipv4_params ip = {
        .id = 99, .ttl = 64, .proto = 6, .src = {198, 18, 0, 1}, .dst = {198, 18, 0, 2}};
    size_t hl, tl;
    struct pkt_ends ends;
    memset(&ends, 0, sizeof ends);
    ends.family = AF_INET;
    memcpy(ends.src, ip.src, 4);
    memcpy(ends.dst, ip.dst, 4);
    struct tcp_params t = {.sport = 41000, .dport = 8080, .seq = 0xcafe0001, .flags = TCP_SYN};
    assert_int_equal(tcp_build(probe + 20, sizeof probe - 20, &t, &ends, &tl), PKT_OK);
    assert_int_equal(ipv4_build(probe, sizeof probe, &ip, tl, &hl), PKT_OK);
    struct icmp4_params e = {
        .type = ICMP4_UNREACH, .code = 3, .payload = probe, .payload_len = hl + 8};
    uint8_t buf[64];
    size_t len;
    assert_int_equal(icmp4_build(buf, sizeof buf, &e, &len), PKT_OK);
    struct icmp4_info m;
    assert_int_equal(icmp4_parse(pb_init(buf, len), &m), PKT_OK);
    assert_true(m.is_error);
    assert_int_equal(m.inner.proto, 6);
    assert_int_equal(m.inner.id, 99);
    assert_true(m.inner.payload_cut);
    assert_int_equal(pb_len(&m.inner_l4), 8);
    struct tcp_info q;
    assert_int_equal(tcp_parse_quoted(m.inner_l4, &q), PKT_OK);
    assert_int_equal(q.sport, 41000);
    assert_int_equal(q.dport, 8080);
    assert_int_equal(q.seq, 0xcafe0001);
    /* A quote cut inside the IP header is rejected. */
    e.payload_len = 12;
    assert_int_equal(icmp4_build(buf, sizeof buf, &e, &len), PKT_OK);
    assert_int_equal(icmp4_parse(pb_init(buf, len), &m), PKT_TRUNCATED);
}

static struct pkt_ends v6_ends(void)
{
    struct pkt_ends e = {.family = AF_INET6};
    e.src[0] = e.dst[0] = 0xfd;
    e.src[15] = 1, e.dst[15] = 2;
    return e;
}

static void test_icmp6_echo_and_error(void **state)
{
    (void)state;
    struct pkt_ends e = v6_ends();
    struct icmp6_params p = {.type = ICMP6_ECHO, .rest = 5 << 16 | 6};
    uint8_t buf[128];
    size_t len;
    assert_int_equal(icmp6_build(buf, sizeof buf, &p, &e, &len), PKT_OK);
    assert_true(icmp6_checksum_ok(pb_init(buf, len), &e));
    struct icmp6_info m;
    assert_int_equal(icmp6_parse(pb_init(buf, len), &m), PKT_OK);
    assert_int_equal(m.id, 5);
    assert_int_equal(m.seq, 6);

    /* Unreachable quoting a UDP probe behind a destination-options header. */
    uint8_t probe[80];
    struct ipv6_params ip = {.next_header = 60, .hop_limit = 64};
    memcpy(ip.src, e.src, 16);
    memcpy(ip.dst, e.dst, 16);
    size_t hl, ul;
    const uint8_t dstopts[] = {17, 0, 1, 4, 0, 0, 0, 0};
    assert_int_equal(udp_build(probe + 48, sizeof probe - 48, 33000, 161, NULL, 0, &e, &ul),
                     PKT_OK);
    assert_int_equal(ipv6_build(probe, sizeof probe, &ip, 8 + ul, &hl), PKT_OK);
    memcpy(probe + hl, dstopts, sizeof dstopts);
    struct icmp6_params err = {
        .type = ICMP6_UNREACH, .code = 4, .payload = probe, .payload_len = hl + 8 + ul};
    assert_int_equal(icmp6_build(buf, sizeof buf, &err, &e, &len), PKT_OK);
    assert_int_equal(icmp6_parse(pb_init(buf, len), &m), PKT_OK);
    assert_true(m.is_error);
    assert_int_equal(m.inner.proto, 17);
    struct udp_info u;
    assert_int_equal(udp_parse_quoted(m.inner_l4, &u), PKT_OK);
    assert_int_equal(u.dport, 161);
    buf[8 + 4] = 0xff; /* inner payload length past the quote: still fine */
    assert_int_equal(icmp6_parse(pb_init(buf, len), &m), PKT_OK);
    assert_true(m.inner.payload_cut);
    assert_int_equal(m.inner.proto, 17);
    assert_int_equal(icmp6_parse(pb_init(buf, 8 + 39), &m), PKT_TRUNCATED);
}

static void test_nd_solicit_and_advert(void **state)
{
    (void)state;
    uint8_t target[16] = {0xfd, [13] = 0xab, [14] = 0xcd, [15] = 0xef};
    uint8_t group[16], mac[6];
    nd_solicited_node(target, group, mac);
    const uint8_t want_group[16] = {
        0xff, 2, [11] = 1, [12] = 0xff, [13] = 0xab, [14] = 0xcd, [15] = 0xef};
    const uint8_t want_mac[6] = {0x33, 0x33, 0xff, 0xab, 0xcd, 0xef};
    assert_memory_equal(group, want_group, 16);
    assert_memory_equal(mac, want_mac, 6);

    struct pkt_ends e = v6_ends();
    memcpy(e.dst, group, 16);
    const uint8_t me[6] = {2, 0, 0, 0, 0, 1};
    uint8_t buf[64];
    size_t len;
    assert_int_equal(nd_build_solicit(buf, sizeof buf, target, me, &e, &len), PKT_OK);
    assert_true(icmp6_checksum_ok(pb_init(buf, len), &e));
    struct nd_advert na;
    assert_int_equal(nd_parse_advert(pb_init(buf, len), &na), PKT_BAD_TYPE);

    /* An advertisement answering it: S and O set, target link-layer option. */
    uint8_t adv[32] = {ND_NEIGHBOR_ADVERT, 0, 0, 0, 0x60};
    memcpy(adv + 8, target, 16);
    adv[24] = ND_OPT_TARGET_LLADDR, adv[25] = 1;
    memcpy(adv + 26, me, 6);
    assert_int_equal(nd_parse_advert(pb_init(adv, sizeof adv), &na), PKT_OK);
    assert_true(na.solicited && na.override && !na.router);
    assert_true(na.has_lladdr);
    assert_memory_equal(na.lladdr, me, 6);
    adv[25] = 0; /* zero-length option */
    assert_int_equal(nd_parse_advert(pb_init(adv, sizeof adv), &na), PKT_BAD_LENGTH);
    adv[25] = 2; /* past the message */
    assert_int_equal(nd_parse_advert(pb_init(adv, sizeof adv), &na), PKT_BAD_LENGTH);
    assert_int_equal(nd_parse_advert(pb_init(adv, 23), &na), PKT_TRUNCATED);
}

static void test_arp_and_eth(void **state)
{
    (void)state;
    const uint8_t sha[6] = {2, 0, 0, 0, 0, 9}, spa[4] = {198, 18, 0, 1}, tpa[4] = {198, 18, 0, 2};
    const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t frame[64] = {0};
    size_t el, al;
    assert_int_equal(eth_build(frame, sizeof frame, bcast, sha, ETHERTYPE_ARP, &el), PKT_OK);
    assert_int_equal(arp_build_request(frame + el, sizeof frame - el, sha, spa, tpa, &al), PKT_OK);
    struct eth_info eth;
    assert_int_equal(eth_parse(pb_init(frame, 60), &eth), PKT_OK);
    assert_int_equal(eth.ethertype, ETHERTYPE_ARP);
    assert_memory_equal(eth.src, sha, 6);
    struct arp_info arp;
    assert_int_equal(arp_parse(eth.payload, &arp), PKT_OK); /* padding ignored */
    assert_int_equal(arp.op, ARP_REQUEST);
    assert_memory_equal(arp.spa, spa, 4);
    assert_memory_equal(arp.tpa, tpa, 4);
    assert_int_equal(arp_parse(pb_init(frame + el, 27), &arp), PKT_TRUNCATED);
    frame[el + 5] = 16; /* protocol address length */
    assert_int_equal(arp_parse(pb_init(frame + el, al), &arp), PKT_BAD_TYPE);

    /* A VLAN-tagged IPv6 frame. */
    uint8_t tagged[18] = {
        [12] = 0x81, [13] = 0x00, [14] = 0x00, [15] = 0x05, [16] = 0x86, [17] = 0xdd};
    assert_int_equal(eth_parse(pb_init(tagged, sizeof tagged), &eth), PKT_OK);
    assert_int_equal(eth.ethertype, ETHERTYPE_IPV6);
    assert_int_equal(eth.vlan_tci, 5);
    assert_int_equal(eth_parse(pb_init(tagged, 16), &eth), PKT_TRUNCATED);
    assert_int_equal(eth_parse(pb_init(tagged, 13), &eth), PKT_TRUNCATED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icmp4_echo),
        cmocka_unit_test(test_icmp4_error_quotes_probe),
        cmocka_unit_test(test_icmp6_echo_and_error),
        cmocka_unit_test(test_nd_solicit_and_advert),
        cmocka_unit_test(test_arp_and_eth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
