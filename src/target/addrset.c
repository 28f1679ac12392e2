// SPDX-License-Identifier: MIT
#include "target/addrset.h"

#include <stdint.h>
#include <stdlib.h>

/* FNV-1a over the bytes that make an address distinct. */
static size_t addr_hash(const struct net_addr *a)
{
    uint64_t h = 0xCBF29CE484222325ull;
    size_t n = a->family == AF_INET ? 4 : 16;
    h = (h ^ a->family) * 0x100000001B3ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ a->bytes[i]) * 0x100000001B3ull;
    h = (h ^ a->scope_id) * 0x100000001B3ull;
    return (size_t)h;
}

/* Open addressing with linear probing; cap is a power of two. */
static size_t find_slot(const struct seen_set *s, const struct net_addr *a)
{
    size_t i = addr_hash(a) & (s->cap - 1);
    while (s->used[i] && !net_addr_equal(&s->slots[i], a))
        i = (i + 1) & (s->cap - 1);
    return i;
}

static void grow(struct seen_set *s)
{
    struct seen_set bigger = {0};
    bigger.cap = s->cap ? s->cap * 2 : 1024;
    bigger.slots = calloc(bigger.cap, sizeof *bigger.slots);
    bigger.used = calloc(bigger.cap, sizeof *bigger.used);
    if (!bigger.slots || !bigger.used) abort();
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->used[i]) continue;
        size_t j = find_slot(&bigger, &s->slots[i]);
        bigger.slots[j] = s->slots[i];
        bigger.used[j] = true;
        bigger.n++;
    }
    seen_set_free(s);
    *s = bigger;
}

bool seen_set_add(struct seen_set *s, const struct net_addr *a)
{
    if ((s->n + 1) * 2 > s->cap) grow(s);
    size_t i = find_slot(s, a);
    if (s->used[i]) return false;
    s->slots[i] = *a;
    s->used[i] = true;
    s->n++;
    return true;
}

void seen_set_free(struct seen_set *s)
{
    free(s->slots);
    free(s->used);
    s->slots = NULL;
    s->used = NULL;
    s->cap = s->n = 0;
}
