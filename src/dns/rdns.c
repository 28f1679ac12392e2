// SPDX-License-Identifier: MIT
// The reverse-DNS step of a host group (see rdns.h): hosts file, then the
// parallel queries, then the system resolver for CNAME-only answers, with
// the task and -d lines nmap prints around them.
#include "dns/rdns.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "core/clock.h"
#include "core/signals.h"
#include "dns/hosts_file.h"
#include "dns/rdns_query.h"
#include "dns/resolv_conf.h"
#include "report/model.h"
#include "target/targets.h"

struct rdns {
    const struct plan *plan;
    struct rdns_events ev;
    char *resolv_conf_path, *hosts_path;
    bool loaded;
    struct dns_server_list servers;
    struct hosts_file hosts;
};

static void debug(const struct rdns *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void debug(const struct rdns *r, const char *fmt, ...)
{
    if (r->plan->debugging <= 0 || !r->ev.debug) return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    r->ev.debug(r->ev.ctx, line);
}

struct rdns *rdns_open_files(const struct plan *plan, const struct rdns_events *events,
                             const struct rdns_files *files)
{
    struct rdns *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->plan = plan;
    if (events) r->ev = *events;
    r->resolv_conf_path =
        strdup(files && files->resolv_conf ? files->resolv_conf : RESOLV_CONF_PATH);
    r->hosts_path = strdup(files && files->hosts ? files->hosts : RDNS_HOSTS_PATH);
    if (!r->resolv_conf_path || !r->hosts_path) {
        rdns_close(r);
        return NULL;
    }
    return r;
}

struct rdns *rdns_open(const struct plan *plan, const struct rdns_events *events)
{
    return rdns_open_files(plan, events, NULL);
}

void rdns_close(struct rdns *r)
{
    if (!r) return;
    hosts_file_free(&r->hosts);
    free(r->resolv_conf_path);
    free(r->hosts_path);
    free(r);
}

/* Once per run, at the first group, as nmap: the server list (each named at
 * -d, or a warning when there is none) and the hosts file. */
static void load(struct rdns *r)
{
    if (r->loaded) return;
    r->loaded = true;
    dns_servers_load(&r->servers, r->plan->dns_servers, r->plan->n_dns_servers, r->resolv_conf_path,
                     true);
    for (size_t i = 0; i < r->servers.n; i++)
        debug(r, "mass_rdns: Using DNS server %s", r->servers.v[i].label);
    if (r->servers.n == 0 && r->ev.warning)
        r->ev.warning(r->ev.ctx, "mass_dns: warning: Unable to determine any DNS servers. Reverse "
                                 "DNS is disabled. Try using --system-dns or specify valid "
                                 "servers with --dns-servers");
    hosts_file_load(r->hosts_path, &r->hosts);
}

static void task_name(char *buf, size_t len, const char *what, size_t n)
{
    snprintf(buf, len, "%s DNS resolution of %zu host%s.", what, n, n == 1 ? "" : "s");
}

static void task_begin(const struct rdns *r, const char *name, size_t n)
{
    if (r->ev.task_begin) r->ev.task_begin(r->ev.ctx, name, n);
}

static void task_end(const struct rdns *r, const char *name, size_t n)
{
    if (r->ev.task_end) r->ev.task_end(r->ev.ctx, name, n);
}

/* CNAME-only answers, through getnameinfo one at a time, as nmap. */
static void resolve_deferred(struct rdns *r, struct host **pending, const bool *deferred, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += deferred[i];
    if (count == 0) return;
    debug(r, "Performing system-dns for %zu domain names that were deferred", count);
    char name[64];
    task_name(name, sizeof name, "System", count);
    task_begin(r, name, count);
    for (size_t i = 0; i < n && !scan_stop_requested; i++)
        if (deferred[i]) pending[i]->rdns = target_reverse_lookup(&pending[i]->addr);
    task_end(r, name, count);
}

static int resolve_by_dns(struct rdns *r, struct host **pending, size_t n)
{
    int64_t began = clock_mono_us();
    struct rdns_stats st = {0};
    bool *deferred = calloc(n, sizeof *deferred);
    if (!deferred) return -1;
    int rc = 0;
    if (r->servers.n > 0) {
        char name[64];
        task_name(name, sizeof name, "Parallel", n);
        task_begin(r, name, n);
        rc = rdns_query_run(&r->servers, pending, n, deferred, &st);
        task_end(r, name, n);
        if (rc < 0 && r->ev.warning)
            r->ev.warning(r->ev.ctx, "mass_dns: warning: could not set up the resolver's "
                                     "sockets; hosts keep no names");
        if (rc == 0) resolve_deferred(r, pending, deferred, n);
    }
    double secs = (double)(clock_mono_us() - began) / 1e6;
    debug(r,
          "DNS resolution of %zu IPs took %.2fs. Mode: Async [#: %zu, OK: %lu, NX: %lu, DR: %lu, "
          "SF: %lu, TR: %lu, CN: %lu]",
          n, secs, r->servers.n, st.ok, st.nx, st.dropped, st.servfail, st.sent, st.cname);
    free(deferred);
    return rc;
}

int rdns_resolve(struct rdns *r, struct host **hosts, size_t n)
{
    load(r);
    struct host **pending = calloc(n ? n : 1, sizeof *pending);
    if (!pending) return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (hosts[i]->rdns) continue;
        const char *name = hosts_file_lookup(&r->hosts, &hosts[i]->addr);
        if (name)
            hosts[i]->rdns = strdup(name);
        else
            pending[m++] = hosts[i];
    }
    int rc = m > 0 ? resolve_by_dns(r, pending, m) : 0;
    free(pending);
    return rc;
}
