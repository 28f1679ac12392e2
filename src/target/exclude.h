// SPDX-License-Identifier: MIT
// The --exclude / --excludefile set with nmap's addrset semantics. Numeric
// addresses and resolved names become 128-bit intervals (IPv4 mapped into
// ::ffff:0:0/96, as nmap's trie does), kept sorted and merged so a lookup is
// a binary search; octet-range specs stay as per-octet sets. Nothing is ever
// expanded into a list of addresses, so excluding a /8 costs a few bytes.
#ifndef CMAP_TARGET_EXCLUDE_H
#define CMAP_TARGET_EXCLUDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/addr.h"

struct exclude_set;

struct exclude_set *exclude_new(void);
void exclude_free(struct exclude_set *set);

/* Add one spec (any target syntax; names are resolved for family). Returns 0,
 * or -1 with nmap's message in err, newline-terminated as nmap prints it. */
int exclude_add_spec(struct exclude_set *set, const char *spec, int family, char *err,
                     size_t errlen);

/* Whether a is excluded. */
bool exclude_contains(struct exclude_set *set, const struct net_addr *a);

#endif
