// SPDX-License-Identifier: MIT
// Reverse DNS for the hops of a traced group, as nmap 7.93 does after its
// traceroute unless -n: every distinct hop address once, through the run's
// parallel resolver (its "Parallel DNS resolution of N hosts." task) or,
// with --system-dns, the system's.
#ifndef CMAP_TRACE_TNAMES_H
#define CMAP_TRACE_TNAMES_H

#include <stddef.h>

struct host;
struct rdns;

/* rdns NULL: the system resolver, one address at a time. */
void trace_name_hops(struct host **hosts, size_t n, struct rdns *rdns);
/* Forgets the names kept between groups. */
void trace_names_free(void);

#endif
