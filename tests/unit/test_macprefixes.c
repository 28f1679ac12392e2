// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/macprefixes.h"

#define SYSTEM_FILE "/usr/share/nmap/nmap-mac-prefixes"

static struct mac_prefixes *parse(const char *text, char *err, size_t errlen)
{
    return macprefixes_parse(text, strlen(text), "t", err, errlen);
}

static void finds_vendors_and_longest_prefix(void **state)
{
    (void)state;
    char err[256] = "";
    struct mac_prefixes *db = parse("# comment\n\n005056 VMware\r\n"
                                    "0050C2 IEEE Registration Authority  \n"
                                    "0050C2A Longer Prefix Co\n"
                                    "0050C2A1B2 Longest\tName\n",
                                    err, sizeof err);
    assert_non_null(db);
    assert_int_equal(macprefixes_count(db), 4);
    const uint8_t vm[6] = {0x00, 0x50, 0x56, 0xc0, 0x00, 0x01};
    const uint8_t ieee[6] = {0x00, 0x50, 0xc2, 0x10, 0, 0};
    const uint8_t longer[6] = {0x00, 0x50, 0xc2, 0xa0, 0, 0};
    const uint8_t longest[6] = {0x00, 0x50, 0xc2, 0xa1, 0xb2, 0xff};
    const uint8_t none[6] = {0x02, 0x00, 0x00, 0, 0, 0};
    assert_string_equal(macprefixes_vendor(db, vm), "VMware");
    assert_string_equal(macprefixes_vendor(db, ieee), "IEEE Registration Authority");
    assert_string_equal(macprefixes_vendor(db, longer), "Longer Prefix Co");
    /* a tab inside a name would read as a field separator in -oG */
    assert_string_equal(macprefixes_vendor(db, longest), "Longest Name");
    assert_null(macprefixes_vendor(db, none));
    macprefixes_free(db);
}

static void expect_error(const char *text, const char *want)
{
    char err[256] = "";
    struct mac_prefixes *db = parse(text, err, sizeof err);
    assert_null(db);
    assert_string_equal(err, want);
}

static void reports_file_and_line(void **state)
{
    (void)state;
    expect_error("005056 VMware\nXYZ Bad\n", "t:2: prefix must be 6 to 12 hex digits");
    expect_error("#\n00505\n", "t:2: prefix must be 6 to 12 hex digits");
    expect_error("005056\n", "t:1: no blank after the prefix");
    expect_error("005056   \n", "t:1: no vendor name");
    expect_error("00505612345678 Long\n", "t:1: prefix longer than 12 hex digits");
    expect_error("005056x Vendor\n", "t:1: no blank after the prefix");
    expect_error("\n\n005056 Ven\001dor\n", "t:3: control character in the vendor name");
    char big[400];
    memset(big, 'a', sizeof big);
    memcpy(big, "005056 ", 7);
    big[sizeof big - 1] = '\0';
    expect_error(big, "t:1: vendor name longer than 255 bytes");
    char nul[] = "005056 A\0B\n";
    char err[128] = "";
    assert_null(macprefixes_parse(nul, sizeof nul - 1, "t", err, sizeof err));
    assert_string_equal(err, "t:1: NUL byte in the line");
}

static void empty_and_unterminated(void **state)
{
    (void)state;
    char err[64] = "";
    struct mac_prefixes *db = macprefixes_parse("", 0, "t", err, sizeof err);
    assert_non_null(db);
    assert_int_equal(macprefixes_count(db), 0);
    const uint8_t mac[6] = {0};
    assert_null(macprefixes_vendor(db, mac));
    macprefixes_free(db);
    /* No newline at the end, and the length, not a NUL, ends the text. */
    const char text[] = "005056 VMwareXXXX";
    db = macprefixes_parse(text, 13, "t", err, sizeof err);
    assert_non_null(db);
    const uint8_t vm[6] = {0x00, 0x50, 0x56, 1, 2, 3};
    assert_string_equal(macprefixes_vendor(db, vm), "VMware");
    macprefixes_free(db);
}

static void loads_nmaps_file(void **state)
{
    (void)state;
    char err[256] = "";
    struct mac_prefixes *db = macprefixes_load(SYSTEM_FILE, err, sizeof err);
    assert_non_null(db);
    assert_true(macprefixes_count(db) > 30000);
    const uint8_t vm[6] = {0x00, 0x50, 0x56, 0, 9, 2};
    assert_string_equal(macprefixes_vendor(db, vm), "VMware");
    const uint8_t local[6] = {0x46, 0x6a, 0x65, 0xdf, 0xc0, 0x80};
    assert_null(macprefixes_vendor(db, local));
    macprefixes_free(db);
    assert_null(macprefixes_load("/nonexistent/mac", err, sizeof err));
    assert_string_equal(err, "/nonexistent/mac: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_vendors_and_longest_prefix),
        cmocka_unit_test(reports_file_and_line),
        cmocka_unit_test(empty_and_unterminated),
        cmocka_unit_test(loads_nmaps_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
