// SPDX-License-Identifier: MIT
// The RPC grinding state machine against a model RPC server that answers
// NULL calls the way RFC 5531 servers (and Debian's rpcbind, checked in a
// network namespace) do: PROG_UNAVAIL for a program it does not serve,
// PROG_MISMATCH with its version range for one it serves at another
// version. Replies go back whole, split into single bytes, split into
// record fragments, reordered, lost, duplicated or replaced by garbage.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "service/rpcgrind.h"

static struct rpc_db *nmap_rpc;

static int load_db(void **state)
{
    (void)state;
    char err[256];
    nmap_rpc = rpc_db_load("/usr/share/nmap/nmap-rpc", err, sizeof err);
    return nmap_rpc ? 0 : -1;
}

static int free_db(void **state)
{
    (void)state;
    rpc_db_free(nmap_rpc);
    return 0;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

struct served {
    uint32_t program, low, high;
};

struct call {
    uint32_t xid, program, version;
};

/* Decodes a call independently of the code under test. */
static struct call decode_call(const uint8_t *b, size_t n, bool tcp)
{
    size_t off = tcp ? 4 : 0;
    assert_int_equal(n, off + 40);
    if (tcp) assert_int_equal(be32(b), 0x80000000u | 40);
    assert_int_equal(be32(b + off + 4), 0);  /* CALL */
    assert_int_equal(be32(b + off + 8), 2);  /* RPC v2 */
    assert_int_equal(be32(b + off + 20), 0); /* NULL procedure */
    for (int i = 0; i < 4; i++)
        assert_int_equal(be32(b + off + 24 + 4 * i), 0); /* AUTH_NULL x2 */
    return (struct call){be32(b + off), be32(b + off + 12), be32(b + off + 16)};
}

/* The server's reply message (without record mark). */
static size_t answer(const struct call *c, const struct served *sv, size_t nsv, uint8_t *out)
{
    put32(out, c->xid);
    put32(out + 4, 1);  /* REPLY */
    put32(out + 8, 0);  /* MSG_ACCEPTED */
    put32(out + 12, 0); /* verifier AUTH_NULL */
    put32(out + 16, 0);
    for (size_t i = 0; i < nsv; i++) {
        if (sv[i].program != c->program) continue;
        if (c->version >= sv[i].low && c->version <= sv[i].high) {
            put32(out + 20, 0); /* SUCCESS */
            return 24;
        }
        put32(out + 20, 2); /* PROG_MISMATCH */
        put32(out + 24, sv[i].low);
        put32(out + 28, sv[i].high);
        return 32;
    }
    put32(out + 20, 1); /* PROG_UNAVAIL */
    return 24;
}

static size_t with_mark(const uint8_t *msg, size_t n, uint8_t *out)
{
    put32(out, 0x80000000u | (uint32_t)n);
    memcpy(out + 4, msg, n);
    return n + 4;
}

struct run {
    size_t rounds, calls;
    uint32_t first_xid, version;
    uint32_t programs[2000];
};

/* Drives g to the end against the model server: each round sends every
 * call the grinder offers and feeds back the replies, TCP in pieces of
 * `piece` bytes (0: whole), UDP in reverse order when `reverse`. */
static void drive(struct rpcgrind *g, bool tcp, const struct served *sv, size_t nsv, size_t piece,
                  bool reverse, struct run *run)
{
    memset(run, 0, sizeof *run);
    static uint8_t replies[RPCGRIND_WINDOW * 2][64];
    size_t lens[RPCGRIND_WINDOW * 2];
    while (!rpcgrind_done(g)) {
        assert_true(++run->rounds < 10000);
        uint8_t call[RPCGRIND_CALL_MAX];
        size_t n, k = 0;
        while ((n = rpcgrind_next_call(g, call, sizeof call)) > 0) {
            assert_true(k < RPCGRIND_WINDOW);
            struct call c = decode_call(call, n, tcp);
            if (run->calls == 0) {
                run->first_xid = c.xid;
                run->version = c.version;
            }
            /* xids count up from the first; the bogus version never changes. */
            assert_int_equal(c.xid, run->first_xid + (uint32_t)run->calls);
            assert_int_equal(c.version, run->version);
            run->programs[run->calls++] = c.program;
            uint8_t msg[64];
            size_t m = answer(&c, sv, nsv, msg);
            lens[k] = tcp ? with_mark(msg, m, replies[k]) : m;
            if (!tcp) memcpy(replies[k], msg, m);
            k++;
        }
        assert_true(k > 0); /* the grinder never stalls with nothing in flight */
        for (size_t j = 0; j < k; j++) {
            size_t i = reverse ? k - 1 - j : j;
            if (!tcp || piece == 0) {
                rpcgrind_feed_reply(g, replies[i], lens[i]);
                continue;
            }
            for (size_t off = 0; off < lens[i]; off += piece)
                rpcgrind_feed_reply(g, replies[i] + off,
                                    lens[i] - off < piece ? lens[i] - off : piece);
        }
    }
    assert_int_equal(rpcgrind_calls_sent(g), run->calls);
}

static void test_finds_rpcbind_tcp(void **state)
{
    (void)state;
    const struct served sv[] = {{100000, 2, 4}};
    static const size_t pieces[] = {0, 1, 3, 7};
    for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
        struct rpcgrind *g = rpcgrind_new(nmap_rpc, true);
        assert_non_null(g);
        struct run run;
        drive(g, true, sv, 1, pieces[p], false, &run);
        uint32_t prog = 0, lo = 0, hi = 0;
        assert_true(rpcgrind_result(g, &prog, &lo, &hi));
        assert_int_equal(prog, 100000);
        assert_int_equal(lo, 2);
        assert_int_equal(hi, 4);
        /* rpcbind is first in nmap-rpc: one window, one round. */
        assert_int_equal(run.rounds, 1);
        assert_int_equal(run.calls, RPCGRIND_WINDOW);
        /* nmap's ranges for the xid and the bogus version. */
        assert_true(run.first_xid >= 1 && run.first_xid <= 123456789);
        assert_true(run.version >= 12345 && run.version <= 123456789);
        /* File order. */
        for (size_t i = 0; i < run.calls; i++)
            assert_int_equal(run.programs[i], rpc_db_program(nmap_rpc, i));
        char v[32];
        assert_int_equal(rpcgrind_format_version(lo, hi, v, sizeof v), 3);
        assert_string_equal(v, "2-4");
        rpcgrind_free(g);
    }
}

/* NFS's port serves nfs (100003) and nfs_acl (100227): the first in
 * nmap-rpc wins even when the later one's reply arrives first. */
static void test_first_in_file_order_wins(void **state)
{
    (void)state;
    const struct served sv[] = {{100227, 2, 3}, {100003, 3, 4}};
    struct rpcgrind *g = rpcgrind_new(nmap_rpc, false);
    struct run run;
    drive(g, false, sv, 2, 0, true, &run);
    uint32_t prog, lo, hi;
    assert_true(rpcgrind_result(g, &prog, &lo, &hi));
    assert_int_equal(prog, 100003);
    assert_int_equal(lo, 3);
    assert_int_equal(hi, 4);
    rpcgrind_free(g);

    /* Only nfs_acl: found much further down the file. */
    const struct served acl[] = {{100227, 3, 3}};
    g = rpcgrind_new(nmap_rpc, true);
    drive(g, true, acl, 1, 5, false, &run);
    assert_true(rpcgrind_result(g, &prog, &lo, &hi));
    assert_int_equal(prog, 100227);
    assert_string_equal(rpc_db_name(nmap_rpc, prog), "nfs_acl");
    char v[32];
    assert_int_equal(rpcgrind_format_version(lo, hi, v, sizeof v), 1);
    assert_string_equal(v, "3");
    size_t idx = 0;
    while (rpc_db_program(nmap_rpc, idx) != 100227)
        idx++;
    /* Nothing far past the match was asked. */
    assert_true(run.calls > idx && run.calls <= idx + RPCGRIND_WINDOW);
    rpcgrind_free(g);
}

static void test_unknown_program_asks_every_one(void **state)
{
    (void)state;
    const struct served sv[] = {{0x2fffffffu, 1, 1}};
    struct rpcgrind *g = rpcgrind_new(nmap_rpc, true);
    struct run run;
    drive(g, true, sv, 1, 0, false, &run);
    assert_false(rpcgrind_result(g, NULL, NULL, NULL));
    assert_int_equal(run.calls, rpc_db_count(nmap_rpc));
    assert_int_equal(rpcgrind_next_call(g, (uint8_t[64]){0}, 64), 0);
    rpcgrind_free(g);
}

/* A service that answers SUCCESS even for the bogus version, or an error,
 * is not counted as a match (nmap only trusts PROG_MISMATCH). */
static void test_success_is_not_a_match(void **state)
{
    (void)state;
    const struct served sv[] = {{100000, 0, 0xFFFFFFFFu}};
    struct rpcgrind *g = rpcgrind_new(nmap_rpc, false);
    struct run run;
    drive(g, false, sv, 1, 0, false, &run);
    assert_false(rpcgrind_result(g, NULL, NULL, NULL));
    rpcgrind_free(g);
}

static size_t small_db_calls(struct rpcgrind *g, uint8_t calls[][RPCGRIND_CALL_MAX], size_t *lens)
{
    size_t k = 0;
    while ((lens[k] = rpcgrind_next_call(g, calls[k], RPCGRIND_CALL_MAX)) > 0)
        k++;
    return k;
}

static struct rpc_db *small_db(void)
{
    char err[256];
    static const char text[] = "a 100\nb 200\nc 300\n";
    struct rpc_db *db = rpc_db_parse(text, sizeof text - 1, "small", err, sizeof err);
    assert_non_null(db);
    return db;
}

/* UDP: lost calls are sent again after a timeout, with the same xids. */
static void test_udp_loss_and_retransmission(void **state)
{
    (void)state;
    struct rpc_db *db = small_db();
    struct rpcgrind *g = rpcgrind_new_with(db, false, 1000, 777777);
    uint8_t calls[RPCGRIND_WINDOW + 1][RPCGRIND_CALL_MAX];
    size_t lens[RPCGRIND_WINDOW + 1];
    assert_int_equal(small_db_calls(g, calls, lens), 3);
    const struct served sv[] = {{200, 1, 2}};
    /* Only c's reply arrives. */
    uint8_t msg[64];
    struct call c = decode_call(calls[2], lens[2], false);
    assert_int_equal(c.xid, 1002);
    assert_int_equal(c.version, 777777);
    rpcgrind_feed_reply(g, msg, answer(&c, sv, 1, msg));
    assert_false(rpcgrind_done(g));
    assert_int_equal(rpcgrind_next_call(g, calls[0], RPCGRIND_CALL_MAX), 0); /* waiting */
    rpcgrind_timeout(g);
    assert_false(rpcgrind_done(g));
    /* a and b again, not c. */
    assert_int_equal(small_db_calls(g, calls, lens), 2);
    assert_int_equal(decode_call(calls[0], lens[0], false).xid, 1000);
    assert_int_equal(decode_call(calls[1], lens[1], false).xid, 1001);
    /* b's reply, twice (a duplicate changes nothing), then a's. */
    c = decode_call(calls[1], lens[1], false);
    size_t m = answer(&c, sv, 1, msg);
    rpcgrind_feed_reply(g, msg, m);
    rpcgrind_feed_reply(g, msg, m);
    assert_false(rpcgrind_done(g)); /* a, earlier in the file, is unanswered */
    c = decode_call(calls[0], lens[0], false);
    rpcgrind_feed_reply(g, msg, answer(&c, sv, 1, msg));
    assert_true(rpcgrind_done(g));
    uint32_t prog, lo, hi;
    assert_true(rpcgrind_result(g, &prog, &lo, &hi));
    assert_int_equal(prog, 200);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 2);
    assert_int_equal(rpcgrind_calls_sent(g), 5);
    rpcgrind_free(g);
    rpc_db_free(db);
}

static void test_udp_silence_gives_up(void **state)
{
    (void)state;
    struct rpc_db *db = small_db();
    struct rpcgrind *g = rpcgrind_new_with(db, false, 1, 99999);
    uint8_t calls[RPCGRIND_WINDOW + 1][RPCGRIND_CALL_MAX];
    size_t lens[RPCGRIND_WINDOW + 1];
    assert_int_equal(small_db_calls(g, calls, lens), 3);
    rpcgrind_timeout(g);
    assert_int_equal(small_db_calls(g, calls, lens), 3);
    rpcgrind_timeout(g);
    assert_int_equal(small_db_calls(g, calls, lens), 3);
    rpcgrind_timeout(g);
    assert_true(rpcgrind_done(g));
    assert_int_equal(small_db_calls(g, calls, lens), 0);
    assert_false(rpcgrind_result(g, NULL, NULL, NULL));
    assert_int_equal(rpcgrind_calls_sent(g), 9);
    rpcgrind_free(g);
    rpc_db_free(db);
}

static void test_tcp_timeout_ends(void **state)
{
    (void)state;
    struct rpc_db *db = small_db();
    struct rpcgrind *g = rpcgrind_new_with(db, true, 1, 99999);
    uint8_t calls[RPCGRIND_WINDOW + 1][RPCGRIND_CALL_MAX];
    size_t lens[RPCGRIND_WINDOW + 1];
    assert_int_equal(small_db_calls(g, calls, lens), 3);
    rpcgrind_timeout(g);
    assert_true(rpcgrind_done(g));
    assert_int_equal(rpcgrind_next_call(g, calls[0], RPCGRIND_CALL_MAX), 0);
    rpcgrind_free(g);
    rpc_db_free(db);
}

/* A reply split into three record fragments, with the fragment marks
 * themselves split across feeds. */
static void test_tcp_fragmented_record(void **state)
{
    (void)state;
    struct rpc_db *db = small_db();
    struct rpcgrind *g = rpcgrind_new_with(db, true, 50, 99999);
    uint8_t calls[RPCGRIND_WINDOW + 1][RPCGRIND_CALL_MAX];
    size_t lens[RPCGRIND_WINDOW + 1];
    assert_int_equal(small_db_calls(g, calls, lens), 3);
    const struct served sv[] = {{100, 4, 6}};
    uint8_t stream[512];
    size_t s = 0;
    for (int i = 0; i < 3; i++) {
        struct call c = decode_call(calls[i], lens[i], true);
        uint8_t msg[64];
        size_t m = answer(&c, sv, 1, msg);
        /* fragments of 8, 8 and the rest */
        put32(stream + s, 8);
        memcpy(stream + s + 4, msg, 8);
        put32(stream + s + 12, 8);
        memcpy(stream + s + 16, msg + 8, 8);
        put32(stream + s + 24, 0x80000000u | (uint32_t)(m - 16));
        memcpy(stream + s + 28, msg + 16, m - 16);
        s += 28 + m - 16;
    }
    for (size_t off = 0; off < s; off += 2)
        rpcgrind_feed_reply(g, stream + off, s - off < 2 ? s - off : 2);
    assert_true(rpcgrind_done(g));
    uint32_t prog, lo, hi;
    assert_true(rpcgrind_result(g, &prog, &lo, &hi));
    assert_int_equal(prog, 100);
    assert_int_equal(lo, 4);
    assert_int_equal(hi, 6);
    rpcgrind_free(g);
    rpc_db_free(db);
}

/* Garbage instead of replies: ignored a few times, then the peer is given
 * up on; a record too long to be a NULL reply ends TCP grinding at once. */
static void test_hostile_peer(void **state)
{
    (void)state;
    struct rpc_db *db = small_db();
    struct rpcgrind *g = rpcgrind_new_with(db, false, 7, 99999);
    uint8_t calls[RPCGRIND_WINDOW + 1][RPCGRIND_CALL_MAX];
    size_t lens[RPCGRIND_WINDOW + 1];
    assert_int_equal(small_db_calls(g, calls, lens), 3);
    uint8_t junk[40];
    memset(junk, 0xEE, sizeof junk);
    for (int i = 0; i < 16; i++) {
        rpcgrind_feed_reply(g, junk, (size_t)i);
        assert_false(rpcgrind_done(g));
    }
    /* A valid-looking reply to an xid we never used is junk too. */
    const struct served sv[] = {{100, 4, 6}};
    struct call stale = {6, 100, 99999};
    uint8_t msg[64];
    rpcgrind_feed_reply(g, msg, answer(&stale, sv, 1, msg));
    assert_true(rpcgrind_done(g));
    assert_false(rpcgrind_result(g, NULL, NULL, NULL));
    rpcgrind_free(g);

    g = rpcgrind_new_with(db, true, 7, 99999);
    assert_int_equal(small_db_calls(g, calls, lens), 3);
    static const uint8_t long_record[] = {0x80, 0x00, 0x10, 0x00, 'H', 'T', 'T', 'P'};
    rpcgrind_feed_reply(g, long_record, sizeof long_record);
    assert_true(rpcgrind_done(g));
    rpcgrind_feed_reply(g, long_record, sizeof long_record); /* after the end: ignored */
    rpcgrind_free(g);

    /* Endless small non-last fragments cannot grow memory without bound. */
    g = rpcgrind_new_with(db, true, 7, 99999);
    assert_int_equal(small_db_calls(g, calls, lens), 3);
    uint8_t frag[12] = {0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8};
    for (int i = 0; i < 1000 && !rpcgrind_done(g); i++)
        rpcgrind_feed_reply(g, frag, sizeof frag);
    assert_true(rpcgrind_done(g));
    rpcgrind_free(g);
    rpc_db_free(db);
}

static void test_empty_db_and_format(void **state)
{
    (void)state;
    char err[64];
    struct rpc_db *db = rpc_db_parse("# nothing\n", 10, "e", err, sizeof err);
    struct rpcgrind *g = rpcgrind_new(db, true);
    assert_true(rpcgrind_done(g));
    assert_int_equal(rpcgrind_next_call(g, (uint8_t[64]){0}, 64), 0);
    assert_false(rpcgrind_result(g, NULL, NULL, NULL));
    rpcgrind_free(g);
    rpcgrind_free(NULL);
    rpc_db_free(db);
    char v[8];
    assert_int_equal(rpcgrind_format_version(1, 1, v, sizeof v), 1);
    assert_string_equal(v, "1");
    assert_int_equal(rpcgrind_format_version(2, 4, v, sizeof v), 3);
    assert_string_equal(v, "2-4");
    assert_int_equal(rpcgrind_format_version(1234, 56789, v, sizeof v), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finds_rpcbind_tcp),
        cmocka_unit_test(test_first_in_file_order_wins),
        cmocka_unit_test(test_unknown_program_asks_every_one),
        cmocka_unit_test(test_success_is_not_a_match),
        cmocka_unit_test(test_udp_loss_and_retransmission),
        cmocka_unit_test(test_udp_silence_gives_up),
        cmocka_unit_test(test_tcp_timeout_ends),
        cmocka_unit_test(test_tcp_fragmented_record),
        cmocka_unit_test(test_hostile_peer),
        cmocka_unit_test(test_empty_db_and_format),
    };
    return cmocka_run_group_tests(tests, load_db, free_db);
}
