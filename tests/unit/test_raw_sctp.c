// SPDX-License-Identifier: MIT
// -sY and -sZ (scan/tech_sctp.c) through real bytes: the probes nmap 7.93
// sends (checked against what nmap put on the lab's wire), the replies an
// SCTP endpoint and a firewall send back parsed by raw/reply.c, the echo
// found in them, and nmap's state and reason for each; malformed SCTP is
// refused by the parser.
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
#include "net/pkt/sctp.h"
#include "raw/reply.h"
#include "report/model.h"
#include "scan/technique.h"

static const uint8_t SELF4[4] = {198, 18, 0, 1};
static const uint8_t TARGET4[4] = {198, 18, 1, 2};
static const uint8_t SELF6[16] = {0xfd, 0, 0, 0x18, [15] = 1};
static const uint8_t TARGET6[16] = {0xfd, 0, 0, 0x18, 0, 1, [15] = 2};
#define SPORT 40000
#define DPORT 80
#define SEQ 0x12345678u

static struct probe_spec spec(int family)
{
    bool v6 = family == AF_INET6;
    return (struct probe_spec){.family = family,
                               .self = v6 ? SELF6 : SELF4,
                               .target = v6 ? TARGET6 : TARGET4,
                               .sport = SPORT,
                               .dport = DPORT,
                               .seq = SEQ,
                               .ip_id = 77,
                               .ttl = 50};
}

/* t's probe, its IP layer checked; returns the SCTP bytes' span in buf. */
static struct pktbuf built(const struct scan_technique *t, int family, uint8_t *buf, size_t cap,
                           size_t *total)
{
    struct probe_spec p = spec(family);
    size_t len = t->build(t, &p, buf, cap);
    assert_true(len > 0);
    *total = len;
    if (family == AF_INET) {
        struct ipv4_info ip;
        assert_int_equal(ipv4_parse(buf, len, &ip), PKT_OK);
        assert_true(ip.checksum_ok);
        assert_int_equal(ip.proto, IPPROTO_SCTP);
        assert_int_equal(ip.ttl, 50);
        assert_memory_equal(ip.src, SELF4, 4);
        assert_memory_equal(ip.dst, TARGET4, 4);
        return ip.payload;
    }
    struct ipv6_info ip;
    assert_int_equal(ipv6_parse(buf, len, &ip), PKT_OK);
    assert_int_equal(ip.proto, IPPROTO_SCTP);
    assert_memory_equal(ip.dst, TARGET6, 16);
    return ip.payload;
}

/* nmap's INIT: tag 0, Initiate Tag (ours: the keyed value), a_rwnd 32768,
 * 10 outbound and 2048 inbound streams, no parameters, CRC32c. */
static void test_init_probe(void **state)
{
    (void)state;
    for (int f = 0; f < 2; f++) {
        int family = f ? AF_INET6 : AF_INET;
        uint8_t buf[RAW_PROBE_MAX];
        size_t total;
        struct pktbuf s = built(&tech_sctp_init, family, buf, sizeof buf, &total);
        struct sctp_info si;
        assert_int_equal(sctp_parse(s, &si), PKT_OK);
        assert_int_equal(sctp_checksum_check(s), SCTP_SUM_CRC32C);
        assert_int_equal(si.sport, SPORT);
        assert_int_equal(si.dport, DPORT);
        assert_int_equal(si.vtag, 0);
        assert_int_equal(si.n_chunks, 1);
        assert_int_equal(si.first_type, SCTP_INIT);
        assert_int_equal(pb_len(&s), SCTP_HDR_LEN + 20);
        assert_int_equal(pb_be16_at(&s, 14), 20);      /* chunk length */
        assert_int_equal(pb_be32_at(&s, 16), SEQ);     /* Initiate Tag */
        assert_int_equal(pb_be32_at(&s, 20), 32768);   /* a_rwnd */
        assert_int_equal(pb_be16_at(&s, 24), 10);      /* outbound streams */
        assert_int_equal(pb_be16_at(&s, 26), 2048);    /* inbound streams */
        assert_int_not_equal(pb_be32_at(&s, 28), SEQ); /* initial TSN */
        /* Too small a buffer is refused, never overrun. */
        struct probe_spec p = spec(family);
        assert_int_equal(tech_sctp_init.build(&tech_sctp_init, &p, buf, total - 1), 0);
        assert_int_equal(tech_sctp_init.build(&tech_sctp_init, &p, buf, 10), 0);
    }
}

/* nmap's COOKIE ECHO: a tag of its own (ours keyed), one chunk carrying a
 * 4-byte cookie. */
static void test_cookie_probe(void **state)
{
    (void)state;
    for (int f = 0; f < 2; f++) {
        int family = f ? AF_INET6 : AF_INET;
        uint8_t buf[RAW_PROBE_MAX];
        size_t total;
        struct pktbuf s = built(&tech_sctp_cookie, family, buf, sizeof buf, &total);
        struct sctp_info si;
        assert_int_equal(sctp_parse(s, &si), PKT_OK);
        assert_int_equal(sctp_checksum_check(s), SCTP_SUM_CRC32C);
        assert_int_equal(si.vtag, SEQ);
        assert_int_equal(si.n_chunks, 1);
        assert_int_equal(si.first_type, SCTP_COOKIE_ECHO);
        assert_int_equal(pb_len(&s), SCTP_HDR_LEN + 8);
        assert_int_equal(pb_be16_at(&s, 14), 8);
        struct probe_spec p = spec(family);
        assert_int_equal(tech_sctp_cookie.build(&tech_sctp_cookie, &p, buf, total - 1), 0);
    }
}

/* An SCTP packet from the target to us, first chunk ctype (4 bytes, or an
 * INIT ACK's 20 fixed bytes), in an IP packet; its length. */
static size_t sctp_from_target(int family, uint32_t vtag, uint8_t ctype, uint8_t flags,
                               uint8_t *buf, size_t cap)
{
    bool v6 = family == AF_INET6;
    size_t ip_len = v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN;
    uint8_t *s = buf + ip_len;
    size_t clen = ctype == SCTP_INIT_ACK ? 20 : 4;
    memset(s, 0, SCTP_HDR_LEN + clen);
    pkt_put16(s, DPORT);
    pkt_put16(s + 2, SPORT);
    pkt_put32(s + 4, vtag);
    s[12] = ctype;
    s[13] = flags;
    pkt_put16(s + 14, (uint16_t)clen);
    sctp_set_checksum(s, SCTP_HDR_LEN + clen, false);
    size_t hl;
    if (v6) {
        struct ipv6_params ip = {.next_header = IPPROTO_SCTP, .hop_limit = 64};
        memcpy(ip.src, TARGET6, 16);
        memcpy(ip.dst, SELF6, 16);
        assert_int_equal(ipv6_build(buf, cap, &ip, SCTP_HDR_LEN + clen, &hl), PKT_OK);
    } else {
        struct ipv4_params ip = {.id = 1, .ttl = 64, .proto = IPPROTO_SCTP};
        memcpy(ip.src, TARGET4, 4);
        memcpy(ip.dst, SELF4, 4);
        assert_int_equal(ipv4_build(buf, cap, &ip, SCTP_HDR_LEN + clen, &hl), PKT_OK);
    }
    return hl + SCTP_HDR_LEN + clen;
}

static struct raw_reply parsed(const uint8_t *buf, size_t len)
{
    struct raw_reply r;
    assert_int_equal(reply_parse(buf, len, &r), PKT_OK);
    return r;
}

static void expect(const struct scan_technique *t, const struct raw_reply *r, int st, int why)
{
    uint8_t s = 0, reason = 0;
    assert_true(t->classify(t, r, &s, &reason));
    assert_int_equal(s, st);
    assert_int_equal(reason, why);
}

static void expect_ignored(const struct scan_technique *t, const struct raw_reply *r)
{
    uint8_t s, reason;
    assert_false(t->classify(t, r, &s, &reason));
}

/* What nmap printed for the lab responder's INIT ACKs, ABORTs and odd
 * chunks (a HEARTBEAT, a COOKIE ACK: "unexpected SCTP chunks", ignored). */
static void test_sctp_replies(void **state)
{
    (void)state;
    for (int f = 0; f < 2; f++) {
        int family = f ? AF_INET6 : AF_INET;
        uint8_t buf[256];
        uint32_t seq = 0;
        size_t len = sctp_from_target(family, SEQ, SCTP_INIT_ACK, 0, buf, sizeof buf);
        struct raw_reply r = parsed(buf, len);
        assert_int_equal(r.kind, REPLY_SCTP);
        assert_int_equal(r.family, family);
        assert_int_equal(r.proto, IPPROTO_SCTP);
        assert_int_equal(r.target_port, DPORT);
        assert_int_equal(r.our_port, SPORT);
        assert_int_equal(r.ttl, 64);
        assert_memory_equal(r.target, f ? TARGET6 : TARGET4, f ? 16 : 4);
        assert_int_equal(tech_sctp_init.echo(&tech_sctp_init, &r, &seq), ECHO_SEQ);
        assert_int_equal(seq, SEQ);
        expect(&tech_sctp_init, &r, PORT_OPEN, REASON_INIT_ACK);
        expect_ignored(&tech_sctp_cookie, &r);

        /* ABORT: tagged with our Initiate Tag (INIT), or reflecting our
         * COOKIE ECHO's tag with the T bit. */
        len = sctp_from_target(family, SEQ, SCTP_ABORT, 1, buf, sizeof buf);
        r = parsed(buf, len);
        seq = 0;
        assert_int_equal(tech_sctp_cookie.echo(&tech_sctp_cookie, &r, &seq), ECHO_SEQ);
        assert_int_equal(seq, SEQ);
        expect(&tech_sctp_init, &r, PORT_CLOSED, REASON_ABORT);
        expect(&tech_sctp_cookie, &r, PORT_CLOSED, REASON_ABORT);

        /* An ABORT reflecting an INIT's zero tag says only its port. */
        len = sctp_from_target(family, 0, SCTP_ABORT, 1, buf, sizeof buf);
        r = parsed(buf, len);
        assert_int_equal(tech_sctp_init.echo(&tech_sctp_init, &r, &seq), ECHO_PORT);

        len = sctp_from_target(family, SEQ, SCTP_COOKIE_ACK, 0, buf, sizeof buf);
        r = parsed(buf, len);
        expect_ignored(&tech_sctp_cookie, &r);
        expect_ignored(&tech_sctp_init, &r);
        len = sctp_from_target(family, SEQ, 4 /* HEARTBEAT */, 0, buf, sizeof buf);
        r = parsed(buf, len);
        expect_ignored(&tech_sctp_init, &r);
        expect_ignored(&tech_sctp_cookie, &r);
    }
    assert_int_equal(tech_sctp_init.silent_state, PORT_FILTERED);
    assert_int_equal(tech_sctp_cookie.silent_state, PORT_OPEN_FILTERED);
}

/* An ICMP or ICMPv6 destination unreachable (code) quoting t's probe. */
static struct raw_reply icmp_quoting(const struct scan_technique *t, int family, uint8_t code)
{
    uint8_t probe[RAW_PROBE_MAX], buf[RAW_PROBE_MAX];
    size_t plen;
    built(t, family, probe, sizeof probe, &plen);
    bool v6 = family == AF_INET6;
    size_t ip_len = v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN, ilen, hl;
    if (v6) {
        struct icmp6_params ic = {
            .type = ICMP6_UNREACH, .code = code, .payload = probe, .payload_len = plen};
        struct pkt_ends ends = {.family = AF_INET6};
        memcpy(ends.src, TARGET6, 16);
        memcpy(ends.dst, SELF6, 16);
        assert_int_equal(icmp6_build(buf + ip_len, sizeof buf - ip_len, &ic, &ends, &ilen), PKT_OK);
        struct ipv6_params ip = {.next_header = IPPROTO_ICMPV6, .hop_limit = 63};
        memcpy(ip.src, TARGET6, 16);
        memcpy(ip.dst, SELF6, 16);
        assert_int_equal(ipv6_build(buf, sizeof buf, &ip, ilen, &hl), PKT_OK);
    } else {
        struct icmp4_params ic = {
            .type = ICMP4_UNREACH, .code = code, .payload = probe, .payload_len = 28};
        assert_int_equal(icmp4_build(buf + ip_len, sizeof buf - ip_len, &ic, &ilen), PKT_OK);
        struct ipv4_params ip = {.id = 2, .ttl = 63, .proto = IPPROTO_ICMP};
        memcpy(ip.src, TARGET4, 4);
        memcpy(ip.dst, SELF4, 4);
        assert_int_equal(ipv4_build(buf, sizeof buf, &ip, ilen, &hl), PKT_OK);
    }
    struct raw_reply r = parsed(buf, hl + ilen);
    assert_int_equal(r.kind, v6 ? REPLY_ICMP6 : REPLY_ICMP4);
    assert_int_equal(r.proto, IPPROTO_SCTP);
    assert_int_equal(r.our_port, SPORT);
    assert_int_equal(r.target_port, DPORT);
    assert_memory_equal(r.target, v6 ? TARGET6 : TARGET4, v6 ? 16 : 4);
    return r;
}

/* ICMP unreachables: filtered with nmap's reason (port unreachable too,
 * as for TCP); the quoted tag is the echo of a COOKIE ECHO, an INIT's
 * zero tag leaves only the port. */
static void test_icmp_verdicts(void **state)
{
    (void)state;
    const struct scan_technique *both[] = {&tech_sctp_init, &tech_sctp_cookie};
    for (size_t i = 0; i < 2; i++) {
        const struct scan_technique *t = both[i];
        struct raw_reply r = icmp_quoting(t, AF_INET, 3);
        uint32_t seq = 0;
        enum echo_kind e = t->echo(t, &r, &seq);
        if (t == &tech_sctp_init) {
            assert_int_equal(e, ECHO_PORT);
        } else {
            assert_int_equal(e, ECHO_SEQ);
            assert_int_equal(seq, SEQ);
        }
        expect(t, &r, PORT_FILTERED, REASON_PORT_UNREACH);
        r = icmp_quoting(t, AF_INET, 13);
        expect(t, &r, PORT_FILTERED, REASON_ADMIN_PROHIBITED);
        r = icmp_quoting(t, AF_INET, 1);
        expect(t, &r, PORT_FILTERED, REASON_HOST_UNREACH);
        r = icmp_quoting(t, AF_INET, 0);
        expect(t, &r, PORT_FILTERED, REASON_NET_UNREACH);
        r = icmp_quoting(t, AF_INET, 2);
        expect(t, &r, PORT_FILTERED, REASON_PROTO_UNREACH);
        r = icmp_quoting(t, AF_INET, 4); /* fragmentation needed: ignored */
        expect_ignored(t, &r);
        r = icmp_quoting(t, AF_INET6, 1);
        expect(t, &r, PORT_FILTERED, REASON_ADMIN_PROHIBITED);
        r = icmp_quoting(t, AF_INET6, 3);
        expect(t, &r, PORT_FILTERED, REASON_HOST_UNREACH);
        r = icmp_quoting(t, AF_INET6, 4);
        expect(t, &r, PORT_FILTERED, REASON_PORT_UNREACH);
    }
}

/* Other protocols' replies are never an SCTP scan's, nor SCTP a TCP one's. */
static void test_other_protocols(void **state)
{
    (void)state;
    uint32_t seq;
    struct raw_reply tcp = {.kind = REPLY_TCP, .family = AF_INET, .proto = IPPROTO_TCP};
    struct raw_reply udp = {.kind = REPLY_UDP, .family = AF_INET, .proto = IPPROTO_UDP};
    struct raw_reply icmp_tcp = {.kind = REPLY_ICMP4, .family = AF_INET, .proto = IPPROTO_TCP};
    assert_int_equal(tech_sctp_init.echo(&tech_sctp_init, &tcp, &seq), ECHO_NONE);
    assert_int_equal(tech_sctp_cookie.echo(&tech_sctp_cookie, &udp, &seq), ECHO_NONE);
    assert_int_equal(tech_sctp_init.echo(&tech_sctp_init, &icmp_tcp, &seq), ECHO_NONE);
    uint8_t buf[256];
    size_t len = sctp_from_target(AF_INET, SEQ, SCTP_ABORT, 1, buf, sizeof buf);
    struct raw_reply r = parsed(buf, len);
    assert_int_equal(tech_syn.echo(&tech_syn, &r, &seq), ECHO_NONE);
    assert_int_equal(tech_udp.echo(&tech_udp, &r, &seq), ECHO_NONE);
}

/* Malformed SCTP from the network: refused, never read past its end. */
static void test_malformed(void **state)
{
    (void)state;
    uint8_t buf[256];
    struct raw_reply r;
    size_t len = sctp_from_target(AF_INET, SEQ, SCTP_ABORT, 1, buf, sizeof buf);
    uint8_t *chunk = buf + IPV4_HDR_LEN + SCTP_HDR_LEN;
    pkt_put16(chunk + 2, 8); /* chunk longer than the packet */
    assert_int_not_equal(reply_parse(buf, len, &r), PKT_OK);
    pkt_put16(chunk + 2, 2); /* shorter than its own header */
    assert_int_not_equal(reply_parse(buf, len, &r), PKT_OK);
    /* No chunk at all: a bare common header (IP total length shortened). */
    len = sctp_from_target(AF_INET, SEQ, SCTP_ABORT, 1, buf, sizeof buf);
    struct ipv4_params ip = {.id = 1, .ttl = 64, .proto = IPPROTO_SCTP};
    memcpy(ip.src, TARGET4, 4);
    memcpy(ip.dst, SELF4, 4);
    size_t hl;
    assert_int_equal(ipv4_build(buf, sizeof buf, &ip, SCTP_HDR_LEN, &hl), PKT_OK);
    assert_int_not_equal(reply_parse(buf, hl + SCTP_HDR_LEN, &r), PKT_OK);
    /* Cut inside the common header. */
    assert_int_equal(ipv4_build(buf, sizeof buf, &ip, 6, &hl), PKT_OK);
    assert_int_not_equal(reply_parse(buf, hl + 6, &r), PKT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_probe),      cmocka_unit_test(test_cookie_probe),
        cmocka_unit_test(test_sctp_replies),    cmocka_unit_test(test_icmp_verdicts),
        cmocka_unit_test(test_other_protocols), cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
