// SPDX-License-Identifier: MIT
#include "target/targetspec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int target_parse_decimal(const char *s, long *out, const char **end)
{
    if (*s < '0' || *s > '9') return -1;
    long v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        int d = *p - '0';
        if (v > (LONG_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    *end = p;
    return 0;
}

/* One octet bound inside s[..lim): digits only, at most 255. */
static int parse_octet_bound(const char **p, const char *lim, long *v)
{
    const char *q = *p;
    long acc = 0;
    if (q >= lim || *q < '0' || *q > '9') return 0; /* absent */
    for (; q < lim && *q >= '0' && *q <= '9'; q++) {
        acc = acc * 10 + (*q - '0');
        if (acc > 255) return -1;
    }
    *v = acc;
    *p = q;
    return 1;
}

/* "a", "a-b", "-b", "a-", "-" : one element of an octet's comma list. */
static int parse_octet_element(const char **p, const char *lim, uint8_t set[32])
{
    long start = 0, end;
    int got = parse_octet_bound(p, lim, &start);
    if (got < 0 || (got == 0 && (*p >= lim || **p != '-'))) return -1;
    end = start;
    if (*p < lim && **p == '-') {
        (*p)++;
        end = 255;
        if (parse_octet_bound(p, lim, &end) < 0 || end < start) return -1;
    }
    for (long v = start; v <= end; v++)
        octet_set_add(set, (unsigned)v);
    return 0;
}

static int parse_octet(const char **p, const char *lim, uint8_t set[32])
{
    if (*p < lim && **p == '*') {
        memset(set, 0xff, 32);
        (*p)++;
        return 0;
    }
    for (;;) {
        if (parse_octet_element(p, lim, set) < 0) return -1;
        if (*p >= lim || **p != ',') return 0;
        (*p)++;
    }
}

int target_parse_v4_ranges(const char *s, size_t len, octet_sets sets)
{
    const char *p = s, *lim = s + len;
    memset(sets, 0, sizeof(octet_sets));
    for (int i = 0; i < 4; i++) {
        if (p >= lim || parse_octet(&p, lim, sets[i]) < 0) return -1;
        if (i < 3) {
            if (p >= lim || *p != '.') return -1;
            p++;
        }
    }
    return p == lim ? 0 : -1;
}

/* Members of one octet under an 8-bit mask: v is in iff some member shares
 * v's masked bits. */
static void apply_octet_mask(uint8_t set[32], unsigned mask)
{
    uint8_t prefixes[32] = {0};
    for (unsigned v = 0; v < 256; v++)
        if (octet_set_has(set, v)) octet_set_add(prefixes, v & mask);
    for (unsigned v = 0; v < 256; v++)
        if (octet_set_has(prefixes, v & mask)) octet_set_add(set, v);
}

void target_v4_apply_mask(octet_sets sets, int bits)
{
    if (bits < 0 || bits >= 32) return;
    uint32_t mask = bits == 0 ? 0 : 0xFFFFFFFFu << (32 - bits);
    for (int i = 0; i < 4; i++)
        apply_octet_mask(sets[i], (mask >> (24 - 8 * i)) & 0xFF);
}

bool target_v4_sets_contain(const octet_sets sets, uint32_t a)
{
    return octet_set_has(sets[0], a >> 24) && octet_set_has(sets[1], (a >> 16) & 0xFF) &&
           octet_set_has(sets[2], (a >> 8) & 0xFF) && octet_set_has(sets[3], a & 0xFF);
}

void target_v6_block(const uint8_t addr[16], int bits, uint8_t start[16], uint8_t end[16])
{
    if (bits < 0 || bits > 128) bits = 128;
    for (int i = 0; i < 16; i++) {
        int keep = bits - 8 * i;
        uint8_t m = keep >= 8 ? 0xFF : keep <= 0 ? 0 : (uint8_t)(0xFF << (8 - keep));
        start[i] = addr[i] & m;
        end[i] = addr[i] | (uint8_t)~m;
    }
}

/* Split "host/bits" at the last slash, as nmap does. */
static int split_netmask(const char *s, struct target_spec *out, char *err, size_t errlen)
{
    const char *slash = strrchr(s, '/');
    out->bits = -1;
    out->host_len = strlen(s);
    if (!slash) return 0;
    long v;
    const char *end;
    if (target_parse_decimal(slash + 1, &v, &end) < 0 || *end != '\0' || v > INT_MAX) {
        snprintf(err, errlen, "Unable to split netmask from target expression: \"%s\"", s);
        return -1;
    }
    out->bits = (int)v;
    out->host_len = (size_t)(slash - s);
    return 0;
}

/* IPv6 literal with optional "%zone"; the zone is checked by the iterator. */
static bool parse_v6_literal(const char *s, struct target_spec *out)
{
    char tmp[64];
    const char *pct = memchr(s, '%', out->host_len);
    size_t addr_len = pct ? (size_t)(pct - s) : out->host_len;
    if (addr_len >= sizeof tmp) return false;
    if (pct && (size_t)(pct - s) + 1 == out->host_len) return false; /* empty zone */
    memcpy(tmp, s, addr_len);
    tmp[addr_len] = '\0';
    if (inet_pton(AF_INET6, tmp, out->v6) != 1) return false;
    out->zone_off = pct ? (size_t)(pct - s) + 1 : 0;
    out->zone_len = pct ? out->host_len - out->zone_off : 0;
    return true;
}

int target_spec_parse(const char *s, int family, struct target_spec *out, char *err, size_t errlen)
{
    int rc = TSPEC_OK;
    memset(out, 0, sizeof *out);
    if (errlen) err[0] = '\0';
    if (split_netmask(s, out, err, errlen) < 0) return TSPEC_ERROR;
    if (family == AF_INET && out->bits > 32) {
        snprintf(err, errlen, "Illegal netmask in \"%s\". Assuming /32 (one host)", s);
        out->bits = -1;
        rc = TSPEC_WARNING;
    }
    if (family == AF_INET && target_parse_v4_ranges(s, out->host_len, out->octets) == 0) {
        out->kind = TSPEC_V4_RANGES;
        target_v4_apply_mask(out->octets, out->bits);
    } else if (parse_v6_literal(s, out)) {
        out->kind = TSPEC_V6_BLOCK;
    } else {
        out->kind = TSPEC_HOSTNAME;
    }
    return rc;
}
