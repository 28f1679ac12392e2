// SPDX-License-Identifier: MIT
// Version detection (-sV): nmap-service-probes run against the open ports
// the port scan found, on one event loop, as nmap 7.93's service_scan.cc
// does (NULL probe first, then probes by rarity up to the intensity,
// ports/sslports preference, totalwaitms, tcpwrapped, fallbacks,
// softmatch narrowing, TLS tunnels, UDP probes, RPC grinding).
#ifndef CMAP_SERVICE_SERVICE_SCAN_H
#define CMAP_SERVICE_SERVICE_SCAN_H

#include <stddef.h>

#include "scan/observer.h"

struct plan;
struct host;

/* Probe every open TCP port (and open or open|filtered UDP port) of the
 * hosts, filling port_result.svc. Loads and compiles nmap-service-probes
 * from the data-file search order on first use (fatal error naming the
 * file and line when it is missing or malformed). --version-trace lines
 * and warnings go to obs->message. Returns 0, or -1 when
 * scan_stop_requested ended it early (ports probed so far keep their
 * results). */
int service_scan(const struct plan *plan, struct host **hosts, size_t n_hosts,
                 const struct scan_observer *obs);

/* How many ports of the hosts service_scan would probe (for "Scanning N
 * services on M hosts"). */
size_t service_scan_count(const struct plan *plan, struct host *const *hosts, size_t n_hosts);

#endif
