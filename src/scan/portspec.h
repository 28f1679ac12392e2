// SPDX-License-Identifier: MIT
// nmap 7.93's port-specification grammar (getpts_aux in scan_lists.cc), used
// by -p, --exclude-ports and, without qualifiers, the -PS/-PA/-PU/-PY lists:
// "22", "1-1023", "-1024", "60000-", "-", lists with commas, sticky T:/U:/S:/P:
// qualifiers, service names with * and ? wildcards, and "[..]" for only the
// ports named in nmap-services. Pure: no I/O, so it can be fuzzed.
#ifndef CMAP_SCAN_PORTSPEC_H
#define CMAP_SCAN_PORTSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/portlist.h"

struct services_db;

/* A port table has 65536 entries; entry n holds one bit per protocol. */
#define PORTSPEC_TABLE_SIZE 65536u
#define PORTSPEC_BIT(proto) (1u << (proto))
#define PORTSPEC_ALL_PORT_PROTOS                                                                   \
    (PORTSPEC_BIT(PROTO_TCP) | PORTSPEC_BIT(PROTO_UDP) | PORTSPEC_BIT(PROTO_SCTP))

struct portspec_opts {
    unsigned protos;                   /* bits unqualified ports apply to */
    bool qualifiers;                   /* allow T:/U:/S:/P: (false for -PS-style lists) */
    const struct services_db *db;      /* names and [..]; may be NULL if the spec has none */
    const char *const *ip_proto_names; /* 256 nmap-protocols names (NULL slots), or NULL */
};

/* Parse spec, OR-ing protocol bits into table (PORTSPEC_TABLE_SIZE bytes,
 * prepared by the caller). *duplicates is set when a port was given twice
 * (nmap warns "Duplicate port number(s) specified"). Returns 0, or -1 with
 * nmap's message in err. An empty result is not an error here. */
int portspec_parse(const char *spec, const struct portspec_opts *opts, uint8_t *table,
                   bool *duplicates, char *err, size_t errlen);

/* The qualifier letters present, as bits (nmap scans the raw string for a
 * letter followed by ':' to warn "Your ports include "U:" but ..."). */
unsigned portspec_qualifiers(const char *spec);

/* Case-insensitive match with '*' (any run) and '?' (one character). */
bool portspec_wildmatch(const char *mask, const char *name);

#endif
