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
    char *name;              /* hostname as given, or NULL for literals (owned) */
    struct net_addr *others; /* other addresses of name, not scanned (owned) */
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

/* The two halves of target_iter_new, for nmap's message order: nmap opens
 * the -iL file while parsing options (before "Starting Nmap") but reads the
 * exclusions after the banner. target_iter_open fails fatally only on -iL. */
struct target_iter *target_iter_open(const struct plan *plan);
void target_iter_load_excludes(struct target_iter *it);

/* A spec to walk once the run's own are done (targets a script added,
 * nmap's NewTargets): resolved, excluded and made unique like the others.
 * It may come after target_iter_next has returned 0; the next call then
 * goes on with it. */
void target_iter_add(struct target_iter *it, const char *spec);

/* Called with each spec nmap reports as skipped in its XML output
 * (<target specification="x" status="skipped" reason="invalid"/>): specs
 * with a bad netmask and IPv6 specs without -6, not names that fail to
 * resolve. */
typedef void (*target_skip_fn)(const char *spec, void *ctx);
void target_iter_set_skip_hook(struct target_iter *it, target_skip_fn fn, void *ctx);

/* Asked about each target, in spec order before any shuffling (nmap's
 * --resume check sits there too); false drops the target. */
typedef bool (*target_filter_fn)(const struct target *t, void *ctx);
void target_iter_set_filter(struct target_iter *it, target_filter_fn fn, void *ctx);

/* Reverse lookup (PTR) of an address; NULL if none. Caller frees. */
char *target_reverse_lookup(const struct net_addr *addr);

#endif
