// SPDX-License-Identifier: MIT
// SipHash-2-4 written from the paper's description (2 compression rounds
// per 8-byte word, 4 finalisation rounds, the length in the last byte).
#include "raw/cookie.h"

#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

int cookie_key_random(struct cookie_key *k)
{
    uint64_t v[2];
    size_t got = 0;
    while (got < sizeof v) {
        ssize_t n = getrandom((uint8_t *)v + got, sizeof v - got, 0);
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    k->k0 = v[0];
    k->k1 = v[1];
    return 0;
}

static inline uint64_t rotl(uint64_t x, int b)
{
    return x << b | x >> (64 - b);
}

struct sip_state {
    uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip_state *s)
{
    s->v0 += s->v1;
    s->v1 = rotl(s->v1, 13) ^ s->v0;
    s->v0 = rotl(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = rotl(s->v3, 16) ^ s->v2;
    s->v0 += s->v3;
    s->v3 = rotl(s->v3, 21) ^ s->v0;
    s->v2 += s->v1;
    s->v1 = rotl(s->v1, 17) ^ s->v2;
    s->v2 = rotl(s->v2, 32);
}

static void sip_word(struct sip_state *s, uint64_t m)
{
    s->v3 ^= m;
    sip_round(s);
    sip_round(s);
    s->v0 ^= m;
}

/* Little-endian load of n <= 8 bytes. */
static uint64_t load_le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

uint64_t siphash24(const struct cookie_key *k, const uint8_t *data, size_t len)
{
    struct sip_state s = {
        .v0 = k->k0 ^ 0x736f6d6570736575ull,
        .v1 = k->k1 ^ 0x646f72616e646f6dull,
        .v2 = k->k0 ^ 0x6c7967656e657261ull,
        .v3 = k->k1 ^ 0x7465646279746573ull,
    };
    size_t whole = len & ~(size_t)7;
    for (size_t i = 0; i < whole; i += 8)
        sip_word(&s, load_le(data + i, 8));
    sip_word(&s, (uint64_t)(len & 0xff) << 56 | load_le(data + whole, len - whole));
    s.v2 ^= 0xff;
    for (int i = 0; i < 4; i++)
        sip_round(&s);
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t cookie_hash(const struct cookie_key *k, int family, const uint8_t *target,
                     const uint8_t *self, uint16_t target_port)
{
    uint8_t buf[16 + 16 + 2 + 1];
    size_t alen = family == AF_INET6 ? 16 : 4;
    memcpy(buf, target, alen);
    memcpy(buf + alen, self, alen);
    buf[2 * alen] = (uint8_t)(target_port >> 8);
    buf[2 * alen + 1] = (uint8_t)target_port;
    buf[2 * alen + 2] = (uint8_t)alen; /* keeps the two families' inputs apart */
    return siphash24(k, buf, 2 * alen + 3);
}

int cookie_check(uint64_t h, uint16_t our_port, uint32_t echoed_seq)
{
    if (our_port != cookie_sport(h)) return -1;
    uint32_t tryno = echoed_seq - (uint32_t)h;
    return tryno <= COOKIE_MAX_TRYNO ? (int)tryno : -1;
}
