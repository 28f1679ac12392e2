// SPDX-License-Identifier: MIT
// The record an interrupted run leaves for a host it had not finished, so
// --resume can scan only that host's remaining ports. One line of text:
//
//   host 198.18.1.2 name=web.example others=::1 tcp/open/syn-ack/0=22,80
//        tcp/closed/conn-refused/0=1-21,23-79 end
//
// (on one line). Writers wrap it as "# cmap partial host ..." (normal,
// grepable) or "<!-- cmap-partial host ... -->" (XML); it never contains
// "--", so it stays a valid XML comment. The closing "end" tells a complete
// record from one cut short by a crash.
#ifndef CMAP_REPORT_PARTIAL_H
#define CMAP_REPORT_PARTIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/addr.h"
#include "report/model.h"

/* What a partial record holds: the host and its finished ports. */
struct partial_host {
    struct net_addr addr;
    char *name;              /* the target as the user named it, or NULL */
    struct net_addr *others; /* its other addresses (not scanned) */
    size_t n_others;
    struct port_result *ports; /* finished ports, no duplicates */
    size_t n_ports;
};

/* Whether a port of an interrupted host is finished. A port that never got
 * an answer may still have been waiting for a retransmission (the engine
 * gives up on silent ports only when the whole host is done), so only
 * answered ports are final. */
bool partial_port_final(const struct port_result *p);

/* How the writers frame a record: a comment line in each format. */
#define PARTIAL_TEXT_PREFIX "# cmap partial "
#define PARTIAL_XML_PREFIX "<!-- cmap-partial "
#define PARTIAL_XML_SUFFIX " -->"

/* Write one line: prefix, the record for h (its final ports), suffix and a
 * newline. 0, or -1 when out of memory. */
int partial_record_put(FILE *fp, const struct host *h, const char *prefix, const char *suffix);

/* Parse a record (text up to, not including, the line's end). 0 and *out
 * filled, or -1 with a reason in err. */
int partial_record_parse(const char *text, size_t len, struct partial_host *out, char *err,
                         size_t errlen);
void partial_host_free(struct partial_host *p);

#endif
