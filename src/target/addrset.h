// SPDX-License-Identifier: MIT
// A growing hash set of addresses, for --unique: each address seen is kept,
// so memory grows with the targets actually produced, never with range sizes.
#ifndef CMAP_TARGET_ADDRSET_H
#define CMAP_TARGET_ADDRSET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/addr.h"

struct seen_set {
    struct net_addr *slots;
    bool *used;
    size_t cap, n;
};

/* Insert a; returns true if it was new, false if already present. */
bool seen_set_add(struct seen_set *s, const struct net_addr *a);
void seen_set_free(struct seen_set *s);

#endif
