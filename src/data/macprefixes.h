// SPDX-License-Identifier: MIT
// nmap-mac-prefixes: "<hex prefix> <vendor>" per line, '#' comments. nmap
// 7.93's file has 24-bit OUIs only; later files add longer prefixes (MA-M,
// MA-S), so prefixes of 6 to 12 hex digits are accepted and the longest
// match wins. Loaded only when a MAC address is about to be printed.
#ifndef CMAP_DATA_MACPREFIXES_H
#define CMAP_DATA_MACPREFIXES_H

#include <stddef.h>
#include <stdint.h>

struct mac_prefixes; /* immutable once loaded */

/* Parse a file. On error NULL with "path:line: what" in err. */
struct mac_prefixes *macprefixes_load(const char *path, char *err, size_t errlen);
/* Parse from memory (tests, fuzzing); label names the source in errors. */
struct mac_prefixes *macprefixes_parse(const char *text, size_t len, const char *label, char *err,
                                       size_t errlen);
void macprefixes_free(struct mac_prefixes *db);
size_t macprefixes_count(const struct mac_prefixes *db);

/* The vendor of the longest prefix matching mac, or NULL when none does. */
const char *macprefixes_vendor(const struct mac_prefixes *db, const uint8_t mac[6]);

#endif
