// SPDX-License-Identifier: MIT
// --script-trace (which --packet-trace implies, as in nmap): one line per
// socket event of a script, "NSE: TCP 198.18.0.1:40000 > 198.18.0.2:80 |
// CONNECT" (when asked for, whatever the outcome), "... | SEND" once sent,
// "... | CLOSE", and what was sent (">") and received ("<"): as it is when
// every byte is printable, else as a hex dump with the printable bytes
// beside it, one dump per send and per read event.
#include "nse/nse_socket.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli/plan.h"

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

/* "TCP 198.18.0.1:40000 > 198.18.0.2:80" */
static void prefix(const struct nse_sock *s, const char *dir, char *out, size_t len)
{
    struct sockaddr_storage local = {0};
    socklen_t ll = sizeof local;
    if (s->fd >= 0) getsockname(s->fd, (struct sockaddr *)&local, &ll);
    char l[INET6_ADDRSTRLEN + 8], r[INET6_ADDRSTRLEN + 8];
    endpoint(&local, l, sizeof l);
    endpoint(&s->peer, r, sizeof r);
    const char *proto = s->type == SOCK_DGRAM ? "UDP" : "TCP"; /* SSL is TCP too */
    snprintf(out, len, "%s %s %s %s", proto, l, dir ? dir : ">", r);
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
    while (printable < len && isprint(d[printable])) printable++;
    if (printable == len) { /* plain text goes out as it is */
        fwrite(data, 1, len, stdout);
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
        for (size_t i = 0; i < n; i++) {
            unsigned char c = d[off + i];
            putchar(isprint(c) ? c : ' ');
        }
        printf("\n");
    }
    printf("\n");
    fflush(stdout);
}
