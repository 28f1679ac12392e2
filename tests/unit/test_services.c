// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "data/services.h"
#include "data/services_num.h"

#define SYSTEM_SERVICES "/usr/share/nmap/nmap-services"

static struct services_db *parse(const char *text, char *err, size_t errlen)
{
    return services_parse(text, strlen(text), "t", err, errlen);
}

static void parses_fields_comments_and_layouts(void **state)
{
    (void)state;
    char err[256] = "";
    const char *text = "# header comment\n"
                       "\n"
                       "   \t\n"
                       "ssh\t22/tcp\t0.182286\t# Secure Shell Login\n"
                       "domain 53/UDP 0.213496\r\n"
                       "http  80/sctp\n"
                       "half\t7/tcp\t1/2\n"
                       "www-alias\t8/tcp\twww # /etc/services layout\n"
                       "unknown\t4/tcp\t0.000477";
    struct services_db *db = parse(text, err, sizeof err);
    assert_non_null(db);
    assert_string_equal(err, "");
    size_t n = 0;
    const struct service_entry *e = services_entries(db, &n);
    assert_int_equal(n, 6);
    assert_string_equal(e[0].name, "ssh");
    assert_int_equal(e[0].port, 22);
    assert_int_equal(e[0].proto, PROTO_TCP);
    assert_true(e[0].frequency == 0.182286);
    assert_int_equal(e[1].proto, PROTO_UDP);
    assert_true(e[1].frequency == 0.213496);
    assert_int_equal(e[2].proto, PROTO_SCTP);
    assert_true(e[2].frequency == 0.0);
    assert_true(e[3].frequency == 0.5);
    assert_true(e[4].frequency == 0.0);
    assert_string_equal(services_name(db, 22, PROTO_TCP), "ssh");
    assert_string_equal(services_name(db, 53, PROTO_UDP), "domain");
    assert_string_equal(services_name(db, 80, PROTO_SCTP), "http");
    assert_string_equal(services_name(db, 4, PROTO_TCP), "unknown");
    assert_null(services_name(db, 22, PROTO_UDP));
    assert_null(services_name(db, 22, PROTO_IP));
    assert_null(services_name(db, 65535, PROTO_TCP));
    assert_true(services_has_frequencies(db));
    services_free(db);
}

static void first_duplicate_wins_and_foreign_protocols_are_ignored(void **state)
{
    (void)state;
    char err[256] = "";
    const char *text = "first 9/tcp 0.1\n"
                       "second 9/tcp 0.9\n"
                       "at 9/ddp\n"
                       "natd 8668/divert # comment\n"
                       "other 9/udp 0.2\n";
    struct services_db *db = parse(text, err, sizeof err);
    assert_non_null(db);
    size_t n = 0;
    const struct service_entry *e = services_entries(db, &n);
    assert_int_equal(n, 2);
    assert_string_equal(services_name(db, 9, PROTO_TCP), "first");
    assert_true(e[0].frequency == 0.1);
    assert_string_equal(services_name(db, 9, PROTO_UDP), "other");
    services_free(db);
}

static void old_style_file_has_no_frequencies(void **state)
{
    (void)state;
    char err[256] = "";
    struct services_db *db = parse("ssh 22/tcp\nhttp 80/tcp www # web\n", err, sizeof err);
    assert_non_null(db);
    assert_false(services_has_frequencies(db));
    assert_string_equal(services_name(db, 80, PROTO_TCP), "http");
    services_free(db);
    assert_false(services_has_frequencies(NULL));
}

static void expect_error(const char *text, const char *want)
{
    char err[256] = "";
    struct services_db *db = services_parse(text, strlen(text), "f", err, sizeof err);
    assert_null(db);
    assert_string_equal(err, want);
}

static void malformed_lines_are_reported_with_file_and_line(void **state)
{
    (void)state;
    expect_error("ok 1/tcp\nbad 70000/tcp 0.1\n", "f:2: bad port number '70000'");
    expect_error("bad x/tcp\n", "f:1: bad port number 'x'");
    expect_error("bad -1/tcp\n", "f:1: bad port number '-1'");
    expect_error("bad 22\n", "f:1: missing /protocol after port number 22");
    expect_error("bad 22tcp\n", "f:1: missing /protocol after port number 22");
    expect_error("bad 22/ 0.1\n", "f:1: missing protocol after '22/'");
    expect_error("lonely\n", "f:1: missing port/protocol after service name");
    expect_error("lonely # 22/tcp\n", "f:1: missing port/protocol after service name");
    expect_error("\n\nx 1/tcp 0.1.2\n", "f:3: bad frequency '0.1.2'");
    expect_error("x 1/tcp 0.5x\n", "f:1: bad frequency '0.5x'");
    expect_error("x 1/tcp 1.5\n", "f:1: frequency '1.5' is greater than 1");
    expect_error("x 1/tcp 3/2\n", "f:1: frequency '3/2' is greater than 1");
    expect_error("x 1/tcp 1/0\n", "f:1: frequency '1/0' has a zero denominator");
    expect_error("x 1/tcp 1/x\n", "f:1: bad frequency '1/x'");
    expect_error("x 1/tcp .\n", "f:1: bad frequency '.'");
    const char nul[] = "x 1/tcp\nab\0c 2/tcp\n";
    char err[128] = "";
    assert_null(services_parse(nul, sizeof nul - 1, "f", err, sizeof err));
    assert_string_equal(err, "f:2: NUL byte in line");
}

static void long_names_and_tokens_are_bounded(void **state)
{
    (void)state;
    char text[512], err[256] = "";
    memset(text, 'a', 128);
    strcpy(text + 128, " 1/tcp\n");
    expect_error(text, "f:1: service name longer than 127 characters");
    memset(text, 'a', 127);
    strcpy(text + 127, " 1/tcp\n");
    struct services_db *db = parse(text, err, sizeof err);
    assert_non_null(db);
    assert_int_equal(strlen(services_name(db, 1, PROTO_TCP)), 127);
    services_free(db);
    snprintf(text, sizeof text, "x 1/tcp 0.%0100d\n", 1);
    db = parse(text, err, sizeof err);
    assert_null(db);
    /* the quote stops at 40 characters */
    assert_string_equal(err, "t:1: bad frequency '0.00000000000000000000000000000000000000'");
}

static void empty_input_is_an_empty_table(void **state)
{
    (void)state;
    char err[64] = "";
    struct services_db *db = services_parse("", 0, "f", err, sizeof err);
    assert_non_null(db);
    size_t n = 99;
    services_entries(db, &n);
    assert_int_equal(n, 0);
    services_free(db);
}

/* The fast decimal path must give exactly strtod's double, or frequency
 * ties (and so the top-ports set) could differ from nmap's. */
static void fast_ratio_equals_strtod(void **state)
{
    (void)state;
    srand(7);
    for (int i = 0; i < 20000; i++) {
        char buf[32];
        int digits = 1 + rand() % 15;
        int len = snprintf(buf, sizeof buf, "0.");
        for (int d = 0; d < digits; d++)
            buf[len++] = (char)('0' + rand() % 10);
        buf[len] = '\0';
        double fast = -1;
        assert_int_equal(services_parse_ratio(buf, (size_t)len, &fast), SERVICES_RATIO_OK);
        assert_true(fast == strtod(buf, NULL));
    }
    double v = -1;
    assert_int_equal(services_parse_ratio("1", 1, &v), SERVICES_RATIO_OK);
    assert_true(v == 1.0);
    assert_int_equal(services_parse_ratio("www", 3, &v), SERVICES_RATIO_NOT_A_NUMBER);
    assert_int_equal(services_parse_ratio("0.12345678901234567", 19, &v), SERVICES_RATIO_OK);
    assert_true(v == strtod("0.12345678901234567", NULL));
}

static void load_reports_missing_file(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(services_load("/nonexistent/nmap-services", err, sizeof err));
    assert_string_equal(err, "Unable to open /nonexistent/nmap-services for reading service "
                             "information: No such file or directory (2)");
    assert_null(services_load("/tmp", err, sizeof err));
    assert_non_null(strstr(err, "Unable to open /tmp for reading service information"));
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void loads_the_real_nmap_services(void **state)
{
    (void)state;
    if (access(SYSTEM_SERVICES, R_OK) != 0) skip();
    char err[256] = "";
    double best = 1e9;
    struct services_db *db = NULL;
    for (int i = 0; i < 5; i++) {
        services_free(db);
        double t0 = now_ms();
        db = services_load(SYSTEM_SERVICES, err, sizeof err);
        double t = now_ms() - t0;
        if (t < best) best = t;
        assert_non_null(db);
    }
    printf("services_load(%s): best of 5 = %.3f ms\n", SYSTEM_SERVICES, best);
    size_t n = 0, per[PROTO_COUNT] = {0};
    const struct service_entry *e = services_entries(db, &n);
    for (size_t i = 0; i < n; i++)
        per[e[i].proto]++;
    /* nmap 7.93's file: 8,366 tcp, 19,022 udp, 52 sctp entries. */
    assert_int_equal(per[PROTO_TCP], 8366);
    assert_int_equal(per[PROTO_UDP], 19022);
    assert_int_equal(per[PROTO_SCTP], 52);
    assert_string_equal(services_name(db, 22, PROTO_TCP), "ssh");
    assert_string_equal(services_name(db, 80, PROTO_TCP), "http");
    assert_string_equal(services_name(db, 53, PROTO_UDP), "domain");
    assert_string_equal(services_name(db, 80, PROTO_SCTP), "http");
    assert_true(services_has_frequencies(db));
    services_free(db);
}

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/cmap-services-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void subset_load_keeps_only_wanted_ports(void **state)
{
    (void)state;
    if (access(SYSTEM_SERVICES, R_OK) != 0) skip();
    uint16_t tcp[] = {22, 80, 36}, udp[] = {53};
    struct port_list pl = {.ports = {[PROTO_TCP] = tcp, [PROTO_UDP] = udp},
                           .count = {[PROTO_TCP] = 3, [PROTO_UDP] = 1}};
    char err[256] = "";
    struct services_db *db = services_load_ports(SYSTEM_SERVICES, &pl, err, sizeof err);
    assert_non_null(db);
    assert_string_equal(services_name(db, 22, PROTO_TCP), "ssh");
    assert_string_equal(services_name(db, 80, PROTO_TCP), "http");
    assert_null(services_name(db, 36, PROTO_TCP)); /* not in nmap-services */
    assert_string_equal(services_name(db, 53, PROTO_UDP), "domain");
    assert_null(services_name(db, 443, PROTO_TCP)); /* in the file, not wanted */
    size_t n = 0;
    services_entries(db, &n);
    assert_int_equal(n, 3);
    services_free(db);
}

static void subset_load_still_validates_every_line(void **state)
{
    (void)state;
    char *path = write_temp("http\t80/tcp\t0.5\nbad\t99999/tcp\t0.1\n");
    uint16_t tcp[] = {80};
    struct port_list pl = {.ports = {[PROTO_TCP] = tcp}, .count = {[PROTO_TCP] = 1}};
    char err[512] = "";
    assert_null(services_load_ports(path, &pl, err, sizeof err));
    char want[600];
    snprintf(want, sizeof want, "%s:2: bad port number '99999'", path);
    assert_string_equal(err, want);
    unlink(path);
    free(path);
    path = write_temp("");
    struct services_db *db = services_load_ports(path, &pl, err, sizeof err);
    assert_non_null(db);
    assert_null(services_name(db, 80, PROTO_TCP));
    services_free(db);
    unlink(path);
    free(path);
}

/* A protocol subset of the real file is the whole table's entries of
 * those protocols, in the same order, and still validates every line. */
static void protocol_load_keeps_the_protocols_entries(void **state)
{
    (void)state;
    char err[512] = "";
    struct services_db *all = services_load(SYSTEM_SERVICES, err, sizeof err);
    assert_non_null(all);
    const bool tcp_sctp[PROTO_COUNT] = {[PROTO_TCP] = true, [PROTO_SCTP] = true};
    struct services_db *sub = services_load_protos(SYSTEM_SERVICES, tcp_sctp, err, sizeof err);
    assert_non_null(sub);
    size_t n_all = 0, n_sub = 0, k = 0;
    const struct service_entry *a = services_entries(all, &n_all);
    const struct service_entry *b = services_entries(sub, &n_sub);
    for (size_t i = 0; i < n_all; i++) {
        if (a[i].proto == PROTO_UDP) continue;
        assert_true(k < n_sub);
        assert_string_equal(a[i].name, b[k].name);
        assert_int_equal(a[i].port, b[k].port);
        assert_int_equal(a[i].proto, b[k].proto);
        assert_true(a[i].frequency == b[k].frequency);
        k++;
    }
    assert_int_equal(k, n_sub);
    assert_true(n_sub > 8000);
    assert_null(services_name(sub, 53, PROTO_UDP));
    assert_string_equal(services_name(sub, 53, PROTO_TCP), "domain");
    assert_true(services_has_frequencies(sub));
    services_free(sub);
    services_free(all);
    char *path = write_temp("domain\t53/udp\t0.5\nbad\t99999/udp\t0.1\n");
    assert_null(services_load_protos(path, tcp_sctp, err, sizeof err));
    char want[600];
    snprintf(want, sizeof want, "%s:2: bad port number '99999'", path);
    assert_string_equal(err, want);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_fields_comments_and_layouts),
        cmocka_unit_test(first_duplicate_wins_and_foreign_protocols_are_ignored),
        cmocka_unit_test(old_style_file_has_no_frequencies),
        cmocka_unit_test(malformed_lines_are_reported_with_file_and_line),
        cmocka_unit_test(long_names_and_tokens_are_bounded),
        cmocka_unit_test(empty_input_is_an_empty_table),
        cmocka_unit_test(fast_ratio_equals_strtod),
        cmocka_unit_test(load_reports_missing_file),
        cmocka_unit_test(loads_the_real_nmap_services),
        cmocka_unit_test(subset_load_keeps_only_wanted_ports),
        cmocka_unit_test(subset_load_still_validates_every_line),
        cmocka_unit_test(protocol_load_keeps_the_protocols_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
