// SPDX-License-Identifier: MIT
// --iflist: nmap's "INTERFACES" and "ROUTES" tables, printed before any
// target is looked at, after which the run ends with status 0.
#ifndef CMAP_NET_IFLIST_H
#define CMAP_NET_IFLIST_H

#include "net/iflist_model.h"

struct plan;

/* Prints the report where nmap does: after the "Starting" line on stdout
 * (unless -v0 or some format goes to stdout), to stdout for -oN -, and into
 * the -oN file; -oX and -oG files are created empty. Returns the exit
 * status: 0, or 1 when the report could not be written. */
int iflist_run(const struct plan *plan);

/* Both tables as nmap prints them, "(NONE FOUND(!)" lines included. NULL
 * when out of memory. */
char *iflist_render(const struct iflist_model *m);

#endif
