// SPDX-License-Identifier: MIT
// The common shape of an nmap-services line, recognised 16 bytes at a time.
#ifndef CMAP_DATA_SERVICES_FAST_H
#define CMAP_DATA_SERVICES_FAST_H

#include <stddef.h>
#include <stdint.h>

/* The fields of a line in nmap's own layout: "name<TAB>port/proto<TAB>
 * 0.dddddd" then a comment or the end of the line. */
struct services_fast_line {
    char *name;
    size_t name_len;
    uint16_t port;
    int proto;             /* enum proto_index: tcp, udp or sctp */
    const char *frequency; /* the 8 characters "0.dddddd" */
    char *next;            /* the start of the next line */
};

/* Recognises the line at p (which needs at least 48 readable bytes before
 * end) when it has that shape. Returns 0 and fills out, or -1 when the
 * line needs the full parser: anything unusual, including every error,
 * is left to it, so both paths accept exactly the same lines. */
int services_fast_line(char *p, const char *end, struct services_fast_line *out);

#endif
