// SPDX-License-Identifier: MIT
// Service names from nmap-services for scanned ports, and from
// nmap-protocols for -sO's protocols (nmap's method="table").
#ifndef CMAP_SCAN_SERVICE_TABLE_H
#define CMAP_SCAN_SERVICE_TABLE_H

struct host;
struct services_db;
struct protocols_db;

/* Either database may be NULL (its names are then left unset). */
void service_table_fill(struct host *host, const struct services_db *db,
                        const struct protocols_db *protocols);

#endif
