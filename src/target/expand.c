// SPDX-License-Identifier: MIT
#include "target/expand.h"

#include <stdlib.h>
#include <string.h>

void cursor_reset(struct spec_cursor *c)
{
    free(c->name);
    addr_list_free(&c->resolved);
    memset(c, 0, sizeof *c);
}

/* Smallest member of an octet set at or above from; 256 if none. */
static unsigned next_member(const uint8_t set[32], unsigned from)
{
    for (unsigned v = from; v < 256; v++)
        if (octet_set_has(set, v)) return v;
    return 256;
}

void cursor_init_v4(struct spec_cursor *c, const octet_sets sets)
{
    c->kind = CUR_V4;
    c->done = false;
    memcpy(c->octets, sets, sizeof(octet_sets));
    for (int i = 0; i < 4; i++) {
        c->ctr[i] = (uint16_t)next_member(sets[i], 0);
        if (c->ctr[i] == 256) c->done = true; /* an empty octet: no address */
    }
}

void cursor_init_v6(struct spec_cursor *c, const uint8_t addr[16], int bits, uint32_t scope_id)
{
    c->kind = CUR_V6;
    c->done = false;
    target_v6_block(addr, bits, c->cur6, c->end6);
    c->scope_id = scope_id;
}

void cursor_init_name(struct spec_cursor *c, char *name, struct addr_list *resolved, size_t first,
                      int bits, bool resolve_all, int family)
{
    const struct net_addr *a = &resolved->v[first];
    if (a->family == AF_INET) {
        octet_sets sets = {{0}};
        uint32_t v = net_addr_v4(a);
        for (int i = 0; i < 4; i++)
            octet_set_add(sets[i], (v >> (24 - 8 * i)) & 0xFF);
        target_v4_apply_mask(sets, bits);
        cursor_init_v4(c, sets);
    } else {
        cursor_init_v6(c, a->bytes, bits, a->scope_id);
    }
    c->name = name;
    c->resolved = *resolved;
    resolved->v = NULL;
    resolved->n = 0;
    c->first = first;
    c->extra = first + 1;
    c->resolve_all = resolve_all;
    c->family = family;
}

/* Advance the octet counters like an odometer over the member sets. */
static void v4_advance(struct spec_cursor *c)
{
    for (int i = 3; i >= 0; i--) {
        unsigned n = next_member(c->octets[i], c->ctr[i] + 1u);
        if (n < 256) {
            c->ctr[i] = (uint16_t)n;
            return;
        }
        c->ctr[i] = (uint16_t)next_member(c->octets[i], 0);
    }
    c->done = true;
}

static bool block_next(struct spec_cursor *c, struct net_addr *out)
{
    if (c->done) return false;
    if (c->kind == CUR_V4) {
        net_addr_set_v4(out, (uint32_t)c->ctr[0] << 24 | (uint32_t)c->ctr[1] << 16 |
                                 (uint32_t)c->ctr[2] << 8 | c->ctr[3]);
        v4_advance(c);
        return true;
    }
    memset(out, 0, sizeof *out);
    out->family = AF_INET6;
    memcpy(out->bytes, c->cur6, 16);
    out->scope_id = c->scope_id;
    if (memcmp(c->cur6, c->end6, 16) == 0) {
        c->done = true;
    } else {
        for (int i = 15; i >= 0 && ++c->cur6[i] == 0; i--)
            ;
    }
    return true;
}

bool cursor_next(struct spec_cursor *c, struct net_addr *out)
{
    if (c->kind == CUR_NONE) return false;
    if (block_next(c, out)) return true;
    if (!c->resolve_all) return false;
    for (; c->extra < c->resolved.n; c->extra++) {
        if (c->resolved.v[c->extra].family != c->family) continue;
        *out = c->resolved.v[c->extra++];
        return true;
    }
    return false;
}

static bool is_named(const struct spec_cursor *c, const struct net_addr *a)
{
    if (!c->name) return false;
    if (!c->resolve_all) return net_addr_equal(a, &c->resolved.v[c->first]);
    for (size_t i = 0; i < c->resolved.n; i++)
        if (net_addr_equal(a, &c->resolved.v[i])) return true;
    return false;
}

/* Without --resolve-all every other address is unscanned; with it, only
 * those of the other family. */
static bool is_unscanned(const struct spec_cursor *c, size_t i)
{
    return c->resolve_all ? c->resolved.v[i].family != c->family : i != c->first;
}

void cursor_describe(const struct spec_cursor *c, const struct net_addr *a, struct target *t)
{
    memset(t, 0, sizeof *t);
    t->addr = *a;
    if (!is_named(c, a)) return;
    t->name = strdup(c->name);
    t->others = calloc(c->resolved.n ? c->resolved.n : 1, sizeof *t->others);
    if (!t->name || !t->others) abort();
    for (size_t i = 0; i < c->resolved.n; i++)
        if (is_unscanned(c, i)) t->others[t->n_others++] = c->resolved.v[i];
}
