// SPDX-License-Identifier: MIT
// The ports a scan covers, per protocol, in scan order, built from -p,
// --exclude-ports, -F, --top-ports, --port-ratio, -r and nmap-services.
#ifndef CMAP_SCAN_PORTLIST_H
#define CMAP_SCAN_PORTLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct services_db;

enum proto_index { PROTO_TCP = 0, PROTO_UDP, PROTO_SCTP, PROTO_IP, PROTO_COUNT };

struct port_list {
    uint16_t *ports[PROTO_COUNT]; /* scan order (randomised unless -r) */
    size_t count[PROTO_COUNT];
    bool duplicate_ports; /* a port was given twice: nmap warns "Duplicate port number(s)" */
};

/* Which protocols the scan types need, so an unqualified -p applies to them. */
struct portlist_request {
    const char *spec;         /* -p argument, or NULL for the default selection */
    const char *exclude_spec; /* --exclude-ports, or NULL */
    bool want[PROTO_COUNT];   /* protocols being scanned */
    bool fast;                /* -F: top 100 */
    int top_ports;            /* --top-ports N, 0 when unset */
    double port_ratio;        /* --port-ratio, < 0 when unset */
    bool sequential;          /* -r: keep numeric order */
    uint64_t shuffle_seed;    /* seed for the default randomised order */
    const char *const *ip_proto_names; /* 256 nmap-protocols names for P: names and
                                          [..] with -sO (NULL slots), or NULL */
};

/* Build the list. On failure returns -1 and writes nmap's message (for
 * example "Your port range 80-20 is backwards. Did you mean 20-80?") to err. */
int portlist_build(const struct portlist_request *req, const struct services_db *db,
                   struct port_list *out, char *err, size_t errlen);
void portlist_free(struct port_list *pl);
size_t portlist_total(const struct port_list *pl);

/* Compact form for <scaninfo services=""> and grepable "# Ports scanned":
 * ascending, consecutive runs folded ("1-3,22,80"). Caller frees. */
char *portlist_ranges(const uint16_t *ports, size_t n);

/* Protocol name as nmap prints it ("tcp", "udp", "sctp", "ip"). */
const char *proto_name(enum proto_index p);

#endif
