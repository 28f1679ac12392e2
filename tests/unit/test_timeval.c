// SPDX-License-Identifier: MIT
// Time values (nmap's <time> arguments) and output file name expansion.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/outname.h"
#include "cli/plan.h"
#include "cli/timeval.h"

static void test_plain_number_is_seconds(void **state)
{
    (void)state;
    assert_int_equal(parse_time_value("30"), 30000000);
    assert_int_equal(parse_time_value("0"), 0);
    assert_int_equal(parse_time_value("0.25"), 250000);
}

static void test_units(void **state)
{
    (void)state;
    assert_int_equal(parse_time_value("500ms"), 500000);
    assert_int_equal(parse_time_value("2s"), 2000000);
    assert_int_equal(parse_time_value("1.5m"), 90000000);
    assert_int_equal(parse_time_value("1h"), 3600000000LL);
    assert_int_equal(parse_time_value("250MS"), 250000); /* units ignore case, as nmap */
    assert_int_equal(parse_time_value("3H"), 3 * 3600000000LL);
}

static void test_malformed(void **state)
{
    (void)state;
    assert_int_equal(parse_time_value(NULL), -1);
    assert_int_equal(parse_time_value(""), -1);
    assert_int_equal(parse_time_value("abc"), -1);
    assert_int_equal(parse_time_value("ms"), -1);
    assert_int_equal(parse_time_value("5x"), -1);
    assert_int_equal(parse_time_value("5 s"), -1);
    assert_int_equal(parse_time_value("5msec"), -1);
    assert_int_equal(parse_time_value("-1"), -1);
    assert_int_equal(parse_time_value("nan"), -1);
    assert_int_equal(parse_time_value("inf"), -1);
    assert_int_equal(parse_time_value("1e300"), -1);
    assert_int_equal(parse_time_value("1e400"), -1);
}

static void test_msecs_truncate_like_nmap(void **state)
{
    (void)state;
    assert_int_equal(tval_msecs("4.9ms"), 4);
    assert_int_equal(tval_msecs("1.5"), 1500);
    assert_int_equal(tval_msecs("-2"), -2000);
    assert_int_equal(tval_msecs("junk"), -1);
}

static void test_unit_presence(void **state)
{
    (void)state;
    double secs;
    bool unit = true;
    assert_true(tval_parse("60", &secs, &unit));
    assert_false(unit);
    assert_true(tval_parse("60s", &secs, &unit));
    assert_true(unit);
    assert_true(secs == 60.0);
    assert_false(tval_parse("60q", &secs, &unit));
}

static const struct tm fixed_tm = {
    .tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 22, .tm_hour = 9, .tm_min = 5, .tm_sec = 7};

static void expect_expansion(const char *pattern, const char *expected)
{
    char *got = outname_expand(pattern, &fixed_tm);
    assert_non_null(got);
    assert_string_equal(got, expected);
    free(got);
}

static void test_filename_expansion(void **state)
{
    (void)state;
    expect_expansion("scan-%Y%m%d.xml", "scan-20261122.xml");
    expect_expansion("%H:%M:%S", "09:05:07");
    expect_expansion("%T-%R-%D-%y", "090507-0905-112226-26");
    expect_expansion("a%xb%%c", "axb%c"); /* unknown escapes keep the letter */
    expect_expansion("trailing%", "trailing");
    expect_expansion("plain", "plain");
    expect_expansion("", "");
}

static void test_filename_expansion_long(void **state)
{
    (void)state;
    char pattern[301];
    char expected[901];
    for (int i = 0; i < 150; i++)
        memcpy(pattern + 2 * i, "%T", 2);
    pattern[300] = '\0';
    for (int i = 0; i < 150; i++)
        memcpy(expected + 6 * i, "090507", 6);
    expected[900] = '\0';
    expect_expansion(pattern, expected);
}

static void test_filename_checks(void **state)
{
    (void)state;
    char msg[256];
    assert_null(outname_check("out.xml", "oX", msg, sizeof msg));
    assert_null(outname_check("-", "oX", msg, sizeof msg));
    assert_non_null(outname_check("-foo", "oN", msg, sizeof msg));
    assert_string_equal(msg, "Output filename begins with '-'. Try '-oN ./-foo' if you really "
                             "want it to be named as such.");
    assert_non_null(outname_check("G-", "o", msg, sizeof msg));
    assert_string_equal(msg, "You are using a deprecated option in a dangerous way. Did you "
                             "mean: -oG -");
    assert_null(outname_check("Jfile", "o", msg, sizeof msg));
    assert_null(outname_check("", "o", msg, sizeof msg));
    assert_non_null(outname_check("-", "oA", msg, sizeof msg));
    assert_string_equal(msg, "Cannot display multiple output types to stdout.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_number_is_seconds),
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_msecs_truncate_like_nmap),
        cmocka_unit_test(test_unit_presence),
        cmocka_unit_test(test_filename_expansion),
        cmocka_unit_test(test_filename_expansion_long),
        cmocka_unit_test(test_filename_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
