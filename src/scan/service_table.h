// SPDX-License-Identifier: MIT
// Service names from nmap-services for scanned ports (nmap's method="table").
#ifndef CMAP_SCAN_SERVICE_TABLE_H
#define CMAP_SCAN_SERVICE_TABLE_H

struct host;
struct services_db;

void service_table_fill(struct host *host, const struct services_db *db);

#endif
