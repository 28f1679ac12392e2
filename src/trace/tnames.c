// SPDX-License-Identifier: MIT
#include "trace/tnames.h"

#include <stdlib.h>
#include <string.h>

#include "core/signals.h"
#include "dns/rdns.h"
#include "report/model.h"
#include "target/targets.h"

/* Names found earlier in the run, as nmap's resolver caches its positive
 * answers: a hop already named (a scanned host, a hop of an earlier group)
 * is not asked again. Bounded; trace_names_free() empties it. */
#define KNOWN_MAX 4096
static struct known {
    struct net_addr addr;
    char *name;
} known[KNOWN_MAX];
static size_t n_known;

static const char *known_name(struct host **hosts, size_t n, const struct net_addr *a)
{
    for (size_t i = 0; i < n; i++)
        if (hosts[i]->rdns && net_addr_equal(&hosts[i]->addr, a)) return hosts[i]->rdns;
    for (size_t i = 0; i < n_known; i++)
        if (net_addr_equal(&known[i].addr, a)) return known[i].name;
    return NULL;
}

static void remember(const struct net_addr *a, const char *name)
{
    if (n_known == KNOWN_MAX) return;
    char *copy = strdup(name);
    if (!copy) return;
    known[n_known++] = (struct known){.addr = *a, .name = copy};
}

/* The distinct answered hop addresses of the group without a known name,
 * each as a bare host for the resolver. */
static size_t collect(struct host **hosts, size_t n, struct host ***out)
{
    size_t cap = 0, k = 0;
    for (size_t i = 0; i < n; i++)
        if (hosts[i]->trace) cap += hosts[i]->trace->n_hops;
    *out = NULL;
    if (cap == 0) return 0;
    struct host **v = calloc(cap, sizeof *v);
    if (!v) return 0;
    for (size_t i = 0; i < n; i++) {
        const struct host_trace *t = hosts[i]->trace;
        if (!t || t->kind == TRACE_DIRECT) continue; /* a neighbour has its own name */
        for (size_t j = 0; j < t->n_hops; j++) {
            if (t->hops[j].timed_out || known_name(hosts, n, &t->hops[j].addr)) continue;
            bool seen = false;
            for (size_t m = 0; m < k && !seen; m++)
                seen = net_addr_equal(&v[m]->addr, &t->hops[j].addr);
            if (seen) continue;
            struct host *h = calloc(1, sizeof *h);
            if (!h) break;
            h->addr = t->hops[j].addr;
            h->state = HOST_STATE_UP;
            v[k++] = h;
        }
    }
    *out = v;
    return k;
}

void trace_name_hops(struct host **hosts, size_t n, struct rdns *rdns)
{
    struct host **addrs;
    size_t k = collect(hosts, n, &addrs);
    if (k > 0) {
        if (rdns)
            rdns_resolve(rdns, addrs, k);
        else
            for (size_t i = 0; i < k && !scan_stop_requested; i++)
                addrs[i]->rdns = target_reverse_lookup(&addrs[i]->addr);
        for (size_t i = 0; i < k; i++)
            if (addrs[i]->rdns) remember(&addrs[i]->addr, addrs[i]->rdns);
    }
    for (size_t i = 0; i < n; i++) {
        struct host_trace *t = hosts[i]->trace;
        if (!t) continue;
        for (size_t j = 0; j < t->n_hops; j++) {
            struct trace_hop *hp = &t->hops[j];
            if (hp->timed_out || hp->name) continue;
            if (t->kind == TRACE_DIRECT) {
                if (hosts[i]->rdns) hp->name = strdup(hosts[i]->rdns);
                continue;
            }
            const char *name = known_name(hosts, n, &hp->addr);
            if (name) hp->name = strdup(name);
        }
    }
    for (size_t i = 0; i < k; i++) {
        free(addrs[i]->rdns);
        free(addrs[i]);
    }
    free(addrs);
}

void trace_names_free(void)
{
    for (size_t i = 0; i < n_known; i++)
        free(known[i].name);
    n_known = 0;
}
