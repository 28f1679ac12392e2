// SPDX-License-Identifier: MIT
// Version-detection results as nmap 7.93's writers present them, decided
// once so the normal, grepable, XML and JSON outputs agree: the SERVICE
// cell ("ssl/http", "ftp?"), the VERSION text (product, version and
// "(extrainfo)" joined and cut to nmap's 159 bytes) and the host's
// "Service Info:" summary.
#ifndef CMAP_REPORT_SVCFMT_H
#define CMAP_REPORT_SVCFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report/model.h"

/* nmap's buffers: the SERVICE cell (64 with its NUL) and VERSION (160). */
#define SVC_NAME_MAX 64
#define SVC_VERSION_MAX 160

/* The fields a writer prints for a port, with ONC RPC results filled in the
 * way nmap 7.93's rpc-grind does when the engine left version and extrainfo
 * unset ("2-4", "RPC #100000"). Strings point into svc or into the struct's
 * own buffers; a NULL field is absent. */
struct svc_view {
    const char *name; /* svc->name, or NULL */
    const char *product, *version, *extrainfo;
    char rpc_version[24], rpc_extrainfo[24];
};

void svc_view_of(const struct service_info *svc, struct svc_view *v);

/* The SERVICE cell: "ssl/" for a TLS tunnel, the probed name or else the
 * nmap-services one, and '?' when -sV ran and the port is open but the
 * name is a guess (confidence 5 or less, or no probe result); "unknown"
 * without a name. Empty when it would not fit in SVC_NAME_MAX, as nmap.
 * buf must hold SVC_NAME_MAX bytes. Raw bytes: escape before printing. */
void svc_port_name(const struct port_result *p, bool version_scan, char *buf);

/* The VERSION text: "product version (extrainfo)", each part cut with
 * "..." when it does not fit in SVC_VERSION_MAX - 1 bytes and left out
 * when fewer than 8 remain. buf must hold SVC_VERSION_MAX bytes; "" when
 * nothing is known. Raw bytes: escape before printing. */
void svc_full_version(const struct service_info *svc, char *buf);

/* Whether the port carries a <service> element / grepable service field:
 * a name (probed or from nmap-services), a fingerprint or a TLS tunnel. */
bool svc_port_has_service(const struct port_result *p);

/* The fingerprint on one line, as XML's servicefp: nmap drops each
 * "\nSF:" line break and cuts at a '&' that no ';' follows. Caller frees;
 * NULL when out of memory. */
char *svc_flat_fingerprint(const char *fingerprint);

/* nmap's per-host "Service Info: Host: x; OS: y; Device: z; CPE: c" line
 * (from open ports only; at most 5 of each; hostnames that equal the PTR
 * name left out, compared without case; CPEs of applications left out).
 * Writes nothing when there is nothing to say. Terminal-safe. */
void svc_put_info_line(FILE *fp, const struct host *h);

/* What nmap does to a match's fields before storing them (portlist.cc's
 * setServiceProbeResults): product, version, hostname and each CPE cut to
 * 80 bytes, extrainfo to 256, ostype and devicetype to 32, and every byte
 * that is not printable ASCII replaced by '.'. For the engine to call on
 * a result before handing it to the writers, so every output shows what
 * nmap's would. */
void svc_sanitize(struct service_info *svc);

/* The fingerprints the normal output asks users to submit: nmap keeps the
 * first 9 ports' (in listing order) among those shown. */
#define SVC_MAX_SAVED_FPS 9

#endif
