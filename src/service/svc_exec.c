// SPDX-License-Identifier: MIT
// One probe on one connection, the way nmap's nsock handlers run it:
// connect (then TLS inside a tunnel), send the probe string, read and try
// the match lines after every read until a hard match, the probe's
// totalwaitms (counted from the connection), SVC_RESP_ENOUGH bytes, the
// peer's close or an error. The outcome goes to svc_port.c, which decides
// what it means for the port.
//
// With a trace on, every step is also told to core/nsock_trace.c in the
// terms of nmap's nsock (a descriptor per connection; connect, read and
// write requests and their callbacks), at the points where nmap's engine
// makes the same request, so the NSOCK lines read like nmap's.
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/loop.h"
#include "scan/tcpconn.h"
#include "service/svc_engine.h"
#include "service/tls.h"

enum { PH_CONNECT = 0, PH_HANDSHAKE, PH_ACTIVE, PH_DONE };

static void on_io(struct loop *loop, int fd, unsigned events, void *arg);
static void on_timer(struct loop *loop, struct loop_timer *t, void *arg);

static int64_t now_us(const struct svc_exec *e)
{
    return loop_now(e->port->scan->loop);
}

/* ---- the nsock trace ---------------------------------------------------- */

static struct nsock_trace *tr(const struct svc_exec *e)
{
    return &e->port->scan->nsock;
}

static bool tracing(const struct svc_exec *e)
{
    return nsock_trace_on(tr(e)) && e->iod != 0;
}

static void peer(const struct svc_exec *e, char *buf, size_t len)
{
    svc_port_addr(e->port, buf, len);
}

/* nmap's currentprobe_timemsleft: totalwaitms less the whole milliseconds
 * used since the probe was executed. */
static int ms_left(const struct svc_exec *e)
{
    int64_t used = (now_us(e) - e->exec_us) / 1000;
    int64_t left = (int64_t)e->probe->totalwaitms - used;
    return left < 0 ? 0 : (int)left;
}

static void trace_callback(struct svc_exec *e, long *eid, enum nsock_ev_status st, int err)
{
    if (!tracing(e) || !*eid) return;
    char addr[80];
    peer(e, addr, sizeof addr);
    nsock_trace_callback(tr(e), *eid, st, err, addr, NULL, 0, false);
}

/* The handler of a finished event has run: nsock frees the event. */
static void trace_delete(struct svc_exec *e, unsigned long iod, long *eid)
{
    if (*eid && iod) nsock_trace_event_delete(tr(e), iod, *eid);
    *eid = 0;
}

static void trace_read_request(struct svc_exec *e)
{
    if (!tracing(e)) return;
    char addr[80];
    peer(e, addr, sizeof addr);
    e->read_eid = nsock_trace_read(tr(e), e->iod, addr, ms_left(e));
}

/* nmap deletes the descriptor with NSOCK_PENDING_SILENT: what is still
 * pending on it goes without a callback. */
static void trace_iod_gone(struct svc_exec *e)
{
    if (!e->iod) return;
    long pending[3] = {e->conn_eid, e->read_eid, e->write_eid};
    nsock_trace_iod_delete(tr(e), e->iod, pending, 3);
    e->iod = 0;
    e->conn_eid = e->read_eid = e->write_eid = 0;
}

/* ---- the connection ----------------------------------------------------- */

static void close_fd(struct svc_exec *e)
{
    struct svc_scan *s = e->port->scan;
    trace_iod_gone(e);
    if (e->tls) {
        tls_conn_free(e->tls);
        e->tls = NULL;
    }
    if (e->fd >= 0) {
        loop_forget(s->loop, e->fd);
        if (e->port->proto == PROTO_TCP)
            tcpconn_close_reset(e->fd);
        else
            close(e->fd);
        e->fd = -1;
        s->fds--;
    }
}

static void cancel_timer(struct svc_exec *e)
{
    if (e->timer) {
        loop_timer_cancel(e->port->scan->loop, e->timer);
        e->timer = NULL;
    }
}

static void set_timer(struct svc_exec *e, int64_t at_us)
{
    struct svc_scan *s = e->port->scan;
    cancel_timer(e);
    int64_t delay = at_us - loop_now(s->loop);
    e->timer = loop_timer_add(s->loop, delay > 0 ? delay : 0, 0, on_timer, e);
}

/* The execution is over: stop watching, close unless the connection may
 * carry the next probe (a NULL probe that simply ran out of time), and
 * hand the outcome over. */
static void finish(struct svc_exec *e, enum exec_end end)
{
    if (e->phase == PH_DONE) return;
    e->phase = PH_DONE;
    e->end = end;
    e->ended_us = now_us(e);
    cancel_timer(e);
    bool keep = end == EXEC_TIMEOUT && e->probe == e->port->scan->db->null_probe;
    if (keep && e->fd >= 0)
        loop_unwatch(e->port->scan->loop, e->fd);
    else
        close_fd(e);
    svc_port_exec_done(e);
}

static unsigned interest(const struct svc_exec *e)
{
    unsigned ev = LOOP_READABLE;
    if (e->phase == PH_CONNECT || e->sent < e->probe->payload_len) ev |= LOOP_WRITABLE;
    return ev;
}

static void rewatch(struct svc_exec *e)
{
    if (loop_watch(e->port->scan->loop, e->fd, interest(e), on_io, e) != 0)
        finish(e, EXEC_INCOMPLETE);
}

/* The probe is "executed" now: nmap's clock for totalwaitms starts. */
static void begin_probe(struct svc_exec *e)
{
    e->phase = PH_ACTIVE;
    e->exec_us = now_us(e);
    e->sent = 0;
    set_timer(e, e->exec_us + (int64_t)e->probe->totalwaitms * 1000);
    if (e->port->scan->trace) {
        char addr[80];
        svc_port_addr(e->port, addr, sizeof addr);
        svc_trace(e->port->scan, "Service scan sending probe %s to %s (%s)", e->probe->name, addr,
                  e->port->proto == PROTO_UDP ? "udp" : "tcp");
    }
    if (tracing(e) && e->probe->payload_len > 0) {
        char addr[80];
        peer(e, addr, sizeof addr);
        e->write_eid = nsock_trace_write(tr(e), e->iod, addr, e->probe->payload,
                                         e->probe->payload_len, ms_left(e));
    }
    trace_read_request(e);
    rewatch(e);
}

static int classify_read_errno(int err)
{
    switch (err) {
    case ECONNRESET:
    case ECONNREFUSED:
    case ECONNABORTED:
        return EXEC_RESET;
    case EHOSTUNREACH:
    case ENETUNREACH:
#ifdef EHOSTDOWN
    case EHOSTDOWN:
#endif
        return EXEC_INCOMPLETE;
    default:
        return EXEC_ERROR_NEXT;
    }
}

/* nmap ends the service as incomplete when a probe cannot be sent. */
static void write_failed(struct svc_exec *e, int err)
{
    unsigned long iod = e->iod;
    long eid = e->write_eid;
    trace_callback(e, &e->write_eid, NSOCK_ST_ERROR, err);
    e->write_eid = 0;
    finish(e, EXEC_INCOMPLETE);
    trace_delete(e, iod, &eid);
}

static void do_send(struct svc_exec *e)
{
    const struct vscan_probe *p = e->probe;
    while (e->sent < p->payload_len) {
        size_t n = 0;
        if (e->tls) {
            enum tls_io r =
                tls_conn_write(e->tls, p->payload + e->sent, p->payload_len - e->sent, &n);
            if (r == TLS_IO_WANT_READ || r == TLS_IO_WANT_WRITE) return;
            if (r != TLS_IO_DONE) {
                write_failed(e, EIO);
                return;
            }
        } else {
            ssize_t w = send(e->fd, p->payload + e->sent, p->payload_len - e->sent, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
                write_failed(e, errno);
                return;
            }
            n = (size_t)w;
        }
        e->sent += n;
    }
    if (e->write_eid) {
        unsigned long iod = e->iod;
        trace_callback(e, &e->write_eid, NSOCK_ST_SUCCESS, 0);
        trace_delete(e, iod, &e->write_eid);
    }
}

/* nmap tries the lines after every read: the probe's own, its fallbacks,
 * then the NULL probe's. The first soft match is kept; a hard one ends. */
static bool try_match(struct svc_exec *e)
{
    struct vscan_result r;
    if (!vscan_match_response(e->port->scan->matcher, e->probe, e->buf, e->len, &r)) return false;
    if (r.match->soft) {
        if (!e->have_soft) {
            e->soft = r;
            e->have_soft = true;
        }
        return false;
    }
    e->hard = r;
    e->have_hard = true;
    return true;
}

/* The read ended with nothing read: EOF or an error (nsock's READ EOF or
 * READ ERROR callback for the pending read). */
static void read_ended(struct svc_exec *e, enum exec_end end, int err)
{
    unsigned long iod = e->iod;
    long eid = e->read_eid;
    trace_callback(e, &e->read_eid, end == EXEC_EOF ? NSOCK_ST_EOF : NSOCK_ST_ERROR, err);
    e->read_eid = 0;
    finish(e, end);
    trace_delete(e, iod, &eid);
}

/* What one nsock read gets, up to the point where nmap stops reading: on
 * a plain socket one receive unless it fills the whole chunk (so one UDP
 * datagram), inside TLS every record there is. end: how the reading
 * stopped early (-1: it did not), err its errno. */
static size_t read_batch(struct svc_exec *e, int *end, int *err)
{
    size_t start = e->len;
    *end = -1;
    *err = 0;
    while (e->len < SVC_RESP_ENOUGH) {
        if (e->cap - e->len < SVC_READ_CHUNK) {
            size_t ncap = e->len + SVC_READ_CHUNK;
            uint8_t *nb = realloc(e->buf, ncap);
            if (!nb) {
                *end = EXEC_INCOMPLETE;
                break;
            }
            e->buf = nb;
            e->cap = ncap;
        }
        size_t n = 0;
        if (e->tls) {
            enum tls_io r = tls_conn_read(e->tls, e->buf + e->len, SVC_READ_CHUNK, &n);
            if (r == TLS_IO_WANT_READ || r == TLS_IO_WANT_WRITE) break;
            if (r == TLS_IO_EOF) {
                *end = EXEC_EOF;
                break;
            }
            if (r == TLS_IO_ERROR) {
                /* nsock reports an SSL failure as EIO. */
                *end = EXEC_ERROR_NEXT;
                *err = EIO;
                break;
            }
        } else {
            ssize_t got = recv(e->fd, e->buf + e->len, SVC_READ_CHUNK, 0);
            if (got < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
                *err = errno;
                *end = classify_read_errno(errno);
                break;
            }
            if (got == 0) {
                if (e->port->proto == PROTO_UDP) continue; /* an empty datagram */
                *end = EXEC_EOF;
                break;
            }
            n = (size_t)got;
        }
        e->len += n;
        if (!e->tls && n < SVC_READ_CHUNK) break;
    }
    return e->len - start;
}

/* One read as nmap's read handler takes it: the lines are tried on all
 * that was read so far; without a hard match the reading goes on while
 * the probe has time left and less than SVC_RESP_ENOUGH bytes. */
static void do_read(struct svc_exec *e)
{
    if (e->len >= SVC_RESP_ENOUGH) {
        finish(e, EXEC_TIMEOUT);
        return;
    }
    int end, err;
    size_t start = e->len;
    size_t got = read_batch(e, &end, &err);
    if (got == 0) {
        if (end == EXEC_INCOMPLETE)
            finish(e, EXEC_INCOMPLETE);
        else if (end >= 0)
            read_ended(e, (enum exec_end)end, err);
        return;
    }
    unsigned long iod = e->iod;
    long eid = e->read_eid;
    if (tracing(e) && eid) {
        char addr[80];
        peer(e, addr, sizeof addr);
        /* Inside TLS nsock reads on to the close ("[EOF]" after the data);
         * on a plain socket the close shows on the next read. */
        nsock_trace_callback(tr(e), eid, NSOCK_ST_SUCCESS, 0, addr, e->buf + start, got,
                             end == EXEC_EOF);
    }
    e->read_eid = 0;
    if (try_match(e)) {
        finish(e, EXEC_HARD);
    } else if (end == EXEC_INCOMPLETE) {
        finish(e, EXEC_INCOMPLETE);
    } else if (e->len >= SVC_RESP_ENOUGH || ms_left(e) == 0) {
        /* nmap goes on to the next probe without another read. */
        finish(e, end >= 0 ? (enum exec_end)end : EXEC_TIMEOUT);
    } else {
        trace_read_request(e);
        if (end >= 0) read_ended(e, (enum exec_end)end, err);
    }
    trace_delete(e, iod, &eid);
}

/* The connect request ended badly (nsock's CONNECT or SSL-CONNECT
 * callback with ERROR or TIMEOUT): nmap gives the service up. */
static void connect_failed(struct svc_exec *e, enum nsock_ev_status st, int err)
{
    unsigned long iod = e->iod;
    long eid = e->conn_eid;
    trace_callback(e, &e->conn_eid, st, err);
    e->conn_eid = 0;
    finish(e, EXEC_INCOMPLETE);
    trace_delete(e, iod, &eid);
}

/* Connected (inside TLS: handshake done): the probe is executed. */
static void connected(struct svc_exec *e)
{
    unsigned long iod = e->iod;
    long eid = e->conn_eid;
    trace_callback(e, &e->conn_eid, NSOCK_ST_SUCCESS, 0);
    e->conn_eid = 0;
    begin_probe(e);
    trace_delete(e, iod, &eid);
}

/* The probe's time is up with a read pending (nsock's READ TIMEOUT). */
static void read_timeout(struct svc_exec *e)
{
    unsigned long iod = e->iod;
    long eid = e->read_eid;
    trace_callback(e, &e->read_eid, NSOCK_ST_TIMEOUT, 0);
    e->read_eid = 0;
    finish(e, EXEC_TIMEOUT);
    trace_delete(e, iod, &eid);
}

static void on_connected(struct svc_exec *e)
{
    if (e->port->ssl) {
        e->tls = tls_conn_new(e->fd, NULL);
        if (!e->tls) {
            finish(e, EXEC_INCOMPLETE);
            return;
        }
        e->phase = PH_HANDSHAKE;
        return;
    }
    connected(e);
}

static void step(struct svc_exec *e, unsigned events)
{
    if (e->phase == PH_CONNECT) {
        if (!(events & (LOOP_WRITABLE | LOOP_ERROR))) return;
        int err = tcpconn_so_error(e->fd);
        if (err) {
            connect_failed(e, NSOCK_ST_ERROR, err);
            return;
        }
        on_connected(e);
        if (e->phase == PH_DONE) return;
    }
    if (e->phase == PH_HANDSHAKE) {
        enum tls_io r = tls_conn_handshake(e->tls);
        if (r == TLS_IO_WANT_READ) {
            if (loop_watch(e->port->scan->loop, e->fd, LOOP_READABLE, on_io, e) != 0)
                finish(e, EXEC_INCOMPLETE);
            return;
        }
        if (r == TLS_IO_WANT_WRITE) {
            if (loop_watch(e->port->scan->loop, e->fd, LOOP_WRITABLE, on_io, e) != 0)
                finish(e, EXEC_INCOMPLETE);
            return;
        }
        if (r != TLS_IO_DONE) {
            /* nsock reports a failed handshake as EIO. */
            connect_failed(e, NSOCK_ST_ERROR, EIO);
            return;
        }
        connected(e);
        if (e->phase != PH_ACTIVE) return;
        events = LOOP_READABLE | LOOP_WRITABLE;
    }
    if (e->phase == PH_ACTIVE) {
        do_send(e);
        if (e->phase != PH_ACTIVE) return;
        do_read(e);
        if (e->phase != PH_ACTIVE) return;
        rewatch(e);
    }
}

static void on_io(struct loop *loop, int fd, unsigned events, void *arg)
{
    (void)loop;
    (void)fd;
    step(arg, events);
}

static void on_timer(struct loop *loop, struct loop_timer *t, void *arg)
{
    (void)loop;
    (void)t;
    struct svc_exec *e = arg;
    e->timer = NULL;
    if (e->phase == PH_ACTIVE) {
        read_timeout(e);
        return;
    }
    /* Before the probe ran this is the connect (and handshake) timeout,
     * or the report of a connect that failed at once. */
    connect_failed(e, e->conn_err ? NSOCK_ST_ERROR : NSOCK_ST_TIMEOUT, e->conn_err);
}

static struct svc_exec *exec_new(struct svc_port *p, const struct vscan_probe *probe, bool spec)
{
    struct svc_exec *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->port = p;
    e->probe = probe;
    e->fd = -1;
    e->speculative = spec;
    e->started_us = loop_now(p->scan->loop);
    return e;
}

static int open_socket(struct svc_port *p)
{
    int fam = p->sa.ss_family;
    if (p->proto == PROTO_TCP) return tcpconn_socket(fam);
    return socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

struct svc_exec *svc_exec_start(struct svc_port *p, const struct vscan_probe *probe, bool spec)
{
    struct svc_scan *s = p->scan;
    struct svc_exec *e = exec_new(p, probe, spec);
    if (!e) return NULL;
    e->fd = open_socket(p);
    if (e->fd < 0) {
        free(e);
        return NULL;
    }
    s->fds++;
    e->iod = nsock_trace_iod_new(&s->nsock);
    if (e->iod) {
        char addr[80];
        svc_port_addr(p, addr, sizeof addr);
        enum nsock_conn_kind kind = p->proto == PROTO_UDP ? NSOCK_CONN_UDP
                                    : p->ssl              ? NSOCK_CONN_SSL
                                                          : NSOCK_CONN_TCP;
        e->conn_eid = nsock_trace_connect(&s->nsock, e->iod, kind, addr,
                                          p->ssl ? SVC_CONNECT_SSL_MS : SVC_CONNECT_MS);
    }
    int rc;
    if (p->proto == PROTO_TCP) {
        rc = tcpconn_start(e->fd, (const struct sockaddr *)&p->sa, p->salen);
    } else {
        rc = connect(e->fd, (const struct sockaddr *)&p->sa, p->salen) == 0 ? 0 : errno;
    }
    if (rc != 0 && rc != EINPROGRESS) {
        /* Finishing calls back into the port; do it from the loop's turn
         * so the caller gets a valid pointer first. */
        e->phase = PH_CONNECT;
        e->conn_err = rc;
        set_timer(e, loop_now(s->loop));
        /* The descriptor lives on until the failure is reported. */
        unsigned long iod = e->iod;
        e->iod = 0;
        close_fd(e);
        e->iod = iod;
        return e;
    }
    int64_t limit = p->ssl ? SVC_CONNECT_SSL_MS : SVC_CONNECT_MS;
    e->phase = PH_CONNECT;
    set_timer(e, e->started_us + limit * 1000);
    /* A connect that completed at once (UDP's always does) is taken up on
     * the loop's next turn too, as nsock delivers it: the caller gets the
     * execution before anything about it is decided. */
    if (loop_watch(s->loop, e->fd, LOOP_WRITABLE, on_io, e) != 0) {
        close_fd(e);
        set_timer(e, loop_now(s->loop));
    }
    return e;
}

struct svc_exec *svc_exec_continue(struct svc_exec *prev, const struct vscan_probe *probe)
{
    struct svc_exec *e = exec_new(prev->port, probe, false);
    if (!e) {
        svc_exec_free(prev);
        return NULL;
    }
    e->fd = prev->fd;
    e->iod = prev->fd >= 0 ? prev->iod : 0;
    prev->iod = 0;
    e->tls = prev->tls;
    e->buf = prev->buf;
    e->len = prev->len;
    e->cap = prev->cap;
    prev->fd = -1;
    prev->tls = NULL;
    prev->buf = NULL;
    svc_exec_free(prev);
    if (e->fd < 0) {
        set_timer(e, loop_now(e->port->scan->loop));
        return e;
    }
    begin_probe(e);
    return e;
}

void svc_exec_free(struct svc_exec *e)
{
    if (!e) return;
    cancel_timer(e);
    close_fd(e);
    free(e->buf);
    free(e);
}

void svc_exec_expire(struct svc_exec *e)
{
    if (e->phase == PH_ACTIVE) read_timeout(e);
}
