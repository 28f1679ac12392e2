// SPDX-License-Identifier: MIT
// ARP for IPv4 over Ethernet (RFC 826): the who-has request of ARP host
// discovery, and parsing of replies.
#ifndef CMAP_NET_PKT_ARP_H
#define CMAP_NET_PKT_ARP_H

#include <stddef.h>
#include <stdint.h>

#include "net/pkt/pkt.h"
#include "net/pkt/pktbuf.h"

#define ARP_LEN 28

enum { ARP_REQUEST = 1, ARP_REPLY = 2 };

struct arp_info {
    uint16_t op;
    uint8_t sha[6], spa[4]; /* sender hardware / protocol address */
    uint8_t tha[6], tpa[4]; /* target */
};

/* A request for tpa from sha/spa (target hardware address zero). */
enum pkt_status arp_build_request(uint8_t *buf, size_t cap, const uint8_t sha[6],
                                  const uint8_t spa[4], const uint8_t tpa[4], size_t *out_len);
/* Ethernet/IPv4 ARP only (hardware type 1, protocol 0x0800, lengths 6 and
 * 4): anything else is PKT_BAD_TYPE. Trailing padding is ignored. */
enum pkt_status arp_parse(struct pktbuf pkt, struct arp_info *out);

#endif
