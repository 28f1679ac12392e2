// SPDX-License-Identifier: MIT
// ICMPv4 (RFC 792): build echo, timestamp and address-mask style messages;
// parse any message, and for errors (unreachable, source quench, redirect,
// time exceeded, parameter problem) expose the quoted IPv4 header and the
// transport bytes after it, which is how a scan ties an error to its probe.
#ifndef CMAP_NET_PKT_ICMP4_H
#define CMAP_NET_PKT_ICMP4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt/ipv4.h"
#include "net/pkt/pkt.h"
#include "net/pkt/pktbuf.h"

#define ICMP4_HDR_LEN 8

enum {
    ICMP4_ECHO_REPLY = 0,
    ICMP4_UNREACH = 3,
    ICMP4_SOURCE_QUENCH = 4,
    ICMP4_REDIRECT = 5,
    ICMP4_ECHO = 8,
    ICMP4_TIME_EXCEEDED = 11,
    ICMP4_PARAM_PROBLEM = 12,
    ICMP4_TIMESTAMP = 13,
    ICMP4_TIMESTAMP_REPLY = 14,
    ICMP4_MASK_REQUEST = 17,
    ICMP4_MASK_REPLY = 18,
};

struct icmp4_params {
    uint8_t type, code;
    uint32_t rest; /* bytes 4..7: identifier << 16 | sequence for echo */
    const uint8_t *payload;
    size_t payload_len;
};

struct icmp4_info {
    uint8_t type, code;
    uint16_t checksum;
    bool checksum_ok;
    uint32_t rest;
    uint16_t id, seq; /* the two halves of rest */
    struct pktbuf body;
    bool is_error;
    struct ipv4_info inner; /* errors: the quoted header */
    struct pktbuf inner_l4; /* errors: first (up to) 8 quoted transport bytes */
};

bool icmp4_is_error(uint8_t type);
enum pkt_status icmp4_build(uint8_t *buf, size_t cap, const struct icmp4_params *p,
                            size_t *out_len);
/* The IP payload of a protocol-1 packet. An error whose quoted IPv4 header
 * is not whole is rejected with that header's status. */
enum pkt_status icmp4_parse(struct pktbuf msg, struct icmp4_info *out);

#endif
