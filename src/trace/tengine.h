// SPDX-License-Identifier: MIT
// The traceroute's packet loop (internal to src/trace): sends each host's
// next TTL while fewer than ten probes are out in all (nmap's limit), reads
// answers from the capture, and gives a probe a second, then up to nmap's
// two resends, when nothing came back within a second. Memory is bounded
// per host: one record per TTL, and a TTL is probed once (resends reuse it).
#ifndef CMAP_TRACE_TENGINE_H
#define CMAP_TRACE_TENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "raw/rawio.h"
#include "scan/observer.h"
#include "trace/hops.h"
#include "trace/tprobe.h"

struct plan;
struct host;

enum { TP_FREE = 0, TP_ACTIVE, TP_PENDING, TP_EXPIRED, TP_DONE };

struct tp_rec {
    uint8_t ttl;
    uint8_t state; /* TP_*: out, waiting to be resent, given up, answered/cancelled */
    uint8_t resends;
    uint16_t token;
    int64_t sent_us;     /* monotonic, for the timeout */
    int64_t sent_wall;   /* wall clock in microseconds, against capture times */
};

struct thost {
    struct host *host;
    struct trace_state st;
    struct trace_probe probe;
    uint8_t proto;
    uint8_t self[16], target[16];
    struct sockaddr_storage sa;
    socklen_t salen;
    struct tp_rec rec[TRACE_MAX_TTL + 1];
    size_t n_rec;
    bool finished;
};

struct tengine {
    const struct plan *plan;
    struct raw_io *io;
    struct hop_cache *cache;
    struct thost *hosts;
    size_t n_hosts;
    uint32_t *by_addr; /* host indexes sorted by target address */
    size_t next;       /* round-robin position */
    unsigned active;   /* probes out, all hosts */
    unsigned max_resends;
    int64_t scan_delay;  /* --scan-delay between two probes, microseconds */
    int64_t next_send;   /* monotonic time the delay allows the next probe */
    uint16_t icmp_id, next_token;
    uint64_t rng;
    bool oom;
    const struct scan_observer *obs; /* status ticks for the watcher; NULL */
    unsigned long probes_sent;
};

/* Runs until every host's trace is finished. 0, or -1 when interrupted. */
int tengine_run(struct tengine *e);

#endif
