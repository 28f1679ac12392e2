// SPDX-License-Identifier: MIT
// Pacing a host that rate-limits its error replies, kept pure for testing.
//
// Many hosts answer closed ports with errors they ration: Linux sends one
// ICMP port unreachable per second to a peer after a burst of six
// (net.ipv4.icmp_ratelimit), BSDs ration RSTs. A probe that meets an empty
// bucket goes unanswered exactly like a probe to a silent port, so a scan
// that retries on a timer runs out of tries long before the bucket refills
// and reports closed ports as open|filtered. nmap copes by doubling a send
// delay up to --max-scan-delay until drops stop, which wastes most of the
// time: its probes are spaced a second apart whether a reply can come or
// not.
//
// cmap measures the bucket instead (syn_sched.c decides when):
//   CHECK    before the first retransmission of each try number (where
//            nmap waits a second "for rate limit detection"), one port that
//            already gave an error is probed again. An answer means the
//            host is not rationing now: carry on at full speed. Silence from
//            a port known to answer means it is: measure.
//   MEASURE  unanswered ports are probed every few milliseconds, none of
//            these probes counting as a chance for its port; the error
//            replies then arrive once per refill, and their spacing is the
//            refill interval. Replies as fast as the probes mean there is no
//            limit worth pacing for; none for a long while means the ports
//            left are silent ones. Either way the scan goes back to nmap's
//            rules.
//   PACE     a model of the host's bucket: a token accrues every interval
//            (at most `burst` held), each error reply spends one, each probe
//            in flight holds one until it is answered or times out. A probe
//            goes out only when a token is there for it, so every such probe
//            is a real chance for its port: a port silent to `chances` of
//            them is open|filtered (or filtered) for certain, and no token is
//            wasted. Error replies keep refining the interval: one too short
//            shows as replies that come later than planned.
// All times are microseconds on the monotonic clock.
#ifndef CMAP_SCAN_RATELIMIT_H
#define CMAP_SCAN_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

enum rl_phase { RL_OFF = 0, RL_MEASURE, RL_PACE };

struct rl_params {
    int64_t measure_interval; /* between measuring probes */
    int64_t measure_max_gap;  /* no error reply this long: stop measuring */
    unsigned measure_replies; /* error replies that fix the first interval */
    int64_t min_interval;     /* --scan-delay: never pace faster */
    int64_t max_interval;     /* slower limits are left to nmap's rules */
    double burst;             /* tokens the model lets the host save */
    unsigned chances;         /* paced probes a silent port gets */
};

/* Defaults for a scan with the given --scan-delay and --max-scan-delay. */
void rl_params_default(struct rl_params *p, int64_t scan_delay, int64_t max_scan_delay);

struct rl_state {
    enum rl_phase phase;
    int64_t since;                   /* when measuring began */
    int64_t first_reply, last_reply; /* error replies since measuring began */
    unsigned replies;
    int64_t interval; /* estimated refill interval, 0 while unknown */
    double tokens;    /* the model's bucket at `stamp` (may be negative) */
    int64_t stamp;
    unsigned reserved; /* packets of paced probes in flight */
};

/* Why measuring stopped (rl_error_reply, rl_tick). */
enum rl_event {
    RL_NOTHING = 0,
    RL_PACING,      /* MEASURE -> PACE */
    RL_NOT_LIMITED, /* replies as fast as the probes: MEASURE -> OFF */
    RL_TOO_SLOW,    /* a limit slower than max_interval: MEASURE/PACE -> OFF */
    RL_NO_REPLIES,  /* nothing answers any more: MEASURE -> OFF */
};

void rl_init(struct rl_state *s);
/* A probe known to draw an error went unanswered: start measuring. */
void rl_start(struct rl_state *s, int64_t now);
/* An error reply from the host (an answer, a duplicate, a check's echo). */
enum rl_event rl_error_reply(struct rl_state *s, const struct rl_params *p, int64_t now);
/* Time passing without replies; call before deciding anything. */
enum rl_event rl_tick(struct rl_state *s, const struct rl_params *p, int64_t now);

/* PACE: the interval a token takes, with the margin cmap keeps. */
int64_t rl_pace_interval(const struct rl_state *s, const struct rl_params *p);
/* PACE: tokens the model expects at now, less those held by probes out. */
double rl_available(const struct rl_state *s, const struct rl_params *p, int64_t now);
/* May one more probe go out at now? last_sent: the host's last probe. */
bool rl_may_send(const struct rl_state *s, const struct rl_params *p, int64_t last_sent,
                 int64_t now);
/* When rl_may_send becomes true if nothing else happens; -1 for never
 * (MEASURE has no deadline of its own; PACE waits for a token). */
int64_t rl_next_send(const struct rl_state *s, const struct rl_params *p, int64_t last_sent,
                     int64_t now);
/* When measuring gives up unless an error reply comes first; -1 if not
 * measuring. */
int64_t rl_deadline(const struct rl_state *s, const struct rl_params *p);
/* A paced probe of `packets` datagrams left / was answered or timed out. */
void rl_sent(struct rl_state *s, unsigned packets);
void rl_resolved(struct rl_state *s, unsigned packets);

#endif
