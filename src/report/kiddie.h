// SPDX-License-Identifier: MIT
// nmap's "script kiddie" output (-oS): the normal report with random
// letter substitutions, as nmap 7.93's skid_output() makes them.
#ifndef CMAP_REPORT_KIDDIE_H
#define CMAP_REPORT_KIDDIE_H

#include <stddef.h>
#include <stdint.h>

/* A seeded generator (splitmix64), so a transform can be replayed. */
struct kiddie_rng {
    uint64_t state;
};

void kiddie_seed(struct kiddie_rng *rng, uint64_t seed);

/* Rewrite text[0..len) in place. For each byte, with probability 1/2:
 * 'A'->'4', 'e'/'E'->'3', 'i'/'I'->one of "!|1", 'o'/'O'->'0', 's'/'S'->'z'
 * when the next byte exists and is not alphanumeric, else '$', 'z'->'s',
 * 'Z'->'S' (other bytes unchanged); otherwise a letter flips its case with
 * probability 1/3. Only ASCII letters change, so UTF-8 stays valid and no
 * control byte can appear. */
void kiddie_transform(char *text, size_t len, struct kiddie_rng *rng);

#endif
