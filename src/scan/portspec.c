// SPDX-License-Identifier: MIT
// The state machine follows nmap's getpts_aux step for step, because its
// quirks are user-visible: the same inputs must fail with the same
// "Error #48x" numbers ("1- 5" is #486, "22x" is #487, "0-5x" is #488), a
// trailing comma is accepted, and text after a "[..]" group resumes parsing
// ("[1-3]5" adds 5).
#include "scan/portspec.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "data/services.h"

/* nmap's servmask buffer is 128 bytes and it gives up at 127 characters. */
#define MAX_MASK 127
#define IP_BIT PORTSPEC_BIT(PROTO_IP)

struct parser {
    const struct portspec_opts *o;
    uint8_t *table;
    bool dup;
    char *err;
    size_t errlen;
    const char *example;
};

static int fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parser *ps, const char *fmt, ...)
{
    if (ps->err && ps->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ps->err, ps->errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int illegal(struct parser *ps, int code)
{
    return fail(ps,
                "Error #%d: Your port specifications are illegal.  Example of proper form: \"%s\"",
                code, ps->example);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static const char *skip_space(const char *p)
{
    while (is_space(*p))
        p++;
    return p;
}

bool portspec_wildmatch(const char *mask, const char *name)
{
    const char *star = NULL, *resume = NULL;
    while (*name) {
        if (*mask == '*') {
            star = mask++;
            resume = name;
        } else if (*mask && (*mask == '?' || lower(*mask) == lower(*name))) {
            mask++;
            name++;
        } else if (star) {
            mask = star + 1;
            name = ++resume;
        } else {
            return false;
        }
    }
    while (*mask == '*')
        mask++;
    return *mask == '\0';
}

static unsigned qualifier_bit(char c)
{
    switch (c) {
    case 'T':
        return PORTSPEC_BIT(PROTO_TCP);
    case 'U':
        return PORTSPEC_BIT(PROTO_UDP);
    case 'S':
        return PORTSPEC_BIT(PROTO_SCTP);
    case 'P':
        return IP_BIT;
    default:
        return 0;
    }
}

unsigned portspec_qualifiers(const char *spec)
{
    unsigned bits = 0;
    for (const char *p = spec; p && *p; p++)
        if (p[1] == ':') bits |= qualifier_bit(*p);
    return bits;
}

/* Mark every entry whose name matches; returns how many matched. */
static size_t add_service_mask(struct parser *ps, const char *mask, unsigned range)
{
    size_t n = 0, count = 0;
    const struct service_entry *e = services_entries(ps->o->db, &count);
    for (size_t i = 0; i < count; i++) {
        unsigned bit = PORTSPEC_BIT(e[i].proto);
        if ((range & bit) && portspec_wildmatch(mask, e[i].name)) {
            ps->table[e[i].port] |= (uint8_t)bit;
            n++;
        }
    }
    /* nmap 7.93 takes a protocol name as a match but selects nothing with
     * it: "-sO -p gre,1" scans protocol 1 only, "-sO -p gre" has "No ports
     * specified". */
    const char *const *ip = ps->o->ip_proto_names;
    for (unsigned p = 0; ip && (range & IP_BIT) && p < 256; p++)
        if (ip[p] && portspec_wildmatch(mask, ip[p])) n++;
    return n;
}

static int parse_mask(struct parser *ps, const char **pp, unsigned range)
{
    char mask[MAX_MASK + 1];
    size_t len = 0;
    const char *p = *pp;
    while (*p && !is_space(*p) && *p != ',' && *p != ']') {
        mask[len++] = *p++;
        if (len >= MAX_MASK)
            return fail(ps, "A service mask in the port/protocol specification is either "
                            "malformed or too long");
    }
    mask[len] = '\0';
    if (*p && *p != ']') p++; /* a ']' ends the group on the next pass */
    *pp = p;
    if (!ps->o->db && (range & PORTSPEC_ALL_PORT_PROTOS))
        return fail(ps, "Unable to look up the service mask '%s': nmap-services is not loaded",
                    mask);
    if (add_service_mask(ps, mask, range) == 0)
        return fail(ps, "Found no matches for the service mask '%s' and your specified protocols",
                    mask);
    return 0;
}

/* Digits at p, saturating well above any valid port. */
static long read_number(const char **pp)
{
    long v = 0;
    const char *p = *pp;
    while (is_digit(*p)) {
        if (v < 1000000) v = v * 10 + (*p - '0');
        p++;
    }
    *pp = p;
    return v;
}

static int check_limit(struct parser *ps, long v, unsigned range)
{
    if ((range & IP_BIT) && v > 255)
        return fail(ps, "Protocols specified must be between 0 and 255 inclusive");
    if (v > 65535) return fail(ps, "Ports specified must be between 0 and 65535 inclusive");
    return 0;
}

static bool ends_item(char c)
{
    return c == '\0' || c == ',' || c == ']';
}

static int parse_range_end(struct parser *ps, const char **pp, unsigned range, long start,
                           long *end)
{
    const char *p = *pp + 1; /* past the '-' */
    if (ends_item(*p)) {
        *end = (range & IP_BIT) ? 255 : 65535;
    } else if (is_digit(*p)) {
        *end = read_number(&p);
        if (check_limit(ps, *end, range) < 0) return -1;
    } else {
        return illegal(ps, 486);
    }
    *pp = p;
    if (*end < start)
        return fail(ps, "Your %s range %ld-%ld is backwards. Did you mean %ld-%ld?",
                    (range & IP_BIT) ? "protocol" : "port", start, *end, *end, start);
    return 0;
}

/* "N", "N-M", "-M", "N-", "-" starting at *pp. */
static int parse_range(struct parser *ps, const char **pp, unsigned range, long *start, long *end)
{
    const char *p = *pp;
    if (*p == '-') {
        *start = (range & IP_BIT) ? 0 : 1;
    } else {
        *start = read_number(&p);
        if (check_limit(ps, *start, range) < 0) return -1;
        p = skip_space(p);
    }
    if (ends_item(*p)) {
        *end = *start;
    } else if (*p == '-') {
        if (parse_range_end(ps, &p, range, *start, end) < 0) return -1;
    } else {
        return illegal(ps, 487);
    }
    *pp = p;
    return 0;
}

static bool listed(const struct parser *ps, long port, unsigned proto)
{
    if (proto == PROTO_IP)
        return ps->o->ip_proto_names && port < 256 && ps->o->ip_proto_names[port];
    return services_name(ps->o->db, (uint16_t)port, (enum proto_index)proto) != NULL;
}

/* Inside [..] only ports nmap-services names are taken. A port already
 * present for any of the range's protocols is a duplicate and, as in nmap,
 * is left alone. */
static void add_range(struct parser *ps, long start, long end, unsigned range, bool nested)
{
    for (long port = start; port <= end; port++) {
        if (ps->table[port] & range) {
            ps->dup = true;
        } else if (!nested) {
            ps->table[port] |= (uint8_t)range;
        } else {
            for (unsigned proto = 0; proto < PROTO_COUNT; proto++)
                if ((range & PORTSPEC_BIT(proto)) && listed(ps, port, proto))
                    ps->table[port] |= (uint8_t)PORTSPEC_BIT(proto);
        }
    }
}

static int parse_items(struct parser *ps, const char *p, bool nested, unsigned range);

/* "[...]": the inner list is parsed on its own (its qualifiers do not leak
 * out); the outer cursor then skips to the first ']' and one ','. */
static int parse_group(struct parser *ps, const char **pp, unsigned range)
{
    if (!ps->o->db && (range & PORTSPEC_ALL_PORT_PROTOS))
        return fail(ps, "Unable to use [] in a port specification: nmap-services is not loaded");
    const char *p = *pp + 1;
    if (parse_items(ps, p, true, range) < 0) return -1;
    while (*p && *p != ']')
        p++;
    if (*p == ']') p++;
    if (*p == ',') p++;
    *pp = p;
    return 0;
}

/* One number or range plus what may follow it. Returns 1 at a group's ']'. */
static int parse_numeric_item(struct parser *ps, const char **pp, bool nested, unsigned range)
{
    long start = 0, end = 0;
    const char *p = *pp;
    if (parse_range(ps, &p, range, &start, &end) < 0) return -1;
    add_range(ps, start, end, range, nested);
    p = skip_space(p);
    if (*p == ']') {
        if (!nested) return fail(ps, "Unexpected ] character in port/protocol specification");
        return 1;
    }
    if (*p && *p != ',') return illegal(ps, 488);
    if (*p == ',') p++;
    *pp = p;
    return 0;
}

static int parse_items(struct parser *ps, const char *p, bool nested, unsigned range)
{
    do {
        p = skip_space(p);
        if (ps->o->qualifiers && qualifier_bit(*p) && p[1] == ':') {
            range = qualifier_bit(*p);
            p += 2;
            continue;
        }
        int rc = 0;
        if (*p == '[') {
            if (nested) return fail(ps, "Can't nest [] brackets in port/protocol specification");
            rc = parse_group(ps, &p, range);
        } else if (*p == ']') {
            if (!nested) return fail(ps, "Unexpected ] character in port/protocol specification");
            return 0;
        } else if (*p == '-' || is_digit(*p)) {
            rc = parse_numeric_item(ps, &p, nested, range);
        } else if ((*p >= 'a' && *p <= 'z') || *p == '*' || *p == '?') {
            rc = parse_mask(ps, &p, range);
        } else {
            return illegal(ps, 485);
        }
        if (rc != 0) return rc < 0 ? -1 : 0;
    } while (*p);
    return 0;
}

int portspec_parse(const char *spec, const struct portspec_opts *opts, uint8_t *table,
                   bool *duplicates, char *err, size_t errlen)
{
    struct parser ps = {
        .o = opts,
        .table = table,
        .err = err,
        .errlen = errlen,
        .example = opts->qualifiers ? "-100,200-1024,T:3000-4000,U:60000-"
                                    : "-100,200-1024,3000-4000,60000-",
    };
    if (!spec) return illegal(&ps, 485);
    int rc = parse_items(&ps, spec, false, opts->protos);
    if (duplicates && ps.dup) *duplicates = true;
    return rc;
}
