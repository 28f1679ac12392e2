// SPDX-License-Identifier: MIT
// The raw port scans (-sS, -sA, -sW, -sM, -sN, -sF, -sX, --scanflags,
// -sU): one technique (scan/technique.h) at a time over a host group,
// replies from a packet capture, nmap 7.93's states and reasons with the
// reply's TTL.
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
/* The raw socket and capture syn_scan_open() opened, NULL when none: later
 * raw stages (--traceroute) reuse them rather than open another capture. */
struct raw_io *syn_scan_raw_io(void);
/* Releases what syn_scan_open() opened (also safe when it failed). */
void syn_scan_close(void);

struct scan_technique;

/* connect_scan()'s contract (scan/connect.h) for technique t over
 * plan->ports.ports[t->proto]; syn_scan_open() must have succeeded. The
 * hosts' results for other protocols (an earlier technique's) are kept. */
int raw_scan(const struct plan *plan, const struct scan_technique *t, struct host **hosts,
             size_t n_hosts, const struct scan_observer *obs);
/* Why a raw scan of this run had to stop (its interface disappeared, in
 * nmap's words), or NULL. */
const char *syn_scan_failure(void);
/* raw_scan() with the SYN technique. */
int syn_scan(const struct plan *plan, struct host **hosts, size_t n_hosts,
             const struct scan_observer *obs);

#endif
