// SPDX-License-Identifier: MIT
#include "scan/hostgroup.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "cli/plan.h"
#include "core/log.h"
#include "report/model.h"
#include "target/targets.h"

/* A connect scan keeps at most a few thousand sockets in flight whatever the
 * group size, so a group of 256 hosts keeps every socket busy on a /24 scan
 * while bounding per-host result memory (65535 ports x 16 bytes per host). */
enum { DEFAULT_GROUP = 256, LIST_SCAN_GROUP = 4096, PING_SCAN_GROUP = 4096 };
/* The raw port scans keep about 31 bytes per host and port (its result and
 * the engine's state byte, try number and send time), and no socket: a
 * group is sized to hold this many ports (some 16 MiB), between a few
 * dozen hosts for all 65535 ports and discovery's 4096 for a handful, so
 * a wide range of few ports keeps thousands of hosts in flight. */
enum { RAW_PORT_SLOTS = 1 << 19, RAW_GROUP_MIN = 32, RAW_GROUP_MAX = 4096 };

static bool raw_port_scan(const struct plan *plan)
{
    return (plan->tcp_scan != TCP_SCAN_NONE && plan->tcp_scan != TCP_SCAN_CONNECT) ||
           plan->udp_scan;
}

static size_t raw_group(const struct plan *plan)
{
    size_t ports = 0;
    for (int p = 0; p < PROTO_COUNT; p++)
        ports += plan->ports.count[p];
    size_t n = RAW_PORT_SLOTS / (ports ? ports : 1);
    return n < RAW_GROUP_MIN ? RAW_GROUP_MIN : n > RAW_GROUP_MAX ? RAW_GROUP_MAX : n;
}

size_t hostgroup_size(const struct plan *plan)
{
    /* A ping scan keeps only discovery state per host: nmap's 4096 hosts
     * (PING_GROUP_SZ) per group. */
    size_t n = plan->list_scan   ? LIST_SCAN_GROUP
               : plan->ping_scan ? PING_SCAN_GROUP
               : raw_port_scan(plan) ? raw_group(plan)
                                     : DEFAULT_GROUP;
    if (plan->timing.max_hostgroup > 0 && (size_t)plan->timing.max_hostgroup < n)
        n = (size_t)plan->timing.max_hostgroup;
    if (plan->timing.min_hostgroup > 0 && (size_t)plan->timing.min_hostgroup > n)
        n = (size_t)plan->timing.min_hostgroup;
    return n ? n : 1;
}

void hostgroup_init(struct hostgroup *g, size_t capacity)
{
    g->hosts = calloc(capacity, sizeof *g->hosts);
    if (!g->hosts) fatal("Out of memory allocating a host group of %zu hosts", capacity);
    g->capacity = capacity;
    g->count = 0;
}

static struct host *host_from_target(struct target *t)
{
    struct host *h = calloc(1, sizeof *h);
    if (!h) fatal("Out of memory allocating a host");
    h->addr = t->addr;
    h->target_name = t->name;
    h->other_addrs = t->others;
    h->n_other_addrs = t->n_others;
    t->name = NULL; /* ownership moves to the host */
    t->others = NULL;
    t->n_others = 0;
    gettimeofday(&h->start_time, NULL);
    return h;
}

size_t hostgroup_fill(struct hostgroup *g, struct target_iter *targets)
{
    struct target t;
    while (g->count < g->capacity && target_iter_next(targets, &t) == 1) {
        g->hosts[g->count++] = host_from_target(&t);
        target_clear(&t);
    }
    return g->count;
}

void hostgroup_clear(struct hostgroup *g)
{
    for (size_t i = 0; i < g->count; i++) {
        struct host *h = g->hosts[i];
        free(h->target_name);
        free(h->rdns);
        free(h->other_addrs);
        for (size_t j = 0; j < h->n_ports; j++)
            service_info_free(h->ports[j].svc);
        free(h->ports);
        host_trace_free(h->trace);
        host_scripts_free(h);
        free(h);
        g->hosts[i] = NULL;
    }
    g->count = 0;
}

void hostgroup_free(struct hostgroup *g)
{
    hostgroup_clear(g);
    free(g->hosts);
    g->hosts = NULL;
    g->capacity = 0;
}
