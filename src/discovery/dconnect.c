// SPDX-License-Identifier: MIT
// Discovery without privilege, as nmap's: a non-blocking connect() to each
// probe port. A completed connection (syn-ack) or a refusal (conn-refused,
// the target's reset) proves the host up; silence, or an ICMP error
// reported as EHOSTUNREACH and the like, does not. Rounds as the raw
// engine's, with at most MAX_SOCKETS connections open at once.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/in.h>

#include "cli/plan.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/signals.h"
#include "discovery/dengine.h"
#include "report/model.h"

#define MAX_SOCKETS 512

struct attempt {
    uint32_t host;
    int64_t started;
};

/* A socket or fd limit: wait for open probes to finish, never count it as
 * the host's silence. */
#define START_NO_RESOURCES (-3)

static bool out_of_resources(int err)
{
    return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

static int start(const struct dhost *h, uint16_t port)
{
    int fd = socket(h->ends.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return out_of_resources(errno) ? START_NO_RESOURCES : -1;
    struct sockaddr_storage sa = h->sa;
    if (sa.ss_family == AF_INET6)
        ((struct sockaddr_in6 *)&sa)->sin6_port = htons(port);
    else
        ((struct sockaddr_in *)&sa)->sin_port = htons(port);
    /* A reset instead of a FIN when the probe connection is closed. */
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    if (connect(fd, (struct sockaddr *)&sa, h->salen) == 0 || errno == EINPROGRESS) return fd;
    int e = errno;
    close(fd);
    errno = e;
    if (out_of_resources(e) || e == EAGAIN || e == EADDRNOTAVAIL) return START_NO_RESOURCES;
    return e == ECONNREFUSED ? -2 : -1;
}

static void mark_up(struct dhost *h, uint8_t reason, int64_t now, int64_t started,
                    const struct plan *plan, size_t *remaining)
{
    if (h->done) return;
    h->done = h->up = true;
    h->reason = reason;
    h->rtt_us = now - started;
    dtiming_sample(plan, h->rtt_us);
    (*remaining)--;
}

/* One round over every unfinished host: each probe port once, then wait
 * until answered or the timeout passed. */
static int round_once(struct dengine *e, size_t *remaining)
{
    struct pollfd pfd[MAX_SOCKETS];
    struct attempt at[MAX_SOCKETS];
    size_t open = 0, hi = 0, pi = 0;
    int64_t timeout = dtiming_timeout(e->plan, false);
    while ((hi < e->n || open > 0) && *remaining > 0) {
        if (scan_stop_requested) break;
        int64_t now = clock_mono_us();
        while (open < MAX_SOCKETS && hi < e->n) {
            struct dhost *h = e->hosts[hi];
            if (h->done || pi >= e->probes->n) {
                hi++;
                pi = 0;
                continue;
            }
            int fd = start(h, e->probes->v[pi++].arg);
            if (fd == START_NO_RESOURCES) {
                int err = errno;
                pi--; /* the same probe again once a socket is free */
                if (open == 0)
                    fatal("Cannot open a socket for host discovery: %s (%d); raise the "
                          "open-file limit (ulimit -n)",
                          strerror(err), err);
                break;
            }
            if (fd == -2) mark_up(h, REASON_CONN_REFUSED, now, now, e->plan, remaining);
            if (fd < 0) continue;
            pfd[open] = (struct pollfd){.fd = fd, .events = POLLOUT};
            at[open++] = (struct attempt){.host = (uint32_t)hi, .started = now};
        }
        int64_t wait = 250000;
        for (size_t i = 0; i < open; i++) {
            int64_t left = at[i].started + timeout - now;
            if (left < wait) wait = left;
        }
        if (wait < 0) wait = 0;
        if (poll(pfd, open, (int)((wait + 999) / 1000)) < 0 && errno != EINTR) return -1;
        now = clock_mono_us();
        for (size_t i = 0; i < open;) {
            struct dhost *h = e->hosts[at[i].host];
            bool finished = h->done || now - at[i].started >= timeout;
            if (!finished && pfd[i].revents) {
                int err = 0;
                socklen_t len = sizeof err;
                getsockopt(pfd[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err == 0) mark_up(h, REASON_SYN_ACK, now, at[i].started, e->plan, remaining);
                if (err == ECONNREFUSED)
                    mark_up(h, REASON_CONN_REFUSED, now, at[i].started, e->plan, remaining);
                finished = true;
            }
            if (finished) {
                close(pfd[i].fd);
                pfd[i] = pfd[--open];
                at[i] = at[open];
            } else {
                i++;
            }
        }
    }
    for (size_t i = 0; i < open; i++)
        close(pfd[i].fd);
    return scan_stop_requested ? -1 : 0;
}

int dconnect_run(struct dengine *e)
{
    size_t remaining = e->n;
    for (size_t i = 0; i < e->n; i++)
        e->hosts[i]->rtt_us = -1;
    for (unsigned t = 0; t < e->tries && remaining > 0; t++) {
        for (size_t i = 0; i < e->n; i++)
            e->hosts[i]->tryno = (uint8_t)t;
        if (round_once(e, &remaining) != 0) return -1;
    }
    for (size_t i = 0; i < e->n; i++)
        if (!e->hosts[i]->done) {
            e->hosts[i]->done = true;
            e->hosts[i]->reason = REASON_NO_RESPONSE;
        }
    return 0;
}
