// SPDX-License-Identifier: MIT
// --script-trace (also implied by --packet-trace, as in nmap): one line per
// socket event of a script, "NSE: TCP 198.18.0.1:40000 > 198.18.0.2:80 |
// CONNECT", and a hex dump of every byte sent (">") and received ("<").
#include "nse/nse_socket.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cli/plan.h"

bool nse_sock_tracing(const struct nse_ctx *ctx)
{
    return ctx && ctx->plan && ctx->plan->packet_trace;
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
    const char *proto = s->ssl ? "SSL" : s->type == SOCK_DGRAM ? "UDP" : "TCP";
    snprintf(out, len, "%s %s %s %s", proto, l, dir ? dir : ">", r);
}

void nse_sock_trace(const struct nse_sock *s, const char *dir, const char *what)
{
    if (!nse_sock_tracing(s->ctx)) return;
    char p[160];
    prefix(s, dir && strcmp(dir, "SSL") ? dir : ">", p, sizeof p);
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
            putchar(c >= 0x20 && c < 0x7f ? c : '.');
        }
        printf("\n");
    }
    printf("\n");
    fflush(stdout);
}
