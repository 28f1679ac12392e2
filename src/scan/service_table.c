// SPDX-License-Identifier: MIT
#include "scan/service_table.h"

#include "data/protocols.h"
#include "data/services.h"
#include "report/model.h"

void service_table_fill(struct host *host, const struct services_db *db,
                        const struct protocols_db *protocols)
{
    for (size_t i = 0; i < host->n_ports; i++) {
        struct port_result *p = &host->ports[i];
        if (p->proto == PROTO_IP) {
            p->service = p->port < 256 ? protocols_name(protocols, (uint8_t)p->port) : NULL;
        } else if (db) {
            p->service = services_name(db, p->port, (enum proto_index)p->proto);
        }
    }
}
