// SPDX-License-Identifier: MIT
// Escaping for text that came from outside (DNS, the network, the command
// line) on its way into an output file or a terminal.
#ifndef CMAP_REPORT_ESCAPE_H
#define CMAP_REPORT_ESCAPE_H

#include <stdio.h>

/* XML attribute or comment text, as nmap's xml.cc escapes it: the five
 * markup characters as entities, a '-' that follows a '-' as "&#45;" (so a
 * comment never contains "--"), tab/newline/CR and every byte >= 0x7f as
 * "&#xHH;". C0 control bytes, which XML 1.0 forbids even as references,
 * become the text "\xHH" so the document stays well formed. */
void put_xml(FILE *fp, const char *s);

/* Terminal-safe text: printable ASCII and valid UTF-8 sequences (except C1
 * controls) pass, every other byte is written as "\xHH", so a hostile PTR
 * record cannot move the cursor or retitle the terminal. */
void put_safe(FILE *fp, const char *s);

/* put_safe() into a new string, for text that must be measured before it
 * is printed (aligned table columns). NULL when out of memory. */
char *safe_strdup(const char *s);

#endif
