// SPDX-License-Identifier: MIT
// TCP connect scan (-sT): non-blocking connect() on the event loop.
#ifndef CMAP_SCAN_CONNECT_H
#define CMAP_SCAN_CONNECT_H

#include <stddef.h>

#include "scan/observer.h"

struct plan;
struct host;

/* Scan plan->ports.ports[PROTO_TCP] on every host of the group in parallel,
 * telling obs (may be NULL) about open ports as they are found.
 * Fills host->ports (state, reason), the RTT fields and timed_out, and sets
 * each host's end_time. Returns 0, or -1 if the scan stopped early because
 * scan_stop_requested became set (hosts finished so far are complete;
 * unfinished ones are marked as such by leaving state HOST_STATE_UNKNOWN). */
int connect_scan(const struct plan *plan, struct host **hosts, size_t n_hosts,
                 const struct scan_observer *obs);

#endif
