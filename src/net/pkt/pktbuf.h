// SPDX-License-Identifier: MIT
// A read-only view of bytes that came off the wire, read only through
// bounds-checked accessors (as tcpdump's GET_ macros). A read past the end
// returns 0 and makes the view "bad" for good, so a parser reads its fields
// straight through and checks pb_ok() once before trusting any of them.
// The fields are private: no code outside pktbuf.c indexes the bytes.
#ifndef CMAP_NET_PKT_PKTBUF_H
#define CMAP_NET_PKT_PKTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pktbuf {
    const uint8_t *priv_data;
    size_t priv_len;
    size_t priv_pos;
    bool priv_bad;
};

struct pktbuf pb_init(const void *data, size_t len);
/* An empty, good view (for absent options or payloads). */
struct pktbuf pb_empty(void);

bool pb_ok(const struct pktbuf *b);
size_t pb_len(const struct pktbuf *b);       /* whole view */
size_t pb_pos(const struct pktbuf *b);       /* next read offset */
size_t pb_remaining(const struct pktbuf *b); /* bytes after the cursor */

/* Sequential reads, advancing the cursor; big-endian unless named _le. */
uint8_t pb_u8(struct pktbuf *b);
uint16_t pb_be16(struct pktbuf *b);
uint32_t pb_be32(struct pktbuf *b);
uint32_t pb_le32(struct pktbuf *b);
/* Copy n bytes out; false (and bad) if fewer remain, dst then zeroed. */
bool pb_copy(struct pktbuf *b, void *dst, size_t n);
void pb_skip(struct pktbuf *b, size_t n);

/* Random access from the start of the view; does not move the cursor, but
 * an out-of-range offset still marks the view bad. */
uint8_t pb_u8_at(struct pktbuf *b, size_t off);
uint16_t pb_be16_at(struct pktbuf *b, size_t off);
uint32_t pb_be32_at(struct pktbuf *b, size_t off);

/* The next n bytes as their own view, consumed from b. If fewer remain, b
 * turns bad and the result is an empty bad view. */
struct pktbuf pb_take(struct pktbuf *b, size_t n);
/* Bytes [off, off+n) of the view, cursor unchanged; bad view if out of range. */
struct pktbuf pb_slice(const struct pktbuf *b, size_t off, size_t n);
/* Everything after the cursor, cursor unchanged. */
struct pktbuf pb_rest(const struct pktbuf *b);

/* Equal length and bytes. */
bool pb_equal(const struct pktbuf *b, const void *data, size_t len);

/* The whole view as pointer and length, for algorithms that walk every
 * byte (checksums, CRCs); the only way to get at the bytes directly, and it
 * always comes with their count. A bad view yields (NULL, 0). */
void pb_span(const struct pktbuf *b, const uint8_t **data, size_t *len);

#endif
