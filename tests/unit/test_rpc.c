// SPDX-License-Identifier: MIT
// nmap-rpc parsing, the NULL call's exact bytes (RFC 5531 section 9 and the
// record marking of section 11), and reply parsing on well-formed and
// hostile replies. The replies below follow the RFC's layout and have the
// sizes Debian's rpcbind 1.2.6 sent to these calls in a network namespace:
// 36 bytes over TCP (32 over UDP) for PROG_MISMATCH 2..4 on program
// 100000, 28 (24) for PROG_UNAVAIL and for SUCCESS.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/rpc.h"

#define NMAP_RPC "/usr/share/nmap/nmap-rpc"

static struct rpc_db *parse(const char *text, char *err)
{
    return rpc_db_parse(text, strlen(text), "t.rpc", err, 256);
}

static void test_db_basic(void **state)
{
    (void)state;
    char err[256] = "";
    struct rpc_db *db = parse("# comment\n"
                              "\n"
                              "rpcbind\t\t100000\tportmap sunrpc # portmapper\n"
                              "  nfs 100003 nfsprog\r\n"
                              "walld 100008#no space before the comment\n"
                              "mountd\t100005\n"
                              "dup 100003 later line for nfs's number\n"
                              "big 4294967295",
                              err);
    assert_non_null(db);
    assert_string_equal(err, "");
    assert_int_equal(rpc_db_count(db), 5);
    assert_int_equal(rpc_db_program(db, 0), 100000);
    assert_int_equal(rpc_db_program(db, 1), 100003);
    assert_int_equal(rpc_db_program(db, 2), 100008);
    assert_int_equal(rpc_db_program(db, 3), 100005);
    assert_int_equal(rpc_db_program(db, 4), 4294967295u);
    assert_int_equal(rpc_db_program(db, 5), 0);
    assert_string_equal(rpc_db_name(db, 100000), "rpcbind");
    assert_string_equal(rpc_db_name(db, 100003), "nfs");
    assert_string_equal(rpc_db_name(db, 100008), "walld");
    assert_string_equal(rpc_db_name(db, 4294967295u), "big");
    assert_null(rpc_db_name(db, 100001));
    rpc_db_free(db);
}

static void test_db_empty(void **state)
{
    (void)state;
    char err[256];
    struct rpc_db *db = rpc_db_parse("", 0, "t.rpc", err, sizeof err);
    assert_non_null(db);
    assert_int_equal(rpc_db_count(db), 0);
    assert_null(rpc_db_name(db, 100000));
    rpc_db_free(db);
}

static void expect_error(const char *text, const char *msg)
{
    char err[256] = "";
    struct rpc_db *db = parse(text, err);
    assert_null(db);
    assert_string_equal(err, msg);
}

static void test_db_errors(void **state)
{
    (void)state;
    expect_error("a 1\nlonely\n", "t.rpc:2: program name without a number");
    expect_error("a 1\n\nb # 5\n", "t.rpc:3: program name without a number");
    expect_error("x 12ab\n", "t.rpc:1: program number is not a decimal number");
    expect_error("x -1\n", "t.rpc:1: program number is not a decimal number");
    expect_error("x 0x10\n", "t.rpc:1: program number is not a decimal number");
    expect_error("#\nx 4294967296\n", "t.rpc:2: program number out of range (0-4294967295)");
    expect_error("x 99999999999999999999999\n",
                 "t.rpc:1: program number out of range (0-4294967295)");
    char longname[200];
    memset(longname, 'n', 65);
    strcpy(longname + 65, " 7\n");
    expect_error(longname, "t.rpc:1: program name longer than 64 characters");
    char err[256] = "";
    assert_null(rpc_db_parse("a 1\nb\0 2\n", 9, "t.rpc", err, sizeof err));
    assert_string_equal(err, "t.rpc:2: NUL byte in line");
}

static void test_db_load_real_file(void **state)
{
    (void)state;
    char err[256] = "";
    struct rpc_db *db = rpc_db_load(NMAP_RPC, err, sizeof err);
    assert_non_null(db);
    /* nmap 7.93's file: 1695 lines name 1694 programs (351407 twice). */
    assert_int_equal(rpc_db_count(db), 1694);
    assert_int_equal(rpc_db_program(db, 0), 100000);
    assert_string_equal(rpc_db_name(db, 100000), "rpcbind");
    assert_string_equal(rpc_db_name(db, 100003), "nfs");
    assert_string_equal(rpc_db_name(db, 100005), "mountd");
    assert_string_equal(rpc_db_name(db, 100227), "nfs_acl");
    assert_string_equal(rpc_db_name(db, 351407), "csed");
    rpc_db_free(db);
    assert_null(rpc_db_load("/nonexistent/nmap-rpc", err, sizeof err));
    assert_string_equal(err, "/nonexistent/nmap-rpc: No such file or directory");
    assert_null(rpc_db_load("/", err, sizeof err));
}

static void test_build_null_call(void **state)
{
    (void)state;
    uint8_t buf[64];
    memset(buf, 0xAA, sizeof buf);
    static const uint8_t want_tcp[] = {
        0x80, 0x00, 0x00, 0x28, /* last fragment, 40 bytes */
        0x12, 0x34, 0x56, 0x78, /* xid */
        0, 0, 0, 0,             /* CALL */
        0, 0, 0, 2,             /* RPC version 2 */
        0x00, 0x01, 0x86, 0xA0, /* program 100000 */
        0x00, 0x00, 0x30, 0x39, /* version 12345 */
        0, 0, 0, 0,             /* procedure 0 (NULL) */
        0, 0, 0, 0, 0, 0, 0, 0, /* credential AUTH_NULL, empty */
        0, 0, 0, 0, 0, 0, 0, 0, /* verifier AUTH_NULL, empty */
    };
    assert_int_equal(rpc_build_null_call(buf, sizeof buf, 0x12345678, 100000, 12345, true), 44);
    assert_memory_equal(buf, want_tcp, sizeof want_tcp);
    assert_int_equal(buf[44], 0xAA);
    assert_int_equal(rpc_build_null_call(buf, sizeof buf, 0x12345678, 100000, 12345, false), 40);
    assert_memory_equal(buf, want_tcp + 4, 40);
    /* Too small: nothing written. */
    memset(buf, 0xAA, sizeof buf);
    assert_int_equal(rpc_build_null_call(buf, 43, 1, 2, 3, true), 0);
    assert_int_equal(rpc_build_null_call(buf, 39, 1, 2, 3, false), 0);
    assert_int_equal(buf[0], 0xAA);
    assert_int_equal(rpc_build_null_call(NULL, 64, 1, 2, 3, false), 0);
}

/* A reply: record mark (when tcp), xid, REPLY, then the words given. */
static size_t reply(uint8_t *out, bool tcp, uint32_t xid, const uint32_t *words, size_t n)
{
    size_t off = tcp ? 4 : 0, len = 8 + 4 * n;
    uint32_t all[64];
    all[0] = xid;
    all[1] = 1;
    memcpy(all + 2, words, n * 4);
    for (size_t i = 0; i < n + 2; i++) {
        out[off + 4 * i] = (uint8_t)(all[i] >> 24);
        out[off + 4 * i + 1] = (uint8_t)(all[i] >> 16);
        out[off + 4 * i + 2] = (uint8_t)(all[i] >> 8);
        out[off + 4 * i + 3] = (uint8_t)all[i];
    }
    if (tcp) {
        out[0] = 0x80;
        out[1] = (uint8_t)(len >> 16);
        out[2] = (uint8_t)(len >> 8);
        out[3] = (uint8_t)len;
    }
    return off + len;
}

static const uint32_t mismatch_words[] = {0, 0, 0, 2, 2, 4}; /* accepted, AUTH_NULL, 2..4 */

static void test_parse_accepted(void **state)
{
    (void)state;
    uint8_t b[256];
    struct rpc_reply r;
    for (int tcp = 0; tcp < 2; tcp++) {
        size_t n = reply(b, tcp, 77, mismatch_words, 6);
        assert_int_equal(n, tcp ? 36 : 32);
        assert_true(rpc_parse_reply(b, n, tcp, 77, &r));
        assert_int_equal(r.kind, RPC_REPLY_PROG_MISMATCH);
        assert_int_equal(r.low, 2);
        assert_int_equal(r.high, 4);

        static const uint32_t unavail[] = {0, 0, 0, 1};
        n = reply(b, tcp, 78, unavail, 4);
        assert_int_equal(n, tcp ? 28 : 24);
        assert_true(rpc_parse_reply(b, n, tcp, 78, &r));
        assert_int_equal(r.kind, RPC_REPLY_PROG_UNAVAIL);

        static const uint32_t success[] = {0, 0, 0, 0};
        n = reply(b, tcp, 79, success, 4);
        assert_true(rpc_parse_reply(b, n, tcp, 79, &r));
        assert_int_equal(r.kind, RPC_REPLY_SUCCESS);

        /* PROC_UNAVAIL, GARBAGE_ARGS, SYSTEM_ERR. */
        for (uint32_t st = 3; st <= 5; st++) {
            uint32_t w[] = {0, 0, 0, st};
            n = reply(b, tcp, 80, w, 4);
            assert_true(rpc_parse_reply(b, n, tcp, 80, &r));
            assert_int_equal(r.kind, RPC_REPLY_OTHER_ERROR);
        }
    }
}

static void test_parse_verifier_is_skipped(void **state)
{
    (void)state;
    uint8_t b[256];
    struct rpc_reply r;
    /* AUTH_SHORT-style verifier of 5 bytes, padded to 8. */
    static const uint32_t w[] = {0, 2, 5, 0x41424344, 0x45000000, 2, 3, 7};
    size_t n = reply(b, false, 5, w, 8);
    assert_true(rpc_parse_reply(b, n, false, 5, &r));
    assert_int_equal(r.kind, RPC_REPLY_PROG_MISMATCH);
    assert_int_equal(r.low, 3);
    assert_int_equal(r.high, 7);
    /* Verifier longer than the 400 bytes RFC 5531 allows. */
    static const uint32_t big[] = {0, 0, 404, 0};
    n = reply(b, false, 5, big, 4);
    assert_false(rpc_parse_reply(b, n, false, 5, &r));
    assert_int_equal(r.kind, RPC_REPLY_INVALID);
    /* A verifier length that runs past the end. */
    static const uint32_t past[] = {0, 0, 16, 0};
    n = reply(b, false, 5, past, 4);
    assert_false(rpc_parse_reply(b, n, false, 5, &r));
    static const uint32_t huge[] = {0, 0, 0xFFFFFFFF, 0};
    n = reply(b, false, 5, huge, 4);
    assert_false(rpc_parse_reply(b, n, false, 5, &r));
}

static void test_parse_denied(void **state)
{
    (void)state;
    uint8_t b[256];
    struct rpc_reply r;
    static const uint32_t rpc_mismatch[] = {1, 0, 2, 2};
    size_t n = reply(b, false, 9, rpc_mismatch, 4);
    assert_true(rpc_parse_reply(b, n, false, 9, &r));
    assert_int_equal(r.kind, RPC_REPLY_OTHER_ERROR);
    static const uint32_t auth_error[] = {1, 1, 2};
    n = reply(b, true, 9, auth_error, 3);
    assert_true(rpc_parse_reply(b, n, true, 9, &r));
    assert_int_equal(r.kind, RPC_REPLY_OTHER_ERROR);
    static const uint32_t bad_reject[] = {1, 7, 0};
    n = reply(b, false, 9, bad_reject, 3);
    assert_false(rpc_parse_reply(b, n, false, 9, &r));
    static const uint32_t bad_stat[] = {2, 0, 0, 0};
    n = reply(b, false, 9, bad_stat, 4);
    assert_false(rpc_parse_reply(b, n, false, 9, &r));
}

static void test_parse_hostile(void **state)
{
    (void)state;
    uint8_t b[256];
    struct rpc_reply r = {.kind = RPC_REPLY_SUCCESS};
    size_t n = reply(b, false, 42, mismatch_words, 6);
    /* Wrong xid, a CALL instead of a REPLY, unknown accept state. */
    assert_false(rpc_parse_reply(b, n, false, 43, &r));
    assert_int_equal(r.kind, RPC_REPLY_INVALID);
    b[7] = 0;
    assert_false(rpc_parse_reply(b, n, false, 42, &r));
    b[7] = 1;
    static const uint32_t odd_accept[] = {0, 0, 0, 6};
    size_t m = reply(b + 100, false, 42, odd_accept, 4);
    assert_false(rpc_parse_reply(b + 100, m, false, 42, &r));
    /* Every truncation of a valid reply is rejected, with heap-exact
     * buffers so a read past the end would be caught by ASan. */
    for (int tcp = 0; tcp < 2; tcp++) {
        n = reply(b, tcp, 42, mismatch_words, 6);
        for (size_t cut = 0; cut < n; cut++) {
            uint8_t *p = malloc(cut ? cut : 1);
            memcpy(p, b, cut);
            assert_false(rpc_parse_reply(p, cut, tcp, 42, &r));
            free(p);
        }
        assert_true(rpc_parse_reply(b, n, tcp, 42, NULL));
    }
    /* TCP: a mark that is not the last fragment, or promises more bytes
     * than there are; a shorter mark bounds the parse. */
    n = reply(b, true, 42, mismatch_words, 6);
    b[0] = 0x00;
    assert_false(rpc_parse_reply(b, n, true, 42, &r));
    b[0] = 0x80;
    b[3]++;
    assert_false(rpc_parse_reply(b, n, true, 42, &r));
    b[3] -= 5; /* the version range no longer fits in the record */
    assert_false(rpc_parse_reply(b, n, true, 42, &r));
    assert_false(rpc_parse_reply(NULL, 100, false, 42, &r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_db_basic),
        cmocka_unit_test(test_db_empty),
        cmocka_unit_test(test_db_errors),
        cmocka_unit_test(test_db_load_real_file),
        cmocka_unit_test(test_build_null_call),
        cmocka_unit_test(test_parse_accepted),
        cmocka_unit_test(test_parse_verifier_is_skipped),
        cmocka_unit_test(test_parse_denied),
        cmocka_unit_test(test_parse_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
