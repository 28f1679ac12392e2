// SPDX-License-Identifier: MIT
// Expected results were checked against nmap 7.93 run inside a network
// namespace (nmap -sT -n -Pn -oX - -p SPEC 127.0.0.1, <scaninfo services>).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/services.h"
#include "scan/portlist.h"
#include "scan/portspec.h"

#define SYSTEM_SERVICES "/usr/share/nmap/nmap-services"

static const char top_tcp_1000[] =
#include "fixtures/ports/nmap793_tcp_top1000.inc"
    ;
static const char top_tcp_100[] =
#include "fixtures/ports/nmap793_tcp_top100.inc"
    ;
static const char top_tcp_10[] =
#include "fixtures/ports/nmap793_tcp_top10.inc"
    ;
static const char top_tcp_1[] =
#include "fixtures/ports/nmap793_tcp_top1.inc"
    ;
static const char top_udp_1000[] =
#include "fixtures/ports/nmap793_udp_top1000.inc"
    ;
static const char sctp_default[] =
#include "fixtures/ports/nmap793_sctp_default.inc"
    ;

static struct services_db *db;

static int load_db(void **state)
{
    (void)state;
    char err[256];
    db = services_load(SYSTEM_SERVICES, err, sizeof err);
    return 0;
}

static int free_db(void **state)
{
    (void)state;
    services_free(db);
    return 0;
}

static struct portlist_request tcp_request(const char *spec)
{
    struct portlist_request r = {.spec = spec, .port_ratio = -1, .sequential = true};
    r.want[PROTO_TCP] = true;
    return r;
}

/* Build, and return the folded list for one protocol (caller frees). */
static char *ranges_of(const struct portlist_request *r, enum proto_index p)
{
    struct port_list pl;
    char err[256] = "";
    if (portlist_build(r, db, &pl, err, sizeof err) != 0) fail_msg("unexpected error: %s", err);
    char *s = portlist_ranges(pl.ports[p], pl.count[p]);
    portlist_free(&pl);
    return s;
}

static void expect_tcp(const char *spec, const char *exclude, const char *want)
{
    struct portlist_request r = tcp_request(spec);
    r.exclude_spec = exclude;
    char *got = ranges_of(&r, PROTO_TCP);
    assert_string_equal(got, want);
    free(got);
}

static void expect_error_for(const struct portlist_request *r, const char *want)
{
    struct port_list pl;
    char err[512] = "";
    assert_int_equal(portlist_build(r, db, &pl, err, sizeof err), -1);
    assert_string_equal(err, want);
    assert_int_equal(portlist_total(&pl), 0);
}

static void expect_tcp_error(const char *spec, const char *want)
{
    struct portlist_request r = tcp_request(spec);
    expect_error_for(&r, want);
}

static void needs_db(void)
{
    if (!db) skip();
}

static void numeric_forms(void **state)
{
    (void)state;
    expect_tcp("22", NULL, "22");
    expect_tcp("1-1023", NULL, "1-1023");
    expect_tcp("-1024", NULL, "1-1024");
    expect_tcp("60000-", NULL, "60000-65535");
    expect_tcp("-", NULL, "1-65535");
    expect_tcp("0", NULL, "0");
    expect_tcp("1-3,22,80,5-6", NULL, "1-3,5-6,22,80");
    expect_tcp("80,", NULL, "80");
    expect_tcp("  22 , 23", NULL, "22-23");
    expect_tcp("1 -5", NULL, "1-5");
    expect_tcp("00022", NULL, "22");
    expect_tcp("T:1-5", NULL, "1-5");
    expect_tcp("65535", NULL, "65535");
}

static void service_names_wildcards_and_brackets(void **state)
{
    (void)state;
    needs_db();
    expect_tcp("http", NULL, "80,8008");
    expect_tcp("ssh,80", NULL, "22,80");
    expect_tcp("ht?p", NULL, "80,4827,8008");
    expect_tcp("[1-30]", NULL, "1-30");
    expect_tcp("[1-30", NULL, "1-30");
    expect_tcp("[1-3]5", NULL, "1-3,5");
    expect_tcp("[T:1-3],4", NULL, "1-4");
    struct portlist_request r = tcp_request("unknown");
    struct port_list pl;
    char err[256];
    assert_int_equal(portlist_build(&r, db, &pl, err, sizeof err), 0);
    assert_int_equal(pl.count[PROTO_TCP], 1912);
    portlist_free(&pl);
}

static void qualifiers_stick_until_the_next(void **state)
{
    (void)state;
    needs_db();
    struct portlist_request r = tcp_request("T:80,U:53,22");
    r.want[PROTO_UDP] = true;
    char *tcp = ranges_of(&r, PROTO_TCP), *udp = ranges_of(&r, PROTO_UDP);
    assert_string_equal(tcp, "80");
    assert_string_equal(udp, "22,53");
    free(tcp);
    free(udp);
    r.spec = "[U:1-10],11"; /* the group's qualifier stays inside it */
    tcp = ranges_of(&r, PROTO_TCP);
    udp = ranges_of(&r, PROTO_UDP);
    assert_string_equal(tcp, "11");
    assert_string_equal(udp, "1-3,5,7,9,11");
    free(tcp);
    free(udp);
    r = tcp_request("U:53"); /* protocols not scanned are dropped, not an error */
    struct port_list pl;
    char err[256];
    assert_int_equal(portlist_build(&r, db, &pl, err, sizeof err), 0);
    assert_int_equal(portlist_total(&pl), 0);
    portlist_free(&pl);
}

static void errors_use_nmaps_texts(void **state)
{
    (void)state;
    const char *illegal = "Your port specifications are illegal.  Example of proper form: "
                          "\"-100,200-1024,T:3000-4000,U:60000-\"";
    char want[256];
    expect_tcp_error("99999", "Ports specified must be between 0 and 65535 inclusive");
    expect_tcp_error("65536", "Ports specified must be between 0 and 65535 inclusive");
    expect_tcp_error("1-99999999999999999999",
                     "Ports specified must be between 0 and 65535 inclusive");
    expect_tcp_error("80-20", "Your port range 80-20 is backwards. Did you mean 20-80?");
    snprintf(want, sizeof want, "Error #485: %s", illegal);
    expect_tcp_error("", want);
    expect_tcp_error("80,,81", want);
    expect_tcp_error(",80", want);
    expect_tcp_error("+22", want);
    expect_tcp_error("Http", want);
    snprintf(want, sizeof want, "Error #486: %s", illegal);
    expect_tcp_error("22-x", want);
    expect_tcp_error("1- 5", want);
    expect_tcp_error("1--2", want);
    snprintf(want, sizeof want, "Error #487: %s", illegal);
    expect_tcp_error("22x", want);
    snprintf(want, sizeof want, "Error #488: %s", illegal);
    expect_tcp_error("0-5x", want);
    expect_tcp_error("]", "Unexpected ] character in port/protocol specification");
    expect_tcp_error("[[1-3]]", "Can't nest [] brackets in port/protocol specification");
    expect_tcp_error("T:", "No ports specified -- If you really don't want to scan any ports "
                           "use ping scan...");
    if (!db) return;
    expect_tcp_error("x", "Found no matches for the service mask 'x' and your specified "
                          "protocols");
    expect_tcp_error("[1-3]x", "Found no matches for the service mask 'x' and your specified "
                               "protocols");
    snprintf(want, sizeof want, "Error #485: %s", illegal);
    expect_tcp_error("http ,80", want);
    expect_tcp_error("[]", "No ports specified -- If you really don't want to scan any ports "
                           "use ping scan...");
    char mask[200];
    memset(mask, 'a', 150);
    mask[150] = '\0';
    expect_tcp_error(mask, "A service mask in the port/protocol specification is either "
                           "malformed or too long");
}

static void duplicates_are_scanned_once_and_flagged(void **state)
{
    (void)state;
    struct portlist_request r = tcp_request("1-5,3");
    struct port_list pl;
    char err[256];
    assert_int_equal(portlist_build(&r, db, &pl, err, sizeof err), 0);
    assert_int_equal(pl.count[PROTO_TCP], 5);
    assert_true(pl.duplicate_ports);
    portlist_free(&pl);
    r.spec = "1-5,6";
    assert_int_equal(portlist_build(&r, db, &pl, err, sizeof err), 0);
    assert_false(pl.duplicate_ports);
    portlist_free(&pl);
}

static void exclusions_apply_everywhere(void **state)
{
    (void)state;
    expect_tcp("1-5", "1-5", "");
    expect_tcp("-", "1-65534", "65535");
    expect_tcp("1-10", "T:3,U:4", "1-2,4-10");
    if (!db) return;
    expect_tcp("http", "80", "8008");
    struct portlist_request r = tcp_request(NULL);
    r.top_ports = 5;
    r.exclude_spec = "80";
    char *got = ranges_of(&r, PROTO_TCP);
    assert_string_equal(got, "21-23,25,443"); /* the top 5 after exclusion */
    free(got);
    r = tcp_request(NULL);
    r.exclude_spec = "T:";
    expect_error_for(&r, "No ports specified -- If you really don't want to scan any ports use "
                         "ping scan...");
}

static void expect_top(bool tcp, bool udp, bool sctp, int top, bool fast, enum proto_index p,
                       const char *want)
{
    struct portlist_request r = tcp_request(NULL);
    r.want[PROTO_TCP] = tcp;
    r.want[PROTO_UDP] = udp;
    r.want[PROTO_SCTP] = sctp;
    r.top_ports = top;
    r.fast = fast;
    char *got = ranges_of(&r, p);
    assert_string_equal(got, want);
    free(got);
}

static void default_and_top_ports_equal_nmaps(void **state)
{
    (void)state;
    needs_db();
    expect_top(true, false, false, 0, false, PROTO_TCP, top_tcp_1000);
    expect_top(true, false, false, 1000, false, PROTO_TCP, top_tcp_1000);
    expect_top(true, false, false, 0, true, PROTO_TCP, top_tcp_100);
    expect_top(true, false, false, 100, false, PROTO_TCP, top_tcp_100);
    expect_top(true, false, false, 10, false, PROTO_TCP, top_tcp_10);
    expect_top(true, false, false, 1, false, PROTO_TCP, top_tcp_1);
    expect_top(true, true, true, 0, false, PROTO_UDP, top_udp_1000);
    expect_top(true, true, true, 0, false, PROTO_TCP, top_tcp_1000);
    expect_top(false, false, true, 0, false, PROTO_SCTP, sctp_default);
}

static void top_ports_and_ratio_within_a_list(void **state)
{
    (void)state;
    needs_db();
    struct portlist_request r = tcp_request("1-100");
    r.top_ports = 3;
    char *got = ranges_of(&r, PROTO_TCP);
    assert_string_equal(got, "21,23,80");
    free(got);
    r = tcp_request("22,80,443,1");
    r.top_ports = 2;
    got = ranges_of(&r, PROTO_TCP);
    assert_string_equal(got, "80,443");
    free(got);
    r = tcp_request("1-3");
    r.port_ratio = 0.001995; /* 1/tcp's frequency: nmap keeps ratios >= the level */
    got = ranges_of(&r, PROTO_TCP);
    assert_string_equal(got, "1");
    free(got);
    r.port_ratio = 0.001996;
    got = ranges_of(&r, PROTO_TCP);
    assert_string_equal(got, "");
    free(got);
    struct port_list pl;
    char err[256];
    r = tcp_request(NULL);
    r.port_ratio = 0;
    assert_int_equal(portlist_build(&r, db, &pl, err, sizeof err), 0);
    assert_int_equal(pl.count[PROTO_TCP], 8366);
    portlist_free(&pl);
    r = tcp_request(NULL);
    r.top_ports = 65536;
    assert_int_equal(portlist_build(&r, db, &pl, err, sizeof err), 0);
    assert_int_equal(pl.count[PROTO_TCP], 8366);
    portlist_free(&pl);
    r.top_ports = 70000;
    expect_error_for(&r, "Level argument to gettoppts (70000) is too large");
    r = tcp_request("80");
    r.fast = true;
    expect_error_for(&r, "You cannot use -F (fast scan) with -p (explicit port selection) but "
                         "see --top-ports and --port-ratio to fast scan a range of ports");
}

static void ip_protocol_scan(void **state)
{
    (void)state;
    struct portlist_request r = {.port_ratio = -1, .sequential = true};
    r.want[PROTO_IP] = true;
    char *got = ranges_of(&r, PROTO_IP);
    assert_string_equal(got, "0-255");
    free(got);
    r.spec = "P:1-5";
    got = ranges_of(&r, PROTO_IP);
    assert_string_equal(got, "1-5");
    free(got);
    r.spec = "300";
    expect_error_for(&r, "Protocols specified must be between 0 and 255 inclusive");
    r.spec = "5-1";
    expect_error_for(&r, "Your protocol range 5-1 is backwards. Did you mean 1-5?");
    static const char *names[256] = {[1] = "icmp", [6] = "tcp", [17] = "udp"};
    r.ip_proto_names = names;
    r.spec = "[P:0-20]";
    got = ranges_of(&r, PROTO_IP);
    assert_string_equal(got, "1,6,17");
    free(got);
    /* nmap 7.93 (checked against it): a protocol name matches but selects
     * nothing, so "P:*cp,1" is protocol 1 alone and "P:*cp" nothing. */
    r.spec = "P:*cp,1";
    got = ranges_of(&r, PROTO_IP);
    assert_string_equal(got, "1");
    free(got);
    r.spec = "P:*cp";
    expect_error_for(&r, "No ports specified -- If you really don't want to scan any ports use "
                         "ping scan...");
    r.spec = "P:nosuchname";
    expect_error_for(&r, "Found no matches for the service mask 'nosuchname' and your specified "
                         "protocols");
}

static bool is_permutation_of_range(const uint16_t *v, size_t n, uint16_t first, uint16_t last)
{
    static bool seen[65536];
    memset(seen, 0, sizeof seen);
    bool ok = n == (size_t)(last - first + 1);
    for (size_t i = 0; ok && i < n; i++) {
        ok = v[i] >= first && v[i] <= last && !seen[v[i]];
        seen[v[i]] = true;
    }
    return ok;
}

static void sequential_and_random_order(void **state)
{
    (void)state;
    struct portlist_request r = tcp_request("1-1000");
    struct port_list seq, a, b, c;
    char err[256];
    assert_int_equal(portlist_build(&r, db, &seq, err, sizeof err), 0);
    for (size_t i = 0; i < seq.count[PROTO_TCP]; i++)
        assert_int_equal(seq.ports[PROTO_TCP][i], i + 1);
    r.sequential = false;
    r.shuffle_seed = 42;
    assert_int_equal(portlist_build(&r, db, &a, err, sizeof err), 0);
    assert_int_equal(portlist_build(&r, db, &b, err, sizeof err), 0);
    r.shuffle_seed = 43;
    assert_int_equal(portlist_build(&r, db, &c, err, sizeof err), 0);
    assert_true(is_permutation_of_range(a.ports[PROTO_TCP], a.count[PROTO_TCP], 1, 1000));
    assert_memory_equal(a.ports[PROTO_TCP], b.ports[PROTO_TCP], 1000 * sizeof(uint16_t));
    assert_memory_not_equal(a.ports[PROTO_TCP], seq.ports[PROTO_TCP], 1000 * sizeof(uint16_t));
    assert_memory_not_equal(a.ports[PROTO_TCP], c.ports[PROTO_TCP], 1000 * sizeof(uint16_t));
    /* The popular TCP ports in 1-1000 come first (nmap's random_port_cheat). */
    static const uint16_t popular[] = {80, 23,  443, 21,  22,  25,  110, 445, 139, 143,
                                       53, 135, 111, 995, 993, 587, 199, 113, 554, 256};
    for (size_t i = 0; i < sizeof popular / sizeof popular[0]; i++) {
        bool found = false;
        for (size_t j = 0; j < sizeof popular / sizeof popular[0]; j++)
            found |= a.ports[PROTO_TCP][i] == popular[j];
        assert_true(found);
    }
    portlist_free(&seq);
    portlist_free(&a);
    portlist_free(&b);
    portlist_free(&c);
}

static void ranges_fold_ascending_runs(void **state)
{
    (void)state;
    static const uint16_t mixed[] = {80, 3, 1, 22, 2, 80, 65535, 0, 6, 5};
    char *s = portlist_ranges(mixed, sizeof mixed / sizeof mixed[0]);
    assert_string_equal(s, "0-3,5-6,22,80,65535");
    free(s);
    s = portlist_ranges(NULL, 0);
    assert_string_equal(s, "");
    free(s);
    assert_string_equal(proto_name(PROTO_TCP), "tcp");
    assert_string_equal(proto_name(PROTO_UDP), "udp");
    assert_string_equal(proto_name(PROTO_SCTP), "sctp");
    assert_string_equal(proto_name(PROTO_IP), "ip");
}

static void without_services_db(void **state)
{
    (void)state;
    struct portlist_request r = tcp_request("22,80-81");
    struct port_list pl;
    char err[256];
    assert_int_equal(portlist_build(&r, NULL, &pl, err, sizeof err), 0);
    assert_int_equal(pl.count[PROTO_TCP], 3);
    portlist_free(&pl);
    r.spec = "http";
    assert_int_equal(portlist_build(&r, NULL, &pl, err, sizeof err), -1);
    assert_string_equal(err, "Unable to look up the service mask 'http': nmap-services is not "
                             "loaded");
    r.spec = "[1-10]";
    assert_int_equal(portlist_build(&r, NULL, &pl, err, sizeof err), -1);
    assert_string_equal(err, "Unable to use [] in a port specification: nmap-services is not "
                             "loaded");
    r.spec = NULL;
    assert_int_equal(portlist_build(&r, NULL, &pl, err, sizeof err), -1);
    assert_string_equal(err, "Unable to choose the default ports: nmap-services is not loaded");
    r.top_ports = 10;
    assert_int_equal(portlist_build(&r, NULL, &pl, err, sizeof err), -1);
    assert_string_equal(err, "Unable to use --top-ports or --port-ratio: nmap-services is not "
                             "loaded");
}

static void old_style_services_file(void **state)
{
    (void)state;
    const char *text = "a 7/tcp\nb 2000/tcp\nc 70/udp\n";
    char err[256];
    struct services_db *old = services_parse(text, strlen(text), "old", err, sizeof err);
    assert_non_null(old);
    struct portlist_request r = tcp_request(NULL);
    struct port_list pl;
    assert_int_equal(portlist_build(&r, old, &pl, err, sizeof err), 0);
    char *s = portlist_ranges(pl.ports[PROTO_TCP], pl.count[PROTO_TCP]);
    assert_string_equal(s, "1-1024,2000");
    free(s);
    portlist_free(&pl);
    r.top_ports = 5;
    assert_int_equal(portlist_build(&r, old, &pl, err, sizeof err), -1);
    assert_string_equal(err, "Unable to use --top-ports or --port-ratio with an old style "
                             "(no-ratio) services file");
    services_free(old);
}

static void spec_helpers(void **state)
{
    (void)state;
    assert_true(portspec_wildmatch("http*", "http-proxy"));
    assert_true(portspec_wildmatch("HT?P", "http"));
    assert_true(portspec_wildmatch("*t*s", "https"));
    assert_false(portspec_wildmatch("*s*s*", "https"));
    assert_true(portspec_wildmatch("a*b*c", "aXbYbZc"));
    assert_false(portspec_wildmatch("ht?p", "htp"));
    assert_false(portspec_wildmatch("http", "https"));
    assert_true(portspec_wildmatch("*", ""));
    assert_int_equal(portspec_qualifiers("T:1,U:2,80"),
                     PORTSPEC_BIT(PROTO_TCP) | PORTSPEC_BIT(PROTO_UDP));
    assert_int_equal(portspec_qualifiers("80"), 0);
    uint8_t *table = calloc(PORTSPEC_TABLE_SIZE, 1);
    struct portspec_opts o = {.protos = PORTSPEC_BIT(PROTO_TCP), .qualifiers = false};
    char err[256];
    assert_int_equal(portspec_parse("T:80", &o, table, NULL, err, sizeof err), -1);
    assert_string_equal(err, "Error #485: Your port specifications are illegal.  Example of "
                             "proper form: \"-100,200-1024,3000-4000,60000-\"");
    assert_int_equal(portspec_parse("22,80", &o, table, NULL, err, sizeof err), 0);
    assert_int_equal(table[22], PORTSPEC_BIT(PROTO_TCP));
    assert_int_equal(table[23], 0);
    free(table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numeric_forms),
        cmocka_unit_test(service_names_wildcards_and_brackets),
        cmocka_unit_test(qualifiers_stick_until_the_next),
        cmocka_unit_test(errors_use_nmaps_texts),
        cmocka_unit_test(duplicates_are_scanned_once_and_flagged),
        cmocka_unit_test(exclusions_apply_everywhere),
        cmocka_unit_test(default_and_top_ports_equal_nmaps),
        cmocka_unit_test(top_ports_and_ratio_within_a_list),
        cmocka_unit_test(ip_protocol_scan),
        cmocka_unit_test(sequential_and_random_order),
        cmocka_unit_test(ranges_fold_ascending_runs),
        cmocka_unit_test(without_services_db),
        cmocka_unit_test(old_style_services_file),
        cmocka_unit_test(spec_helpers),
    };
    return cmocka_run_group_tests(tests, load_db, free_db);
}
