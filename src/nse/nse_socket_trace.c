// SPDX-License-Identifier: MIT
// --script-trace (which --packet-trace implies, as in nmap): what nmap
// prints for script sockets, in its order. Two kinds of lines (nsock's
// also at -d2 and up without a trace, as nmap's log level has it):
//   nsock's, on stderr as nmap's nsock logs them, "NSOCK INFO [0.0950s]
//   nsock_connect_tcp(): TCP connection requested to 198.18.1.2:4105 (IOD
//   #2) EID 16", for each request and its callback, numbered and worded by
//   core/nsock_trace.c (the service scan's trace too) in one pool for the
//   run;
//   NSE's, "NSE: TCP 198.18.0.1:40000 > 198.18.0.2:80 | CONNECT" when a
//   connect ends (whatever the outcome), "| SEND" once sent, "| SSL
//   RECONNECT", "| CLOSE", and the bytes sent (">") and received ("<"): as
//   text when at least 95% are printable, else a hex dump with the
//   printable bytes beside it; one per send and one per completed read.
#include "nse/nse_socket.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli/plan.h"
#include "core/nsock_trace.h"
#include "report/model.h"

bool nse_sock_tracing(const struct nse_ctx *ctx)
{
    return ctx && ctx->plan && ctx->plan->script_trace;
}

static void endpoint(const struct sockaddr_storage *ss, char *out, size_t len)
{
    char a[INET6_ADDRSTRLEN] = "0.0.0.0";
    int port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const void *)ss;
        inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
        port = ntohs(in->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const void *)ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
        port = ntohs(in6->sin6_port);
    }
    snprintf(out, len, "%s:%d", a, port);
}

static int port_of(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)(const void *)ss)->sin_port);
    if (ss->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)(const void *)ss)->sin6_port);
    return 0;
}

void nse_sock_trace_local(struct nse_sock *s)
{
    s->local_len = sizeof s->local;
    if (s->fd < 0 || getsockname(s->fd, (struct sockaddr *)&s->local, &s->local_len) != 0) {
        memset(&s->local, 0, sizeof s->local);
        s->local_len = 0;
    }
}

/* "TCP 198.18.0.1:40000 > 198.18.0.2:80"; the local end as the socket
 * has it now, or as it was when connecting (a refused connect loses it). */
static void prefix(const struct nse_sock *s, const char *dir, char *out, size_t len)
{
    struct sockaddr_storage local = {0};
    socklen_t ll = sizeof local;
    if (s->fd >= 0) getsockname(s->fd, (struct sockaddr *)&local, &ll);
    if (port_of(&local) == 0 && s->local_len > 0) memcpy(&local, &s->local, sizeof local);
    char l[INET6_ADDRSTRLEN + 8], r[INET6_ADDRSTRLEN + 8];
    endpoint(&local, l, sizeof l);
    endpoint(&s->peer, r, sizeof r);
    const char *proto = s->type == SOCK_DGRAM ? "UDP" : "TCP"; /* SSL is TCP too */
    snprintf(out, len, "%s %s %s %s", proto, l, dir, r);
}

void nse_sock_trace(const struct nse_sock *s, const char *dir, const char *what)
{
    if (!nse_sock_tracing(s->ctx)) return;
    char p[160];
    prefix(s, dir, p, sizeof p);
    printf("NSE: %s | %s\n", p, what);
    fflush(stdout);
}

void nse_sock_trace_data(const struct nse_sock *s, const char *dir, const char *data, size_t len)
{
    if (!nse_sock_tracing(s->ctx)) return;
    char p[160];
    prefix(s, dir, p, sizeof p);
    printf("NSE: %s | ", p);
    const unsigned char *d = (const unsigned char *)data;
    size_t printable = 0;
    for (size_t i = 0; i < len; i++)
        printable += isprint(d[i]) != 0;
    if (printable * 100 >= len * 95) {
        /* mostly text: as it is, white space included, other bytes as
         * nmap escapes them (a backslash right-aligned in three columns,
         * then the decimal value) */
        for (size_t i = 0; i < len; i++) {
            if (isprint(d[i]) || isspace(d[i]))
                putchar(d[i]);
            else
                printf("  \\%u", d[i]);
        }
        putchar('\n');
        fflush(stdout);
        return;
    }
    for (size_t off = 0; off < len; off += 16) {
        size_t n = len - off < 16 ? len - off : 16;
        printf("%08zx:", off);
        for (size_t i = 0; i < 16; i++) {
            if (i < n)
                printf(" %02x", d[off + i]);
            else
                printf("   ");
        }
        printf(" ");
        for (size_t i = 0; i < n; i++)
            putchar(isprint(d[off + i]) ? d[off + i] : ' ');
        printf("\n");
    }
    printf("\n");
    fflush(stdout);
}

/* ---- nsock's lines, numbered by the run's pool (core/nsock_trace.c) ---- */

void nse_sock_trace_iod_new(struct nse_sock *s)
{
    s->iod_id = nsock_trace_iod_new(&s->ctx->nsock);
}

void nse_sock_trace_iod_delete(struct nse_sock *s)
{
    nsock_trace_iod_delete(&s->ctx->nsock, s->iod_id, NULL, 0);
    s->iod_id = 0;
}

void nse_sock_trace_request(struct nse_sock *s, enum nse_trace_kind kind, size_t n)
{
    struct nsock_trace *t = &s->ctx->nsock;
    s->tkind = kind;
    s->eid = 0;
    if (!nsock_trace_on(t)) return;
    char peer[INET6_ADDRSTRLEN + 8];
    endpoint(&s->peer, peer, sizeof peer);
    int timeout = s->timeout_ms > INT_MAX ? INT_MAX : (int)s->timeout_ms;
    long eid = 0;
    switch (kind) {
    case TK_CONNECT_TCP:
        eid = nsock_trace_connect(t, s->iod_id, NSOCK_CONN_TCP, peer, timeout);
        break;
    case TK_CONNECT_UDP:
        eid = nsock_trace_connect(t, s->iod_id, NSOCK_CONN_UDP, peer, timeout);
        break;
    case TK_CONNECT_SSL:
        eid = nsock_trace_connect(t, s->iod_id, NSOCK_CONN_SSL, peer, timeout);
        break;
    case TK_RECONNECT_SSL:
        eid = nsock_trace_reconnect_ssl(t, s->iod_id, timeout);
        break;
    case TK_WRITE:
        eid = nsock_trace_write(t, s->iod_id, peer, NULL, n, timeout);
        break;
    case TK_SENDTO:
        eid = nsock_trace_sendto(t, s->iod_id, peer, n);
        break;
    case TK_READ:
        eid = nsock_trace_read(t, s->iod_id, peer, timeout);
        break;
    case TK_READBYTES:
        eid = nsock_trace_read_count(t, s->iod_id, peer, n, false, timeout);
        break;
    case TK_READLINES:
        eid = nsock_trace_read_count(t, s->iod_id, peer, n, true, timeout);
        break;
    }
    s->eid = (unsigned long)eid;
}

void nse_sock_trace_setup_udp(struct nse_sock *s)
{
    nsock_trace_setup_udp(&s->ctx->nsock, s->iod_id);
}

static enum nsock_ev_status nsock_status(enum nse_sock_status st)
{
    switch (st) {
    case NS_OK:
        return NSOCK_ST_SUCCESS;
    case NS_TIMEOUT:
        return NSOCK_ST_TIMEOUT;
    case NS_EOF:
        return NSOCK_ST_EOF;
    case NS_ERROR:
        return NSOCK_ST_ERROR;
    case NS_CANCELLED:
        break;
    }
    return NSOCK_ST_CANCELLED;
}

/* The callback line of the finished request, then NSE's line for it. */
void nse_sock_trace_done(struct nse_sock *s)
{
    if (!nsock_trace_on(&s->ctx->nsock) && !nse_sock_tracing(s->ctx)) return;
    bool reading = s->tkind == TK_READ || s->tkind == TK_READBYTES || s->tkind == TK_READLINES;
    size_t got = reading && s->len > s->len_at_start ? s->len - s->len_at_start : 0;
    /* a read that got bytes succeeded, whatever ended it */
    enum nse_sock_status st = got ? NS_OK : s->st;
    char peer[INET6_ADDRSTRLEN + 8];
    endpoint(&s->peer, peer, sizeof peer);
    nsock_trace_callback(&s->ctx->nsock, (long)s->eid, nsock_status(st), s->err, peer,
                         got ? s->buf + s->len_at_start : NULL, got, s->eof);
    switch (s->tkind) {
    case TK_CONNECT_TCP:
    case TK_CONNECT_UDP:
    case TK_CONNECT_SSL:
        nse_sock_trace(s, ">", "CONNECT");
        break;
    case TK_RECONNECT_SSL:
        if (st == NS_OK) nse_sock_trace(s, ">", "SSL RECONNECT");
        break;
    case TK_WRITE:
    case TK_SENDTO:
        if (st == NS_OK) nse_sock_trace(s, ">", "SEND");
        break;
    default:
        if (got) nse_sock_trace_data(s, "<", s->buf + s->len_at_start, got);
        break;
    }
}

unsigned long nse_sock_trace_timer(struct nse_ctx *ctx, double secs)
{
    return (unsigned long)nsock_trace_timer(&ctx->nsock, (long long)(secs * 1000));
}

void nse_sock_trace_timer_cancel(struct nse_ctx *ctx, unsigned long eid)
{
    nsock_trace_cancel(&ctx->nsock, (long)eid);
}

void nse_sock_trace_timer_done(struct nse_ctx *ctx, unsigned long eid)
{
    nsock_trace_callback(&ctx->nsock, (long)eid, NSOCK_ST_SUCCESS, 0, NULL, NULL, 0, false);
}
