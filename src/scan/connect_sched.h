// SPDX-License-Identifier: MIT
// Internals shared by the connect-scan worker (connect_worker.c: sockets and
// the loop) and its scheduler (connect_sched.c: what to send when, what a
// reply or a silence teaches about timing). Not for use outside src/scan.
#ifndef CMAP_SCAN_CONNECT_SCHED_H
#define CMAP_SCAN_CONNECT_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "scan/connect_worker.h"
#include "scan/rtt.h"

struct loop;
struct loop_timer;
struct port_result;

/* One unit of work: a port (index into the port list) and its try number
 * (0 for the first probe, +1 per retransmission). */
struct cw_work {
    uint32_t port;
    uint32_t tryno;
};

struct cw_worklist {
    struct cw_work *v;
    size_t n, cap;
};

struct cw_host;

/* A connect in flight. */
struct cw_probe {
    int fd;
    struct cw_host *host;
    struct cw_work work;
    int64_t sent;
    struct cw_probe *prev, *next; /* the host's in-flight list, oldest first */
};

struct cw_host {
    struct connect_worker *worker;
    struct host *host;
    struct port_result *ports;
    struct sockaddr_storage sa;
    socklen_t salen;

    size_t next_fresh;        /* next never-probed port index of this shard */
    struct cw_worklist retry; /* retransmissions due, sent before fresh ports */
    struct cw_worklist bench; /* timed out at the try limit; resent if it rises */
    struct cw_probe *head, *tail;
    unsigned active;

    struct rtt_est rtt;
    struct cwnd win;
    unsigned max_ok_tryno; /* highest try number that got a reply */
    unsigned probes_sent;
    int64_t last_sent;
    int64_t delay_us, last_boost; /* adaptive scan delay */
    unsigned good_replies, late_replies;
    unsigned recheck_tries, recheck_hits;
    unsigned long ports_finished; /* ports with an answer */
    struct cw_host_report report;
    struct cw_progress pub;
};

struct connect_worker {
    struct cw_config cfg;
    size_t shard, n_shards;
    struct loop *loop;
    struct cw_host *hosts;
    struct cw_host **incomplete;
    size_t n_incomplete, rr_next;
    struct cw_probe *probes, *free_probes;
    unsigned in_flight, max_sockets;
    struct rtt_est group_rtt;
    struct cwnd group_win;
    int spare_fd; /* a refused socket kept for reuse, -1 if none */
    int spare_family;
    int64_t send_not_before; /* --max-rate pacing */
    int64_t send_by;         /* --min-rate pacing */
    int64_t resource_until;  /* backoff after running out of sockets */
    int64_t starved_since;   /* no socket to be had and none in flight, 0 = not */
    struct loop_timer *wake;
    int64_t wake_at;
    struct loop_timer *tick; /* status reports while the scan runs */
    atomic_uint pub_in_flight;
};

/* Choosing what to send. */
struct cw_host *sched_next_host(struct connect_worker *w, int64_t now);
bool sched_take_work(struct cw_host *h, struct cw_work *work);
void sched_requeue(struct cw_host *h, uint32_t port, uint32_t tryno);
void sched_note_send(struct connect_worker *w, struct cw_host *h, int64_t now);
bool sched_try_recheck(struct cw_host *h);
void sched_recheck_result(struct cw_host *h, bool answered);
void sched_resource_shortage(struct connect_worker *w, int err, int64_t until);

/* Learning from outcomes. */
void sched_reply(struct connect_worker *w, struct cw_host *h, uint32_t tryno, int64_t sent,
                 int64_t now);
int64_t sched_probe_timeout(const struct connect_worker *w, const struct cw_host *h);
void sched_timed_out(struct connect_worker *w, struct cw_host *h, struct cw_work work);

/* Host life cycle. */
void sched_check_host_timeout(struct connect_worker *w, int64_t now);
void sched_finish_hosts(struct connect_worker *w);
/* When the worker must look again without any socket event (probe timeout,
 * scan delay, rate pacing, backoff); -1 when nothing is pending. */
int64_t sched_next_deadline(const struct connect_worker *w, int64_t now);

/* Close and forget one in-flight probe (connect_worker.c). */
void cw_abandon_probe(struct connect_worker *w, struct cw_host *h, struct cw_probe *p);

#endif
