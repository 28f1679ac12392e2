// SPDX-License-Identifier: MIT
// The common shape of an nmap-services line, read without a branch that
// depends on a field's length.
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

/* What a run hands back, and which lines it hands back. */
struct services_fast_walk {
    /* [proto][port / 8] bits of the entries wanted (tcp, udp, sctp, 8 KiB
     * each); NULL wants every line. */
    const uint8_t *want;
    void (*emit)(void *ctx, const struct services_fast_line *line);
    void *ctx;
    size_t max_lines; /* stop after this many lines; 0 for no limit */
};

/* Reads lines of that shape from p on, passing the wanted ones to emit.
 * Returns where it stopped: end, or the start of a line of any other shape
 * (every error among them), which is the full parser's (services.c) to
 * read, so both paths accept exactly the same lines. *lines is set to the
 * number of lines read. */
char *services_fast_run(char *p, char *end, const struct services_fast_walk *walk, size_t *lines);

/* One line: 0 with its fields in out when the line at p has the common
 * shape, else -1. The same reading as a run (tests and fuzzing). */
int services_fast_line(char *p, char *end, struct services_fast_line *out);

#endif
