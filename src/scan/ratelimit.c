// SPDX-License-Identifier: MIT
// The bucket model and its measurement (see ratelimit.h for the why).
#include "scan/ratelimit.h"

#include <stddef.h>

/* Measuring probes every 20 ms time a once-a-second refill to within 1%
 * over the measured span; a host then gets 50 probes a second at most,
 * and only while it is known to be dropping most of its answers. */
#define MEASURE_INTERVAL_US 20000
/* Linux refills once a second; two seconds of silence from the ports left
 * means they are silent ones, not starved ones. */
#define MEASURE_MAX_GAP_US 2000000
#define MEASURE_REPLIES 3
/* The measured span must be at least this many measuring intervals, so a
 * reply's lateness (up to one interval after its token) is at most 2% of
 * the estimate. */
#define MEASURE_SPAN_INTERVALS 50
/* Replies this close (in measuring intervals) answer probes as they come:
 * no limit that pacing would help with. */
#define NOT_LIMITED_INTERVALS 3
/* Paced probes go out 2% slower than measured, so an estimate a little
 * short never sends a probe ahead of its token. */
#define PACE_MARGIN 1.02
/* Tokens the model lets accrue unused (Linux holds six): two let a probe
 * to a silent port give its token back without losing the next one. */
#define MODEL_BURST 2.0
/* Paced probes a port must leave unanswered to be given up on: each is a
 * probe the host had a token for, so two are nmap's "one retransmission
 * when nothing is being dropped". */
#define PACED_CHANCES 2
/* --max-scan-delay caps nmap's back-off; a measured limit up to a quarter
 * above it (1 s against Linux's 1 s refill, measured with jitter) is still
 * paced, slower ones are left to nmap's rules. */
#define MAX_INTERVAL_SLACK 1.25

void rl_params_default(struct rl_params *p, int64_t scan_delay, int64_t max_scan_delay)
{
    if (scan_delay < 0) scan_delay = 0;
    p->measure_interval = scan_delay > MEASURE_INTERVAL_US ? scan_delay : MEASURE_INTERVAL_US;
    p->measure_max_gap = MEASURE_MAX_GAP_US;
    p->measure_replies = MEASURE_REPLIES;
    p->min_interval = scan_delay;
    p->max_interval = (int64_t)((double)max_scan_delay * MAX_INTERVAL_SLACK);
    p->burst = MODEL_BURST;
    p->chances = PACED_CHANCES;
}

void rl_init(struct rl_state *s)
{
    *s = (struct rl_state){.phase = RL_OFF};
}

void rl_start(struct rl_state *s, int64_t now)
{
    rl_init(s);
    s->phase = RL_MEASURE;
    s->since = now;
}

int64_t rl_pace_interval(const struct rl_state *s, const struct rl_params *p)
{
    int64_t v = (int64_t)((double)s->interval * PACE_MARGIN);
    return v > p->min_interval ? v : p->min_interval;
}

/* The bucket at now: accrued since the last look at the paced rate,
 * never above burst. */
static double bucket(const struct rl_state *s, const struct rl_params *p, int64_t now)
{
    double v = s->tokens;
    int64_t interval = rl_pace_interval(s, p);
    if (now > s->stamp && interval > 0) v += (double)(now - s->stamp) / (double)interval;
    return v < p->burst ? v : p->burst;
}

static void advance(struct rl_state *s, const struct rl_params *p, int64_t now)
{
    s->tokens = bucket(s, p, now);
    if (now > s->stamp) s->stamp = now;
}

static enum rl_event stop(struct rl_state *s, enum rl_event why)
{
    rl_init(s);
    return why;
}

enum rl_event rl_error_reply(struct rl_state *s, const struct rl_params *p, int64_t now)
{
    if (s->phase == RL_PACE) {
        /* The reply spent a token, planned for or not; a reply the model
         * did not expect leaves it below zero and the next probe waits. */
        advance(s, p, now);
        s->tokens -= 1.0;
        return RL_NOTHING;
    }
    if (s->phase != RL_MEASURE) return RL_NOTHING;
    if (s->replies++ == 0) s->first_reply = now;
    s->last_reply = now;
    if (s->replies < p->measure_replies) return RL_NOTHING;
    int64_t span = s->last_reply - s->first_reply;
    int64_t interval = span / (int64_t)(s->replies - 1);
    if (interval < NOT_LIMITED_INTERVALS * p->measure_interval) return stop(s, RL_NOT_LIMITED);
    if (span < MEASURE_SPAN_INTERVALS * p->measure_interval) return RL_NOTHING;
    if (interval > p->max_interval) return stop(s, RL_TOO_SLOW);
    /* This reply just took the token there was. */
    s->phase = RL_PACE;
    s->interval = interval;
    s->tokens = 0;
    s->stamp = now;
    s->reserved = 0;
    return RL_PACING;
}

enum rl_event rl_tick(struct rl_state *s, const struct rl_params *p, int64_t now)
{
    int64_t d = rl_deadline(s, p);
    if (d >= 0 && now >= d) return stop(s, RL_NO_REPLIES);
    return RL_NOTHING;
}

double rl_available(const struct rl_state *s, const struct rl_params *p, int64_t now)
{
    if (s->phase != RL_PACE) return 0;
    return bucket(s, p, now) - (double)s->reserved;
}

bool rl_may_send(const struct rl_state *s, const struct rl_params *p, int64_t last_sent,
                 int64_t now)
{
    int64_t next = rl_next_send(s, p, last_sent, now);
    return next >= 0 && next <= now;
}

int64_t rl_next_send(const struct rl_state *s, const struct rl_params *p, int64_t last_sent,
                     int64_t now)
{
    switch (s->phase) {
    case RL_MEASURE:
        return last_sent + p->measure_interval;
    case RL_PACE: {
        int64_t earliest = last_sent + p->min_interval;
        double avail = rl_available(s, p, now);
        if (avail >= 1.0 - 1e-9) return earliest > now ? earliest : now;
        /* Held tokens come back only when their probes resolve. */
        if (p->burst - (double)s->reserved < 1.0 - 1e-9) return -1;
        int64_t wait = (int64_t)((1.0 - avail) * (double)rl_pace_interval(s, p)) + 1;
        return now + wait > earliest ? now + wait : earliest;
    }
    default:
        return now;
    }
}

int64_t rl_deadline(const struct rl_state *s, const struct rl_params *p)
{
    if (s->phase != RL_MEASURE) return -1;
    int64_t from = s->replies > 0 && s->last_reply > s->since ? s->last_reply : s->since;
    return from + p->measure_max_gap;
}

void rl_sent(struct rl_state *s, unsigned packets)
{
    s->reserved += packets;
}

void rl_resolved(struct rl_state *s, unsigned packets)
{
    s->reserved = s->reserved > packets ? s->reserved - packets : 0;
}
