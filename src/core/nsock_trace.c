// SPDX-License-Identifier: MIT
// nsock's trace lines in nmap 7.93's wording (see nsock_trace.h for the
// numbering). nmap's logger prints "NSOCK <LEVEL> [<s>s] <function>():
// <message>" on stderr, the time counted in whole milliseconds since the
// run began; each line here is one fprintf, so lines never interleave.
#include "core/nsock_trace.h"

#include <stdarg.h>
#include <string.h>
#include <sys/time.h>

#include "core/clock.h"

/* nsock shows the data of a read or write only below this length. */
#define SHOW_MAX 80

int nsock_trace_level_for(int debugging, bool traced)
{
    if (debugging >= 7) return NSOCK_TRACE_FULL;
    if (debugging >= 4) return NSOCK_TRACE_DEBUG;
    if (traced || debugging >= 2) return NSOCK_TRACE_INFO;
    return NSOCK_TRACE_OFF;
}

static const char *level_name(int level)
{
    switch (level) {
    case NSOCK_TRACE_DEBUG:
        return "DEBUG";
    case NSOCK_TRACE_FULL:
        return "DEBUG FULL";
    default:
        return "INFO";
    }
}

static void emit(struct nsock_trace *t, int level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void emit(struct nsock_trace *t, int level, const char *func, const char *fmt, ...)
{
    if (!nsock_trace_on(t) || t->level < level) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int64_t ms = (clock_mono_us() - t->start_us) / USEC_PER_MSEC;
    if (ms < 0) ms = 0;
    /* What was printed before this line shows before it on a terminal. */
    if (t->out != stdout) fflush(stdout);
    fprintf(t->out, "NSOCK %s [%.4fs] %s(): %s\n", level_name(level), (double)ms / 1000.0, func,
            msg);
}

void nsock_trace_start(struct nsock_trace *t, int level, int64_t start_us, FILE *out)
{
    *t = (struct nsock_trace){
        .level = level, .start_us = start_us, .out = out, .next_iod = 1, .next_serial = 1};
}

void nsock_trace_init(struct nsock_trace *t, int level, int64_t start_us, FILE *out)
{
    nsock_trace_start(t, level, start_us, out);
    /* The address is the one of the function that does nmap's logging
     * here, as nsock prints its logger's. */
    union {
        void (*fn)(struct nsock_trace *, int, const char *, const char *, ...);
        void *p;
    } logger = {.fn = emit};
    emit(t, NSOCK_TRACE_DEBUG, "nsock_set_log_function", "Registered external logging function: %p",
         logger.p);
    emit(t, NSOCK_TRACE_DEBUG, "nsock_set_loglevel", "Set log level to %s",
         level >= NSOCK_TRACE_FULL    ? "FULL DEBUG"
         : level >= NSOCK_TRACE_DEBUG ? "DEBUG"
                                      : "INFO");
}

unsigned long nsock_trace_iod_new(struct nsock_trace *t)
{
    if (!nsock_trace_on(t)) return 0;
    unsigned long id = t->next_iod++;
    emit(t, NSOCK_TRACE_INFO, "nsock_iod_new2", "nsock_iod_new (IOD #%lu)", id);
    return id;
}

void nsock_trace_event_delete(struct nsock_trace *t, unsigned long iod, long eid)
{
    if (!nsock_trace_on(t) || eid == 0) return;
    if (t->pending > 0) t->pending--;
    emit(t, NSOCK_TRACE_DEBUG, "event_delete", "event_delete (IOD #%lu) (EID #%ld)", iod, eid);
}

void nsock_trace_iod_delete(struct nsock_trace *t, unsigned long iod, const long *pending,
                            size_t n_pending)
{
    if (!nsock_trace_on(t) || iod == 0) return;
    emit(t, NSOCK_TRACE_INFO, "nsock_iod_delete", "nsock_iod_delete (IOD #%lu)", iod);
    for (size_t i = 0; i < n_pending; i++)
        nsock_trace_event_delete(t, iod, pending[i]);
}

/* A new event of this type: its id, and nsock's DEBUG "event_new" line. */
static long event_new(struct nsock_trace *t, unsigned long iod, enum nsock_ev_type type)
{
    long id = (long)((t->next_serial++ << 3) | (unsigned long)type);
    t->pending++;
    emit(t, NSOCK_TRACE_DEBUG, "event_new", "event_new (IOD #%lu) (EID #%ld)", iod, id);
    return id;
}

/* nsock_pool_add_event's line. A request without a timeout has a zeroed
 * deadline in nsock, which it prints as that deadline minus the time of
 * day: minus the wall clock in milliseconds. */
static void add_event(struct nsock_trace *t, long eid, int timeout_ms)
{
    long long ms = timeout_ms;
    if (timeout_ms < 0) {
        struct timeval now;
        clock_wall(&now);
        ms = -((long long)now.tv_sec * 1000 + now.tv_usec / 1000);
    }
    emit(t, NSOCK_TRACE_DEBUG, "nsock_pool_add_event", "NSE #%ld: Adding event (timeout in %lldms)",
         eid, ms);
}

long nsock_trace_connect(struct nsock_trace *t, unsigned long iod, enum nsock_conn_kind kind,
                         const char *peer, int timeout_ms)
{
    if (!nsock_trace_on(t)) return 0;
    long eid = event_new(t, iod, kind == NSOCK_CONN_SSL ? NSOCK_EV_CONNECT_SSL : NSOCK_EV_CONNECT);
    switch (kind) {
    case NSOCK_CONN_TCP:
        emit(t, NSOCK_TRACE_INFO, "nsock_connect_tcp",
             "TCP connection requested to %s (IOD #%lu) EID %ld", peer, iod, eid);
        break;
    case NSOCK_CONN_UDP:
        emit(t, NSOCK_TRACE_INFO, "nsock_connect_udp",
             "UDP connection requested to %s (IOD #%lu) EID %ld", peer, iod, eid);
        break;
    case NSOCK_CONN_SSL:
        emit(t, NSOCK_TRACE_INFO, "nsock_connect_ssl",
             "SSL connection requested to %s/tcp (IOD #%lu) EID %ld", peer, iod, eid);
        break;
    }
    add_event(t, eid, kind == NSOCK_CONN_UDP ? -1 : timeout_ms);
    return eid;
}

long nsock_trace_read(struct nsock_trace *t, unsigned long iod, const char *peer, int timeout_ms)
{
    if (!nsock_trace_on(t)) return 0;
    long eid = event_new(t, iod, NSOCK_EV_READ);
    emit(t, NSOCK_TRACE_INFO, "nsock_read",
         "Read request from IOD #%lu [%s] (timeout: %dms) EID %ld", iod, peer, timeout_ms, eid);
    add_event(t, eid, timeout_ms);
    return eid;
}

void nsock_trace_printable(const void *data, size_t len, char *out, size_t outlen)
{
    if (outlen == 0) return;
    const unsigned char *d = data;
    size_t n = len < outlen - 1 ? len : outlen - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = d[i] >= 0x20 && d[i] <= 0x7e ? (char)d[i] : '.';
    out[n] = '\0';
}

/* ": <data>" when nsock would show the data, else "". */
static void shown(const void *data, size_t len, char *out, size_t outlen)
{
    out[0] = '\0';
    if (!data || len >= SHOW_MAX || outlen < SHOW_MAX + 2) return;
    out[0] = ':';
    out[1] = ' ';
    nsock_trace_printable(data, len, out + 2, outlen - 2);
}

long nsock_trace_write(struct nsock_trace *t, unsigned long iod, const char *peer, const void *data,
                       size_t len, int timeout_ms)
{
    if (!nsock_trace_on(t)) return 0;
    long eid = event_new(t, iod, NSOCK_EV_WRITE);
    char show[SHOW_MAX + 4];
    show[0] = '\0';
    if (t->level >= NSOCK_TRACE_FULL) shown(data, len, show, sizeof show);
    emit(t, NSOCK_TRACE_INFO, "nsock_write",
         "Write request for %zu bytes to IOD #%lu EID %ld [%s]%s", len, iod, eid, peer, show);
    add_event(t, eid, timeout_ms);
    return eid;
}

long nsock_trace_reconnect_ssl(struct nsock_trace *t, unsigned long iod, int timeout_ms)
{
    if (!nsock_trace_on(t)) return 0;
    long eid = event_new(t, iod, NSOCK_EV_CONNECT_SSL);
    emit(t, NSOCK_TRACE_INFO, "nsock_reconnect_ssl",
         "SSL reconnection requested (IOD #%lu) EID %ld", iod, eid);
    add_event(t, eid, timeout_ms);
    return eid;
}

long nsock_trace_sendto(struct nsock_trace *t, unsigned long iod, const char *peer, size_t len)
{
    if (!nsock_trace_on(t)) return 0;
    long eid = event_new(t, iod, NSOCK_EV_WRITE);
    emit(t, NSOCK_TRACE_INFO, "nsock_sendto",
         "Sendto request for %zu bytes to IOD #%lu EID %ld [%s]", len, iod, eid, peer);
    add_event(t, eid, -1);
    return eid;
}

long nsock_trace_read_count(struct nsock_trace *t, unsigned long iod, const char *peer, size_t n,
                            bool lines, int timeout_ms)
{
    if (!nsock_trace_on(t)) return 0;
    long eid = event_new(t, iod, NSOCK_EV_READ);
    emit(t, NSOCK_TRACE_INFO, lines ? "nsock_readlines" : "nsock_readbytes",
         "Read request for %zu %s from IOD #%lu [%s] EID %ld", n, lines ? "lines" : "bytes", iod,
         peer, eid);
    add_event(t, eid, timeout_ms);
    return eid;
}

void nsock_trace_setup_udp(struct nsock_trace *t, unsigned long iod)
{
    emit(t, NSOCK_TRACE_INFO, "nsock_setup_udp", "UDP unconnected socket (IOD #%lu)", iod);
}

long nsock_trace_timer(struct nsock_trace *t, long long ms)
{
    if (!nsock_trace_on(t)) return 0;
    long eid = event_new(t, 0, NSOCK_EV_TIMER);
    emit(t, NSOCK_TRACE_INFO, "nsock_timer_create", "Timer created - %lldms from now.  EID %ld", ms,
         eid);
    return eid;
}

static const char *type_name(long eid);

void nsock_trace_cancel(struct nsock_trace *t, long eid)
{
    if (!nsock_trace_on(t) || eid == 0) return;
    emit(t, NSOCK_TRACE_INFO, "nsock_event_cancel", "Event #%ld (type %s) cancelled", eid,
         type_name(eid));
}

static const char *type_name(long eid)
{
    switch (eid & 7) {
    case NSOCK_EV_CONNECT:
        return "CONNECT";
    case NSOCK_EV_CONNECT_SSL:
        return "SSL-CONNECT";
    case NSOCK_EV_READ:
        return "READ";
    case NSOCK_EV_WRITE:
        return "WRITE";
    case NSOCK_EV_TIMER:
        return "TIMER";
    default:
        return "UNKNOWN!";
    }
}

static const char *status_name(enum nsock_ev_status st)
{
    switch (st) {
    case NSOCK_ST_SUCCESS:
        return "SUCCESS";
    case NSOCK_ST_ERROR:
        return "ERROR";
    case NSOCK_ST_TIMEOUT:
        return "TIMEOUT";
    case NSOCK_ST_EOF:
        return "EOF";
    case NSOCK_ST_KILL:
        return "KILL";
    case NSOCK_ST_CANCELLED:
        return "CANCELLED";
    }
    return "UNKNOWN!";
}

void nsock_trace_callback(struct nsock_trace *t, long eid, enum nsock_ev_status st, int err,
                          const char *peer, const void *data, size_t len, bool eof)
{
    if (!nsock_trace_on(t) || eid == 0) return;
    const char *fn = "nsock_trace_handler_callback";
    if ((eid & 7) == NSOCK_EV_READ && st == NSOCK_ST_SUCCESS) {
        char show[SHOW_MAX + 4];
        shown(data, len, show, sizeof show);
        emit(t, NSOCK_TRACE_INFO, fn, "Callback: READ SUCCESS for EID %ld [%s] %s(%zu bytes)%s",
             eid, peer, eof ? "[EOF]" : "", len, show);
        return;
    }
    char errstr[160] = "";
    if (st == NSOCK_ST_ERROR) {
        char buf[128];
        /* GNU strerror_r returns the text (maybe not in buf). */
        const char *text = strerror_r(err, buf, sizeof buf);
        snprintf(errstr, sizeof errstr, "[%s (%d)] ", text, err);
    }
    if (!peer) {
        emit(t, NSOCK_TRACE_INFO, fn, "Callback: %s %s %sfor EID %ld", type_name(eid),
             status_name(st), errstr, eid);
        return;
    }
    emit(t, NSOCK_TRACE_INFO, fn, "Callback: %s %s %sfor EID %ld [%s]", type_name(eid),
         status_name(st), errstr, eid, peer);
}

void nsock_trace_loop(struct nsock_trace *t)
{
    emit(t, NSOCK_TRACE_DEBUG, "nsock_loop",
         "nsock_loop() started (no timeout). %ld events pending", t ? t->pending : 0);
}
