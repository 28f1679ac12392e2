// SPDX-License-Identifier: MIT
// A host group: the hosts that move through the phases together. Memory
// grows with the group, not with the target range.
#ifndef CMAP_SCAN_HOSTGROUP_H
#define CMAP_SCAN_HOSTGROUP_H

#include <stddef.h>

struct plan;
struct host;
struct target_iter;

struct hostgroup {
    struct host **hosts;
    size_t capacity;
    size_t count;
};

/* Group size from --min/max-hostgroup, else a default sized for the scan. */
size_t hostgroup_size(const struct plan *plan);
void hostgroup_init(struct hostgroup *g, size_t capacity);
/* Take up to capacity targets from the iterator; returns how many. */
size_t hostgroup_fill(struct hostgroup *g, struct target_iter *targets);
/* Free the hosts of the current group (after they were reported). */
void hostgroup_clear(struct hostgroup *g);
void hostgroup_free(struct hostgroup *g);

#endif
