// SPDX-License-Identifier: MIT
// Forward resolution of target names through the system resolver, the way
// nmap 7.93 does it: every family at once, in getaddrinfo's order, so the
// addresses of the other family can be listed as "not scanned".
#ifndef CMAP_TARGET_RESOLVE_H
#define CMAP_TARGET_RESOLVE_H

#include <stddef.h>

#include "core/addr.h"

struct addr_list {
    struct net_addr *v;
    size_t n;
};

/* All addresses of name (any family), one per address. Returns 0, or a
 * getaddrinfo error code (for gai_strerror) with an empty list. */
int resolve_all_families(const char *name, struct addr_list *out);
/* Only addresses of one family (for --exclude names). Same return. */
int resolve_family(const char *name, int family, struct addr_list *out);
void addr_list_free(struct addr_list *l);

#endif
