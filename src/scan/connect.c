// SPDX-License-Identifier: MIT
// connect_scan(): prepares the group's results, sizes the descriptor budget,
// runs one worker per shard of the port list (connect_worker.c) and merges
// what the workers learnt into each struct host.
#include "scan/connect.h"

#include <ifaddrs.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/plan.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/signals.h"
#include "report/model.h"
#include "report/progress.h"
#include "scan/connect_worker.h"

/* Descriptors kept back from the scan for outputs, stdio, the event loops
 * and whatever else the run has open (nmap keeps back 10). */
#define FD_RESERVE 64
/* nmap's default --max-retries, and its --max-scan-delay for TCP (1 s). */
#define DEFAULT_MAX_RETRIES 10
#define DEFAULT_MAX_SCAN_DELAY_US 1000000
/* Threads pay off only when the kernel answers at once (the target is this
 * machine). Measured on the 2-core benchmark machine (hyperfine medians,
 * refused loopback connects, one thread -> two): 65535 ports 0.54 s ->
 * 0.26 s, 1000 ports 9.5 -> 5.9 ms, 100 ports 2.19 -> 1.93 ms, 64 ports
 * 1.93 -> 1.84 ms; a thread costs about 50 us, a refused connect 4 us. */
#define MAX_WORKERS 2
#define PROBES_PER_EXTRA_WORKER 32

/* Raise the soft descriptor limit to the hard one; returns the limit. */
static rlim_t raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
    if (rl.rlim_cur < rl.rlim_max) {
        rlim_t want = rl.rlim_max;
        rl.rlim_cur = want;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur == RLIM_INFINITY ? 1u << 20 : rl.rlim_cur;
}

static bool addr_is_local(const struct net_addr *a, const struct ifaddrs *ifs)
{
    if (net_addr_is_loopback(a)) return true;
    for (const struct ifaddrs *i = ifs; i; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != a->family) continue;
        struct net_addr local;
        net_addr_from_sockaddr(i->ifa_addr, &local);
        if (net_addr_equal(&local, a)) return true;
    }
    return false;
}

static bool all_hosts_local(struct host **hosts, size_t n)
{
    struct ifaddrs *ifs = NULL;
    if (getifaddrs(&ifs) != 0) ifs = NULL;
    bool local = true;
    for (size_t i = 0; i < n && local; i++)
        local = addr_is_local(&hosts[i]->addr, ifs);
    if (ifs) freeifaddrs(ifs);
    return local;
}

/* More than one worker only where the loop itself is the bottleneck, and
 * only when splitting cannot change the pacing the user asked for. */
static size_t choose_workers(const struct plan *plan, struct host **hosts, size_t n_hosts,
                             size_t n_ports)
{
    const struct timing *t = &plan->timing;
    size_t probes = n_hosts * n_ports;
    if (probes < 2 * PROBES_PER_EXTRA_WORKER) return 1;
    if (t->max_parallelism > 0 || t->min_parallelism > 0 || t->scan_delay > 0 || t->max_rate > 0)
        return 1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = cpus > 1 ? (size_t)cpus : 1;
    if (n > MAX_WORKERS) n = MAX_WORKERS;
    if (n > probes / PROBES_PER_EXTRA_WORKER) n = probes / PROBES_PER_EXTRA_WORKER;
    if (n > 1 && !all_hosts_local(hosts, n_hosts)) n = 1;
    return n ? n : 1;
}

static void fill_config(struct cw_config *cfg, const struct plan *plan, struct host **hosts,
                        size_t n_hosts, size_t n_workers)
{
    const struct timing *t = &plan->timing;
    memset(cfg, 0, sizeof *cfg);
    cfg->hosts = hosts;
    cfg->n_hosts = n_hosts;
    cfg->n_ports = plan->ports.count[PROTO_TCP];
    rtt_limits_from_timing(&cfg->lim, t);
    cc_params_from_timing(&cfg->cc, t);
    cfg->tryno_cap = t->max_retries >= 0 ? (unsigned)t->max_retries : DEFAULT_MAX_RETRIES;
    cfg->timing_level = t->level;
    cfg->max_scan_delay = t->max_scan_delay >= 0 ? t->max_scan_delay : DEFAULT_MAX_SCAN_DELAY_US;
    if (cfg->max_scan_delay < cfg->lim.scan_delay) cfg->max_scan_delay = cfg->lim.scan_delay;
    cfg->min_rate = t->min_rate / (double)n_workers;
    cfg->max_rate = t->max_rate / (double)n_workers;
    cfg->start_us = clock_mono_us();
    cfg->host_timeout_us = t->host_timeout > 0 ? t->host_timeout : 0;
    rlim_t limit = raise_fd_limit();
    rlim_t budget = limit > 2 * FD_RESERVE ? limit - FD_RESERVE : FD_RESERVE;
    cfg->max_sockets = (unsigned)(budget / n_workers);
}

/* Every port starts as nmap's default for a connect scan: filtered, with
 * no response; probes overwrite it. */
static int prepare_host(struct host *h, const uint16_t *ports, size_t n)
{
    free(h->ports);
    h->ports = calloc(n ? n : 1, sizeof *h->ports);
    h->n_ports = 0;
    if (!h->ports) return -1;
    for (size_t i = 0; i < n; i++)
        h->ports[i] = (struct port_result){.port = ports[i],
                                           .proto = PROTO_TCP,
                                           .state = PORT_FILTERED,
                                           .reason = REASON_NO_RESPONSE};
    h->n_ports = n;
    h->timed_out = false;
    h->have_times = false;
    if (h->start_time.tv_sec == 0) clock_wall(&h->start_time);
    return 0;
}

struct worker_thread {
    struct connect_worker *w;
    int rc;
};

static void *worker_main(void *arg)
{
    struct worker_thread *t = arg;
    t->rc = cw_run(t->w);
    return NULL;
}

/* An extra worker starts on another CPU than the caller's. Left to the
 * scheduler, a new thread often starts beside its creator and moves only
 * at the next load balancing, milliseconds later: a scan of a few thousand
 * loopback ports then ran on one CPU as often as not (1000 ports: 5.9 ms
 * or 10 ms, at random). */
static void off_this_cpu(pthread_attr_t *attr)
{
    int here = sched_getcpu();
    cpu_set_t set;
    if (here < 0 || sched_getaffinity(0, sizeof set, &set) != 0) return;
    CPU_CLR(here, &set);
    if (CPU_COUNT(&set) > 0) pthread_attr_setaffinity_np(attr, sizeof set, &set);
}

/* Extra workers run on their own threads with SIGINT/SIGTERM blocked, so
 * the signal lands on the calling thread; every loop wakes at least every
 * 250 ms and sees scan_stop_requested. */
static int run_workers(struct connect_worker **ws, size_t n)
{
    struct worker_thread th[MAX_WORKERS];
    pthread_t tid[MAX_WORKERS];
    size_t started = 1;
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pthread_attr_t attr;
    bool have_attr = pthread_attr_init(&attr) == 0;
    if (have_attr) off_this_cpu(&attr);
    for (size_t i = 1; i < n; i++) {
        th[i] = (struct worker_thread){.w = ws[i]};
        if (pthread_create(&tid[i], have_attr ? &attr : NULL, worker_main, &th[i]) != 0) break;
        started++;
    }
    if (have_attr) pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    int rc = cw_run(ws[0]);
    /* A thread that failed to start leaves its shard to this one. */
    for (size_t i = started; i < n && rc == 0; i++)
        rc = cw_run(ws[i]);
    for (size_t i = 1; i < started; i++) {
        pthread_join(tid[i], NULL);
        if (th[i].rc != 0) rc = -1;
    }
    return rc;
}

static void merge_host(struct host *h, struct connect_worker **ws, size_t n_workers, size_t idx)
{
    bool done = true, timed_out = false;
    const struct cw_host_report *best = NULL;
    struct timeval end = {0, 0};
    for (size_t k = 0; k < n_workers; k++) {
        const struct cw_host_report *r = cw_report(ws[k], idx);
        done = done && r->done;
        timed_out = timed_out || r->timed_out;
        if (!best || r->rtt_samples > best->rtt_samples) best = r;
        if (timercmp(&r->end_time, &end, >)) end = r->end_time;
    }
    if (!done) {
        h->state = HOST_STATE_UNKNOWN; /* interrupted before it finished */
        return;
    }
    h->end_time = end;
    if (timed_out) {
        /* nmap reports nothing about the ports of a timed-out host (but
         * still prints its times). */
        h->timed_out = true;
        free(h->ports);
        h->ports = NULL;
        h->n_ports = 0;
    }
    /* Without a single reply nmap prints no <times> at all. */
    h->have_times = best->rtt.srtt >= 0;
    h->srtt_us = best->rtt.srtt;
    h->rttvar_us = best->rtt.rttvar;
    h->timeout_us = best->rtt.timeout;
}

/* The workers of one connect_scan() call, for status lines. */
struct cw_group {
    struct connect_worker **ws;
    size_t n_workers, n_hosts, n_ports;
    unsigned tryno_cap;
};

/* One host's counters summed over the workers (each has a shard of its
 * ports), then nmap's completion fraction over the group. Runs on any
 * worker's thread; reads only the published atomics. */
static double host_status(const struct cw_group *g, size_t i, struct scan_status *st)
{
    unsigned long sent = 0, finished = 0;
    unsigned max_ok = 0;
    bool done = true;
    for (size_t k = 0; k < g->n_workers; k++) {
        const struct cw_progress *p = cw_progress(g->ws[k], i);
        sent += atomic_load_explicit(&p->sent, memory_order_relaxed);
        finished += atomic_load_explicit(&p->finished, memory_order_relaxed);
        unsigned ok = atomic_load_explicit(&p->max_ok_tryno, memory_order_relaxed);
        if (ok > max_ok) max_ok = ok;
        done = done && atomic_load_explicit(&p->done, memory_order_relaxed);
    }
    st->probes_sent += sent;
    if (done) {
        st->hosts_done++;
        return 1.0;
    }
    unsigned allowed = max_ok + 1 < g->tryno_cap ? max_ok + 1 : g->tryno_cap;
    return progress_host_fraction(finished, sent, allowed + 1, g->n_ports);
}

static void group_status(const void *arg, struct scan_status *st)
{
    const struct cw_group *g = arg;
    memset(st, 0, sizeof *st);
    double total = 0;
    for (size_t i = 0; i < g->n_hosts; i++)
        total += host_status(g, i, st);
    for (size_t k = 0; k < g->n_workers; k++)
        st->in_flight += cw_in_flight(g->ws[k]);
    st->fraction = g->n_hosts ? total / (double)g->n_hosts : 1.0;
}

static void final_status(const struct cw_group *g, const struct scan_observer *obs)
{
    if (!obs || !obs->tick) return;
    struct scan_status st;
    group_status(g, &st);
    st.finished = true;
    obs->tick(obs->watch_ctx, &st);
}

int connect_scan(const struct plan *plan, struct host **hosts, size_t n_hosts,
                 const struct scan_observer *obs)
{
    const uint16_t *ports = plan->ports.ports[PROTO_TCP];
    size_t n_ports = plan->ports.count[PROTO_TCP];
    for (size_t i = 0; i < n_hosts; i++)
        if (prepare_host(hosts[i], ports, n_ports) != 0) fatal("Out of memory for port results");
    size_t n_workers = choose_workers(plan, hosts, n_hosts, n_ports);
    struct cw_config cfg;
    fill_config(&cfg, plan, hosts, n_hosts, n_workers);
    cfg.obs = obs;
    struct connect_worker *ws[MAX_WORKERS] = {0};
    struct cw_group group = {.ws = ws,
                             .n_workers = n_workers,
                             .n_hosts = n_hosts,
                             .n_ports = n_ports,
                             .tryno_cap = cfg.tryno_cap};
    cfg.group_status = group_status;
    cfg.group = &group;
    for (size_t k = 0; k < n_workers; k++)
        if (!(ws[k] = cw_new(&cfg, k, n_workers))) pfatal("Cannot set up the connect scan");
    int rc = run_workers(ws, n_workers);
    final_status(&group, obs);
    for (size_t i = 0; i < n_hosts; i++)
        merge_host(hosts[i], ws, n_workers, i);
    for (size_t k = 0; k < n_workers; k++)
        cw_free(ws[k]);
    return rc == 0 && !scan_stop_requested ? 0 : -1;
}
