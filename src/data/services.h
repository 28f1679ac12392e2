// SPDX-License-Identifier: MIT
// nmap-services: "name<TAB>port/proto<TAB>frequency [# comment]".
#ifndef CMAP_DATA_SERVICES_H
#define CMAP_DATA_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/portlist.h"

struct service_entry {
    const char *name;
    uint16_t port;
    uint8_t proto;    /* enum proto_index */
    double frequency; /* 0 when the line has none */
};

struct services_db; /* immutable once loaded */

/* Parse a file. On error returns NULL with "path:line: what" in err. */
struct services_db *services_load(const char *path, char *err, size_t errlen);
/* Parse from memory (tests, fuzzing); `label` names the source in errors. */
struct services_db *services_parse(const char *text, size_t len, const char *label, char *err,
                                   size_t errlen);
/* services_parse with the full parser reading every line, no fast path
 * (services_fast.c): the reference the fast path is tested against. */
struct services_db *services_parse_reference(const char *text, size_t len, const char *label,
                                             char *err, size_t errlen);
/* Like services_load, validating every line, but keeping only the entries
 * for the given ports: a scan of a few explicit ports then reads names
 * without building the whole table (start-up cost; see services.c). */
struct services_db *services_load_ports(const char *path, const struct port_list *ports, char *err,
                                        size_t errlen);
/* The same, keeping every entry of the protocols with protos[proto] set
 * (PROTO_TCP, PROTO_UDP, PROTO_SCTP): what a top-ports selection for the
 * scanned protocols reads. */
struct services_db *services_load_protos(const char *path, const bool *protos, char *err,
                                         size_t errlen);
void services_free(struct services_db *db);

/* Name for port/proto, or NULL when the table has none (writers print "unknown"). */
const char *services_name(const struct services_db *db, uint16_t port, enum proto_index proto);
/* All entries, in file order. */
const struct service_entry *services_entries(const struct services_db *db, size_t *count);
/* True when some line has a frequency field: without one (an old or
 * /etc/services-style file) nmap refuses --top-ports and --port-ratio and
 * defaults to "1-1024,[1025-]". */
bool services_has_frequencies(const struct services_db *db);

#endif
