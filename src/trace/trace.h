// SPDX-License-Identifier: MIT
// --traceroute: after the port scan (and version detection) of a host
// group, the path to every host that is up, as nmap 7.93 traces it: the
// probe that got the best answer during the scan sent again with small
// TTLs, hosts in parallel, hops shared between hosts found once. Neighbours
// on a directly connected network get their one hop without a probe.
#ifndef CMAP_TRACE_TRACE_H
#define CMAP_TRACE_TRACE_H

#include <stddef.h>

struct plan;
struct host;
struct scan_observer;

/* With --traceroute: opens the raw socket and capture before privileges
 * are dropped, or ends the run as nmap does ("Traceroute has to be run as
 * root" without privilege). Does nothing otherwise. */
void trace_open(const struct plan *plan);
void trace_close(void);

/* Traces hosts (all up), filling each one's trace; obs (may be NULL) gets
 * status ticks for the progress lines. 0, or -1 when interrupted. */
int trace_group(const struct plan *plan, struct host **hosts, size_t n,
                const struct scan_observer *obs);

#endif
