// SPDX-License-Identifier: MIT
// The fast path of the nmap-services parser. Validating all 27,000 lines of
// the file is most of what a two-port scan does before it sends anything.
// A line-at-a-time tokenizer is slow here for two reasons: its branches
// depend on how long each name, port and comment is, so the CPU guesses
// wrong a few times per line; and each line's start is known only once the
// line before has been read to its end, so no two lines are ever read at
// once. Here the newlines of each 64-byte block are found first, as one bit
// mask, and the lines are taken from its set bits; a line's fields are then
// checked with a few word operations (a count of trailing zeros for where a
// field ends, eight digits converted at once) whose branches a valid file
// always takes the same way, while the CPU goes on to the next lines. Lines
// of any other shape stop the run and go to the full parser (services.c),
// which stays the single authority on what is valid.
#include "data/services_fast.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "scan/portlist.h"

/* The furthest a line's fields are read past its start is 52 bytes (a
 * 31-byte name, tab, "65535/sctp", tab, "0.dddddd", one more byte), and the
 * name is looked for in 32; lines nearer the end of the text than this go
 * to the full parser. */
#define MIN_TAIL 64
#define PORT_BITS 65536u

/* Bit i set when p[i] == '\n', for 64 bytes. */
static inline uint64_t newlines(const char *p)
{
#ifdef __SSE2__
    const __m128i newline = _mm_set1_epi8('\n');
    uint64_t m = 0;
    for (unsigned k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)) << (16 * k);
    }
    return m;
#else
    /* Other architectures: the same mask, a byte at a time. */
    uint64_t m = 0;
    for (unsigned i = 0; i < 64; i++)
        m |= (uint64_t)(p[i] == '\n') << i;
    return m;
#endif
}

/* Bit i set when p[i] <= ' ' (blanks, newline and other control bytes), for
 * 32 bytes. */
static inline uint32_t low_bytes(const char *p)
{
#ifdef __SSE2__
    const __m128i space = _mm_set1_epi8(0x20), zero = _mm_setzero_si128();
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
    /* Saturating v - 0x20 is zero exactly for bytes <= 0x20. */
    unsigned la = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_subs_epu8(a, space), zero));
    unsigned lb = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_subs_epu8(b, space), zero));
    return (uint32_t)la | (uint32_t)lb << 16;
#else
    uint32_t m = 0;
    for (unsigned i = 0; i < 32; i++)
        m |= (uint32_t)((unsigned char)p[i] <= ' ') << i;
    return m;
#endif
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

static inline uint32_t load4(const char *p)
{
    uint32_t w;
    memcpy(&w, p, sizeof w);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap32(w);
#endif
    return w;
}

#define WORD4(a, b, c, d)                                                                          \
    ((uint32_t)(unsigned char)(a) | (uint32_t)(unsigned char)(b) << 8 |                            \
     (uint32_t)(unsigned char)(c) << 16 | (uint32_t)(unsigned char)(d) << 24)

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

/* The number written by the first n (1..8) bytes of w, all digits. They
 * are moved to the top so the bytes below read as leading zeros, then
 * neighbours are combined: pairs, fours, eights. */
static inline uint32_t digits_value(uint64_t w, int n)
{
    uint64_t x = (w << (8 * (8 - n))) & 0x0f0f0f0f0f0f0f0full;
    x = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ffull;
    x = (x * 100 + (x >> 16)) & 0x0000ffff0000ffffull;
    x = (x * 10000 + (x >> 32)) & 0xffffffffull;
    return (uint32_t)x;
}

/* The fields of the line from s to its newline nl, if it has the common
 * shape; false sends the line to the full parser. */
static bool read_line(char *s, char *nl, struct services_fast_line *out)
{
    if (*s == '#') return false;
    /* A name of 1..31 bytes, none of them blank or a control byte. */
    uint32_t low = low_bytes(s);
    if (!low) return false;
    int name_len = __builtin_ctz(low);
    if (name_len == 0 || s[name_len] != '\t') return false;
    char *q = s + name_len + 1;
    /* "port/": 1..5 digits and the first slash. */
    uint64_t w = load8(q);
    int i = zero_byte(w ^ 0x2f2f2f2f2f2f2f2full);
    if (i == 0 || i > 5) return false;
    uint64_t keep = (1ull << (8 * i)) - 1;
    if (!all_digits((w & keep) | (0x3030303030303030ull & ~keep))) return false;
    uint32_t port = digits_value(w, i);
    if (port > 65535) return false;
    /* "tcp<TAB>", "udp<TAB>" or "sctp<TAB>". tcp and udp lines alternate
     * in the file, so which one it is is worked out, not branched on. */
    uint32_t u = load4(q + i + 1);
    bool tcp = u == WORD4('t', 'c', 'p', '\t'), udp = u == WORD4('u', 'd', 'p', '\t');
    int proto = (int)udp; /* PROTO_TCP is 0, PROTO_UDP 1 */
    char *f = q + i + 5;
    if (!(tcp | udp)) {
        if (u != WORD4('s', 'c', 't', 'p') || q[i + 5] != '\t') return false;
        proto = PROTO_SCTP;
        f++;
    }
    /* The frequency "0.dddddd", then the end of the line or a blank and a
     * comment, which runs to the newline whatever it holds. No byte of the
     * fields is a newline, so nl, the first one after s, ends this line. */
    uint64_t fw = load8(f);
    if ((fw & 0xffff) != ('0' | '.' << 8) || !all_digits((fw & ~0xffffull) | 0x3030)) return false;
    char after = f[8];
    if (after != '\n' && after != '\t' && after != ' ') return false;
    *out = (struct services_fast_line){.name = s,
                                       .name_len = (size_t)name_len,
                                       .port = (uint16_t)port,
                                       .proto = proto,
                                       .frequency = f,
                                       .next = nl + 1};
    return true;
}

static inline bool wanted(const uint8_t *want, uint16_t port, int proto)
{
    if (!want) return true;
    return want[(size_t)proto * (PORT_BITS / 8) + port / 8] & (1u << (port % 8));
}

char *services_fast_run(char *p, char *end, const struct services_fast_walk *walk, size_t *lines)
{
    char *s = p; /* the start of the next line to read */
    size_t n = 0;
    /* Blocks are taken from p on; every newline after p is visited in
     * order, so each one ends the line that starts after the one before. */
    for (char *b = p; end - b >= 64; b += 64) {
        for (uint64_t m = newlines(b); m; m &= m - 1) {
            char *nl = b + __builtin_ctzll(m);
            struct services_fast_line l;
            if (end - s < MIN_TAIL || !read_line(s, nl, &l)) goto stop;
            n++;
            if (wanted(walk->want, l.port, l.proto)) walk->emit(walk->ctx, &l);
            s = l.next;
            if (n == walk->max_lines) goto stop;
        }
    }
stop:
    *lines = n;
    return s;
}

static void keep_line(void *ctx, const struct services_fast_line *line)
{
    *(struct services_fast_line *)ctx = *line;
}

int services_fast_line(char *p, char *end, struct services_fast_line *out)
{
    struct services_fast_walk walk = {.emit = keep_line, .ctx = out, .max_lines = 1};
    size_t lines = 0;
    services_fast_run(p, end, &walk, &lines);
    return lines == 1 ? 0 : -1;
}
