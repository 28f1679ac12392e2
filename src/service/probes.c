// SPDX-License-Identifier: MIT
// Read-only questions the version-scan engine asks of a parsed database.
#include <stdlib.h>
#include <string.h>

#include "service/match.h"
#include "service/probes.h"

static bool in_ranges(const struct vscan_port_range *r, size_t n, uint16_t port)
{
    for (size_t i = 0; i < n; i++)
        if (port >= r[i].lo && port <= r[i].hi) return true;
    return false;
}

bool vscan_port_probable(const struct vscan_probe *p, bool ssl, uint16_t port)
{
    return ssl ? in_ranges(p->sslports, p->sslport_ranges, port)
               : in_ranges(p->ports, p->port_ranges, port);
}

bool vscan_service_possible(const struct vscan_probe *p, const char *service)
{
    for (size_t i = 0; i < p->service_count; i++)
        if (strcmp(p->services[i], service) == 0) return true;
    return false;
}

bool vscan_excluded(const struct vscan_db *db, uint16_t port, enum proto_index proto)
{
    if (proto >= PROTO_IP || !db->exclude[proto]) return false;
    return (db->exclude[proto][port / 8] >> (port % 8)) & 1u;
}

const struct vscan_probe *vscan_probe_by_name(const struct vscan_db *db, const char *name,
                                              enum proto_index proto)
{
    if (proto == PROTO_TCP && db->null_probe && strcmp(db->null_probe->name, name) == 0)
        return db->null_probe;
    for (size_t i = 0; i < db->probe_count; i++) {
        const struct vscan_probe *p = &db->probes[i];
        if (p != db->null_probe && p->proto == proto && strcmp(p->name, name) == 0) return p;
    }
    return NULL;
}

void vscan_free(struct vscan_db *db)
{
    if (!db) return;
    vscan_uncompile(db);
    arena_free(&db->arena);
    free(db);
}
