// SPDX-License-Identifier: MIT
// Scan order, and the folded ascending form nmap prints in <scaninfo>.
#include "scan/portlist_order.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* nmap's random_port_cheat() list (portlist.cc, "Top 25 open TCP ports plus
 * 113, 554, and 256", from 2008 data). After the shuffle, nmap walks the TCP
 * list and swaps each of these it meets into the next front slot, so they
 * come first, in their shuffled relative order: open ports turn up early. */
static const uint16_t popular_tcp[] = {80,   23,  443,  21,   22,   25,   3389, 110, 445, 139,
                                       143,  53,  135,  3306, 8080, 1723, 111,  995, 993, 5900,
                                       1025, 587, 8888, 199,  1720, 113,  554,  256};

/* splitmix64 (Steele, Lea, Flood 2014): small, fast and well mixed, which is
 * all a scan order needs; it is not used for anything secret. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, bound) by rejection, so no index is favoured. */
static size_t random_below(uint64_t *state, size_t bound)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t r;
    do {
        r = next_random(state);
    } while (r >= limit);
    return (size_t)(r % bound);
}

static void fisher_yates(uint16_t *v, size_t n, uint64_t *state)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = random_below(state, i);
        uint16_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

static bool is_popular(uint16_t port)
{
    for (size_t i = 0; i < sizeof popular_tcp / sizeof popular_tcp[0]; i++)
        if (popular_tcp[i] == port) return true;
    return false;
}

static void popular_first(uint16_t *v, size_t n)
{
    size_t front = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_popular(v[i])) continue;
        uint16_t t = v[front];
        v[front++] = v[i];
        v[i] = t;
    }
}

void portlist_shuffle(struct port_list *pl, uint64_t seed)
{
    uint64_t state = seed;
    for (unsigned p = 0; p < PROTO_COUNT; p++)
        if (pl->count[p] > 1) fisher_yates(pl->ports[p], pl->count[p], &state);
    popular_first(pl->ports[PROTO_TCP], pl->count[PROTO_TCP]);
}

/* Longest output: every other port, "n," each; 12 bytes covers "a-b,". */
#define RANGE_BYTES 12

char *portlist_ranges(const uint16_t *ports, size_t n)
{
    static const size_t words = 65536 / 64;
    uint64_t seen[65536 / 64];
    memset(seen, 0, sizeof seen);
    for (size_t i = 0; i < n; i++)
        seen[ports[i] >> 6] |= UINT64_C(1) << (ports[i] & 63);
    char *out = malloc(n * RANGE_BYTES + 1);
    if (!out) return NULL;
    char *w = out, *end = out + n * RANGE_BYTES + 1;
    *w = '\0';
    for (size_t port = 0; port < words * 64; port++) {
        if (!(seen[port >> 6] & (UINT64_C(1) << (port & 63)))) continue;
        size_t last = port;
        while (last + 1 < 65536 && (seen[(last + 1) >> 6] & (UINT64_C(1) << ((last + 1) & 63))))
            last++;
        const char *sep = (w == out) ? "" : ",";
        if (last == port)
            w += snprintf(w, (size_t)(end - w), "%s%zu", sep, port);
        else
            w += snprintf(w, (size_t)(end - w), "%s%zu-%zu", sep, port, last);
        port = last;
    }
    return out;
}
