// SPDX-License-Identifier: MIT
// DNS messages for reverse lookups (RFC 1035 section 4): the PTR query name
// of an address, a query, and what a response says about that query. Pure
// functions over byte buffers with explicit lengths; every byte of a
// response comes from the network, so every read is bounds-checked and
// compression pointers may only point backwards.
#ifndef CMAP_DNS_DNS_MSG_H
#define CMAP_DNS_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

#define DNS_HEADER_LEN 12
/* RFC 1035 2.3.4: a name is at most 255 bytes on the wire, so its dotted
 * text (no trailing dot) is at most 253 characters. */
#define DNS_NAME_WIRE_MAX 255
#define DNS_NAME_TEXT_MAX 254 /* with the NUL */
/* A query for one name fits comfortably in this (12 + 255 + 4). */
#define DNS_QUERY_MAX 272
/* RFC 1035 2.3.4: UDP messages are at most 512 bytes without EDNS. */
#define DNS_UDP_MAX 512

enum { DNS_TYPE_A = 1, DNS_TYPE_CNAME = 5, DNS_TYPE_PTR = 12, DNS_TYPE_AAAA = 28 };
enum { DNS_CLASS_IN = 1 };
enum {
    DNS_RCODE_NOERROR = 0,
    DNS_RCODE_FORMERR = 1,
    DNS_RCODE_SERVFAIL = 2,
    DNS_RCODE_NXDOMAIN = 3,
    DNS_RCODE_NOTIMP = 4,
    DNS_RCODE_REFUSED = 5,
};

/* "4.3.2.1.in-addr.arpa" or the 32 nibbles of an IPv6 address then
 * "ip6.arpa" (RFC 3596 2.5). Returns the length, or -1 if buf is too small
 * or the family unknown. */
int dns_ptr_name(const struct net_addr *addr, char *buf, size_t len);

/* A standard query with recursion desired and one question. Returns the
 * message length, or -1 if a label is empty or longer than 63 bytes, the
 * name too long, or buf too small. */
int dns_build_query(uint16_t id, const char *name, uint16_t qtype, uint8_t *buf, size_t len);

/* What a response means for a PTR question, following nmap 7.93 (measured
 * against it): */
enum dns_ptr_outcome {
    DNS_PTR_MALFORMED = 0, /* not a response to our question: drop it */
    DNS_PTR_NAME,          /* a PTR record for the question (through CNAMEs) */
    DNS_PTR_NXDOMAIN,      /* final: the address has no name */
    DNS_PTR_SERVFAIL,      /* counts as a failed try with that server */
    DNS_PTR_CNAME,         /* CNAMEs only, no PTR at their end: nmap hands
                              such a name to the system resolver */
    DNS_PTR_IGNORED,       /* NOERROR without an answer, REFUSED and other
                              codes: nmap ignores these and waits */
};

struct dns_ptr_reply {
    uint16_t id;
    bool truncated; /* TC bit; nmap uses a truncated answer's records as they are */
    uint8_t rcode;
    char name[DNS_NAME_TEXT_MAX]; /* DNS_PTR_NAME: dotted, no trailing dot */
};

/* Interpret msg[0..len) as the answer to a PTR query for qname (compared
 * without regard to ASCII case). Records are read until the first one that
 * does not parse; a name containing a NUL byte is not taken. */
enum dns_ptr_outcome dns_parse_ptr_reply(const uint8_t *msg, size_t len, const char *qname,
                                         struct dns_ptr_reply *out);

/* The name at msg[*off] in uncompressed wire form (length-prefixed labels
 * ending with the root's zero byte), following compression pointers, each
 * of which must point before the one that led to it, so reading ends. On
 * success *off moves past the name as it sits in place. Returns the wire
 * length (at most DNS_NAME_WIRE_MAX) or -1. */
int dns_read_name(const uint8_t *msg, size_t len, size_t *off, uint8_t wire[DNS_NAME_WIRE_MAX]);

/* Dotted text of a wire-form name, no trailing dot ("" for the root).
 * Label bytes are copied as they are (the writers escape what they must).
 * Returns the text length, or -1 if a label holds a NUL byte. */
int dns_name_text(const uint8_t *wire, char text[DNS_NAME_TEXT_MAX]);

#endif
