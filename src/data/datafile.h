// SPDX-License-Identifier: MIT
// Where data files come from: nmap's search order (--datadir, $NMAPDIR,
// ~/.nmap, the binary's directory, ../share/cmap and ../share/nmap beside it,
// the compiled-in directory, then /usr/share/nmap).
#ifndef CMAP_DATA_DATAFILE_H
#define CMAP_DATA_DATAFILE_H

#include <stddef.h>

struct datafile_ctx {
    const char *datadir;  /* --datadir, or NULL */
    const char *exe_path; /* resolved path of the running binary, or NULL */
    int debugging;        /* -dd prints "Fetchfile found <path>" */
};

/* Find `name`. Returns 0 and the path in out, or -1 and, in out, a message
 * naming every place searched. */
int datafile_find(const struct datafile_ctx *ctx, const char *name, char *out, size_t outlen);

/* The same search, where a directory also matches (NSE's "scripts/",
 * "nselib/"): 1 for a file, 2 for a directory, -1 as datafile_find. */
int datafile_find_entry(const struct datafile_ctx *ctx, const char *name, char *out,
                        size_t outlen);

/* The directory a file was found in (for "Read data files from:" with -v). */
const char *datafile_last_dir(void);

#endif
