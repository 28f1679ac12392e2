// SPDX-License-Identifier: MIT
// --script-trace (which --packet-trace implies, as in nmap): what nmap
// prints for script sockets, in its order. Two kinds of lines (nsock's
// also at -d2 and up without a trace, as nmap's log level has it):
//   nsock's, on stderr as nmap's nsock logs them, "NSOCK INFO [0.0950s]
//   nsock_connect_tcp(): TCP connection requested to 198.18.1.2:4105 (IOD
//   #2) EID 16", for each request and its callback, with nsock's
//   numbering: an IOD per connection, and an event id (EID) of
//   (serial << 3 | type) for every request;
//   NSE's, "NSE: TCP 198.18.0.1:40000 > 198.18.0.2:80 | CONNECT" when a
//   connect ends (whatever the outcome), "| SEND" once sent, "| SSL
//   RECONNECT", "| CLOSE", and the bytes sent (">") and received ("<"): as
//   text when at least 95% are printable, else a hex dump with the
//   printable bytes beside it; one per send and one per completed read.
#include "nse/nse_socket.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "cli/plan.h"
#include "core/nsock_trace.h"
#include "report/model.h"

/* nsock's event types, the low 3 bits of an EID */
enum { EV_CONNECT = 0, EV_CONNECT_SSL = 1, EV_READ = 2, EV_WRITE = 3, EV_TIMER = 4 };

static unsigned long iod_serial, event_serial;

bool nse_sock_tracing(const struct nse_ctx *ctx)
{
    return ctx && ctx->plan && ctx->plan->script_trace;
}

/* nsock's lines follow nmap's log level: a trace, or -d2 and up. */
static bool nsock_tracing(const struct nse_ctx *ctx)
{
    return ctx && ctx->plan &&
           nsock_trace_level_for(ctx->plan->debugging, ctx->plan->script_trace) >= NSOCK_TRACE_INFO;
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
    if (ss->ss_family == AF_INET) return ntohs(((const struct sockaddr_in *)(const void *)ss)->sin_port);
    if (ss->ss_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)(const void *)ss)->sin6_port);
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
    for (size_t i = 0; i < len; i++) printable += isprint(d[i]) != 0;
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
        for (size_t i = 0; i < n; i++) putchar(isprint(d[off + i]) ? d[off + i] : ' ');
        printf("\n");
    }
    printf("\n");
    fflush(stdout);
}

/* ---- nsock's lines ---- */

static void nsock_line(const struct nse_ctx *ctx, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void nsock_line(const struct nse_ctx *ctx, const char *func, const char *fmt, ...)
{
    double t = 0;
    struct timeval now;
    gettimeofday(&now, NULL);
    if (ctx->run && ctx->run->start_time.tv_sec)
        t = (double)(now.tv_sec - ctx->run->start_time.tv_sec) +
            (double)(now.tv_usec - ctx->run->start_time.tv_usec) / 1e6;
    if (t < 0) t = 0;
    fflush(stdout); /* keep the order of the two streams on a terminal */
    fprintf(stderr, "NSOCK INFO [%.4fs] %s(): ", t, func);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void nse_sock_trace_iod_new(struct nse_sock *s)
{
    s->iod_id = ++iod_serial;
    if (nsock_tracing(s->ctx)) nsock_line(s->ctx, "nsock_iod_new2", "nsock_iod_new (IOD #%lu)", s->iod_id);
}

void nse_sock_trace_iod_delete(struct nse_sock *s)
{
    if (!s->iod_id) return;
    if (nsock_tracing(s->ctx))
        nsock_line(s->ctx, "nsock_iod_delete", "nsock_iod_delete (IOD #%lu)", s->iod_id);
    s->iod_id = 0;
}

static unsigned long new_eid(int type)
{
    return (++event_serial << 3) | (unsigned long)type;
}

void nse_sock_trace_request(struct nse_sock *s, enum nse_trace_kind kind, size_t n)
{
    static const int types[] = {
        [TK_CONNECT_TCP] = EV_CONNECT, [TK_CONNECT_UDP] = EV_CONNECT,
        [TK_CONNECT_SSL] = EV_CONNECT_SSL, [TK_RECONNECT_SSL] = EV_CONNECT_SSL,
        [TK_WRITE] = EV_WRITE, [TK_SENDTO] = EV_WRITE, [TK_READ] = EV_READ,
        [TK_READBYTES] = EV_READ, [TK_READLINES] = EV_READ,
    };
    s->tkind = kind;
    s->eid = new_eid(types[kind]);
    if (!nsock_tracing(s->ctx)) return;
    char peer[INET6_ADDRSTRLEN + 8];
    endpoint(&s->peer, peer, sizeof peer);
    const struct nse_ctx *c = s->ctx;
    switch (kind) {
    case TK_CONNECT_TCP:
        nsock_line(c, "nsock_connect_tcp", "TCP connection requested to %s (IOD #%lu) EID %lu", peer,
                   s->iod_id, s->eid);
        break;
    case TK_CONNECT_UDP:
        nsock_line(c, "nsock_connect_udp", "UDP connection requested to %s (IOD #%lu) EID %lu", peer,
                   s->iod_id, s->eid);
        break;
    case TK_CONNECT_SSL:
        nsock_line(c, "nsock_connect_ssl", "SSL connection requested to %s/tcp (IOD #%lu) EID %lu", peer,
                   s->iod_id, s->eid);
        break;
    case TK_RECONNECT_SSL:
        nsock_line(c, "nsock_reconnect_ssl", "SSL reconnection requested (IOD #%lu) EID %lu", s->iod_id,
                   s->eid);
        break;
    case TK_WRITE:
        nsock_line(c, "nsock_write", "Write request for %zu bytes to IOD #%lu EID %lu [%s]", n, s->iod_id,
                   s->eid, peer);
        break;
    case TK_SENDTO:
        nsock_line(c, "nsock_sendto", "Sendto request for %zu bytes to IOD #%lu EID %lu [%s]", n, s->iod_id,
                   s->eid, peer);
        break;
    case TK_READ:
        nsock_line(c, "nsock_read", "Read request from IOD #%lu [%s] (timeout: %lldms) EID %lu", s->iod_id,
                   peer, (long long)s->timeout_ms, s->eid);
        break;
    case TK_READBYTES:
        nsock_line(c, "nsock_readbytes", "Read request for %zu bytes from IOD #%lu [%s] EID %lu", n,
                   s->iod_id, peer, s->eid);
        break;
    case TK_READLINES:
        nsock_line(c, "nsock_readlines", "Read request for %zu lines from IOD #%lu [%s] EID %lu", n,
                   s->iod_id, peer, s->eid);
        break;
    }
}

void nse_sock_trace_setup_udp(struct nse_sock *s)
{
    if (nsock_tracing(s->ctx))
        nsock_line(s->ctx, "nsock_setup_udp", "UDP unconnected socket (IOD #%lu)", s->iod_id);
}

/* The callback line of the finished request, then NSE's line for it. */
void nse_sock_trace_done(struct nse_sock *s)
{
    if (!nsock_tracing(s->ctx) && !nse_sock_tracing(s->ctx)) return;
    static const char *const status[] = {"SUCCESS", "TIMEOUT", "EOF", "ERROR", "CANCELLED"};
    const char *type = "READ";
    switch (s->tkind) {
    case TK_CONNECT_TCP:
    case TK_CONNECT_UDP:
        type = "CONNECT";
        break;
    case TK_CONNECT_SSL:
    case TK_RECONNECT_SSL:
        type = "SSL-CONNECT";
        break;
    case TK_WRITE:
    case TK_SENDTO:
        type = "WRITE";
        break;
    default:
        break;
    }
    bool reading = s->tkind == TK_READ || s->tkind == TK_READBYTES || s->tkind == TK_READLINES;
    size_t got = reading && s->len > s->len_at_start ? s->len - s->len_at_start : 0;
    /* a read that got bytes succeeded, whatever ended it */
    enum nse_sock_status st = got ? NS_OK : s->st;
    char peer[INET6_ADDRSTRLEN + 8];
    endpoint(&s->peer, peer, sizeof peer);
    char extra[128] = "";
    if (st == NS_ERROR && s->err)
        snprintf(extra, sizeof extra, " [%s (%d)]", strerror(s->err), s->err);
    if (got) {
        char shown[84] = "";
        if (got < 80) {
            shown[0] = ':';
            shown[1] = ' ';
            for (size_t i = 0; i < got; i++) {
                unsigned char c = (unsigned char)s->buf[s->len_at_start + i];
                shown[2 + i] = isprint(c) ? (char)c : '.';
            }
            shown[2 + got] = 0;
        }
        if (nsock_tracing(s->ctx))
            nsock_line(s->ctx, "nsock_trace_handler_callback",
                       "Callback: %s %s for EID %lu [%s] %s(%zu bytes)%s", type, status[st], s->eid,
                       peer, s->eof ? "[EOF]" : "", got, shown);
    } else if (nsock_tracing(s->ctx)) {
        nsock_line(s->ctx, "nsock_trace_handler_callback", "Callback: %s %s%s for EID %lu [%s]", type,
                   status[st], extra, s->eid, peer);
    }
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

unsigned long nse_sock_trace_timer(const struct nse_ctx *ctx, double secs)
{
    unsigned long eid = new_eid(EV_TIMER);
    if (nsock_tracing(ctx))
        nsock_line(ctx, "nsock_timer_create", "Timer created - %lldms from now.  EID %lu",
                   (long long)(secs * 1000), eid);
    return eid;
}

void nse_sock_trace_timer_cancel(const struct nse_ctx *ctx, unsigned long eid)
{
    if (nsock_tracing(ctx))
        nsock_line(ctx, "nsock_event_cancel", "Event #%lu (type TIMER) cancelled", eid);
}

void nse_sock_trace_timer_done(const struct nse_ctx *ctx, unsigned long eid)
{
    if (nsock_tracing(ctx))
        nsock_line(ctx, "nsock_trace_handler_callback", "Callback: TIMER SUCCESS for EID %lu", eid);
}
