// SPDX-License-Identifier: MIT
// Stateless probe identity, as zmap and masscan do it: a keyed hash
// (SipHash-2-4, Aumasson and Bernstein 2012) of the probe's addresses and
// target port chooses our source port and the base of our sequence number.
// The target echoes both (in its SYN-ACK or RST, acknowledgement = seq + 1,
// or quoted in an ICMP error), so a reply is matched to its probe by
// recomputing the hash: a spoofed or stray packet would have to guess 64
// key bits' worth of output. The try number rides in the low bits of the
// sequence number, so a reply also says which transmission it answers.
#ifndef CMAP_RAW_COOKIE_H
#define CMAP_RAW_COOKIE_H

#include <stddef.h>
#include <stdint.h>

struct cookie_key {
    uint64_t k0, k1;
};

/* Source ports come from [COOKIE_SPORT_BASE, COOKIE_SPORT_BASE + SPAN), the
 * range nmap draws its raw-scan source ports from. */
#define COOKIE_SPORT_BASE 33000u
#define COOKIE_SPORT_SPAN 32000u
/* Highest try number a sequence number may carry. */
#define COOKIE_MAX_TRYNO 63u

/* A fresh random key (getrandom); 0, or -1 when no randomness is to be had. */
int cookie_key_random(struct cookie_key *k);

uint64_t siphash24(const struct cookie_key *k, const uint8_t *data, size_t len);

/* The hash of one probe's identity: target address and port, our address
 * (4 or 16 bytes each per family). */
uint64_t cookie_hash(const struct cookie_key *k, int family, const uint8_t *target,
                     const uint8_t *self, uint16_t target_port);

static inline uint16_t cookie_sport(uint64_t h)
{
    return (uint16_t)(COOKIE_SPORT_BASE + (uint32_t)(h >> 32) % COOKIE_SPORT_SPAN);
}

static inline uint32_t cookie_seq(uint64_t h, unsigned tryno)
{
    return (uint32_t)h + tryno;
}

/* The try number a reply answers: our_port must be the hash's source port
 * and echoed_seq (the reply's ack - 1, or the sequence number quoted in an
 * ICMP error) the hash's sequence base plus at most COOKIE_MAX_TRYNO.
 * -1 when the reply is not for one of our probes. */
int cookie_check(uint64_t h, uint16_t our_port, uint32_t echoed_seq);

#endif
