// SPDX-License-Identifier: MIT
// Discovery probes as data: the list a host is probed with (nmap's
// default set or the -P options), and the bytes of each probe. Every probe
// carries its identity in fields the target echoes (ICMP identifier and
// sequence, TCP/UDP/SCTP source port and sequence or tag, IP ID), derived
// from a keyed hash (raw/cookie.h), so replies are matched without state
// per probe and spoofed ones are ignored. Pure functions over buffers.
#ifndef CMAP_DISCOVERY_DPROBE_H
#define CMAP_DISCOVERY_DPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "raw/cookie.h"

struct ping_probes;

enum dprobe_kind {
    DP_ICMP_ECHO = 1, /* -PE */
    DP_ICMP_TS,       /* -PP */
    DP_ICMP_MASK,     /* -PM */
    DP_TCP_SYN,       /* -PS */
    DP_TCP_ACK,       /* -PA */
    DP_UDP,           /* -PU */
    DP_SCTP,          /* -PY */
    DP_PROTO,         /* -PO */
    DP_CONNECT,       /* unprivileged: connect() */
};

struct dprobe {
    uint8_t kind;
    uint16_t arg; /* port, or IP protocol for DP_PROTO */
};

/* Probe numbers and try numbers share the ICMP sequence field. */
#define DPROBE_MAX_PROBES 4096u
#define DPROBE_MAX_TRIES 16u

struct dprobe_list {
    struct dprobe *v;
    size_t n;
};

/* The probes for a run: the -P options' (in nmap's order: ICMP echo,
 * timestamp, mask, then SYN, ACK, UDP, SCTP ports, then protocols), or
 * nmap's default set (-PE -PS443 -PA80 -PP; no -PP over IPv6), or for an
 * unprivileged run connect() to the -PS/-PA ports, by default 80 and 443.
 * At most DPROBE_MAX_PROBES. 0, or -1 when out of memory. */
int dprobe_list_make(struct dprobe_list *out, const struct ping_probes *pp, int family,
                     bool privileged);
void dprobe_list_free(struct dprobe_list *l);

/* What identifies one probe to one target from one source address. */
struct dprobe_ends {
    int family;
    uint8_t self[16], target[16];
};

/* The keyed hash behind a probe's identity: the kind and port (or
 * protocol) are part of it, so -PS80 and -PA80 never share a source port. */
uint64_t dprobe_hash(const struct cookie_key *k, const struct dprobe_ends *e,
                     const struct dprobe *p);
/* ICMP identifier and sequence for probe number idx, try tryno. */
uint16_t dprobe_icmp_id(const struct cookie_key *k, const struct dprobe_ends *e);
static inline uint16_t dprobe_icmp_seq(unsigned idx, unsigned tryno)
{
    return (uint16_t)(idx << 4 | (tryno & 15));
}

#define DPROBE_MAX_LEN 128

/* The whole IP packet of probe idx (try tryno) into buf; its length, or 0
 * when cap is too small or the kind has no raw packet (DP_CONNECT). */
size_t dprobe_build(uint8_t *buf, size_t cap, const struct cookie_key *k,
                    const struct dprobe_ends *e, const struct dprobe *p, unsigned idx,
                    unsigned tryno, uint8_t ttl);

/* The Ethernet frames of ARP and ND discovery: a broadcast who-has, and a
 * neighbor solicitation to the target's solicited-node group. */
size_t dprobe_build_arp(uint8_t *buf, size_t cap, const uint8_t our_mac[6], const uint8_t self[4],
                        const uint8_t target[4]);
size_t dprobe_build_nd(uint8_t *buf, size_t cap, const uint8_t our_mac[6], const uint8_t self[16],
                       const uint8_t target[16]);

#endif
