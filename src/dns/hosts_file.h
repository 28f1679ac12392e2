// SPDX-License-Identifier: MIT
// Names for addresses from a hosts file (/etc/hosts), the first thing
// nmap 7.93 consults for a reverse lookup (measured: an address listed there
// is never queried and is not counted in "Parallel DNS resolution of N
// hosts"). For an address listed on several lines the first line wins, and
// of a line's names the first (the canonical name).
#ifndef CMAP_DNS_HOSTS_FILE_H
#define CMAP_DNS_HOSTS_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "core/addr.h"

struct hosts_entry {
    struct net_addr addr;
    char *name;
    size_t line; /* order in the file, so the first line wins after sorting */
};

struct hosts_file {
    struct hosts_entry *v; /* sorted by address, then line */
    size_t n;
};

/* Reads the lines of fp: '#' starts a comment, fields are separated by
 * blanks, the first is a numeric address, the next the name. Lines without
 * a name or with an address that does not parse are skipped. Returns 0, or
 * -1 if memory ran out (what was read stays usable). */
int hosts_file_read(FILE *fp, struct hosts_file *out);
/* The same for a path; an unreadable file gives an empty table. */
int hosts_file_load(const char *path, struct hosts_file *out);
/* The name for addr (the address family and bytes must match), or NULL. */
const char *hosts_file_lookup(const struct hosts_file *h, const struct net_addr *addr);
void hosts_file_free(struct hosts_file *h);

#endif
