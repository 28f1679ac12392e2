// SPDX-License-Identifier: MIT
// IPv4 headers (RFC 791): build one in front of a payload, parse a
// received packet strictly, or parse the copy of a header quoted inside an
// ICMP error, whose total length describes a packet that is not all there.
#ifndef CMAP_NET_PKT_IPV4_H
#define CMAP_NET_PKT_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt/pkt.h"
#include "net/pkt/pktbuf.h"

#define IPV4_HDR_LEN 20
#define IPV4_MAX_OPTIONS 40

struct ipv4_params {
    uint8_t tos;
    uint16_t id;
    bool df;
    uint8_t ttl;
    uint8_t proto;
    uint8_t src[4];
    uint8_t dst[4];
    const uint8_t *options; /* already padded to a multiple of 4 */
    size_t options_len;     /* at most IPV4_MAX_OPTIONS */
};

struct ipv4_info {
    uint8_t header_len; /* bytes, options included */
    uint8_t tos;
    uint16_t total_len;
    uint16_t id;
    bool df, mf;
    uint16_t frag_offset; /* bytes */
    bool is_fragment;     /* MF set or a non-zero offset: not a whole datagram */
    uint8_t ttl;
    uint8_t proto;
    uint16_t checksum;
    bool checksum_ok;
    uint8_t src[4];
    uint8_t dst[4];
    struct pktbuf options;
    struct pktbuf payload; /* after the header, up to total_len (or the data end) */
    bool payload_cut;      /* quoted parse: total_len reached past the data */
};

/* Writes the header (options included) into buf for a payload of
 * payload_len bytes, checksum filled in; *out_len = header length. */
enum pkt_status ipv4_build(uint8_t *buf, size_t cap, const struct ipv4_params *p,
                           size_t payload_len, size_t *out_len);

/* A received datagram: version 4, 5 <= IHL, header and total length within
 * the data (bytes after total_len, such as Ethernet padding, are ignored),
 * options well formed. */
enum pkt_status ipv4_parse(const uint8_t *data, size_t len, struct ipv4_info *out);
/* The same over a view. */
enum pkt_status ipv4_parse_pb(struct pktbuf pkt, struct ipv4_info *out);
/* A header quoted in an ICMP error: the header must be whole, the payload
 * is whatever follows (payload_cut tells whether total_len was longer). */
enum pkt_status ipv4_parse_quoted(struct pktbuf pkt, struct ipv4_info *out);

/* Checks that IPv4 options are well formed: EOL ends them, NOP is one
 * byte, every other option has a length >= 2 that stays inside. */
enum pkt_status ipv4_options_check(struct pktbuf opts);

/* The pseudo-header ends of a parsed header. */
void ipv4_ends(const struct ipv4_info *ip, struct pkt_ends *ends);

#endif
