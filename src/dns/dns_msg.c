// SPDX-License-Identifier: MIT
// DNS query building and PTR response reading (see dns_msg.h). Names are
// compared in uncompressed wire form, label by label, so a label that
// itself contains a dot can never pass for two labels.
#include "dns/dns_msg.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* CNAME hops followed from the question to a PTR record. Resolvers cap
 * chains at a handful (BIND: 16); a reverse zone needs one (RFC 2317). */
#define DNS_CNAME_HOPS_MAX 16
/* Records examined in the answer section: a 512-byte message holds at most
 * about 45 (11 bytes each with compressed names), so this bounds the work a
 * large EDNS or TCP-sized reply could ask for. */
#define DNS_ANSWERS_MAX 256

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

int dns_ptr_name(const struct net_addr *addr, char *buf, size_t len)
{
    const uint8_t *b = addr->bytes;
    int n;
    if (addr->family == AF_INET) {
        n = snprintf(buf, len, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
    } else if (addr->family == AF_INET6) {
        static const char hex[] = "0123456789abcdef";
        char tmp[16 * 4 + sizeof "ip6.arpa"];
        size_t o = 0;
        for (int i = 15; i >= 0; i--) {
            tmp[o++] = hex[b[i] & 0xf];
            tmp[o++] = '.';
            tmp[o++] = hex[b[i] >> 4];
            tmp[o++] = '.';
        }
        memcpy(tmp + o, "ip6.arpa", sizeof "ip6.arpa");
        n = snprintf(buf, len, "%s", tmp);
    } else {
        return -1;
    }
    return n < 0 || (size_t)n >= len ? -1 : n;
}

/* "a.b.c" (a trailing dot allowed) into wire form. Returns its length or -1. */
static int name_to_wire(const char *name, uint8_t *out, size_t cap)
{
    size_t o = 0;
    const char *p = name;
    if (*p == '.' && p[1] == '\0') p++; /* the root */
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t label = dot ? (size_t)(dot - p) : strlen(p);
        if (label == 0 || label > 63 || o + 1 + label >= cap) return -1;
        out[o++] = (uint8_t)label;
        memcpy(out + o, p, label);
        o += label;
        p += label;
        if (*p == '.') p++;
    }
    if (o + 1 > cap || o + 1 > DNS_NAME_WIRE_MAX) return -1;
    out[o++] = 0;
    return (int)o;
}

int dns_build_query(uint16_t id, const char *name, uint16_t qtype, uint8_t *buf, size_t len)
{
    if (len < DNS_HEADER_LEN + 1 + 4) return -1;
    memset(buf, 0, DNS_HEADER_LEN);
    put16(buf, id);
    buf[2] = 0x01; /* RD: the server is a recursive resolver */
    put16(buf + 4, 1);
    int n = name_to_wire(name, buf + DNS_HEADER_LEN, len - DNS_HEADER_LEN - 4);
    if (n < 0) return -1;
    size_t o = DNS_HEADER_LEN + (size_t)n;
    put16(buf + o, qtype);
    put16(buf + o + 2, DNS_CLASS_IN);
    return (int)(o + 4);
}

int dns_read_name(const uint8_t *msg, size_t len, size_t *off, uint8_t wire[DNS_NAME_WIRE_MAX])
{
    size_t pos = *off, out = 0;
    size_t limit = pos; /* a pointer must point before this */
    size_t end_in_place = 0;
    bool jumped = false;
    for (;;) {
        if (pos >= len) return -1;
        uint8_t c = msg[pos];
        if ((c & 0xc0) == 0xc0) {
            if (pos + 1 >= len) return -1;
            size_t target = (size_t)(c & 0x3f) << 8 | msg[pos + 1];
            if (!jumped) end_in_place = pos + 2;
            if (target >= limit) return -1; /* forwards or to itself: a loop */
            jumped = true;
            limit = target;
            pos = target;
            continue;
        }
        if (c & 0xc0) return -1; /* 0x40 and 0x80: extended label types (RFC 6891) */
        if (out + 1 + c > DNS_NAME_WIRE_MAX) return -1;
        if (c == 0) {
            wire[out++] = 0;
            *off = jumped ? end_in_place : pos + 1;
            return (int)out;
        }
        if (pos + 1 + c > len) return -1;
        memcpy(wire + out, msg + pos, 1 + (size_t)c);
        out += 1 + (size_t)c;
        pos += 1 + (size_t)c;
    }
}

int dns_name_text(const uint8_t *wire, char text[DNS_NAME_TEXT_MAX])
{
    size_t o = 0, i = 0;
    while (wire[i] != 0) {
        uint8_t n = wire[i++];
        if (o > 0) text[o++] = '.';
        if (memchr(wire + i, '\0', n)) return -1;
        memcpy(text + o, wire + i, n);
        o += n;
        i += n;
    }
    text[o] = '\0';
    return (int)o;
}

static uint8_t ascii_lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Wire-form names are equal regardless of ASCII case (RFC 4343). Both are
 * well formed, and lengths are compared before labels, so neither is read
 * past its end. */
static bool wire_equal(const uint8_t *a, const uint8_t *b)
{
    size_t i = 0;
    for (;;) {
        if (a[i] != b[i]) return false;
        size_t n = a[i++];
        if (n == 0) return true;
        for (size_t k = 0; k < n; k++, i++)
            if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
}

/* One answer record, its rdata located in the message. */
struct rr {
    uint8_t owner[DNS_NAME_WIRE_MAX];
    uint16_t type, class;
    size_t rdata, rdlen;
};

static bool read_rr(const uint8_t *msg, size_t len, size_t *off, struct rr *rr)
{
    if (dns_read_name(msg, len, off, rr->owner) < 0) return false;
    if (len - *off < 10) return false;
    rr->type = get16(msg + *off);
    rr->class = get16(msg + *off + 2);
    rr->rdlen = get16(msg + *off + 8);
    rr->rdata = *off + 10;
    if (rr->rdlen > len - rr->rdata) return false;
    *off = rr->rdata + rr->rdlen;
    return true;
}

/* The name a CNAME or PTR record's rdata holds; it must fill the rdata exactly. */
static bool rdata_name(const uint8_t *msg, const struct rr *rr, uint8_t out[DNS_NAME_WIRE_MAX])
{
    size_t off = rr->rdata, end = rr->rdata + rr->rdlen;
    return dns_read_name(msg, end, &off, out) >= 0 && off == end;
}

/* Skip the question, checking it asks what we asked. */
static bool question_matches(const uint8_t *msg, size_t len, size_t *off, const uint8_t *qwire)
{
    uint8_t got[DNS_NAME_WIRE_MAX];
    if (dns_read_name(msg, len, off, got) < 0 || len - *off < 4) return false;
    bool same = wire_equal(got, qwire) && get16(msg + *off) == DNS_TYPE_PTR &&
                get16(msg + *off + 2) == DNS_CLASS_IN;
    *off += 4;
    return same;
}

/* Follow the answers from the question's name: a PTR record owned by the
 * current name ends the walk, a CNAME moves it on. */
static enum dns_ptr_outcome walk_answers(const uint8_t *msg, size_t len, size_t answers,
                                         unsigned count, const uint8_t *qwire,
                                         struct dns_ptr_reply *out)
{
    uint8_t current[DNS_NAME_WIRE_MAX], next[DNS_NAME_WIRE_MAX];
    memcpy(current, qwire, DNS_NAME_WIRE_MAX);
    bool followed = false;
    if (count > DNS_ANSWERS_MAX) count = DNS_ANSWERS_MAX;
    for (int hop = 0; hop <= DNS_CNAME_HOPS_MAX; hop++) {
        bool moved = false;
        size_t off = answers;
        struct rr rr;
        for (unsigned i = 0; i < count && read_rr(msg, len, &off, &rr); i++) {
            if (rr.class != DNS_CLASS_IN || !wire_equal(rr.owner, current)) continue;
            if (rr.type == DNS_TYPE_PTR && rdata_name(msg, &rr, next) &&
                dns_name_text(next, out->name) >= 0)
                return DNS_PTR_NAME;
            if (rr.type == DNS_TYPE_CNAME && !moved && rdata_name(msg, &rr, next)) {
                moved = true;
                memcpy(current, next, DNS_NAME_WIRE_MAX);
            }
        }
        if (!moved) break;
        followed = true;
    }
    return followed ? DNS_PTR_CNAME : DNS_PTR_IGNORED;
}

enum dns_ptr_outcome dns_parse_ptr_reply(const uint8_t *msg, size_t len, const char *qname,
                                         struct dns_ptr_reply *out)
{
    memset(out, 0, sizeof *out);
    uint8_t qwire[DNS_NAME_WIRE_MAX];
    if (name_to_wire(qname, qwire, sizeof qwire) < 0) return DNS_PTR_MALFORMED;
    if (len < DNS_HEADER_LEN) return DNS_PTR_MALFORMED;
    out->id = get16(msg);
    if (!(msg[2] & 0x80)) return DNS_PTR_MALFORMED; /* a query, not a response */
    out->truncated = (msg[2] & 0x02) != 0;
    out->rcode = msg[3] & 0x0f;
    if (get16(msg + 4) != 1) return DNS_PTR_MALFORMED;
    size_t off = DNS_HEADER_LEN;
    if (!question_matches(msg, len, &off, qwire)) return DNS_PTR_MALFORMED;
    switch (out->rcode) {
    case DNS_RCODE_NOERROR:
        return walk_answers(msg, len, off, get16(msg + 6), qwire, out);
    case DNS_RCODE_NXDOMAIN:
        return DNS_PTR_NXDOMAIN;
    case DNS_RCODE_SERVFAIL:
        return DNS_PTR_SERVFAIL;
    default:
        return DNS_PTR_IGNORED;
    }
}
