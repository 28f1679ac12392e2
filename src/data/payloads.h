// SPDX-License-Identifier: MIT
// nmap-payloads: the UDP payloads -sU sends to well-known ports, so a
// service that ignores an empty datagram still answers. Each entry is
// "udp PORTS" then one or more C-escaped quoted strings (concatenated,
// across lines), then optional keywords, each with the rest of its line
// ("source N": a wanted source port, which nmap does not honour either).
// Several entries may name one port: all of them are sent.
#ifndef CMAP_DATA_PAYLOADS_H
#define CMAP_DATA_PAYLOADS_H

#include <stddef.h>
#include <stdint.h>

/* Largest payload accepted: it must fit one probe after an IPv6 and a UDP
 * header in a 1500-byte frame. */
#define PAYLOAD_MAX 1400
/* nmap's documented limit of payloads for one port. */
#define PAYLOADS_PER_PORT_MAX 255

struct payload_db;

/* Parse the text of an nmap-payloads file (len bytes, need not end in a
 * NUL). NULL with "label:line: what" in err on malformed input or when out
 * of memory. */
struct payload_db *payloads_parse(const char *text, size_t len, const char *label, char *err,
                                  size_t errlen);
/* Read and parse a file; NULL with err ("path: why" or "path:line: what"). */
struct payload_db *payloads_load(const char *path, char *err, size_t errlen);
void payloads_free(struct payload_db *db);

/* How many payloads the file has for port (0 when none: an empty datagram
 * is sent). */
unsigned payloads_count(const struct payload_db *db, uint16_t port);
/* The i-th payload for port in file order (i < payloads_count), or NULL. */
const uint8_t *payloads_get(const struct payload_db *db, uint16_t port, unsigned i, size_t *len);
/* Entries in the file. */
size_t payloads_entries(const struct payload_db *db);

#endif
