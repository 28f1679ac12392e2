// SPDX-License-Identifier: MIT
// IPv6 Neighbor Discovery (RFC 4861): the neighbor solicitation of ND host
// discovery (to the target's solicited-node multicast group) and parsing of
// neighbor advertisements with their link-layer address option.
#ifndef CMAP_NET_PKT_ND_H
#define CMAP_NET_PKT_ND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt/pkt.h"
#include "net/pkt/pktbuf.h"

enum { ND_NEIGHBOR_SOLICIT = 135, ND_NEIGHBOR_ADVERT = 136 };
enum { ND_OPT_SOURCE_LLADDR = 1, ND_OPT_TARGET_LLADDR = 2 };

#define ND_NS_LEN 32 /* header, target, source link-layer address option */
/* RFC 4861 7.1: ND messages are sent and accepted only with hop limit 255. */
#define ND_HOP_LIMIT 255

struct nd_advert {
    bool router, solicited, override;
    uint8_t target[16];
    bool has_lladdr;
    uint8_t lladdr[6]; /* target link-layer address option */
};

/* The solicited-node group of target (ff02::1:ff00:0/104 plus its low 24
 * bits) and that group's Ethernet address (33:33:ff plus the same bits). */
void nd_solicited_node(const uint8_t target[16], uint8_t group[16], uint8_t mac[6]);

/* A solicitation for target carrying our MAC, checksum over ends (whose
 * destination is normally the solicited-node group). */
enum pkt_status nd_build_solicit(uint8_t *buf, size_t cap, const uint8_t target[16],
                                 const uint8_t src_mac[6], const struct pkt_ends *ends,
                                 size_t *out_len);
/* An ICMPv6 message that must be a neighbor advertisement (code 0) with
 * well-formed options (each a non-zero number of 8-byte units inside it). */
enum pkt_status nd_parse_advert(struct pktbuf msg, struct nd_advert *out);

#endif
