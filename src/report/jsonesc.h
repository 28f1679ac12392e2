// SPDX-License-Identifier: MIT
// JSON string literals for text that came from anywhere (DNS names, the
// command line, the network): the output is valid JSON whatever the bytes.
#ifndef CMAP_REPORT_JSONESC_H
#define CMAP_REPORT_JSONESC_H

#include <stdio.h>

/* Write s as a quoted JSON string (RFC 8259):
 *  - '"' and '\\' are backslash-escaped; \b \f \n \r \t use their short
 *    forms; every other C0 control byte, DEL and the C1 controls
 *    (U+0080-U+009F) are written as \u00XX, so a hostile name cannot drive
 *    a terminal showing the file;
 *  - U+2028 and U+2029 are written as \u2028 and \u2029 (JavaScript
 *    string literals do not allow them raw);
 *  - valid UTF-8 passes through unchanged;
 *  - every byte that does not begin a valid UTF-8 sequence (stray
 *    continuation bytes, overlong forms, surrogates, code points above
 *    U+10FFFF, truncated sequences, 0xC0/0xC1/0xF5-0xFF) becomes one
 *    U+FFFD REPLACEMENT CHARACTER, written as \ufffd. */
void json_put_string(FILE *fp, const char *s);

#endif
