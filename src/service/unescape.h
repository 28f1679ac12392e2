// SPDX-License-Identifier: MIT
// nmap's C-style escapes (cstring_unescape in nbase), used by probe strings
// (q|...|) and by the string arguments of $SUBST(): \0 \a \b \f \n \r \t \v,
// \xHH with exactly two hex digits, and a backslash before any other
// punctuation or byte stands for that byte. A backslash before any other
// letter or digit is an error, as in nmap (so "\015" is NUL, '1', '5').
#ifndef CMAP_SERVICE_UNESCAPE_H
#define CMAP_SERVICE_UNESCAPE_H

#include <stddef.h>
#include <stdint.h>

/* Decodes src[0..len) into dst (room for len bytes: output never grows).
 * Returns the decoded length, or -1 on a bad escape (including a trailing
 * lone backslash, which nmap would read past). */
long vscan_unescape(const char *src, size_t len, uint8_t *dst);

#endif
