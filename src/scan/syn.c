// SPDX-License-Identifier: MIT
// raw_scan(): sets up the engine for one technique over a host group
// (source addresses from the kernel's routes, the capture filter, per-port
// arrays), runs it, and writes what it learnt into each struct host. The raw socket and capture
// are process-wide, opened once by syn_scan_open() before privileges go.
#include "scan/syn.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/runtime.h"
#include "core/signals.h"
#include "net/route.h"
#include "net/source.h"
#include "raw/packet_trace.h"
#include "report/model.h"
#include "report/progress.h"
#include "scan/syn_engine.h"
#include "scan/technique.h"

/* Probes a second to hosts that have not answered yet (syn_sched.c):
 * discovery's own rate (discovery/dengine.c), a few seconds a try for a
 * /16 of absent hosts, which a veth or a switched LAN carries; --max-rate
 * still caps everything. */
#define SILENT_RATE 100000.0
/* nmap's defaults: --max-retries 10, --max-scan-delay 1 s. */
#define DEFAULT_MAX_RETRIES 10
#define DEFAULT_MAX_SCAN_DELAY_US 1000000
/* nmap's first step of the scan delay (boostScanDelay): UDP starts at
 * 50 ms, as "a pcap wait takes a minimum of 80ms" anyway; others at 5 ms. */
#define FIRST_DELAY_UDP_US 50000
#define FIRST_DELAY_US 5000

/* Opened before the privilege drop, used by every group: the one piece of
 * process-wide state of the raw engine. */
static struct raw_io raw;
static bool raw_open;
static char open_error[256];

int syn_scan_open(const struct plan *plan)
{
    if (raw_open) return 0;
    if (raw_io_open(&raw, plan->address_family, open_error, sizeof open_error) != 0) return -1;
    raw_open = true;
    if (source_device()) raw_io_bind_device(&raw, source_device()); /* -e */
    /* --send-eth: without a packet socket the probes go as IP packets. */
    if (plan->send_eth) raw_io_open_link(&raw);
    return 0;
}

const char *syn_scan_open_error(void)
{
    return open_error;
}

struct raw_io *syn_scan_raw_io(void)
{
    return raw_open ? &raw : NULL;
}

static pthread_t closer;
static bool closing;

static void *close_raw(void *arg)
{
    raw_io_close(arg);
    return NULL;
}

static void join_closer(void)
{
    if (closing) pthread_join(closer, NULL);
    closing = false;
}

void syn_scan_close(void)
{
    if (!raw_open) return;
    raw_open = false;
    /* Closing a packet capture waits out an RCU grace period (tens of
     * milliseconds, every run); on a thread it overlaps the discovery
     * capture's close and the rest of the shutdown. Joined at exit. */
    if (!closing && pthread_create(&closer, NULL, close_raw, &raw) == 0) {
        closing = true;
        if (atexit(join_closer) == 0) return;
        join_closer();
        return;
    }
    raw_io_close(&raw);
}

/* What silence makes a port: with --defeat-icmp-ratelimit a silent UDP
 * port may be a closed one whose port unreachable was rationed away. */
static uint8_t silent_state(const struct plan *plan, const struct scan_technique *t)
{
    if (t->proto == PROTO_UDP && plan->defeat_icmp_ratelimit) return PORT_CLOSED_FILTERED;
    return t->silent_state;
}

/* The technique's ports, appended after the results of other protocols
 * (an earlier technique of the same run) and replacing its own protocol's;
 * every port starts as silence makes it, except one an earlier technique
 * of the same protocol got an answer from (-sY then -sZ): as nmap's, that
 * answer stands until a new one comes. */
static int prepare_host(struct host *h, const struct scan_technique *t, uint8_t silent,
                        const uint16_t *ports, size_t n)
{
    size_t kept = 0, n_known = 0;
    struct port_result *known = NULL;
    for (size_t i = 0; i < h->n_ports; i++)
        n_known += h->ports[i].proto == t->proto && h->ports[i].reason != REASON_NO_RESPONSE;
    if (n_known && !(known = malloc(n_known * sizeof *known))) return -1;
    n_known = 0;
    for (size_t i = 0; i < h->n_ports; i++) {
        struct port_result *pr = &h->ports[i];
        if (pr->proto != t->proto) {
            h->ports[kept++] = *pr;
            continue;
        }
        service_info_free(pr->svc);
        pr->svc = NULL;
        if (pr->reason != REASON_NO_RESPONSE) known[n_known++] = *pr;
    }
    struct port_result *v = realloc(h->ports, (kept + n ? kept + n : 1) * sizeof *v);
    if (!v) {
        free(known);
        return -1;
    }
    h->ports = v;
    for (size_t i = 0; i < n; i++)
        v[kept + i] = (struct port_result){.port = ports[i],
                                           .proto = (uint8_t)t->proto,
                                           .state = silent,
                                           .reason = REASON_NO_RESPONSE};
    if (n_known) {
        int32_t *slot = malloc(65536 * sizeof *slot);
        if (!slot) {
            free(known);
            return -1;
        }
        for (size_t p = 0; p < 65536; p++)
            slot[p] = -1;
        for (size_t i = 0; i < n; i++)
            slot[ports[i]] = (int32_t)(kept + i);
        for (size_t i = 0; i < n_known; i++)
            if (slot[known[i].port] >= 0) v[slot[known[i].port]] = known[i];
        free(slot);
    }
    free(known);
    h->n_ports = kept + n;
    h->timed_out = false;
    if (h->start_time.tv_sec == 0) clock_wall(&h->start_time);
    return 0;
}

static void fill_config(struct sy_config *c, const struct plan *plan,
                        const struct scan_technique *tech)
{
    const struct timing *t = &plan->timing;
    bool udp = tech->proto == PROTO_UDP;
    rtt_limits_from_timing(&c->lim, t);
    cc_params_from_timing(&c->cc, t);
    unsigned cap = t->max_retries >= 0 ? (unsigned)t->max_retries : DEFAULT_MAX_RETRIES;
    c->tryno_cap = cap < COOKIE_MAX_TRYNO ? cap : COOKIE_MAX_TRYNO;
    c->timing_level = t->level;
    /* -T4 and -T5 lower only TCP's cap; UDP keeps a second unless
     * --max-scan-delay says otherwise. */
    int64_t max_delay = udp ? t->max_udp_scan_delay : t->max_scan_delay;
    c->max_scan_delay = max_delay >= 0 ? max_delay : DEFAULT_MAX_SCAN_DELAY_US;
    if (c->max_scan_delay < c->lim.scan_delay) c->max_scan_delay = c->lim.scan_delay;
    c->first_delay = udp ? FIRST_DELAY_UDP_US : FIRST_DELAY_US;
    rl_params_default(&c->rl, c->lim.scan_delay, c->max_scan_delay);
    /* A cap below a few measuring probes leaves nothing to pace, and with
     * fewer than two retransmissions (--max-retries, -T5) the user asked for
     * speed over rationed answers. */
    c->rate_checks = c->rl.max_interval > 4 * c->rl.measure_interval && c->tryno_cap >= 2;
    if (c->rl.chances > c->tryno_cap) c->rl.chances = c->tryno_cap;
    /* nmap's --defeat-rst-ratelimit (TCP scans where silence is not
     * "open") and --defeat-icmp-ratelimit (UDP): no slowing down for
     * rationed error replies, so no rate checks and no pacing either. */
    bool noresp_open = tech->silent_state == PORT_OPEN_FILTERED && !udp;
    c->defeat_closed = udp ? plan->defeat_icmp_ratelimit
                           : tech->proto == PROTO_TCP && !noresp_open && plan->defeat_rst_ratelimit;
    if (c->defeat_closed) c->rate_checks = false;
    /* Probes to silent hosts skip the group window, and with it
     * --max-parallelism: a user who bounds parallelism or spaces probes
     * (--scan-delay, -T0 to -T2) gets nmap's window for every host. */
    c->silent_rate = t->max_parallelism > 0 || t->scan_delay > 0 ? 0 : SILENT_RATE;
    c->min_rate = t->min_rate;
    c->max_rate = t->max_rate;
    c->host_timeout_us = t->host_timeout > 0 ? t->host_timeout : 0;
}

/* The engine's view of one host: where it is, which of our addresses the
 * kernel would use to reach it, and its per-port arrays. */
static int init_host(struct syn_engine *e, struct sy_host *sh, struct host *host)
{
    *sh =
        (struct sy_host){.e = e, .host = host, .results = host->ports + host->n_ports - e->n_ports};
    size_t alen = host->addr.family == AF_INET6 ? 16 : 4;
    memcpy(sh->target, host->addr.bytes, alen);
    sh->salen = net_addr_to_sockaddr(&host->addr, 0, &sh->sa);
    sh->pstate = calloc(e->n_ports ? e->n_ports : 1, 1);
    sh->tryno = calloc(e->n_ports ? e->n_ports : 1, 1);
    sh->sent_at = calloc(e->n_ports ? e->n_ports : 1, sizeof *sh->sent_at);
    sh->credits = calloc(e->n_ports ? e->n_ports : 1, 1);
    if (!sh->pstate || !sh->tryno || !sh->sent_at || !sh->credits) return -1;
    rl_init(&sh->rl);
    sh->check_port = -1;
    rtt_init(&sh->rtt, &e->cfg.lim);
    /* As nmap's Target::to, the probe timeout starts from what host
     * discovery (or an earlier scan of the run) measured: without it a
     * silent host waits out the 1 s initial timeout on every probe. */
    if (host->have_times && host->srtt_us > 0 && host->timeout_us > 0)
        sh->rtt = (struct rtt_est){
            .srtt = host->srtt_us, .rttvar = host->rttvar_us, .timeout = host->timeout_us};
    cwnd_init(&sh->win, &e->cfg.cc, e->start_us);
    sh->delay_us = e->cfg.lim.scan_delay;
    sh->last_boost = e->start_us;
    sh->last_sent = e->start_us - sh->delay_us;
    struct route_choice rc;
    if (host->addr.family != e->io->family || source_route(&host->addr, &rc) != 0) {
        char a[NET_ADDR_STRLEN];
        net_addr_format(&host->addr, a, sizeof a);
        error("Failed to determine a route to %s: %s", a, strerror(errno));
        sh->done = true; /* nothing can be sent: every port stays filtered */
        return 0;
    }
    memcpy(sh->self, rc.src.bytes, alen);
    raw_io_watch_device(e->io, rc.oif);
    /* --send-eth: a neighbour whose MAC discovery learnt gets Ethernet
     * frames on the route's interface; others (routed, local, no MAC)
     * still get IP packets, which the kernel frames. */
    if (e->io->link_fd >= 0 && host->has_mac && rc.direct && !rc.local && rc.oif > 0) {
        struct sockaddr_ll ll = {.sll_family = AF_PACKET,
                                 .sll_protocol =
                                     htons(host->addr.family == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP),
                                 .sll_ifindex = rc.oif,
                                 .sll_halen = 6};
        memcpy(ll.sll_addr, host->mac, 6);
        memset(&sh->sa, 0, sizeof sh->sa);
        memcpy(&sh->sa, &ll, sizeof ll);
        sh->salen = sizeof ll;
    }
    return 0;
}

static const struct syn_engine *sort_engine;

static int cmp_by_addr(const void *a, const void *b)
{
    const struct syn_engine *e = sort_engine;
    size_t len = e->io->family == AF_INET6 ? 16 : 4;
    return memcmp(e->hosts[*(const uint32_t *)a].target, e->hosts[*(const uint32_t *)b].target,
                  len);
}

/* Only the technique's protocol to our raw source ports and ICMP errors, addressed to one of our
 * source addresses, get past the kernel's filter. */
static int set_filter(struct syn_engine *e)
{
    size_t cap = 128 + e->n_hosts * 56, len;
    char *f = malloc(cap);
    if (!f) return -1;
    bool v6 = e->io->family == AF_INET6;
    if (e->tech->capture)
        len = (size_t)snprintf(f, cap, "(%s) and (", e->tech->capture);
    else
        len = (size_t)snprintf(f, cap, "(%s and dst portrange %u-%u or %s) and (",
                               proto_name(e->tech->proto), COOKIE_SPORT_BASE,
                               COOKIE_SPORT_BASE + COOKIE_SPORT_SPAN - 1, v6 ? "icmp6" : "icmp");
    size_t n_self = 0;
    for (size_t i = 0; i < e->n_hosts; i++) {
        struct sy_host *h = &e->hosts[i];
        if (h->done) continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !e->hosts[j].done && memcmp(e->hosts[j].self, h->self, 16) == 0;
        if (seen) continue;
        struct net_addr a = {.family = (sa_family_t)e->io->family};
        memcpy(a.bytes, h->self, 16);
        char s[NET_ADDR_STRLEN];
        net_addr_format(&a, s, sizeof s);
        len += (size_t)snprintf(f + len, cap - len, "%sdst host %s", n_self++ ? " or " : "", s);
    }
    snprintf(f + len, cap - len, "%s)", n_self ? "" : "dst host 0.0.0.0");
    char err[512];
    int rc = raw_io_set_filter(e->io, f, err, sizeof err);
    if (rc != 0) error("%s", err);
    free(f);
    return rc;
}

/* The group's RTT estimate carries over to the next group: the path is
 * the same, and a group of absent hosts would otherwise wait the initial
 * timeout for every probe. */
static struct rtt_est carried_rtt;
static bool have_carried_rtt;

static int engine_init(struct syn_engine *e, const struct plan *plan,
                       const struct scan_technique *t, struct host **hosts, size_t n_hosts,
                       const struct scan_observer *obs)
{
    memset(e, 0, sizeof *e);
    fill_config(&e->cfg, plan, t);
    e->tech = t;
    e->io = &raw;
    e->obs = obs;
    e->ports = plan->ports.ports[t->proto];
    e->n_ports = plan->ports.count[t->proto];
    e->n_hosts = n_hosts;
    e->start_us = clock_mono_us();
    raw_io_watch_reset(e->io);
    if (cookie_key_random(&e->key) != 0) return -1;
    e->port_index = malloc(65536 * sizeof *e->port_index);
    e->hosts = calloc(n_hosts ? n_hosts : 1, sizeof *e->hosts);
    e->by_addr = calloc(n_hosts ? n_hosts : 1, sizeof *e->by_addr);
    e->incomplete = calloc(n_hosts ? n_hosts : 1, sizeof *e->incomplete);
    if (!e->port_index || !e->hosts || !e->by_addr || !e->incomplete) return -1;
    for (size_t p = 0; p < 65536; p++)
        e->port_index[p] = -1;
    for (size_t i = 0; i < e->n_ports; i++)
        e->port_index[e->ports[i]] = (int32_t)i;
    rtt_init(&e->group_rtt, &e->cfg.lim);
    if (have_carried_rtt) e->group_rtt = carried_rtt;
    cwnd_init(&e->group_win, &e->cfg.cc, e->start_us);
    e->send_not_before = e->send_by = e->start_us;
    for (size_t i = 0; i < n_hosts; i++) {
        if (init_host(e, &e->hosts[i], hosts[i]) != 0) return -1;
        e->by_addr[i] = (uint32_t)i;
        if (!e->hosts[i].done) e->incomplete[e->n_incomplete++] = &e->hosts[i];
    }
    sort_engine = e;
    qsort(e->by_addr, n_hosts, sizeof *e->by_addr, cmp_by_addr);
    return set_filter(e);
}

static void engine_free(struct syn_engine *e)
{
    for (size_t i = 0; e->hosts && i < e->n_hosts; i++)
        sy_host_free(&e->hosts[i]);
    free(e->hosts);
    free(e->by_addr);
    free(e->incomplete);
    free(e->port_index);
}

void sy_status(const struct syn_engine *e, struct scan_status *st)
{
    memset(st, 0, sizeof *st);
    double total = 0;
    for (size_t i = 0; i < e->n_hosts; i++) {
        const struct sy_host *h = &e->hosts[i];
        st->probes_sent += h->probes_sent;
        if (h->done) {
            st->hosts_done++;
            total += 1.0;
            continue;
        }
        unsigned allowed =
            h->max_ok_tryno + 1 < e->cfg.tryno_cap ? h->max_ok_tryno + 1 : e->cfg.tryno_cap;
        total += progress_host_fraction(h->ports_finished, h->probes_sent, allowed + 1, e->n_ports);
    }
    st->in_flight = e->in_flight;
    st->fraction = e->n_hosts ? total / (double)e->n_hosts : 1.0;
}

static void merge_host(struct sy_host *sh)
{
    struct host *h = sh->host;
    if (!sh->done) {
        h->state = HOST_STATE_UNKNOWN; /* interrupted before it finished */
        return;
    }
    clock_wall(&h->end_time);
    if (sh->timed_out) {
        h->timed_out = true;
        free(h->ports);
        h->ports = NULL;
        h->n_ports = 0;
    }
    h->have_times = sh->rtt.srtt >= 0;
    h->srtt_us = sh->rtt.srtt;
    h->rttvar_us = sh->rtt.rttvar;
    h->timeout_us = sh->rtt.timeout;
}

/* -d: what the capture saw besides answers, as nmap counts its packets. */
static void debug_counts(const struct syn_engine *e)
{
    const struct scan_observer *obs = e->obs;
    if (!obs || !obs->message || !obs->rt || runtime_debugging(obs->rt) < 1) return;
    const struct sy_counters *c = &e->count;
    char line[256];
    snprintf(line, sizeof line,
             "%s: %lu probes sent (%lu send errors), %lu packets captured: %lu malformed, "
             "%lu not ours, %lu duplicates",
             e->tech->task_name, c->sent, c->send_errors, c->received, c->malformed, c->unmatched,
             c->duplicates);
    obs->message(obs->watch_ctx, line, false);
}

static void final_status(const struct syn_engine *e, const struct scan_observer *obs)
{
    if (!obs || !obs->tick) return;
    struct scan_status st;
    sy_status(e, &st);
    st.finished = true;
    obs->tick(obs->watch_ctx, &st);
}

int raw_scan(const struct plan *plan, const struct scan_technique *t, struct host **hosts,
             size_t n_hosts, const struct scan_observer *obs)
{
    if (!raw_open) fatal("The %s needs a raw socket, which was not opened", t->task_name);
    const uint16_t *ports = plan->ports.ports[t->proto];
    size_t n_ports = plan->ports.count[t->proto];
    for (size_t i = 0; i < n_hosts; i++)
        if (prepare_host(hosts[i], t, silent_state(plan, t), ports, n_ports) != 0)
            fatal("Out of memory for port results");
    static struct syn_engine e;
    ptrace_mark_raw_used();
    if (engine_init(&e, plan, t, hosts, n_hosts, obs) != 0)
        fatal("Cannot set up the %s", t->task_name);
    int rc = sy_run(&e);
    if (e.group_rtt.srtt > 0) {
        carried_rtt = e.group_rtt;
        have_carried_rtt = true;
    }
    if (sy_device_lost()) {
        /* What was found stays; the ports not yet answered keep the state
         * silence gives them. */
        for (size_t i = 0; i < n_hosts; i++)
            e.hosts[i].done = true;
        rc = -1;
    }
    final_status(&e, obs);
    debug_counts(&e);
    for (size_t i = 0; i < n_hosts; i++)
        merge_host(&e.hosts[i]);
    engine_free(&e);
    return rc == 0 && !scan_stop_requested ? 0 : -1;
}

const char *syn_scan_failure(void)
{
    return sy_device_lost() ? SY_DEVICE_LOST : NULL;
}

int syn_scan(const struct plan *plan, struct host **hosts, size_t n_hosts,
             const struct scan_observer *obs)
{
    return raw_scan(plan, &tech_syn, hosts, n_hosts, obs);
}
