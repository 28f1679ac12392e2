// SPDX-License-Identifier: MIT
// DNS PTR names, queries and responses (src/dns/dns_msg.c): hand-built
// answers for each case nmap 7.93 was measured on, and hostile ones.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/addr.h"
#include "dns/dns_msg.h"

#define Q4 "1.0.0.127.in-addr.arpa"

/* A message under construction. */
struct msg {
    uint8_t b[1024];
    size_t n;
};

static void put(struct msg *m, const void *p, size_t n)
{
    assert_true(m->n + n <= sizeof m->b);
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

static void put16(struct msg *m, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    put(m, b, 2);
}

static void put_name(struct msg *m, const char *name)
{
    while (*name) {
        size_t n = strcspn(name, ".");
        uint8_t len = (uint8_t)n;
        put(m, &len, 1);
        put(m, name, n);
        name += n;
        if (*name == '.') name++;
    }
    put(m, "", 1);
}

static void put_ptr(struct msg *m, uint16_t offset)
{
    put16(m, (uint16_t)(0xc000 | offset));
}

/* Header and one question for qname; flags as on the wire. */
static void begin(struct msg *m, uint16_t flags, uint16_t ancount, const char *qname)
{
    m->n = 0;
    put16(m, 0xbeef);
    put16(m, flags);
    put16(m, 1);
    put16(m, ancount);
    put16(m, 0);
    put16(m, 0);
    put_name(m, qname);
    put16(m, DNS_TYPE_PTR);
    put16(m, DNS_CLASS_IN);
}

/* A record owned by the question's name (pointer to offset 12) whose rdata
 * is a name. */
static void rr_to_question(struct msg *m, uint16_t type, const char *target)
{
    put_ptr(m, 12);
    put16(m, type);
    put16(m, DNS_CLASS_IN);
    put16(m, 0);
    put16(m, 60);
    struct msg r = {.n = 0};
    put_name(&r, target);
    put16(m, (uint16_t)r.n);
    put(m, r.b, r.n);
}

/* A record with a spelled-out owner. */
static void rr_named(struct msg *m, const char *owner, uint16_t type, const char *target)
{
    put_name(m, owner);
    put16(m, type);
    put16(m, DNS_CLASS_IN);
    put16(m, 0);
    put16(m, 60);
    struct msg r = {.n = 0};
    put_name(&r, target);
    put16(m, (uint16_t)r.n);
    put(m, r.b, r.n);
}

static enum dns_ptr_outcome parse(const struct msg *m, const char *q, struct dns_ptr_reply *r)
{
    /* An exact-size copy, so a read past the end is caught by ASan. */
    uint8_t *copy = malloc(m->n ? m->n : 1);
    memcpy(copy, m->b, m->n);
    enum dns_ptr_outcome o = dns_parse_ptr_reply(copy, m->n, q, r);
    free(copy);
    return o;
}

static void test_ptr_names(void **state)
{
    (void)state;
    struct net_addr a;
    char buf[128];
    assert_int_equal(net_addr_parse("198.18.1.2", AF_INET, &a), 0);
    assert_int_equal(dns_ptr_name(&a, buf, sizeof buf), 23);
    assert_string_equal(buf, "2.1.18.198.in-addr.arpa");
    /* RFC 3596 2.5's example. */
    assert_int_equal(net_addr_parse("2001:db8::567:89ab", AF_INET6, &a), 0);
    assert_int_equal(dns_ptr_name(&a, buf, sizeof buf), 72);
    assert_string_equal(buf, "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    assert_int_equal(dns_ptr_name(&a, buf, 72), -1); /* no room for the NUL */
    a.family = AF_UNIX;
    assert_int_equal(dns_ptr_name(&a, buf, sizeof buf), -1);
}

static void test_query_bytes(void **state)
{
    (void)state;
    uint8_t buf[DNS_QUERY_MAX];
    int n = dns_build_query(0x1234, Q4, DNS_TYPE_PTR, buf, sizeof buf);
    static const uint8_t want[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, '1',
                                   1,    '0',  1,    '0',  3, '1', '2', '7', 7, 'i', 'n', '-',
                                   'a',  'd',  'd',  'r',  4, 'a', 'r', 'p', 'a', 0, 0, 12, 0, 1};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(buf, want, sizeof want);
    /* A trailing dot is the same name. */
    assert_int_equal(dns_build_query(0x1234, Q4 ".", DNS_TYPE_PTR, buf, sizeof buf), n);
}

static void test_query_refuses_bad_names(void **state)
{
    (void)state;
    uint8_t buf[DNS_QUERY_MAX];
    char label64[70];
    memset(label64, 'a', 64);
    label64[64] = '\0';
    assert_int_equal(dns_build_query(1, label64, DNS_TYPE_PTR, buf, sizeof buf), -1);
    label64[63] = '\0';
    assert_true(dns_build_query(1, label64, DNS_TYPE_PTR, buf, sizeof buf) > 0);
    assert_int_equal(dns_build_query(1, "a..b", DNS_TYPE_PTR, buf, sizeof buf), -1);
    assert_int_equal(dns_build_query(1, ".a", DNS_TYPE_PTR, buf, sizeof buf), -1);
    /* 4 labels of 63 = 256 wire bytes: one too many. */
    char big[300];
    snprintf(big, sizeof big, "%s.%s.%s.%s", label64, label64, label64, label64);
    assert_int_equal(dns_build_query(1, big, DNS_TYPE_PTR, buf, sizeof buf), -1);
    assert_int_equal(dns_build_query(1, Q4, DNS_TYPE_PTR, buf, 20), -1);
}

static void test_simple_answer(void **state)
{
    (void)state;
    struct msg m;
    struct dns_ptr_reply r;
    begin(&m, 0x8180, 1, Q4);
    rr_to_question(&m, DNS_TYPE_PTR, "localhost.example");
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_NAME);
    assert_string_equal(r.name, "localhost.example");
    assert_int_equal(r.id, 0xbeef);
    assert_false(r.truncated);
    /* The question's case does not matter (RFC 4343); the answer's is kept. */
    begin(&m, 0x8180, 1, "1.0.0.127.IN-ADDR.Arpa");
    rr_to_question(&m, DNS_TYPE_PTR, "UPPER.Lab");
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_NAME);
    assert_string_equal(r.name, "UPPER.Lab");
}

static void test_first_of_several(void **state)
{
    (void)state;
    struct msg m;
    struct dns_ptr_reply r;
    begin(&m, 0x8180, 2, Q4);
    rr_to_question(&m, DNS_TYPE_PTR, "first.lab");
    rr_to_question(&m, DNS_TYPE_PTR, "second.lab");
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_NAME);
    assert_string_equal(r.name, "first.lab");
}

static void test_rcodes(void **state)
{
    (void)state;
    struct msg m;
    struct dns_ptr_reply r;
    begin(&m, 0x8183, 0, Q4);
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_NXDOMAIN);
    begin(&m, 0x8182, 0, Q4);
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_SERVFAIL);
    begin(&m, 0x8185, 0, Q4);
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_IGNORED);
    assert_int_equal(r.rcode, DNS_RCODE_REFUSED);
    begin(&m, 0x8180, 0, Q4); /* NOERROR, no record: nmap waits */
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_IGNORED);
    /* An A record for the question name is not a PTR. */
    begin(&m, 0x8180, 1, Q4);
    rr_to_question(&m, DNS_TYPE_A, "x");
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_IGNORED);
}

static void test_not_our_answer(void **state)
{
    (void)state;
    struct msg m;
    struct dns_ptr_reply r;
    begin(&m, 0x0100, 1, Q4); /* a query, QR clear */
    rr_to_question(&m, DNS_TYPE_PTR, "x.lab");
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_MALFORMED);
    begin(&m, 0x8180, 1, "2.0.0.127.in-addr.arpa");
    rr_to_question(&m, DNS_TYPE_PTR, "x.lab");
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_MALFORMED);
    /* No question at all. */
    begin(&m, 0x8180, 0, Q4);
    m.b[5] = 0;
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_MALFORMED);
    /* A PTR for another owner name is ignored. */
    begin(&m, 0x8180, 1, Q4);
    rr_named(&m, "9.0.0.127.in-addr.arpa", DNS_TYPE_PTR, "wrong.lab");
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_IGNORED);
    /* Shorter than a header. */
    m.n = 11;
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_MALFORMED);
}

static void test_label_with_dot_is_one_label(void **state)
{
    (void)state;
    struct msg m;
    struct dns_ptr_reply r;
    begin(&m, 0x8180, 1, Q4);
    /* owner: the single label "1.0.0.127" then in-addr.arpa */
    static const uint8_t owner[] = {9, '1', '.', '0', '.', '0', '.', '1', '2', '7', 7, 'i', 'n',
                                    '-', 'a', 'd', 'd', 'r', 4, 'a', 'r', 'p', 'a', 0};
    put(&m, owner, sizeof owner);
    put16(&m, DNS_TYPE_PTR);
    put16(&m, DNS_CLASS_IN);
    put16(&m, 0);
    put16(&m, 60);
    put16(&m, 7);
    put_name(&m, "evil.x");
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_IGNORED);
}

static void test_cname_chains(void **state)
{
    (void)state;
    struct msg m;
    struct dns_ptr_reply r;
    /* RFC 2317 delegation, as dnsmasq answers it: CNAME, then the PTR. */
    begin(&m, 0x8180, 2, Q4);
    rr_to_question(&m, DNS_TYPE_CNAME, "1.0-25.0.0.127.in-addr.arpa");
    rr_named(&m, "1.0-25.0.0.127.in-addr.arpa", DNS_TYPE_PTR, "alpha.lab");
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_NAME);
    assert_string_equal(r.name, "alpha.lab");
    /* The same records in the other order. */
    begin(&m, 0x8180, 2, Q4);
    rr_named(&m, "t.lab", DNS_TYPE_PTR, "beta.lab");
    rr_to_question(&m, DNS_TYPE_CNAME, "t.lab");
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_NAME);
    assert_string_equal(r.name, "beta.lab");
    /* A CNAME with nothing at its end: the system resolver's job. */
    begin(&m, 0x8180, 1, Q4);
    rr_to_question(&m, DNS_TYPE_CNAME, "other.example");
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_CNAME);
    /* A loop ends. */
    begin(&m, 0x8180, 2, Q4);
    rr_to_question(&m, DNS_TYPE_CNAME, "a.lab");
    rr_named(&m, "a.lab", DNS_TYPE_CNAME, Q4);
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_CNAME);
}

static void test_truncated_flag(void **state)
{
    (void)state;
    struct msg m;
    struct dns_ptr_reply r;
    begin(&m, 0x8380, 1, Q4);
    rr_to_question(&m, DNS_TYPE_PTR, "trunc.lab");
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_NAME);
    assert_true(r.truncated);
    assert_string_equal(r.name, "trunc.lab");
    /* Cut inside the record: nothing usable. */
    m.n -= 3;
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_IGNORED);
}

/* Every prefix of a good answer is handled, and only the whole one (or one
 * cut after the last record) yields the name. */
static void test_every_truncation(void **state)
{
    (void)state;
    struct msg m;
    struct dns_ptr_reply r;
    begin(&m, 0x8180, 2, Q4);
    rr_to_question(&m, DNS_TYPE_CNAME, "c.lab");
    rr_named(&m, "c.lab", DNS_TYPE_PTR, "deep.name.lab");
    size_t full = m.n;
    for (size_t len = 0; len <= full; len++) {
        m.n = len;
        enum dns_ptr_outcome o = parse(&m, Q4, &r);
        if (len == full)
            assert_int_equal(o, DNS_PTR_NAME);
        else
            assert_int_not_equal(o, DNS_PTR_NAME);
    }
}

static void test_compression_loops(void **state)
{
    (void)state;
    struct msg m;
    struct dns_ptr_reply r;
    /* The question's name is a pointer to itself. */
    m.n = 0;
    put16(&m, 1);
    put16(&m, 0x8180);
    put16(&m, 1);
    put16(&m, 0);
    put16(&m, 0);
    put16(&m, 0);
    put_ptr(&m, 12);
    put16(&m, DNS_TYPE_PTR);
    put16(&m, DNS_CLASS_IN);
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_MALFORMED);
    /* A PTR whose rdata points forward (at itself). */
    begin(&m, 0x8180, 1, Q4);
    put_ptr(&m, 12);
    put16(&m, DNS_TYPE_PTR);
    put16(&m, DNS_CLASS_IN);
    put16(&m, 0);
    put16(&m, 60);
    put16(&m, 2);
    put_ptr(&m, (uint16_t)m.n);
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_IGNORED);
    /* Two pointers back and forth: the second points forward. */
    size_t off = 0;
    uint8_t wire[DNS_NAME_WIRE_MAX];
    static const uint8_t pingpong[] = {0xc0, 2, 0xc0, 0};
    assert_int_equal(dns_read_name(pingpong, sizeof pingpong, &off, wire), -1);
    off = 2;
    assert_int_equal(dns_read_name(pingpong, sizeof pingpong, &off, wire), -1);
}

static void test_pointer_into_rdata_name(void **state)
{
    (void)state;
    struct msg m;
    struct dns_ptr_reply r;
    /* The PTR's rdata is "host" then a pointer to "lab" in an earlier name. */
    begin(&m, 0x8180, 2, Q4);
    rr_to_question(&m, DNS_TYPE_CNAME, "x.lab");
    uint16_t lab = (uint16_t)(m.n - 5); /* "\3lab\0" ends the CNAME rdata */
    rr_named(&m, "x.lab", DNS_TYPE_PTR, "zz"); /* placeholder rdata, rewritten */
    m.n -= 2 + 4;                              /* drop rdlength and "\2zz\0" */
    put16(&m, 7);
    static const uint8_t host[] = {4, 'h', 'o', 's', 't'};
    put(&m, host, sizeof host);
    put_ptr(&m, lab);
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_NAME);
    assert_string_equal(r.name, "host.lab");
}

static void test_name_limits(void **state)
{
    (void)state;
    uint8_t msg[600], wire[DNS_NAME_WIRE_MAX];
    char text[DNS_NAME_TEXT_MAX];
    /* 127 one-letter labels: 254 bytes plus the root: 255, the most allowed. */
    size_t n = 0;
    for (int i = 0; i < 127; i++) {
        msg[n++] = 1;
        msg[n++] = 'a';
    }
    msg[n++] = 0;
    size_t off = 0;
    assert_int_equal(dns_read_name(msg, n, &off, wire), 255);
    assert_int_equal(off, n);
    assert_int_equal(dns_name_text(wire, text), 253);
    /* One more label is too long. */
    memmove(msg + 2, msg, n);
    msg[0] = 1;
    msg[1] = 'b';
    off = 0;
    assert_int_equal(dns_read_name(msg, n + 2, &off, wire), -1);
    /* Extended label types (0x40, 0x80) are refused. */
    static const uint8_t ext[] = {0x41, 'a', 0};
    off = 0;
    assert_int_equal(dns_read_name(ext, sizeof ext, &off, wire), -1);
    /* A label with a NUL byte has no text form. */
    static const uint8_t nul[] = {3, 'a', 0, 'b', 0};
    off = 0;
    assert_int_equal(dns_read_name(nul, sizeof nul, &off, wire), 5);
    assert_int_equal(dns_name_text(wire, text), -1);
}

static void test_nul_in_ptr_is_not_taken(void **state)
{
    (void)state;
    struct msg m;
    struct dns_ptr_reply r;
    begin(&m, 0x8180, 1, Q4);
    put_ptr(&m, 12);
    put16(&m, DNS_TYPE_PTR);
    put16(&m, DNS_CLASS_IN);
    put16(&m, 0);
    put16(&m, 60);
    static const uint8_t name[] = {3, 'a', 0, 'b', 3, 'l', 'a', 'b', 0};
    put16(&m, sizeof name);
    put(&m, name, sizeof name);
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_IGNORED);
    /* rdata longer than the name in it is not a PTR either. */
    begin(&m, 0x8180, 1, Q4);
    put_ptr(&m, 12);
    put16(&m, DNS_TYPE_PTR);
    put16(&m, DNS_CLASS_IN);
    put16(&m, 0);
    put16(&m, 60);
    put16(&m, 6);
    static const uint8_t padded[] = {3, 'a', 'b', 'c', 0, 0};
    put(&m, padded, sizeof padded);
    assert_int_equal(parse(&m, Q4, &r), DNS_PTR_IGNORED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ptr_names),
        cmocka_unit_test(test_query_bytes),
        cmocka_unit_test(test_query_refuses_bad_names),
        cmocka_unit_test(test_simple_answer),
        cmocka_unit_test(test_first_of_several),
        cmocka_unit_test(test_rcodes),
        cmocka_unit_test(test_not_our_answer),
        cmocka_unit_test(test_label_with_dot_is_one_label),
        cmocka_unit_test(test_cname_chains),
        cmocka_unit_test(test_truncated_flag),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_compression_loops),
        cmocka_unit_test(test_pointer_into_rdata_name),
        cmocka_unit_test(test_name_limits),
        cmocka_unit_test(test_nul_in_ptr_is_not_taken),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
