// SPDX-License-Identifier: MIT
// What every packet builder and parser shares: the status codes a parser
// rejects a packet with, and the two ends of an IP conversation that the
// transport checksums cover (the pseudo-header).
#ifndef CMAP_NET_PKT_PKT_H
#define CMAP_NET_PKT_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 792 and RFC 4443: an ICMP error quotes the IP header and at least the
 * first 64 bits of what followed it: ports, and TCP's sequence number. */
#define ICMP_QUOTE_L4_LEN 8

enum pkt_status {
    PKT_OK = 0,
    PKT_TRUNCATED,      /* fewer bytes than the fixed header needs */
    PKT_BAD_VERSION,    /* IP version nibble is not 4 (or 6) */
    PKT_BAD_HEADER_LEN, /* IHL < 5, TCP data offset < 5, or header past the data */
    PKT_BAD_TOTAL_LEN,  /* IP length field below the header or beyond the data */
    PKT_BAD_OPTION,     /* an option or extension header runs past its area */
    PKT_BAD_LENGTH,     /* a length field (UDP, SCTP chunk, ND option) is wrong */
    PKT_BAD_TYPE,       /* not the message kind this parser handles */
    PKT_NO_SPACE,       /* builder: the output buffer is too small */
    PKT_BAD_ARG,        /* builder: a parameter is out of range */
};

/* "truncated", "bad IP header length", ...: for debug output and tests. */
const char *pkt_status_str(enum pkt_status s);

/* Source and destination of an IP packet; IPv4 uses the first 4 bytes. */
struct pkt_ends {
    int family; /* AF_INET or AF_INET6 */
    uint8_t src[16];
    uint8_t dst[16];
};

/* Big-endian stores for builders, which check their buffer's capacity once
 * before writing a header. */
static inline void pkt_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void pkt_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
