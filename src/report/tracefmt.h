// SPDX-License-Identifier: MIT
// A host's --traceroute result in each format that shows it, as nmap 7.93
// prints it: the TRACEROUTE table of normal output (hops shared with an
// earlier host folded into "Hops 1-N are the same as for X", runs of
// timeouts into "... N"), XML's <trace>, and the JSON equivalent.
#ifndef CMAP_REPORT_TRACEFMT_H
#define CMAP_REPORT_TRACEFMT_H

#include <stdbool.h>
#include <stdio.h>

#include "report/jsonw.h"
#include "report/model.h"

/* The block nmap prints after a host's ports: an empty line, the header and
 * the table (the empty line ending the host is the caller's). debugging:
 * nmap shows every hop and timeout as is. False when there is no trace. */
bool trace_put_normal(FILE *fp, const struct host *h, bool debugging);
void trace_put_xml(FILE *fp, const struct host *h);
void trace_put_json(struct jw *j, const struct host *h);

#endif
