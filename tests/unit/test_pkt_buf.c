// SPDX-License-Identifier: MIT
// The bounds-checked reader and the checksums: RFC 1071's worked example,
// a well-known IPv4 header, a hand-made SYN/ACK, and the CRC32c / Adler-32
// check values.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt/csum.h"
#include "net/pkt/pktbuf.h"
#include "net/pkt/sctp.h"
#include "net/pkt/tcp.h"

static void test_reads_in_range(void **state)
{
    (void)state;
    const uint8_t data[] = {0x12, 0x34, 0x56, 0x78, 0x9a};
    struct pktbuf b = pb_init(data, sizeof data);
    assert_int_equal(pb_u8(&b), 0x12);
    assert_int_equal(pb_be16(&b), 0x3456);
    assert_int_equal(pb_remaining(&b), 2);
    assert_int_equal(pb_be16_at(&b, 3), 0x789a);
    assert_int_equal(pb_pos(&b), 3);
    assert_true(pb_ok(&b));
}

static void test_overrun_is_sticky_and_zero(void **state)
{
    (void)state;
    const uint8_t data[] = {0xff, 0xff, 0xff};
    struct pktbuf b = pb_init(data, sizeof data);
    assert_int_equal(pb_be32(&b), 0);
    assert_false(pb_ok(&b));
    /* Later in-range reads still return nothing once bad. */
    assert_int_equal(pb_u8(&b), 0);
    assert_int_equal(pb_pos(&b), 0);
}

static void test_take_and_slice(void **state)
{
    (void)state;
    const uint8_t data[] = {1, 2, 3, 4, 5, 6};
    struct pktbuf b = pb_init(data, sizeof data);
    struct pktbuf head = pb_take(&b, 2);
    assert_int_equal(pb_len(&head), 2);
    assert_int_equal(pb_u8_at(&head, 1), 2);
    assert_int_equal(pb_u8_at(&head, 2), 0); /* past the sub-view */
    assert_false(pb_ok(&head));
    assert_true(pb_ok(&b));
    struct pktbuf rest = pb_rest(&b);
    assert_true(pb_equal(&rest, data + 2, 4));
    struct pktbuf bad = pb_slice(&b, 5, 2);
    assert_false(pb_ok(&bad));
    struct pktbuf big = pb_take(&b, 5);
    assert_false(pb_ok(&big));
    assert_false(pb_ok(&b));
    const uint8_t *p;
    size_t n;
    pb_span(&b, &p, &n);
    assert_null(p);
    assert_int_equal(n, 0);
}

static void test_copy_failure_zeroes(void **state)
{
    (void)state;
    const uint8_t data[] = {9, 9};
    uint8_t out[4] = {7, 7, 7, 7};
    struct pktbuf b = pb_init(data, sizeof data);
    assert_false(pb_copy(&b, out, sizeof out));
    assert_int_equal(out[0], 0);
    assert_int_equal(out[3], 0);
}

/* RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2. */
static void test_rfc1071_example(void **state)
{
    (void)state;
    const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    assert_int_equal(csum_add(0, data, sizeof data), 0x2ddf0);
    assert_int_equal(csum_finish(csum_add(0, data, sizeof data)), (uint16_t)~0xddf2);
    /* Odd length: the last byte is padded with zero. */
    const uint8_t odd[] = {0x01, 0x02, 0x03};
    assert_int_equal(csum_finish(csum_add(0, odd, sizeof odd)), (uint16_t)~0x0402);
}

/* The classic example header 192.168.0.1 -> 192.168.0.199, checksum b861. */
static void test_ipv4_header_known_answer(void **state)
{
    (void)state;
    uint8_t h[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                   0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    assert_int_equal(csum_finish(csum_add(0, h, sizeof h)), 0xb861);
    h[10] = 0xb8, h[11] = 0x61;
    assert_int_equal(csum_finish(csum_add(0, h, sizeof h)), 0);
}

/* A SYN/ACK 198.18.0.2:80 -> 198.18.0.1:40000 with MSS, SACK permitted,
 * timestamps, NOP and window scale, checksum 0x12ef computed by hand. */
static const uint8_t synack[] = {0x00, 0x50, 0x9c, 0x40, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
                                 0x77, 0x88, 0xa0, 0x12, 0xfa, 0xf0, 0x12, 0xef, 0x00, 0x00,
                                 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00,
                                 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x01, 0x03, 0x03, 0x07};

static void test_captured_synack(void **state)
{
    (void)state;
    struct pkt_ends e = {.family = AF_INET, .src = {198, 18, 0, 2}, .dst = {198, 18, 0, 1}};
    struct pktbuf seg = pb_init(synack, sizeof synack);
    assert_true(csum_transport_ok(&e, 6, &seg));
    uint8_t copy[sizeof synack];
    memcpy(copy, synack, sizeof copy);
    copy[16] = copy[17] = 0;
    assert_int_equal(csum_transport(&e, 6, copy, sizeof copy), 0x12ef);
    e.src[3] = 3; /* a different source must fail */
    assert_false(csum_transport_ok(&e, 6, &seg));

    struct tcp_info t;
    assert_int_equal(tcp_parse(pb_init(synack, sizeof synack), &t), PKT_OK);
    assert_int_equal(t.flags, TCP_SYN | TCP_ACK);
    struct tcp_options o;
    assert_int_equal(tcp_options_parse(t.options, &o), PKT_OK);
    assert_true(o.has_mss && o.mss == 1460);
    assert_true(o.sack_permitted);
    assert_true(o.has_timestamp && o.ts_val == 1 && o.ts_ecr == 2);
    assert_true(o.has_wscale && o.wscale == 7);
}

/* RFC 3720 B.4 and the common "123456789" check values. */
static void test_crc32c_and_adler32(void **state)
{
    (void)state;
    uint8_t zeros[32] = {0}, ones[32];
    memset(ones, 0xff, sizeof ones);
    assert_int_equal(sctp_crc32c(zeros, sizeof zeros), 0x8a9136aa);
    assert_int_equal(sctp_crc32c(ones, sizeof ones), 0x62a8ab43);
    assert_int_equal(sctp_crc32c((const uint8_t *)"123456789", 9), 0xe3069283);
    assert_int_equal(sctp_adler32((const uint8_t *)"123456789", 9), 0x091e01de);
    assert_int_equal(sctp_adler32(NULL, 0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_in_range),  cmocka_unit_test(test_overrun_is_sticky_and_zero),
        cmocka_unit_test(test_take_and_slice),  cmocka_unit_test(test_copy_failure_zeroes),
        cmocka_unit_test(test_rfc1071_example), cmocka_unit_test(test_ipv4_header_known_answer),
        cmocka_unit_test(test_captured_synack), cmocka_unit_test(test_crc32c_and_adler32),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
