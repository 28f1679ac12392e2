// SPDX-License-Identifier: MIT
// UDP datagrams (RFC 768): build with checksum, parse with the length field
// checked against the data.
#ifndef CMAP_NET_PKT_UDP_H
#define CMAP_NET_PKT_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt/pkt.h"
#include "net/pkt/pktbuf.h"

#define UDP_HDR_LEN 8

struct udp_info {
    uint16_t sport, dport;
    uint16_t length; /* header + data, from the header */
    uint16_t checksum;
    struct pktbuf payload;
};

/* Header and payload into buf, checksum over ends (over IPv4 a computed
 * zero is sent as 0xffff, RFC 768). */
enum pkt_status udp_build(uint8_t *buf, size_t cap, uint16_t sport, uint16_t dport,
                          const uint8_t *payload, size_t payload_len, const struct pkt_ends *ends,
                          size_t *out_len);

/* A whole datagram (the IP payload): 8 <= length <= data; bytes after
 * length are ignored. */
enum pkt_status udp_parse(struct pktbuf dgram, struct udp_info *out);
/* The first 8 bytes quoted in an ICMP error (length not checked). */
enum pkt_status udp_parse_quoted(struct pktbuf dgram, struct udp_info *out);
/* Checksum verification; a zero checksum over IPv4 means "none" and passes. */
bool udp_checksum_ok(const struct udp_info *u, struct pktbuf dgram, const struct pkt_ends *ends);

#endif
