// SPDX-License-Identifier: MIT
// --traceroute without packets: the TTL order (count down from the guess,
// then up), the distance guess from a reply's TTL, the hop cache linking two
// hosts' paths, the export, the reply reader on crafted and hostile packets,
// and the TRACEROUTE table's folding of shared hops and timeouts.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/plan.h"
#include "net/pkt/icmp4.h"
#include "net/pkt/ipv4.h"
#include "net/pkt/tcp.h"
#include "report/model.h"
#include "report/tracefmt.h"
#include "trace/hops.h"
#include "trace/tprobe.h"
#include "trace/treply.h"

static struct net_addr v4(const char *s)
{
    struct net_addr a;
    assert_int_equal(net_addr_parse(s, AF_INET, &a), 0);
    return a;
}

static void distance_from_reply_ttl(void **state)
{
    (void)state;
    assert_int_equal(trace_distance_guess(0), 0);
    assert_int_equal(trace_distance_guess(64), 1);  /* a neighbour, Linux */
    assert_int_equal(trace_distance_guess(62), 3);  /* two routers away */
    assert_int_equal(trace_distance_guess(125), 4); /* Windows, 128 */
    assert_int_equal(trace_distance_guess(255), 1);
    assert_int_equal(trace_distance_guess(30), 3); /* initial 32 */
    assert_int_equal(trace_distance_guess(33), 32);
}

/* Down from the guess to 1, then up past it until MAX_TTL. */
static void counts_down_then_up(void **state)
{
    (void)state;
    struct net_addr t = v4("198.18.42.2");
    struct trace_state s;
    trace_state_init(&s, &t, 3, false);
    assert_int_equal(trace_next_ttl(&s), 3);
    assert_int_equal(trace_next_ttl(&s), 2);
    assert_int_equal(trace_next_ttl(&s), 1);
    assert_true(s.counting_up);
    assert_int_equal(trace_next_ttl(&s), 4);
    assert_int_equal(trace_next_ttl(&s), 5);
    unsigned n = 5;
    while (trace_next_ttl(&s) != 0)
        n++;
    assert_int_equal(n, TRACE_MAX_TTL);
    assert_false(trace_has_more(&s));
    /* No hint: nmap's 10; a hint beyond the maximum is capped. */
    trace_state_init(&s, &t, 0, false);
    assert_int_equal(trace_next_ttl(&s), TRACE_DEFAULT_TTL);
    trace_state_init(&s, &t, 200, false);
    assert_int_equal(trace_next_ttl(&s), TRACE_MAX_TTL);
}

/* A guess from the host's own answer: TTLs above it wait for its probe, so
 * a right guess costs no probe past the target; a wrong one (a router
 * answered at the guess) or a timeout lets the count go on up. */
static void hinted_guess_holds(void **state)
{
    (void)state;
    struct hop_cache c = {0};
    struct net_addr t = v4("198.18.42.2"), r2 = v4("198.18.41.2");
    struct trace_state s;
    trace_state_init(&s, &t, 2, true);
    assert_int_equal(trace_next_ttl(&s), 2);
    assert_int_equal(trace_next_ttl(&s), 1);
    assert_int_equal(trace_next_ttl(&s), 0); /* 3 waits for TTL 2's answer */
    assert_true(trace_has_more(&s));
    trace_reply(&c, &s, 2, &r2, 0.1, 63); /* a router: the target is farther */
    assert_int_equal(trace_next_ttl(&s), 3);
    trace_reply(&c, &s, 3, &t, 0.1, 62);
    assert_int_equal(trace_next_ttl(&s), 0);
    assert_false(trace_has_more(&s));
    trace_state_init(&s, &t, 2, true);
    assert_int_equal(trace_next_ttl(&s), 2);
    assert_int_equal(trace_next_ttl(&s), 1);
    assert_int_equal(trace_timeout(&c, &s, 2), 0);
    assert_int_equal(trace_next_ttl(&s), 3);
    hop_cache_free(&c);
}

/* The target answering stops the upward count at its distance, and an
 * overshooting probe makes the count jump down to the reply's distance. */
static void target_answer_ends_and_jumps(void **state)
{
    (void)state;
    struct hop_cache c = {0};
    struct net_addr t = v4("198.18.42.2"), r1 = v4("198.18.40.2"), r2 = v4("198.18.41.2");
    struct trace_state s;
    trace_state_init(&s, &t, 10, false);
    assert_int_equal(trace_next_ttl(&s), 10);
    struct trace_effect e = trace_reply(&c, &s, 10, &t, 0.5, 62);
    assert_true(e.cancel_above);
    assert_int_equal(s.reached, 10);
    assert_int_equal(trace_next_ttl(&s), 3); /* 64 - 62 + 1 */
    e = trace_reply(&c, &s, 3, &t, 0.4, 62);
    assert_int_equal(s.reached, 3);
    assert_int_equal(trace_next_ttl(&s), 2);
    e = trace_reply(&c, &s, 2, &r2, 0.3, 63);
    assert_false(e.cancel_above || e.cancel_below);
    assert_int_equal(trace_next_ttl(&s), 1);
    trace_reply(&c, &s, 1, &r1, 0.2, 64);
    assert_int_equal(trace_next_ttl(&s), 0); /* 4 and up: past the target */
    struct trace_hop *hops;
    size_t n;
    assert_int_equal(trace_export(&c, &s, &hops, &n), 0);
    assert_int_equal(n, 3); /* the TTL-10 hop lies past the target */
    assert_true(net_addr_equal(&hops[0].addr, &r1));
    assert_true(net_addr_equal(&hops[1].addr, &r2));
    assert_true(net_addr_equal(&hops[2].addr, &t));
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(hops[i].ttl, i + 1);
        assert_true(net_addr_equal(&hops[i].tag, &t));
    }
    assert_true(hops[0].rtt_ms > 0.19 && hops[0].rtt_ms < 0.21);
    free(hops);
    hop_cache_free(&c);
}

/* Host B meets A's router at TTL 2: B's path links to A's, B stops going
 * down, and its export carries A's hops tagged with A's address. */
static void cache_hit_links_paths(void **state)
{
    (void)state;
    struct hop_cache c = {0};
    struct net_addr a = v4("198.18.42.2"), b = v4("198.18.42.3"), r1 = v4("198.18.40.2"),
                    r2 = v4("198.18.41.2");
    struct trace_state sa, sb;
    trace_state_init(&sa, &a, 3, true);
    trace_state_init(&sb, &b, 3, true);
    assert_int_equal(trace_next_ttl(&sa), 3);
    assert_int_equal(trace_next_ttl(&sb), 3);
    assert_int_equal(trace_next_ttl(&sa), 2);
    assert_int_equal(trace_next_ttl(&sb), 2);
    trace_reply(&c, &sa, 3, &a, 0.1, 62);
    trace_reply(&c, &sb, 3, &b, 0.1, 62);
    trace_reply(&c, &sa, 2, &r2, 0.1, 63);
    struct trace_effect e = trace_reply(&c, &sb, 2, &r2, 0.1, 63);
    /* A's path ends in A's own (unfinished) hops: B goes up instead. */
    assert_true(e.cancel_below);
    assert_true(sb.counting_up);
    assert_int_equal(trace_next_ttl(&sb), 0); /* reached at 3 */
    assert_int_equal(trace_next_ttl(&sa), 1);
    trace_reply(&c, &sa, 1, &r1, 0.1, 64);
    assert_int_equal(trace_next_ttl(&sa), 0);
    struct trace_hop *hops;
    size_t n;
    assert_int_equal(trace_export(&c, &sb, &hops, &n), 0);
    assert_int_equal(n, 3);
    assert_true(net_addr_equal(&hops[0].addr, &r1)); /* found by A after the link */
    assert_true(net_addr_equal(&hops[0].tag, &a));
    assert_true(net_addr_equal(&hops[1].tag, &a));
    assert_true(net_addr_equal(&hops[2].tag, &b));
    assert_true(net_addr_equal(&hops[2].addr, &b));

    /* The table folds A's hops for B. */
    struct host h = {.addr = b, .trace = &(struct host_trace){
                                    .kind = TRACE_TCP, .proto = IPPROTO_TCP, .port = 80,
                                    .hops = hops, .n_hops = n}};
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    assert_true(trace_put_normal(fp, &h, false));
    fclose(fp);
    assert_string_equal(text, "\nTRACEROUTE (using port 80/tcp)\n"
                              "HOP RTT     ADDRESS\n"
                              "-   Hops 1-2 are the same as for 198.18.42.2\n"
                              "3   0.10 ms 198.18.42.3\n");
    free(text);
    free(hops);
    hop_cache_free(&c);
}

/* Timeouts: a late answer fills the hop in; runs of silent TTLs fold into
 * "... N", and the XML lists only hops that answered. */
static void timeouts_fold(void **state)
{
    (void)state;
    struct hop_cache c = {0};
    struct net_addr t = v4("198.18.42.2"), r1 = v4("198.18.40.2");
    struct trace_state s;
    trace_state_init(&s, &t, 4, true);
    for (uint8_t ttl = 4; ttl >= 1; ttl--)
        assert_int_equal(trace_next_ttl(&s), ttl);
    trace_reply(&c, &s, 4, &t, 1.5, 61);
    assert_int_equal(trace_timeout(&c, &s, 3), 0);
    assert_int_equal(trace_timeout(&c, &s, 2), 0);
    assert_int_equal(trace_timeout(&c, &s, 1), 0);
    trace_reply(&c, &s, 1, &r1, 0.25, 64); /* late, after its timeout */
    struct trace_hop *hops;
    size_t n;
    assert_int_equal(trace_export(&c, &s, &hops, &n), 0);
    assert_int_equal(n, 4);
    assert_false(hops[0].timed_out);
    assert_true(hops[1].timed_out && hops[2].timed_out);
    hops[0].name = strdup("r&1.lab");
    struct host h = {.addr = t, .trace = &(struct host_trace){
                                    .kind = TRACE_ICMP, .proto = IPPROTO_ICMP,
                                    .hops = hops, .n_hops = n}};
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    assert_true(trace_put_normal(fp, &h, false));
    trace_put_xml(fp, &h);
    fclose(fp);
    assert_string_equal(text, "\nTRACEROUTE (using proto 1/icmp)\n"
                              "HOP RTT     ADDRESS\n"
                              "1   0.25 ms r&1.lab (198.18.40.2)\n"
                              "2   ... 3\n"
                              "4   1.50 ms 198.18.42.2\n"
                              "<trace proto=\"icmp\">\n"
                              "<hop ttl=\"1\" ipaddr=\"198.18.40.2\" rtt=\"0.25\" "
                              "host=\"r&amp;1.lab\"/>\n"
                              "<hop ttl=\"4\" ipaddr=\"198.18.42.2\" rtt=\"1.50\"/>\n"
                              "</trace>\n");
    free(text);
    free(hops[0].name);
    free(hops);
    hop_cache_free(&c);
}

/* Replies: a time-exceeded quoting our TCP probe names the probe by its
 * source port; an echo reply with another identifier is not ours; cut or
 * garbled packets are refused without reading past their end. */
static size_t icmp_quoting_tcp(uint8_t *buf, size_t cap, uint16_t sport)
{
    uint8_t inner[64];
    struct pkt_ends ends = {.family = AF_INET, .src = {198, 18, 40, 1}, .dst = {198, 18, 42, 2}};
    struct tcp_params tp = {.sport = sport, .dport = 80, .seq = 7, .flags = TCP_SYN};
    size_t tl, il, ol, hl;
    assert_int_equal(tcp_build(inner + IPV4_HDR_LEN, sizeof inner - IPV4_HDR_LEN, &tp, &ends, &tl),
                     PKT_OK);
    struct ipv4_params ip = {.ttl = 1, .proto = IPPROTO_TCP, .src = {198, 18, 40, 1},
                             .dst = {198, 18, 42, 2}};
    assert_int_equal(ipv4_build(inner, sizeof inner, &ip, tl, &il), PKT_OK);
    struct icmp4_params ic = {.type = ICMP4_TIME_EXCEEDED, .payload = inner, .payload_len = il + 8};
    assert_int_equal(icmp4_build(buf + IPV4_HDR_LEN, cap - IPV4_HDR_LEN, &ic, &ol), PKT_OK);
    struct ipv4_params outer = {.ttl = 63, .proto = IPPROTO_ICMP, .src = {198, 18, 41, 2},
                                .dst = {198, 18, 40, 1}};
    assert_int_equal(ipv4_build(buf, cap, &outer, ol, &hl), PKT_OK);
    return hl + ol;
}

static void reads_replies(void **state)
{
    (void)state;
    uint8_t pkt[256];
    size_t len = icmp_quoting_tcp(pkt, sizeof pkt, 4242);
    struct trace_reply r;
    assert_int_equal(trace_reply_parse(pkt, len, 99, &r), PKT_OK);
    assert_int_equal(r.token, 4242);
    assert_int_equal(r.proto, IPPROTO_TCP);
    assert_int_equal(r.ttl, 63);
    struct net_addr from = v4("198.18.41.2"), target = v4("198.18.42.2");
    assert_true(net_addr_equal(&r.from, &from));
    assert_true(net_addr_equal(&r.target, &target));
    for (size_t cut = 0; cut < len; cut++)
        assert_int_not_equal(trace_reply_parse(pkt, cut, 99, &r), PKT_OK);
    /* An echo reply under another identifier. */
    uint8_t echo[64];
    size_t el, hl;
    struct icmp4_params ic = {.type = ICMP4_ECHO_REPLY, .rest = (uint32_t)7 << 16 | 5};
    assert_int_equal(icmp4_build(echo + IPV4_HDR_LEN, sizeof echo - IPV4_HDR_LEN, &ic, &el),
                     PKT_OK);
    struct ipv4_params ip = {.ttl = 62, .proto = IPPROTO_ICMP, .src = {198, 18, 42, 2},
                             .dst = {198, 18, 40, 1}};
    assert_int_equal(ipv4_build(echo, sizeof echo, &ip, el, &hl), PKT_OK);
    assert_int_equal(trace_reply_parse(echo, hl + el, 8, &r), PKT_BAD_TYPE);
    assert_int_equal(trace_reply_parse(echo, hl + el, 7, &r), PKT_OK);
    assert_int_equal(r.token, 5);
    assert_true(net_addr_equal(&r.target, &target));
    /* Random bytes never crash the reader. */
    srand(1);
    for (int i = 0; i < 20000; i++) {
        uint8_t junk[96];
        size_t n = (size_t)rand() % sizeof junk;
        for (size_t k = 0; k < n; k++)
            junk[k] = (uint8_t)rand();
        if (n) junk[0] = i & 1 ? 0x45 : 0x60; /* mostly IPv4 and IPv6 headers */
        (void)trace_reply_parse(junk, n, 7, &r);
    }
}

/* nmap's ranking of the probes that got answers: a reset (closed port)
 * beats a SYN-ACK, an ICMP-filtered TCP port never counts, UDP is last;
 * without any, discovery's probe, then ICMP echo. */
static void chooses_the_probe(void **state)
{
    (void)state;
    struct plan plan = {.tcp_scan = TCP_SCAN_SYN};
    struct port_result ports[] = {
        {.port = 80, .proto = PROTO_TCP, .state = PORT_OPEN, .reason = REASON_SYN_ACK,
         .reason_ttl = 62},
        {.port = 81, .proto = PROTO_TCP, .state = PORT_CLOSED, .reason = REASON_RESET,
         .reason_ttl = 61},
        {.port = 82, .proto = PROTO_TCP, .state = PORT_FILTERED, .reason = REASON_HOST_UNREACH},
        {.port = 53, .proto = PROTO_UDP, .state = PORT_CLOSED, .reason = REASON_PORT_UNREACH},
    };
    struct host h = {.addr = v4("198.18.42.2"), .ports = ports, .n_ports = 4, .reason_ttl = 60};
    struct trace_probe p;
    trace_probe_choose(&plan, &h, &p);
    assert_int_equal(p.kind, TRACE_TCP);
    assert_int_equal(p.port, 81);
    assert_int_equal(p.tcp_flags, TCP_SYN);
    assert_int_equal(p.reply_ttl, 61);
    h.n_ports = 1; /* only the open port */
    trace_probe_choose(&plan, &h, &p);
    assert_int_equal(p.port, 80);
    h.ports = ports + 2; /* filtered by ICMP, then UDP */
    h.n_ports = 2;
    trace_probe_choose(&plan, &h, &p);
    assert_int_equal(p.kind, TRACE_UDP);
    assert_int_equal(p.port, 53);
    h.n_ports = 1; /* nothing usable: discovery's ACK ping */
    h.ping = (struct ping_probe){.kind = TRACE_TCP, .tcp_flags = TCP_ACK, .port = 443};
    trace_probe_choose(&plan, &h, &p);
    assert_int_equal(p.kind, TRACE_TCP);
    assert_int_equal(p.tcp_flags, TCP_ACK);
    assert_int_equal(p.port, 443);
    assert_int_equal(p.reply_ttl, 60);
    h.ping.kind = 0; /* nor that: ICMP echo */
    trace_probe_choose(&plan, &h, &p);
    assert_int_equal(p.kind, TRACE_ICMP);
    assert_int_equal(p.icmp_type, ICMP4_ECHO);
    assert_int_equal(trace_probe_proto(&p, AF_INET), IPPROTO_ICMP);
    plan.tcp_scan = TCP_SCAN_CONNECT; /* connect() answers are not raw probes */
    h.ports = ports;
    h.n_ports = 2;
    trace_probe_choose(&plan, &h, &p);
    assert_int_equal(p.kind, TRACE_ICMP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(distance_from_reply_ttl),
        cmocka_unit_test(counts_down_then_up),
        cmocka_unit_test(hinted_guess_holds),
        cmocka_unit_test(target_answer_ends_and_jumps),
        cmocka_unit_test(cache_hit_links_paths),
        cmocka_unit_test(timeouts_fold),
        cmocka_unit_test(reads_replies),
        cmocka_unit_test(chooses_the_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
