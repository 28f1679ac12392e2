// SPDX-License-Identifier: MIT
// Ethernet II frames: the header raw sends put in front of ARP and of IP
// packets sent with --send-eth, and the one captured frames start with.
#ifndef CMAP_NET_PKT_ETH_H
#define CMAP_NET_PKT_ETH_H

#include <stddef.h>
#include <stdint.h>

#include "net/pkt/pkt.h"
#include "net/pkt/pktbuf.h"

#define ETH_HDR_LEN 14
#define ETH_ADDR_LEN 6

enum {
    ETHERTYPE_IPV4 = 0x0800,
    ETHERTYPE_ARP = 0x0806,
    ETHERTYPE_VLAN = 0x8100,
    ETHERTYPE_IPV6 = 0x86dd
};

struct eth_info {
    uint8_t dst[ETH_ADDR_LEN];
    uint8_t src[ETH_ADDR_LEN];
    uint16_t ethertype; /* after an 802.1Q tag, if there was one */
    uint16_t vlan_tci;  /* 0 when untagged */
    struct pktbuf payload;
};

enum pkt_status eth_build(uint8_t *buf, size_t cap, const uint8_t dst[ETH_ADDR_LEN],
                          const uint8_t src[ETH_ADDR_LEN], uint16_t ethertype, size_t *out_len);
/* One 802.1Q tag is looked through. */
enum pkt_status eth_parse(struct pktbuf frame, struct eth_info *out);

#endif
