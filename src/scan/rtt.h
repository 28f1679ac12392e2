// SPDX-License-Identifier: MIT
// Timing arithmetic of the scheduler, kept pure for testing: the RTT
// estimator behind every probe timeout, and the congestion windows that bound
// how many probes are in flight (per host and per group), following nmap's
// ultra_scan (timing.cc, scan_engine.cc) so a scan paces itself as nmap's.
#ifndef CMAP_SCAN_RTT_H
#define CMAP_SCAN_RTT_H

#include <stdbool.h>
#include <stdint.h>

struct timing;

/* RFC 6298 estimator, with nmap's adjustments; all values microseconds.
 * srtt and rttvar are -1 until the first sample. */
struct rtt_est {
    int64_t srtt, rttvar, timeout;
};

struct rtt_limits {
    int64_t min_timeout, max_timeout, initial_timeout;
    int64_t scan_delay; /* the timeout never drops below the scan delay */
};

void rtt_limits_from_timing(struct rtt_limits *lim, const struct timing *t);
void rtt_init(struct rtt_est *e, const struct rtt_limits *lim);
/* Feed one measured round trip. Returns false if the sample was rejected as
 * implausible (and the estimate left alone). */
bool rtt_sample(struct rtt_est *e, int64_t delta_us, const struct rtt_limits *lim);

/* Congestion-control constants for a scan (nmap's scan_performance_vars). */
struct cc_params {
    double low_cwnd, max_cwnd, initial_cwnd;
    double slow_incr, ca_incr, cc_scale_max;
    int initial_ssthresh;
    double group_drop_cwnd_divisor, drop_ssthresh_divisor;
};

/* One congestion window (nmap's ultra_timing_vals). */
struct cwnd {
    double cwnd;
    int ssthresh;
    unsigned replies_expected, replies_received, updates;
    int64_t last_drop; /* monotonic microseconds */
};

void cc_params_from_timing(struct cc_params *p, const struct timing *t);
void cwnd_init(struct cwnd *w, const struct cc_params *p, int64_t now);
/* A probe was resolved: by a reply (replied) or by giving up on it. */
void cwnd_note_outcome(struct cwnd *w);
/* Grow the window for a reply. */
void cwnd_ack(struct cwnd *w, const struct cc_params *p);
/* Shrink for a detected loss: the host window restarts at low_cwnd, the group
 * window halves. in_flight is the number of probes outstanding. */
void cwnd_drop(struct cwnd *w, unsigned in_flight, const struct cc_params *p, int64_t now);
void cwnd_drop_group(struct cwnd *w, unsigned in_flight, const struct cc_params *p, int64_t now);
/* May one more probe go out with in_flight outstanding? */
static inline bool cwnd_allows(const struct cwnd *w, unsigned in_flight)
{
    return w->cwnd >= (double)in_flight + 0.5;
}

#endif
