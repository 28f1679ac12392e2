// SPDX-License-Identifier: MIT
// A tokenizer over the whole text (words, quoted strings, comments, with
// line numbers), then the grammar "udp PORTS STRING+ [KEYWORD rest-of-line]*".
// Every read is bounded by the text's length; every error names its line.
#include "data/slurp.h"
#include "data/payloads.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Read at most this much of a file: the real one is 20 KB. */
#define PAYLOADS_FILE_MAX (8u << 20)

struct port_range {
    uint16_t lo, hi;
};

struct payload_entry {
    struct port_range *ranges;
    size_t n_ranges;
    uint8_t *data;
    size_t len;
};

struct payload_db {
    struct payload_entry *v;
    size_t n, cap;
    /* Per port: how many entries name it (0..PAYLOADS_PER_PORT_MAX). */
    uint8_t count[65536];
    uint8_t seen[65536 / 8]; /* parsing scratch: ports of the current entry */
};

struct lexer {
    const char *s;
    size_t len, pos;
    unsigned long line;
    const char *label;
    char *err;
    size_t errlen;
};

static bool fail(struct lexer *lx, const char *what)
{
    snprintf(lx->err, lx->errlen, "%s:%lu: %s", lx->label, lx->line, what);
    return false;
}

/* Skips blanks, newlines and comments. */
static void skip_space(struct lexer *lx)
{
    while (lx->pos < lx->len) {
        char c = lx->s[lx->pos];
        if (c == '\n') {
            lx->line++;
            lx->pos++;
        } else if (c == '#') {
            while (lx->pos < lx->len && lx->s[lx->pos] != '\n')
                lx->pos++;
        } else if (isspace((unsigned char)c)) {
            lx->pos++;
        } else {
            return;
        }
    }
}

static bool at_end(struct lexer *lx)
{
    skip_space(lx);
    return lx->pos >= lx->len;
}

/* A word: up to a blank, a quote or a comment. */
static size_t word(struct lexer *lx, const char **w)
{
    skip_space(lx);
    size_t start = lx->pos;
    while (lx->pos < lx->len) {
        char c = lx->s[lx->pos];
        if (isspace((unsigned char)c) || c == '"' || c == '#' || c == '\0') break;
        lx->pos++;
    }
    *w = lx->s + start;
    return lx->pos - start;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

struct bytes {
    uint8_t *v;
    size_t n, cap;
};

static bool put_byte(struct lexer *lx, struct bytes *b, uint8_t c)
{
    if (b->n >= PAYLOAD_MAX) return fail(lx, "payload longer than 1400 bytes");
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        uint8_t *nv = realloc(b->v, cap);
        if (!nv) return fail(lx, "out of memory");
        b->v = nv;
        b->cap = cap;
    }
    b->v[b->n++] = c;
    return true;
}

/* The escape after a backslash at lx->pos; appends its byte. */
static bool escape(struct lexer *lx, struct bytes *b)
{
    if (lx->pos >= lx->len) return fail(lx, "unterminated string");
    char c = lx->s[lx->pos++];
    static const char simple[] = "\\\\\"\"''??a\ab\bf\fn\nr\rt\tv\v";
    for (size_t i = 0; i + 1 < sizeof simple; i += 2)
        if (c == simple[i]) return put_byte(lx, b, (uint8_t)simple[i + 1]);
    if (c == 'x') {
        int v = 0, digits = 0, h;
        while (digits < 2 && lx->pos < lx->len && (h = hexval(lx->s[lx->pos])) >= 0) {
            v = v * 16 + h;
            digits++;
            lx->pos++;
        }
        if (!digits) return fail(lx, "\\x without hex digits");
        return put_byte(lx, b, (uint8_t)v);
    }
    if (c >= '0' && c <= '7') {
        int v = c - '0', digits = 1;
        while (digits < 3 && lx->pos < lx->len && lx->s[lx->pos] >= '0' && lx->s[lx->pos] <= '7') {
            v = v * 8 + lx->s[lx->pos++] - '0';
            digits++;
        }
        if (v > 255) return fail(lx, "octal escape above \\377");
        return put_byte(lx, b, (uint8_t)v);
    }
    return fail(lx, "unknown escape in string");
}

/* A quoted string at lx->pos (the quote), appended to b. */
static bool string(struct lexer *lx, struct bytes *b)
{
    lx->pos++;
    while (lx->pos < lx->len) {
        char c = lx->s[lx->pos++];
        if (c == '"') return true;
        if (c == '\n') return fail(lx, "unterminated string");
        if (c == '\\') {
            if (!escape(lx, b)) return false;
        } else if (!put_byte(lx, b, (uint8_t)c)) {
            return false;
        }
    }
    return fail(lx, "unterminated string");
}

static bool parse_port(struct lexer *lx, const char **p, const char *end, uint16_t *out)
{
    if (*p >= end || !isdigit((unsigned char)**p)) return fail(lx, "bad port list");
    unsigned long v = 0;
    while (*p < end && isdigit((unsigned char)**p)) {
        v = v * 10 + (unsigned long)(**p - '0');
        if (v > 65535) return fail(lx, "port number above 65535");
        (*p)++;
    }
    *out = (uint16_t)v;
    return true;
}

static bool parse_ports(struct lexer *lx, struct payload_entry *e)
{
    const char *w;
    size_t n = word(lx, &w);
    if (n == 0) return fail(lx, "expected a port list after \"udp\"");
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += w[i] == ',';
    e->ranges = calloc(cap, sizeof *e->ranges);
    if (!e->ranges) return fail(lx, "out of memory");
    const char *p = w, *end = w + n;
    for (;;) {
        struct port_range r;
        if (!parse_port(lx, &p, end, &r.lo)) return false;
        r.hi = r.lo;
        if (p < end && *p == '-') {
            p++;
            if (!parse_port(lx, &p, end, &r.hi)) return false;
            if (r.hi < r.lo) return fail(lx, "port range is backwards");
        }
        e->ranges[e->n_ranges++] = r;
        if (p == end) return true;
        if (*p != ',') return fail(lx, "bad port list");
        p++;
    }
}

/* Keywords after the payload: their line is skipped. */
static void skip_keyword_line(struct lexer *lx)
{
    while (lx->pos < lx->len && lx->s[lx->pos] != '\n')
        lx->pos++;
}

/* Each port of the entry counts once, however often its list names it
 * ("53,53", overlapping ranges), so payloads_get finds count payloads.
 * Checked before any count changes: a refused entry leaves none. */
static bool count_ports(struct lexer *lx, struct payload_db *db, const struct payload_entry *e,
                        unsigned long line)
{
    uint8_t *seen = db->seen;
    bool ok = true;
    for (size_t i = 0; i < e->n_ranges; i++)
        for (uint32_t p = e->ranges[i].lo; p <= e->ranges[i].hi; p++)
            if (db->count[p] >= PAYLOADS_PER_PORT_MAX) ok = false;
    for (size_t i = 0; ok && i < e->n_ranges; i++)
        for (uint32_t p = e->ranges[i].lo; p <= e->ranges[i].hi; p++)
            if (!(seen[p >> 3] & (1u << (p & 7)))) {
                seen[p >> 3] |= (uint8_t)(1u << (p & 7));
                db->count[p]++;
            }
    for (size_t i = 0; i < e->n_ranges; i++) /* clear for the next entry */
        for (uint32_t p = e->ranges[i].lo; p <= e->ranges[i].hi; p++)
            seen[p >> 3] = 0;
    if (!ok) {
        lx->line = line;
        return fail(lx, "more than 255 payloads for one port");
    }
    return true;
}

static bool add_entry(struct lexer *lx, struct payload_db *db, struct payload_entry *e,
                      unsigned long line)
{
    if (db->n == db->cap) {
        size_t cap = db->cap ? db->cap * 2 : 64;
        struct payload_entry *nv = realloc(db->v, cap * sizeof *nv);
        if (!nv) return fail(lx, "out of memory");
        db->v = nv;
        db->cap = cap;
    }
    if (!count_ports(lx, db, e, line)) return false;
    db->v[db->n++] = *e;
    return true;
}

static bool parse_entry(struct lexer *lx, struct payload_db *db)
{
    const char *w;
    size_t n = word(lx, &w);
    unsigned long line = lx->line;
    if (n != 3 || strncmp(w, "udp", 3) != 0)
        return fail(lx, n ? "expected \"udp\" (the only protocol)" : "unexpected character");
    struct payload_entry e = {0};
    struct bytes b = {0};
    bool ok = parse_ports(lx, &e);
    size_t strings = 0;
    while (ok && !at_end(lx) && lx->s[lx->pos] == '"') {
        ok = string(lx, &b);
        strings++;
    }
    if (ok && strings == 0) ok = fail(lx, "expected a quoted payload");
    /* Keywords ("source 500"): anything on their line is theirs. */
    while (ok && !at_end(lx)) {
        size_t save = lx->pos;
        n = word(lx, &w);
        if (n == 3 && strncmp(w, "udp", 3) == 0) {
            lx->pos = save;
            break;
        }
        if (n == 0) {
            ok = fail(lx, "quoted string outside an entry's payload");
            break;
        }
        skip_keyword_line(lx);
    }
    if (ok && !b.v && !(b.v = malloc(1))) ok = fail(lx, "out of memory"); /* "" is a payload */
    e.data = b.v;
    e.len = b.n;
    if (ok) ok = add_entry(lx, db, &e, line);
    if (!ok) {
        free(e.ranges);
        free(b.v);
    }
    return ok;
}

struct payload_db *payloads_parse(const char *text, size_t len, const char *label, char *err,
                                  size_t errlen)
{
    struct payload_db *db = calloc(1, sizeof *db);
    struct lexer lx = {
        .s = text, .len = len, .line = 1, .label = label, .err = err, .errlen = errlen};
    if (!db) {
        fail(&lx, "out of memory");
        return NULL;
    }
    while (!at_end(&lx))
        if (!parse_entry(&lx, db)) {
            payloads_free(db);
            return NULL;
        }
    return db;
}

struct payload_db *payloads_load(const char *path, char *err, size_t errlen)
{
    size_t size = 0;
    char *text = slurp_file(path, PAYLOADS_FILE_MAX, &size, err, errlen);
    if (!text) return NULL;
    struct payload_db *db = payloads_parse(text, size, path, err, errlen);
    free(text);
    return db;
}

void payloads_free(struct payload_db *db)
{
    if (!db) return;
    for (size_t i = 0; i < db->n; i++) {
        free(db->v[i].ranges);
        free(db->v[i].data);
    }
    free(db->v);
    free(db);
}

unsigned payloads_count(const struct payload_db *db, uint16_t port)
{
    return db ? db->count[port] : 0;
}

static bool entry_has(const struct payload_entry *e, uint16_t port)
{
    for (size_t i = 0; i < e->n_ranges; i++)
        if (port >= e->ranges[i].lo && port <= e->ranges[i].hi) return true;
    return false;
}

const uint8_t *payloads_get(const struct payload_db *db, uint16_t port, unsigned i, size_t *len)
{
    if (!db || i >= db->count[port]) return NULL;
    for (size_t k = 0; k < db->n; k++) {
        if (!entry_has(&db->v[k], port)) continue;
        if (i-- == 0) {
            *len = db->v[k].len;
            return db->v[k].data;
        }
    }
    return NULL;
}

size_t payloads_entries(const struct payload_db *db)
{
    return db ? db->n : 0;
}
