// SPDX-License-Identifier: MIT
// The SYN scan's scheduler: nmap 7.93's ultra_scan rules, as the connect
// scan follows them (see connect_sched.c for the full list and where each
// comes from): per-host and group congestion windows that grow with every
// reply and shrink when a reply answers a retransmission; probe timeouts
// from the RTT estimate; a port is probed again only while it has no answer
// and its try number is below max(1, highest answered try + 1) capped by
// --max-retries (the rest wait on a bench in case that limit rises); the
// adaptive scan delay; --min-rate/--max-rate pacing; --host-timeout.
// Where nmap waits a second before each new try number to detect rate
// limiting, cmap checks for it with one probe and, when the host does ration
// its error replies, paces that host by a measured model of its bucket
// (ratelimit.h) instead of nmap's blind doubling of the scan delay.
// Unlike nmap, probes to a host that has not answered anything yet are not
// held by the group's window, which no reply could ever open for a range of
// absent hosts (nmap crawls through a wide -Pn scan at ten probes a
// timeout); they go out at a fixed rate instead, as discovery's do, and the
// host joins the window with its first answer.
#include <stdlib.h>

#include "core/clock.h"
#include "core/log.h"
#include "scan/syn_engine.h"

#define LATE_REPLIES_MIN 10
#define DELAY_FIRST_BOOST_US 5000
#define DELAY_DOUBLING_LIMIT_US 1000000
#define HOST_OWN_WINDOW_PROBES 80
/* nmap boosts the scan delay once a port answers only its fourth try (its
 * fifth with -T4 and faster). */
#define BOOST_TRYNO_NORMAL 3
#define BOOST_TRYNO_FAST 4
/* Probes to silent hosts may run this far ahead of their rate, so a turn
 * of the loop (whose timers have millisecond steps) sends a burst. */
#define SILENT_BURST_US 5000

static bool paced(const struct sy_host *h)
{
    return h->rl.phase != RL_OFF;
}

/* Every change of a port's state goes through here, so the count of ports
 * waiting to be sent again stays right. */
static void set_state(struct sy_host *h, uint32_t idx, uint8_t st)
{
    if (h->pstate[idx] == PS_WAITING) h->n_waiting--;
    if (st == PS_WAITING) h->n_waiting++;
    h->pstate[idx] = st;
}

bool sy_list_push(struct sy_list *l, uint32_t v)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        uint32_t *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) return false;
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n++] = v;
    return true;
}

static void push_or_die(struct sy_list *l, uint32_t v)
{
    if (!sy_list_push(l, v)) fatal("Out of memory scheduling a retransmission");
}

static void fifo_push(struct sy_fifo *f, uint32_t v)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 256;
        uint32_t *nv = malloc(cap * sizeof *nv);
        if (!nv) fatal("Out of memory for probes in flight");
        for (size_t i = 0; i < f->n; i++)
            nv[i] = f->v[(f->head + i) % f->cap];
        free(f->v);
        f->v = nv;
        f->head = 0;
        f->cap = cap;
    }
    f->v[(f->head + f->n++) % f->cap] = v;
}

void sy_host_free(struct sy_host *h)
{
    free(h->pstate);
    free(h->tryno);
    free(h->sent_at);
    free(h->retry.v);
    free(h->bench.v);
    free(h->flight.v);
    free(h->credits);
}

static bool fresh_left(const struct sy_host *h)
{
    return h->next_fresh < h->e->n_ports;
}

static bool has_work(const struct sy_host *h)
{
    if (paced(h)) return h->n_waiting > 0 || fresh_left(h);
    return h->retry.n > 0 || fresh_left(h);
}

static const struct cwnd *host_window(const struct syn_engine *e, const struct sy_host *h)
{
    if (h->probes_sent < HOST_OWN_WINDOW_PROBES || e->group_win.updates <= 1) return &h->win;
    return &e->group_win;
}

static bool host_send_ok(const struct syn_engine *e, const struct sy_host *h, int64_t now,
                         bool rate_due)
{
    if (!has_work(h) || h->check_out) return false;
    if (rate_due) return true;
    if (paced(h)) return rl_may_send(&h->rl, &e->cfg.rl, h->last_sent, now);
    if (h->delay_us > 0 && now - h->last_sent < h->delay_us) return false;
    return cwnd_allows(host_window(e, h), h->active);
}

static bool group_send_ok(const struct syn_engine *e, int64_t now, bool *rate_due)
{
    *rate_due = false;
    if (now < e->resource_until) return false;
    if (e->cfg.max_rate > 0 && now < e->send_not_before) return false;
    if (e->cfg.min_rate > 0 && now >= e->send_by) *rate_due = true;
    return true;
}

/* Does h's next probe count in the group window? Not while h is silent
 * and a silent rate is set. */
static bool windowed(const struct syn_engine *e, const struct sy_host *h)
{
    return h->heard || e->cfg.silent_rate <= 0;
}

/* The group window over the probes to hosts that have answered. */
static bool group_window_ok(const struct syn_engine *e)
{
    return e->n_incomplete < 2 ||
           cwnd_allows(&e->group_win, e->in_flight - e->silent_in_flight);
}

struct sy_host *sy_next_host(struct syn_engine *e, int64_t now)
{
    bool rate_due;
    if (e->n_incomplete == 0 || !group_send_ok(e, now, &rate_due)) return NULL;
    bool window_ok = rate_due || group_window_ok(e);
    bool silent_ok = rate_due || now + SILENT_BURST_US >= e->silent_not_before;
    if (!window_ok && !silent_ok) return NULL;
    for (size_t k = 0; k < e->n_incomplete; k++) {
        size_t i = (e->rr_next + k) % e->n_incomplete;
        struct sy_host *h = e->incomplete[i];
        if (!(windowed(e, h) ? window_ok : silent_ok)) continue;
        if (host_send_ok(e, h, now, rate_due)) {
            e->rr_next = i + 1;
            return h;
        }
    }
    return NULL;
}

/* Paced, ports waiting for another probe are taken in turn, so measuring
 * probes spread over all of them rather than spending one port's tries.
 * A port already silent to a paced probe goes first: it most likely is a
 * silent one, whose probe gives its token back after a probe timeout, where
 * left to the end it would wait a whole refill for a token to be there. */
static enum sy_work paced_work(struct sy_host *h, uint32_t *idx)
{
    size_t n = h->e->n_ports;
    if (h->n_waiting > 0 && h->rl.phase == RL_PACE) {
        for (size_t i = 0; i < n; i++) {
            if (h->pstate[i] == PS_WAITING && h->credits[i] > 0) {
                *idx = (uint32_t)i;
                return SY_WORK_PROBE;
            }
        }
    }
    if (h->n_waiting > 0) {
        for (size_t k = 0; k < n; k++) {
            size_t i = (h->pace_cursor + k) % n;
            if (h->pstate[i] == PS_WAITING) {
                h->pace_cursor = i + 1;
                *idx = (uint32_t)i;
                return SY_WORK_PROBE;
            }
        }
    }
    if (!fresh_left(h)) return SY_WORK_NONE;
    *idx = (uint32_t)h->next_fresh++;
    return SY_WORK_PROBE;
}

/* The first resend of a new try number is preceded by the rate check when
 * a port has answered with an error to check with. */
static bool check_due(const struct sy_host *h, uint32_t idx)
{
    const struct syn_engine *e = h->e;
    return e->cfg.rate_checks && !h->rl_done && h->check_port >= 0 && e->n_ports > 1 &&
           h->tryno[idx] > h->checked_tryno;
}

enum sy_work sy_take_work(struct sy_host *h, uint32_t *idx)
{
    if (h->check_out) return SY_WORK_NONE;
    if (paced(h)) return paced_work(h, idx);
    /* Retransmissions first; one whose port got its answer meanwhile
     * (a late reply to an earlier try) is dropped here. */
    while (h->retry.n > 0) {
        uint32_t i = h->retry.v[h->retry.n - 1];
        if (h->pstate[i] != PS_WAITING) {
            h->retry.n--;
            continue;
        }
        if (check_due(h, i)) {
            h->check_tryno = h->tryno[i];
            *idx = (uint32_t)h->check_port;
            return SY_WORK_CHECK;
        }
        h->retry.n--;
        *idx = i;
        return SY_WORK_PROBE;
    }
    if (!fresh_left(h)) return SY_WORK_NONE;
    *idx = (uint32_t)h->next_fresh++;
    return SY_WORK_PROBE;
}

void sy_note_check(struct syn_engine *e, struct sy_host *h, int64_t now)
{
    (void)e;
    h->check_out = true;
    h->check_sent = now;
    h->last_sent = now;
}

void sy_unsend_check(struct sy_host *h)
{
    h->check_out = false;
}

void sy_note_send(struct syn_engine *e, struct sy_host *h, uint32_t idx, int64_t now)
{
    if (h->rl.phase == RL_PACE) {
        /* A probe the model has a token for: a real chance for its port. */
        h->credits[idx] |= SY_CREDIT_OUT;
        rl_sent(&h->rl, sy_packets(e, idx));
    }
    set_state(h, idx, PS_INFLIGHT);
    h->sent_at[idx] = sy_now32(e, now);
    fifo_push(&h->flight, idx);
    h->active++;
    e->in_flight++;
    if (!windowed(e, h)) {
        h->silent_active++;
        e->silent_in_flight++;
        if (e->silent_not_before < now) e->silent_not_before = now;
        e->silent_not_before += (int64_t)(USEC_PER_SEC / e->cfg.silent_rate);
    }
    h->probes_sent++;
    h->last_sent = now;
    if (e->cfg.max_rate > 0) e->send_not_before += (int64_t)(USEC_PER_SEC / e->cfg.max_rate);
    if (e->cfg.min_rate > 0) {
        if (e->send_by > now) e->send_by = now;
        e->send_by += (int64_t)(USEC_PER_SEC / e->cfg.min_rate);
    }
}

/* A probe of h is no longer in flight. */
static void probe_resolved(struct syn_engine *e, struct sy_host *h)
{
    h->active--;
    e->in_flight--;
    if (h->silent_active > 0) {
        h->silent_active--;
        e->silent_in_flight--;
    }
}

/* h answered: its probes still out count in the group window from now. */
static void heard_from(struct syn_engine *e, struct sy_host *h)
{
    if (h->heard) return;
    h->heard = true;
    e->silent_in_flight -= h->silent_active;
    h->silent_active = 0;
}

void sy_unsend(struct syn_engine *e, struct sy_host *h, uint32_t idx)
{
    /* It was the last probe pushed on this host's FIFO. */
    h->flight.n--;
    probe_resolved(e, h);
    h->probes_sent--;
    if (h->credits[idx] & SY_CREDIT_OUT) {
        h->credits[idx] &= (uint8_t)~SY_CREDIT_OUT;
        rl_resolved(&h->rl, sy_packets(e, idx));
    }
    set_state(h, idx, PS_WAITING);
    if (!paced(h)) push_or_die(&h->retry, idx);
}

void sy_backoff(struct syn_engine *e, int64_t until)
{
    e->resource_until = until;
}

/* nmap's boostScanDelay: a first step, then doubling up to a second (or
 * beyond, when --scan-delay started higher), never past --max-scan-delay. */
static void boost_delay(struct syn_engine *e, struct sy_host *h, int64_t now)
{
    int64_t d = h->delay_us;
    if (d == 0) {
        d = e->cfg.first_delay;
    } else {
        int64_t cap = d > DELAY_DOUBLING_LIMIT_US ? d : DELAY_DOUBLING_LIMIT_US;
        d = d * 2 < cap ? d * 2 : cap;
    }
    if (d > e->cfg.max_scan_delay) d = e->cfg.max_scan_delay;
    h->delay_us = d;
    h->last_boost = now;
    h->good_replies = h->late_replies = 0;
}

static void update_send_delay(struct syn_engine *e, struct sy_host *h, bool late, int64_t now)
{
    if (late)
        h->late_replies++;
    else
        h->good_replies++;
    double threshold = e->cfg.timing_level >= 4 ? 0.40 : 0.30;
    unsigned bad = h->late_replies, all = h->late_replies + h->good_replies;
    if (bad <= LATE_REPLIES_MIN || (double)bad / all <= threshold) return;
    boost_delay(e, h, now);
}

/* Paced, every port waiting or benched gets probes again (tries allowing);
 * back on nmap's rules, the retry list and bench are rebuilt from the
 * states. */
static void enter_paced(struct syn_engine *e, struct sy_host *h, int64_t now)
{
    rl_start(&h->rl, now);
    for (size_t i = 0; i < e->n_ports; i++) {
        if (h->pstate[i] != PS_BENCHED) continue;
        if (h->tryno[i] < e->cfg.tryno_cap) h->tryno[i]++;
        set_state(h, (uint32_t)i, PS_WAITING);
    }
    h->retry.n = h->bench.n = 0;
}

static void leave_paced(struct syn_engine *e, struct sy_host *h)
{
    h->rl_done = true;
    h->retry.n = h->bench.n = 0;
    for (size_t i = 0; i < e->n_ports; i++) {
        h->credits[i] = 0;
        if (h->pstate[i] == PS_WAITING) push_or_die(&h->retry, (uint32_t)i);
        if (h->pstate[i] == PS_BENCHED) push_or_die(&h->bench, (uint32_t)i);
    }
}

static void rl_outcome(struct syn_engine *e, struct sy_host *h, enum rl_event ev)
{
    static const char *const why[] = {
        [RL_NOT_LIMITED] = "answers as fast as probed",
        [RL_TOO_SLOW] = "rations more slowly than --max-scan-delay allows for",
        [RL_NO_REPLIES] = "no error replies while measuring",
    };
    if (ev == RL_PACING) {
        sy_debug(e, h, "rations its error replies to one per %.3f s: paced",
                 (double)h->rl.interval / 1e6);
    } else if (ev == RL_NOT_LIMITED || ev == RL_TOO_SLOW || ev == RL_NO_REPLIES) {
        sy_debug(e, h, "rate limit not paced (%s)", why[ev]);
        leave_paced(e, h);
    }
}

/* An error reply was counted against the host's bucket. */
static void note_error(struct syn_engine *e, struct sy_host *h, uint32_t idx, int64_t now)
{
    if (h->check_out && (int32_t)idx == h->check_port) {
        /* The check was answered: no rationing now; this try number may go. */
        h->check_out = false;
        if (h->check_tryno > h->checked_tryno) h->checked_tryno = h->check_tryno;
    }
    rl_outcome(e, h, rl_error_reply(&h->rl, &e->cfg.rl, now));
}

void sy_error_echo(struct syn_engine *e, struct sy_host *h, uint32_t idx, int64_t now)
{
    heard_from(e, h);
    note_error(e, h, idx, now);
}

void sy_reply(struct syn_engine *e, struct sy_host *h, uint32_t idx, unsigned tryno, bool error,
              bool closed, int64_t now)
{
    uint8_t was = h->pstate[idx];
    if (h->credits[idx] & SY_CREDIT_OUT) {
        h->credits[idx] &= (uint8_t)~SY_CREDIT_OUT;
        rl_resolved(&h->rl, sy_packets(e, idx));
    }
    int64_t sent = sy_sent_abs(e, h, idx, now);
    /* The send time is that of the last try; a reply to an earlier one
     * carries no RTT we can measure (nmap also only times matched tries). */
    bool timed = tryno == h->tryno[idx];
    if (was == PS_INFLIGHT) probe_resolved(e, h);
    heard_from(e, h);
    set_state(h, idx, PS_DONE);
    h->ports_finished++;
    if (timed) {
        int64_t delta = (int64_t)(sy_now32(e, now) - h->sent_at[idx]);
        if (rtt_sample(&h->rtt, delta, &e->cfg.lim)) h->rtt_samples++;
        rtt_sample(&e->group_rtt, delta, &e->cfg.lim);
    }
    /* --defeat-rst-ratelimit / --defeat-icmp-ratelimit: a "closed" answer
     * to a resend may have waited for a rationed token, and silence would
     * have said nearly as much: it teaches nothing about timing (nmap). */
    if (closed && tryno > 0 && e->cfg.defeat_closed) return;
    if (was == PS_INFLIGHT) {
        cwnd_note_outcome(&h->win);
        cwnd_note_outcome(&e->group_win);
    }
    /* A paced host's answers to resends are its rationing, planned for,
     * not congestion. */
    bool rules = !paced(h);
    if (tryno > 0 && rules) {
        if (sent > h->win.last_drop) cwnd_drop(&h->win, h->active, &e->cfg.cc, now);
        if (sent > e->group_win.last_drop)
            cwnd_drop_group(&e->group_win, e->in_flight - e->silent_in_flight, &e->cfg.cc, now);
    }
    cwnd_ack(&h->win, &e->cfg.cc);
    cwnd_ack(&e->group_win, &e->cfg.cc);
    if (rules) update_send_delay(e, h, tryno > 0 && sent > h->last_boost, now);
    if (tryno > h->max_ok_tryno) {
        h->max_ok_tryno = tryno;
        unsigned limit = e->cfg.timing_level >= 4 ? BOOST_TRYNO_FAST : BOOST_TRYNO_NORMAL;
        if (rules && tryno > limit) boost_delay(e, h, now);
    }
    if (error) {
        h->check_port = (int32_t)idx;
        note_error(e, h, idx, now);
    }
}

static int64_t probe_timeout(const struct syn_engine *e, const struct sy_host *h)
{
    if (h->rtt.srtt > 0) return h->rtt.timeout;
    if (e->group_rtt.srtt > 0) return e->group_rtt.timeout;
    return h->rtt.timeout;
}

static unsigned allowed_tryno(const struct syn_engine *e, const struct sy_host *h)
{
    unsigned v = h->max_ok_tryno + 1;
    return v < e->cfg.tryno_cap ? v : e->cfg.tryno_cap;
}

/* The oldest live probe of h, dropping answered ones off the front. */
static bool flight_front(struct sy_host *h, uint32_t *idx)
{
    struct sy_fifo *f = &h->flight;
    while (f->n > 0) {
        uint32_t i = f->v[f->head];
        if (h->pstate[i] == PS_INFLIGHT) {
            *idx = i;
            return true;
        }
        f->head = (f->head + 1) % f->cap;
        f->n--;
    }
    return false;
}

static void flight_pop(struct sy_host *h)
{
    h->flight.head = (h->flight.head + 1) % h->flight.cap;
    h->flight.n--;
}

/* Paced, the tries that count are the paced probes, each one the host had
 * a token for: a port is probed until it leaves the model's chances
 * unanswered, then it is done with (benched for good). Measuring probes
 * go out when no token is there, so they are no tries at all; the try
 * number stops at the cap (the sequence cookie's range). */
static void timed_out_paced(struct syn_engine *e, struct sy_host *h, uint32_t idx)
{
    if (h->credits[idx] & SY_CREDIT_OUT) {
        h->credits[idx] = (uint8_t)((h->credits[idx] & ~SY_CREDIT_OUT) + 1);
        rl_resolved(&h->rl, sy_packets(e, idx));
    }
    if (h->credits[idx] < e->cfg.rl.chances) {
        if (h->tryno[idx] < e->cfg.tryno_cap) h->tryno[idx]++;
        set_state(h, idx, PS_WAITING);
    } else {
        set_state(h, idx, PS_BENCHED);
    }
}

static void timed_out(struct syn_engine *e, struct sy_host *h, uint32_t idx)
{
    probe_resolved(e, h);
    cwnd_note_outcome(&h->win);
    cwnd_note_outcome(&e->group_win);
    if (paced(h)) {
        timed_out_paced(e, h, idx);
    } else if (h->tryno[idx] < allowed_tryno(e, h)) {
        h->tryno[idx]++;
        set_state(h, idx, PS_WAITING);
        push_or_die(&h->retry, idx);
    } else {
        set_state(h, idx, PS_BENCHED);
        push_or_die(&h->bench, idx);
    }
}

void sy_expire(struct syn_engine *e, int64_t now)
{
    uint32_t now32 = sy_now32(e, now);
    for (size_t k = 0; k < e->n_incomplete; k++) {
        struct sy_host *h = e->incomplete[k];
        int64_t timeout = probe_timeout(e, h);
        uint32_t idx;
        while (flight_front(h, &idx) && (int64_t)(uint32_t)(now32 - h->sent_at[idx]) >= timeout) {
            flight_pop(h);
            timed_out(e, h, idx);
        }
        if (h->check_out && now - h->check_sent >= timeout) {
            /* A port that answered with an error is silent now: the host
             * is rationing its errors. */
            h->check_out = false;
            sy_debug(e, h, "silent to a probe it answered with an error: measuring its rate limit");
            enter_paced(e, h, now);
        }
        rl_outcome(e, h, rl_tick(&h->rl, &e->cfg.rl, now));
    }
}

static void close_host(struct syn_engine *e, size_t i)
{
    struct sy_host *h = e->incomplete[i];
    h->done = true;
    e->in_flight -= h->active;
    e->silent_in_flight -= h->silent_active;
    h->active = h->silent_active = 0;
    e->incomplete[i] = e->incomplete[--e->n_incomplete];
}

void sy_check_host_timeout(struct syn_engine *e, int64_t now)
{
    if (e->cfg.host_timeout_us <= 0 || now - e->start_us < e->cfg.host_timeout_us) return;
    while (e->n_incomplete > 0) {
        e->incomplete[0]->timed_out = true;
        close_host(e, 0);
    }
}

static bool host_finished(const struct syn_engine *e, struct sy_host *h)
{
    if (h->active > 0 || has_work(h) || h->check_out) return false;
    if (paced(h)) return true; /* its bench holds ports done with */
    unsigned allowed = allowed_tryno(e, h);
    size_t kept = 0;
    for (size_t i = 0; i < h->bench.n; i++) {
        uint32_t idx = h->bench.v[i];
        if (h->pstate[idx] != PS_BENCHED) continue;
        if (h->tryno[idx] < allowed) {
            h->tryno[idx]++;
            set_state(h, idx, PS_WAITING);
            push_or_die(&h->retry, idx);
        } else {
            h->bench.v[kept++] = idx;
        }
    }
    h->bench.n = kept;
    return h->retry.n == 0;
}

void sy_finish_hosts(struct syn_engine *e)
{
    for (size_t i = 0; i < e->n_incomplete;) {
        if (host_finished(e, e->incomplete[i]))
            close_host(e, i);
        else
            i++;
    }
}

static void earliest(int64_t *best, int64_t t)
{
    if (*best < 0 || t < *best) *best = t;
}

int64_t sy_next_deadline(const struct syn_engine *e, int64_t now)
{
    int64_t best = -1;
    bool sending_blocked = false;
    for (size_t i = 0; i < e->n_incomplete; i++) {
        struct sy_host *h = e->incomplete[i];
        uint32_t idx;
        if (flight_front(h, &idx))
            earliest(&best, sy_sent_abs(e, h, idx, now) + probe_timeout(e, h));
        if (h->check_out) earliest(&best, h->check_sent + probe_timeout(e, h));
        int64_t rl_end = rl_deadline(&h->rl, &e->cfg.rl);
        if (rl_end >= 0) earliest(&best, rl_end);
        if (has_work(h) && paced(h)) {
            int64_t t = rl_next_send(&h->rl, &e->cfg.rl, h->last_sent, now);
            if (t >= 0) earliest(&best, t);
        } else if (has_work(h) && h->delay_us > 0) {
            earliest(&best, h->last_sent + h->delay_us);
        }
        if (has_work(h)) sending_blocked = true;
        if (!windowed(e, h) && host_send_ok(e, h, now, false)) {
            /* Only the silent rate (or the group's limits) holds it back;
             * "now" when the turn that just ended ran out of its own now. */
            int64_t t = e->silent_not_before - SILENT_BURST_US;
            if (t < e->resource_until) t = e->resource_until;
            if (e->cfg.max_rate > 0 && t < e->send_not_before) t = e->send_not_before;
            earliest(&best, t > now ? t : now);
        }
    }
    if (e->n_incomplete == 0) return -1;
    if (sending_blocked) {
        if (now < e->resource_until) earliest(&best, e->resource_until);
        if (e->cfg.max_rate > 0 && now < e->send_not_before) earliest(&best, e->send_not_before);
        if (e->cfg.min_rate > 0) earliest(&best, e->send_by);
    }
    if (e->cfg.host_timeout_us > 0) earliest(&best, e->start_us + e->cfg.host_timeout_us);
    return best;
}
