// SPDX-License-Identifier: MIT
// The pure pieces of target handling: the spec parser, the exclusion set, the
// -iL tokenizer and the -iR generator.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "target/exclude.h"
#include "target/hostfile.h"
#include "target/randomip.h"
#include "target/targetspec.h"

static int count_members(const uint8_t set[32])
{
    int n = 0;
    for (unsigned v = 0; v < 256; v++)
        n += octet_set_has(set, v);
    return n;
}

static int parse(const char *s, int family, struct target_spec *ts, char *err)
{
    return target_spec_parse(s, family, ts, err, 256);
}

static void parses_octet_ranges(void **state)
{
    (void)state;
    struct target_spec ts;
    char err[256];
    assert_int_equal(parse("192.168.0-255.1,3,5-7", AF_INET, &ts, err), TSPEC_OK);
    assert_int_equal(ts.kind, TSPEC_V4_RANGES);
    assert_int_equal(count_members(ts.octets[2]), 256);
    assert_int_equal(count_members(ts.octets[3]), 5);
    assert_true(octet_set_has(ts.octets[3], 6));
    assert_false(octet_set_has(ts.octets[3], 4));
    assert_int_equal(parse("10.0.0.-", AF_INET, &ts, err), TSPEC_OK);
    assert_int_equal(count_members(ts.octets[3]), 256);
    assert_int_equal(parse("10.0.0.-5", AF_INET, &ts, err), TSPEC_OK);
    assert_int_equal(count_members(ts.octets[3]), 6);
    assert_int_equal(parse("10.0.0.250-", AF_INET, &ts, err), TSPEC_OK);
    assert_int_equal(count_members(ts.octets[3]), 6);
    assert_int_equal(parse("*.0.0.0001", AF_INET, &ts, err), TSPEC_OK);
    assert_int_equal(count_members(ts.octets[0]), 256);
    assert_true(octet_set_has(ts.octets[3], 1));
}

/* Forms nmap hands to the resolver (and which then fail or mean a name). */
static void bad_octets_are_hostnames(void **state)
{
    (void)state;
    const char *names[] = {"300.1.1.1",  "10.0.0.3-1",  "10.0.0.1-2-3", "10.0.0.+1", " 10.0.0.1",
                           "10.0.0.1.",  "10.0.0,.1",   "10.0.0.1,,2",  "1.2.3",     "10",
                           "[10.0.0.1]", "10.0.0.1%lo", "localhost",    ""};
    struct target_spec ts;
    char err[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_int_equal(parse(names[i], AF_INET, &ts, err), TSPEC_OK);
        assert_int_equal(ts.kind, TSPEC_HOSTNAME);
        assert_int_equal(ts.host_len, strlen(names[i]));
    }
}

static void netmask_rules(void **state)
{
    (void)state;
    struct target_spec ts;
    char err[256];
    assert_int_equal(parse("127.0.0.1/33", AF_INET, &ts, err), TSPEC_WARNING);
    assert_string_equal(err, "Illegal netmask in \"127.0.0.1/33\". Assuming /32 (one host)");
    assert_int_equal(count_members(ts.octets[3]), 1);
    assert_int_equal(parse("127.0.0.1/+24", AF_INET, &ts, err), TSPEC_ERROR);
    assert_string_equal(err, "Unable to split netmask from target expression: \"127.0.0.1/+24\"");
    assert_int_equal(parse("127.0.0.1/", AF_INET, &ts, err), TSPEC_ERROR);
    assert_int_equal(parse("127.0.0.1/-1", AF_INET, &ts, err), TSPEC_ERROR);
    assert_int_equal(parse("127.0.0.1/99999999999999999999", AF_INET, &ts, err), TSPEC_ERROR);
    assert_int_equal(parse("10.0.0.1/024", AF_INET, &ts, err), TSPEC_OK);
    assert_int_equal(ts.bits, 24);
    assert_int_equal(count_members(ts.octets[3]), 256);
    /* The last slash splits: the rest is a name. */
    assert_int_equal(parse("10.0.0.1/24/24", AF_INET, &ts, err), TSPEC_OK);
    assert_int_equal(ts.kind, TSPEC_HOSTNAME);
    assert_int_equal(ts.host_len, strlen("10.0.0.1/24"));
    /* A mask widens each octet's ranges: 1-2 under /23 becomes 0-3. */
    assert_int_equal(parse("10.0.1-2.3/23", AF_INET, &ts, err), TSPEC_OK);
    assert_int_equal(count_members(ts.octets[2]), 4);
    assert_int_equal(count_members(ts.octets[3]), 256);
    assert_int_equal(parse("example.org/28", AF_INET, &ts, err), TSPEC_OK);
    assert_int_equal(ts.kind, TSPEC_HOSTNAME);
    assert_int_equal(ts.bits, 28);
    assert_int_equal(ts.host_len, strlen("example.org"));
}

static void parses_ipv6(void **state)
{
    (void)state;
    struct target_spec ts;
    char err[256];
    uint8_t start[16], end[16], want[16];
    assert_int_equal(parse("fd00::fe/127", AF_INET6, &ts, err), TSPEC_OK);
    assert_int_equal(ts.kind, TSPEC_V6_BLOCK);
    target_v6_block(ts.v6, ts.bits, start, end);
    inet_pton(AF_INET6, "fd00::fe", want);
    assert_memory_equal(start, want, 16);
    inet_pton(AF_INET6, "fd00::ff", want);
    assert_memory_equal(end, want, 16);
    assert_int_equal(parse("fe80::1%lo", AF_INET6, &ts, err), TSPEC_OK);
    assert_int_equal(ts.kind, TSPEC_V6_BLOCK);
    assert_int_equal(ts.zone_len, 2);
    assert_memory_equal("lo", "fe80::1%lo" + ts.zone_off, 2);
    /* IPv4 mode still recognises IPv6 (the iterator reports it). */
    assert_int_equal(parse("::1/64", AF_INET, &ts, err), TSPEC_WARNING);
    assert_int_equal(ts.kind, TSPEC_V6_BLOCK);
    /* IPv6 mode: octet ranges are names, /129 is silently one host. */
    assert_int_equal(parse("10.0.0.1-3", AF_INET6, &ts, err), TSPEC_OK);
    assert_int_equal(ts.kind, TSPEC_HOSTNAME);
    assert_int_equal(parse("::1/129", AF_INET6, &ts, err), TSPEC_OK);
    target_v6_block(ts.v6, ts.bits, start, end);
    assert_memory_equal(start, end, 16);
    assert_int_equal(parse("fe80::1%", AF_INET6, &ts, err), TSPEC_OK);
    assert_int_equal(ts.kind, TSPEC_HOSTNAME);
}

static struct net_addr v4(const char *s)
{
    struct net_addr a;
    assert_int_equal(net_addr_parse(s, AF_INET, &a), 0);
    return a;
}

static void excludes_cidr_ranges_and_names(void **state)
{
    (void)state;
    struct exclude_set *set = exclude_new();
    char err[256];
    assert_int_equal(exclude_add_spec(set, "10.0.0.0/8", AF_INET, err, sizeof err), 0);
    assert_int_equal(exclude_add_spec(set, "192.168.1-2.*", AF_INET, err, sizeof err), 0);
    assert_int_equal(exclude_add_spec(set, "1.2.3", AF_INET, err, sizeof err), 0);
    assert_int_equal(exclude_add_spec(set, "localhost/31", AF_INET, err, sizeof err), 0);
    struct net_addr a = v4("10.255.255.255");
    assert_true(exclude_contains(set, &a));
    a = v4("11.0.0.0");
    assert_false(exclude_contains(set, &a));
    a = v4("9.255.255.255");
    assert_false(exclude_contains(set, &a));
    a = v4("192.168.2.77");
    assert_true(exclude_contains(set, &a));
    a = v4("192.168.3.77");
    assert_false(exclude_contains(set, &a));
    a = v4("1.2.0.3"); /* "1.2.3" is inet_aton's 1.2.0.3, as in nmap */
    assert_true(exclude_contains(set, &a));
    a = v4("127.0.0.0");
    assert_true(exclude_contains(set, &a));
    a = v4("127.0.0.2");
    assert_false(exclude_contains(set, &a));
    exclude_free(set);
}

static void exclude_errors_match_nmap(void **state)
{
    (void)state;
    struct exclude_set *set = exclude_new();
    char err[256];
    assert_int_equal(exclude_add_spec(set, "10.0.0.0/+1", AF_INET, err, sizeof err), -1);
    assert_string_equal(err, "Error parsing netmask in \"10.0.0.0/+1\".\n");
    assert_int_equal(exclude_add_spec(set, "1.2.3.4/33", AF_INET, err, sizeof err), -1);
    assert_string_equal(
        err, "Illegal netmask in \"1.2.3.4/33\". Must be smaller than address bit length.\n");
    assert_int_equal(exclude_add_spec(set, "10.0.0.1-5/33", AF_INET, err, sizeof err), -1);
    assert_string_equal(err, "Illegal netmask in \"10.0.0.1-5/33\". Must be between 0 and 32.\n");
    assert_int_equal(exclude_add_spec(set, "::1/129", AF_INET6, err, sizeof err), -1);
    /* An empty label fails inside the resolver library: no DNS traffic. */
    assert_int_equal(exclude_add_spec(set, "bad..name", AF_INET, err, sizeof err), -1);
    const char *want = "Error resolving name \"bad..name\": ";
    assert_true(strncmp(err, want, strlen(want)) == 0);
    exclude_free(set);
}

static void exclude_ipv6_and_mapped(void **state)
{
    (void)state;
    struct exclude_set *set = exclude_new();
    char err[256];
    struct net_addr a;
    assert_int_equal(exclude_add_spec(set, "fd00::/126", AF_INET6, err, sizeof err), 0);
    assert_int_equal(exclude_add_spec(set, "127.0.0.1", AF_INET6, err, sizeof err), 0);
    net_addr_parse("fd00::3", AF_INET6, &a);
    assert_true(exclude_contains(set, &a));
    net_addr_parse("fd00::4", AF_INET6, &a);
    assert_false(exclude_contains(set, &a));
    /* IPv4 entries live at ::ffff:0:0/96, as in nmap's trie. */
    net_addr_parse("::ffff:127.0.0.1", AF_INET6, &a);
    assert_true(exclude_contains(set, &a));
    exclude_free(set);
}

static void hostfile_tokens_and_comments(void **state)
{
    (void)state;
    const char text[] = "# comment 10.0.0.1\n10.0.0.2 10.0.0.3#c 10.0.0.4\n\t10.0.0.5#\r\n10.0.0.6";
    FILE *fp = fmemopen((void *)text, sizeof text - 1, "r");
    char buf[HOSTFILE_SPEC_MAX];
    const char *want[] = {"10.0.0.2", "10.0.0.3", "10.0.0.5", "10.0.0.6"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(hostfile_next(fp, buf, sizeof buf), strlen(want[i]));
        assert_string_equal(buf, want[i]);
    }
    assert_int_equal(hostfile_next(fp, buf, sizeof buf), 0);
    fclose(fp);
}

static void hostfile_reports_overlong_spec(void **state)
{
    (void)state;
    char text[1100];
    memset(text, 'a', sizeof text);
    FILE *fp = fmemopen(text, sizeof text, "r");
    char buf[HOSTFILE_SPEC_MAX];
    assert_true(hostfile_next(fp, buf, sizeof buf) >= sizeof buf);
    assert_int_equal(strlen(buf), sizeof buf - 1);
    fclose(fp);
}

static void random_ips_avoid_reserved(void **state)
{
    (void)state;
    const uint32_t key[4] = {1, 2, 3, 4};
    struct random_ip r;
    random_ip_seed(&r, key);
    uint32_t first = 0, v;
    for (int i = 0; i < 100000; i++) {
        assert_true(random_ip_next(&r, &v));
        if (i == 0) first = v;
        assert_false(random_ip_is_reserved(v));
        uint8_t o1 = v >> 24, o2 = (v >> 16) & 0xFF;
        assert_true(o1 != 0 && o1 != 10 && o1 != 127 && o1 < 224);
        assert_false(o1 == 172 && o2 >= 16 && o2 <= 31);
        assert_false(o1 == 192 && o2 == 168);
        assert_false(o1 == 169 && o2 == 254);
        assert_false(o1 == 100 && o2 >= 64 && o2 <= 127);
        assert_false(o1 == 198 && (o2 == 18 || o2 == 19));
    }
    assert_true(random_ip_is_reserved(0xC0000201u)); /* 192.0.2.1 */
    assert_true(random_ip_is_reserved(0xFFFFFFFFu));
    assert_false(random_ip_is_reserved(0x08080808u)); /* 8.8.8.8 */
    random_ip_seed(&r, key);                          /* same key, same sequence */
    assert_true(random_ip_next(&r, &v));
    assert_int_equal(v, first);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_octet_ranges),
        cmocka_unit_test(bad_octets_are_hostnames),
        cmocka_unit_test(netmask_rules),
        cmocka_unit_test(parses_ipv6),
        cmocka_unit_test(excludes_cidr_ranges_and_names),
        cmocka_unit_test(exclude_errors_match_nmap),
        cmocka_unit_test(exclude_ipv6_and_mapped),
        cmocka_unit_test(hostfile_tokens_and_comments),
        cmocka_unit_test(hostfile_reports_overlong_spec),
        cmocka_unit_test(random_ips_avoid_reserved),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
