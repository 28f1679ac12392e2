// SPDX-License-Identifier: MIT
// TCP, UDP and SCTP: build -> parse round trips with checksums verified,
// and malformed segments rejected with the reason.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt/csum.h"
#include "net/pkt/sctp.h"
#include "net/pkt/tcp.h"
#include "net/pkt/udp.h"

static const struct pkt_ends v4 = {
    .family = AF_INET, .src = {198, 18, 0, 1}, .dst = {198, 18, 0, 2}};

static struct pkt_ends v6_ends(void)
{
    struct pkt_ends e = {.family = AF_INET6};
    e.src[0] = e.dst[0] = 0xfd;
    e.src[15] = 1, e.dst[15] = 2;
    return e;
}

static void test_tcp_round_trip(void **state)
{
    (void)state;
    const uint8_t opts[] = {2, 4, 0x05, 0xb4, 1, 3, 3, 10};
    struct tcp_params p = {.sport = 40000,
                           .dport = 443,
                           .seq = 0xdeadbeef,
                           .flags = TCP_SYN,
                           .window = 1024,
                           .options = opts,
                           .options_len = sizeof opts,
                           .payload = (const uint8_t *)"hi",
                           .payload_len = 2};
    uint8_t buf[80];
    size_t len;
    struct pkt_ends e6 = v6_ends();
    const struct pkt_ends *ends[] = {&v4, &e6};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(tcp_build(buf, sizeof buf, &p, ends[i], &len), PKT_OK);
        assert_int_equal(len, 30);
        struct pktbuf seg = pb_init(buf, len);
        assert_true(csum_transport_ok(ends[i], 6, &seg));
        struct tcp_info t;
        assert_int_equal(tcp_parse(seg, &t), PKT_OK);
        assert_int_equal(t.sport, 40000);
        assert_int_equal(t.dport, 443);
        assert_int_equal(t.seq, 0xdeadbeef);
        assert_int_equal(t.header_len, 28);
        assert_int_equal(t.flags, TCP_SYN);
        assert_int_equal(t.window, 1024);
        assert_true(pb_equal(&t.payload, "hi", 2));
        struct tcp_options o;
        assert_int_equal(tcp_options_parse(t.options, &o), PKT_OK);
        assert_true(o.has_mss && o.mss == 1460 && o.has_wscale && o.wscale == 10);
    }
    assert_int_equal(tcp_build(buf, 29, &p, &v4, &len), PKT_NO_SPACE);
}

static void test_tcp_malformed(void **state)
{
    (void)state;
    struct tcp_params p = {.sport = 1, .dport = 2, .flags = TCP_RST};
    uint8_t buf[64];
    size_t len;
    assert_int_equal(tcp_build(buf, sizeof buf, &p, &v4, &len), PKT_OK);
    struct tcp_info t;
    assert_int_equal(tcp_parse(pb_init(buf, 19), &t), PKT_TRUNCATED);
    buf[12] = 4 << 4; /* data offset 4 */
    assert_int_equal(tcp_parse(pb_init(buf, len), &t), PKT_BAD_HEADER_LEN);
    buf[12] = 6 << 4; /* 24-byte header in 20 bytes */
    assert_int_equal(tcp_parse(pb_init(buf, len), &t), PKT_BAD_HEADER_LEN);
    /* Options whose length runs past the header. */
    const uint8_t past[] = {8, 10, 0, 0};
    p.options = past, p.options_len = sizeof past;
    assert_int_equal(tcp_build(buf, sizeof buf, &p, &v4, &len), PKT_OK);
    assert_int_equal(tcp_parse(pb_init(buf, len), &t), PKT_BAD_OPTION);
    /* An MSS option of the wrong length. */
    const uint8_t bad_mss[] = {2, 3, 5, 0};
    p.options = bad_mss;
    assert_int_equal(tcp_build(buf, sizeof buf, &p, &v4, &len), PKT_OK);
    assert_int_equal(tcp_parse(pb_init(buf, len), &t), PKT_BAD_OPTION);
    /* The quoted form needs only 8 bytes. */
    assert_int_equal(tcp_parse_quoted(pb_init(buf, 8), &t), PKT_OK);
    assert_int_equal(t.dport, 2);
    assert_int_equal(tcp_parse_quoted(pb_init(buf, 7), &t), PKT_TRUNCATED);
}

static void test_udp(void **state)
{
    (void)state;
    uint8_t buf[32];
    size_t len;
    struct pkt_ends e6 = v6_ends();
    assert_int_equal(udp_build(buf, sizeof buf, 53000, 53, (const uint8_t *)"cmap", 4, &e6, &len),
                     PKT_OK);
    /* Checksum computed by hand over the IPv6 pseudo-header. */
    assert_int_equal(buf[6] << 8 | buf[7], 0x71b6);
    struct udp_info u;
    assert_int_equal(udp_parse(pb_init(buf, len), &u), PKT_OK);
    assert_int_equal(u.sport, 53000);
    assert_int_equal(u.length, 12);
    assert_true(pb_equal(&u.payload, "cmap", 4));
    assert_true(udp_checksum_ok(&u, pb_init(buf, len), &e6));
    buf[9] ^= 0xff;
    assert_false(udp_checksum_ok(&u, pb_init(buf, len), &e6));
    /* Zero checksum over IPv4 means none. */
    assert_int_equal(udp_build(buf, sizeof buf, 1, 2, NULL, 0, &v4, &len), PKT_OK);
    buf[6] = buf[7] = 0;
    assert_int_equal(udp_parse(pb_init(buf, len), &u), PKT_OK);
    assert_true(udp_checksum_ok(&u, pb_init(buf, len), &v4));
    buf[5] = 7; /* length below the header */
    assert_int_equal(udp_parse(pb_init(buf, len), &u), PKT_BAD_LENGTH);
    buf[5] = 9; /* length beyond the data */
    assert_int_equal(udp_parse(pb_init(buf, len), &u), PKT_BAD_LENGTH);
    assert_int_equal(udp_parse(pb_init(buf, 7), &u), PKT_TRUNCATED);
}

static void test_sctp_init_and_checksums(void **state)
{
    (void)state;
    struct sctp_common c = {.sport = 5000, .dport = 80, .vtag = 0};
    struct sctp_init in = {.initiate_tag = 0x01020304,
                           .a_rwnd = 65536,
                           .out_streams = 10,
                           .in_streams = 2048,
                           .initial_tsn = 7};
    uint8_t buf[64];
    size_t len;
    assert_int_equal(sctp_build_init(buf, sizeof buf, &c, &in, &len), PKT_OK);
    assert_int_equal(len, 32);
    assert_int_equal(sctp_checksum_check(pb_init(buf, len)), SCTP_SUM_CRC32C);
    /* On the wire the CRC is least significant byte first. */
    uint8_t zeroed[32];
    memcpy(zeroed, buf, len);
    memset(zeroed + 8, 0, 4);
    uint32_t crc = sctp_crc32c(zeroed, len);
    assert_int_equal(buf[8], crc & 0xff);
    assert_int_equal(buf[11], crc >> 24);
    struct sctp_info s;
    assert_int_equal(sctp_parse(pb_init(buf, len), &s), PKT_OK);
    assert_int_equal(s.sport, 5000);
    assert_int_equal(s.n_chunks, 1);
    assert_int_equal(s.first_type, SCTP_INIT);
    c.adler32 = true;
    assert_int_equal(sctp_build_init(buf, sizeof buf, &c, &in, &len), PKT_OK);
    assert_int_equal(sctp_checksum_check(pb_init(buf, len)), SCTP_SUM_ADLER32);
    buf[20] ^= 1;
    assert_int_equal(sctp_checksum_check(pb_init(buf, len)), SCTP_SUM_BAD);
}

static void test_sctp_cookie_echo_and_malformed(void **state)
{
    (void)state;
    struct sctp_common c = {.sport = 1, .dport = 2, .vtag = 9};
    uint8_t buf[64];
    size_t len;
    assert_int_equal(sctp_build_cookie_echo(buf, sizeof buf, &c, (const uint8_t *)"abcde", 5, &len),
                     PKT_OK);
    assert_int_equal(len, 12 + 12); /* 9-byte chunk padded to 12 */
    struct sctp_info s;
    assert_int_equal(sctp_parse(pb_init(buf, len), &s), PKT_OK);
    assert_int_equal(s.first_type, SCTP_COOKIE_ECHO);
    assert_int_equal(s.vtag, 9);
    /* The last chunk may lack its padding. */
    assert_int_equal(sctp_parse(pb_init(buf, len - 3), &s), PKT_OK);
    buf[14] = 0, buf[15] = 3; /* chunk length below 4 */
    assert_int_equal(sctp_parse(pb_init(buf, len), &s), PKT_BAD_LENGTH);
    buf[15] = 40; /* beyond the packet */
    assert_int_equal(sctp_parse(pb_init(buf, len), &s), PKT_BAD_LENGTH);
    assert_int_equal(sctp_parse(pb_init(buf, 12), &s), PKT_TRUNCATED);
    assert_int_equal(sctp_parse(pb_init(buf, 14), &s), PKT_BAD_LENGTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_round_trip),
        cmocka_unit_test(test_tcp_malformed),
        cmocka_unit_test(test_udp),
        cmocka_unit_test(test_sctp_init_and_checksums),
        cmocka_unit_test(test_sctp_cookie_echo_and_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
