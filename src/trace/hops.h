// SPDX-License-Identifier: MIT
// The bookkeeping of nmap 7.93's parallel traceroute, without any packets:
// which TTL each host probes next and what its answers make of the path.
//
// A host's trace starts at a guessed distance and counts down, so that one
// probe at the distance reaches the target and the next finds the last
// router; below the guess it counts up again until it reaches the target.
// Every hop found goes into a cache keyed by (TTL, address) shared by all
// hosts of the run: when a host's probe finds a hop another host already
// found, the two paths are assumed equal below it, the host's chain is
// linked to the other's, and it stops probing lower TTLs ("Hops 1-N are the
// same as for X"). Hops form a tree: each points to the hop one TTL lower on
// its path (its parent) and carries the tag of the host that owns it.
//
// Pure functions over plain arrays, so the ordering and linking rules are
// unit-tested on their own (tests/unit/test_trace_hops.c).
#ifndef CMAP_TRACE_HOPS_H
#define CMAP_TRACE_HOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

/* The highest TTL probed when the target itself never answers (nmap's). */
#define TRACE_MAX_TTL 30
/* The starting TTL when nothing hints at the distance (nmap's). */
#define TRACE_DEFAULT_TTL 10
/* Beyond this many cached hops the cache starts over after a group. */
#define TRACE_CACHE_LIMIT 1000

struct thop {
    uint8_t ttl;
    bool timed_out;
    double rtt_ms;
    struct net_addr addr;
    struct net_addr tag;
    int32_t parent; /* index of the hop one TTL lower on the path, -1 */
};

/* Every hop of the run, by index. */
struct hop_cache {
    struct thop *v;
    size_t n, cap;
};

struct trace_state {
    struct net_addr target;
    uint8_t ttl;      /* the TTL being probed, then the next candidate */
    bool counting_up; /* below the first guess: now going up */
    bool sent[TRACE_MAX_TTL + 1];
    uint8_t reached; /* lowest TTL the target itself answered, 0 none */
    int32_t head;    /* the host's highest-TTL hop, -1 */
    uint8_t guess;   /* the starting TTL */
    bool hold;       /* a hinted guess: go no higher until its probe is settled */
};

/* What a reply means for the probes still out. */
struct trace_effect {
    bool cancel_above; /* the target answered: higher TTLs are pointless */
    bool cancel_below; /* joined another host's path: lower TTLs too */
    bool oom;
};

/* The hop distance a reply's TTL suggests: the nearest common initial TTL
 * at or above it (32, 64, 128, 255) minus the TTL plus one; 0 for 0. */
unsigned trace_distance_guess(uint8_t reply_ttl);

/* hinted: guess comes from the host's own answer, so it is most likely the
 * distance: TTLs above it wait until its probe is answered or times out
 * (nmap, without a hint, sends them at once). */
void trace_state_init(struct trace_state *s, const struct net_addr *target, unsigned guess,
                      bool hinted);
/* Whether s still has TTLs to probe. */
bool trace_has_more(const struct trace_state *s);
/* The next TTL to probe (marked sent), or 0 when there is none now (the
 * trace is over when trace_has_more() says so too). */
uint8_t trace_next_ttl(struct trace_state *s);

/* A reply to s's probe at ttl from address from, rtt_ms after it left;
 * reply_ttl is the TTL the reply arrived with. */
struct trace_effect trace_reply(struct hop_cache *c, struct trace_state *s, uint8_t ttl,
                                const struct net_addr *from, double rtt_ms, uint8_t reply_ttl);
/* s's probe at ttl got no answer in time. 0, or -1 when out of memory. */
int trace_timeout(struct hop_cache *c, struct trace_state *s, uint8_t ttl);

/* s's hops lowest TTL first, none past the target; *out is malloc'd (NULL
 * when there are none). Each hop's tag says whose trace found it. 0 or -1. */
struct trace_hop;
int trace_export(const struct hop_cache *c, const struct trace_state *s, struct trace_hop **out,
                 size_t *n);

void hop_cache_free(struct hop_cache *c);

#endif
