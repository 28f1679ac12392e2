// SPDX-License-Identifier: MIT
// The raw techniques' pure parts (scan/technique.h): each technique's
// probe bytes, the echo it finds in a reply (RFC 793's reset rules), and
// nmap 7.93's state and reason for every kind of reply, checked against
// what nmap printed on the lab hosts; --scanflags parsing and printing.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "data/payloads.h"
#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/tcp.h"
#include "net/pkt/udp.h"
#include "raw/reply.h"
#include "report/model.h"
#include "scan/technique.h"

static const uint8_t SELF4[4] = {198, 18, 0, 1};
static const uint8_t TARGET4[4] = {198, 18, 1, 4};
static const uint8_t SELF6[16] = {0xfd, 0, 0, 0x18, [15] = 1};
static const uint8_t TARGET6[16] = {0xfd, 0, 0, 0x18, 0, 1, [15] = 4};

static struct probe_spec spec(int family, uint16_t dport)
{
    bool v6 = family == AF_INET6;
    return (struct probe_spec){.family = family,
                               .self = v6 ? SELF6 : SELF4,
                               .target = v6 ? TARGET6 : TARGET4,
                               .sport = 40000,
                               .dport = dport,
                               .seq = 0x12345678,
                               .ip_id = 77,
                               .ttl = 50};
}

/* Builds t's probe and parses its TCP header back. */
static struct tcp_info built_tcp(const struct scan_technique *t, int family)
{
    uint8_t buf[RAW_PROBE_MAX];
    struct probe_spec p = spec(family, 80);
    size_t len = t->build(t, &p, buf, sizeof buf);
    assert_true(len > 0);
    struct tcp_info ti;
    if (family == AF_INET) {
        struct ipv4_info ip;
        assert_int_equal(ipv4_parse(buf, len, &ip), PKT_OK);
        assert_int_equal(ip.proto, IPPROTO_TCP);
        assert_int_equal(tcp_parse(ip.payload, &ti), PKT_OK);
    } else {
        struct ipv6_info ip;
        assert_int_equal(ipv6_parse(buf, len, &ip), PKT_OK);
        assert_int_equal(tcp_parse(ip.payload, &ti), PKT_OK);
    }
    /* Too small a buffer is refused, never overrun. */
    assert_int_equal(t->build(t, &p, buf, 30), 0);
    return ti;
}

static void test_tcp_probes(void **state)
{
    (void)state;
    const struct {
        const struct scan_technique *t;
        uint8_t flags;
    } cases[] = {{&tech_syn, TCP_SYN},
                 {&tech_ack, TCP_ACK},
                 {&tech_window, TCP_ACK},
                 {&tech_maimon, TCP_FIN | TCP_ACK},
                 {&tech_null, 0},
                 {&tech_fin, TCP_FIN},
                 {&tech_xmas, TCP_FIN | TCP_PSH | TCP_URG}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int f = 0; f < 2; f++) {
            struct tcp_info ti = built_tcp(cases[i].t, f ? AF_INET6 : AF_INET);
            assert_int_equal(ti.flags, cases[i].flags);
            assert_int_equal(ti.sport, 40000);
            assert_int_equal(ti.dport, 80);
            assert_int_equal(ti.window, 1024);
            assert_true(ti.seq == 0x12345678);
            /* The keyed value rides in the acknowledgement when ACK is set. */
            assert_true(ti.ack == ((cases[i].flags & TCP_ACK) ? 0x12345678u : 0));
            /* Only a SYN carries nmap's MSS option. */
            assert_int_equal(ti.header_len, (cases[i].flags & TCP_SYN) ? 24 : 20);
        }
}

static struct raw_reply tcp_reply(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t window)
{
    return (struct raw_reply){.kind = REPLY_TCP,
                              .family = AF_INET,
                              .proto = IPPROTO_TCP,
                              .target_port = 80,
                              .our_port = 40000,
                              .seq = seq,
                              .ack = ack,
                              .window = window,
                              .tcp_flags = flags,
                              .ttl = 64};
}

static struct raw_reply icmp_reply(int kind, uint8_t code, uint8_t proto)
{
    return (struct raw_reply){.kind = (enum reply_kind)kind,
                              .family = kind == REPLY_ICMP6 ? AF_INET6 : AF_INET,
                              .proto = proto,
                              .target_port = 80,
                              .our_port = 40000,
                              .has_echo = proto == IPPROTO_TCP,
                              .echoed_seq = 0x12345678,
                              .icmp_type = kind == REPLY_ICMP6 ? 1 : 3,
                              .icmp_code = code,
                              .ttl = 64};
}

/* RFC 793: without ACK in the probe the reset acknowledges seq + SYN + FIN;
 * with ACK it carries our acknowledgement as its sequence number. */
static void test_tcp_echo(void **state)
{
    (void)state;
    uint32_t seq;
    struct raw_reply r = tcp_reply(TCP_RST | TCP_ACK, 0, 0x12345679, 0);
    assert_int_equal(tech_syn.echo(&tech_syn, &r, &seq), ECHO_SEQ);
    assert_true(seq == 0x12345678);
    assert_int_equal(tech_fin.echo(&tech_fin, &r, &seq), ECHO_SEQ);
    assert_true(seq == 0x12345678);
    assert_int_equal(tech_xmas.echo(&tech_xmas, &r, &seq), ECHO_SEQ);
    assert_true(seq == 0x12345678);
    r = tcp_reply(TCP_RST | TCP_ACK, 0, 0x12345678, 0);
    assert_int_equal(tech_null.echo(&tech_null, &r, &seq), ECHO_SEQ);
    assert_true(seq == 0x12345678);
    r = tcp_reply(TCP_RST, 0x12345678, 0, 0);
    assert_int_equal(tech_ack.echo(&tech_ack, &r, &seq), ECHO_SEQ);
    assert_true(seq == 0x12345678);
    assert_int_equal(tech_maimon.echo(&tech_maimon, &r, &seq), ECHO_SEQ);
    assert_true(seq == 0x12345678);
    /* A bare SYN to a SYN probe echoes only the port. */
    r = tcp_reply(TCP_SYN, 5, 0, 100);
    assert_int_equal(tech_syn.echo(&tech_syn, &r, &seq), ECHO_PORT);
    /* ICMP errors quote our sequence number. */
    r = icmp_reply(REPLY_ICMP4, 3, IPPROTO_TCP);
    assert_int_equal(tech_ack.echo(&tech_ack, &r, &seq), ECHO_SEQ);
    assert_true(seq == 0x12345678);
    /* A technique never takes another protocol's reply. */
    r = icmp_reply(REPLY_ICMP4, 3, IPPROTO_UDP);
    assert_int_equal(tech_syn.echo(&tech_syn, &r, &seq), ECHO_NONE);
    assert_int_equal(tech_udp.echo(&tech_udp, &r, &seq), ECHO_PORT);
    r = tcp_reply(TCP_RST, 0, 0, 0);
    assert_int_equal(tech_udp.echo(&tech_udp, &r, &seq), ECHO_NONE);
}

static void expect(const struct scan_technique *t, struct raw_reply r, int state, int reason)
{
    uint8_t s = 0, why = 0;
    assert_true(t->classify(t, &r, &s, &why));
    assert_int_equal(s, state);
    assert_int_equal(why, reason);
}

static void expect_ignored(const struct scan_technique *t, struct raw_reply r)
{
    uint8_t s, why;
    assert_false(t->classify(t, &r, &s, &why));
}

/* ICMP unreachables mean filtered with nmap's reason for every TCP one. */
static void icmp_filtered(const struct scan_technique *t)
{
    expect(t, icmp_reply(REPLY_ICMP4, 3, IPPROTO_TCP), PORT_FILTERED, REASON_PORT_UNREACH);
    expect(t, icmp_reply(REPLY_ICMP4, 0, IPPROTO_TCP), PORT_FILTERED, REASON_NET_UNREACH);
    expect(t, icmp_reply(REPLY_ICMP4, 1, IPPROTO_TCP), PORT_FILTERED, REASON_HOST_UNREACH);
    expect(t, icmp_reply(REPLY_ICMP4, 13, IPPROTO_TCP), PORT_FILTERED, REASON_ADMIN_PROHIBITED);
    expect(t, icmp_reply(REPLY_ICMP6, 1, IPPROTO_TCP), PORT_FILTERED, REASON_ADMIN_PROHIBITED);
    expect(t, icmp_reply(REPLY_ICMP6, 4, IPPROTO_TCP), PORT_FILTERED, REASON_PORT_UNREACH);
    expect_ignored(t, icmp_reply(REPLY_ICMP4, 4, IPPROTO_TCP)); /* frag needed */
}

/* What nmap 7.93 printed for the lab's reject and open hosts. */
static void test_tcp_verdicts(void **state)
{
    (void)state;
    struct raw_reply rst = tcp_reply(TCP_RST, 0, 0, 0);
    struct raw_reply rst_win = tcp_reply(TCP_RST, 0, 0, 512);
    struct raw_reply synack = tcp_reply(TCP_SYN | TCP_ACK, 0, 0, 64240);
    expect(&tech_syn, synack, PORT_OPEN, REASON_SYN_ACK);
    expect(&tech_syn, rst, PORT_CLOSED, REASON_RESET);
    expect(&tech_ack, rst, PORT_UNFILTERED, REASON_RESET);
    expect_ignored(&tech_ack, synack);
    expect(&tech_window, rst, PORT_CLOSED, REASON_RESET);
    expect(&tech_window, rst_win, PORT_OPEN, REASON_RESET);
    expect_ignored(&tech_window, synack);
    const struct scan_technique *stealth[] = {&tech_null, &tech_fin, &tech_xmas, &tech_maimon};
    for (size_t i = 0; i < 4; i++) {
        expect(stealth[i], rst, PORT_CLOSED, REASON_RESET);
        expect_ignored(stealth[i], synack);
        assert_int_equal(stealth[i]->silent_state, PORT_OPEN_FILTERED);
        icmp_filtered(stealth[i]);
    }
    assert_int_equal(tech_syn.silent_state, PORT_FILTERED);
    assert_int_equal(tech_ack.silent_state, PORT_FILTERED);
    assert_int_equal(tech_window.silent_state, PORT_FILTERED);
    icmp_filtered(&tech_syn);
    icmp_filtered(&tech_ack);
    icmp_filtered(&tech_window);
}

static void test_udp_verdicts(void **state)
{
    (void)state;
    struct raw_reply udp = {.kind = REPLY_UDP, .family = AF_INET, .proto = IPPROTO_UDP, .ttl = 64};
    expect(&tech_udp, udp, PORT_OPEN, REASON_UDP_RESPONSE);
    expect(&tech_udp, icmp_reply(REPLY_ICMP4, 3, IPPROTO_UDP), PORT_CLOSED, REASON_PORT_UNREACH);
    expect(&tech_udp, icmp_reply(REPLY_ICMP4, 13, IPPROTO_UDP), PORT_FILTERED,
           REASON_ADMIN_PROHIBITED);
    expect(&tech_udp, icmp_reply(REPLY_ICMP4, 1, IPPROTO_UDP), PORT_FILTERED, REASON_HOST_UNREACH);
    expect(&tech_udp, icmp_reply(REPLY_ICMP4, 0, IPPROTO_UDP), PORT_FILTERED, REASON_NET_UNREACH);
    expect(&tech_udp, icmp_reply(REPLY_ICMP6, 4, IPPROTO_UDP), PORT_CLOSED, REASON_PORT_UNREACH);
    expect(&tech_udp, icmp_reply(REPLY_ICMP6, 1, IPPROTO_UDP), PORT_FILTERED,
           REASON_ADMIN_PROHIBITED);
    expect(&tech_udp, icmp_reply(REPLY_ICMP6, 3, IPPROTO_UDP), PORT_FILTERED, REASON_HOST_UNREACH);
    expect_ignored(&tech_udp, icmp_reply(REPLY_ICMP4, 4, IPPROTO_UDP));
    assert_int_equal(tech_udp.silent_state, PORT_OPEN_FILTERED);
}

/* One datagram per payload of the port, an empty one elsewhere. */
static void test_udp_probes(void **state)
{
    (void)state;
    static const char file[] = "udp 53,100-102 \"AB\"\nudp 53 \"\\x01\\x02\\x03\"\n";
    char err[128];
    struct payload_db *db = payloads_parse(file, sizeof file - 1, "t", err, sizeof err);
    assert_non_null(db);
    struct scan_technique t = tech_udp;
    t.payloads = db;
    assert_int_equal(t.packets(&t, 53), 2);
    assert_int_equal(t.packets(&t, 101), 1);
    assert_int_equal(t.packets(&t, 9), 1);
    const struct {
        uint16_t port;
        unsigned variant;
        size_t len;
    } cases[] = {{53, 0, 2}, {53, 1, 3}, {101, 0, 2}, {9, 0, 0}};
    for (size_t i = 0; i < 4; i++)
        for (int f = 0; f < 2; f++) {
            int family = f ? AF_INET6 : AF_INET;
            struct probe_spec p = spec(family, cases[i].port);
            p.variant = cases[i].variant;
            uint8_t buf[RAW_PROBE_MAX];
            size_t len = t.build(&t, &p, buf, sizeof buf);
            assert_int_equal(len, (f ? 40 : 20) + 8 + cases[i].len);
            struct raw_reply r;
            /* Our own probe parses as a UDP datagram to the port. */
            assert_int_equal(reply_parse(buf, len, &r), PKT_OK);
            assert_int_equal(r.kind, REPLY_UDP);
            assert_int_equal(r.target_port, 40000);
            assert_int_equal(r.our_port, cases[i].port);
        }
    payloads_free(db);
}

static void test_scanflags(void **state)
{
    (void)state;
    assert_int_equal(tech_parse_scanflags("SYN"), TCP_SYN);
    assert_int_equal(tech_parse_scanflags("synfin"), TCP_SYN | TCP_FIN);
    assert_int_equal(tech_parse_scanflags("URGACKPSHRSTSYNFIN"), 0x3f);
    assert_int_equal(tech_parse_scanflags("ECECWR"), 0xc0);
    assert_int_equal(tech_parse_scanflags("nothing"), 0);
    assert_int_equal(tech_parse_scanflags("0x12"), 0x12);
    assert_int_equal(tech_parse_scanflags("022"), 022);
    assert_int_equal(tech_parse_scanflags("255"), 255);
    assert_int_equal(tech_parse_scanflags("256"), -1);
    assert_int_equal(tech_parse_scanflags("1a"), -1);
    char buf[32];
    /* nmap's order, from the lab: SYNACK for 0x12, PSHURG, ECECWR. */
    tech_format_scanflags(0x12, buf, sizeof buf);
    assert_string_equal(buf, "SYNACK");
    tech_format_scanflags(TCP_URG | TCP_PSH, buf, sizeof buf);
    assert_string_equal(buf, "PSHURG");
    tech_format_scanflags(0xc0, buf, sizeof buf);
    assert_string_equal(buf, "ECECWR");
    tech_format_scanflags(0xff, buf, sizeof buf);
    assert_string_equal(buf, "FINSYNRSTPSHACKURGECECWR");
    tech_format_scanflags(0, buf, sizeof buf);
    assert_string_equal(buf, "");
    tech_format_scanflags(0xff, buf, 8); /* cut at a whole name */
    assert_string_equal(buf, "FINSYN");
    /* A custom-flag probe carries the flags, ACK's value in ack. */
    struct scan_technique t = tech_ack;
    t.tcp_flags = TCP_SYN | TCP_ACK;
    struct tcp_info ti = built_tcp(&t, AF_INET);
    assert_int_equal(ti.flags, TCP_SYN | TCP_ACK);
    assert_true(ti.ack == 0x12345678);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_probes),   cmocka_unit_test(test_tcp_echo),
        cmocka_unit_test(test_tcp_verdicts), cmocka_unit_test(test_udp_verdicts),
        cmocka_unit_test(test_udp_probes),   cmocka_unit_test(test_scanflags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
