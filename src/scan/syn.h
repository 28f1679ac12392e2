// SPDX-License-Identifier: MIT
// TCP SYN scan (-sS): raw SYN probes, replies from a packet capture,
// nmap 7.93's states and reasons (open syn-ack, closed reset, filtered
// no-response or an ICMP unreachable's reason, each with its TTL).
#ifndef CMAP_SCAN_SYN_H
#define CMAP_SCAN_SYN_H

#include <stddef.h>

#include "scan/observer.h"

struct plan;
struct host;

/* Opens the raw socket and the capture for plan->address_family. Call it
 * before privileges are dropped. 0, or -1 with errno (EPERM/EACCES when
 * raw sockets are not allowed) after printing nothing: the caller decides
 * between falling back to a connect scan and failing with
 * syn_scan_open_error(). */
int syn_scan_open(const struct plan *plan);
/* The message of the last failed syn_scan_open(). */
const char *syn_scan_open_error(void);
/* Releases what syn_scan_open() opened (also safe when it failed). */
void syn_scan_close(void);

/* connect_scan()'s contract (scan/connect.h) for a SYN scan of
 * plan->ports.ports[PROTO_TCP]; syn_scan_open() must have succeeded. */
int syn_scan(const struct plan *plan, struct host **hosts, size_t n_hosts,
             const struct scan_observer *obs);

#endif
