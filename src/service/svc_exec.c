// SPDX-License-Identifier: MIT
// One probe on one connection, the way nmap's nsock handlers run it:
// connect (then TLS inside a tunnel), send the probe string, read and try
// the match lines after every read until a hard match, the probe's
// totalwaitms (counted from the connection), SVC_RESP_ENOUGH bytes, the
// peer's close or an error. The outcome goes to svc_port.c, which decides
// what it means for the port.
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

static void close_fd(struct svc_exec *e)
{
    struct svc_scan *s = e->port->scan;
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
                finish(e, EXEC_INCOMPLETE);
                return;
            }
        } else {
            ssize_t w = send(e->fd, p->payload + e->sent, p->payload_len - e->sent, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
                finish(e, EXEC_INCOMPLETE);
                return;
            }
            n = (size_t)w;
        }
        e->sent += n;
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

static void do_read(struct svc_exec *e)
{
    for (;;) {
        if (e->len >= SVC_RESP_ENOUGH) {
            finish(e, EXEC_TIMEOUT);
            return;
        }
        if (e->cap - e->len < SVC_READ_CHUNK) {
            size_t ncap = e->len + SVC_READ_CHUNK;
            uint8_t *nb = realloc(e->buf, ncap);
            if (!nb) {
                finish(e, EXEC_INCOMPLETE);
                return;
            }
            e->buf = nb;
            e->cap = ncap;
        }
        size_t n = 0;
        if (e->tls) {
            enum tls_io r = tls_conn_read(e->tls, e->buf + e->len, SVC_READ_CHUNK, &n);
            if (r == TLS_IO_WANT_READ || r == TLS_IO_WANT_WRITE) return;
            if (r == TLS_IO_EOF) {
                finish(e, EXEC_EOF);
                return;
            }
            if (r == TLS_IO_ERROR) {
                finish(e, EXEC_ERROR_NEXT);
                return;
            }
        } else {
            ssize_t got = recv(e->fd, e->buf + e->len, SVC_READ_CHUNK, 0);
            if (got < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
                finish(e, (enum exec_end)classify_read_errno(errno));
                return;
            }
            if (got == 0) {
                if (e->port->proto == PROTO_UDP) continue; /* an empty datagram */
                finish(e, EXEC_EOF);
                return;
            }
            n = (size_t)got;
        }
        e->len += n;
        if (try_match(e)) {
            finish(e, EXEC_HARD);
            return;
        }
    }
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
    begin_probe(e);
}

static void step(struct svc_exec *e, unsigned events)
{
    if (e->phase == PH_CONNECT) {
        if (!(events & (LOOP_WRITABLE | LOOP_ERROR))) return;
        int err = tcpconn_so_error(e->fd);
        if (err) {
            finish(e, EXEC_INCOMPLETE);
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
            finish(e, EXEC_INCOMPLETE);
            return;
        }
        begin_probe(e);
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
    /* Before the probe ran this is the connect (and handshake) timeout. */
    finish(e, e->phase == PH_ACTIVE ? EXEC_TIMEOUT : EXEC_INCOMPLETE);
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
        set_timer(e, loop_now(s->loop));
        close_fd(e);
        return e;
    }
    int64_t limit = p->ssl ? SVC_CONNECT_SSL_MS : SVC_CONNECT_MS;
    e->phase = PH_CONNECT;
    set_timer(e, e->started_us + limit * 1000);
    if (rc == 0 && !p->ssl) {
        begin_probe(e);
    } else if (rc == 0) {
        on_connected(e);
        if (e->phase == PH_HANDSHAKE) step(e, LOOP_READABLE | LOOP_WRITABLE);
    } else if (loop_watch(s->loop, e->fd, LOOP_WRITABLE, on_io, e) != 0) {
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
    if (e->phase == PH_ACTIVE) finish(e, EXEC_TIMEOUT);
}
