// SPDX-License-Identifier: MIT
// Reading target specs from -iL and --excludefile files: specs separated by
// space, tab, CR, LF or NUL; '#' starts a comment to the end of the line and
// also ends a spec written right before it ("10.0.0.1#web").
#ifndef CMAP_TARGET_HOSTFILE_H
#define CMAP_TARGET_HOSTFILE_H

#include <stddef.h>
#include <stdio.h>

/* nmap reads specs into a 1024-byte buffer; longer ones are fatal. */
#define HOSTFILE_SPEC_MAX 1024

/* Read the next spec into buf (always NUL-terminated). Returns its length,
 * 0 at the end of the file, or a value >= n when the spec did not fit. A read
 * error counts as the end of the file, as with nmap's getc loop. */
size_t hostfile_next(FILE *fp, char *buf, size_t n);

#endif
