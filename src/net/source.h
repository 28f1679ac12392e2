// SPDX-License-Identifier: MIT
// -e and -S: the interface raw probes leave by and the source address
// they carry, worked out once as nmap does when a scan starts (-e alone
// takes the interface's address, -S alone the interface holding the
// address), with nmap's complaints when that fails; then every route the
// raw engines ask for is asked with them.
#ifndef CMAP_NET_SOURCE_H
#define CMAP_NET_SOURCE_H

#include "net/route.h"

struct plan;

/* Resolves plan->device and plan->spoof_source (an -S name that does not
 * resolve ends the run at once, as nmap's option parsing does). A
 * nonexistent interface or an address no interface holds is kept for
 * source_check(), which ends the run with nmap's message after the
 * banner. Nothing to do when neither was given. */
void source_setup(const struct plan *plan);
void source_check(void);
/* The route to dst for raw probes: the kernel's, asked with the interface
 * and source address of -e/-S. 0, or -1 with errno. */
int source_route(const struct net_addr *dst, struct route_choice *out);
/* The -e interface (or the one -S implied), NULL when neither was given. */
const char *source_device(void);
/* Forget the setup (tests). */
void source_reset(void);

#endif
