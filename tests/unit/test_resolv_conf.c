// SPDX-License-Identifier: MIT
// Where the resolver's servers and local names come from: resolv.conf
// lines, server literals, --dns-servers against the file, and /etc/hosts
// (src/dns/resolv_conf.c, src/dns/hosts_file.c). The accepted and refused
// spellings are the ones nmap 7.93 was seen to accept and refuse.
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dns/hosts_file.h"
#include "dns/resolv_conf.h"

struct tokens {
    char v[16][DNS_SERVER_LABEL_MAX];
    size_t n;
};

static void collect(void *ctx, const char *tok)
{
    struct tokens *t = ctx;
    if (t->n < 16) snprintf(t->v[t->n++], DNS_SERVER_LABEL_MAX, "%s", tok);
}

static size_t scan_text(const char *text, struct tokens *t)
{
    t->n = 0;
    FILE *fp = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(fp);
    size_t n = resolv_conf_scan(fp, collect, t);
    fclose(fp);
    return n;
}

static void test_nameserver_lines(void **state)
{
    (void)state;
    struct tokens t;
    const char *conf = "# generated\n"
                       "search lab.test\n"
                       "nameserver 198.18.0.53\n"
                       "  nameserver\t198.18.0.54 # second\n"
                       "nameserver 198.18.0.55#comment\n"
                       "nameserver 198.18.0.56;x\n"
                       "#nameserver 198.18.0.99\n"
                       ";nameserver 198.18.0.98\n"
                       "NAMESERVER 198.18.0.97\n"
                       "nameserverx 198.18.0.96\n"
                       "nameserver\n"
                       "nameserver fd00::53 198.18.0.95\n"
                       "options ndots:2\n"
                       "nameserver 198.18.0.57"; /* no final newline */
    assert_int_equal(scan_text(conf, &t), 6);
    assert_string_equal(t.v[0], "198.18.0.53");
    assert_string_equal(t.v[1], "198.18.0.54");
    assert_string_equal(t.v[2], "198.18.0.55");
    assert_string_equal(t.v[3], "198.18.0.56");
    assert_string_equal(t.v[4], "fd00::53");
    assert_string_equal(t.v[5], "198.18.0.57");
}

static void test_long_line_continuation_is_not_a_line(void **state)
{
    (void)state;
    /* A line longer than the buffer: its tail must not be read as a line
     * of its own, even when it looks like one. */
    size_t len = RESOLV_LINE_MAX + 64;
    char *conf = malloc(len + 64);
    memset(conf, 'x', RESOLV_LINE_MAX - 1);
    strcpy(conf + RESOLV_LINE_MAX - 1, "nameserver 198.18.0.1\nnameserver 198.18.0.2\n");
    struct tokens t;
    assert_int_equal(scan_text(conf, &t), 1);
    assert_string_equal(t.v[0], "198.18.0.2");
    free(conf);
}

static void test_server_literals(void **state)
{
    (void)state;
    struct dns_server s;
    assert_int_equal(dns_server_parse("198.18.0.53", false, &s), 0);
    assert_int_equal(s.sa.ss_family, AF_INET);
    const struct sockaddr_in *in = (const void *)&s.sa;
    assert_int_equal(ntohs(in->sin_port), 53);
    assert_string_equal(s.label, "198.18.0.53");
    assert_int_equal(dns_server_parse("fd00::53", false, &s), 0);
    assert_int_equal(s.sa.ss_family, AF_INET6);
    assert_int_equal(s.salen, sizeof(struct sockaddr_in6));
    /* What nmap skips: not an address (and, here, no lookups). */
    assert_int_equal(dns_server_parse("300.1.1.1", false, &s), -1);
    assert_int_equal(dns_server_parse("198.18.0.53:53", false, &s), -1);
    assert_int_equal(dns_server_parse("198.18.0.53x", false, &s), -1);
    assert_int_equal(dns_server_parse("bogus.invalid.x", false, &s), -1);
    assert_int_equal(dns_server_parse("", false, &s), -1);
    char huge[DNS_SERVER_LABEL_MAX + 8];
    memset(huge, '1', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    assert_int_equal(dns_server_parse(huge, false, &s), -1);
}

static void test_list_dedupes_and_skips(void **state)
{
    (void)state;
    struct dns_server_list *l = calloc(1, sizeof *l);
    assert_true(dns_server_list_add(l, "198.18.0.53", false));
    assert_false(dns_server_list_add(l, "198.18.0.53", false));
    assert_false(dns_server_list_add(l, "bogus", false));
    assert_true(dns_server_list_add(l, "fd00::53", false));
    assert_false(dns_server_list_add(l, "fd00:0::53", false)); /* same address */
    assert_int_equal(l->n, 2);
    for (int i = 0; i < DNS_SERVERS_MAX + 5; i++) {
        char a[32];
        snprintf(a, sizeof a, "198.18.%d.%d", i / 200, i % 200 + 1);
        dns_server_list_add(l, a, false);
    }
    assert_int_equal(l->n, DNS_SERVERS_MAX);
    free(l);
}

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/cmap-test-dns-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_load_prefers_dns_servers(void **state)
{
    (void)state;
    char *path = write_temp("nameserver 198.18.0.1\nnameserver 198.18.0.2\nnameserver 198.18.0.1\n");
    struct dns_server_list *l = calloc(1, sizeof *l);
    dns_servers_load(l, NULL, 0, path, false);
    assert_int_equal(l->n, 2);
    assert_string_equal(l->v[0].label, "198.18.0.1");
    assert_string_equal(l->v[1].label, "198.18.0.2");
    char *given[] = {"bogus", "198.18.0.9", NULL};
    dns_servers_load(l, given, 2, path, false);
    assert_int_equal(l->n, 1);
    assert_string_equal(l->v[0].label, "198.18.0.9");
    /* Given but empty (--dns-servers ""), or nothing usable: no server at
     * all, never the file's (nmap then disables reverse DNS). */
    dns_servers_load(l, given + 2, 0, path, false);
    assert_int_equal(l->n, 0);
    dns_servers_load(l, given, 1, path, false);
    assert_int_equal(l->n, 0);
    dns_servers_load(l, NULL, 0, "/nonexistent/resolv.conf", false);
    assert_int_equal(l->n, 0);
    unlink(path);
    free(path);
    free(l);
}

static void test_hosts_file(void **state)
{
    (void)state;
    const char *text = "127.0.0.1 localhost\n"
                       "# 198.18.1.9 commented.lab\n"
                       "198.18.1.2 first.lab alias\n"
                       "198.18.1.2 second-line.lab\n"
                       "198.18.1.3\tx3.lab # trailing comment\n"
                       "198.18.1.4\n"
                       "not-an-address name.lab\n"
                       "::1 ip6-localhost ip6-loopback\n"
                       "fd00:18:1::2 v6.lab";
    FILE *fp = fmemopen((void *)text, strlen(text), "r");
    struct hosts_file h;
    assert_int_equal(hosts_file_read(fp, &h), 0);
    fclose(fp);
    struct net_addr a;
    struct {
        const char *addr, *name;
    } cases[] = {
        {"127.0.0.1", "localhost"}, {"198.18.1.2", "first.lab"}, {"198.18.1.3", "x3.lab"},
        {"198.18.1.4", NULL},       {"198.18.1.9", NULL},        {"::1", "ip6-localhost"},
        {"fd00:18:1::2", "v6.lab"}, {"fd00:18:1::3", NULL},      {"127.0.0.2", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(net_addr_parse(cases[i].addr, AF_UNSPEC, &a), 0);
        const char *got = hosts_file_lookup(&h, &a);
        if (cases[i].name)
            assert_string_equal(got, cases[i].name);
        else
            assert_null(got);
    }
    hosts_file_free(&h);
    assert_int_equal(hosts_file_load("/nonexistent/hosts", &h), 0);
    assert_int_equal(h.n, 0);
}

/* The first line wins however many lines name the address. */
static void test_hosts_file_first_line_wins_at_scale(void **state)
{
    (void)state;
    size_t cap = 2000 * 40, n = 0;
    char *text = malloc(cap);
    for (int i = 0; i < 2000; i++)
        n += (size_t)snprintf(text + n, cap - n, "198.18.%d.%d h%d.lab\n", (i % 7), 1 + i % 5, i);
    FILE *fp = fmemopen(text, n, "r");
    struct hosts_file h;
    assert_int_equal(hosts_file_read(fp, &h), 0);
    fclose(fp);
    struct net_addr a;
    assert_int_equal(net_addr_parse("198.18.0.1", AF_INET, &a), 0);
    assert_string_equal(hosts_file_lookup(&h, &a), "h0.lab");
    assert_int_equal(net_addr_parse("198.18.6.2", AF_INET, &a), 0);
    assert_string_equal(hosts_file_lookup(&h, &a), "h6.lab");
    hosts_file_free(&h);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nameserver_lines),
        cmocka_unit_test(test_long_line_continuation_is_not_a_line),
        cmocka_unit_test(test_server_literals),
        cmocka_unit_test(test_list_dedupes_and_skips),
        cmocka_unit_test(test_load_prefers_dns_servers),
        cmocka_unit_test(test_hosts_file),
        cmocka_unit_test(test_hosts_file_first_line_wins_at_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
