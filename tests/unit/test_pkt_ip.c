// SPDX-License-Identifier: MIT
// IPv4 and IPv6 headers: build -> parse round trips, and malformed input
// rejected with the reason.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"

static size_t build_v4(uint8_t *buf, size_t cap, const uint8_t *opts, size_t optlen, size_t plen)
{
    struct ipv4_params p = {.tos = 0x10,
                            .id = 0xbeef,
                            .df = true,
                            .ttl = 64,
                            .proto = 6,
                            .src = {198, 18, 0, 1},
                            .dst = {198, 18, 0, 2},
                            .options = opts,
                            .options_len = optlen};
    size_t hl = 0;
    assert_int_equal(ipv4_build(buf, cap, &p, plen, &hl), PKT_OK);
    memset(buf + hl, 0xab, plen);
    return hl + plen;
}

static void test_ipv4_round_trip(void **state)
{
    (void)state;
    uint8_t buf[128];
    const uint8_t opts[] = {1, 1, 1, 0}; /* NOP NOP NOP EOL */
    size_t len = build_v4(buf, sizeof buf, opts, sizeof opts, 10);
    struct ipv4_info ip;
    assert_int_equal(ipv4_parse(buf, len, &ip), PKT_OK);
    assert_int_equal(ip.header_len, 24);
    assert_int_equal(ip.total_len, 34);
    assert_int_equal(ip.id, 0xbeef);
    assert_true(ip.df);
    assert_false(ip.is_fragment);
    assert_int_equal(ip.ttl, 64);
    assert_int_equal(ip.proto, 6);
    assert_true(ip.checksum_ok);
    assert_int_equal(pb_len(&ip.options), 4);
    assert_int_equal(pb_len(&ip.payload), 10);
    assert_int_equal(pb_u8_at(&ip.payload, 9), 0xab);
    /* Ethernet padding after total_len is not payload. */
    assert_int_equal(ipv4_parse(buf, len + 6, &ip), PKT_OK);
    assert_int_equal(pb_len(&ip.payload), 10);
    buf[15] ^= 1;
    assert_int_equal(ipv4_parse(buf, len, &ip), PKT_OK);
    assert_false(ip.checksum_ok);
}

static void test_ipv4_malformed(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t len = build_v4(buf, sizeof buf, NULL, 0, 8);
    struct ipv4_info ip;
    assert_int_equal(ipv4_parse(buf, 19, &ip), PKT_TRUNCATED);
    uint8_t bad[64];
    memcpy(bad, buf, len);
    bad[0] = 0x44; /* IHL 4 */
    assert_int_equal(ipv4_parse(bad, len, &ip), PKT_BAD_HEADER_LEN);
    bad[0] = 0x4f; /* 60-byte header in a 28-byte packet */
    assert_int_equal(ipv4_parse(bad, len, &ip), PKT_BAD_HEADER_LEN);
    bad[0] = 0x65;
    assert_int_equal(ipv4_parse(bad, len, &ip), PKT_BAD_VERSION);
    memcpy(bad, buf, len);
    bad[3] = 200; /* total length beyond the data */
    assert_int_equal(ipv4_parse(bad, len, &ip), PKT_BAD_TOTAL_LEN);
    bad[2] = 0, bad[3] = 10; /* below the header */
    assert_int_equal(ipv4_parse(bad, len, &ip), PKT_BAD_TOTAL_LEN);
    /* An option whose length runs past the header. */
    const uint8_t opts[] = {7, 9, 4, 0};
    len = build_v4(buf, sizeof buf, opts, sizeof opts, 0);
    assert_int_equal(ipv4_parse(buf, len, &ip), PKT_BAD_OPTION);
    const uint8_t zero_len[] = {0x44, 0, 0, 0};
    len = build_v4(buf, sizeof buf, zero_len, sizeof zero_len, 0);
    assert_int_equal(ipv4_parse(buf, len, &ip), PKT_BAD_OPTION);
}

static void test_ipv4_fragment_and_quoted(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t len = build_v4(buf, sizeof buf, NULL, 0, 8);
    buf[6] = 0x20, buf[7] = 0x02; /* MF, offset 16 bytes */
    struct ipv4_info ip;
    assert_int_equal(ipv4_parse(buf, len, &ip), PKT_OK);
    assert_true(ip.is_fragment && ip.mf);
    assert_int_equal(ip.frag_offset, 16);
    /* A quote: the header says 1000 bytes, 8 are there. */
    buf[2] = 0x03, buf[3] = 0xe8;
    assert_int_equal(ipv4_parse(buf, len, &ip), PKT_BAD_TOTAL_LEN);
    assert_int_equal(ipv4_parse_quoted(pb_init(buf, len), &ip), PKT_OK);
    assert_true(ip.payload_cut);
    assert_int_equal(pb_len(&ip.payload), 8);
}

static void test_ipv4_build_limits(void **state)
{
    (void)state;
    uint8_t buf[64];
    struct ipv4_params p = {.ttl = 1};
    size_t hl;
    assert_int_equal(ipv4_build(buf, 19, &p, 0, &hl), PKT_NO_SPACE);
    assert_int_equal(ipv4_build(buf, sizeof buf, &p, 65535, &hl), PKT_BAD_ARG);
    const uint8_t opts[3] = {1, 1, 1};
    p.options = opts, p.options_len = 3;
    assert_int_equal(ipv4_build(buf, sizeof buf, &p, 0, &hl), PKT_BAD_ARG);
}

static size_t build_v6(uint8_t *buf, size_t cap, uint8_t nh, const uint8_t *ext, size_t ext_len,
                       size_t plen)
{
    struct ipv6_params p = {
        .traffic_class = 0x20, .flow_label = 0x12345, .next_header = nh, .hop_limit = 255};
    p.src[0] = 0xfd, p.src[15] = 1;
    p.dst[0] = 0xfd, p.dst[15] = 2;
    size_t hl;
    assert_int_equal(ipv6_build(buf, cap, &p, ext_len + plen, &hl), PKT_OK);
    if (ext_len) memcpy(buf + hl, ext, ext_len);
    memset(buf + hl + ext_len, 0xcd, plen);
    return hl + ext_len + plen;
}

static void test_ipv6_round_trip_with_extensions(void **state)
{
    (void)state;
    uint8_t buf[128];
    /* Hop-by-hop (8 bytes, PadN) then a fragment header (offset 0, M). */
    const uint8_t ext[] = {44, 0, 1, 4, 0, 0, 0, 0, 17, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef};
    size_t len = build_v6(buf, sizeof buf, 0, ext, sizeof ext, 12);
    struct ipv6_info ip;
    assert_int_equal(ipv6_parse(buf, len, &ip), PKT_OK);
    assert_int_equal(ip.traffic_class, 0x20);
    assert_int_equal(ip.flow_label, 0x12345);
    assert_int_equal(ip.hop_limit, 255);
    assert_int_equal(ip.next_header, 0);
    assert_int_equal(ip.proto, 17);
    assert_int_equal(ip.ext_len, 16);
    assert_true(ip.is_fragment);
    assert_int_equal(ip.frag_id, 0xdeadbeef);
    assert_int_equal(pb_len(&ip.payload), 12);
    assert_int_equal(ip.src[15], 1);
}

static void test_ipv6_malformed(void **state)
{
    (void)state;
    uint8_t buf[128];
    size_t len = build_v6(buf, sizeof buf, 17, NULL, 0, 8);
    struct ipv6_info ip;
    assert_int_equal(ipv6_parse(buf, 39, &ip), PKT_TRUNCATED);
    assert_int_equal(ipv6_parse(buf, len - 1, &ip), PKT_BAD_TOTAL_LEN);
    buf[0] = 0x45;
    assert_int_equal(ipv6_parse(buf, len, &ip), PKT_BAD_VERSION);
    /* A destination-options header claiming 16 bytes in an 8-byte payload. */
    const uint8_t ext[] = {17, 1, 0, 0, 0, 0, 0, 0};
    len = build_v6(buf, sizeof buf, 60, ext, sizeof ext, 0);
    assert_int_equal(ipv6_parse(buf, len, &ip), PKT_BAD_OPTION);
    /* An extension header announced with no room for it. */
    len = build_v6(buf, sizeof buf, 0, NULL, 0, 4);
    assert_int_equal(ipv6_parse(buf, len, &ip), PKT_BAD_OPTION);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_round_trip),
        cmocka_unit_test(test_ipv4_malformed),
        cmocka_unit_test(test_ipv4_fragment_and_quoted),
        cmocka_unit_test(test_ipv4_build_limits),
        cmocka_unit_test(test_ipv6_round_trip_with_extensions),
        cmocka_unit_test(test_ipv6_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
