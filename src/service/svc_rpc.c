// SPDX-License-Identifier: MIT
// RPC grinding after the probes, as nmap 7.93's rpc-grind version script
// does it: on a port the probes matched as "rpcbind", and (at intensity 7
// or more) on a port nothing identified, ask every program of nmap-rpc
// with the NULL procedure until one answers "program version mismatch";
// that program names the service. The state machine is rpcgrind.h; this
// file owns the socket and the clock on the engine's loop.
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/loop.h"
#include "scan/tcpconn.h"
#include "service/rpcgrind.h"
#include "service/svc_engine.h"

/* How long a reply may take (rpc.lua waits for the host's timeout, at
 * most 10 s; a reply from an RPC service on the path we scan comes in
 * milliseconds). */
#define GRIND_WAIT_US 5000000

struct svc_grind {
    struct svc_port *port;
    struct rpcgrind *g;
    int fd;
    bool connected;
    struct loop_timer *timer;
    uint8_t pending[RPCGRIND_CALL_MAX];
    size_t pending_len, pending_off;
};

static void grind_io(struct loop *loop, int fd, unsigned events, void *arg);
static void grind_timer(struct loop *loop, struct loop_timer *t, void *arg);

static void arm(struct svc_grind *gr)
{
    struct loop *loop = gr->port->scan->loop;
    if (gr->timer) loop_timer_cancel(loop, gr->timer);
    gr->timer = loop_timer_add(loop, GRIND_WAIT_US, 0, grind_timer, gr);
}

static void grind_end(struct svc_grind *gr)
{
    struct svc_port *p = gr->port;
    uint32_t prog, low, high;
    if (rpcgrind_result(gr->g, &prog, &low, &high)) {
        p->rpc_found = true;
        p->rpc_program = prog;
        p->rpc_low = low;
        p->rpc_high = high;
    }
    svc_grind_free(p);
    svc_scan_port_finished(p->scan, p);
}

/* Sends what the grinder has to send; false when the socket failed. */
static bool pump(struct svc_grind *gr)
{
    for (;;) {
        if (gr->pending_off == gr->pending_len) {
            gr->pending_len = rpcgrind_next_call(gr->g, gr->pending, sizeof gr->pending);
            gr->pending_off = 0;
            if (gr->pending_len == 0) return true;
        }
        ssize_t w = send(gr->fd, gr->pending + gr->pending_off, gr->pending_len - gr->pending_off,
                         MSG_NOSIGNAL);
        if (w < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        gr->pending_off += (size_t)w;
    }
}

static void rewatch(struct svc_grind *gr)
{
    unsigned ev = LOOP_READABLE;
    if (!gr->connected || gr->pending_off < gr->pending_len) ev |= LOOP_WRITABLE;
    if (loop_watch(gr->port->scan->loop, gr->fd, ev, grind_io, gr) != 0) rpcgrind_timeout(gr->g);
}

static void step(struct svc_grind *gr)
{
    if (rpcgrind_done(gr->g)) {
        grind_end(gr);
        return;
    }
    if (!pump(gr)) {
        grind_end(gr);
        return;
    }
    rewatch(gr);
}

static void grind_io(struct loop *loop, int fd, unsigned events, void *arg)
{
    (void)loop;
    (void)fd;
    struct svc_grind *gr = arg;
    if (!gr->connected) {
        if (!(events & (LOOP_WRITABLE | LOOP_ERROR))) return;
        if (tcpconn_so_error(gr->fd) != 0) {
            grind_end(gr);
            return;
        }
        gr->connected = true;
        arm(gr);
        step(gr);
        return;
    }
    if (events & (LOOP_READABLE | LOOP_ERROR)) {
        uint8_t buf[4096];
        for (;;) {
            ssize_t n = recv(gr->fd, buf, sizeof buf, 0);
            if (n > 0) {
                rpcgrind_feed_reply(gr->g, buf, (size_t)n);
                arm(gr);
                if (rpcgrind_done(gr->g)) break;
                continue;
            }
            if (n == 0 && gr->port->proto == PROTO_UDP) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
            /* Closed or refused: nothing more will answer. */
            grind_end(gr);
            return;
        }
    }
    step(gr);
}

static void grind_timer(struct loop *loop, struct loop_timer *t, void *arg)
{
    (void)loop;
    (void)t;
    struct svc_grind *gr = arg;
    gr->timer = NULL;
    if (!gr->connected) {
        grind_end(gr);
        return;
    }
    rpcgrind_timeout(gr->g);
    if (!rpcgrind_done(gr->g)) arm(gr);
    step(gr);
}

bool svc_grind_start(struct svc_port *p)
{
    struct svc_scan *s = p->scan;
    if (!s->rpc_db || p->ssl || s->fds >= s->fd_budget) return false;
    struct svc_grind *gr = calloc(1, sizeof *gr);
    if (!gr) return false;
    gr->port = p;
    gr->g = rpcgrind_new(s->rpc_db, p->proto == PROTO_TCP);
    int fam = p->sa.ss_family;
    gr->fd = p->proto == PROTO_TCP ? tcpconn_socket(fam)
                                   : socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (!gr->g || gr->fd < 0) {
        if (gr->fd >= 0) close(gr->fd);
        rpcgrind_free(gr->g);
        free(gr);
        return false;
    }
    s->fds++;
    p->grind = gr;
    int rc = p->proto == PROTO_TCP
                 ? tcpconn_start(gr->fd, (const struct sockaddr *)&p->sa, p->salen)
                 : (connect(gr->fd, (const struct sockaddr *)&p->sa, p->salen) == 0 ? 0 : errno);
    if (rc != 0 && rc != EINPROGRESS) {
        /* Ends on the loop's next turn, never from inside the caller. */
        gr->timer = loop_timer_add(s->loop, 0, 0, grind_timer, gr);
        return true;
    }
    gr->timer = loop_timer_add(s->loop, (int64_t)SVC_CONNECT_MS * 1000, 0, grind_timer, gr);
    if (rc == 0) {
        gr->connected = true;
        arm(gr);
        step(gr);
    } else if (loop_watch(s->loop, gr->fd, LOOP_WRITABLE, grind_io, gr) != 0) {
        loop_timer_cancel(s->loop, gr->timer);
        gr->timer = loop_timer_add(s->loop, 0, 0, grind_timer, gr);
    }
    return true;
}

void svc_grind_free(struct svc_port *p)
{
    struct svc_grind *gr = p->grind;
    if (!gr) return;
    struct svc_scan *s = p->scan;
    if (gr->timer) loop_timer_cancel(s->loop, gr->timer);
    if (gr->fd >= 0) {
        loop_forget(s->loop, gr->fd);
        if (p->proto == PROTO_TCP)
            tcpconn_close_reset(gr->fd);
        else
            close(gr->fd);
        s->fds--;
    }
    rpcgrind_free(gr->g);
    free(gr);
    p->grind = NULL;
    p->grind_done = true;
}
