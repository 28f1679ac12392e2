// SPDX-License-Identifier: MIT
// nmap-payloads parsing: Debian's file as nmap 7.93 reads it (all entries,
// several payloads for one port, "source" keywords), every escape, and a
// "label:line: what" error for each kind of malformed input.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/payloads.h"

#define SYSTEM_FILE "/usr/share/nmap/nmap-payloads"

static struct payload_db *parse(const char *text, char *err, size_t errlen)
{
    return payloads_parse(text, strlen(text), "p", err, errlen);
}

static void test_system_file(void **state)
{
    (void)state;
    char err[512];
    struct payload_db *db = payloads_load(SYSTEM_FILE, err, sizeof err);
    assert_non_null(db);
    /* Debian's nmap 7.93 file: 63 entries (see the behaviour notes). */
    assert_int_equal(payloads_entries(db), 63);
    size_t len;
    const uint8_t *p = payloads_get(db, 7, 0, &len);
    assert_non_null(p);
    assert_int_equal(len, 4);
    assert_memory_equal(p, "\r\n\r\n", 4);
    /* nmap sends two datagrams to 53, as its packet trace shows (12 and
     * 30 bytes of payload). */
    assert_int_equal(payloads_count(db, 53), 2);
    assert_non_null(payloads_get(db, 53, 0, &len));
    assert_int_equal(len, 12);
    assert_non_null(payloads_get(db, 53, 1, &len));
    assert_int_equal(len, 30);
    assert_null(payloads_get(db, 53, 2, &len));
    /* Ranges: 111,2049,4045,32768-65535. */
    assert_true(payloads_count(db, 40000) >= 1);
    assert_int_equal(payloads_count(db, 9), 0);
    payloads_free(db);
}

static void test_syntax(void **state)
{
    (void)state;
    char err[128];
    struct payload_db *db = parse("# comment\n"
                                  "udp 1,3-4 \"a\\x41\\x4\" # trailing\n"
                                  "  \"\\0\\101\\r\\n\\t\\\\\\\"\"\n"
                                  "source 500 anything here\n"
                                  "udp 3\n\"\"\n"
                                  "udp 65535 \"z\" futurekeyword \"not a payload\"\n",
                                  err, sizeof err);
    assert_non_null(db);
    assert_int_equal(payloads_entries(db), 3);
    size_t len;
    const uint8_t *p = payloads_get(db, 4, 0, &len);
    assert_non_null(p);
    static const uint8_t want[] = {'a', 'A', 4, 0, 'A', '\r', '\n', '\t', '\\', '"'};
    assert_int_equal(len, sizeof want);
    assert_memory_equal(p, want, sizeof want);
    assert_int_equal(payloads_count(db, 2), 0);
    assert_int_equal(payloads_count(db, 3), 2);
    assert_non_null(payloads_get(db, 3, 1, &len));
    assert_int_equal(len, 0);
    assert_int_equal(payloads_count(db, 65535), 1);
    payloads_free(db);
    /* A port named twice in one entry has that entry's payload once. */
    db = parse("udp 5,5,1-9,4-6 \"x\"", err, sizeof err);
    assert_non_null(db);
    assert_int_equal(payloads_count(db, 5), 1);
    assert_int_equal(payloads_count(db, 9), 1);
    assert_non_null(payloads_get(db, 5, 0, &len));
    assert_null(payloads_get(db, 5, 1, &len));
    payloads_free(db);
    /* An empty file is an empty database. */
    db = parse("", err, sizeof err);
    assert_non_null(db);
    assert_int_equal(payloads_entries(db), 0);
    payloads_free(db);
}

static void test_errors(void **state)
{
    (void)state;
    const struct {
        const char *text, *err;
    } cases[] = {
        {"tcp 1 \"a\"\n", "p:1: expected \"udp\" (the only protocol)"},
        {"\n\nudp\n", "p:4: expected a port list after \"udp\""},
        {"udp 70000 \"a\"", "p:1: port number above 65535"},
        {"udp 9-3 \"a\"", "p:1: port range is backwards"},
        {"udp 1,,2 \"a\"", "p:1: bad port list"},
        {"udp 1, \"a\"", "p:1: bad port list"},
        {"udp x \"a\"", "p:1: bad port list"},
        {"udp 1\n\n", "p:3: expected a quoted payload"},
        {"udp 1 \"abc", "p:1: unterminated string"},
        {"udp 1 \"abc\ndef\"", "p:1: unterminated string"},
        {"udp 1 \"\\q\"", "p:1: unknown escape in string"},
        {"udp 1 \"\\xg\"", "p:1: \\x without hex digits"},
        {"udp 1 \"\\777\"", "p:1: octal escape above \\377"},
        {"udp 1 \"\\", "p:1: unterminated string"},
        {"\"loose\"", "p:1: unexpected character"},
        {"udp 1 \"a\"\nsource 5\n\"b\"\n", "p:3: quoted string outside an entry's payload"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[128] = "";
        struct payload_db *db = parse(cases[i].text, err, sizeof err);
        if (db) fail_msg("accepted: %s", cases[i].text);
        assert_string_equal(err, cases[i].err);
    }
}

static void test_limits(void **state)
{
    (void)state;
    char err[128];
    /* 1400 bytes fit; one more is refused. */
    enum { n = 1400 };
    /* A static buffer: with a malloc'd one GCC's -Warray-bounds (sanitizer
     * build) cannot see that the allocation succeeded. */
    static char text[n + 32];
    int off = sprintf(text, "udp 1 \"");
    memset(text + off, 'x', n);
    strcpy(text + off + n, "\"");
    struct payload_db *db = parse(text, err, sizeof err);
    assert_non_null(db);
    payloads_free(db);
    memset(text + off, 'x', n + 1);
    strcpy(text + off + n + 1, "\"");
    assert_null(parse(text, err, sizeof err));
    assert_string_equal(err, "p:1: payload longer than 1400 bytes");
    /* At most 255 payloads for one port. */
    char *many = malloc(256 * 16 + 1);
    assert_non_null(many);
    many[0] = '\0';
    for (int i = 0; i < 256; i++)
        strcat(many, "udp 5 \"a\"\n");
    assert_null(parse(many, err, sizeof err));
    assert_string_equal(err, "p:256: more than 255 payloads for one port");
    free(many);
    /* A missing file names itself. */
    assert_null(payloads_load("/nonexistent/nmap-payloads", err, sizeof err));
    assert_string_equal(err, "/nonexistent/nmap-payloads: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_system_file),
        cmocka_unit_test(test_syntax),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
