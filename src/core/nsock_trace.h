// SPDX-License-Identifier: MIT
// nmap's nsock trace: the "NSOCK INFO [0.1750s] nsock_connect_tcp(): TCP
// connection requested to 198.18.1.10:22 (IOD #1) EID 8" lines nmap 7.93
// writes to stderr for --version-trace, --packet-trace and -d2 (NSE's
// --script-trace too). cmap has no nsock; its engines tell this module
// what they do in nsock's terms (an I/O descriptor per connection, an
// event per connect, read or write request, a callback when one ends) and
// it numbers and words them as nsock does:
//
//  - IOD numbers count from 1 per pool (one pool per engine run);
//  - an event id is a serial counting from 1 per pool, shifted left by 3,
//    with the event's type in the low bits (connect 0, SSL connect 1,
//    read 2, write 3, timer 4): 8, 18, 27, 249 ...;
//  - times are the milliseconds since the run began, shown as seconds
//    with 4 decimals (so the last digit is always 0).
//
// Levels as nmap's nmap_adjust_loglevel: INFO for a trace or -d2, DEBUG
// (event_new, event_delete, "Adding event", nsock_loop() lines) at -d4,
// FULL DEBUG at -d7, where a write request also shows the data. nsock's
// engine-internal FULL DEBUG lines (epoll_loop, process_event) are not
// produced: cmap's loop is not nsock's.
#ifndef CMAP_CORE_NSOCK_TRACE_H
#define CMAP_CORE_NSOCK_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum nsock_trace_level {
    NSOCK_TRACE_OFF = 0,
    NSOCK_TRACE_INFO,
    NSOCK_TRACE_DEBUG,
    NSOCK_TRACE_FULL,
};

/* nsock's event types; the value is the type tag in an event id. */
enum nsock_ev_type {
    NSOCK_EV_CONNECT = 0,
    NSOCK_EV_CONNECT_SSL = 1,
    NSOCK_EV_READ = 2,
    NSOCK_EV_WRITE = 3,
    NSOCK_EV_TIMER = 4,
};

enum nsock_ev_status {
    NSOCK_ST_SUCCESS = 0,
    NSOCK_ST_ERROR,
    NSOCK_ST_TIMEOUT,
    NSOCK_ST_EOF,
    NSOCK_ST_KILL,
    NSOCK_ST_CANCELLED,
};

/* What a connect request is: "TCP connection requested to a:p", "UDP
 * connection requested to a:p", "SSL connection requested to a:p/tcp". */
enum nsock_conn_kind { NSOCK_CONN_TCP, NSOCK_CONN_UDP, NSOCK_CONN_SSL };

/* One nsock pool's numbering. Zeroed (or level OFF): every call is a
 * no-op that returns 0. */
struct nsock_trace {
    int level;
    int64_t start_us; /* the run's start, CLOCK_MONOTONIC microseconds */
    unsigned long next_iod;
    unsigned long next_serial;
    long pending; /* events requested and not yet deleted */
    FILE *out;
};

/* nmap's level for a run at debugging level d, traced or not. */
int nsock_trace_level_for(int debugging, bool traced);

/* Starts a pool. At DEBUG and above this logs nsock's "Registered
 * external logging function" and "Set log level" lines, as nmap's
 * service scan does when it creates its pool. */
void nsock_trace_init(struct nsock_trace *t, int level, int64_t start_us, FILE *out);
/* The same numbering without those two lines (NSE's pool: nmap registers
 * its logger once, before the service scan). */
void nsock_trace_start(struct nsock_trace *t, int level, int64_t start_us, FILE *out);
static inline bool nsock_trace_on(const struct nsock_trace *t)
{
    return t && t->level > NSOCK_TRACE_OFF && t->out;
}

/* A new I/O descriptor (one connection); its number, 0 when off. */
unsigned long nsock_trace_iod_new(struct nsock_trace *t);
/* The descriptor is gone. Events still pending on it are killed silently
 * (nsock's NSOCK_PENDING_SILENT): pass their ids (0s are skipped). */
void nsock_trace_iod_delete(struct nsock_trace *t, unsigned long iod, const long *pending,
                            size_t n_pending);

/* Requests; each returns the new event's id (0 when off). peer is
 * "address:port"; timeout_ms < 0 means none (nsock's UDP connect). */
long nsock_trace_connect(struct nsock_trace *t, unsigned long iod, enum nsock_conn_kind kind,
                         const char *peer, int timeout_ms);
long nsock_trace_read(struct nsock_trace *t, unsigned long iod, const char *peer, int timeout_ms);
long nsock_trace_write(struct nsock_trace *t, unsigned long iod, const char *peer, const void *data,
                       size_t len, int timeout_ms);
/* The requests only NSE's sockets make: nsock_reconnect_ssl (STARTTLS),
 * nsock_sendto (an unconnected UDP socket), nsock_readbytes and
 * nsock_readlines (read_count: n bytes or lines wanted), nsock_setup_udp's line for
 * the socket itself, and nsock_timer_create (nmap.socket's sleep). */
long nsock_trace_reconnect_ssl(struct nsock_trace *t, unsigned long iod, int timeout_ms);
long nsock_trace_sendto(struct nsock_trace *t, unsigned long iod, const char *peer, size_t len);
long nsock_trace_read_count(struct nsock_trace *t, unsigned long iod, const char *peer, size_t n,
                            bool lines, int timeout_ms);
void nsock_trace_setup_udp(struct nsock_trace *t, unsigned long iod);
long nsock_trace_timer(struct nsock_trace *t, long long ms);
/* A pending event was cancelled: "Event #N (type TIMER) cancelled". */
void nsock_trace_cancel(struct nsock_trace *t, long eid);

/* An event ended: nsock's "Callback: READ SUCCESS for EID ..." line. err:
 * the errno of an ERROR. For a successful read, data/len are what this
 * read delivered and eof says the peer closed right after them. peer is
 * NULL for a timer, whose line names none. */
void nsock_trace_callback(struct nsock_trace *t, long eid, enum nsock_ev_status st, int err,
                          const char *peer, const void *data, size_t len, bool eof);
/* The event's handler has run: nsock frees the event ("event_delete",
 * DEBUG). */
void nsock_trace_event_delete(struct nsock_trace *t, unsigned long iod, long eid);

/* The engine starts waiting for its events: "nsock_loop() started (no
 * timeout). N events pending" (DEBUG). */
void nsock_trace_loop(struct nsock_trace *t);

/* The text nsock shows for data: bytes outside ' '..'~' become '.'.
 * out gets min(len, outlen - 1) characters and a NUL. */
void nsock_trace_printable(const void *data, size_t len, char *out, size_t outlen);

#endif
