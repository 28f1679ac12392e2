// SPDX-License-Identifier: MIT
// Normal output details the nmap fixtures do not reach: number formatting,
// the folding thresholds for -v/-d/--open, reason TTLs, protocol order,
// terminal safety of names that came from DNS, and the -oN error trailer.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "report/escape.h"
#include "report/model.h"
#include "report/portview.h"
#include "report/textfmt.h"
#include "report/writer.h"

static void expect_sigdigits(double d, const char *want)
{
    char buf[32];
    fmt_sigdigits(d, 2, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void latency_has_two_significant_digits(void **state)
{
    (void)state;
    expect_sigdigits(0.0000473, "0.000047");
    expect_sigdigits(0.000088, "0.000088");
    expect_sigdigits(0.0001, "0.00010");
    expect_sigdigits(0.000215, "0.00021");
    expect_sigdigits(0.00184, "0.0018");
    expect_sigdigits(0.97, "0.97");
    expect_sigdigits(1.0, "1.0");
    expect_sigdigits(12.5, "13");
    expect_sigdigits(0.0, "0.00");
}

static void folding_thresholds(void **state)
{
    (void)state;
    struct plan p = {0};
    assert_false(port_state_ignored(PORT_CLOSED, 25, &p));
    assert_true(port_state_ignored(PORT_CLOSED, 26, &p));
    assert_true(port_state_ignored(PORT_OPEN_FILTERED, 26, &p));
    assert_false(port_state_ignored(PORT_OPEN, 65535, &p));
    p.verbosity = 1;
    assert_false(port_state_ignored(PORT_FILTERED, 50, &p));
    assert_true(port_state_ignored(PORT_FILTERED, 51, &p));
    p.verbosity = 2;
    assert_false(port_state_ignored(PORT_CLOSED, 75, &p));
    assert_true(port_state_ignored(PORT_CLOSED, 76, &p));
    p.verbosity = 1, p.debugging = 1; /* -d: 25 x (1 + 1 + 20) */
    assert_false(port_state_ignored(PORT_CLOSED, 550, &p));
    assert_true(port_state_ignored(PORT_CLOSED, 551, &p));
    p.debugging = 3; /* -ddd shows everything */
    assert_false(port_state_ignored(PORT_CLOSED, 65535, &p));
}

static void open_only_folds_what_cannot_be_open(void **state)
{
    (void)state;
    struct plan p = {.open_only = true};
    assert_true(port_state_ignored(PORT_CLOSED, 1, &p));
    assert_true(port_state_ignored(PORT_FILTERED, 1, &p));
    assert_false(port_state_ignored(PORT_OPEN_FILTERED, 1, &p));
    assert_false(port_state_ignored(PORT_UNFILTERED, 1, &p));
    assert_false(port_state_ignored(PORT_CLOSED, 0, &p));
}

static char *safe_of(const char *s)
{
    char *out = safe_strdup(s);
    assert_non_null(out);
    return out;
}

static void expect_safe(const char *in, const char *want)
{
    char *got = safe_of(in);
    assert_string_equal(got, want);
    free(got);
}

static void terminal_safe_text(void **state)
{
    (void)state;
    expect_safe("host.example", "host.example");
    expect_safe("a\x1b[31mred\x07", "a\\x1b[31mred\\x07");
    expect_safe("line\nbreak\r\t", "line\\x0abreak\\x0d\\x09");
    expect_safe("caf\xc3\xa9 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xf0\x9f\x98\x80");
    expect_safe("c1 \xc2\x9b csi", "c1 \\xc2\\x9b csi"); /* U+009B */
    expect_safe("\xff\xfe", "\\xff\\xfe");               /* never UTF-8 */
    expect_safe("\xc0\xaf", "\\xc0\\xaf");               /* overlong '/' */
    expect_safe("cut \xe2\x82", "cut \\xe2\\x82");       /* truncated */
    expect_safe("\xed\xa0\x80", "\\xed\\xa0\\x80");      /* surrogate */
    expect_safe("del\x7f", "del\\x7f");
}

struct one_host {
    struct plan plan;
    struct run run;
    struct host host;
    struct port_result ports[64];
};

static void init_host(struct one_host *o)
{
    memset(o, 0, sizeof *o);
    o->plan.command_line = "cmap -sT 198.18.0.9";
    o->plan.tcp_scan = TCP_SCAN_CONNECT;
    o->plan.ports.count[PROTO_TCP] = 1; /* only "a port scan ran" matters here */
    o->run.plan = &o->plan;
    o->run.hosts_total = o->run.hosts_up = 1;
    net_addr_parse("198.18.0.9", AF_INET, &o->host.addr);
    o->host.state = HOST_STATE_UP;
    o->host.reason = REASON_USER_SET;
    o->host.ports = o->ports;
}

static void add_port(struct one_host *o, uint16_t port, enum proto_index proto,
                     enum port_state state, enum reason reason, uint8_t ttl, const char *service)
{
    o->ports[o->host.n_ports++] = (struct port_result){.port = port,
                                                       .proto = proto,
                                                       .state = state,
                                                       .reason = reason,
                                                       .reason_ttl = ttl,
                                                       .service = service};
}

static char *render_host(struct one_host *o)
{
    char *buf = NULL;
    size_t len = 0;
    struct writer w = {.ops = &normal_writer_ops, .fp = open_memstream(&buf, &len)};
    assert_int_equal(normal_writer_ops.host_done(&w, &o->run, &o->host), 0);
    fclose(w.fp);
    return buf;
}

static void reason_ttl_and_protocol_order(void **state)
{
    (void)state;
    struct one_host o;
    init_host(&o);
    o.plan.reason = true;
    o.plan.ports.count[PROTO_UDP] = 1;
    add_port(&o, 53, PROTO_UDP, PORT_OPEN_FILTERED, REASON_NO_RESPONSE, 0, "domain");
    add_port(&o, 443, PROTO_TCP, PORT_CLOSED, REASON_RESET, 64, "https");
    add_port(&o, 22, PROTO_TCP, PORT_OPEN, REASON_SYN_ACK, 64, "ssh");
    char *out = render_host(&o);
    assert_string_equal(out, "Nmap scan report for 198.18.0.9\n"
                             "Host is up, received user-set.\n"
                             "\n"
                             "PORT    STATE         SERVICE REASON\n"
                             "22/tcp  open          ssh     syn-ack ttl 64\n"
                             "443/tcp closed        https   reset ttl 64\n"
                             "53/udp  open|filtered domain  no-response\n"
                             "\n");
    free(out);
}

static void singular_and_multi_reason_not_shown(void **state)
{
    (void)state;
    struct one_host o;
    init_host(&o);
    o.plan.open_only = true;
    o.plan.defeat_rst_ratelimit = true; /* --open implies it (cli) */
    add_port(&o, 22, PROTO_TCP, PORT_OPEN, REASON_SYN_ACK, 0, "ssh");
    add_port(&o, 23, PROTO_TCP, PORT_CLOSED, REASON_CONN_REFUSED, 0, "telnet");
    add_port(&o, 24, PROTO_TCP, PORT_FILTERED, REASON_NO_RESPONSE, 0, NULL);
    add_port(&o, 25, PROTO_TCP, PORT_FILTERED, REASON_NO_RESPONSE, 0, "smtp");
    add_port(&o, 26, PROTO_TCP, PORT_FILTERED, REASON_HOST_UNREACH, 0, NULL);
    o.host.have_times = true;
    o.host.srtt_us = 1234;
    char *out = render_host(&o);
    assert_non_null(strstr(out, "Host is up (0.0012s latency).\n"));
    assert_non_null(strstr(out, "Not shown: 2 filtered tcp ports (no-response), 1 filtered tcp "
                                "ports (host-unreach), 1 closed tcp port (conn-refused)\n"
                                "Some closed ports may be reported as filtered due to "
                                "--defeat-rst-ratelimit\n"
                                "PORT   STATE SERVICE\n22/tcp open  ssh\n\n"));
    free(out);
}

static void open_only_hides_hosts_without_open_ports(void **state)
{
    (void)state;
    struct one_host o;
    init_host(&o);
    o.plan.open_only = true;
    add_port(&o, 23, PROTO_TCP, PORT_CLOSED, REASON_CONN_REFUSED, 0, "telnet");
    char *out = render_host(&o);
    assert_string_equal(out, "");
    free(out);
}

static void hostile_names_never_reach_the_terminal_raw(void **state)
{
    (void)state;
    struct one_host o;
    init_host(&o);
    o.host.target_name = "evil\x1b]0;pwned\x07";
    o.host.rdns = "ptr\r\nNmap scan report for 6.6.6.6\xc2\x9b";
    o.plan.verbosity = 2;
    add_port(&o, 22, PROTO_TCP, PORT_OPEN, REASON_SYN_ACK, 0, "s\x1b[2Jh");
    char *out = render_host(&o);
    for (const unsigned char *p = (const unsigned char *)out; *p; p++)
        if (*p != '\n') assert_true(*p >= 0x20 && *p != 0x7f);
    assert_non_null(strstr(out, "Nmap scan report for evil\\x1b]0;pwned\\x07 (198.18.0.9)\n"));
    assert_non_null(strstr(out, "rDNS record for 198.18.0.9: ptr\\x0d\\x0aNmap scan report for "
                                "6.6.6.6\\xc2\\x9b\n"));
    assert_non_null(strstr(out, "22/tcp open  s\\x1b[2Jh\n"));
    free(out);
}

static void normal_file_records_fatal_error(void **state)
{
    (void)state;
    struct one_host o;
    init_host(&o);
    o.run.error_message = "Something broke";
    char *buf = NULL;
    size_t len = 0;
    struct writer w = {.ops = &normal_writer_ops, .fp = open_memstream(&buf, &len)};
    assert_int_equal(normal_writer_ops.run_end(&w, &o.run), 0);
    fclose(w.fp);
    assert_string_equal(buf, "Something broke\nQUITTING!\n");
    free(buf);
    buf = NULL;
    w = (struct writer){
        .ops = &normal_writer_ops, .fp = open_memstream(&buf, &len), .interactive = true};
    assert_int_equal(normal_writer_ops.run_end(&w, &o.run), 0);
    fclose(w.fp);
    assert_string_equal(buf, ""); /* stderr already has it */
    free(buf);
}

static void summary_plurals(void **state)
{
    (void)state;
    struct run run = {.hosts_total = 1, .hosts_up = 1};
    run.end_time.tv_usec = 40000;
    char buf[160];
    fmt_run_summary(&run, buf, sizeof buf);
    assert_string_equal(buf, "1 IP address (1 host up) scanned in 0.04 seconds");
    run.hosts_total = 256, run.hosts_up = 0;
    fmt_run_summary(&run, buf, sizeof buf);
    assert_string_equal(buf, "256 IP addresses (0 hosts up) scanned in 0.04 seconds");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(latency_has_two_significant_digits),
        cmocka_unit_test(folding_thresholds),
        cmocka_unit_test(open_only_folds_what_cannot_be_open),
        cmocka_unit_test(terminal_safe_text),
        cmocka_unit_test(reason_ttl_and_protocol_order),
        cmocka_unit_test(singular_and_multi_reason_not_shown),
        cmocka_unit_test(open_only_hides_hosts_without_open_ports),
        cmocka_unit_test(hostile_names_never_reach_the_terminal_raw),
        cmocka_unit_test(normal_file_records_fatal_error),
        cmocka_unit_test(summary_plurals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
