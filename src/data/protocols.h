// SPDX-License-Identifier: MIT
// nmap-protocols: "<name> <number> [# comment]" per line, '#' comments,
// number 0-255. The IP protocol scan (-sO) prints these names in its
// SERVICE column, and -p with -sO accepts them ("-p icmp,tcp").
#ifndef CMAP_DATA_PROTOCOLS_H
#define CMAP_DATA_PROTOCOLS_H

#include <stddef.h>
#include <stdint.h>

/* Longest protocol name accepted (the 7.93 file's longest has 15). */
#define PROTOCOLS_NAME_MAX 63

struct protocols_db; /* immutable once loaded */

/* Parse a file. On error NULL with "path:line: what" in err. */
struct protocols_db *protocols_load(const char *path, char *err, size_t errlen);
/* Parse from memory (tests, fuzzing); label names the source in errors. */
struct protocols_db *protocols_parse(const char *text, size_t len, const char *label, char *err,
                                     size_t errlen);
void protocols_free(struct protocols_db *db);
/* How many protocol numbers have a name. */
size_t protocols_count(const struct protocols_db *db);
/* The name of protocol number proto, or NULL when the file has none. */
const char *protocols_name(const struct protocols_db *db, uint8_t proto);
/* All 256 slots (NULL where unnamed), as the port specification parser
 * takes them (scan/portspec.h ip_proto_names). */
const char *const *protocols_names(const struct protocols_db *db);

#endif
