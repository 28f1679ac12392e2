// SPDX-License-Identifier: MIT
// IPv6 headers (RFC 8200): build the fixed header, parse a packet through
// its extension headers to the upper-layer protocol, strictly or as the copy
// quoted inside an ICMPv6 error.
#ifndef CMAP_NET_PKT_IPV6_H
#define CMAP_NET_PKT_IPV6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt/pkt.h"
#include "net/pkt/pktbuf.h"

#define IPV6_HDR_LEN 40

struct ipv6_params {
    uint8_t traffic_class;
    uint32_t flow_label; /* 20 bits */
    uint8_t next_header;
    uint8_t hop_limit;
    uint8_t src[16];
    uint8_t dst[16];
};

struct ipv6_info {
    uint8_t traffic_class;
    uint32_t flow_label;
    uint16_t payload_len;
    uint8_t next_header; /* of the fixed header */
    uint8_t hop_limit;
    uint8_t src[16];
    uint8_t dst[16];
    uint8_t proto;        /* upper-layer protocol after the extension headers */
    size_t ext_len;       /* bytes of extension headers skipped */
    bool is_fragment;     /* a Fragment header with offset or M flag set */
    uint16_t frag_offset; /* bytes */
    uint32_t frag_id;
    struct pktbuf payload; /* upper-layer bytes */
    bool payload_cut;      /* quoted parse: payload_len reached past the data */
};

enum pkt_status ipv6_build(uint8_t *buf, size_t cap, const struct ipv6_params *p,
                           size_t payload_len, size_t *out_len);

/* A received packet: version 6, payload length within the data (trailing
 * bytes ignored), extension headers inside the payload. */
enum pkt_status ipv6_parse(const uint8_t *data, size_t len, struct ipv6_info *out);
enum pkt_status ipv6_parse_pb(struct pktbuf pkt, struct ipv6_info *out);
/* A header quoted in an ICMPv6 error: the fixed header must be whole; the
 * extension headers that are present must be whole. */
enum pkt_status ipv6_parse_quoted(struct pktbuf pkt, struct ipv6_info *out);

void ipv6_ends(const struct ipv6_info *ip, struct pkt_ends *ends);

#endif
