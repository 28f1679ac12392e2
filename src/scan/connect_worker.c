// SPDX-License-Identifier: MIT
// A connect-scan worker: probes (non-blocking connects) go out from the
// loop's prepare hook whenever the scheduler (connect_sched.c) allows, come
// back through writability callbacks or at once, and time out in send order.
#include "scan/connect_worker.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/addr.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/runtime.h"
#include "report/model.h"
#include "scan/connect_sched.h"
#include "scan/tcpconn.h"

/* At most this many probes per turn before the loop looks at replies and
 * timers again; nmap's ultra_scan likewise stops after 50 sends per wait. */
#define SEND_BATCH 50
/* Pause after running out of ephemeral ports or buffers, so the kernel can
 * recycle some before we try again. */
#define RESOURCE_BACKOFF_US 10000

static void resolve_in_flight(struct loop *loop, int fd, unsigned events, void *arg);

static struct cw_probe *probe_alloc(struct connect_worker *w)
{
    struct cw_probe *p = w->free_probes;
    if (p) w->free_probes = p->next;
    return p;
}

static void probe_release(struct connect_worker *w, struct cw_probe *p)
{
    p->fd = -1;
    p->next = w->free_probes;
    w->free_probes = p;
}

static void unlink_probe(struct connect_worker *w, struct cw_host *h, struct cw_probe *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        h->head = p->next;
    if (p->next)
        p->next->prev = p->prev;
    else
        h->tail = p->prev;
    h->active--;
    w->in_flight--;
    atomic_store_explicit(&w->pub_in_flight, w->in_flight, memory_order_relaxed);
}

static void link_probe(struct connect_worker *w, struct cw_host *h, struct cw_probe *p)
{
    p->next = NULL;
    p->prev = h->tail;
    if (h->tail)
        h->tail->next = p;
    else
        h->head = p;
    h->tail = p;
    h->active++;
    w->in_flight++;
    atomic_store_explicit(&w->pub_in_flight, w->in_flight, memory_order_relaxed);
}

/* Keep one refused socket for the next probe: a TCP socket whose connect
 * failed is back in CLOSE state and may connect again, which saves a
 * socket() and a close() per closed port (measured: 0.54 s instead of
 * 0.86 s for 65535 loopback ports). */
static void recycle_or_close(struct connect_worker *w, int fd, int err, int family)
{
    if (err == ECONNREFUSED && w->spare_fd < 0) {
        w->spare_fd = fd;
        w->spare_family = family;
    } else {
        close(fd);
    }
}

static int take_socket(struct connect_worker *w, int family)
{
    if (w->spare_fd >= 0 && w->spare_family == family) {
        int fd = w->spare_fd;
        w->spare_fd = -1;
        return fd;
    }
    return tcpconn_socket(family);
}

static void strange_error(const struct cw_host *h, int err)
{
    char addr[NET_ADDR_STRLEN];
    net_addr_format(&h->host->addr, addr, sizeof addr);
    error("Strange read error from %s (%d - '%s')", addr, err, strerror(err));
}

_Noreturn static void bail_out(const struct cw_host *h, int err)
{
    char addr[NET_ADDR_STRLEN];
    net_addr_format(&h->host->addr, addr, sizeof addr);
    fatal("Strange SO_ERROR from connection to %s (%d - '%s') -- bailing scan", addr, err,
          strerror(err));
}

static void set_port(struct cw_host *h, uint16_t port)
{
    if (h->sa.ss_family == AF_INET)
        ((struct sockaddr_in *)&h->sa)->sin_port = htons(port);
    else
        ((struct sockaddr_in6 *)&h->sa)->sin6_port = htons(port);
}

static bool is_self_connect(struct cw_host *h, const struct cw_work *work, int fd)
{
    set_port(h, h->ports[work->port].port);
    return tcpconn_is_self_connect(fd, (const struct sockaddr *)&h->sa, h->salen);
}

/* --packet-trace for a connect scan: nmap's CONN line, with "Connected" for
 * a completed handshake and the errno's text otherwise. The kernel sends
 * the packets, so there is nothing else to show. */
static void trace_conn(const struct connect_worker *w, const struct cw_host *h, uint16_t port,
                       int err)
{
    const struct scan_observer *obs = w->cfg.obs;
    if (!obs || !obs->message || !obs->rt || !runtime_packet_trace(obs->rt)) return;
    char ip[NET_ADDR_STRLEN], errbuf[128], line[256];
    net_addr_format(&h->host->addr, ip, sizeof ip);
    const char *what = err == 0 ? "Connected" : strerror_r(err, errbuf, sizeof errbuf);
    snprintf(line, sizeof line, "CONN (%.4fs) TCP localhost > %s:%u => %s",
             runtime_elapsed(obs->rt, clock_mono_us()), ip, port, what);
    obs->message(obs->watch_ctx, line, true);
}

/* The port's answer is in: record it and let the scheduler learn from it.
 * Takes ownership of fd. */
static void conclude(struct connect_worker *w, struct cw_host *h, const struct cw_work *work,
                     int64_t sent, int fd, int err, bool reusable)
{
    struct conn_outcome out = tcpconn_classify(err);
    int64_t now = clock_mono_us();
    trace_conn(w, h, h->ports[work->port].port, err);
    if (out.verdict == CONN_RESULT && out.state == PORT_OPEN && is_self_connect(h, work, fd)) {
        /* Not an answer from the target: probe the port again (nmap too). */
        tcpconn_close_reset(fd);
        sched_requeue(h, work->port, work->tryno);
        return;
    }
    switch (out.verdict) {
    case CONN_RESULT:
        sched_reply(w, h, work->tryno, sent, now);
        h->ports_finished++;
        atomic_store_explicit(&h->pub.finished, h->ports_finished, memory_order_relaxed);
        h->ports[work->port].state = out.state;
        h->ports[work->port].reason = out.reason;
        if (out.state == PORT_OPEN)
            tcpconn_close_reset(fd);
        else if (reusable)
            recycle_or_close(w, fd, err, h->sa.ss_family);
        else
            close(fd);
        if (w->cfg.obs && w->cfg.obs->port_found)
            w->cfg.obs->port_found(w->cfg.obs->ctx, h->host, &h->ports[work->port]);
        return;
    case CONN_RESOURCE:
        close(fd);
        sched_requeue(h, work->port, work->tryno);
        sched_resource_shortage(w, err, now + RESOURCE_BACKOFF_US);
        return;
    case CONN_FATAL:
        close(fd);
        bail_out(h, err);
    case CONN_NO_RESULT:
    case CONN_IN_PROGRESS:
        break;
    }
    close(fd);
    strange_error(h, err);
}

/* Returns false when no socket could be had (the work was put back). */
static bool send_probe(struct connect_worker *w, struct cw_host *h, struct cw_work work)
{
    int fd = take_socket(w, h->sa.ss_family);
    struct cw_probe *p = fd >= 0 ? probe_alloc(w) : NULL;
    if (!p) {
        int err = fd < 0 ? errno : EMFILE;
        if (fd >= 0) close(fd);
        sched_requeue(h, work.port, work.tryno);
        sched_resource_shortage(w, err, clock_mono_us() + RESOURCE_BACKOFF_US);
        return false;
    }
    set_port(h, h->ports[work.port].port);
    const struct sockaddr *sa = (const struct sockaddr *)&h->sa;
    int64_t sent = clock_mono_us();
    sched_note_send(w, h, sent);
    int err = tcpconn_start(fd, sa, h->salen);
    if (err == EINPROGRESS) trace_conn(w, h, h->ports[work.port].port, err);
    if (err == EINPROGRESS && sched_try_recheck(h)) {
        err = tcpconn_recheck(fd, sa, h->salen);
        sched_recheck_result(h, err != EALREADY);
    }
    if (err != EINPROGRESS && err != EALREADY) {
        probe_release(w, p);
        conclude(w, h, &work, sent, fd, err, true);
        return true;
    }
    *p = (struct cw_probe){.fd = fd, .host = h, .work = work, .sent = sent};
    if (loop_watch(w->loop, fd, LOOP_WRITABLE, resolve_in_flight, p) < 0) {
        int werr = errno;
        probe_release(w, p);
        close(fd);
        sched_requeue(h, work.port, work.tryno);
        sched_resource_shortage(w, werr, clock_mono_us() + RESOURCE_BACKOFF_US);
        return false;
    }
    link_probe(w, h, p);
    return true;
}

static void resolve_in_flight(struct loop *loop, int fd, unsigned events, void *arg)
{
    (void)events;
    struct cw_probe *p = arg;
    struct connect_worker *w = p->host->worker;
    struct cw_host *h = p->host;
    struct cw_work work = p->work;
    int64_t sent = p->sent;
    int err = tcpconn_so_error(fd);
    loop_forget(loop, fd);
    unlink_probe(w, h, p);
    probe_release(w, p);
    /* A socket epoll watched is never recycled: closing it is what removes
     * it from the epoll set without an epoll_ctl. */
    conclude(w, h, &work, sent, fd, err, false);
}

void cw_abandon_probe(struct connect_worker *w, struct cw_host *h, struct cw_probe *p)
{
    loop_forget(w->loop, p->fd);
    close(p->fd);
    unlink_probe(w, h, p);
    probe_release(w, p);
}

static void expire_probes(struct connect_worker *w, int64_t now)
{
    for (size_t i = 0; i < w->n_incomplete; i++) {
        struct cw_host *h = w->incomplete[i];
        int64_t timeout = sched_probe_timeout(w, h);
        while (h->head && h->head->sent + timeout <= now) {
            struct cw_probe *p = h->head;
            struct cw_work work = p->work;
            cw_abandon_probe(w, h, p);
            sched_timed_out(w, h, work);
        }
    }
}

static void send_some(struct connect_worker *w, int64_t now, bool *more)
{
    int sent = 0;
    *more = false;
    while (sent < SEND_BATCH) {
        struct cw_host *h = sched_next_host(w, now);
        if (!h) return;
        struct cw_work work;
        if (!sched_take_work(h, &work)) return;
        if (!send_probe(w, h, work)) return;
        sent++;
    }
    *more = true;
}

static void on_wake(struct loop *loop, struct loop_timer *t, void *arg)
{
    (void)loop;
    (void)t;
    struct connect_worker *w = arg;
    w->wake = NULL; /* one-shot: freed by the loop after this returns */
}

static void arm_wake(struct connect_worker *w, int64_t now)
{
    int64_t when = sched_next_deadline(w, now);
    if (w->wake && (when < 0 || when != w->wake_at)) {
        loop_timer_cancel(w->loop, w->wake);
        w->wake = NULL;
    }
    if (when < 0 || w->wake) return;
    w->wake = loop_timer_add(w->loop, when - now, 0, on_wake, w);
    w->wake_at = when;
}

static void on_tick(struct loop *loop, struct loop_timer *t, void *arg)
{
    (void)loop;
    (void)t;
    struct connect_worker *w = arg;
    struct scan_status st;
    w->cfg.group_status(w->cfg.group, &st);
    w->cfg.obs->tick(w->cfg.obs->watch_ctx, &st);
}

/* The periodic status timer would keep the loop alive forever: it goes as
 * soon as this worker has no host left. */
static void stop_tick_when_done(struct connect_worker *w)
{
    if (!w->tick || w->n_incomplete > 0) return;
    loop_timer_cancel(w->loop, w->tick);
    w->tick = NULL;
}

static int on_prepare(struct loop *loop, void *arg)
{
    struct connect_worker *w = arg;
    int64_t now = loop_refresh_now(loop);
    sched_check_host_timeout(w, now);
    expire_probes(w, now);
    sched_finish_hosts(w);
    bool more;
    send_some(w, now, &more);
    sched_finish_hosts(w);
    stop_tick_when_done(w);
    arm_wake(w, loop_refresh_now(loop));
    return more;
}

int cw_run(struct connect_worker *w)
{
    loop_set_prepare(w->loop, on_prepare, w);
    const struct scan_observer *obs = w->cfg.obs;
    if (obs && obs->tick && w->cfg.group_status && !w->tick) {
        w->tick = loop_timer_add(w->loop, SCAN_TICK_US, SCAN_TICK_US, on_tick, w);
        if (!w->tick) return -1;
    }
    int rc = loop_run(w->loop);
    return rc == 0 ? 0 : -1;
}

static bool init_host(struct connect_worker *w, struct cw_host *ch, struct host *host)
{
    *ch = (struct cw_host){.worker = w, .host = host, .ports = host->ports};
    ch->salen = net_addr_to_sockaddr(&host->addr, 0, &ch->sa);
    ch->next_fresh = w->shard;
    rtt_init(&ch->rtt, &w->cfg.lim);
    cwnd_init(&ch->win, &w->cfg.cc, w->cfg.start_us);
    ch->delay_us = w->cfg.lim.scan_delay;
    ch->last_boost = w->cfg.start_us;
    ch->last_sent = w->cfg.start_us - ch->delay_us;
    return ch->salen > 0;
}

struct connect_worker *cw_new(const struct cw_config *cfg, size_t shard, size_t n_shards)
{
    struct connect_worker *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->cfg = *cfg;
    w->shard = shard;
    w->n_shards = n_shards;
    w->spare_fd = -1;
    /* No more probe slots than this shard has probes (a 2-port scan must
     * not pay for touching thousands of them). */
    size_t shard_probes = cfg->n_hosts * ((cfg->n_ports + n_shards - 1 - shard) / n_shards);
    w->max_sockets = cfg->max_sockets > 0 ? cfg->max_sockets : 1;
    if (shard_probes > 0 && shard_probes < w->max_sockets) w->max_sockets = (unsigned)shard_probes;
    w->loop = loop_new();
    w->hosts = calloc(cfg->n_hosts ? cfg->n_hosts : 1, sizeof *w->hosts);
    w->incomplete = calloc(cfg->n_hosts ? cfg->n_hosts : 1, sizeof *w->incomplete);
    w->probes = calloc(w->max_sockets, sizeof *w->probes);
    if (!w->loop || !w->hosts || !w->incomplete || !w->probes) {
        cw_free(w);
        return NULL;
    }
    for (unsigned i = w->max_sockets; i-- > 0;)
        probe_release(w, &w->probes[i]);
    rtt_init(&w->group_rtt, &cfg->lim);
    cwnd_init(&w->group_win, &cfg->cc, cfg->start_us);
    w->send_not_before = w->send_by = cfg->start_us;
    for (size_t i = 0; i < cfg->n_hosts; i++) {
        if (!init_host(w, &w->hosts[i], cfg->hosts[i])) {
            cw_free(w);
            return NULL;
        }
        w->incomplete[w->n_incomplete++] = &w->hosts[i];
    }
    return w;
}

const struct cw_host_report *cw_report(const struct connect_worker *w, size_t i)
{
    return &w->hosts[i].report;
}

const struct cw_progress *cw_progress(const struct connect_worker *w, size_t i)
{
    return &w->hosts[i].pub;
}

unsigned cw_in_flight(const struct connect_worker *w)
{
    return atomic_load_explicit(&w->pub_in_flight, memory_order_relaxed);
}

void cw_free(struct connect_worker *w)
{
    if (!w) return;
    for (size_t i = 0; w->hosts && i < w->cfg.n_hosts; i++) {
        struct cw_host *h = &w->hosts[i];
        while (h->head)
            cw_abandon_probe(w, h, h->head);
        free(h->retry.v);
        free(h->bench.v);
    }
    if (w->spare_fd >= 0) close(w->spare_fd);
    loop_free(w->loop);
    free(w->probes);
    free(w->incomplete);
    free(w->hosts);
    free(w);
}
