// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/protocols.h"

#define SYSTEM_FILE "/usr/share/nmap/nmap-protocols"

static struct protocols_db *parse(const char *text, char *err, size_t errlen)
{
    return protocols_parse(text, strlen(text), "t", err, errlen);
}

static void reads_names_numbers_and_comments(void **state)
{
    (void)state;
    char err[256] = "";
    struct protocols_db *db = parse("# header\n\nhopopt 0 # IPv6 Hop-by-Hop\r\n"
                                    "icmp\t1\t# Internet Control Message\n"
                                    "  tcp 6\n"
                                    "a/n 107  # Active Networks\n"
                                    "experimental2 254",
                                    err, sizeof err);
    assert_non_null(db);
    assert_int_equal(protocols_count(db), 5);
    assert_string_equal(protocols_name(db, 0), "hopopt");
    assert_string_equal(protocols_name(db, 1), "icmp");
    assert_string_equal(protocols_name(db, 6), "tcp");
    assert_string_equal(protocols_name(db, 107), "a/n");
    assert_string_equal(protocols_name(db, 254), "experimental2");
    assert_null(protocols_name(db, 2));
    assert_null(protocols_name(db, 255));
    const char *const *all = protocols_names(db);
    assert_string_equal(all[6], "tcp");
    assert_null(all[7]);
    protocols_free(db);
}

static void first_name_of_a_number_stays(void **state)
{
    (void)state;
    char err[256] = "";
    struct protocols_db *db = parse("tcp 6\nother 6\n", err, sizeof err);
    assert_non_null(db);
    assert_int_equal(protocols_count(db), 1);
    assert_string_equal(protocols_name(db, 6), "tcp");
    protocols_free(db);
}

static void expect_error(const char *text, const char *want)
{
    char err[256] = "";
    struct protocols_db *db = parse(text, err, sizeof err);
    if (db) fail_msg("accepted: %s", text);
    if (strcmp(err, want) != 0) fail_msg("for %s: got \"%s\", want \"%s\"", text, err, want);
}

static void rejects_malformed_lines(void **state)
{
    (void)state;
    expect_error("tcp 6\nudp 256\n", "t:2: protocol number above 255");
    expect_error("tcp 99999999999999999999\n", "t:1: protocol number above 255");
    expect_error("tcp\n", "t:1: no blank after the protocol name");
    expect_error("tcp   \n", "t:1: no protocol number");
    expect_error("tcp x\n", "t:1: no protocol number");
    expect_error("tcp 6x\n", "t:1: unexpected text after the protocol number");
    expect_error("tcp 6# x\n", "t:1: unexpected text after the protocol number");
    expect_error("tcp 6 7\n", "t:1: unexpected text after the protocol number");
    expect_error("\n\n\x01tcp 6\n", "t:3: bad character in the protocol name");
    expect_error("tc\x7fp 6\n", "t:1: no blank after the protocol name");
    char nul[] = "tcp 6\nud\0p 17\n";
    char err[256] = "";
    assert_null(protocols_parse(nul, sizeof nul - 1, "t", err, sizeof err));
    assert_string_equal(err, "t:2: NUL byte in the line");
    char longname[PROTOCOLS_NAME_MAX + 8];
    memset(longname, 'a', PROTOCOLS_NAME_MAX + 1);
    strcpy(longname + PROTOCOLS_NAME_MAX + 1, " 5\n");
    expect_error(longname, "t:1: protocol name longer than 63 bytes");
}

static void empty_input_is_an_empty_table(void **state)
{
    (void)state;
    char err[64] = "";
    struct protocols_db *db = protocols_parse("", 0, "t", err, sizeof err);
    assert_non_null(db);
    assert_int_equal(protocols_count(db), 0);
    assert_null(protocols_name(db, 1));
    protocols_free(db);
    assert_null(protocols_name(NULL, 1));
    assert_null(protocols_names(NULL));
}

/* The file nmap 7.93 ships: the names -sO prints. */
static void loads_the_system_file(void **state)
{
    (void)state;
    FILE *f = fopen(SYSTEM_FILE, "r");
    if (!f) skip();
    fclose(f);
    char err[512] = "";
    struct protocols_db *db = protocols_load(SYSTEM_FILE, err, sizeof err);
    if (!db) fail_msg("%s", err);
    assert_true(protocols_count(db) > 140);
    assert_string_equal(protocols_name(db, 1), "icmp");
    assert_string_equal(protocols_name(db, 2), "igmp");
    assert_string_equal(protocols_name(db, 17), "udp");
    assert_string_equal(protocols_name(db, 47), "gre");
    assert_string_equal(protocols_name(db, 132), "sctp");
    assert_null(protocols_name(db, 255));
    protocols_free(db);
}

static void missing_file_is_an_error(void **state)
{
    (void)state;
    char err[512] = "";
    assert_null(protocols_load("/nonexistent/nmap-protocols", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/nmap-protocols"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_names_numbers_and_comments),
        cmocka_unit_test(first_name_of_a_number_stays),
        cmocka_unit_test(rejects_malformed_lines),
        cmocka_unit_test(empty_input_is_an_empty_table),
        cmocka_unit_test(loads_the_system_file),
        cmocka_unit_test(missing_file_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
