// SPDX-License-Identifier: MIT
// A fast path for the nmap-services parser. Validating all 27,000 lines of
// the file is most of a two-port scan's start-up; the byte-at-a-time
// tokenizer spends it on branches whose outcome depends on each token's
// length. Here one SSE2 compare finds where a token ends, so a line costs
// a few predictable steps. Lines of any other shape go to the full parser
// (services.c), which stays the single authority on what is valid.
#include "data/services_fast.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "scan/portlist.h"

/* Bit i set when p[i] <= ' ' (blanks, newline and other control bytes). */
static inline unsigned low_bytes(const char *p)
{
#ifdef __SSE2__
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i over = _mm_subs_epu8(v, _mm_set1_epi8(0x20));
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(over, _mm_setzero_si128()));
#else
    /* Other architectures: the same mask, a byte at a time. */
    unsigned m = 0;
    for (int i = 0; i < 16; i++)
        m |= (unsigned)((unsigned char)p[i] <= ' ') << i;
    return m;
#endif
}

static inline int first_bit(unsigned m)
{
    return __builtin_ctz(m);
}

/* Eight bytes with the first in the low byte, whatever the machine's order. */
static inline uint64_t load8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

/* Index of the first zero byte of w (load8's order), 8 when none. The
 * classic test may flag bytes after a true zero, never before one. */
static inline int zero_byte(uint64_t w)
{
    uint64_t z = (w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull;
    return z ? __builtin_ctzll(z) / 8 : 8;
}

/* Every byte of w is '0'..'9': its high nibble is 3, and adding 6 to its
 * low nibble does not carry out of it. */
static inline bool all_digits(uint64_t w)
{
    const uint64_t high = 0xf0f0f0f0f0f0f0f0ull, threes = 0x3030303030303030ull;
    return (w & high) == threes && ((w + 0x0606060606060606ull) & high) == threes;
}

static int proto_of(const char *p, size_t len)
{
    if (len == 3 && memcmp(p, "tcp", 3) == 0) return PROTO_TCP;
    if (len == 3 && memcmp(p, "udp", 3) == 0) return PROTO_UDP;
    if (len == 4 && memcmp(p, "sctp", 4) == 0) return PROTO_SCTP;
    return -1;
}

int services_fast_line(char *p, const char *end, struct services_fast_line *out)
{
    if (end - p < 48 || *p == '#' || (unsigned char)*p <= ' ') return -1;
    unsigned m = low_bytes(p);
    if (!m) return -1;
    int n = first_bit(m);
    if (p[n] != '\t') return -1;
    char *q = p + n + 1;
    m = low_bytes(q);
    if (!m) return -1;
    int t = first_bit(m);
    if (q[t] != '\t') return -1;
    /* "port/proto": 1-5 digits, no leading zero trouble (nmap reads %hu).
     * Eight bytes at a time: where the slash is, and whether every byte
     * before it is a digit, are a few word operations instead of a loop
     * whose branches depend on each port's length. */
    uint64_t w = load8(q);
    int i = zero_byte(w ^ 0x2f2f2f2f2f2f2f2full); /* the first '/' */
    if (i == 0 || i > 5 || i >= t) return -1;
    uint64_t keep = (1ull << (8 * i)) - 1;
    if (!all_digits((w & keep) | (0x3030303030303030ull & ~keep))) return -1;
    uint32_t port = 0;
    for (int k = 0; k < i; k++)
        port = port * 10 + (uint32_t)(q[k] - '0');
    if (port > 65535) return -1;
    int proto = proto_of(q + i + 1, (size_t)(t - i - 1));
    if (proto < 0) return -1;
    char *f = q + t + 1;
    /* The frequency "0.dddddd": its first two bytes, then six digits. */
    uint64_t fw = load8(f);
    if ((fw & 0xffff) != ('0' | '.' << 8) || !all_digits((fw & ~0xffffull) | 0x3030)) return -1;
    char after = f[8];
    char *next;
    if (after == '\n') {
        next = f + 9;
    } else if (after == '\t' || after == ' ') {
        char *nl = memchr(f + 8, '\n', (size_t)(end - (f + 8)));
        next = nl ? nl + 1 : (char *)end;
    } else {
        return -1;
    }
    *out = (struct services_fast_line){.name = p,
                                       .name_len = (size_t)n,
                                       .port = (uint16_t)port,
                                       .proto = proto,
                                       .frequency = f,
                                       .next = next};
    return 0;
}
