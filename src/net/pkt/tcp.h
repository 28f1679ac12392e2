// SPDX-License-Identifier: MIT
// TCP segments (RFC 9293): build a header with options and payload and its
// checksum; parse a received segment with its data offset and options
// checked; decode the options scans look at (MSS, window scale, SACK
// permitted, timestamps).
#ifndef CMAP_NET_PKT_TCP_H
#define CMAP_NET_PKT_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt/pkt.h"
#include "net/pkt/pktbuf.h"

#define TCP_HDR_LEN 20
#define TCP_MAX_OPTIONS 40

enum {
    TCP_FIN = 0x01,
    TCP_SYN = 0x02,
    TCP_RST = 0x04,
    TCP_PSH = 0x08,
    TCP_ACK = 0x10,
    TCP_URG = 0x20,
    TCP_ECE = 0x40,
    TCP_CWR = 0x80,
};

struct tcp_params {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags; /* TCP_SYN | ... */
    uint16_t window;
    uint16_t urgent;
    const uint8_t *options; /* padded to a multiple of 4 */
    size_t options_len;
    const uint8_t *payload;
    size_t payload_len;
};

struct tcp_info {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t header_len; /* bytes */
    uint8_t flags;
    uint16_t window;
    uint16_t checksum;
    uint16_t urgent;
    struct pktbuf options;
    struct pktbuf payload;
};

struct tcp_options {
    bool has_mss;
    uint16_t mss;
    bool has_wscale;
    uint8_t wscale;
    bool sack_permitted;
    bool has_timestamp;
    uint32_t ts_val, ts_ecr;
};

/* Header, options and payload into buf with the checksum over ends. */
enum pkt_status tcp_build(uint8_t *buf, size_t cap, const struct tcp_params *p,
                          const struct pkt_ends *ends, size_t *out_len);

/* A whole segment (the IP payload). */
enum pkt_status tcp_parse(struct pktbuf seg, struct tcp_info *out);
/* The first 8 bytes quoted in an ICMP error: ports and sequence number
 * only; other fields stay zero. Needs at least 8 bytes. */
enum pkt_status tcp_parse_quoted(struct pktbuf seg, struct tcp_info *out);
/* Options area: every option inside it; known ones with their exact
 * lengths (MSS 4, window scale 3, SACK permitted 2, timestamps 10). */
enum pkt_status tcp_options_parse(struct pktbuf opts, struct tcp_options *out);

#endif
