// SPDX-License-Identifier: MIT
// Template substitution, kept byte-for-byte compatible with nmap 7.93 where
// its results are defined, and bounded where nmap's are not (an empty
// $SUBST search string, which loops forever in nmap, is an error here).
#include "service/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/unescape.h"

/* nmap's SUBSTARGS_MAX_ARGS and SUBSTARGS_STRLEN. */
#define MAX_ARGS 5
#define ARG_STRLEN 128
/* nmap copies the command name into a 16-byte buffer. */
#define MAX_COMMAND_LEN 15

enum arg_type { ARG_INT, ARG_STRING };

struct subst_args {
    int count;
    enum arg_type type[MAX_ARGS];
    long ival[MAX_ARGS];
    uint8_t sval[MAX_ARGS][ARG_STRLEN];
    size_t slen[MAX_ARGS];
};

/* The result being built: at most cap characters (outsize - 1). */
struct out_buf {
    char *buf;
    size_t len, cap;
    int overflow;
    int cpe; /* transform substituted bytes for a CPE URL */
    int cut; /* the current substitution met a NUL: nmap strlen()s it */
};

static int is_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static void put_char(struct out_buf *o, char c)
{
    if (o->len >= o->cap) {
        o->overflow = 1;
        return;
    }
    o->buf[o->len++] = c;
}

/* CPE 2.2 section 5.4 lists these for escaping, as nmap's transform_cpe. */
static void put_cpe_byte(struct out_buf *o, unsigned char c)
{
    static const char special[] = ":/?#[]@!$&'()*+,;=%<>\"";
    if (strchr(special, c)) {
        char hex[4];
        snprintf(hex, sizeof hex, "%%%02X", c);
        for (int i = 0; i < 3; i++)
            put_char(o, hex[i]);
    } else if (c == ' ') {
        put_char(o, '_');
    } else {
        put_char(o, (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
}

/* One byte of a substitution's value. */
static void put_subst(struct out_buf *o, unsigned char c)
{
    if (o->cut) return;
    if (c == '\0') {
        o->cut = 1;
        return;
    }
    if (o->cpe)
        put_cpe_byte(o, c);
    else
        put_char(o, (char)c);
}

/* A "quoted string" argument starting at p (on the quote); returns the
 * character after the closing quote, or NULL. */
static const char *parse_string_arg(const char *p, struct subst_args *a)
{
    char raw[ARG_STRLEN];
    size_t n = 0;
    for (p++; *p && *p != '"'; p++) {
        size_t take = *p == '\\' && p[1] ? 2 : 1;
        if (n + take > ARG_STRLEN - 1) return NULL;
        if (take == 2) raw[n++] = *p++;
        raw[n++] = *p;
    }
    if (*p != '"') return NULL;
    long len = vscan_unescape(raw, n, a->sval[a->count]);
    if (len < 0) return NULL;
    a->slen[a->count] = (size_t)len;
    a->type[a->count] = ARG_STRING;
    return p + 1;
}

/* Arguments from just after '(' as nmap's getsubstcommandargs reads them:
 * integers in C notation (strtol base 0) and quoted strings, separated by
 * commas; text between an argument and the next ',' or ')' is skipped.
 * Returns the text after ')' (or the template's end), or NULL. */
static const char *parse_args(const char *p, struct subst_args *a)
{
    memset(a, 0, sizeof *a);
    while (*p && *p != ')') {
        while (is_space((unsigned char)*p))
            p++;
        if (*p == ')') break;
        if (a->count == MAX_ARGS) return NULL;
        if (*p == '"') {
            p = parse_string_arg(p, a);
            if (!p) return NULL;
        } else {
            char *end;
            a->ival[a->count] = strtol(p, &end, 0);
            if (end == p) return NULL;
            a->type[a->count] = ARG_INT;
            p = end;
        }
        a->count++;
        p = strpbrk(p, ",)");
        if (!p) return NULL;
        if (*p == ',') p++;
    }
    return *p == ')' ? p + 1 : p;
}

/* Capture n's bounds; -1 when n is out of range or not captured at all
 * (groups above the last one set), as nmap. A group that did not take part
 * below the last set one counts as empty. */
static int capture(const struct vscan_captures *c, long n, size_t *start, size_t *end)
{
    if (n <= 0 || n > 9 || (unsigned long)n >= c->count) return -1;
    size_t s = c->ovector[2 * n], e = c->ovector[2 * n + 1];
    if (s == VSCAN_UNSET || e == VSCAN_UNSET) {
        *start = *end = 0;
        return 0;
    }
    if (s > e || e > c->subject_len) return -1;
    *start = s;
    *end = e;
    return 0;
}

static int do_printable(const struct subst_args *a, const struct vscan_captures *c,
                        struct out_buf *o)
{
    size_t s, e;
    if (a->count != 1 || a->type[0] != ARG_INT || capture(c, a->ival[0], &s, &e)) return -1;
    for (size_t i = s; i < e; i++)
        if (c->subject[i] >= 0x20 && c->subject[i] <= 0x7e) put_subst(o, c->subject[i]);
    return 0;
}

static int do_subst(const struct subst_args *a, const struct vscan_captures *c, struct out_buf *o)
{
    size_t s, e;
    if (a->count != 3 || a->type[0] != ARG_INT || a->type[1] != ARG_STRING ||
        a->type[2] != ARG_STRING || capture(c, a->ival[0], &s, &e))
        return -1;
    const uint8_t *find = a->sval[1], *repl = a->sval[2];
    size_t flen = a->slen[1], rlen = a->slen[2];
    if (flen == 0) return -1;
    /* nmap compares past the capture's end, within the response. */
    for (size_t i = s; i < e;) {
        if (flen <= c->subject_len - i && memcmp(c->subject + i, find, flen) == 0) {
            for (size_t k = 0; k < rlen; k++)
                put_subst(o, repl[k]);
            i += flen;
        } else {
            put_subst(o, c->subject[i++]);
        }
    }
    return 0;
}

static int do_integer(const struct subst_args *a, const struct vscan_captures *c, struct out_buf *o)
{
    size_t s, e;
    if (a->count != 2 || a->type[0] != ARG_INT || a->type[1] != ARG_STRING || a->slen[1] != 1 ||
        capture(c, a->ival[0], &s, &e) || e - s > 8)
        return -1;
    char order = (char)a->sval[1][0];
    if (order != '>' && order != '<') return -1;
    unsigned long long v = 0;
    for (size_t k = 0; k < e - s; k++)
        v = (v << 8) | c->subject[order == '>' ? s + k : e - 1 - k];
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%llu", v);
    for (int k = 0; k < n; k++)
        put_subst(o, (unsigned char)digits[k]);
    return 0;
}

/* A command like P(1): the name up to the first '(' anywhere after '$'. */
static int do_command(const char **pp, const struct vscan_captures *c, struct out_buf *o)
{
    const char *name = *pp, *paren = strchr(name, '(');
    if (!paren || paren == name || paren - name > MAX_COMMAND_LEN) return -1;
    struct subst_args args;
    const char *after = parse_args(paren + 1, &args);
    if (!after || args.count == 0) return -1;
    *pp = after;
    size_t nlen = (size_t)(paren - name);
    if (nlen == 1 && name[0] == 'P') return do_printable(&args, c, o);
    if (nlen == 1 && name[0] == 'I') return do_integer(&args, c, o);
    if (nlen == 5 && memcmp(name, "SUBST", 5) == 0) return do_subst(&args, c, o);
    return -1;
}

/* One '$' variable at *pp (just after the '$'). */
static int expand_var(const char **pp, const struct vscan_captures *c, struct out_buf *o)
{
    o->cut = 0;
    const char *p = *pp;
    if (*p < '0' || *p > '9') return do_command(pp, c, o);
    size_t s, e;
    if (capture(c, *p - '0', &s, &e)) return -1;
    *pp = p + 1;
    for (size_t i = s; i < e; i++)
        put_subst(o, c->subject[i]);
    return 0;
}

static void trim(char *buf, size_t *len)
{
    while (*len > 0 && (is_space((unsigned char)buf[*len - 1]) || buf[*len - 1] == ','))
        (*len)--;
    buf[*len] = '\0';
}

int vscan_template_fill(const char *tmpl, const struct vscan_captures *caps, bool cpe, char *out,
                        size_t outsize)
{
    if (!out || outsize < 3) return -1;
    struct out_buf o = {.buf = out, .cap = outsize - 1, .cpe = cpe};
    int ends_in_var = 0;
    const char *p = tmpl;
    while (*p && !o.overflow) {
        if (*p != '$') {
            put_char(&o, *p++);
            ends_in_var = 0;
            continue;
        }
        p++;
        if (expand_var(&p, caps, &o)) {
            out[0] = '\0';
            return -1;
        }
        ends_in_var = 1;
    }
    /* nmap keeps one byte more of slack when the template ends in a
     * variable than when it ends in literal text. */
    if (o.overflow || (ends_in_var && o.len > outsize - 2)) {
        out[0] = '\0';
        return -1;
    }
    trim(out, &o.len);
    return 0;
}
