// SPDX-License-Identifier: MIT
// The nmap-services fast path: the lines it takes it must read exactly, and
// every line of another shape it must leave to the full parser (-1).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "data/services_fast.h"
#include "scan/portlist.h"

/* The line padded with further lines, so the 48-byte read-ahead is there. */
static int recognise(const char *line, struct services_fast_line *out, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s\nfiller\t1/tcp\t0.000001\nfiller\t2/tcp\t0.000001\n", line);
    return services_fast_line(buf, buf + strlen(buf), out);
}

static void takes_every_port_length(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        uint16_t port;
        int proto;
    } ok[] = {
        {"echo\t7/tcp\t0.004855", 7, PROTO_TCP},
        {"http\t80/tcp\t0.484143\t# World Wide Web HTTP", 80, PROTO_TCP},
        {"https\t443/udp\t0.000000", 443, PROTO_UDP},
        {"x11\t6000/tcp\t0.003208", 6000, PROTO_TCP},
        {"unknown\t65535/sctp\t0.000001", 65535, PROTO_SCTP},
        {"zero\t00080/tcp\t0.100000", 80, PROTO_TCP},
    };
    char buf[256];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct services_fast_line l;
        assert_int_equal(recognise(ok[i].line, &l, buf, sizeof buf), 0);
        assert_int_equal(l.port, ok[i].port);
        assert_int_equal(l.proto, ok[i].proto);
        assert_memory_equal(l.frequency, strchr(strchr(ok[i].line, '/'), '0'), 8);
        assert_string_equal(l.next, "filler\t1/tcp\t0.000001\nfiller\t2/tcp\t0.000001\n");
    }
}

static void leaves_other_shapes_to_the_full_parser(void **state)
{
    (void)state;
    static const char *const other[] = {
        "big\t65536/tcp\t0.000001",  /* over 65535 */
        "long\t123456/tcp\t0.000001", /* six digits */
        "none\t/tcp\t0.000001",       /* no digits */
        "sign\t-80/tcp\t0.000001",    /* not a digit */
        "mid\t8a0/tcp\t0.000001",     /* not a digit before the slash */
        "colon\t8:0/tcp\t0.000001",   /* ':' is just past '9' */
        "slash\t80tcp\t0.000001",     /* no slash */
        "proto\t80/icmp\t0.000001",   /* unknown protocol */
        "freq\t80/tcp\t1.000000",     /* not "0." */
        "freq\t80/tcp\t0.00a001",     /* not a digit */
        "freq\t80/tcp\t0.00/001",     /* '/' is just before '0' */
        "short\t80/tcp\t0.0001",      /* too few digits */
        "#comment\t80/tcp\t0.000001",
        " lead\t80/tcp\t0.000001",
    };
    char buf[256];
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        struct services_fast_line l;
        assert_int_equal(recognise(other[i], &l, buf, sizeof buf), -1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(takes_every_port_length),
        cmocka_unit_test(leaves_other_shapes_to_the_full_parser),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
