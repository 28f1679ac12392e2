// SPDX-License-Identifier: MIT
#include "trace/hops.h"

#include <stdlib.h>
#include <string.h>

#include "report/model.h"

/* Chains descend strictly in TTL, so none is longer than this; walks stop
 * there whatever the links say. */
#define CHAIN_MAX (TRACE_MAX_TTL + 1)

unsigned trace_distance_guess(uint8_t reply_ttl)
{
    static const unsigned initial[] = {32, 64, 128, 255};
    if (reply_ttl == 0) return 0;
    for (size_t i = 0; i < sizeof initial / sizeof initial[0]; i++)
        if (reply_ttl <= initial[i]) return initial[i] - reply_ttl + 1;
    return 1;
}

void trace_state_init(struct trace_state *s, const struct net_addr *target, unsigned guess,
                      bool hinted)
{
    memset(s, 0, sizeof *s);
    s->target = *target;
    if (guess == 0) guess = TRACE_DEFAULT_TTL;
    s->ttl = (uint8_t)(guess > TRACE_MAX_TTL ? TRACE_MAX_TTL : guess);
    s->guess = s->ttl;
    s->hold = hinted;
    s->head = -1;
}

bool trace_has_more(const struct trace_state *s)
{
    if (!s->counting_up) return true;
    if (s->reached && s->ttl >= s->reached) return false;
    return s->ttl <= TRACE_MAX_TTL;
}

uint8_t trace_next_ttl(struct trace_state *s)
{
    if (!s->counting_up) {
        while (s->ttl > 1 && s->sent[s->ttl])
            s->ttl--;
        if (s->ttl <= 1) s->counting_up = true;
    }
    if (s->counting_up)
        while (s->ttl <= TRACE_MAX_TTL && s->sent[s->ttl])
            s->ttl++;
    if (!trace_has_more(s)) return 0;
    if (s->hold && s->counting_up && s->ttl > s->guess) return 0;
    s->sent[s->ttl] = true;
    return s->ttl;
}

static int32_t cache_lookup(const struct hop_cache *c, uint8_t ttl, const struct net_addr *addr)
{
    for (size_t i = 0; i < c->n; i++)
        if (!c->v[i].timed_out && c->v[i].ttl == ttl && net_addr_equal(&c->v[i].addr, addr))
            return (int32_t)i;
    return -1;
}

static int32_t cache_push(struct hop_cache *c)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct thop *v = realloc(c->v, cap * sizeof *v);
        if (!v) return -1;
        c->v = v;
        c->cap = cap;
    }
    return (int32_t)c->n++;
}

/* Where ttl belongs in s's chain: *child is the lowest hop above it (-1 when
 * none), *parent the first hop at or below it (-1 when none). */
static void child_parent(const struct hop_cache *c, const struct trace_state *s, uint8_t ttl,
                         int32_t *child, int32_t *parent)
{
    *child = -1;
    *parent = s->head;
    for (int steps = 0; *parent >= 0 && c->v[*parent].ttl > ttl && steps < CHAIN_MAX; steps++) {
        *child = *parent;
        *parent = c->v[*parent].parent;
    }
}

/* A hop at ttl into s's own chain (addr NULL: a timeout). The hop already
 * there at that TTL stays, though a timeout learns a late answer. */
static int32_t insert_hop(struct hop_cache *c, struct trace_state *s, uint8_t ttl,
                          const struct net_addr *addr, double rtt_ms)
{
    int32_t prev, p;
    child_parent(c, s, ttl, &prev, &p);
    if (p >= 0 && c->v[p].ttl == ttl) {
        if (c->v[p].timed_out && addr) {
            c->v[p].timed_out = false;
            c->v[p].addr = *addr;
            c->v[p].rtt_ms = rtt_ms;
        }
        return p;
    }
    int32_t h = cache_push(c);
    if (h < 0) return -1;
    c->v[h] = (struct thop){.ttl = ttl, .timed_out = addr == NULL, .rtt_ms = addr ? rtt_ms : -1.0,
                            .parent = p};
    if (addr) c->v[h].addr = *addr;
    if (prev < 0) {
        s->head = h;
        c->v[h].tag = s->target;
    } else {
        c->v[prev].parent = h;
        c->v[h].tag = c->v[prev].tag;
    }
    return h;
}

/* Two chains as one, highest TTL first, every hop tagged tag. Where both
 * have a hop at the same TTL one is dropped: a timeout before an answer,
 * else b's (the paths are assumed equal, so the difference is noise). */
static int32_t merge(struct hop_cache *c, const struct net_addr *tag, int32_t a, int32_t b)
{
    int32_t first = -1, last = -1;
    for (int steps = 0; a >= 0 && b >= 0 && a != b && steps < 2 * CHAIN_MAX; steps++) {
        int32_t pick;
        if (c->v[a].ttl > c->v[b].ttl) {
            pick = a;
            a = c->v[a].parent;
        } else if (c->v[b].ttl > c->v[a].ttl) {
            pick = b;
            b = c->v[b].parent;
        } else if (c->v[a].timed_out && !c->v[b].timed_out) {
            a = c->v[a].parent;
            pick = b;
            b = c->v[b].parent;
        } else {
            b = c->v[b].parent;
            pick = a;
            a = c->v[a].parent;
        }
        if (last < 0)
            first = pick;
        else
            c->v[last].parent = pick;
        last = pick;
    }
    int32_t rest = a >= 0 ? a : b;
    if (last < 0)
        first = rest;
    else
        c->v[last].parent = rest;
    int steps = 0;
    for (int32_t h = first; h >= 0 && steps < CHAIN_MAX; h = c->v[h].parent, steps++)
        c->v[h].tag = *tag;
    return first;
}

static void link_to(struct hop_cache *c, struct trace_state *s, int32_t hop)
{
    int32_t prev, p;
    child_parent(c, s, c->v[hop].ttl, &prev, &p);
    if (p == hop) return; /* already on s's path */
    struct net_addr tag = c->v[hop].tag;
    int32_t m = merge(c, &tag, hop, p);
    if (prev < 0)
        s->head = m;
    else
        c->v[prev].parent = m;
}

struct trace_effect trace_reply(struct hop_cache *c, struct trace_state *s, uint8_t ttl,
                                const struct net_addr *from, double rtt_ms, uint8_t reply_ttl)
{
    struct trace_effect eff = {0};
    if (ttl == 0 || ttl > TRACE_MAX_TTL) return eff;
    if (ttl == s->guess) s->hold = false;
    if (net_addr_equal(from, &s->target)) {
        if (s->reached == 0 || ttl < s->reached) s->reached = ttl;
        /* Counting down from too far: skip to the distance the reply's
         * TTL suggests. */
        unsigned d = trace_distance_guess(reply_ttl);
        if (!s->counting_up && d > 0 && d < s->ttl) s->ttl = (uint8_t)d;
        eff.cancel_above = true;
    }
    int32_t hop = cache_lookup(c, ttl, from);
    if (hop < 0) {
        eff.oom = insert_hop(c, s, ttl, from, rtt_ms) < 0;
        return eff;
    }
    link_to(c, s, hop);
    if (s->counting_up) return eff;
    /* Found going down: the hops below are known. Unless the path's end
     * is s's own, someone else traced it: go up from here instead. */
    int steps = 0;
    while (c->v[hop].parent >= 0 && steps++ < CHAIN_MAX) {
        hop = c->v[hop].parent;
        s->sent[c->v[hop].ttl] = true;
    }
    if (!net_addr_equal(&c->v[hop].tag, &s->target)) {
        s->counting_up = true;
        eff.cancel_below = true;
    }
    return eff;
}

int trace_timeout(struct hop_cache *c, struct trace_state *s, uint8_t ttl)
{
    if (ttl == 0 || ttl > TRACE_MAX_TTL) return 0;
    if (ttl == s->guess) s->hold = false;
    return insert_hop(c, s, ttl, NULL, -1.0) < 0 ? -1 : 0;
}

int trace_export(const struct hop_cache *c, const struct trace_state *s, struct trace_hop **out,
                 size_t *n)
{
    struct trace_hop tmp[CHAIN_MAX];
    size_t k = 0;
    int steps = 0;
    for (int32_t h = s->head; h >= 0 && steps < CHAIN_MAX; h = c->v[h].parent, steps++) {
        const struct thop *t = &c->v[h];
        if (s->reached && t->ttl > s->reached) continue; /* past the target */
        tmp[k++] = (struct trace_hop){.ttl = t->ttl, .timed_out = t->timed_out,
                                      .rtt_ms = t->rtt_ms, .addr = t->addr, .tag = t->tag};
    }
    *out = NULL;
    *n = 0;
    if (k == 0) return 0;
    struct trace_hop *v = malloc(k * sizeof *v);
    if (!v) return -1;
    for (size_t i = 0; i < k; i++)
        v[i] = tmp[k - 1 - i];
    *out = v;
    *n = k;
    return 0;
}

void hop_cache_free(struct hop_cache *c)
{
    free(c->v);
    *c = (struct hop_cache){0};
}
