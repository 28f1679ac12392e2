// SPDX-License-Identifier: MIT
#include "trace/tengine.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/signals.h"
#include "raw/packet_trace.h"
#include "raw/reply.h"
#include "report/model.h"
#include "scan/technique.h"
#include "trace/treply.h"

/* nmap's traceroute constants: probes out at once over all hosts, and how
 * long one waits for its answer. */
#define MAX_OUTSTANDING 10
#define PROBE_TIMEOUT_US 1000000
/* Longest sleep between looks at the capture. */
#define MAX_WAIT_MS 100
#define RECV_BATCH 64

static uint64_t next_random(struct tengine *e)
{
    /* xorshift64: identities need to be unpredictable to bystanders only
     * as much as nmap's are; matching also checks address and TTL record. */
    e->rng ^= e->rng << 13;
    e->rng ^= e->rng >> 7;
    e->rng ^= e->rng << 17;
    return e->rng;
}

static int64_t wall_us(void)
{
    struct timeval tv;
    clock_wall(&tv);
    return (int64_t)tv.tv_sec * USEC_PER_SEC + tv.tv_usec;
}

static void transmit(struct tengine *e, struct thost *h, struct tp_rec *r, int64_t now)
{
    uint8_t buf[RAW_PROBE_MAX];
    struct trace_send s = {.family = h->host->addr.family,
                           .self = h->self,
                           .target = h->target,
                           .ttl = r->ttl,
                           .token = r->token,
                           .icmp_id = e->icmp_id,
                           .ip_id = (uint16_t)next_random(e),
                           .seq = (uint32_t)next_random(e)};
    size_t len = trace_probe_build(e->plan, &h->probe, &s, buf, sizeof buf);
    r->state = TP_ACTIVE;
    r->sent_us = now;
    e->probes_sent++;
    r->sent_wall = wall_us();
    e->active++;
    /* Through the raw engine's one way out (raw/rawio.h). A probe the kernel
     * refuses (no route, full buffer) is simply never answered: it times
     * out like a lost one. */
    if (len == 0) return;
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    struct mmsghdr msg = {.msg_hdr = {.msg_name = &h->sa, .msg_namelen = h->salen,
                                      .msg_iov = &iov, .msg_iovlen = 1}};
    if (raw_io_send(e->io, &msg, 1) == 1) ptrace_sent(buf, len, PTRACE_IP);
}

static uint16_t new_token(struct tengine *e)
{
    uint16_t t = e->next_token++;
    if (t == 0) t = e->next_token++; /* port 0 is no port */
    return t;
}

/* A resend if one is due (the most recent timeout first, as nmap), else
 * the next TTL. False when the host has nothing to send now. */
static bool send_next(struct tengine *e, struct thost *h, int64_t now)
{
    struct tp_rec *resend = NULL;
    for (size_t i = 0; i < h->n_rec; i++)
        if (h->rec[i].state == TP_PENDING && (!resend || h->rec[i].sent_us > resend->sent_us))
            resend = &h->rec[i];
    if (resend) {
        resend->resends++;
        transmit(e, h, resend, now);
        return true;
    }
    if (h->n_rec >= sizeof h->rec / sizeof h->rec[0]) return false;
    uint8_t ttl = trace_next_ttl(&h->st);
    if (ttl == 0) return false;
    struct tp_rec *r = &h->rec[h->n_rec++];
    *r = (struct tp_rec){.ttl = ttl, .token = new_token(e)};
    transmit(e, h, r, now);
    return true;
}

static void send_new_probes(struct tengine *e, int64_t now)
{
    size_t failed = SIZE_MAX;
    while (e->active < MAX_OUTSTANDING && e->next != failed && now >= e->next_send) {
        struct thost *h = &e->hosts[e->next];
        if (!h->finished && send_next(e, h, now)) {
            failed = SIZE_MAX;
            if (e->scan_delay > 0) e->next_send = now + e->scan_delay;
        } else if (failed == SIZE_MAX)
            failed = e->next;
        e->next = (e->next + 1) % e->n_hosts;
    }
}

static void retire(struct tengine *e, struct tp_rec *r)
{
    if (r->state == TP_ACTIVE) e->active--;
    r->state = TP_DONE;
}

/* The first of the hosts probed at address a in by_addr order (a target
 * named twice is traced twice), or n_hosts. */
static size_t first_at(const struct tengine *e, const struct net_addr *a)
{
    size_t lo = 0, hi = e->n_hosts;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (memcmp(e->hosts[e->by_addr[mid]].target, a->bytes, 16) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The unanswered probe r names: its host's address, protocol and token. */
static struct tp_rec *find_probe(struct tengine *e, const struct trace_reply *r,
                                 struct thost **host)
{
    uint8_t key[16] = {0};
    memcpy(key, r->target.bytes, r->target.family == AF_INET6 ? 16 : 4);
    struct net_addr a = {.family = r->target.family};
    memcpy(a.bytes, key, 16);
    for (size_t i = first_at(e, &a); i < e->n_hosts; i++) {
        struct thost *h = &e->hosts[e->by_addr[i]];
        if (memcmp(h->target, key, 16) != 0) break;
        if (h->finished || h->host->addr.family != a.family || r->proto != h->proto) continue;
        for (size_t j = 0; j < h->n_rec; j++)
            if (h->rec[j].token == r->token && h->rec[j].state != TP_DONE &&
                h->rec[j].state != TP_FREE) {
                *host = h;
                return &h->rec[j];
            }
    }
    return NULL;
}

static void handle(struct tengine *e, const struct trace_reply *r, int64_t rcvd_wall)
{
    struct thost *h;
    struct tp_rec *rec = find_probe(e, r, &h);
    if (!rec) return;
    double rtt = (double)(rcvd_wall - rec->sent_wall) / 1000.0;
    if (rtt < 0) rtt = 0;
    uint8_t ttl = rec->ttl;
    struct trace_effect eff = trace_reply(e->cache, &h->st, ttl, &r->from, rtt, r->ttl);
    if (eff.oom) e->oom = true;
    for (size_t i = 0; i < h->n_rec; i++) {
        struct tp_rec *o = &h->rec[i];
        if (o->state == TP_DONE) continue;
        if (o == rec || (eff.cancel_above && o->ttl > ttl) || (eff.cancel_below && o->ttl < ttl))
            retire(e, o);
    }
}

static void on_packet(u_char *arg, const struct pcap_pkthdr *ph, const u_char *frame)
{
    struct tengine *e = (struct tengine *)arg;
    const uint8_t *l3;
    size_t l3_len;
    if (!reply_strip_link(e->io->dlt, frame, ph->caplen, &l3, &l3_len)) return;
    struct trace_reply r;
    if (trace_reply_parse(l3, l3_len, e->icmp_id, &r) != PKT_OK) return;
    ptrace_rcvd(l3, l3_len, PTRACE_IP);
    handle(e, &r, (int64_t)ph->ts.tv_sec * USEC_PER_SEC + ph->ts.tv_usec);
}

static void drain(struct tengine *e)
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

/* Probes unanswered for a second: their TTL is a timeout for now (a late
 * answer still fills it in), and they go out again while resends remain. */
static void cull_timeouts(struct tengine *e, int64_t now)
{
    for (size_t i = 0; i < e->n_hosts; i++) {
        struct thost *h = &e->hosts[i];
        for (size_t j = 0; j < h->n_rec; j++) {
            struct tp_rec *r = &h->rec[j];
            if (r->state != TP_ACTIVE || now - r->sent_us <= PROBE_TIMEOUT_US) continue;
            if (trace_timeout(e->cache, &h->st, r->ttl) != 0) e->oom = true;
            e->active--;
            r->state = r->resends < e->max_resends ? TP_PENDING : TP_EXPIRED;
        }
    }
}

static bool update_finished(struct tengine *e)
{
    bool all = true;
    for (size_t i = 0; i < e->n_hosts; i++) {
        struct thost *h = &e->hosts[i];
        if (h->finished) continue;
        bool busy = false;
        for (size_t j = 0; j < h->n_rec && !busy; j++)
            busy = h->rec[j].state == TP_ACTIVE || h->rec[j].state == TP_PENDING;
        if (!busy && !trace_has_more(&h->st)) h->finished = true;
        all = all && h->finished;
    }
    return all;
}

static int wait_ms(const struct tengine *e, int64_t now)
{
    int64_t first = -1;
    if (e->next_send > now) {
        int64_t ms = (e->next_send - now + 999) / 1000;
        return ms > MAX_WAIT_MS ? MAX_WAIT_MS : (int)ms;
    }
    for (size_t i = 0; i < e->n_hosts; i++)
        for (size_t j = 0; j < e->hosts[i].n_rec; j++) {
            const struct tp_rec *r = &e->hosts[i].rec[j];
            if (r->state == TP_ACTIVE && (first < 0 || r->sent_us < first)) first = r->sent_us;
        }
    if (first < 0) return 0;
    int64_t ms = (first + PROBE_TIMEOUT_US - now) / 1000 + 1;
    return ms < 0 ? 0 : ms > MAX_WAIT_MS ? MAX_WAIT_MS : (int)ms;
}

/* nmap's completion fraction: a finished host counts whole, another by
 * the share of TTLs it has probed. */
static void report_status(struct tengine *e, bool finished)
{
    if (!e->obs || !e->obs->tick) return;
    struct scan_status st = {.probes_sent = e->probes_sent, .in_flight = e->active,
                             .finished = finished};
    double sum = 0;
    for (size_t i = 0; i < e->n_hosts; i++) {
        const struct thost *h = &e->hosts[i];
        if (h->finished) {
            sum += 1.0;
            st.hosts_done++;
            continue;
        }
        unsigned sent = 0;
        for (unsigned t = 0; t <= TRACE_MAX_TTL; t++)
            sent += h->st.sent[t];
        sum += (double)sent / (TRACE_MAX_TTL + 1);
    }
    st.fraction = e->n_hosts ? sum / (double)e->n_hosts : 1.0;
    e->obs->tick(e->obs->watch_ctx, &st);
}

int tengine_run(struct tengine *e)
{
    if (e->n_hosts == 0) return 0;
    e->rng = ((uint64_t)e->icmp_id << 32 | e->next_token) ^ 0x9e3779b97f4a7c15ull;
    if (e->rng == 0) e->rng = 1;
    int64_t last_tick = clock_mono_us();
    while (!update_finished(e)) {
        if (scan_stop_requested) return -1;
        int64_t now = clock_mono_us();
        if (now - last_tick >= SCAN_TICK_US) {
            report_status(e, false);
            last_tick = now;
        }
        send_new_probes(e, now);
        struct pollfd pfd = {.fd = e->io->pcap_fd, .events = POLLIN};
        int rc = poll(&pfd, 1, wait_ms(e, clock_mono_us()));
        if (rc < 0 && errno != EINTR) {
            error("Traceroute: waiting for replies failed: %s", strerror(errno));
            return -1;
        }
        drain(e);
        cull_timeouts(e, clock_mono_us());
    }
    report_status(e, true);
    return 0;
}
