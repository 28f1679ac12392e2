// SPDX-License-Identifier: MIT
#include "target/randomip.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* Blocks from the IANA IPv4 special-purpose registry (RFC 6890 and
 * successors) plus multicast and the reserved 240/4, which nmap -iR skips
 * because nothing routable lives there. Stored as (network, prefix length). */
static const struct {
    uint32_t net;
    int bits;
} reserved_blocks[] = {
    {0x00000000u, 8},  /* 0/8 "this network" */
    {0x0A000000u, 8},  /* 10/8 private (RFC 1918) */
    {0x64400000u, 10}, /* 100.64/10 carrier-grade NAT (RFC 6598) */
    {0x7F000000u, 8},  /* 127/8 loopback */
    {0xA9FE0000u, 16}, /* 169.254/16 link-local (RFC 3927) */
    {0xAC100000u, 12}, /* 172.16/12 private */
    {0xC0000000u, 24}, /* 192.0.0/24 IETF protocol assignments */
    {0xC0000200u, 24}, /* 192.0.2/24 TEST-NET-1 (RFC 5737) */
    {0xC0586300u, 24}, /* 192.88.99/24 6to4 relay anycast (RFC 3068) */
    {0xC0A80000u, 16}, /* 192.168/16 private */
    {0xC6120000u, 15}, /* 198.18/15 benchmarking (RFC 2544) */
    {0xC6336400u, 24}, /* 198.51.100/24 TEST-NET-2 */
    {0xCB007100u, 24}, /* 203.0.113/24 TEST-NET-3 */
    {0xE0000000u, 3},  /* 224/4 multicast, 240/4 reserved, broadcast */
};

bool random_ip_is_reserved(uint32_t a)
{
    for (size_t i = 0; i < sizeof reserved_blocks / sizeof reserved_blocks[0]; i++) {
        uint32_t mask = 0xFFFFFFFFu << (32 - reserved_blocks[i].bits);
        if ((a & mask) == reserved_blocks[i].net) return true;
    }
    return false;
}

void random_ip_seed(struct random_ip *r, const uint32_t key[4])
{
    memcpy(r->key, key, sizeof r->key);
    r->counter = 0;
}

void random_ip_init(struct random_ip *r)
{
    uint32_t key[4];
    if (getrandom(key, sizeof key, 0) != (ssize_t)sizeof key) {
        /* No entropy source: a time-based key still varies between runs. */
        uint64_t t = (uint64_t)time(NULL) ^ (uint64_t)clock();
        for (int i = 0; i < 4; i++)
            key[i] = (uint32_t)(t * 0x9E3779B97F4A7C15ull >> (8 * i));
    }
    random_ip_seed(r, key);
}

/* Round function: any mixing works, the Feistel structure makes the whole
 * map a bijection of the 32-bit space. */
static uint16_t round_fn(uint16_t half, uint32_t key)
{
    uint32_t x = (half ^ key) * 0x9E3779B1u;
    x ^= x >> 15;
    x *= 0x85EBCA77u;
    x ^= x >> 13;
    return (uint16_t)(x ^ (x >> 16));
}

static uint32_t permute(const uint32_t key[4], uint32_t v)
{
    uint16_t l = (uint16_t)(v >> 16), r = (uint16_t)v;
    for (int i = 0; i < 4; i++) {
        uint16_t t = r;
        r = l ^ round_fn(r, key[i]);
        l = t;
    }
    return (uint32_t)l << 16 | r;
}

bool random_ip_next(struct random_ip *r, uint32_t *out)
{
    while (r->counter < (1ull << 32)) {
        uint32_t a = permute(r->key, (uint32_t)r->counter++);
        if (!random_ip_is_reserved(a)) {
            *out = a;
            return true;
        }
    }
    return false;
}
