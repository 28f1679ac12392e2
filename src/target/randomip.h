// SPDX-License-Identifier: MIT
// -iR: random IPv4 targets that could plausibly answer. Addresses come from a
// keyed permutation of the 32-bit space, so a run never repeats one (nmap
// uses a unique random sequence too) and the state is a key and a counter.
#ifndef CMAP_TARGET_RANDOMIP_H
#define CMAP_TARGET_RANDOMIP_H

#include <stdbool.h>
#include <stdint.h>

struct random_ip {
    uint32_t key[4];
    uint64_t counter; /* draws so far; 2^32 means the space is used up */
};

/* Seed from the system's random source. */
void random_ip_init(struct random_ip *r);
/* Deterministic seeding, for tests. */
void random_ip_seed(struct random_ip *r, const uint32_t key[4]);
/* Next address (host order) outside the reserved blocks; false once every
 * address has been drawn. */
bool random_ip_next(struct random_ip *r, uint32_t *out);

/* Private, loopback, link-local, documentation, benchmark, CGN, multicast and
 * the 240/4 reserved block: where nmap -iR never goes. */
bool random_ip_is_reserved(uint32_t host_order);

#endif
