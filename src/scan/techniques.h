// SPDX-License-Identifier: MIT
// The plan's choice of raw techniques (scan/technique.h) and their names.
#ifndef CMAP_SCAN_TECHNIQUES_H
#define CMAP_SCAN_TECHNIQUES_H

#include <stdbool.h>

#include "cli/plan.h"
#include "scan/technique.h"

/* The technique the plan runs for proto (its TCP type, -sU, or its first
 * SCTP type), with
 * --scanflags and nmap-payloads applied; false when none is raw. */
bool technique_for_plan(const struct plan *plan, enum proto_index proto,
                        struct scan_technique *out);
/* Whether the plan needs the raw socket and capture. */
bool plan_uses_raw(const struct plan *plan);
/* <scaninfo type=""> of a TCP scan type ("syn", "ack", "connect"...). */
const char *tcp_scan_xml_type(enum tcp_scan_type t);
/* <scaninfo type=""> of the first SCTP scan type in t ("sctpinit"); NULL
 * for none. */
const char *sctp_scan_xml_type(unsigned t);

#endif
