// SPDX-License-Identifier: MIT
// The nmap-services fast path: the lines it takes it must read exactly, and
// every line of another shape it must leave to the full parser (-1).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data/services.h"
#include "data/services_fast.h"
#include "scan/portlist.h"

#define FILLER                                                                                     \
    "filler\t1/tcp\t0.000001\nfiller\t2/tcp\t0.000001\nfiller\t3/tcp\t0.000001\n"                  \
    "filler\t4/tcp\t0.000001\n"

/* The line padded with further lines, so the 96-byte read-ahead is there. */
static int recognise(const char *line, struct services_fast_line *out, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s\n" FILLER, line);
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
        assert_string_equal(l.next, FILLER);
    }
}

static void leaves_other_shapes_to_the_full_parser(void **state)
{
    (void)state;
    static const char *const other[] = {
        "big\t65536/tcp\t0.000001",   /* over 65535 */
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
        "#comment\t80/tcp\t0.000001", " lead\t80/tcp\t0.000001",
    };
    char buf[256];
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        struct services_fast_line l;
        assert_int_equal(recognise(other[i], &l, buf, sizeof buf), -1);
    }
}

/* What a generated line must give. */
struct expect {
    char name[160];
    uint16_t port;
    int proto;
    double freq;
};

static uint32_t rng_state = 12345;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) % n;
}

/* Appends one line of a random shape for port/proto; returns whether it
 * is an entry (comment lines are not). Names run to 120 bytes and comments
 * to 300, so lines cross the fast path's 64-byte windows and 4 KiB chunks
 * at every offset, and some go to the full parser. */
static bool gen_line(char *buf, size_t *len, size_t cap, uint16_t port, int proto, struct expect *e)
{
    static const char *const pname[] = {"tcp", "udp", "sctp"};
    static const char *const upper[] = {"TCP", "Udp", "SCTP"};
    char name[128];
    size_t nl = 1 + rnd(rnd(8) == 0 ? 120 : 20);
    for (size_t i = 0; i < nl; i++)
        name[i] = (char)("abcdefghijklmnopqrstuvwxyz-_.0123456789"[rnd(39)]);
    name[nl] = '\0';
    unsigned micro = rnd(1000000);
    int lead = (int)rnd(3); /* leading zeros on the port */
    int shape = (int)rnd(10);
    int n;
    if (shape == 0) {
        n = snprintf(buf + *len, cap - *len, "# a comment line %u\n", micro);
        *len += (size_t)n;
        return false;
    }
    const char *pr = shape == 1 ? upper[proto] : pname[proto];
    const char *sep = shape == 2 ? " " : "\t"; /* blanks the full parser takes */
    n = snprintf(buf + *len, cap - *len, "%s%s%0*u/%s%s0.%06u", name, sep, lead + 1, port, pr, sep,
                 micro);
    *len += (size_t)n;
    size_t clen = rnd(4) == 0 ? rnd(300) : 0;
    if (clen) {
        buf[(*len)++] = rnd(2) ? '\t' : ' ';
        buf[(*len)++] = '#';
        for (size_t i = 0; i < clen; i++)
            buf[(*len)++] = (char)(rnd(10) == 0 ? '\t' : "xyz |[]-/0123"[rnd(13)]);
    }
    buf[(*len)++] = '\n';
    snprintf(e->name, sizeof e->name, "%s", name);
    e->port = port;
    e->proto = proto;
    e->freq = micro / 1e6;
    return true;
}

static void reads_a_long_mixed_file(void **state)
{
    (void)state;
    enum { LINES = 20000 };
    size_t cap = (size_t)LINES * 512, len = 0, n_expect = 0;
    char *buf = malloc(cap);
    struct expect *ex = calloc(LINES, sizeof *ex);
    assert_non_null(buf);
    assert_non_null(ex);
    for (unsigned i = 0; i < LINES; i++)
        if (gen_line(buf, &len, cap, (uint16_t)(i / 3 * 7 + 1), (int)(i % 3), &ex[n_expect]))
            n_expect++;
    char err[256] = "";
    struct services_db *db = services_parse(buf, len, "gen", err, sizeof err);
    assert_non_null(db);
    size_t count = 0;
    const struct service_entry *e = services_entries(db, &count);
    assert_int_equal(count, n_expect);
    for (size_t i = 0; i < count; i++) {
        assert_string_equal(e[i].name, ex[i].name);
        assert_int_equal(e[i].port, ex[i].port);
        assert_int_equal(e[i].proto, ex[i].proto);
        assert_true(e[i].frequency == ex[i].freq);
    }
    services_free(db);
    free(ex);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(takes_every_port_length),
        cmocka_unit_test(leaves_other_shapes_to_the_full_parser),
        cmocka_unit_test(reads_a_long_mixed_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
