// SPDX-License-Identifier: MIT
#include "trace/tprobe.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/plan.h"
#include "net/pkt/icmp4.h"
#include "net/pkt/icmp6.h"
#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/tcp.h"
#include "report/model.h"
#include "scan/technique.h"
#include "scan/techniques.h"

/* nmap's ranking of answered probes (pingprobe_score in its scan engine):
 * a raw TCP probe that drew anything but an ICMP error or a SYN-ACK scores
 * 6, a SYN to an open port 3 (a connection half-open on the target each
 * time), UDP 2. ICMP-filtered TCP ports never become the probe. */
static int port_score(const struct port_result *p, const struct scan_technique *tcp)
{
    if (p->reason == REASON_NO_RESPONSE || p->reason == REASON_UNKNOWN) return 0;
    if (p->proto == PROTO_UDP) return 2;
    if (p->proto != PROTO_TCP || !tcp) return 0;
    if (p->state == PORT_FILTERED) return 0;
    if (tcp->tcp_flags == TCP_SYN && p->state == PORT_OPEN) return 3;
    return 6;
}

void trace_probe_choose(const struct plan *plan, const struct host *h, struct trace_probe *out)
{
    struct scan_technique tcp;
    bool have_tcp = plan->tcp_scan != TCP_SCAN_NONE && technique_for_plan(plan, PROTO_TCP, &tcp);
    const struct port_result *best = NULL;
    int best_score = 0;
    for (size_t i = 0; i < h->n_ports; i++) {
        int sc = port_score(&h->ports[i], have_tcp ? &tcp : NULL);
        if (sc > best_score) {
            best = &h->ports[i];
            best_score = sc;
        }
    }
    if (best) {
        bool is_tcp = best->proto == PROTO_TCP;
        *out = (struct trace_probe){.kind = is_tcp ? TRACE_TCP : TRACE_UDP,
                                    .tcp_flags = is_tcp ? tcp.tcp_flags : 0,
                                    .port = best->port,
                                    .reply_ttl = best->reason_ttl};
        return;
    }
    if (h->ping.kind != 0) {
        *out = (struct trace_probe){.kind = h->ping.kind,
                                    .tcp_flags = h->ping.tcp_flags,
                                    .icmp_type = h->ping.icmp_type,
                                    .port = h->ping.port,
                                    .reply_ttl = h->reason_ttl};
        return;
    }
    /* Nothing answered a probe we can send again: ICMP echo, nmap's guess
     * at what most hosts answer. */
    *out = (struct trace_probe){.kind = TRACE_ICMP,
                                .icmp_type = h->addr.family == AF_INET6 ? ICMP6_ECHO : ICMP4_ECHO,
                                .reply_ttl = h->reason_ttl};
}

uint8_t trace_probe_proto(const struct trace_probe *p, int family)
{
    if (p->kind == TRACE_TCP) return IPPROTO_TCP;
    if (p->kind == TRACE_UDP) return IPPROTO_UDP;
    return family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

static size_t build_icmp(const struct trace_probe *p, const struct trace_send *s, uint8_t *buf,
                         size_t cap)
{
    bool v6 = s->family == AF_INET6;
    size_t ip_len = v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN;
    if (cap < ip_len) return 0;
    /* Timestamp and address-mask requests carry their (zero) fields. */
    static const uint8_t zeros[12];
    size_t body = p->icmp_type == ICMP4_TIMESTAMP ? 12 : p->icmp_type == ICMP4_MASK_REQUEST ? 4 : 0;
    uint32_t rest = (uint32_t)s->icmp_id << 16 | s->token;
    size_t l4 = 0, hl = 0;
    enum pkt_status st;
    if (v6) {
        struct pkt_ends ends = {.family = AF_INET6};
        memcpy(ends.src, s->self, 16);
        memcpy(ends.dst, s->target, 16);
        struct icmp6_params ip6 = {.type = ICMP6_ECHO, .rest = rest};
        if (icmp6_build(buf + ip_len, cap - ip_len, &ip6, &ends, &l4) != PKT_OK) return 0;
        struct ipv6_params ip = {.next_header = IPPROTO_ICMPV6, .hop_limit = s->ttl};
        memcpy(ip.src, s->self, 16);
        memcpy(ip.dst, s->target, 16);
        st = ipv6_build(buf, cap, &ip, l4, &hl);
    } else {
        struct icmp4_params ic = {
            .type = p->icmp_type, .rest = rest, .payload = body ? zeros : NULL, .payload_len = body};
        if (icmp4_build(buf + ip_len, cap - ip_len, &ic, &l4) != PKT_OK) return 0;
        struct ipv4_params ip = {.id = s->ip_id, .ttl = s->ttl, .proto = IPPROTO_ICMP};
        memcpy(ip.src, s->self, 4);
        memcpy(ip.dst, s->target, 4);
        st = ipv4_build(buf, cap, &ip, l4, &hl);
    }
    return st == PKT_OK ? hl + l4 : 0;
}

size_t trace_probe_build(const struct plan *plan, const struct trace_probe *p,
                         const struct trace_send *s, uint8_t *buf, size_t cap)
{
    if (p->kind == TRACE_ICMP) return build_icmp(p, s, buf, cap);
    struct scan_technique t;
    if (p->kind == TRACE_UDP) {
        if (!technique_for_plan(plan, PROTO_UDP, &t)) return 0;
    } else {
        t = tech_syn;
        t.tcp_flags = p->tcp_flags;
    }
    struct probe_spec ps = {.family = s->family,
                            .self = s->self,
                            .target = s->target,
                            .sport = s->token,
                            .dport = p->port,
                            .seq = s->seq,
                            .ip_id = s->ip_id,
                            .ttl = s->ttl};
    return t.build(&t, &ps, buf, cap);
}
