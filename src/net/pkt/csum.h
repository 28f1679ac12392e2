// SPDX-License-Identifier: MIT
// The Internet checksum (RFC 1071) and the IPv4/IPv6 pseudo-headers that
// TCP, UDP and ICMPv6 checksums cover (RFC 793, RFC 768, RFC 8200 8.1).
#ifndef CMAP_NET_PKT_CSUM_H
#define CMAP_NET_PKT_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt/pkt.h"
#include "net/pkt/pktbuf.h"

/* Adds data as big-endian 16-bit words to sum (an odd last byte is padded
 * with zero). Sums can be chained across pieces of even length. */
uint32_t csum_add(uint32_t sum, const uint8_t *data, size_t len);
uint32_t csum_add_pb(uint32_t sum, const struct pktbuf *b);
/* Folds the carries and complements: the value stored in the header. */
uint16_t csum_finish(uint32_t sum);
/* Sum of the pseudo-header for an upper-layer packet of l4_len bytes. */
uint32_t csum_pseudo(const struct pkt_ends *ends, uint8_t proto, uint32_t l4_len);

/* The transport checksum of seg[0..len) over the pseudo-header; the
 * segment's own checksum field must be zero while it is computed. */
uint16_t csum_transport(const struct pkt_ends *ends, uint8_t proto, const uint8_t *seg, size_t len);
/* True when a received segment's checksum verifies (sums to 0xffff). */
bool csum_transport_ok(const struct pkt_ends *ends, uint8_t proto, const struct pktbuf *seg);

#endif
