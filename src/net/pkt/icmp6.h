// SPDX-License-Identifier: MIT
// ICMPv6 (RFC 4443): build echo requests and other messages with the
// pseudo-header checksum; parse any message, and for errors (unreachable,
// packet too big, time exceeded, parameter problem) expose the quoted IPv6
// header and the transport bytes after its extension headers.
#ifndef CMAP_NET_PKT_ICMP6_H
#define CMAP_NET_PKT_ICMP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt/ipv6.h"
#include "net/pkt/pkt.h"
#include "net/pkt/pktbuf.h"

#define ICMP6_HDR_LEN 8

enum {
    ICMP6_UNREACH = 1,
    ICMP6_PACKET_TOO_BIG = 2,
    ICMP6_TIME_EXCEEDED = 3,
    ICMP6_PARAM_PROBLEM = 4,
    ICMP6_ECHO = 128,
    ICMP6_ECHO_REPLY = 129,
};

struct icmp6_params {
    uint8_t type, code;
    uint32_t rest; /* bytes 4..7: identifier << 16 | sequence for echo */
    const uint8_t *payload;
    size_t payload_len;
};

struct icmp6_info {
    uint8_t type, code;
    uint16_t checksum;
    uint32_t rest;
    uint16_t id, seq;
    struct pktbuf body;
    bool is_error;
    struct ipv6_info inner; /* errors: the quoted header */
    struct pktbuf inner_l4; /* errors: first (up to) 8 quoted transport bytes */
};

bool icmp6_is_error(uint8_t type);
enum pkt_status icmp6_build(uint8_t *buf, size_t cap, const struct icmp6_params *p,
                            const struct pkt_ends *ends, size_t *out_len);
/* The upper-layer payload of a next-header-58 packet. */
enum pkt_status icmp6_parse(struct pktbuf msg, struct icmp6_info *out);
bool icmp6_checksum_ok(struct pktbuf msg, const struct pkt_ends *ends);

#endif
