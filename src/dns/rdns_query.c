// SPDX-License-Identifier: MIT
// Parallel PTR queries (see rdns_query.h and the rules in rdns.h).
//
// A query lives on one server at a time: it waits in that server's queue
// until the server has room (its window), is sent, and either gets an
// answer or times out. A timeout or SERVFAIL is a failed try: the query goes
// back to the head of the same server's queue until that server's tries are
// used up, then on to the next server in the list; after the last allowed
// server it is dropped. The per-try timeouts are nmap 7.93's, measured with
// silent servers in the lab (1 server: 4+4+5 = 13 s; 2: 2.5+4 on each;
// 3 or more: 2.5+3 on each of three, 16.5 s).
#include "dns/rdns_query.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/loop.h"
#include "dns/dns_msg.h"
#include "report/model.h"

/* Per-try timeouts in milliseconds, by number of servers; 0 ends the list. */
static const int64_t TRY_TIMEOUT_MS[3][4] = {
    {4000, 4000, 5000, 0}, /* one server */
    {2500, 4000, 0, 0},    /* two */
    {2500, 3000, 0, 0},    /* three or more */
};
/* nmap gives up on a query after this many servers (measured with four:
 * the fourth is never asked). */
#define SERVERS_TRIED_MAX 3
/* Window of queries in flight per server: it starts small enough for any
 * resolver, grows by one per answer (doubling each round trip) and shrinks
 * by 30% on a timeout, never below the start. nmap's limits are the same
 * (10 and 200; measured: 64 hosts behind a dead server took 7 x 13 s). */
#define WINDOW_MIN 10
#define WINDOW_MAX 200
/* A server that has not sent a single datagram while this many tries timed
 * out is dead for the rest of the group (cmap's own rule; nmap would wait
 * out every try of every query, 13 s per ten hosts). A server that ever
 * answered is never given up, however slow. */
#define DEAD_AFTER_SILENT 20
/* Datagrams read per readiness callback before other work gets a turn. */
#define RECV_BATCH 64

enum { NO_SERVER = SIZE_MAX };

struct engine;

struct query {
    struct engine *e;
    struct host *host;
    char qname[80]; /* 73 characters for ip6.arpa */
    struct loop_timer *timer;
    size_t server;
    size_t next; /* in its server's queue */
    uint16_t id;
    uint8_t tries;         /* on the current server */
    uint8_t servers_tried; /* servers left behind */
    bool has_id, in_flight, done;
};

struct server {
    struct engine *e;
    int fd;
    size_t head, tail; /* queue of query indices; NO_SERVER when empty */
    unsigned in_flight, window, silent;
    bool dead, heard;
};

struct engine {
    struct loop *loop;
    const struct dns_server_list *list;
    struct server *srv;
    size_t n_srv;
    struct query *q;
    size_t n, remaining;
    bool *deferred;
    struct rdns_stats *stats;
    uint32_t *by_id; /* query index + 1 for each DNS id in use, 0 free */
    uint64_t rng;
    const int64_t *timeouts;
    size_t n_usable; /* servers that could be connected at the start */
};

static uint16_t next_random(struct engine *e)
{
    /* xorshift64*: ids need only be unpredictable to an off-path sender
     * and distinct, and the seed comes from getrandom. */
    e->rng ^= e->rng >> 12;
    e->rng ^= e->rng << 25;
    e->rng ^= e->rng >> 27;
    return (uint16_t)((e->rng * 0x2545F4914F6CDD1DULL) >> 48);
}

static void enqueue(struct engine *e, size_t qi, bool front)
{
    struct server *s = &e->srv[e->q[qi].server];
    e->q[qi].next = NO_SERVER;
    if (s->head == NO_SERVER) {
        s->head = s->tail = qi;
    } else if (front) {
        e->q[qi].next = s->head;
        s->head = qi;
    } else {
        e->q[s->tail].next = qi;
        s->tail = qi;
    }
}

static void finish(struct engine *e, struct query *q)
{
    if (q->timer) loop_timer_cancel(e->loop, q->timer);
    q->timer = NULL;
    if (q->in_flight) e->srv[q->server].in_flight--;
    q->in_flight = false;
    if (q->has_id) e->by_id[q->id] = 0;
    q->has_id = false;
    q->done = true;
    if (--e->remaining == 0) loop_stop(e->loop);
}

/* The next server after from that is still alive, or NO_SERVER. */
static size_t next_live(const struct engine *e, size_t from)
{
    for (size_t k = 1; k <= e->n_srv; k++) {
        size_t s = (from + k) % e->n_srv;
        if (!e->srv[s].dead) return s;
    }
    return NO_SERVER;
}

/* Leave the current server: on to the next live one, or give up. */
static void move_on(struct engine *e, size_t qi)
{
    struct query *q = &e->q[qi];
    q->tries = 0;
    q->servers_tried++;
    size_t s = next_live(e, q->server);
    if (q->servers_tried >= SERVERS_TRIED_MAX || q->servers_tried >= e->n_usable ||
        s == NO_SERVER) {
        e->stats->dropped++;
        finish(e, q);
        return;
    }
    q->server = s;
    enqueue(e, qi, false);
}

/* A try ended without an answer (timeout or SERVFAIL). */
static void failed_try(struct engine *e, size_t qi)
{
    struct query *q = &e->q[qi];
    if (q->timer) loop_timer_cancel(e->loop, q->timer);
    q->timer = NULL;
    if (q->in_flight) e->srv[q->server].in_flight--;
    q->in_flight = false;
    q->tries++;
    if (!e->srv[q->server].dead && e->timeouts[q->tries] != 0)
        enqueue(e, qi, true);
    else
        move_on(e, qi);
}

/* Give up a server: what waits for it or is in flight there moves on now. */
static void kill_server(struct engine *e, size_t si)
{
    struct server *s = &e->srv[si];
    if (s->dead) return;
    s->dead = true;
    size_t qi = s->head;
    s->head = s->tail = NO_SERVER;
    while (qi != NO_SERVER) {
        size_t next = e->q[qi].next;
        move_on(e, qi);
        qi = next;
    }
    for (size_t i = 0; i < e->n; i++)
        if (!e->q[i].done && e->q[i].in_flight && e->q[i].server == si) failed_try(e, i);
}

static void on_timeout(struct loop *loop, struct loop_timer *timer, void *arg)
{
    (void)loop;
    (void)timer;
    struct query *q = arg;
    struct engine *e = q->e;
    struct server *s = &e->srv[q->server];
    q->timer = NULL; /* a one-shot timer is gone once its callback returns */
    s->window = s->window * 7 / 10 < WINDOW_MIN ? WINDOW_MIN : s->window * 7 / 10;
    size_t si = q->server;
    failed_try(e, (size_t)(q - e->q));
    if (!s->heard && ++s->silent >= DEAD_AFTER_SILENT) kill_server(e, si);
}

static void send_query(struct engine *e, size_t qi)
{
    struct query *q = &e->q[qi];
    struct server *s = &e->srv[q->server];
    if (!q->has_id) {
        uint16_t id = next_random(e);
        while (e->by_id[id] != 0)
            id++;
        q->id = id;
        q->has_id = true;
        e->by_id[id] = (uint32_t)qi + 1;
    }
    uint8_t msg[DNS_QUERY_MAX];
    int len = dns_build_query(q->id, q->qname, DNS_TYPE_PTR, msg, sizeof msg);
    /* A failed send is a lost packet: the timeout deals with it, as with
     * any other loss. A refused port shows up on the receive side. */
    if (len > 0) (void)send(s->fd, msg, (size_t)len, MSG_NOSIGNAL);
    e->stats->sent++;
    q->in_flight = true;
    s->in_flight++;
    q->timer = loop_timer_add(e->loop, e->timeouts[q->tries] * USEC_PER_MSEC, 0, on_timeout, q);
    if (!q->timer) failed_try(e, qi); /* out of memory: count the try as lost */
}

/* Before each wait: send what the windows allow. */
static int pump(struct loop *loop, void *arg)
{
    (void)loop;
    struct engine *e = arg;
    for (size_t si = 0; si < e->n_srv; si++) {
        struct server *s = &e->srv[si];
        while (!s->dead && s->head != NO_SERVER && s->in_flight < s->window) {
            size_t qi = s->head;
            s->head = e->q[qi].next;
            if (s->head == NO_SERVER) s->tail = NO_SERVER;
            send_query(e, qi);
        }
    }
    return 0;
}

static void handle_reply(struct engine *e, size_t si, const uint8_t *buf, size_t len)
{
    if (len < 2) return;
    uint32_t slot = e->by_id[(uint16_t)(buf[0] << 8 | buf[1])];
    if (slot == 0) return;
    size_t qi = slot - 1;
    struct query *q = &e->q[qi];
    struct dns_ptr_reply reply;
    switch (dns_parse_ptr_reply(buf, len, q->qname, &reply)) {
    case DNS_PTR_NAME:
        q->host->rdns = strdup(reply.name);
        e->stats->ok++;
        if (e->srv[si].window < WINDOW_MAX) e->srv[si].window++;
        finish(e, q);
        break;
    case DNS_PTR_NXDOMAIN:
        e->stats->nx++;
        finish(e, q);
        break;
    case DNS_PTR_CNAME:
        e->stats->cname++;
        e->deferred[qi] = true;
        finish(e, q);
        break;
    case DNS_PTR_SERVFAIL:
        e->stats->servfail++;
        if (q->in_flight && q->server == si) failed_try(e, qi);
        break;
    case DNS_PTR_IGNORED:
    case DNS_PTR_MALFORMED:
        break;
    }
}

static void on_readable(struct loop *loop, int fd, unsigned events, void *arg)
{
    (void)loop;
    (void)events;
    struct server *s = arg;
    struct engine *e = s->e;
    size_t si = (size_t)(s - e->srv);
    uint8_t buf[DNS_UDP_MAX * 8]; /* room for EDNS-sized answers; the rest is cut */
    for (int i = 0; i < RECV_BATCH && !s->dead; i++) {
        ssize_t got = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (got < 0) {
            /* An ICMP error for an earlier query: nobody serves DNS there. */
            if (errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH)
                kill_server(e, si);
            if (errno == EINTR) continue;
            return;
        }
        s->heard = true;
        handle_reply(e, si, buf, (size_t)got);
        if (e->remaining == 0) return;
    }
}

/* A connected UDP socket per server: the kernel then drops datagrams from
 * any other source, and ICMP errors come back as receive errors. */
static int open_server(const struct dns_server *d)
{
    int fd = socket(d->sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (const struct sockaddr *)&d->sa, d->salen) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int setup(struct engine *e)
{
    e->loop = loop_new();
    e->srv = calloc(e->n_srv, sizeof *e->srv);
    e->q = calloc(e->n ? e->n : 1, sizeof *e->q);
    e->by_id = calloc(65536, sizeof *e->by_id);
    if (!e->loop || !e->srv || !e->q || !e->by_id) return -1;
    if (getrandom(&e->rng, sizeof e->rng, 0) != sizeof e->rng) e->rng = (uint64_t)clock_mono_us();
    e->rng |= 1;
    for (size_t si = 0; si < e->n_srv; si++) {
        struct server *s = &e->srv[si];
        *s = (struct server){
            .e = e, .fd = -1, .head = NO_SERVER, .tail = NO_SERVER, .window = WINDOW_MIN};
        /* A server with no route (or of a family the host lacks) is skipped,
         * where nmap waits out every timeout: same result, no wait. */
        s->fd = open_server(&e->list->v[si]);
        if (s->fd < 0 || loop_watch(e->loop, s->fd, LOOP_READABLE, on_readable, s) != 0)
            s->dead = true;
        else
            e->n_usable++;
    }
    size_t row = e->n_usable <= 1 ? 0 : e->n_usable == 2 ? 1 : 2;
    e->timeouts = TRY_TIMEOUT_MS[row];
    return 0;
}

static void teardown(struct engine *e)
{
    for (size_t si = 0; e->srv && si < e->n_srv; si++)
        if (e->srv[si].fd >= 0) {
            loop_forget(e->loop, e->srv[si].fd);
            close(e->srv[si].fd);
        }
    if (e->loop) loop_free(e->loop); /* cancels the timers still pending */
    free(e->srv);
    free(e->q);
    free(e->by_id);
}

int rdns_query_run(const struct dns_server_list *servers, struct host **hosts, size_t n,
                   bool *deferred, struct rdns_stats *stats)
{
    struct engine e = {.list = servers,
                       .n_srv = servers->n,
                       .n = n,
                       .remaining = n,
                       .deferred = deferred,
                       .stats = stats};
    if (n == 0) return 0;
    if (servers->n == 0 || setup(&e) != 0) {
        int saved = errno;
        teardown(&e);
        errno = saved;
        stats->dropped += n;
        return servers->n == 0 ? 0 : -1;
    }
    for (size_t i = 0; i < n; i++) {
        struct query *q = &e.q[i];
        *q = (struct query){.e = &e, .host = hosts[i], .next = NO_SERVER};
        if (dns_ptr_name(&hosts[i]->addr, q->qname, sizeof q->qname) < 0) {
            q->done = true;
            e.remaining--;
            stats->dropped++;
            continue;
        }
        /* nmap hands the first query to the last server, then goes round
         * the list (measured with two and four servers). */
        size_t si = (i + e.n_srv - 1) % e.n_srv;
        if (e.srv[si].dead) si = next_live(&e, si);
        if (si == NO_SERVER) {
            q->done = true;
            e.remaining--;
            stats->dropped++;
            continue;
        }
        q->server = si;
        enqueue(&e, i, false);
    }
    int rc = 0;
    if (e.remaining > 0) {
        loop_set_prepare(e.loop, pump, &e);
        int r = loop_run(e.loop);
        rc = r == 1 ? 1 : r < 0 ? -1 : 0;
    }
    teardown(&e);
    return rc;
}
