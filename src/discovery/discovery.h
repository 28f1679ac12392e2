// SPDX-License-Identifier: MIT
// Host discovery, the phase before the port scan: which hosts of a group
// are up, with nmap 7.93's reasons. Local targets answer for themselves
// (localhost-response); targets on a local Ethernet are asked by ARP or ND
// (even with -Pn, unless --disable-arp-ping or --send-ip); others get the
// -P probes or nmap's default set over raw sockets, or connect() to ports
// 80 and 443 without privilege; with -Pn they are simply up (user-set).
#ifndef CMAP_DISCOVERY_DISCOVERY_H
#define CMAP_DISCOVERY_DISCOVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "report/model.h"

struct plan;

/* Opens the raw socket, capture and packet socket discovery needs, before
 * privileges are dropped. 0, or -1 (the message is in
 * discovery_open_error()) when they cannot be had: an unprivileged run then
 * uses connect() where it can. Does nothing for -sL. */
/* Whether discovery will send raw packets (ARP/ND or probes) for this plan. */
bool discovery_needs_raw(const struct plan *plan);
int discovery_open(const struct plan *plan);
const char *discovery_open_error(void);
void discovery_close(void);

/* Called around each batch of probing, for the task lines nmap prints
 * with -v: name is "ARP Ping Scan", "ND Ping Scan" or "Ping Scan",
 * probes the probes per host ("Scanning 4 hosts [4 ports/host]"). */
typedef void (*discovery_task_fn)(void *ctx, bool begin, const char *name, struct host **hosts,
                                  size_t n, size_t probes);
/* Called for each host a batch found up, before the batch's task ends
 * (nmap's <hosthint>); reason is the one nmap's hint gives: arp-response
 * or nd-response for a neighbour, unknown-response for an IP ping. */
typedef void (*discovery_hint_fn)(void *ctx, const struct host *host, enum reason reason);

/* Sets state, reason, reason_ttl, latency and MAC address of every host.
 * Hosts without a route are marked HOST_STATE_SKIPPED (nmap: "setup_target:
 * failed to determine route"). Returns -1 when interrupted. */
int discover_hosts(const struct plan *plan, struct host **hosts, size_t n, discovery_task_fn task,
                   discovery_hint_fn hint, void *ctx);

#endif
