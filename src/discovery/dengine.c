// SPDX-License-Identifier: MIT
// The raw side of discovery: probes go out in sendmmsg batches at a paced
// rate (raw IP socket, or the packet socket for ARP/ND frames), replies
// come from the capture and are matched to their host by address (binary
// search) and to their probe by the keyed identity, and hosts whose round
// went unanswered wait in a FIFO ordered by deadline (send order is
// deadline order, since the timeout only changes between rounds).
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/signals.h"
#include "discovery/dengine.h"
#include "discovery/dreply.h"
#include "report/model.h"
#include "net/pkt/tcp.h"
#include "raw/packet_trace.h"
#include "scan/rtt.h"

#define SEND_BATCH 64
#define RECV_BATCH 512
#define PROBE_TTL 64
#define FRAME_MAX 128
/* Without --max-rate: fast enough that a /16 of silent hosts is a matter
 * of seconds, slow enough for a veth or a switched LAN to carry. */
#define DEFAULT_RATE 100000.0

struct waiting {
    uint32_t host;
    int64_t deadline;
};

struct run_state {
    struct dengine *e;
    uint32_t *by_addr; /* host numbers sorted by address */
    uint32_t *sendq;   /* hosts with a round to send, FIFO */
    size_t sq_head, sq_n;
    struct waiting *wait; /* hosts whose round is out, FIFO */
    size_t w_head, w_n;
    size_t remaining;
    double tokens;
    int64_t last_refill;
    struct dreply reply;
};

/* --- the run's RTT estimate ------------------------------------------------ */

static struct rtt_est run_rtt;
static bool run_rtt_init;

static void timing_init(const struct plan *plan, struct rtt_limits *lim)
{
    rtt_limits_from_timing(lim, &plan->timing);
    if (!run_rtt_init) {
        rtt_init(&run_rtt, lim);
        run_rtt_init = true;
    }
}

/* nmap's ARP and ND rounds start at 200 ms (INITIAL_ARP_RTT_TIMEOUT):
 * a neighbour answers at once or not at all. */
#define INITIAL_ARP_TIMEOUT_US 200000

int64_t dtiming_timeout(const struct plan *plan, bool arp)
{
    struct rtt_limits lim;
    timing_init(plan, &lim);
    int64_t to = run_rtt.timeout;
    if (arp && run_rtt.srtt < 0 && to > INITIAL_ARP_TIMEOUT_US)
        to = lim.min_timeout > INITIAL_ARP_TIMEOUT_US ? lim.min_timeout : INITIAL_ARP_TIMEOUT_US;
    return to;
}

void dtiming_sample(const struct plan *plan, int64_t rtt_us)
{
    struct rtt_limits lim;
    timing_init(plan, &lim);
    rtt_sample(&run_rtt, rtt_us, &lim);
}

/* --- queues ------------------------------------------------------------------ */

static void sendq_push(struct run_state *s, uint32_t h)
{
    s->sendq[(s->sq_head + s->sq_n) % s->e->n] = h;
    s->sq_n++;
}

static void wait_push(struct run_state *s, uint32_t h, int64_t deadline)
{
    s->wait[(s->w_head + s->w_n) % s->e->n] = (struct waiting){.host = h, .deadline = deadline};
    s->w_n++;
}

static const struct dprobe_ends *sort_ends_base;
static struct dhost **sort_hosts;

static int cmp_addr(const void *a, const void *b)
{
    const struct dhost *x = sort_hosts[*(const uint32_t *)a], *y = sort_hosts[*(const uint32_t *)b];
    (void)sort_ends_base;
    return memcmp(x->ends.target, y->ends.target, 16);
}

/* The first place in by_addr holding addr16, or e->n when none does. A
 * target named twice on the command line is two hosts at one address,
 * next to each other in by_addr: an answer is each one's (as nmap's). */
static size_t first_by_addr(struct run_state *s, const uint8_t *addr16)
{
    size_t lo = 0, hi = s->e->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memcmp(s->e->hosts[s->by_addr[mid]]->ends.target, addr16, 16) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < s->e->n && memcmp(s->e->hosts[s->by_addr[lo]]->ends.target, addr16, 16) == 0)
        return lo;
    return s->e->n;
}

static struct dhost *host_by_addr(struct run_state *s, const uint8_t *addr16)
{
    size_t i = first_by_addr(s, addr16);
    return i < s->e->n ? s->e->hosts[s->by_addr[i]] : NULL;
}

/* --- sending ----------------------------------------------------------------- */

struct batch {
    uint8_t pkt[SEND_BATCH][FRAME_MAX];
    struct iovec iov[SEND_BATCH];
    struct mmsghdr msg[SEND_BATCH];
    struct sockaddr_ll ll[SEND_BATCH];
    unsigned n;
};

static void flush(struct run_state *s, struct batch *b, bool link)
{
    if (b->n == 0) return;
    unsigned done = 0;
    while (done < b->n) {
        int rc;
        if (link) {
            rc = sendmmsg(s->e->packet_fd, b->msg + done, b->n - done, 0);
            if (rc < 0 && errno == EINTR) continue;
        } else {
            rc = raw_io_send(s->e->io, b->msg + done, b->n - done);
        }
        if (rc <= 0) {
            /* A probe that cannot leave (no route, a local firewall, a full
             * buffer) counts as sent: its host simply times out. */
            done++;
            continue;
        }
        /* What left, for --packet-trace and the Raw packets count: IP
         * packets whole, ARP and ND past their Ethernet header. */
        for (unsigned i = done; i < done + (unsigned)rc; i++) {
            const uint8_t *p = b->iov[i].iov_base;
            size_t len = b->iov[i].iov_len;
            if (link && len > 14)
                ptrace_sent(p + 14, len - 14,
                            p[12] == 0x08 && p[13] == 0x06 ? PTRACE_ARP : PTRACE_IP);
            else if (!link)
                ptrace_sent(p, len, PTRACE_IP);
        }
        done += (unsigned)rc;
    }
    b->n = 0;
}

static void add_msg(struct batch *b, size_t len, void *name, socklen_t namelen)
{
    b->iov[b->n] = (struct iovec){.iov_base = b->pkt[b->n], .iov_len = len};
    b->msg[b->n] = (struct mmsghdr){
        .msg_hdr = {
            .msg_name = name, .msg_namelen = namelen, .msg_iov = &b->iov[b->n], .msg_iovlen = 1}};
    b->n++;
}

static void add_link_frame(struct batch *b, struct dhost *h)
{
    size_t len =
        h->method == DM_ARP
            ? dprobe_build_arp(b->pkt[b->n], FRAME_MAX, h->our_mac, h->ends.self, h->ends.target)
            : dprobe_build_nd(b->pkt[b->n], FRAME_MAX, h->our_mac, h->ends.self, h->ends.target);
    if (len == 0) return;
    struct sockaddr_ll *ll = &b->ll[b->n];
    *ll = (struct sockaddr_ll){.sll_family = AF_PACKET,
                               .sll_ifindex = h->ifindex,
                               .sll_protocol =
                                   htons(h->method == DM_ARP ? ETHERTYPE_ARP : ETHERTYPE_IPV6),
                               .sll_halen = 6};
    memcpy(ll->sll_addr, b->pkt[b->n], 6); /* the frame's destination */
    add_msg(b, len, ll, sizeof *ll);
}

/* Sends whole rounds while the rate allows; a host's round is its whole
 * probe list (ARP/ND: one frame). */
static void send_rounds(struct run_state *s, int64_t now)
{
    static struct batch raw, link;
    struct dengine *e = s->e;
    double per_round = e->hosts[0]->method == DM_IP ? (double)e->probes->n : 1.0;
    s->tokens += (double)(now - s->last_refill) * e->rate / 1e6;
    double cap = e->rate / 100 > SEND_BATCH ? e->rate / 100 : SEND_BATCH; /* 10 ms of burst */
    if (s->tokens > cap) s->tokens = cap;
    s->last_refill = now;
    while (s->sq_n > 0 && s->tokens >= per_round) {
        uint32_t hi = s->sendq[s->sq_head];
        s->sq_head = (s->sq_head + 1) % e->n;
        s->sq_n--;
        struct dhost *h = e->hosts[hi];
        if (h->done) continue;
        s->tokens -= per_round;
        if (h->method == DM_IP) {
            for (size_t i = 0; i < e->probes->n; i++) {
                size_t len = dprobe_build(raw.pkt[raw.n], FRAME_MAX, &e->key, &h->ends,
                                          &e->probes->v[i], (unsigned)i, h->tryno, PROBE_TTL);
                if (len) add_msg(&raw, len, &h->sa, h->salen);
                if (raw.n == SEND_BATCH) flush(s, &raw, false);
            }
        } else {
            add_link_frame(&link, h);
            if (link.n == SEND_BATCH) flush(s, &link, true);
        }
        h->sent_at = now;
        wait_push(s, hi, now + dtiming_timeout(e->plan, h->method != DM_IP));
    }
    flush(s, &raw, false);
    flush(s, &link, true);
}

/* --- receiving --------------------------------------------------------------- */

static void host_up(struct run_state *s, struct dhost *h, uint8_t reason, uint8_t ttl, int tryno,
                    int64_t now)
{
    h->done = h->up = true;
    h->reason = reason;
    h->ttl = ttl;
    if (s->reply.has_mac && h->eth_direct) {
        h->has_mac = true;
        memcpy(h->mac, s->reply.mac, 6);
    }
    /* Karn: only an answer to the latest try times the round trip. */
    if (tryno < 0 || tryno == h->tryno) {
        h->rtt_us = now - h->sent_at;
        dtiming_sample(s->e->plan, h->rtt_us);
    }
    s->remaining--;
}

static void handle_host(struct run_state *s, struct dhost *h, int64_t now)
{
    struct dreply *r = &s->reply;
    /* Not probed yet: an answer to the kernel's own ARP or ND, say, is not
     * an answer to us and has no round trip to time. */
    if (h->done || h->ends.family != r->family || h->sent_at == 0) return;
    uint8_t reason;
    if (r->kind == DR_ARP || r->kind == DR_ND) {
        if ((h->method == DM_ARP) != (r->kind == DR_ARP) || h->method == DM_IP) return;
        if (r->kind == DR_ARP && memcmp(r->self, h->ends.self, 4) != 0) return;
        dreply_verdict(r, NULL, false, &reason);
        host_up(s, h, reason, 0, -1, now);
        return;
    }
    if (h->method != DM_IP) return;
    int tryno;
    int idx = dreply_match(r, &s->e->key, &h->ends, s->e->probes, &tryno);
    if (idx < 0 || (tryno >= 0 && tryno > h->tryno)) return;
    /* Any answer from a neighbour names its MAC address, even one that does
     * not prove it up (nmap lists it for down hosts too). */
    bool ignored_rst = r->kind == DR_TCP && (r->tcp_flags & TCP_RST) && s->e->plan->ignore_rst;
    if (r->has_mac && h->eth_direct && !ignored_rst) {
        h->has_mac = true;
        memcpy(h->mac, r->mac, 6);
    }
    if (!dreply_verdict(r, &s->e->probes->v[idx], s->e->plan->ignore_rst, &reason)) return;
    h->answered = s->e->probes->v[idx];
    host_up(s, h, reason, r->ttl, tryno, now);
}

static void handle(struct run_state *s, int64_t now)
{
    const struct dreply *r = &s->reply;
    uint8_t addr[16] = {0};
    memcpy(addr, r->target, r->family == AF_INET6 ? 16 : 4);
    for (size_t i = first_by_addr(s, addr);
         i < s->e->n && memcmp(s->e->hosts[s->by_addr[i]]->ends.target, addr, 16) == 0; i++)
        handle_host(s, s->e->hosts[s->by_addr[i]], now);
}

static void on_packet(u_char *arg, const struct pcap_pkthdr *ph, const u_char *frame)
{
    struct run_state *s = (struct run_state *)arg;
    if (dreply_parse(s->e->io->dlt, frame, ph->caplen, &s->reply) != PKT_OK) return;
    /* The capture takes all of ARP and IP: only what comes from a host
     * being probed counts as received and is traced, as nmap's narrower
     * capture filters leave it. */
    const struct dreply *r = &s->reply;
    uint8_t addr[16] = {0};
    memcpy(addr, r->target, r->family == AF_INET6 ? 16 : 4);
    if (r->l3 && host_by_addr(s, addr))
        ptrace_rcvd(r->l3, r->l3_len, r->l3_arp ? PTRACE_ARP : PTRACE_ND);
    handle(s, clock_mono_us());
}

static void drain(struct run_state *s)
{
    for (;;) {
        int n = pcap_dispatch(s->e->io->pcap, RECV_BATCH, on_packet, (u_char *)s);
        if (n < 0) {
            error("Error reading the packet capture: %s", pcap_geterr(s->e->io->pcap));
            return;
        }
        if (n < RECV_BATCH) return;
    }
}

/* Rounds whose deadline passed: the next round, or down. */
static void expire(struct run_state *s, int64_t now)
{
    struct dengine *e = s->e;
    while (s->w_n > 0 && s->wait[s->w_head].deadline <= now) {
        uint32_t hi = s->wait[s->w_head].host;
        s->w_head = (s->w_head + 1) % e->n;
        s->w_n--;
        struct dhost *h = e->hosts[hi];
        if (h->done) continue;
        if (h->tryno + 1u < e->tries) {
            h->tryno++;
            sendq_push(s, hi);
        } else {
            h->done = true;
            h->reason = REASON_NO_RESPONSE;
            s->remaining--;
        }
    }
}

static int64_t next_wait(const struct run_state *s, int64_t now)
{
    int64_t wait = 250000; /* notice a stop request */
    if (s->w_n > 0) {
        int64_t d = s->wait[s->w_head].deadline - now;
        if (d < wait) wait = d;
    }
    if (s->sq_n > 0) {
        double per_round = s->e->hosts[0]->method == DM_IP ? (double)s->e->probes->n : 1.0;
        double need = (per_round - s->tokens) * 1e6 / s->e->rate;
        int64_t d = need > 0 ? (int64_t)need : 0;
        if (d < 100) d = 100;
        if (d < wait) wait = d;
    }
    return wait < 0 ? 0 : wait;
}

int dengine_run(struct dengine *e)
{
    if (e->n == 0) return 0;
    ptrace_mark_raw_used();
    struct run_state s = {.e = e, .remaining = e->n};
    s.by_addr = calloc(e->n, sizeof *s.by_addr);
    s.sendq = calloc(e->n, sizeof *s.sendq);
    s.wait = calloc(e->n, sizeof *s.wait);
    if (!s.by_addr || !s.sendq || !s.wait) fatal("Out of memory for host discovery");
    for (size_t i = 0; i < e->n; i++) {
        s.by_addr[i] = (uint32_t)i;
        sendq_push(&s, (uint32_t)i);
        e->hosts[i]->rtt_us = -1;
    }
    sort_hosts = e->hosts;
    qsort(s.by_addr, e->n, sizeof *s.by_addr, cmp_addr);
    s.last_refill = clock_mono_us();
    s.tokens = SEND_BATCH;
    int rc = 0;
    drain(&s); /* whatever an earlier scan left in the capture */
    while (s.remaining > 0) {
        if (scan_stop_requested) {
            rc = -1;
            break;
        }
        int64_t now = clock_mono_us();
        expire(&s, now);
        send_rounds(&s, now);
        if (s.remaining == 0) break;
        struct pollfd p = {.fd = e->io->pcap_fd, .events = POLLIN};
        int64_t w = next_wait(&s, clock_mono_us());
        int ms = (int)((w + 999) / 1000);
        if (poll(&p, 1, ms) < 0 && errno != EINTR) {
            rc = -1;
            break;
        }
        drain(&s);
    }
    free(s.by_addr);
    free(s.sendq);
    free(s.wait);
    return rc;
}
