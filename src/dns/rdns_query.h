// SPDX-License-Identifier: MIT
// The parallel PTR query engine behind rdns.h: one connected UDP socket per
// server, all on one core/loop.h event loop, each query with its own
// timeout timer. Split from rdns.c so the timing rules sit in one file.
#ifndef CMAP_DNS_RDNS_QUERY_H
#define CMAP_DNS_RDNS_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/resolv_conf.h"

struct host;

/* nmap's counters, for -d's "Mode: Async [#: 1, OK: 3, NX: 0, DR: 1, SF:
 * 0, TR: 6, CN: 0]". */
struct rdns_stats {
    unsigned long ok;       /* names found */
    unsigned long nx;       /* NXDOMAIN */
    unsigned long dropped;  /* given up after every try */
    unsigned long servfail; /* SERVFAIL answers */
    unsigned long sent;     /* queries sent, retries included */
    unsigned long cname;    /* CNAMEs without a PTR: left to the system resolver */
};

/* Query a PTR for each of hosts[0..n); a name found goes to host->rdns,
 * deferred[i] is set for a host whose answer was a CNAME only. Returns 0,
 * 1 when stopped by scan_stop_requested, -1 (errno set) if the loop or a
 * socket could not be made. */
int rdns_query_run(const struct dns_server_list *servers, struct host **hosts, size_t n,
                   bool *deferred, struct rdns_stats *stats);

#endif
