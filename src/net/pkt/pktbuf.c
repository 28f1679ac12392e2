// SPDX-License-Identifier: MIT
// The bounds-checked reader. Every accessor checks the range first; a
// failed read turns the view bad and returns zeros, never stale bytes.
#include "net/pkt/pktbuf.h"

#include <string.h>

struct pktbuf pb_init(const void *data, size_t len)
{
    return (struct pktbuf){.priv_data = data, .priv_len = data ? len : 0};
}

struct pktbuf pb_empty(void)
{
    return (struct pktbuf){0};
}

static struct pktbuf pb_bad(void)
{
    return (struct pktbuf){.priv_bad = true};
}

bool pb_ok(const struct pktbuf *b)
{
    return !b->priv_bad;
}

size_t pb_len(const struct pktbuf *b)
{
    return b->priv_len;
}

size_t pb_pos(const struct pktbuf *b)
{
    return b->priv_pos;
}

size_t pb_remaining(const struct pktbuf *b)
{
    return b->priv_len - b->priv_pos;
}

/* True when [off, off+n) lies inside the view; otherwise marks it bad. */
static bool in_range(struct pktbuf *b, size_t off, size_t n)
{
    if (!b->priv_bad && off <= b->priv_len && n <= b->priv_len - off) return true;
    b->priv_bad = true;
    return false;
}

uint8_t pb_u8_at(struct pktbuf *b, size_t off)
{
    return in_range(b, off, 1) ? b->priv_data[off] : 0;
}

uint16_t pb_be16_at(struct pktbuf *b, size_t off)
{
    if (!in_range(b, off, 2)) return 0;
    const uint8_t *p = b->priv_data + off;
    return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t pb_be32_at(struct pktbuf *b, size_t off)
{
    if (!in_range(b, off, 4)) return 0;
    const uint8_t *p = b->priv_data + off;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint8_t pb_u8(struct pktbuf *b)
{
    uint8_t v = pb_u8_at(b, b->priv_pos);
    if (pb_ok(b)) b->priv_pos += 1;
    return v;
}

uint16_t pb_be16(struct pktbuf *b)
{
    uint16_t v = pb_be16_at(b, b->priv_pos);
    if (pb_ok(b)) b->priv_pos += 2;
    return v;
}

uint32_t pb_be32(struct pktbuf *b)
{
    uint32_t v = pb_be32_at(b, b->priv_pos);
    if (pb_ok(b)) b->priv_pos += 4;
    return v;
}

uint32_t pb_le32(struct pktbuf *b)
{
    if (!in_range(b, b->priv_pos, 4)) return 0;
    const uint8_t *p = b->priv_data + b->priv_pos;
    b->priv_pos += 4;
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

bool pb_copy(struct pktbuf *b, void *dst, size_t n)
{
    if (!in_range(b, b->priv_pos, n)) {
        if (n) memset(dst, 0, n);
        return false;
    }
    if (n) memcpy(dst, b->priv_data + b->priv_pos, n);
    b->priv_pos += n;
    return true;
}

void pb_skip(struct pktbuf *b, size_t n)
{
    if (in_range(b, b->priv_pos, n)) b->priv_pos += n;
}

struct pktbuf pb_slice(const struct pktbuf *b, size_t off, size_t n)
{
    struct pktbuf tmp = *b;
    if (!in_range(&tmp, off, n)) return pb_bad();
    return pb_init(n ? b->priv_data + off : NULL, n);
}

struct pktbuf pb_take(struct pktbuf *b, size_t n)
{
    struct pktbuf sub = pb_slice(b, b->priv_pos, n);
    if (!pb_ok(&sub)) {
        b->priv_bad = true;
        return sub;
    }
    b->priv_pos += n;
    return sub;
}

struct pktbuf pb_rest(const struct pktbuf *b)
{
    return pb_slice(b, b->priv_pos, pb_remaining(b));
}

bool pb_equal(const struct pktbuf *b, const void *data, size_t len)
{
    if (b->priv_bad || b->priv_len != len) return false;
    return len == 0 || memcmp(b->priv_data, data, len) == 0;
}

void pb_span(const struct pktbuf *b, const uint8_t **data, size_t *len)
{
    *data = b->priv_bad ? NULL : b->priv_data;
    *len = b->priv_bad || !b->priv_data ? 0 : b->priv_len;
}
