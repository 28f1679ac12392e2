// SPDX-License-Identifier: MIT
// trace_group(): sorts a group's hosts into neighbours (one hop, no probe,
// as nmap), hosts of this machine (no trace) and the rest, chooses each
// one's probe and starting TTL, runs the packet loop (tengine.c) and
// writes the hops into each struct host. The raw socket, the capture and
// the hop cache live for the whole run, as nmap's cache does across groups.
#include "trace/trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "cli/plan.h"
#include "core/log.h"
#include "net/route.h"
#include "raw/rawio.h"
#include "report/model.h"
#include "scan/syn.h"
#include "trace/tengine.h"
#include "trace/tnames.h"

/* Our own raw socket and capture, or the port scan's (one capture fewer to
 * open, which costs more than the trace of a small group). */
static struct raw_io own;
static struct raw_io *io;
static struct hop_cache cache;
/* Where a host without a distance hint starts: nmap's 10, then the longest
 * path of the previous group. */
static unsigned initial_ttl = TRACE_DEFAULT_TTL;

void trace_open(const struct plan *plan)
{
    if (!plan->traceroute || io) return;
    /* nmap refuses even a list scan, which would trace nothing. */
    if (!plan->privileged) fatal("Traceroute has to be run as root");
    if (plan->list_scan) return;
    struct raw_io *shared = syn_scan_raw_io();
    if (shared && shared->family == plan->address_family) {
        io = shared;
        return;
    }
    char err[512];
    if (raw_io_open(&own, plan->address_family, err, sizeof err) != 0)
        fatal("Traceroute: %s", err);
    io = &own;
}

/* Before syn_scan_close(), which closes a shared capture itself. */
void trace_close(void)
{
    if (io == &own) raw_io_close(&own);
    io = NULL;
    hop_cache_free(&cache);
    trace_names_free();
}

static const struct tengine *sort_engine;

static int cmp_by_addr(const void *a, const void *b)
{
    const struct tengine *e = sort_engine;
    return memcmp(e->hosts[*(const uint32_t *)a].target, e->hosts[*(const uint32_t *)b].target,
                  16);
}

/* Only answers addressed to one of our source addresses. */
static int set_filter(const struct tengine *e)
{
    size_t cap = 64 + e->n_hosts * (NET_ADDR_STRLEN + 16), len;
    char *f = malloc(cap);
    if (!f) return -1;
    len = (size_t)snprintf(f, cap, "(icmp or icmp6 or tcp or udp) and (");
    size_t n_self = 0;
    for (size_t i = 0; i < e->n_hosts; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = memcmp(e->hosts[j].self, e->hosts[i].self, 16) == 0;
        if (seen) continue;
        struct net_addr a = {.family = e->hosts[i].host->addr.family};
        memcpy(a.bytes, e->hosts[i].self, 16);
        char s[NET_ADDR_STRLEN];
        net_addr_format(&a, s, sizeof s);
        len += (size_t)snprintf(f + len, cap - len, "%sdst host %s", n_self++ ? " or " : "", s);
        if (len >= cap - 2) break; /* cannot happen: cap counts every address */
    }
    snprintf(f + len, cap - len, ")");
    char err[512];
    int rc = raw_io_set_filter(io, f, err, sizeof err);
    if (rc != 0) error("%s", err);
    free(f);
    return rc;
}

/* A neighbour's trace: one hop, the host itself, timed by the scan. */
static void trace_direct(struct host *h)
{
    struct host_trace *t = calloc(1, sizeof *t);
    struct trace_hop *hop = calloc(1, sizeof *hop);
    if (!t || !hop) {
        free(t);
        free(hop);
        return;
    }
    *hop = (struct trace_hop){
        .ttl = 1, .rtt_ms = h->have_times ? (double)h->srtt_us / 1000.0 : -1.0,
        .addr = h->addr, .tag = h->addr};
    *t = (struct host_trace){.kind = TRACE_DIRECT, .hops = hop, .n_hops = 1};
    h->trace = t;
}

static void collect(struct tengine *e)
{
    size_t longest = 0;
    for (size_t i = 0; i < e->n_hosts; i++) {
        struct thost *th = &e->hosts[i];
        struct trace_hop *hops;
        size_t n;
        if (trace_export(&cache, &th->st, &hops, &n) != 0 || n == 0) continue;
        struct host_trace *t = calloc(1, sizeof *t);
        if (!t) {
            free(hops);
            continue;
        }
        *t = (struct host_trace){.kind = th->probe.kind,
                                 .proto = th->proto,
                                 .port = th->probe.port,
                                 .hops = hops,
                                 .n_hops = n};
        host_trace_free(th->host->trace);
        th->host->trace = t;
        if (n > longest) longest = n;
    }
    if (longest > 0) initial_ttl = (unsigned)longest;
    /* Kept across groups like nmap's, but not without bound. */
    if (cache.n > TRACE_CACHE_LIMIT) hop_cache_free(&cache);
}

static bool add_host(struct tengine *e, const struct plan *plan, struct host *h)
{
    struct route_choice rc;
    if (h->addr.family != io->family || route_lookup_kernel(&h->addr, &rc) != 0 || rc.local)
        return false; /* no route, or one of ours: nothing to trace */
    if (rc.direct) {
        trace_direct(h);
        return false;
    }
    struct thost *th = &e->hosts[e->n_hosts];
    memset(th, 0, sizeof *th);
    th->host = h;
    size_t alen = h->addr.family == AF_INET6 ? 16 : 4;
    memcpy(th->target, h->addr.bytes, alen);
    memcpy(th->self, rc.src.bytes, alen);
    th->salen = net_addr_to_sockaddr(&h->addr, 0, &th->sa);
    trace_probe_choose(plan, h, &th->probe);
    th->proto = trace_probe_proto(&th->probe, h->addr.family);
    unsigned guess = trace_distance_guess(th->probe.reply_ttl);
    trace_state_init(&th->st, &h->addr, guess ? guess : initial_ttl, guess != 0);
    e->n_hosts++;
    return true;
}

int trace_group(const struct plan *plan, struct host **hosts, size_t n,
                const struct scan_observer *obs)
{
    if (!io || n == 0) return 0;
    struct tengine e = {.plan = plan, .io = io, .cache = &cache, .obs = obs};
    e.hosts = calloc(n, sizeof *e.hosts);
    e.by_addr = calloc(n, sizeof *e.by_addr);
    if (!e.hosts || !e.by_addr) fatal("Out of memory");
    for (size_t i = 0; i < n; i++)
        if (!hosts[i]->timed_out && hosts[i]->state == HOST_STATE_UP) add_host(&e, plan, hosts[i]);
    int rc = 0;
    if (e.n_hosts > 0) {
        for (size_t i = 0; i < e.n_hosts; i++)
            e.by_addr[i] = (uint32_t)i;
        sort_engine = &e;
        qsort(e.by_addr, e.n_hosts, sizeof *e.by_addr, cmp_by_addr);
        uint16_t ids[2] = {0, 0};
        if (getrandom(ids, sizeof ids, 0) != sizeof ids) {
            ids[0] = (uint16_t)getpid();
            ids[1] = (uint16_t)(ids[0] * 7919u);
        }
        e.icmp_id = ids[0];
        e.next_token = ids[1];
        int retries = plan->timing.max_retries;
        e.max_resends = retries >= 0 && retries < 2 ? (unsigned)retries : 2;
        e.scan_delay = plan->timing.scan_delay > 0 ? plan->timing.scan_delay : 0;
        if (set_filter(&e) == 0) rc = tengine_run(&e);
        if (e.oom) error("Traceroute: out of memory; some hops are missing.");
        if (rc == 0) collect(&e);
    }
    free(e.hosts);
    free(e.by_addr);
    return rc;
}
