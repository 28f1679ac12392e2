// SPDX-License-Identifier: MIT
// SCTP packets (RFC 9260): the common header, INIT and COOKIE ECHO chunks
// as nmap's SCTP scans send them, chunk-by-chunk parsing, and both
// checksums: CRC32c (RFC 9260 appendix A) and the Adler-32 of RFC 2960 that
// --adler32 selects for old stacks.
#ifndef CMAP_NET_PKT_SCTP_H
#define CMAP_NET_PKT_SCTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt/pkt.h"
#include "net/pkt/pktbuf.h"

#define SCTP_HDR_LEN 12
#define SCTP_CHUNK_HDR_LEN 4

enum {
    SCTP_DATA = 0,
    SCTP_INIT = 1,
    SCTP_INIT_ACK = 2,
    SCTP_ABORT = 6,
    SCTP_COOKIE_ECHO = 10,
    SCTP_COOKIE_ACK = 11,
};

enum sctp_sum { SCTP_SUM_BAD = 0, SCTP_SUM_CRC32C, SCTP_SUM_ADLER32 };

struct sctp_common {
    uint16_t sport, dport;
    uint32_t vtag;
    bool adler32; /* checksum with Adler-32 instead of CRC32c */
};

struct sctp_init {
    uint32_t initiate_tag;
    uint32_t a_rwnd;
    uint16_t out_streams, in_streams;
    uint32_t initial_tsn;
};

struct sctp_info {
    uint16_t sport, dport;
    uint32_t vtag;
    uint32_t checksum_field; /* the 4 bytes, big-endian */
    size_t n_chunks;
    uint8_t first_type; /* of the first chunk; scans classify on it */
    uint8_t first_flags;
    struct pktbuf chunks; /* every chunk, validated */
};

/* Standard CRC32c / Adler-32 values of data. */
uint32_t sctp_crc32c(const uint8_t *data, size_t len);
uint32_t sctp_adler32(const uint8_t *data, size_t len);

/* Common header + INIT chunk (20 bytes, no parameters). */
enum pkt_status sctp_build_init(uint8_t *buf, size_t cap, const struct sctp_common *c,
                                const struct sctp_init *init, size_t *out_len);
/* Common header + COOKIE ECHO chunk carrying cookie, padded to 4 bytes. */
enum pkt_status sctp_build_cookie_echo(uint8_t *buf, size_t cap, const struct sctp_common *c,
                                       const uint8_t *cookie, size_t cookie_len, size_t *out_len);
/* Fills the checksum field of a finished packet. */
void sctp_set_checksum(uint8_t *pkt, size_t len, bool adler32);

/* A whole packet: at least one chunk, every chunk length >= 4 and inside
 * the data (the last chunk's padding may be missing). */
enum pkt_status sctp_parse(struct pktbuf pkt, struct sctp_info *out);
/* The first 8 bytes quoted in an ICMP error: ports and verification tag. */
enum pkt_status sctp_parse_quoted(struct pktbuf pkt, struct sctp_info *out);
/* Which checksum the packet carries correctly, if any. */
enum sctp_sum sctp_checksum_check(struct pktbuf pkt);

#endif
