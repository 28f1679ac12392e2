// SPDX-License-Identifier: MIT
// Which probe a host's traceroute sends, and its bytes. nmap 7.93 reuses
// the best probe that got an answer: from the port scan if any port
// answered (a TCP probe that drew a reset, or an ACK, before ICMP echo,
// before a SYN to an open port, before UDP), else the discovery probe that
// proved the host up, else an ICMP echo request. The probe's identity rides
// where the answer and any ICMP error quoting the probe echo it: the source
// port for TCP and UDP, the identifier and sequence number for ICMP.
#ifndef CMAP_TRACE_TPROBE_H
#define CMAP_TRACE_TPROBE_H

#include <stddef.h>
#include <stdint.h>

struct plan;
struct host;

struct trace_probe {
    uint8_t kind; /* enum trace_kind (report/model.h): TCP, UDP or ICMP */
    uint8_t tcp_flags, icmp_type;
    uint16_t port;
    uint8_t reply_ttl; /* the TTL its answer arrived with: a distance hint, 0 */
};

/* nmap's choice for host h after the scan plan ran. */
void trace_probe_choose(const struct plan *plan, const struct host *h, struct trace_probe *out);

/* The IP protocol number the probe travels in. */
uint8_t trace_probe_proto(const struct trace_probe *p, int family);

/* Where a probe goes and how it is told apart. */
struct trace_send {
    int family;
    const uint8_t *self, *target;
    uint8_t ttl;
    uint16_t token;    /* TCP/UDP source port; ICMP sequence number */
    uint16_t icmp_id;  /* the run's ICMP identifier */
    uint16_t ip_id;
    uint32_t seq;      /* TCP sequence number */
};

/* The whole IP packet into buf; its length, or 0 when cap is too small. */
size_t trace_probe_build(const struct plan *plan, const struct trace_probe *p,
                         const struct trace_send *s, uint8_t *buf, size_t cap);

#endif
