// SPDX-License-Identifier: MIT
// nmap-service-probes, parsed into an immutable structure (the grammar of
// https://nmap.org/book/vscan-fileformat.html as nmap 7.93 reads it):
//
//   Exclude <port spec>                  once, before the first Probe
//   Probe TCP|UDP <name> q|<string>| [no-payload]
//   match|softmatch <service> m|<regex>|[is] [p/../ v/../ i/../ h/../
//                   o/../ d/../ cpe:/../[a]]...
//   ports|sslports <ports and ranges>    rarity <1-9>
//   totalwaitms|tcpwrappedms <100-300000> fallback <probe>[,<probe>...]
//
// Any delimiter works for q, m and the version fields; the probe string
// takes C escapes (see unescape.h), the regex is kept as written. Errors
// read "label:line: what". The regexes are compiled by match.h, so a
// database is loaded (and paid for) only when version detection runs.
#ifndef CMAP_SERVICE_PROBES_H
#define CMAP_SERVICE_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/portlist.h"
#include "service/arena.h"

/* nmap 7.93's defaults (service_scan.h): DEFAULT_SERVICEWAITMS,
 * DEFAULT_TCPWRAPPEDMS and the rarity of a probe without the directive. */
#define VSCAN_DEFAULT_WAITMS 5000u
#define VSCAN_DEFAULT_TCPWRAPPEDMS 2000u
#define VSCAN_DEFAULT_RARITY 5u
/* nmap's MAXFALLBACKS is 20; its loop leaves room for 17 named probes. */
#define VSCAN_MAX_NAMED_FALLBACKS 17u

enum vscan_field {
    VSCAN_PRODUCT, /* p/ */
    VSCAN_VERSION, /* v/ */
    VSCAN_INFO,    /* i/ (extrainfo) */
    VSCAN_HOSTNAME,
    VSCAN_OSTYPE,
    VSCAN_DEVICETYPE,
    VSCAN_NFIELDS
};

struct vscan_regex; /* compiled form, owned by match.c */

struct vscan_match {
    const char *service;
    const char *pattern; /* the regex between the delimiters, as written */
    size_t pattern_len;
    unsigned line;
    bool soft;
    bool caseless;                   /* flag i */
    bool dotall;                     /* flag s */
    const char *tmpl[VSCAN_NFIELDS]; /* NULL when the line has none */
    const char *const *cpe;          /* "cpe:/..." templates, line order */
    size_t cpe_count;
    struct vscan_regex *re; /* set by vscan_compile */
};

struct vscan_port_range {
    uint16_t lo, hi;
};

struct vscan_probe {
    const char *name;
    enum proto_index proto; /* PROTO_TCP or PROTO_UDP */
    const uint8_t *payload; /* decoded probe string; empty for the NULL probe */
    size_t payload_len;
    bool no_payload; /* not for use as a port-scan payload */
    unsigned line;
    unsigned rarity;
    unsigned totalwaitms, tcpwrappedms;
    const struct vscan_port_range *ports, *sslports;
    size_t port_ranges, sslport_ranges;
    struct vscan_match *matches; /* file order */
    size_t match_count;
    /* Where a response to this probe is looked up, in nmap's order: the
     * probe itself, its fallback directive's probes, then (TCP) the NULL
     * probe. The NULL probe's list is itself alone. */
    const struct vscan_probe *const *fallbacks;
    size_t fallback_count;
    /* Distinct service names its matches report (nmap's detectedServices):
     * after a soft match only probes that can name that service are sent. */
    const char *const *services;
    size_t service_count;
};

struct vscan_db {
    struct vscan_probe *probes; /* file order, the NULL probe included */
    size_t probe_count;
    const struct vscan_probe *null_probe; /* empty probe string, or NULL */
    /* Exclude directive: one bit per port for TCP, UDP and SCTP; NULL
     * when the file has none. */
    const uint8_t *exclude[PROTO_IP];
    size_t match_count, softmatch_count;
    struct arena arena;
    struct vscan_compiled *compiled; /* match.c's shared state, or NULL */
};

/* Reads and parses a file. NULL with "path:line: what" (or the I/O error)
 * in err on failure. */
struct vscan_db *vscan_load(const char *path, char *err, size_t errlen);
/* Parses text[0..len) (no terminator needed); label names it in errors. */
struct vscan_db *vscan_parse(const char *text, size_t len, const char *label, char *err,
                             size_t errlen);
void vscan_free(struct vscan_db *db);

/* nmap's "ports"/"sslports" test (portIsProbable). */
bool vscan_port_probable(const struct vscan_probe *p, bool ssl, uint16_t port);
/* Whether p's matches can name service (serviceIsPossible). */
bool vscan_service_possible(const struct vscan_probe *p, const char *service);
/* The Exclude directive's verdict for port/proto (isExcluded). */
bool vscan_excluded(const struct vscan_db *db, uint16_t port, enum proto_index proto);
/* The first probe named name for proto (the NULL probe only for TCP), as
 * nmap's getProbeByName. */
const struct vscan_probe *vscan_probe_by_name(const struct vscan_db *db, const char *name,
                                              enum proto_index proto);

#endif
