// SPDX-License-Identifier: MIT
// Walking the addresses of one target spec in nmap's order, in constant
// memory: an IPv4 spec is four octet sets and four counters (the last octet
// turns fastest), an IPv6 block is a current and a last address. A spec that
// came from a name also carries the resolved addresses, to name the targets
// and to list the addresses that are not scanned.
#ifndef CMAP_TARGET_EXPAND_H
#define CMAP_TARGET_EXPAND_H

#include <stdbool.h>
#include <stdint.h>

#include "target/resolve.h"
#include "target/targets.h"
#include "target/targetspec.h"

struct spec_cursor {
    enum { CUR_NONE, CUR_V4, CUR_V6 } kind;
    bool done;
    octet_sets octets;
    uint16_t ctr[4];
    uint8_t cur6[16], end6[16];
    uint32_t scope_id;

    /* Set when the spec was a name. */
    char *name;
    struct addr_list resolved; /* every address, any family, resolver order */
    size_t first;              /* index of the address the block is built on */
    size_t extra;              /* --resolve-all: next resolved address to visit */
    bool resolve_all;
    int family;
};

void cursor_reset(struct spec_cursor *c);
void cursor_init_v4(struct spec_cursor *c, const octet_sets sets);
void cursor_init_v6(struct spec_cursor *c, const uint8_t addr[16], int bits, uint32_t scope_id);
/* Build the walk for a resolved name: the block is the first address of
 * family under the netmask; with resolve_all the other addresses of the
 * family follow one by one. Takes ownership of name and resolved. */
void cursor_init_name(struct spec_cursor *c, char *name, struct addr_list *resolved, size_t first,
                      int bits, bool resolve_all, int family);

/* Next address of the spec; false at its end. */
bool cursor_next(struct spec_cursor *c, struct net_addr *out);
/* Fill t for address a from this spec: the name and the unscanned
 * addresses when a is one the name resolved to. */
void cursor_describe(const struct spec_cursor *c, const struct net_addr *a, struct target *t);

#endif
