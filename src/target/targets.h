// SPDX-License-Identifier: MIT
// Target expansion: command-line specs, -iL, -iR, minus --exclude and
// --excludefile, as an iterator. A /8 is never materialised as a list.
#ifndef CMAP_TARGET_TARGETS_H
#define CMAP_TARGET_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/addr.h"

struct plan;
struct target_iter;

struct target {
    struct net_addr addr;
    char *name;                /* hostname as given, or NULL for literals (owned) */
    struct net_addr *others;   /* other addresses of name, not scanned (owned) */
    size_t n_others;
};

/* Prepare iteration. Reads exclusions now (a bad exclude spec or unreadable
 * --excludefile / -iL is fatal with nmap's message). */
struct target_iter *target_iter_new(const struct plan *plan);
/* Next target: 1 and *out filled (caller frees with target_clear), or 0 at
 * the end. Specs that do not resolve print nmap's warning
 * ('Failed to resolve "x".') on stderr and are skipped. */
int target_iter_next(struct target_iter *it, struct target *out);
void target_iter_free(struct target_iter *it);
void target_clear(struct target *t);

/* Reverse lookup (PTR) of an address; NULL if none. Caller frees. */
char *target_reverse_lookup(const struct net_addr *addr);

#endif
