// SPDX-License-Identifier: MIT
// nmap's <time> arguments: a non-negative number with an optional,
// case-insensitive unit ("ms", "s", "m", "h"); no unit means seconds.
#ifndef CMAP_CLI_TIMEVAL_H
#define CMAP_CLI_TIMEVAL_H

#include <stdbool.h>

/* Parse `s` into seconds. Returns false when malformed (empty, unknown unit,
 * not a finite number). *has_unit tells whether a unit followed the number,
 * which decides nmap's "Since April 2010 ..." warnings. */
bool tval_parse(const char *s, double *seconds, bool *has_unit);

/* nmap's whole-millisecond view of a time value (truncated toward zero), or
 * -1 when malformed; option checks such as "at least 5ms" use this. */
long tval_msecs(const char *s);

#endif
