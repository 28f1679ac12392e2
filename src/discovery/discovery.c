// SPDX-License-Identifier: MIT
// Discovery for a host group: how each host is to be asked (from the
// kernel's route to it and the interface that route uses), then the raw
// engine for ARP/ND hosts and for IP-probed hosts, or the connect engine,
// then the results into struct host, with the MAC vendor when there is a
// MAC address to name.
#include "discovery/discovery.h"

#include <errno.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/plan.h"
#include "scan/techniques.h"
#include "core/clock.h"
#include "core/log.h"
#include "data/datafile.h"
#include "data/macprefixes.h"
#include "discovery/dengine.h"
#include "net/iface.h"
#include "net/route.h"
#include "net/source.h"
#include "report/model.h"
#include "scan/rtt.h"

/* nmap tries each discovery probe twice (one retransmission) unless
 * --max-retries says fewer. */
#define DEFAULT_TRIES 2

static struct raw_io raw;
static bool raw_open;
static int packet_fd = -1;
static char open_error[256];
static struct mac_prefixes *vendors;
static bool vendors_tried;

bool discovery_needs_raw(const struct plan *plan)
{
    /* With -Pn only a raw port scan still asks on-link hosts by ARP/ND,
     * as nmap does; a connect scan with -Pn sends nothing of discovery's. */
    bool raw_portscan = !plan->ping_scan && plan_uses_raw(plan);
    return !plan->list_scan && plan->privileged && (!plan->skip_discovery || raw_portscan);
}

int discovery_open(const struct plan *plan)
{
    /* Opening a capture costs tens of milliseconds (the ring buffer): only
     * when discovery will use it. */
    if (raw_open || !discovery_needs_raw(plan)) return raw_open ? 0 : -1;
    if (raw_io_open(&raw, plan->address_family, open_error, sizeof open_error) != 0) return -1;
    raw_open = true;
    if (source_device()) raw_io_bind_device(&raw, source_device()); /* -e */
    /* Everything a discovery probe can get back, ARP included. */
    if (raw_io_set_filter(&raw, "arp or ip or ip6", open_error, sizeof open_error) != 0) {
        raw_io_close(&raw);
        raw_open = false;
        return -1;
    }
    /* ARP and ND frames: an unbound packet socket sends on any interface. */
    packet_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    return 0;
}

const char *discovery_open_error(void)
{
    return open_error;
}

void discovery_close(void)
{
    if (raw_open) raw_io_close(&raw);
    raw_open = false;
    if (packet_fd >= 0) close(packet_fd);
    packet_fd = -1;
    macprefixes_free(vendors);
    vendors = NULL;
}

static const char *vendor_of(const struct plan *plan, const uint8_t mac[6])
{
    if (!vendors_tried) {
        vendors_tried = true;
        struct datafile_ctx dctx = {
            .datadir = plan->datadir, .exe_path = plan->exe_path, .debugging = plan->debugging};
        char path[4096], err[512];
        if (datafile_find(&dctx, "nmap-mac-prefixes", path, sizeof path) == 0)
            vendors = macprefixes_load(path, err, sizeof err);
        else
            snprintf(err, sizeof err, "cannot find nmap-mac-prefixes");
        if (!vendors) error("Warning: %s: MAC address vendors will be listed as Unknown", err);
    }
    return macprefixes_vendor(vendors, mac);
}

/* Where a host is and how to ask it, as nmap 7.93 decides:
 * - raw discovery (privileged, and not -Pn unless a raw port scan
 *   follows) needs the route: a host without one is skipped ("failed to
 *   determine route"), one of our own addresses is up (localhost-response),
 *   a neighbour on an Ethernet is asked by ARP or ND;
 * - -Pn otherwise makes every host up (user-set), localhost included;
 * - without privilege, connect() probes ask every host, localhost too. */
static void classify(const struct plan *plan, const struct iface_list *ifs, struct dhost *d,
                     struct host *h)
{
    *d = (struct dhost){.host = h, .rtt_us = -1};
    d->ends.family = h->addr.family;
    size_t alen = h->addr.family == AF_INET6 ? 16 : 4;
    memcpy(d->ends.target, h->addr.bytes, alen);
    d->salen = net_addr_to_sockaddr(&h->addr, 0, &d->sa);
    bool raw = raw_open && discovery_needs_raw(plan);
    if (!raw) {
        if (plan->skip_discovery) {
            d->done = d->up = true;
            d->reason = REASON_USER_SET;
        } else {
            d->method = DM_CONNECT;
        }
        return;
    }
    struct route_choice rc;
    if (source_route(&h->addr, &rc) != 0) {
        char a[NET_ADDR_STRLEN];
        net_addr_format(&h->addr, a, sizeof a);
        error("setup_target: failed to determine route to %s", a);
        h->state = HOST_STATE_SKIPPED;
        d->done = true;
        return;
    }
    memcpy(d->ends.self, rc.src.bytes, alen);
    d->ifindex = rc.oif;
    const struct iface *ifc = ifs ? iface_by_index(ifs, rc.oif) : NULL;
    d->eth_direct =
        rc.direct && !rc.local && ifc && ifc->hw_type == ARPHRD_ETHER && ifc->hwaddr_len == 6;
    if (d->eth_direct) memcpy(d->our_mac, ifc->hwaddr, 6);
    bool neighbour = d->eth_direct && packet_fd >= 0 && !plan->disable_arp && !plan->send_ip;
    if (neighbour) {
        d->method = h->addr.family == AF_INET6 ? DM_ND : DM_ARP;
    } else if (plan->skip_discovery) {
        d->done = d->up = true;
        d->reason = REASON_USER_SET;
    } else if (rc.local || (ifc && (ifc->flags & IFF_LOOPBACK))) {
        d->done = d->up = true;
        d->reason = REASON_LOCALHOST_RESPONSE;
    } else {
        d->method = DM_IP;
    }
}

/* The answered probe as --traceroute can send it again (nmap's ping
 * probe): ICMP queries, TCP SYN and ACK, UDP; kind 0 for the others. */
static struct ping_probe ping_probe_of(const struct dprobe *p, int family)
{
    struct ping_probe out = {0};
    switch (p->kind) {
    case DP_ICMP_ECHO:
        out = (struct ping_probe){.kind = TRACE_ICMP, .icmp_type = family == AF_INET6 ? 128 : 8};
        break;
    case DP_ICMP_TS:
        out = (struct ping_probe){.kind = TRACE_ICMP, .icmp_type = 13};
        break;
    case DP_ICMP_MASK:
        out = (struct ping_probe){.kind = TRACE_ICMP, .icmp_type = 17};
        break;
    case DP_TCP_SYN:
    case DP_TCP_ACK:
        out = (struct ping_probe){.kind = TRACE_TCP, .port = p->arg,
                                  .tcp_flags = p->kind == DP_TCP_SYN ? 0x02 : 0x10};
        break;
    case DP_UDP:
        out = (struct ping_probe){.kind = TRACE_UDP, .port = p->arg};
        break;
    default:
        break;
    }
    return out;
}

static void merge(const struct plan *plan, struct dhost *d)
{
    struct host *h = d->host;
    if (h->state == HOST_STATE_SKIPPED) return;
    h->state = d->up ? HOST_STATE_UP : HOST_STATE_DOWN;
    h->reason = d->reason;
    h->reason_ttl = d->up ? d->ttl : 0;
    if (d->up) h->ping = ping_probe_of(&d->answered, h->addr.family);
    if (d->has_mac) {
        h->has_mac = true;
        memcpy(h->mac, d->mac, 6);
        h->mac_vendor = vendor_of(plan, d->mac);
    }
    if (d->up && d->rtt_us >= 0) {
        /* nmap's <times> after one sample: srtt the sample, rttvar its
         * floor of 5 ms, timeout srtt + 4 rttvar but at least the minimum. */
        struct rtt_limits lim;
        rtt_limits_from_timing(&lim, &plan->timing);
        struct rtt_est est;
        rtt_init(&est, &lim);
        rtt_sample(&est, d->rtt_us > 0 ? d->rtt_us : 1, &lim);
        h->have_times = true;
        h->srtt_us = est.srtt;
        h->rttvar_us = est.rttvar;
        h->timeout_us = est.timeout;
    }
}

static const char *task_name(uint8_t method)
{
    return method == DM_ARP ? "ARP Ping Scan" : method == DM_ND ? "ND Ping Scan" : "Ping Scan";
}

/* One engine run over the hosts of group `which` (link or IP). */
static int run_batch(const struct plan *plan, struct dhost *all, size_t n, bool link,
                     const struct dprobe_list *probes, discovery_task_fn task,
                     discovery_hint_fn hint, void *ctx)
{
    struct dhost **sel = calloc(n, sizeof *sel);
    struct host **hosts = calloc(n, sizeof *hosts);
    if (!sel || !hosts) fatal("Out of memory for host discovery");
    size_t k = 0;
    uint8_t method = DM_NONE;
    for (size_t i = 0; i < n; i++) {
        if (all[i].done) continue;
        bool is_link = all[i].method == DM_ARP || all[i].method == DM_ND;
        if (is_link != link) continue;
        method = all[i].method;
        hosts[k] = all[i].host;
        sel[k++] = &all[i];
    }
    int rc = 0;
    if (k > 0) {
        struct dengine e = {.plan = plan,
                            .io = &raw,
                            .packet_fd = packet_fd,
                            .probes = probes,
                            .hosts = sel,
                            .n = k,
                            .tries = DEFAULT_TRIES,
                            .rate = plan->timing.max_rate > 0 ? plan->timing.max_rate : 100000.0};
        if (plan->timing.max_retries >= 0 && (unsigned)plan->timing.max_retries + 1 < e.tries)
            e.tries = (unsigned)plan->timing.max_retries + 1;
        if (cookie_key_random(&e.key) != 0) fatal("No randomness for probe identities");
        size_t per_host = link ? 1 : probes->n;
        if (task) task(ctx, true, task_name(method), hosts, k, per_host);
        rc = method == DM_CONNECT ? dconnect_run(&e) : dengine_run(&e);
        /* The batch's verdicts into its hosts now (merge again at the end
         * changes nothing), so the hints can show them. */
        for (size_t i = 0; i < k; i++) {
            merge(plan, sel[i]);
            if (hint && sel[i]->up)
                hint(ctx, sel[i]->host,
                     method == DM_ARP  ? REASON_ARP_RESPONSE
                     : method == DM_ND ? REASON_ND_RESPONSE
                                       : REASON_UNKNOWN_RESPONSE);
        }
        if (task) task(ctx, false, task_name(method), hosts, k, per_host);
    }
    free(sel);
    free(hosts);
    return rc;
}

int discover_hosts(const struct plan *plan, struct host **hosts, size_t n, discovery_task_fn task,
                   discovery_hint_fn hint, void *ctx)
{
    struct dhost *d = calloc(n ? n : 1, sizeof *d);
    if (!d) fatal("Out of memory for host discovery");
    struct iface_list ifs = {0};
    char err[256];
    /* Only raw discovery looks at interfaces (classify): a connect scan
     * with -Pn skips three netlink dumps. */
    bool have_ifs = raw_open && discovery_needs_raw(plan) &&
                    iface_list_load(&ifs, err, sizeof err) == 0;
    for (size_t i = 0; i < n; i++)
        classify(plan, have_ifs ? &ifs : NULL, &d[i], hosts[i]);
    struct dprobe_list probes;
    if (dprobe_list_make(&probes, &plan->ping, plan->address_family,
                         plan->privileged && raw_open) != 0)
        fatal("Out of memory for host discovery");
    int rc = run_batch(plan, d, n, true, &probes, task, hint, ctx);
    if (rc == 0) rc = run_batch(plan, d, n, false, &probes, task, hint, ctx);
    for (size_t i = 0; i < n; i++)
        merge(plan, &d[i]);
    dprobe_list_free(&probes);
    if (have_ifs) iface_list_free(&ifs);
    free(d);
    return rc;
}
