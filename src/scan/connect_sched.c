// SPDX-License-Identifier: MIT
// The connect scan's scheduler, after nmap 7.93's ultra_scan
// (scan_engine.cc), so cmap paces a scan the way nmap does:
//  - a probe may go to a host while its congestion window exceeds its
//    probes in flight by half a probe, and, with two or more hosts still
//    incomplete, while the group's window does too (HostScanStats::sendOK,
//    GroupScanStats::sendOK); after 80 probes a host follows the group's
//    window once that has seen replies (HostScanStats::getTiming);
//  - every reply grows both windows (slow start, then congestion
//    avoidance, rtt.c); a reply to a retransmission means the first probe
//    was lost: the host window restarts at its floor and the group window
//    halves, once per batch of losses (ultrascan_adjust_timing). Silence
//    alone is not counted as a loss: nmap detects those with timing pings,
//    which cmap does not send;
//  - a probe times out after the host's RTO (the group's while the host has
//    no sample), and is retransmitted while its try number is below
//    max(1, highest try that ever got a reply + 1), capped by
//    --max-retries; ports past that wait on a bench and are resent only if
//    the limit rises, else they stay filtered (allowedTryno, bench);
//  - when more than 10 replies needed retransmission and they exceed 30%
//    (40% at -T4 and above) of replies since the last change, the host's
//    scan delay doubles from 5 ms up to --max-scan-delay (boostScanDelay);
//  - --max-rate spaces sends evenly, letting the schedule slip into the
//    past to catch up; --min-rate forces a send when one is overdue.
#include "scan/connect_sched.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "report/model.h"

/* nmap's thresholds for the adaptive scan delay (ultrascan_adjust_timing,
 * boostScanDelay). */
#define LATE_REPLIES_MIN 10
#define DELAY_FIRST_BOOST_US 5000
#define DELAY_DOUBLING_LIMIT_US 1000000
/* Per-host probes before the group's window takes over (getTiming). */
#define HOST_OWN_WINDOW_PROBES 80
/* The immediate recheck (see tcpconn_recheck) is kept for a host while at
 * least half of the first 64 and of later ones found an answer; elsewhere
 * it would cost a useless system call per probe. */
#define RECHECK_TRIAL 64

static bool worklist_push(struct cw_worklist *l, struct cw_work w)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct cw_work *v = realloc(l->v, cap * sizeof *v);
        if (!v) return false;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = w;
    return true;
}

static bool fresh_left(const struct cw_host *h)
{
    return h->next_fresh < h->worker->cfg.n_ports;
}

static bool has_work(const struct cw_host *h)
{
    return h->retry.n > 0 || fresh_left(h);
}

static const struct cwnd *host_window(const struct connect_worker *w, const struct cw_host *h)
{
    if (h->probes_sent < HOST_OWN_WINDOW_PROBES || w->group_win.updates <= 1) return &h->win;
    return &w->group_win;
}

static bool host_send_ok(const struct connect_worker *w, const struct cw_host *h, int64_t now,
                         bool rate_due)
{
    if (!has_work(h)) return false;
    if (rate_due) return true;
    if (h->delay_us > 0 && now - h->last_sent < h->delay_us) return false;
    return cwnd_allows(host_window(w, h), h->active);
}

/* Whether the group may send now; *rate_due when --min-rate demands it. */
static bool group_send_ok(const struct connect_worker *w, int64_t now, bool *rate_due)
{
    *rate_due = false;
    if (w->in_flight >= w->max_sockets || now < w->resource_until) return false;
    if (w->cfg.max_rate > 0 && now < w->send_not_before) return false;
    if (w->cfg.min_rate > 0 && now >= w->send_by) {
        *rate_due = true;
        return true;
    }
    return w->n_incomplete < 2 || cwnd_allows(&w->group_win, w->in_flight);
}

struct cw_host *sched_next_host(struct connect_worker *w, int64_t now)
{
    bool rate_due;
    if (w->n_incomplete == 0 || !group_send_ok(w, now, &rate_due)) return NULL;
    for (size_t k = 0; k < w->n_incomplete; k++) {
        size_t i = (w->rr_next + k) % w->n_incomplete;
        struct cw_host *h = w->incomplete[i];
        if (host_send_ok(w, h, now, rate_due)) {
            w->rr_next = i + 1;
            return h;
        }
    }
    return NULL;
}

bool sched_take_work(struct cw_host *h, struct cw_work *work)
{
    if (h->retry.n > 0) {
        *work = h->retry.v[--h->retry.n];
        return true;
    }
    if (!fresh_left(h)) return false;
    *work = (struct cw_work){.port = (uint32_t)h->next_fresh, .tryno = 0};
    h->next_fresh += h->worker->n_shards;
    return true;
}

void sched_requeue(struct cw_host *h, uint32_t port, uint32_t tryno)
{
    if (!worklist_push(&h->retry, (struct cw_work){.port = port, .tryno = tryno}))
        fatal("Out of memory scheduling a retransmission");
}

void sched_note_send(struct connect_worker *w, struct cw_host *h, int64_t now)
{
    w->starved_since = 0;
    h->probes_sent++;
    atomic_store_explicit(&h->pub.sent, h->probes_sent, memory_order_relaxed);
    h->last_sent = now;
    if (w->cfg.max_rate > 0) w->send_not_before += (int64_t)(USEC_PER_SEC / w->cfg.max_rate);
    if (w->cfg.min_rate > 0) {
        if (w->send_by > now) w->send_by = now;
        w->send_by += (int64_t)(USEC_PER_SEC / w->cfg.min_rate);
    }
}

bool sched_try_recheck(struct cw_host *h)
{
    if (h->recheck_tries < RECHECK_TRIAL) return true;
    return 2 * h->recheck_hits >= h->recheck_tries;
}

void sched_recheck_result(struct cw_host *h, bool answered)
{
    h->recheck_tries++;
    if (answered) h->recheck_hits++;
}

/* How long a worker may find no descriptor at all, with none of its own in
 * flight to wait for, before the scan gives up (the other worker's sockets
 * or the rest of the process may free some within that time). */
#define STARVED_LIMIT_US 2000000

void sched_resource_shortage(struct connect_worker *w, int err, int64_t until)
{
    bool no_fds = err == EMFILE || err == ENFILE;
    /* Out of descriptors: never ask for more than we hold now. */
    if (no_fds && w->in_flight > 0) w->max_sockets = w->in_flight;
    if (no_fds && w->in_flight == 0) {
        int64_t now = clock_mono_us();
        if (w->starved_since == 0) w->starved_since = now;
        if (now - w->starved_since > STARVED_LIMIT_US)
            fatal("Cannot open a socket for the connect scan: %s (%d); raise the open-file "
                  "limit (ulimit -n)",
                  strerror(err), err);
    }
    w->resource_until = until;
}

static void update_send_delay(struct connect_worker *w, struct cw_host *h, bool late)
{
    if (late)
        h->late_replies++;
    else
        h->good_replies++;
    double threshold = w->cfg.timing_level >= 4 ? 0.40 : 0.30;
    unsigned bad = h->late_replies, all = h->late_replies + h->good_replies;
    if (bad <= LATE_REPLIES_MIN || (double)bad / all <= threshold) return;
    int64_t d = h->delay_us;
    if (d == 0) {
        d = DELAY_FIRST_BOOST_US;
    } else {
        /* Doubles, but not past 1 s unless it is already beyond that. */
        int64_t cap = d > DELAY_DOUBLING_LIMIT_US ? d : DELAY_DOUBLING_LIMIT_US;
        d = d * 2 < cap ? d * 2 : cap;
    }
    if (d > w->cfg.max_scan_delay) d = w->cfg.max_scan_delay;
    h->delay_us = d;
    h->last_boost = clock_mono_us();
    h->good_replies = h->late_replies = 0;
}

void sched_reply(struct connect_worker *w, struct cw_host *h, uint32_t tryno, int64_t sent,
                 int64_t now)
{
    if (rtt_sample(&h->rtt, now - sent, &w->cfg.lim)) h->report.rtt_samples++;
    rtt_sample(&w->group_rtt, now - sent, &w->cfg.lim);
    cwnd_note_outcome(&h->win);
    cwnd_note_outcome(&w->group_win);
    if (tryno > 0) {
        /* One window cut per batch of losses: only probes sent after it. */
        if (sent > h->win.last_drop) cwnd_drop(&h->win, h->active, &w->cfg.cc, now);
        if (sent > w->group_win.last_drop)
            cwnd_drop_group(&w->group_win, w->in_flight, &w->cfg.cc, now);
    }
    cwnd_ack(&h->win, &w->cfg.cc);
    cwnd_ack(&w->group_win, &w->cfg.cc);
    update_send_delay(w, h, tryno > 0 && sent > h->last_boost);
    if (tryno > h->max_ok_tryno) {
        h->max_ok_tryno = tryno;
        atomic_store_explicit(&h->pub.max_ok_tryno, tryno, memory_order_relaxed);
    }
}

int64_t sched_probe_timeout(const struct connect_worker *w, const struct cw_host *h)
{
    if (h->rtt.srtt > 0) return h->rtt.timeout;
    if (w->group_rtt.srtt > 0) return w->group_rtt.timeout;
    return h->rtt.timeout;
}

static unsigned allowed_tryno(const struct connect_worker *w, const struct cw_host *h)
{
    unsigned v = h->max_ok_tryno + 1;
    return v < w->cfg.tryno_cap ? v : w->cfg.tryno_cap;
}

void sched_timed_out(struct connect_worker *w, struct cw_host *h, struct cw_work work)
{
    cwnd_note_outcome(&h->win);
    cwnd_note_outcome(&w->group_win);
    bool ok;
    if (work.tryno < allowed_tryno(w, h))
        ok = worklist_push(&h->retry, (struct cw_work){work.port, work.tryno + 1});
    else
        ok = worklist_push(&h->bench, work);
    if (!ok) fatal("Out of memory scheduling a retransmission");
}

static void close_host(struct connect_worker *w, size_t i)
{
    struct cw_host *h = w->incomplete[i];
    while (h->head)
        cw_abandon_probe(w, h, h->head);
    h->report.done = true;
    atomic_store_explicit(&h->pub.done, true, memory_order_relaxed);
    h->report.rtt = h->rtt;
    clock_wall(&h->report.end_time);
    w->incomplete[i] = w->incomplete[--w->n_incomplete];
}

void sched_check_host_timeout(struct connect_worker *w, int64_t now)
{
    if (w->cfg.host_timeout_us <= 0 || now - w->cfg.start_us < w->cfg.host_timeout_us) return;
    while (w->n_incomplete > 0) {
        w->incomplete[0]->report.timed_out = true;
        close_host(w, 0);
    }
}

/* A host with nothing in flight and nothing queued is done unless the try
 * limit rose since some of its ports were benched. */
static bool host_finished(const struct connect_worker *w, struct cw_host *h)
{
    if (h->active > 0 || has_work(h)) return false;
    unsigned allowed = allowed_tryno(w, h);
    size_t kept = 0;
    for (size_t i = 0; i < h->bench.n; i++) {
        struct cw_work b = h->bench.v[i];
        if (b.tryno < allowed)
            sched_requeue(h, b.port, b.tryno + 1);
        else
            h->bench.v[kept++] = b;
    }
    h->bench.n = kept;
    return h->retry.n == 0;
}

void sched_finish_hosts(struct connect_worker *w)
{
    for (size_t i = 0; i < w->n_incomplete;) {
        if (host_finished(w, w->incomplete[i]))
            close_host(w, i);
        else
            i++;
    }
}

static void earliest(int64_t *best, int64_t t)
{
    if (*best < 0 || t < *best) *best = t;
}

int64_t sched_next_deadline(const struct connect_worker *w, int64_t now)
{
    int64_t best = -1;
    bool sending_blocked = false;
    for (size_t i = 0; i < w->n_incomplete; i++) {
        const struct cw_host *h = w->incomplete[i];
        if (h->head) earliest(&best, h->head->sent + sched_probe_timeout(w, h));
        if (has_work(h) && h->delay_us > 0) earliest(&best, h->last_sent + h->delay_us);
        if (has_work(h)) sending_blocked = true;
    }
    if (w->n_incomplete == 0) return -1;
    if (sending_blocked) {
        if (now < w->resource_until) earliest(&best, w->resource_until);
        if (w->cfg.max_rate > 0 && now < w->send_not_before) earliest(&best, w->send_not_before);
        if (w->cfg.min_rate > 0) earliest(&best, w->send_by);
    }
    if (w->cfg.host_timeout_us > 0) earliest(&best, w->cfg.start_us + w->cfg.host_timeout_us);
    return best;
}
