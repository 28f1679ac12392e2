// SPDX-License-Identifier: MIT
// The hosts an interrupted run left half-scanned. The scan engine gives
// every host of a group the same port list, so hosts are grouped: the
// first group starts with the host that has the most ports left, and
// another host joins while the group's list (the union of their remaining
// ports) stays within twice its own remaining ports. Hosts interrupted at
// about the same point, the usual case, so run in parallel as one group;
// a nearly finished host never rescans a whole port range for another.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "core/log.h"
#include "report/resume.h"
#include "report/resume_state.h"
#include "scan/service_table.h"

#define PORTS_PER_PROTO 65536

struct portset {
    uint8_t bits[PROTO_COUNT][PORTS_PER_PROTO / 8];
};

static bool has(const struct portset *s, unsigned proto, unsigned port)
{
    return s->bits[proto][port / 8] & (1u << (port % 8));
}

static void put(struct portset *s, unsigned proto, unsigned port, bool on)
{
    uint8_t bit = (uint8_t)(1u << (port % 8));
    if (on)
        s->bits[proto][port / 8] |= bit;
    else
        s->bits[proto][port / 8] &= (uint8_t)~bit;
}

static void mark_known(struct portset *s, const struct partial_host *h, bool on)
{
    for (size_t i = 0; i < h->n_ports; i++)
        if (h->ports[i].proto < PROTO_COUNT) put(s, h->ports[i].proto, h->ports[i].port, on);
}

/* The group being built: the plan's ports, the union so far, and a scratch
 * set for one host's known ports. */
struct builder {
    const struct plan *plan;
    struct portset planned, group, known;
    size_t group_count;
};

static size_t remaining(struct builder *b, const struct partial_host *h)
{
    size_t known = 0;
    for (size_t i = 0; i < h->n_ports; i++)
        known += h->ports[i].proto < PROTO_COUNT &&
                 has(&b->planned, h->ports[i].proto, h->ports[i].port);
    return portlist_total(&b->plan->ports) - known;
}

/* Ports of h's remaining ones already in the group: |group \ known(h)|
 * counted the other way round, |group| - |group ∩ known(h)|. */
static size_t overlap(struct builder *b, const struct partial_host *h)
{
    size_t shared_known = 0;
    for (size_t i = 0; i < h->n_ports; i++)
        shared_known +=
            h->ports[i].proto < PROTO_COUNT && has(&b->group, h->ports[i].proto, h->ports[i].port);
    return b->group_count - shared_known;
}

static void join(struct builder *b, const struct partial_host *h)
{
    mark_known(&b->known, h, true);
    for (unsigned p = 0; p < PROTO_COUNT; p++) {
        const struct port_list *pl = &b->plan->ports;
        for (size_t i = 0; i < pl->count[p]; i++) {
            unsigned port = pl->ports[p][i];
            if (has(&b->known, p, port) || has(&b->group, p, port)) continue;
            put(&b->group, p, port, true);
            b->group_count++;
        }
    }
    mark_known(&b->known, h, false);
}

/* The group's port list: the plan's ports in the plan's order. */
static void group_ports(const struct builder *b, struct port_list *out)
{
    memset(out, 0, sizeof *out);
    for (unsigned p = 0; p < PROTO_COUNT; p++) {
        const struct port_list *pl = &b->plan->ports;
        out->ports[p] = malloc((pl->count[p] ? pl->count[p] : 1) * sizeof(uint16_t));
        if (!out->ports[p]) fatal("Out of memory resuming hosts");
        for (size_t i = 0; i < pl->count[p]; i++)
            if (has(&b->group, p, pl->ports[p][i]))
                out->ports[p][out->count[p]++] = pl->ports[p][i];
    }
}

static struct host *host_from_record(const struct partial_host *rec)
{
    struct host *h = calloc(1, sizeof *h);
    if (!h) fatal("Out of memory resuming hosts");
    h->addr = rec->addr;
    if (rec->name && !(h->target_name = strdup(rec->name))) fatal("Out of memory resuming hosts");
    if (rec->n_others) {
        h->other_addrs = malloc(rec->n_others * sizeof *h->other_addrs);
        if (!h->other_addrs) fatal("Out of memory resuming hosts");
        memcpy(h->other_addrs, rec->others, rec->n_others * sizeof *h->other_addrs);
        h->n_other_addrs = rec->n_others;
    }
    gettimeofday(&h->start_time, NULL);
    return h;
}

static void plan_ports(struct builder *b, const struct plan *plan)
{
    b->plan = plan;
    for (unsigned p = 0; p < PROTO_COUNT; p++)
        for (size_t i = 0; i < plan->ports.count[p]; i++)
            put(&b->planned, p, plan->ports.ports[p][i], true);
}

struct candidate {
    size_t entry;
    size_t left;
};

static int by_left_desc(const void *a, const void *b)
{
    const struct candidate *x = a, *y = b;
    if (x->left != y->left) return x->left < y->left ? 1 : -1;
    return (x->entry > y->entry) - (x->entry < y->entry);
}

/* The records still to scan, most ports left first. */
static size_t pending(struct resume *r, struct builder *b, struct candidate *out)
{
    size_t n = 0;
    for (size_t i = 0; i < r->log.n_partials; i++) {
        if (r->scheduled[i] || r->log.partials[i].finished) continue;
        out[n++] = (struct candidate){i, remaining(b, &r->log.partials[i].host)};
    }
    qsort(out, n, sizeof *out, by_left_desc);
    return n;
}

static size_t choose(struct resume *r, struct builder *b, struct candidate *c, size_t n,
                     size_t capacity, size_t *chosen)
{
    size_t count = 0;
    for (size_t i = 0; i < n && count < capacity; i++) {
        const struct partial_host *h = &r->log.partials[c[i].entry].host;
        /* The group's list grows to |group| + (c.left - overlap): join
         * only while that is at most twice this host's own. */
        if (count > 0 && b->group_count + c[i].left - overlap(b, h) > 2 * c[i].left) continue;
        join(b, h);
        chosen[count++] = c[i].entry;
        r->scheduled[c[i].entry] = true;
    }
    return count;
}

bool resume_next_group(struct resume *r, const struct plan *plan, struct resume_group *g)
{
    memset(g, 0, sizeof *g);
    if (!r) return false;
    struct builder *b = calloc(1, sizeof *b);
    struct candidate *c = calloc(r->log.n_partials + 1, sizeof *c);
    size_t *chosen = calloc(r->log.n_partials + 1, sizeof *chosen);
    if (!b || !c || !chosen) fatal("Out of memory resuming hosts");
    plan_ports(b, plan);
    size_t n = pending(r, b, c);
    size_t count = n ? choose(r, b, c, n, hostgroup_size(plan), chosen) : 0;
    if (count > 0) {
        g->plan = *plan;
        group_ports(b, &g->plan.ports);
        hostgroup_init(&g->hosts, count);
        for (size_t i = 0; i < count; i++)
            g->hosts.hosts[i] = host_from_record(&r->log.partials[chosen[i]].host);
        g->hosts.count = count;
        g->entries = chosen;
        chosen = NULL;
    }
    free(chosen);
    free(c);
    free(b);
    return count > 0;
}

/* h's ports: the earlier run's (those still planned) and this run's for
 * the rest. */
static void merge_host(struct host *h, const struct partial_host *rec, struct builder *b)
{
    size_t cap = rec->n_ports + h->n_ports;
    struct port_result *v = malloc((cap ? cap : 1) * sizeof *v);
    if (!v) fatal("Out of memory resuming hosts");
    size_t n = 0;
    for (size_t i = 0; i < rec->n_ports; i++) {
        const struct port_result *p = &rec->ports[i];
        if (p->proto < PROTO_COUNT && has(&b->planned, p->proto, p->port)) v[n++] = *p;
    }
    mark_known(&b->known, rec, true);
    for (size_t i = 0; i < h->n_ports; i++)
        if (h->ports[i].proto >= PROTO_COUNT ||
            !has(&b->known, h->ports[i].proto, h->ports[i].port))
            v[n++] = h->ports[i];
    mark_known(&b->known, rec, false);
    free(h->ports);
    h->ports = v;
    h->n_ports = n;
    service_table_fill(h, b->plan->services, b->plan->protocols);
}

void resume_group_merge(const struct resume *r, const struct plan *plan, struct resume_group *g)
{
    struct builder *b = calloc(1, sizeof *b);
    if (!b) fatal("Out of memory resuming hosts");
    plan_ports(b, plan);
    for (size_t i = 0; i < g->hosts.count; i++) {
        struct host *h = g->hosts.hosts[i];
        /* A host that timed out reports no ports at all, as nmap. */
        if (h->timed_out) continue;
        merge_host(h, &r->log.partials[g->entries[i]].host, b);
    }
    free(b);
}

void resume_group_free(struct resume_group *g)
{
    if (g->hosts.hosts) hostgroup_free(&g->hosts);
    portlist_free(&g->plan.ports);
    free(g->entries);
    memset(g, 0, sizeof *g);
}
