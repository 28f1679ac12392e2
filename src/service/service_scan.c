// SPDX-License-Identifier: MIT
// Version detection's entry point: which ports are probed, how many at
// once (nmap's ideal_parallelism: 1 below -T3, then 20, 30, 40, within
// --min/--max-parallelism, and never more descriptors than RLIMIT_NOFILE
// leaves), host timeouts, and the service_info each port ends with
// (nmap's processResults and Port::setServiceProbeResults).
#include "service/service_scan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cli/plan.h"
#include "core/addr.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/nsock_trace.h"
#include "core/runtime.h"
#include "core/signals.h"
#include "data/datafile.h"
#include "report/model.h"
#include "report/svcfmt.h"
#include "service/fingerprint.h"
#include "service/rpc.h"
#include "service/svc_engine.h"

/* Descriptors kept free for everything else the run has open. */
#define FD_RESERVE 64

static struct vscan_db *loaded_db;
static struct rpc_db *loaded_rpc;
static bool rpc_tried;

static bool wants_probe(const struct port_result *pr)
{
    if (pr->proto == PROTO_TCP) return pr->state == PORT_OPEN;
    if (pr->proto == PROTO_UDP) return pr->state == PORT_OPEN || pr->state == PORT_OPEN_FILTERED;
    return false;
}

static bool host_probed(const struct host *h)
{
    return h->state == HOST_STATE_UP && !h->timed_out;
}

size_t service_scan_count(const struct plan *plan, struct host *const *hosts, size_t n_hosts)
{
    if (!plan->version_scan) return 0;
    size_t n = 0;
    for (size_t i = 0; i < n_hosts; i++) {
        if (!host_probed(hosts[i])) continue;
        for (size_t j = 0; j < hosts[i]->n_ports; j++)
            n += wants_probe(&hosts[i]->ports[j]);
    }
    return n;
}

static void on_compile_fail(void *ud, const struct vscan_match *m, const char *msg)
{
    (void)ud;
    error("Warning: nmap-service-probes line %u: regex did not compile (%s)", m->line, msg);
}

static const struct vscan_db *load_db(const struct plan *plan)
{
    if (loaded_db) return loaded_db;
    struct datafile_ctx dctx = {plan->datadir, plan->exe_path, plan->debugging};
    char path[4096], err[512];
    if (datafile_find(&dctx, "nmap-service-probes", path, sizeof path) < 0)
        fatal("Service scan requested but I cannot find nmap-service-probes file.  %s", path);
    struct vscan_db *db = vscan_load(path, err, sizeof err);
    if (!db) fatal("%s", err);
    if (vscan_compile(db, VSCAN_COMPILE_JIT_BACKGROUND, on_compile_fail, NULL) < 0) fatal("Out of memory compiling %s", path);
    loaded_db = db;
    return db;
}

/* nmap-rpc for RPC grinding; without it the grinding is skipped, as nmap
 * skips rpc-grind when its iterator cannot read the file. */
static const struct rpc_db *load_rpc(const struct plan *plan)
{
    if (rpc_tried) return loaded_rpc;
    rpc_tried = true;
    struct datafile_ctx dctx = {plan->datadir, plan->exe_path, plan->debugging};
    char path[4096], err[512];
    if (datafile_find(&dctx, "nmap-rpc", path, sizeof path) < 0) return NULL;
    loaded_rpc = rpc_db_load(path, err, sizeof err);
    if (!loaded_rpc) error("Warning: %s", err);
    return loaded_rpc;
}

void svc_trace(struct svc_scan *s, const char *fmt, ...)
{
    if (!s->trace || !s->obs || !s->obs->message) return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->obs->message(s->obs->watch_ctx, line, true);
}

void svc_port_addr(const struct svc_port *p, char *buf, size_t len)
{
    char ip[NET_ADDR_STRLEN];
    net_addr_format(&p->host->addr, ip, sizeof ip);
    snprintf(buf, len, "%s:%u", ip, (unsigned)p->pr->port);
}

/* ---- results ---------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

static void add_cpe(struct service_info *si, const char *cpe)
{
    if (!*cpe) return;
    char **n = realloc(si->cpe, (si->n_cpe + 1) * sizeof *n);
    if (!n) return;
    si->cpe = n;
    if ((si->cpe[si->n_cpe] = strdup(cpe))) si->n_cpe++;
}

static void fill_from(struct service_info *si, const struct vscan_result *r)
{
    si->product = dup_or_null(r->product);
    si->version = dup_or_null(r->version);
    si->extrainfo = dup_or_null(r->info);
    si->hostname = dup_or_null(r->hostname);
    si->ostype = dup_or_null(r->ostype);
    si->devicetype = dup_or_null(r->devicetype);
    add_cpe(si, r->cpe_a);
    add_cpe(si, r->cpe_h);
    add_cpe(si, r->cpe_o);
}

static char *make_fp(const struct svc_scan *s, const struct svc_port *p)
{
    if (p->n_fp == 0) return NULL;
    struct vscan_fp_response *r = calloc(p->n_fp, sizeof *r);
    if (!r) return NULL;
    for (size_t i = 0; i < p->n_fp; i++)
        r[i] = (struct vscan_fp_response){p->fp[i].probe_name, p->fp[i].data, p->fp[i].len};
    struct vscan_fp_input in = {
        .port = p->pr->port,
        .proto = p->proto,
        .ssl = p->ssl,
        .intensity = s->intensity,
        .debug = s->plan->debugging > 0 || s->plan->version_trace,
        .when = time(NULL),
        .soft_service = p->soft ? p->soft_res.match->service : NULL,
        .responses = r,
        .n_responses = p->n_fp,
    };
    char *fp = vscan_fingerprint(&in);
    free(r);
    return fp;
}

static void write_result(struct svc_scan *s, struct svc_port *p)
{
    struct service_info *si = calloc(1, sizeof *si);
    if (!si) return;
    si->ssl_tunnel = p->ssl || p->ssl_name;
    si->method = SVC_METHOD_TABLE;
    si->conf = 3;
    /* nmap prints a fingerprint for a port nothing matched, and for soft
     * matches and unfinished ports only at the default intensity or more. */
    bool fp = p->final == SVC_NOMATCH || (p->final != SVC_HARD && s->intensity >= 7);
    switch (p->final) {
    case SVC_HARD: {
        const char *name = p->hard_res.match->service;
        si->name = strdup(p->ssl_name ? name + 4 : name);
        fill_from(si, &p->hard_res);
        si->method = SVC_METHOD_PROBED;
        si->conf = 10;
        break;
    }
    case SVC_SOFT:
        si->name = strdup(p->soft_res.match->service);
        fill_from(si, &p->soft_res);
        si->method = SVC_METHOD_PROBED;
        si->conf = 10;
        break;
    case SVC_TCPWRAPPED:
        si->name = strdup("tcpwrapped");
        si->tcpwrapped = true;
        si->method = SVC_METHOD_PROBED;
        si->conf = 8;
        break;
    default:
        break;
    }
    if (fp && p->final != SVC_EXCLUDED) si->fingerprint = make_fp(s, p);
    if (p->rpc_found) {
        /* rpc-grind names the program; the writers show "low-high" and
         * "RPC #n" from these (report/svcfmt.h). */
        const char *name = rpc_db_name(s->rpc_db, p->rpc_program);
        if (name) {
            free(si->name);
            si->name = strdup(name);
        }
        free(si->version);
        free(si->extrainfo);
        free(si->fingerprint);
        si->version = si->extrainfo = si->fingerprint = NULL;
        si->rpc = true;
        si->rpc_program = p->rpc_program;
        si->rpc_low = p->rpc_low;
        si->rpc_high = p->rpc_high;
        si->method = SVC_METHOD_PROBED;
        si->conf = 10;
    }
    svc_sanitize(si);
    service_info_free(p->pr->svc);
    p->pr->svc = si;
}

/* ---- scheduling ------------------------------------------------------- */

struct kick_list {
    struct svc_port **v;
    size_t n, cap;
};
static struct kick_list kicks;

void svc_port_kick(struct svc_port *p)
{
    if (p->kicked) return;
    if (kicks.n == kicks.cap) {
        size_t ncap = kicks.cap ? kicks.cap * 2 : 64;
        struct svc_port **nv = realloc(kicks.v, ncap * sizeof *nv);
        if (!nv) fatal("Out of memory in version detection");
        kicks.v = nv;
        kicks.cap = ncap;
    }
    p->kicked = true;
    kicks.v[kicks.n++] = p;
}

void svc_scan_port_finished(struct svc_scan *s, struct svc_port *p)
{
    write_result(s, p);
    svc_port_release(p);
    if (p->started) s->active_ports--;
    s->done_ports++;
}

static void fill_ports(struct svc_scan *s)
{
    int64_t now = loop_now(s->loop);
    while (s->active_ports < s->max_active && s->next_port < s->n_ports) {
        struct svc_port *p = &s->ports[s->next_port++];
        if (p->final != SVC_PENDING) continue;
        if (p->deadline_us && now >= p->deadline_us) {
            p->host->timed_out = true;
            svc_port_abort(p, SVC_INCOMPLETE);
            continue;
        }
        s->active_ports++;
        p->tcpwrap_possible = true;
        if (s->plan->debugging > 1 && s->obs && s->obs->message) {
            char addr[80], line[160];
            svc_port_addr(p, addr, sizeof addr);
            snprintf(line, sizeof line, "Starting probes against new service: %s (%s)", addr,
                     p->proto == PROTO_UDP ? "udp" : "tcp");
            s->obs->message(s->obs->watch_ctx, line, true);
        }
        svc_port_begin(p);
        svc_port_kick(p);
    }
}

static int prepare(struct loop *loop, void *arg)
{
    struct svc_scan *s = arg;
    fill_ports(s);
    if (!s->loop_traced) {
        /* nmap enters nsock_loop once its first probes are launched. */
        s->loop_traced = true;
        nsock_trace_loop(&s->nsock);
    }
    for (size_t i = 0; i < kicks.n; i++) {
        struct svc_port *p = kicks.v[i];
        p->kicked = false;
        svc_port_process(p);
    }
    kicks.n = 0;
    fill_ports(s);
    if (s->done_ports == s->n_ports) {
        loop_stop(loop);
        return 0;
    }
    return kicks.n > 0;
}

static void status(struct svc_scan *s, bool finished)
{
    if (!s->obs || !s->obs->tick) return;
    struct scan_status st = {
        .fraction = s->n_ports ? (double)s->done_ports / (double)s->n_ports : 1.0,
        .in_flight = (unsigned)s->fds,
        .finished = finished,
    };
    s->obs->tick(s->obs->watch_ctx, &st);
}

/* Host timeouts and status, every SCAN_TICK_US. */
static void on_tick(struct loop *loop, struct loop_timer *t, void *arg)
{
    (void)t;
    struct svc_scan *s = arg;
    int64_t now = loop_now(loop);
    for (size_t i = 0; i < s->n_ports; i++) {
        struct svc_port *p = &s->ports[i];
        if ((p->final != SVC_PENDING && !p->grind) || !p->deadline_us || now < p->deadline_us)
            continue;
        p->host->timed_out = true;
        svc_port_abort(p, SVC_INCOMPLETE);
    }
    status(s, false);
}

static size_t ideal_parallelism(const struct plan *plan)
{
    const struct timing *t = &plan->timing;
    long desired = t->level <= 2 ? 1 : t->level == 3 ? 20 : t->level == 4 ? 30 : 40;
    long min = t->min_parallelism > 0 ? t->min_parallelism : 0;
    long max = t->max_parallelism > 0 ? t->max_parallelism : 100;
    if (max < min) max = min;
    if (desired < min) desired = min;
    if (desired > max) desired = max;
    return desired < 1 ? 1 : (size_t)desired;
}

static size_t fd_budget(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 1024;
    if (rl.rlim_cur <= FD_RESERVE + 8) return 8;
    return (size_t)(rl.rlim_cur - FD_RESERVE);
}

static int64_t host_deadline(const struct plan *plan, const struct host *h, int64_t now_mono)
{
    if (plan->timing.host_timeout <= 0) return 0;
    struct timeval wall;
    clock_wall(&wall);
    int64_t started = (int64_t)h->start_time.tv_sec * 1000000 + h->start_time.tv_usec;
    int64_t elapsed = (int64_t)wall.tv_sec * 1000000 + wall.tv_usec - started;
    if (h->start_time.tv_sec == 0 || elapsed < 0) elapsed = 0;
    int64_t left = plan->timing.host_timeout - elapsed;
    return now_mono + (left > 0 ? left : 0) + (left > 0 ? 0 : 1);
}

/* nmap walks a host's ports by protocol (TCP, UDP, SCTP), then number. */
static int port_order(const void *a, const void *b)
{
    const struct svc_port *x = a, *y = b;
    if (x->proto != y->proto) return x->proto < y->proto ? -1 : 1;
    return (x->pr->port > y->pr->port) - (x->pr->port < y->pr->port);
}

static size_t collect(struct svc_scan *s, struct host **hosts, size_t n_hosts)
{
    size_t n = service_scan_count(s->plan, hosts, n_hosts);
    s->ports = calloc(n ? n : 1, sizeof *s->ports);
    if (!s->ports) fatal("Out of memory in version detection");
    int64_t now = loop_now(s->loop);
    /* nmap probes the open ports of every host first, open|filtered after. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n_hosts; i++) {
            struct host *h = hosts[i];
            if (!host_probed(h)) continue;
            int64_t deadline = host_deadline(s->plan, h, now);
            size_t first = s->n_ports;
            for (size_t j = 0; j < h->n_ports; j++) {
                struct port_result *pr = &h->ports[j];
                if (!wants_probe(pr) || (pr->state == PORT_OPEN) != (pass == 0)) continue;
                struct svc_port *p = &s->ports[s->n_ports++];
                p->scan = s;
                p->host = h;
                p->pr = pr;
                p->proto = (enum proto_index)pr->proto;
                p->salen = net_addr_to_sockaddr(&h->addr, pr->port, &p->sa);
                p->deadline_us = deadline;
            }
            qsort(s->ports + first, s->n_ports - first, sizeof *s->ports, port_order);
            for (size_t j = first; j < s->n_ports; j++) {
                struct svc_port *p = &s->ports[j];
                if (!s->plan->version_all_ports && vscan_excluded(s->db, p->pr->port, p->proto)) {
                    p->final = SVC_EXCLUDED;
                    svc_scan_port_finished(s, p);
                }
            }
        }
    }
    return s->n_ports;
}

int service_scan(const struct plan *plan, struct host **hosts, size_t n_hosts,
                 const struct scan_observer *obs)
{
    if (!plan->version_scan || service_scan_count(plan, hosts, n_hosts) == 0) return 0;
    /* nmap's versionTrace() is --version-trace or --packet-trace; it
     * prints the probe and match lines at -d2 too. */
    bool traced = plan->version_trace || plan->packet_trace;
    struct svc_scan s = {
        .plan = plan,
        .obs = obs,
        .db = load_db(plan),
        .trace = traced || plan->debugging > 1,
        .intensity = plan->version_intensity,
        .tls_ok = true,
        .rpc_db = load_rpc(plan),
    };
    s.matcher = vscan_matcher_new(s.db, 0);
    s.loop = loop_new();
    if (!s.matcher || !s.loop) fatal("Out of memory or no epoll for version detection");
    s.fd_budget = fd_budget();
    s.max_active = ideal_parallelism(plan);
    if (s.max_active > s.fd_budget) s.max_active = s.fd_budget;
    s.window = plan->timing.level <= 2 ? 1 : SVC_WINDOW;
    int64_t start_us = obs && obs->rt ? obs->rt->start_us : clock_mono_us();
    nsock_trace_init(&s.nsock, nsock_trace_level_for(plan->debugging, traced), start_us, stderr);
    /* A traced scan runs each port's probes one after another, as nmap
     * does, so the trace shows nmap's sequence of connections. */
    if (nsock_trace_on(&s.nsock)) s.window = 1;
    collect(&s, hosts, n_hosts);
    loop_set_prepare(s.loop, prepare, &s);
    struct loop_timer *tick = loop_timer_add(s.loop, SCAN_TICK_US, SCAN_TICK_US, on_tick, &s);
    int rc = s.done_ports == s.n_ports ? 0 : loop_run(s.loop);
    if (tick) loop_timer_cancel(s.loop, tick);
    /* Stopped early: what is unfinished stays unprobed-incomplete. */
    for (size_t i = 0; i < s.n_ports; i++)
        if (s.ports[i].final == SVC_PENDING || s.ports[i].grind)
            svc_port_abort(&s.ports[i], SVC_INCOMPLETE);
    for (size_t i = 0; i < s.n_ports; i++)
        svc_port_release(&s.ports[i]);
    status(&s, true);
    kicks.n = 0;
    vscan_matcher_free(s.matcher);
    loop_free(s.loop);
    free(s.ports);
    return rc == 1 || scan_stop_requested ? -1 : 0;
}
