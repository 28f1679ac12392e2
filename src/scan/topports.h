// SPDX-License-Identifier: MIT
// nmap's "top ports": the N most frequent ports of nmap-services per
// protocol, or every port whose frequency reaches a ratio.
#ifndef CMAP_SCAN_TOPPORTS_H
#define CMAP_SCAN_TOPPORTS_H

#include <stdint.h>

struct services_db;

/* level >= 1: the `level` most frequent ports; level < 1: every port with
 * frequency >= level. For each protocol bit in `protos` (tcp, udp, sctp),
 * candidates are the nmap-services entries, restricted to ports whose bit is
 * set in `restrict_to` when that is not NULL. Sets bits in `table` (65536
 * entries). Returns 0, or -1 when out of memory. */
int topports_select(const struct services_db *db, double level, unsigned protos,
                    const uint8_t *restrict_to, uint8_t *table);

#endif
