// SPDX-License-Identifier: MIT
#include "target/exclude.h"

#include <netdb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "target/resolve.h"
#include "target/targetspec.h"

struct u128 {
    uint64_t hi, lo;
};

struct interval {
    struct u128 lo, hi;
};

struct exclude_set {
    struct interval *iv;
    size_t n_iv, cap_iv;
    bool sorted; /* iv is sorted and merged */
    octet_sets *ranges;
    size_t n_ranges, cap_ranges;
};

struct exclude_set *exclude_new(void)
{
    struct exclude_set *set = calloc(1, sizeof *set);
    if (!set) abort();
    set->sorted = true;
    return set;
}

void exclude_free(struct exclude_set *set)
{
    if (!set) return;
    free(set->iv);
    free(set->ranges);
    free(set);
}

static int u128_cmp(struct u128 a, struct u128 b)
{
    if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
    return 0;
}

static uint64_t load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* The 128-bit key nmap's trie uses: IPv4 as ::ffff:a.b.c.d. */
static struct u128 addr_key(const struct net_addr *a)
{
    if (a->family == AF_INET) {
        struct u128 k = {0, 0xFFFF00000000ull | net_addr_v4(a)};
        return k;
    }
    struct u128 k = {load_be64(a->bytes), load_be64(a->bytes + 8)};
    return k;
}

/* Mask of the top bits (0..128) of a 128-bit value. */
static struct u128 prefix_mask(int bits)
{
    struct u128 m = {0, 0};
    if (bits >= 64) {
        m.hi = ~0ull;
        m.lo = bits == 64 ? 0 : ~0ull << (128 - bits);
    } else if (bits > 0) {
        m.hi = ~0ull << (64 - bits);
    }
    return m;
}

static void push_interval(struct exclude_set *set, const struct net_addr *a, int bits)
{
    int total = bits < 0 ? 128 : (a->family == AF_INET ? bits + 96 : bits);
    struct u128 k = addr_key(a), m = prefix_mask(total);
    struct interval iv = {{k.hi & m.hi, k.lo & m.lo}, {k.hi | ~m.hi, k.lo | ~m.lo}};
    if (set->n_iv == set->cap_iv) {
        set->cap_iv = set->cap_iv ? set->cap_iv * 2 : 16;
        set->iv = realloc(set->iv, set->cap_iv * sizeof *set->iv);
        if (!set->iv) abort();
    }
    set->iv[set->n_iv++] = iv;
    set->sorted = false;
}

static void push_ranges(struct exclude_set *set, octet_sets sets)
{
    if (set->n_ranges == set->cap_ranges) {
        set->cap_ranges = set->cap_ranges ? set->cap_ranges * 2 : 4;
        set->ranges = realloc(set->ranges, set->cap_ranges * sizeof *set->ranges);
        if (!set->ranges) abort();
    }
    memcpy(set->ranges[set->n_ranges++], sets, sizeof(octet_sets));
}

static int interval_cmp(const void *a, const void *b)
{
    return u128_cmp(((const struct interval *)a)->lo, ((const struct interval *)b)->lo);
}

/* Sort and merge overlapping intervals so lookups can binary-search. */
static void seal(struct exclude_set *set)
{
    if (set->sorted) return;
    qsort(set->iv, set->n_iv, sizeof *set->iv, interval_cmp);
    size_t w = 0;
    for (size_t r = 0; r < set->n_iv; r++) {
        if (w > 0 && u128_cmp(set->iv[r].lo, set->iv[w - 1].hi) <= 0) {
            if (u128_cmp(set->iv[r].hi, set->iv[w - 1].hi) > 0) set->iv[w - 1].hi = set->iv[r].hi;
        } else {
            set->iv[w++] = set->iv[r];
        }
    }
    set->n_iv = w;
    set->sorted = true;
}

bool exclude_contains(struct exclude_set *set, const struct net_addr *a)
{
    seal(set);
    struct u128 k = addr_key(a);
    size_t lo = 0, hi = set->n_iv; /* find the last interval starting <= k */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u128_cmp(set->iv[mid].lo, k) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && u128_cmp(k, set->iv[lo - 1].hi) <= 0) return true;
    if (a->family != AF_INET) return false;
    uint32_t v4 = net_addr_v4(a);
    for (size_t i = 0; i < set->n_ranges; i++)
        if (target_v4_sets_contain(set->ranges[i], v4)) return true;
    return false;
}

/* A numeric address of either family, as getaddrinfo(AI_NUMERICHOST) reads
 * it (so "10", "1.2.3" and "fe80::1%eth0" count, like in nmap). */
static int add_numeric(struct exclude_set *set, const char *host, const char *spec, long bits,
                       char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_NUMERICHOST;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, NULL, &hints, &res) != 0) return 1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if ((ai->ai_family == AF_INET && bits > 32) || bits > 128) {
            snprintf(err, errlen,
                     "Illegal netmask in \"%s\". Must be smaller than address bit length.\n", spec);
            freeaddrinfo(res);
            return -1;
        }
        struct net_addr a;
        net_addr_from_sockaddr(ai->ai_addr, &a);
        push_interval(set, &a, (int)bits);
    }
    freeaddrinfo(res);
    return 0;
}

static int add_resolved(struct exclude_set *set, const char *host, const char *spec, long bits,
                        int family, char *err, size_t errlen)
{
    struct addr_list l;
    int rc = resolve_family(host, family, &l);
    if (rc != 0) {
        snprintf(err, errlen, "Error resolving name \"%s\": %s\n", host, gai_strerror(rc));
        return -1;
    }
    for (size_t i = 0; i < l.n; i++) {
        int max = l.v[i].family == AF_INET ? 32 : 128;
        if (bits > max) {
            snprintf(err, errlen, "Illegal netmask in \"%s\". Must be between 0 and %d.\n", spec,
                     max);
            addr_list_free(&l);
            return -1;
        }
        push_interval(set, &l.v[i], (int)bits);
    }
    addr_list_free(&l);
    return 0;
}

/* nmap's addrset_add_spec: the netmask follows the first slash; then a
 * numeric address, then octet ranges, then a name. */
static int add_host(struct exclude_set *set, const char *host, const char *spec, long bits,
                    int family, char *err, size_t errlen)
{
    int rc = add_numeric(set, host, spec, bits, err, errlen);
    if (rc <= 0) return rc;
    octet_sets sets;
    if (target_parse_v4_ranges(host, strlen(host), sets) == 0) {
        if (bits > 32) {
            snprintf(err, errlen, "Illegal netmask in \"%s\". Must be between 0 and 32.\n", spec);
            return -1;
        }
        target_v4_apply_mask(sets, (int)bits);
        push_ranges(set, sets);
        return 0;
    }
    return add_resolved(set, host, spec, bits, family, err, errlen);
}

int exclude_add_spec(struct exclude_set *set, const char *spec, int family, char *err,
                     size_t errlen)
{
    const char *slash = strchr(spec, '/');
    long bits = -1;
    if (slash) {
        const char *end;
        if (target_parse_decimal(slash + 1, &bits, &end) < 0 || *end != '\0') {
            snprintf(err, errlen, "Error parsing netmask in \"%s\".\n", spec);
            return -1;
        }
    }
    size_t host_len = slash ? (size_t)(slash - spec) : strlen(spec);
    char *host = strndup(spec, host_len);
    if (!host) abort();
    int rc = add_host(set, host, spec, bits, family, err, errlen);
    free(host);
    return rc;
}
