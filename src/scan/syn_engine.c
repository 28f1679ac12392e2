// SPDX-License-Identifier: MIT
// The raw port scans' packet side on one event loop: the prepare hook has
// the technique build as many probes as the scheduler allows and sends
// them in sendmmsg batches; the capture descriptor's readiness drains
// replies, each checked against the keyed echo (raw/cookie.h) before the
// technique may say what it means; timers wake the loop for probe timeouts
// and pacing.
#include "scan/syn_engine.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/runtime.h"
#include "net/pkt/tcp.h"
#include "raw/packet_trace.h"
#include "raw/reply.h"
#include "report/model.h"
#include "scan/syn_sender.h"

/* Probes per sendmmsg: one system call for 64 probes cuts the per-probe
 * cost to where building the packet dominates. */
#define SEND_BATCH 64
/* Batches per turn before the loop looks at replies and timers again. */
#define BATCHES_PER_TURN 4
/* Replies read per pcap_dispatch call. */
#define RECV_BATCH 512
/* Pause when the socket buffer is full, so the interface can drain. */
#define SEND_BACKOFF_US 1000
/* Our probes' TTL / hop limit (nmap draws one in 37..64; the value only
 * needs to reach a lab or LAN target). */
#define PROBE_TTL 64
/* Packets one try at one port may send (UDP: one per payload); nmap's
 * limit is 255 per port, more than a batch holds, so the rest are left. */
#define PACKETS_PER_PORT_MAX 16

struct send_batch {
    uint8_t pkt[SEND_BATCH][RAW_PROBE_MAX];
    struct iovec iov[SEND_BATCH];
    struct mmsghdr msg[SEND_BATCH];
    struct sy_host *host[SEND_BATCH];
    uint32_t idx[SEND_BATCH];
    bool check[SEND_BATCH];
    uint8_t outcome[SEND_BATCH]; /* enum send_outcome */
    unsigned n;
};

void sy_debug(const struct syn_engine *e, const struct sy_host *h, const char *fmt, ...)
{
    const struct scan_observer *obs = e->obs;
    if (!obs || !obs->message || !obs->rt || runtime_debugging(obs->rt) < 1) return;
    char addr[NET_ADDR_STRLEN], what[160], line[256];
    net_addr_format(&h->host->addr, addr, sizeof addr);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s: %s %s", e->tech->task_name, addr, what);
    obs->message(obs->watch_ctx, line, false);
}

unsigned sy_packets(const struct syn_engine *e, uint32_t idx)
{
    uint16_t port = e->ports[idx];
    unsigned n = e->tech->packets ? e->tech->packets(e->tech, port) : 1;
    return n < 1 ? 1 : n > PACKETS_PER_PORT_MAX ? PACKETS_PER_PORT_MAX : n;
}

/* Every packet of one try at port idx (or of the rate check, which repeats
 * an answered port's last try); the first carries the host and index, so a
 * batch that did not leave whole is given back once a port. */
static void add_probe(struct syn_engine *e, struct send_batch *b, struct sy_host *h, uint32_t idx,
                      bool check, int64_t now)
{
    uint16_t port = e->ports[idx];
    int family = h->host->addr.family; /* h->sa may be a link address (--send-eth) */
    uint64_t hash = cookie_hash(&e->key, family, h->target, h->self, port);
    struct probe_spec p = {.family = family,
                           .self = h->self,
                           .target = h->target,
                           .sport = cookie_sport(hash),
                           .dport = port,
                           .seq = cookie_seq(hash, h->tryno[idx]),
                           .ip_id = (uint16_t)(hash >> 16),
                           .ttl = PROBE_TTL};
    unsigned n = sy_packets(e, idx);
    for (p.variant = 0; p.variant < n; p.variant++) {
        size_t len = e->tech->build(e->tech, &p, b->pkt[b->n], RAW_PROBE_MAX);
        /* Sizes are bounded (PAYLOAD_MAX): cannot happen. */
        if (len == 0) fatal("Cannot build a %s probe", e->tech->xml_type);
        b->iov[b->n] = (struct iovec){.iov_base = b->pkt[b->n], .iov_len = len};
        b->msg[b->n] = (struct mmsghdr){.msg_hdr = {.msg_name = &h->sa,
                                                    .msg_namelen = h->salen,
                                                    .msg_iov = &b->iov[b->n],
                                                    .msg_iovlen = 1}};
        b->host[b->n] = p.variant == 0 ? h : NULL;
        b->idx[b->n] = idx;
        b->check[b->n] = check;
        b->n++;
    }
    if (check)
        sy_note_check(e, h, now);
    else
        sy_note_send(e, h, idx, now);
}

static bool device_lost;

bool sy_device_lost(void)
{
    return device_lost;
}

/* A probe that could not leave: a vanished interface ends the scan. */
static void send_failed(struct syn_engine *e)
{
    e->count.send_errors++;
    if (device_lost || !raw_io_device_lost(e->io)) return;
    device_lost = true;
    error("%s\n", SY_DEVICE_LOST); /* nmap's message has an empty line after it */
}

static void flush_batch(struct syn_engine *e, struct send_batch *b, int64_t now)
{
    split_sender_send(e->sender, e->io, b->msg, b->outcome, b->n);
    /* Applied in batch order, whichever thread sent what. A probe that
     * cannot leave (a local firewall, no route) is counted as sent and
     * times out, as nmap's failed sendto. */
    bool unsent = false;
    for (unsigned i = 0; i < b->n; i++) {
        if (b->outcome[i] == SEND_FAILED) {
            send_failed(e);
        } else if (b->outcome[i] == SEND_SENT) {
            const struct iovec *v = &b->iov[i];
            e->count.sent_bytes += v->iov_len;
            e->count.sent++;
            ptrace_sent(v->iov_base, v->iov_len, PTRACE_IP);
        } else {
            unsent = true;
        }
    }
    if (unsent) sy_backoff(e, now + SEND_BACKOFF_US);
    for (unsigned i = b->n; i-- > 0;) {
        if (b->outcome[i] != SEND_UNSENT || !b->host[i]) continue;
        if (b->check[i])
            sy_unsend_check(b->host[i]);
        else
            sy_unsend(e, b->host[i], b->idx[i]);
    }
    b->n = 0;
}

/* Returns true when the scheduler would have sent more this turn. */
static bool send_some(struct syn_engine *e, int64_t now)
{
    static struct send_batch batch; /* 96 KiB of packets: not on the stack */
    /* Room a port may need: one packet, or a full set of payloads. */
    unsigned room = e->tech->packets ? PACKETS_PER_PORT_MAX : 1;
    for (int k = 0; k < BATCHES_PER_TURN; k++) {
        while (batch.n + room <= SEND_BATCH) {
            struct sy_host *h = sy_next_host(e, now);
            uint32_t idx;
            enum sy_work w = h ? sy_take_work(h, &idx) : SY_WORK_NONE;
            if (w == SY_WORK_NONE) break;
            add_probe(e, &batch, h, idx, w == SY_WORK_CHECK, now);
        }
        if (batch.n == 0) return false;
        bool full = batch.n + room > SEND_BATCH;
        flush_batch(e, &batch, now);
        if (!full || now < e->resource_until) return false;
    }
    return true;
}

static int addr_cmp(const struct syn_engine *e, const uint8_t *a, uint32_t host_idx)
{
    size_t len = e->io->family == AF_INET6 ? 16 : 4;
    return memcmp(a, e->hosts[host_idx].target, len);
}

/* The first place in by_addr holding addr, or n_hosts when none does. A
 * target named twice on the command line is two hosts at one address,
 * next to each other in by_addr; a reply is each one's, as nmap's. */
static size_t first_by_addr(const struct syn_engine *e, const uint8_t *addr)
{
    size_t lo = 0, hi = e->n_hosts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (addr_cmp(e, addr, e->by_addr[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < e->n_hosts && addr_cmp(e, addr, e->by_addr[lo]) == 0 ? lo : e->n_hosts;
}

/* Which try of which of h's ports this reply answers, if it is h's at all. */
static bool match_host(struct syn_engine *e, const struct raw_reply *r, enum echo_kind echo,
                       uint32_t echoed, struct sy_host *h, uint32_t *idxp, unsigned *trynop)
{
    if (h->done) return false;
    int32_t idx = e->port_index[r->target_port];
    if (idx < 0) return false;
    uint64_t hash = cookie_hash(&e->key, r->family, r->target, r->self, r->target_port);
    int tryno;
    if (echo == ECHO_SEQ) {
        tryno = cookie_check(hash, r->our_port, echoed);
    } else if (echo == ECHO_PORT) {
        /* Only our port came back: the reply answers the latest try. */
        tryno = r->our_port == cookie_sport(hash) ? h->tryno[idx] : -1;
    } else {
        tryno = h->tryno[idx]; /* -sO: the protocol alone, as nmap */
    }
    if (tryno < 0 || (unsigned)tryno > h->tryno[idx] || h->pstate[idx] == PS_FRESH) return false;
    *idxp = (uint32_t)idx;
    *trynop = (unsigned)tryno;
    return true;
}

/* A reply matched to h's port idx: its state, or a duplicate. */
static void take_reply(struct syn_engine *e, const struct raw_reply *r, struct sy_host *h,
                       uint32_t idx, unsigned tryno, int64_t now)
{
    /* The replies hosts ration (ICMP errors, RSTs) feed the scheduler's
     * model of that rationing, duplicates and the rate check's included. */
    bool error = r->kind == REPLY_ICMP4 || r->kind == REPLY_ICMP6 ||
                 (r->kind == REPLY_TCP && (r->tcp_flags & TCP_RST));
    if (h->pstate[idx] == PS_DONE) {
        e->count.duplicates++;
        if (error) sy_error_echo(e, h, idx, now);
        return;
    }
    uint8_t state, reason;
    if (!e->tech->classify(e->tech, r, &state, &reason)) {
        e->count.unmatched++;
        return;
    }
    sy_reply(e, h, idx, tryno, error, state == PORT_CLOSED, now);
    struct port_result *pr = &h->results[idx];
    pr->state = state;
    pr->reason = reason;
    pr->reason_ttl = r->ttl;
    const struct scan_observer *obs = e->obs;
    if (obs && obs->port_found) obs->port_found(obs->ctx, h->host, pr);
}

static void handle_reply(struct syn_engine *e, const struct raw_reply *r, int64_t now)
{
    uint32_t echoed = 0;
    enum echo_kind echo =
        r->family == e->io->family ? e->tech->echo(e->tech, r, &echoed) : ECHO_NONE;
    bool matched = false;
    for (size_t i = echo == ECHO_NONE ? e->n_hosts : first_by_addr(e, r->target);
         i < e->n_hosts && addr_cmp(e, r->target, e->by_addr[i]) == 0; i++) {
        struct sy_host *h = &e->hosts[e->by_addr[i]];
        uint32_t idx;
        unsigned tryno;
        if (!match_host(e, r, echo, echoed, h, &idx, &tryno)) continue;
        matched = true;
        take_reply(e, r, h, idx, tryno, now);
    }
    if (!matched) e->count.unmatched++;
}

static void on_packet(u_char *arg, const struct pcap_pkthdr *ph, const u_char *frame)
{
    struct syn_engine *e = (struct syn_engine *)arg;
    e->count.received++;
    e->count.received_bytes += ph->len;
    const uint8_t *l3;
    size_t l3_len;
    if (!reply_strip_link(e->io->dlt, frame, ph->caplen, &l3, &l3_len)) {
        e->count.malformed++;
        return;
    }
    ptrace_rcvd(l3, l3_len, PTRACE_IP);
    struct raw_reply rs[2];
    size_t n = 1;
    enum pkt_status st =
        e->tech->parse ? e->tech->parse(l3, l3_len, rs, &n) : reply_parse(l3, l3_len, &rs[0]);
    if (st == PKT_BAD_TYPE) {
        e->count.unmatched++;
        return;
    }
    if (st != PKT_OK) {
        e->count.malformed++;
        return;
    }
    int64_t now = clock_mono_us();
    for (size_t i = 0; i < n && i < 2; i++)
        handle_reply(e, &rs[i], now);
}

void sy_drain_capture(struct syn_engine *e)
{
    for (;;) {
        int n = pcap_dispatch(e->io->pcap, RECV_BATCH, on_packet, (u_char *)e);
        if (n < 0) {
            error("Error reading the packet capture: %s", pcap_geterr(e->io->pcap));
            return;
        }
        if (n < RECV_BATCH) return;
    }
}

static void on_readable(struct loop *loop, int fd, unsigned events, void *arg)
{
    (void)loop;
    (void)fd;
    (void)events;
    sy_drain_capture(arg);
}

static void on_wake(struct loop *loop, struct loop_timer *t, void *arg)
{
    (void)loop;
    (void)t;
    struct syn_engine *e = arg;
    e->wake = NULL;
}

static void arm_wake(struct syn_engine *e, int64_t now)
{
    int64_t when = sy_next_deadline(e, now);
    if (e->wake && (when < 0 || when != e->wake_at)) {
        loop_timer_cancel(e->loop, e->wake);
        e->wake = NULL;
    }
    if (when < 0 || e->wake) return;
    e->wake = loop_timer_add(e->loop, when > now ? when - now : 0, 0, on_wake, e);
    e->wake_at = when;
}

static void on_tick(struct loop *loop, struct loop_timer *t, void *arg)
{
    (void)loop;
    (void)t;
    struct syn_engine *e = arg;
    struct scan_status st;
    sy_status(e, &st);
    e->obs->tick(e->obs->watch_ctx, &st);
}

static int on_prepare(struct loop *loop, void *arg)
{
    struct syn_engine *e = arg;
    int64_t now = loop_refresh_now(loop);
    if (device_lost) {
        loop_stop(loop);
        return 1;
    }
    sy_check_host_timeout(e, now);
    sy_expire(e, now);
    sy_finish_hosts(e);
    bool more = send_some(e, now);
    sy_finish_hosts(e);
    if (e->n_incomplete == 0) {
        /* "More to do" makes this turn poll without waiting; the loop then
         * sees the stop at once. */
        loop_stop(loop);
        return 1;
    }
    arm_wake(e, loop_refresh_now(loop));
    return more;
}

int sy_run(struct syn_engine *e)
{
    e->loop = loop_new();
    if (!e->loop) return -1;
    int rc = -1;
    loop_set_prepare(e->loop, on_prepare, e);
    if (loop_watch(e->loop, e->io->pcap_fd, LOOP_READABLE, on_readable, e) != 0) goto out;
    const struct scan_observer *obs = e->obs;
    if (obs && obs->tick) {
        e->tick = loop_timer_add(e->loop, SCAN_TICK_US, SCAN_TICK_US, on_tick, e);
        if (!e->tick) goto out;
    }
    e->sender = split_sender_start(e->io);
    rc = loop_run(e->loop) == 0 ? 0 : -1;
    split_sender_stop(e->sender);
    e->sender = NULL;
out:
    loop_unwatch(e->loop, e->io->pcap_fd);
    loop_free(e->loop);
    e->loop = NULL;
    e->wake = e->tick = NULL;
    return rc;
}
