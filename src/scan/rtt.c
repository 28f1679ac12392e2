// SPDX-License-Identifier: MIT
// The constants and rules below are nmap 7.93's (timing.cc: adjust_timeouts2,
// ultra_timing_vals::ack/drop/drop_group, scan_performance_vars::init), which
// in turn follow RFC 6298 (RTO) and RFC 5681 (slow start, congestion
// avoidance); keeping them identical keeps cmap's pacing and its reported
// <times srtt rttvar to> comparable with nmap's.
#include "scan/rtt.h"

#include <stdlib.h>

#include "cli/plan.h"

/* nmap's defaults (NmapOps.cc) when the plan leaves a value unset (-1). */
#define DEFAULT_MIN_RTT_US 100000
#define DEFAULT_MAX_RTT_US 10000000
#define DEFAULT_INITIAL_RTT_US 1000000

/* RFC 6298 2.2 sets RTTVAR = R/2 on the first sample; nmap instead uses R
 * clamped to [5 ms, 2 s], so one fast loopback reply does not yield a
 * near-zero timeout. */
#define FIRST_RTTVAR_MIN_US 5000
#define FIRST_RTTVAR_MAX_US 2000000
/* nmap's sanity limits: samples of 8 s or more are ignored, and so are
 * sudden jumps of more than 1.5 s beyond 3*srtt + 2*rttvar. */
#define SAMPLE_MAX_US 8000000
#define JUMP_MAX_US 1500000
/* An RTTVAR above 2.3 s is cut back to 2 s (nmap). */
#define RTTVAR_CEILING_US 2300000
#define RTTVAR_RESET_US 2000000

static int64_t or_default(int64_t v, int64_t def)
{
    return v >= 0 ? v : def;
}

void rtt_limits_from_timing(struct rtt_limits *lim, const struct timing *t)
{
    lim->min_timeout = or_default(t->min_rtt_timeout, DEFAULT_MIN_RTT_US);
    lim->max_timeout = or_default(t->max_rtt_timeout, DEFAULT_MAX_RTT_US);
    lim->initial_timeout = or_default(t->initial_rtt_timeout, DEFAULT_INITIAL_RTT_US);
    lim->scan_delay = or_default(t->scan_delay, 0);
    if (lim->max_timeout < lim->min_timeout) lim->max_timeout = lim->min_timeout;
}

void rtt_init(struct rtt_est *e, const struct rtt_limits *lim)
{
    e->srtt = -1;
    e->rttvar = -1;
    e->timeout = lim->initial_timeout;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

bool rtt_sample(struct rtt_est *e, int64_t delta, const struct rtt_limits *lim)
{
    /* nmap tolerates clocks that make a reply precede its probe by up to
     * 50 ms and counts such a sample as 10 ms. */
    if (delta < 0 && delta > -50000) delta = 10000;
    if (e->srtt < 0) {
        if (delta < 0) return false;
        e->srtt = delta;
        e->rttvar = clamp64(delta, FIRST_RTTVAR_MIN_US, FIRST_RTTVAR_MAX_US);
    } else {
        if (delta >= SAMPLE_MAX_US || delta < 0) return false;
        int64_t err = delta - e->srtt;
        if (err > JUMP_MAX_US && err > 3 * e->srtt + 2 * e->rttvar) return false;
        /* alpha = 1/8, beta = 1/4 (RFC 6298 2.3), as arithmetic shifts. */
        e->srtt += err >> 3;
        e->rttvar += (llabs(err) - e->rttvar) >> 2;
    }
    if (e->rttvar > RTTVAR_CEILING_US) e->rttvar = RTTVAR_RESET_US;
    /* RTO = SRTT + K * RTTVAR with K = 4. */
    e->timeout = clamp64(e->srtt + 4 * e->rttvar, lim->min_timeout, lim->max_timeout);
    if (e->timeout < lim->scan_delay) e->timeout = lim->scan_delay;
    return true;
}

void cc_params_from_timing(struct cc_params *p, const struct timing *t)
{
    /* Window bounds: --min/--max-parallelism, else 1 and 300; the first
     * window is 10 boxed into those bounds. */
    p->low_cwnd = t->min_parallelism > 0 ? t->min_parallelism : 1;
    p->max_cwnd = t->max_parallelism > 0 ? t->max_parallelism : 300;
    if (p->max_cwnd < p->low_cwnd) p->max_cwnd = p->low_cwnd;
    p->initial_cwnd = 10;
    if (p->initial_cwnd < p->low_cwnd) p->initial_cwnd = p->low_cwnd;
    if (p->initial_cwnd > p->max_cwnd) p->initial_cwnd = p->max_cwnd;
    p->slow_incr = 1;
    p->ca_incr = t->level >= 4 ? 2 : 1; /* grows faster with -T4/-T5 */
    p->cc_scale_max = 50;
    p->initial_ssthresh = 75;
    p->group_drop_cwnd_divisor = 2.0;
    p->drop_ssthresh_divisor = t->level <= 3 ? 3.0 / 2.0 : t->level == 4 ? 4.0 / 3.0 : 5.0 / 4.0;
}

void cwnd_init(struct cwnd *w, const struct cc_params *p, int64_t now)
{
    w->cwnd = p->initial_cwnd;
    w->ssthresh = p->initial_ssthresh;
    w->replies_expected = w->replies_received = w->updates = 0;
    w->last_drop = now;
}

void cwnd_note_outcome(struct cwnd *w)
{
    w->replies_expected++;
    w->updates++;
}

/* Replies are scaled by how many probes it took to get them, so a lossy
 * path still opens its window in proportion to what gets through. */
static double cc_scale(const struct cwnd *w, const struct cc_params *p)
{
    double ratio = (double)w->replies_expected / w->replies_received;
    return ratio < p->cc_scale_max ? ratio : p->cc_scale_max;
}

void cwnd_ack(struct cwnd *w, const struct cc_params *p)
{
    w->replies_received++;
    if (w->replies_expected < w->replies_received) w->replies_expected = w->replies_received;
    if (w->cwnd < w->ssthresh) {
        /* Slow start: one more probe per reply (RFC 5681 3.1). */
        w->cwnd += p->slow_incr * cc_scale(w, p);
        if (w->cwnd > w->ssthresh) w->cwnd = w->ssthresh;
    } else {
        /* Congestion avoidance: about one more probe per round trip. */
        w->cwnd += p->ca_incr / w->cwnd * cc_scale(w, p);
    }
    if (w->cwnd > p->max_cwnd) w->cwnd = p->max_cwnd;
}

static int drop_ssthresh(unsigned in_flight, const struct cc_params *p)
{
    /* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2 * SMSS); nmap divides
     * less steeply at higher -T levels. */
    double v = in_flight / p->drop_ssthresh_divisor;
    return v > 2 ? (int)v : 2;
}

void cwnd_drop(struct cwnd *w, unsigned in_flight, const struct cc_params *p, int64_t now)
{
    w->cwnd = p->low_cwnd; /* RFC 5681: the loss window is one segment */
    w->ssthresh = drop_ssthresh(in_flight, p);
    w->last_drop = now;
}

void cwnd_drop_group(struct cwnd *w, unsigned in_flight, const struct cc_params *p, int64_t now)
{
    double halved = w->cwnd / p->group_drop_cwnd_divisor;
    w->cwnd = halved > p->low_cwnd ? halved : p->low_cwnd;
    w->ssthresh = drop_ssthresh(in_flight, p);
    w->last_drop = now;
}
