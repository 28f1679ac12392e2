// SPDX-License-Identifier: MIT
// Internal to the nmap-service-probes parser: the error context and the
// parsers of single lines (probes_line.c), used by the file-level parser
// (probes_parse.c). Lines are NUL-terminated, without the newline, and
// writable (they are a private copy of the file).
#ifndef CMAP_SERVICE_PROBES_BUILD_H
#define CMAP_SERVICE_PROBES_BUILD_H

#include <stddef.h>

#include "service/probes.h"

struct parse_ctx {
    const char *label;
    unsigned line;
    char *err;
    size_t errlen;
    struct arena *arena;
};

/* Writes "label:line: what" to err; returns -1. */
int vscan_fail(struct parse_ctx *pc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct range_vec {
    struct vscan_port_range *v;
    size_t n, cap;
};

/* "TCP name q|...| [no-payload]" (the text after "Probe "). */
int vscan_parse_probe_line(struct parse_ctx *pc, char *rest, struct vscan_probe *out);
/* A whole "match ..." or "softmatch ..." line. */
int vscan_parse_match_line(struct parse_ctx *pc, char *line, struct vscan_match *out);
/* "21-25,53,80" appended to v (the text after "ports " or "sslports "). */
int vscan_parse_ports(struct parse_ctx *pc, const char *s, struct range_vec *v);
/* A decimal number in [lo, hi], blanks around it allowed. */
int vscan_parse_number(struct parse_ctx *pc, const char *s, unsigned lo, unsigned hi,
                       const char *what, unsigned *out);

#endif
