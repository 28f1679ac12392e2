// SPDX-License-Identifier: MIT
// Internals of the raw port scans (every technique of scan/technique.h;
// the SYN scan was the first, hence the names) shared by the scheduler (syn_sched.c: what to
// send when, what replies and silence teach about timing, after nmap's
// ultra_scan as connect_sched.c) and its packet side (syn_engine.c). Not for
// use outside src/scan.
//
// Memory grows with hosts times ports, not with probes: every port of a
// host has a state byte, a try number and the time of its last probe in
// three parallel arrays; the probes in flight are port indexes in a FIFO in
// send order (which is also timeout order); a reply finds its port through
// a 65536-entry port-to-index table and its host by binary search.
#ifndef CMAP_SCAN_SYN_ENGINE_H
#define CMAP_SCAN_SYN_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "raw/cookie.h"
#include "raw/rawio.h"
#include "scan/observer.h"
#include "scan/ratelimit.h"
#include "scan/rtt.h"
#include "scan/technique.h"

struct loop;
struct loop_timer;
struct host;

/* A port's life: never sent, probe out, waiting to be resent (on the retry
 * list), out of tries for now (benched), answered. */
enum { PS_FRESH = 0, PS_INFLIGHT, PS_WAITING, PS_BENCHED, PS_DONE };

/* What sy_take_work hands out: a probe for a port, or the rate check
 * (ratelimit.h): the same probe again to a port that already answered with
 * an error, whose silence shows the host is rationing its errors. */
enum sy_work { SY_WORK_NONE = 0, SY_WORK_PROBE, SY_WORK_CHECK };

/* credits[]: paced probes a port left unanswered, and this bit while a
 * paced probe to it is out. */
#define SY_CREDIT_OUT 0x80u

struct sy_list {
    uint32_t *v;
    size_t n, cap;
};

/* A ring of port indexes, oldest first. */
struct sy_fifo {
    uint32_t *v;
    size_t head, n, cap;
};

struct syn_engine;

struct sy_host {
    struct syn_engine *e;
    struct host *host;
    struct port_result *results; /* this technique's ports in host->ports */
    uint8_t target[16], self[16];
    struct sockaddr_storage sa;
    socklen_t salen;

    uint8_t *pstate;   /* PS_* per port index */
    uint8_t *tryno;    /* try number of the last (or next) probe */
    uint32_t *sent_at; /* microseconds after the engine started, mod 2^32 */

    size_t next_fresh;
    struct sy_list retry, bench;
    struct sy_fifo flight;
    unsigned active;

    struct rtt_est rtt;
    struct cwnd win;
    unsigned max_ok_tryno, probes_sent, rtt_samples;
    int64_t last_sent, delay_us, last_boost;
    unsigned good_replies, late_replies;
    unsigned long ports_finished;
    bool done, timed_out;
    /* Until a host answers anything, its probes go out at the silent rate
     * outside the group's window (syn_sched.c): silent_active of active. */
    bool heard;
    unsigned silent_active;

    /* Error-reply rate limiting (ratelimit.h). */
    uint8_t *credits;   /* per port, see SY_CREDIT_OUT */
    struct rl_state rl; /* RL_OFF: nmap's rules; otherwise paced */
    int32_t check_port; /* the last port that answered with an error, -1 */
    bool check_out;     /* the rate check is in flight */
    bool rl_done;       /* measured once and gave up: nmap's rules to the end */
    int64_t check_sent;
    unsigned checked_tryno, check_tryno; /* try numbers cleared / being checked */
    size_t n_waiting, pace_cursor;       /* PS_WAITING ports; where paced picks resume */
};

struct sy_config {
    struct rtt_limits lim;
    struct cc_params cc;
    unsigned tryno_cap;
    int timing_level;
    int64_t max_scan_delay;
    int64_t first_delay; /* nmap's first boost: 50 ms for UDP, 5 ms otherwise */
    struct rl_params rl;
    bool rate_checks; /* the limit pacing could handle is worth checking for */
    bool defeat_closed; /* --defeat-rst/icmp-ratelimit: closed answers to resends don't count */
    double min_rate, max_rate;
    double silent_rate; /* probes per second to hosts not heard from yet */
    int64_t host_timeout_us;
};

/* Counters for -d and the "Raw packets sent" line. */
struct sy_counters {
    unsigned long sent, sent_bytes, send_errors;
    unsigned long received, received_bytes, malformed, unmatched, duplicates;
};

struct syn_engine {
    struct sy_config cfg;
    const struct scan_technique *tech;
    struct raw_io *io;
    const struct scan_observer *obs;
    struct cookie_key key;
    const uint16_t *ports;
    size_t n_ports;
    int32_t *port_index; /* port number -> index, -1 when not scanned */

    struct sy_host *hosts;
    size_t n_hosts;
    uint32_t *by_addr; /* host indexes sorted by target address */
    struct sy_host **incomplete;
    size_t n_incomplete, rr_next;

    int64_t start_us;
    struct rtt_est group_rtt;
    struct cwnd group_win;
    unsigned in_flight, silent_in_flight; /* the window holds the difference */
    int64_t send_not_before, send_by, resource_until, silent_not_before;

    struct loop *loop;
    struct loop_timer *wake, *tick;
    int64_t wake_at;
    struct split_sender *sender; /* a second sending thread; NULL: none */
    struct sy_counters count;
};

/* Scheduling (syn_sched.c). */
struct sy_host *sy_next_host(struct syn_engine *e, int64_t now);
/* The next port index to probe on h (its tryno[] says which try);
 * SY_WORK_NONE (false) when h has nothing to send. After SY_WORK_CHECK
 * the engine sends port idx's probe and calls sy_note_check. */
enum sy_work sy_take_work(struct sy_host *h, uint32_t *idx);
void sy_note_send(struct syn_engine *e, struct sy_host *h, uint32_t idx, int64_t now);
void sy_note_check(struct syn_engine *e, struct sy_host *h, int64_t now);
/* A probe that never left (full send buffer): back on the retry list. */
void sy_unsend(struct syn_engine *e, struct sy_host *h, uint32_t idx);
void sy_unsend_check(struct sy_host *h);
/* The first answer for port idx; error: an ICMP error or a RST, the replies
 * hosts ration; closed: it made the port closed. */
void sy_reply(struct syn_engine *e, struct sy_host *h, uint32_t idx, unsigned tryno, bool error,
              bool closed, int64_t now);
/* Another error reply for an answered port: a duplicate, or the check's. */
void sy_error_echo(struct syn_engine *e, struct sy_host *h, uint32_t idx, int64_t now);
void sy_expire(struct syn_engine *e, int64_t now);
void sy_check_host_timeout(struct syn_engine *e, int64_t now);
void sy_finish_hosts(struct syn_engine *e);
int64_t sy_next_deadline(const struct syn_engine *e, int64_t now);
void sy_backoff(struct syn_engine *e, int64_t until);
/* An interface the probes leave by disappeared: the engine stops (as
 * nmap's run does, with this message on stderr). */
#define SY_DEVICE_LOST "Error from pcap_next_ex: The interface disappeared"
bool sy_device_lost(void);

static inline uint32_t sy_now32(const struct syn_engine *e, int64_t now)
{
    return (uint32_t)(now - e->start_us);
}

/* Packets and the loop (syn_engine.c). Runs until every host is done:
 * 0, or -1 when stopped by scan_stop_requested or a loop failure. */
int sy_run(struct syn_engine *e);
void sy_drain_capture(struct syn_engine *e);
/* A -d line about host h ("UDP Scan: 198.18.1.2 ..."). */
void sy_debug(const struct syn_engine *e, const struct sy_host *h, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Datagrams one try at port idx sends. */
unsigned sy_packets(const struct syn_engine *e, uint32_t idx);
/* The group's progress for status lines (syn.c). */
void sy_status(const struct syn_engine *e, struct scan_status *st);

/* When the last probe to port idx left, from its 32-bit record. */
static inline int64_t sy_sent_abs(const struct syn_engine *e, const struct sy_host *h, uint32_t idx,
                                  int64_t now)
{
    return now - (int64_t)(uint32_t)(sy_now32(e, now) - h->sent_at[idx]);
}

bool sy_list_push(struct sy_list *l, uint32_t v);
void sy_host_free(struct sy_host *h);

#endif
