// SPDX-License-Identifier: MIT
// nmap's service fingerprint: the "SF-Port..." text nmap prints (and puts
// in XML's servicefp) for a service that answered but matched no hard
// match, so it can be submitted. A pure function of what the probes got.
#ifndef CMAP_SERVICE_FINGERPRINT_H
#define CMAP_SERVICE_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "scan/portlist.h"

struct vscan_fp_response {
    const char *probe_name; /* "NULL", "GetRequest", ... */
    const uint8_t *data;
    size_t len;
};

struct vscan_fp_input {
    uint16_t port;
    enum proto_index proto; /* PROTO_TCP or PROTO_UDP */
    bool ssl;               /* probed inside TLS */
    int intensity;          /* --version-intensity */
    bool debug;             /* -d or --version-trace: nmap keeps more */
    time_t when;            /* scan time (D= and Time= fields) */
    const char *soft_service; /* the softmatch's service, or NULL */
    const struct vscan_fp_response *responses; /* in probe order */
    size_t n_responses;
};

/* The fingerprint as nmap formats it (lines of "SF-Port..." then "SF:...",
 * joined by '\n', no trailing newline); malloc'd, NULL if out of memory. */
char *vscan_fingerprint(const struct vscan_fp_input *in);

#endif
