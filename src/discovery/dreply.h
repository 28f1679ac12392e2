// SPDX-License-Identifier: MIT
// Captured frames read for host discovery: the link header (for the
// sender's MAC address), then an ARP reply, a neighbor advertisement, an
// ICMP/ICMPv6 answer (echo, timestamp and mask replies, errors quoting one
// of our probes), or a TCP, UDP or SCTP answer. Then the two questions the
// engine asks: which of the host's probes does this answer (checked against
// the keyed identity), and what does nmap 7.93 conclude from it.
// Pure functions over bytes, unit-tested and safe on hostile input.
#ifndef CMAP_DISCOVERY_DREPLY_H
#define CMAP_DISCOVERY_DREPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "discovery/dprobe.h"
#include "net/pkt/pkt.h"

enum dreply_kind {
    DR_ARP = 1,  /* ARP reply: target = sender protocol address */
    DR_ND,       /* neighbor advertisement: target = its target field */
    DR_ICMP,     /* an ICMP/ICMPv6 informational reply (echo, timestamp, mask) */
    DR_ICMP_ERR, /* an ICMP/ICMPv6 error quoting a probe of ours */
    DR_TCP,
    DR_UDP,
    DR_SCTP,
    DR_IP_OTHER, /* another protocol from the target (an -PO answer) */
};

struct dreply {
    enum dreply_kind kind;
    int family;
    uint8_t target[16]; /* the probed address */
    uint8_t self[16];   /* ours, as the probe carried it */
    uint8_t ttl;        /* of the arriving packet; 0 for ARP/ND */
    bool has_mac;
    uint8_t mac[6]; /* sender's, from the link header or the ARP/ND body */

    uint8_t icmp_type, icmp_code;
    uint16_t icmp_id, icmp_seq;
    uint8_t proto;         /* transport of the reply, or quoted one for errors */
    uint16_t sport, dport; /* as they relate to us: sport = target's port */
    uint32_t seq, ack;     /* TCP; quoted seq for errors */
    uint8_t tcp_flags;
    uint32_t vtag;         /* SCTP verification tag (quoted for errors) */
    uint8_t sctp_chunk;    /* first chunk type */
    uint16_t quoted_ip_id; /* IPv4 errors */
    /* The frame past its link header (for --packet-trace), NULL when the
     * link header itself was bad; l3_arp: an ARP packet, else IP. */
    const uint8_t *l3;
    size_t l3_len;
    bool l3_arp;
};

/* Link-layer types (pcap DLT numbers) understood. */
enum { DLINK_EN10MB = 1, DLINK_RAW = 12, DLINK_RAW_ALT = 101, DLINK_SLL = 113, DLINK_SLL2 = 276 };

/* PKT_OK, PKT_BAD_TYPE for well-formed frames that cannot be a discovery
 * answer, or the parser's complaint about malformed ones. */
enum pkt_status dreply_parse(int dlt, const uint8_t *frame, size_t len, struct dreply *out);

/* Which probe of list (sent from e->self to e->target with key k) this
 * answers, as its index, with the try number when the reply tells it
 * (else -1 in *tryno); -1 when it answers none of them. */
int dreply_match(const struct dreply *r, const struct cookie_key *k, const struct dprobe_ends *e,
                 const struct dprobe_list *list, int *tryno);

/* nmap's conclusion from a reply to probe p: true when it proves the host
 * up, with the reason (enum reason). ignore_rst is --discovery-ignore-rst. */
bool dreply_verdict(const struct dreply *r, const struct dprobe *p, bool ignore_rst,
                    uint8_t *reason);

#endif
