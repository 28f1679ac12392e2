// SPDX-License-Identifier: MIT
// ONC RPC replies from a hostile server: rpc_parse_reply on the bytes as a
// datagram and, with a record mark added, as a TCP record (the two must
// agree), then the same bytes as a TCP stream and as datagrams fed to the
// grinding state machine in pieces. Layout: byte 0 = flags (bit 0: the
// grinder works over TCP; bits 1-7: piece size - 1), then the reply.
// Checks: a reply is accepted only for our xid and as a REPLY, the kind
// and version range match the bytes, the grinder never hands out more calls
// than its database's programs (times three tries), never sends more than
// its window allows and only reports programs of its database.
#include <stdbool.h>

#include "fuzz_common.h"
#include "service/rpcgrind.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static struct rpc_db *db;

static void check_parse(const uint8_t *msg, size_t len)
{
    uint32_t xid = len >= 4 ? be32(msg) : 0;
    struct rpc_reply r;
    bool ok = rpc_parse_reply(msg, len, false, xid, &r);
    FUZZ_CHECK(ok == (r.kind != RPC_REPLY_INVALID));
    if (ok) {
        FUZZ_CHECK(len >= 12 && be32(msg + 4) == 1);
        FUZZ_CHECK(!rpc_parse_reply(msg, len, false, xid + 1, NULL));
        if (r.kind == RPC_REPLY_PROG_MISMATCH) {
            /* The range is the last two words the parser read. */
            FUZZ_CHECK(len >= 32);
            uint32_t vlen = be32(msg + 16);
            size_t at = 24 + ((vlen + 3u) & ~3u);
            FUZZ_CHECK(at + 8 <= len && be32(msg + at) == r.low && be32(msg + at + 4) == r.high);
        }
    }
    /* The same message as one TCP record. */
    uint8_t *rec = malloc(len + 4);
    if (!rec) abort();
    rec[0] = 0x80;
    rec[1] = (uint8_t)(len >> 16);
    rec[2] = (uint8_t)(len >> 8);
    rec[3] = (uint8_t)len;
    if (len) memcpy(rec + 4, msg, len);
    struct rpc_reply t;
    bool tok = len <= 0x7fffffff && rpc_parse_reply(rec, len + 4, true, xid, &t);
    FUZZ_CHECK(tok == ok);
    if (ok) FUZZ_CHECK(t.kind == r.kind && (r.kind != RPC_REPLY_PROG_MISMATCH ||
                                              (t.low == r.low && t.high == r.high)));
    free(rec);
}

static void grind(const uint8_t *data, size_t size, bool tcp, size_t piece)
{
    /* xid 1 and version 2 so fuzzed replies can hit our calls. */
    struct rpcgrind *g = rpcgrind_new_with(db, tcp, 1, 2);
    if (!g) abort();
    uint8_t call[RPCGRIND_CALL_MAX];
    size_t pos = 0;
    for (int round = 0; round < 64 && !rpcgrind_done(g); round++) {
        size_t n, this_round = 0;
        /* At most the window again (after a timeout) and the window's new
         * calls. */
        while ((n = rpcgrind_next_call(g, call, sizeof call)) > 0) {
            FUZZ_CHECK(n == (tcp ? 44u : 40u));
            FUZZ_CHECK(++this_round <= 2 * RPCGRIND_WINDOW);
        }
        if (pos >= size) {
            rpcgrind_timeout(g);
            continue;
        }
        size_t take = size - pos < piece ? size - pos : piece;
        /* An exact-size copy, so ASan sees a read past the piece. */
        uint8_t *p = malloc(take ? take : 1);
        if (!p) abort();
        memcpy(p, data + pos, take);
        rpcgrind_feed_reply(g, p, take);
        free(p);
        pos += take;
    }
    FUZZ_CHECK(rpcgrind_calls_sent(g) <= 3 * rpc_db_count(db));
    uint32_t prog, lo, hi;
    if (rpcgrind_result(g, &prog, &lo, &hi)) FUZZ_CHECK(rpc_db_name(db, prog) != NULL);
    rpcgrind_free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db) {
        static const char text[] = "rpcbind 100000\nnfs 100003\nmountd 100005\nnfs_acl 100227\n"
                                   "walld 100008\nstatus 100024\nnlockmgr 100021\n";
        char err[128];
        db = rpc_db_parse(text, sizeof text - 1, "fuzz", err, sizeof err);
        if (!db) abort();
    }
    if (size < 1) return 0;
    bool tcp = data[0] & 1;
    size_t piece = (size_t)(data[0] >> 1) + 1;
    const uint8_t *msg = data + 1;
    size -= 1;
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) abort();
    memcpy(copy, msg, size);
    check_parse(copy, size);
    free(copy);
    grind(msg, size, tcp, piece);
    return 0;
}
