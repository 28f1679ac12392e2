// SPDX-License-Identifier: MIT
// Output file names: nmap's strftime-like expansion and its sanity checks.
#ifndef CMAP_CLI_OUTNAME_H
#define CMAP_CLI_OUTNAME_H

#include <stddef.h>
#include <time.h>

/* Expand %H %M %S %m %d %y %Y %T (HMS) %R (HM) %D (mdy) from `tm`; any other
 * "%x" becomes "x" and a trailing "%" is dropped, as nmap does. Returns a
 * malloc'd string, or NULL when out of memory. */
char *outname_expand(const char *pattern, const struct tm *tm);

/* nmap's checks of a file name given to -<option> (option is "oN", "oA",
 * "o", ...). Returns NULL when fine, else writes the fatal message to msg
 * and returns msg. */
const char *outname_check(const char *filename, const char *option, char *msg, size_t len);

#endif
