// SPDX-License-Identifier: MIT
// The RPC grinding state machine. Program i of nmap-rpc is asked with xid
// base + i, so a reply names the call it answers and a stale or forged one
// can be told apart. Each program's call is unsent, in flight or answered;
// "base" is the first one not answered, and the window keeps at most
// RPCGRIND_WINDOW calls past it in flight. A PROG_MISMATCH for program i
// decides the result only once every program before i has answered, which
// keeps nmap's answer (the first in file order) even when one port serves
// several programs (NFS's 2049 answers for nfs and nfs_acl).
#include "service/rpcgrind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* A NULL reply is 24 bytes plus a verifier of at most 400 and a version
 * range: a record longer than this is not one. */
#define MAX_RECORD 512
/* Replies that answer none of our calls before the peer is given up on. */
#define MAX_JUNK 16
/* Timeouts survived over UDP (each re-sends the calls in flight). */
#define MAX_RETRIES 2
#define RECORD_LAST 0x80000000u

enum call_state { UNSENT = 0, IN_FLIGHT, ANSWERED };

struct rpcgrind {
    const struct rpc_db *db;
    bool tcp;
    uint32_t xid0, version;
    size_t count;
    uint8_t *state; /* enum call_state per program */
    size_t next;    /* first program never sent */
    size_t base;    /* first program not answered */
    size_t resend;  /* after a timeout: next in-flight call to send again */
    bool resending;
    size_t found; /* first PROG_MISMATCH (count: none) */
    uint32_t low, high;
    unsigned junk, timeouts;
    bool failed;
    size_t sent;
    /* TCP stream: the record being reassembled. */
    uint8_t mark[4];
    size_t mark_have;
    uint32_t frag_left;
    bool frag_last;
    uint8_t rec[MAX_RECORD];
    size_t rec_len;
};

static uint32_t random_u32(void)
{
    uint32_t v;
    if (getrandom(&v, sizeof v, GRND_NONBLOCK) == (ssize_t)sizeof v) return v;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec * 2654435761u ^ (uint32_t)getpid();
}

struct rpcgrind *rpcgrind_new_with(const struct rpc_db *db, bool tcp, uint32_t xid,
                                   uint32_t version)
{
    struct rpcgrind *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->db = db;
    g->tcp = tcp;
    g->xid0 = xid;
    g->version = version;
    g->count = rpc_db_count(db);
    g->state = calloc(g->count ? g->count : 1, 1);
    if (!g->state) {
        free(g);
        return NULL;
    }
    g->found = g->count;
    return g;
}

struct rpcgrind *rpcgrind_new(const struct rpc_db *db, bool tcp)
{
    /* nmap's ranges: an xid up to 123456789 and a version from 12345 to
     * 123456789, far above any real program's. */
    uint32_t xid = 1 + random_u32() % 123456789u;
    uint32_t version = 12345u + random_u32() % (123456789u - 12345u + 1u);
    return rpcgrind_new_with(db, tcp, xid, version);
}

void rpcgrind_free(struct rpcgrind *g)
{
    if (!g) return;
    free(g->state);
    free(g);
}

bool rpcgrind_done(const struct rpcgrind *g)
{
    if (g->failed || g->base >= g->count) return true;
    /* Everything before the first match has answered. */
    return g->found < g->count && g->base > g->found;
}

static size_t build(struct rpcgrind *g, size_t i, uint8_t *buf, size_t cap)
{
    size_t n = rpc_build_null_call(buf, cap, g->xid0 + (uint32_t)i, rpc_db_program(g->db, i),
                                   g->version, g->tcp);
    g->sent += n > 0;
    return n;
}

size_t rpcgrind_next_call(struct rpcgrind *g, uint8_t *buf, size_t cap)
{
    if (rpcgrind_done(g)) return 0;
    if (g->resending) {
        while (g->resend < g->next && g->state[g->resend] != IN_FLIGHT)
            g->resend++;
        if (g->resend < g->next) {
            size_t n = build(g, g->resend, buf, cap);
            if (n) g->resend++;
            return n;
        }
        g->resending = false;
    }
    /* Nothing past a match is needed; programs before it still are. */
    if (g->next >= g->count || g->next - g->base >= RPCGRIND_WINDOW || g->found < g->count)
        return 0;
    size_t n = build(g, g->next, buf, cap);
    if (n) g->state[g->next++] = IN_FLIGHT;
    return n;
}

static void junk(struct rpcgrind *g)
{
    if (++g->junk > MAX_JUNK) g->failed = true;
}

/* One whole reply message, without a record mark. */
static void handle_reply(struct rpcgrind *g, const uint8_t *msg, size_t len)
{
    if (len < 4) {
        junk(g);
        return;
    }
    uint32_t xid = (uint32_t)msg[0] << 24 | (uint32_t)msg[1] << 16 | (uint32_t)msg[2] << 8 | msg[3];
    size_t i = (size_t)(uint32_t)(xid - g->xid0);
    struct rpc_reply r;
    if (i >= g->next || !rpc_parse_reply(msg, len, false, xid, &r)) {
        junk(g);
        return;
    }
    /* A second answer to the same call (a retransmission's) changes nothing. */
    if (g->state[i] == ANSWERED) return;
    g->state[i] = ANSWERED;
    if (r.kind == RPC_REPLY_PROG_MISMATCH && i < g->found) {
        g->found = i;
        g->low = r.low;
        g->high = r.high;
    }
    /* Anything else (PROG_UNAVAIL, and the odd SUCCESS for a version no
     * program has, or an error) is "not this program", as for nmap. */
    while (g->base < g->next && g->state[g->base] == ANSWERED)
        g->base++;
}

/* TCP: records are a 4-byte mark (last-fragment bit, length) and the
 * fragment; a reply may come in several fragments and in any pieces. */
static void feed_stream(struct rpcgrind *g, const uint8_t *buf, size_t len)
{
    while (len > 0 && !g->failed) {
        if (g->mark_have < 4) {
            g->mark[g->mark_have++] = *buf++;
            len--;
            if (g->mark_have < 4) continue;
            uint32_t mark = (uint32_t)g->mark[0] << 24 | (uint32_t)g->mark[1] << 16 |
                            (uint32_t)g->mark[2] << 8 | g->mark[3];
            g->frag_last = (mark & RECORD_LAST) != 0;
            g->frag_left = mark & ~RECORD_LAST;
            if (g->frag_left > MAX_RECORD - g->rec_len) {
                /* Not a NULL reply; the stream cannot be trusted after it. */
                g->failed = true;
                return;
            }
        }
        size_t n = len < g->frag_left ? len : g->frag_left;
        memcpy(g->rec + g->rec_len, buf, n);
        g->rec_len += n;
        g->frag_left -= (uint32_t)n;
        buf += n;
        len -= n;
        if (g->frag_left == 0) {
            g->mark_have = 0;
            if (g->frag_last) {
                handle_reply(g, g->rec, g->rec_len);
                g->rec_len = 0;
            }
        }
    }
}

void rpcgrind_feed_reply(struct rpcgrind *g, const uint8_t *buf, size_t len)
{
    if (rpcgrind_done(g) || !buf) return;
    if (g->tcp)
        feed_stream(g, buf, len);
    else
        handle_reply(g, buf, len);
}

void rpcgrind_timeout(struct rpcgrind *g)
{
    if (rpcgrind_done(g)) return;
    if (g->tcp || ++g->timeouts > MAX_RETRIES) {
        g->failed = true;
        return;
    }
    g->resending = true;
    g->resend = g->base;
}

bool rpcgrind_result(const struct rpcgrind *g, uint32_t *program, uint32_t *low, uint32_t *high)
{
    /* A match stands even if the grinding ended early (a timeout on a
     * program before it): nmap's parallel grinders report it too. */
    if (g->found >= g->count) return false;
    if (program) *program = rpc_db_program(g->db, g->found);
    if (low) *low = g->low;
    if (high) *high = g->high;
    return true;
}

size_t rpcgrind_format_version(uint32_t low, uint32_t high, char *buf, size_t cap)
{
    int n = low == high ? snprintf(buf, cap, "%u", high) : snprintf(buf, cap, "%u-%u", low, high);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

size_t rpcgrind_calls_sent(const struct rpcgrind *g)
{
    return g->sent;
}
