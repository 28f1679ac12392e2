// SPDX-License-Identifier: MIT
// A pure parser for one target specification ("10.0.0-3.1/24", "fd00::1/126",
// "scanme.example/28"). It never resolves names and never touches the system,
// so it can be fuzzed; deciding what a hostname or an IPv6 zone means is the
// iterator's job. The grammar is nmap 7.93's NetBlock::parse_expr.
#ifndef CMAP_TARGET_TARGETSPEC_H
#define CMAP_TARGET_TARGETSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum target_spec_kind {
    TSPEC_V4_RANGES, /* per-octet member sets, netmask already applied */
    TSPEC_V6_BLOCK,  /* an IPv6 literal with an optional zone and netmask */
    TSPEC_HOSTNAME,  /* anything else: to be resolved, then masked */
};

/* One bit per octet value 0..255, for each of the four octets. */
typedef uint8_t octet_sets[4][32];

struct target_spec {
    enum target_spec_kind kind;
    int bits;          /* netmask bits, -1 when none (or when ignored) */
    size_t host_len;   /* the spec without "/bits" is s[0..host_len) */
    octet_sets octets; /* TSPEC_V4_RANGES */
    uint8_t v6[16];    /* TSPEC_V6_BLOCK, network order */
    size_t zone_off;   /* TSPEC_V6_BLOCK: zone text starts at s[zone_off]; 0 if none */
    size_t zone_len;
};

enum { TSPEC_ERROR = -1, TSPEC_OK = 0, TSPEC_WARNING = 1 };

/* Parse s for the address family AF_INET or AF_INET6. Returns TSPEC_OK,
 * TSPEC_WARNING (parsed; err holds nmap's warning, e.g. an IPv4 netmask over
 * 32 taken as /32) or TSPEC_ERROR (err holds nmap's message; the spec is
 * skipped). */
int target_spec_parse(const char *s, int family, struct target_spec *out, char *err, size_t errlen);

/* nmap's parse_long: decimal digits only (no sign, no blanks). Returns 0 and
 * sets *end past the digits, or -1 when s does not start with a digit or the
 * value overflows a long. */
int target_parse_decimal(const char *s, long *out, const char **end);

/* The octet-range grammar alone ("*", "1-5,7", "-", "250-"), over s[0..len).
 * Returns 0 on success, filling sets (cleared first). */
int target_parse_v4_ranges(const char *s, size_t len, octet_sets sets);

/* Widen sets so every address sharing the first bits with a member is a
 * member (nmap's apply_ipv4_netmask). bits < 0 or >= 32 changes nothing. */
void target_v4_apply_mask(octet_sets sets, int bits);

static inline bool octet_set_has(const uint8_t set[32], unsigned v)
{
    return (set[v >> 3] >> (v & 7)) & 1;
}

static inline void octet_set_add(uint8_t set[32], unsigned v)
{
    set[v >> 3] |= (uint8_t)(1u << (v & 7));
}

bool target_v4_sets_contain(const octet_sets sets, uint32_t host_order);

/* Apply an IPv6 netmask: *start and *end become the first and last address
 * of addr/bits (bits < 0 or > 128: just addr). */
void target_v6_block(const uint8_t addr[16], int bits, uint8_t start[16], uint8_t end[16]);

#endif
