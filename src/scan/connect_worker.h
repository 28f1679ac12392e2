// SPDX-License-Identifier: MIT
// One connect-scan worker: an event loop and a scheduler (nmap's ultra_scan
// rules) over every host of the group and one shard of the port list (the
// ports whose index is shard mod n_shards). connect.c runs one worker per
// thread and merges what they found.
#ifndef CMAP_SCAN_CONNECT_WORKER_H
#define CMAP_SCAN_CONNECT_WORKER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "scan/observer.h"
#include "scan/rtt.h"

struct host;

/* Settings shared by all workers of one connect_scan() call. */
struct cw_config {
    struct host **hosts; /* ports[] preallocated, defaults filled in */
    size_t n_hosts;
    size_t n_ports; /* same list, same order, on every host */
    struct rtt_limits lim;
    struct cc_params cc;
    unsigned tryno_cap; /* --max-retries */
    int timing_level;
    int64_t max_scan_delay;          /* ceiling for the adaptive scan delay */
    double min_rate, max_rate;       /* this worker's share, probes per second */
    int64_t start_us;                /* monotonic time the group started */
    int64_t host_timeout_us;         /* 0 = none */
    unsigned max_sockets;            /* this worker's descriptor budget */
    const struct scan_observer *obs; /* told about open ports; may be NULL */
    /* The whole group's status across workers, for obs->tick (connect.c). */
    void (*group_status)(const void *group, struct scan_status *status);
    const void *group;
};

/* What a worker learnt about one host. */
struct cw_host_report {
    bool done, timed_out;
    struct timeval end_time;
    struct rtt_est rtt;
    unsigned rtt_samples;
};

/* What a worker publishes about one host for status lines, which other
 * threads read while it scans (relaxed atomics: a status line needs no
 * ordering, only untorn values). */
struct cw_progress {
    atomic_ulong sent, finished;
    atomic_uint max_ok_tryno;
    atomic_bool done;
};

struct connect_worker;

struct connect_worker *cw_new(const struct cw_config *cfg, size_t shard, size_t n_shards);
/* Scan until every host of the shard is done. 0, or -1 when stopped by
 * scan_stop_requested or an event-loop failure. */
int cw_run(struct connect_worker *w);
const struct cw_host_report *cw_report(const struct connect_worker *w, size_t host_index);
/* Safe to call from any thread while the worker runs. */
const struct cw_progress *cw_progress(const struct connect_worker *w, size_t host_index);
unsigned cw_in_flight(const struct connect_worker *w);
void cw_free(struct connect_worker *w);

#endif
