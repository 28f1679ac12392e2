// SPDX-License-Identifier: MIT
// Scan order: nmap shuffles each protocol's list unless -r, then moves the
// most commonly open TCP ports to the front.
#ifndef CMAP_SCAN_PORTLIST_ORDER_H
#define CMAP_SCAN_PORTLIST_ORDER_H

#include <stdint.h>

#include "scan/portlist.h"

/* Deterministic for a given seed. */
void portlist_shuffle(struct port_list *pl, uint64_t seed);

#endif
