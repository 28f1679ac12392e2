// SPDX-License-Identifier: MIT
#include "scan/service_table.h"

#include "data/services.h"
#include "report/model.h"

void service_table_fill(struct host *host, const struct services_db *db)
{
    if (!db) return;
    for (size_t i = 0; i < host->n_ports; i++) {
        struct port_result *p = &host->ports[i];
        p->service = services_name(db, p->port, (enum proto_index)p->proto);
    }
}
