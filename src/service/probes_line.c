// SPDX-License-Identifier: MIT
// Single lines of nmap-service-probes. The grammar follows nmap 7.93's
// readers (setProbeDetails, InitMatch/next_template, setPortVector) so every
// file nmap accepts loads; where nmap silently ignores trailing text or
// reads past a buffer, this parser reports the line instead.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/probes_build.h"
#include "service/unescape.h"

int vscan_fail(struct parse_ctx *pc, const char *fmt, ...)
{
    if (!pc->err || pc->errlen == 0) return -1;
    int n = snprintf(pc->err, pc->errlen, "%s:%u: ", pc->label, pc->line);
    if (n < 0 || (size_t)n >= pc->errlen) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pc->err + n, pc->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static int is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char *skip_space(char *p)
{
    while (is_space(*p))
        p++;
    return p;
}

/* "q|...|", "m=...=i", "p/.../", "cpe:/.../a": a mode of letters and
 * colons, any delimiter, the body up to the same delimiter (no escaping:
 * nmap looks for the next occurrence), then flag letters. */
struct field {
    const char *mode;
    size_t mode_len;
    char *body;
    size_t body_len;
    const char *flags;
    size_t flags_len;
};

/* Reads the next field at *pp; returns 1, 0 at the end of the line, -1. */
static int next_field(struct parse_ctx *pc, char **pp, struct field *f)
{
    char *p = skip_space(*pp);
    if (*p == '\0') return 0;
    char *q = p;
    while (is_alpha(*q) || *q == ':')
        q++;
    if (*q == '\0' || is_space(*q))
        return vscan_fail(pc, "missing delimiter after '%.*s'", (int)(q - p), p);
    f->mode = p;
    f->mode_len = (size_t)(q - p);
    char delim = *q;
    f->body = q + 1;
    char *end = strchr(f->body, delim);
    if (!end)
        return vscan_fail(pc, "no closing '%c' for the %.*s field", delim, (int)f->mode_len,
                          f->mode);
    f->body_len = (size_t)(end - f->body);
    f->flags = end + 1;
    for (q = end + 1; is_alpha(*q); q++)
        ;
    f->flags_len = (size_t)(q - f->flags);
    *end = '\0';
    *pp = q;
    return 1;
}

static int mode_is(const struct field *f, const char *name)
{
    return f->mode_len == strlen(name) && memcmp(f->mode, name, f->mode_len) == 0;
}

/* The text after the probe string: blanks, or nmap 7.93's "no-payload". */
static int probe_trailer(struct parse_ctx *pc, char *p, struct vscan_probe *out)
{
    p = skip_space(p);
    if (strncmp(p, "no-payload", 10) == 0 && (p[10] == '\0' || is_space(p[10]))) {
        out->no_payload = true;
        p = skip_space(p + 10);
    }
    if (*p) return vscan_fail(pc, "unexpected text after the probe string: '%s'", p);
    return 0;
}

int vscan_parse_probe_line(struct parse_ctx *pc, char *rest, struct vscan_probe *out)
{
    if (strncmp(rest, "TCP ", 4) == 0)
        out->proto = PROTO_TCP;
    else if (strncmp(rest, "UDP ", 4) == 0)
        out->proto = PROTO_UDP;
    else
        return vscan_fail(pc, "invalid protocol: a Probe is TCP or UDP");
    char *name = rest + 4;
    if (!is_alpha(*name) && !is_digit(*name)) return vscan_fail(pc, "bad probe name");
    char *sp = strchr(name, ' ');
    if (!sp) return vscan_fail(pc, "nothing after the probe name");
    out->name = arena_strndup(pc->arena, name, (size_t)(sp - name));
    char *p = sp + 1;
    if (*p != 'q') return vscan_fail(pc, "the probe string must begin with 'q'");
    /* Unlike the other fields, any character after the q delimits. */
    char delim = p[1];
    char *body = p + 2, *end = delim ? strchr(body, delim) : NULL;
    if (!end) return vscan_fail(pc, "no ending delimiter for the probe string");
    size_t body_len = (size_t)(end - body);
    uint8_t *payload = arena_alloc(pc->arena, body_len + 1);
    if (!out->name || !payload) return vscan_fail(pc, "out of memory");
    long n = vscan_unescape(body, body_len, payload);
    if (n < 0) return vscan_fail(pc, "bad escape in the probe string");
    out->payload = payload;
    out->payload_len = (size_t)n;
    return probe_trailer(pc, end + 1, out);
}

/* The "m|regex|flags" part of a match line. */
static int match_regex(struct parse_ctx *pc, char **pp, struct vscan_match *out)
{
    struct field f;
    int rc = next_field(pc, pp, &f);
    if (rc == 0) return vscan_fail(pc, "no regex after the service name");
    if (rc < 0) return -1;
    if (!mode_is(&f, "m")) return vscan_fail(pc, "the regex must begin with 'm'");
    for (size_t i = 0; i < f.flags_len; i++) {
        if (f.flags[i] == 'i')
            out->caseless = true;
        else if (f.flags[i] == 's')
            out->dotall = true;
        else
            return vscan_fail(pc, "illegal regex option '%c'", f.flags[i]);
    }
    out->pattern = arena_strndup(pc->arena, f.body, f.body_len);
    out->pattern_len = f.body_len;
    return out->pattern ? 0 : vscan_fail(pc, "out of memory");
}

static int field_index(const struct field *f)
{
    static const char letters[VSCAN_NFIELDS] = {'p', 'v', 'i', 'h', 'o', 'd'};
    if (f->mode_len != 1) return -1;
    for (int i = 0; i < VSCAN_NFIELDS; i++)
        if (f->mode[0] == letters[i]) return i;
    return -1;
}

/* Appends "cpe:/" + body to the match's CPE list (nmap ignores the flags,
 * such as the 'a' of "cpe:/o:linux:linux_kernel/a"). */
static int add_cpe(struct parse_ctx *pc, const struct field *f, struct vscan_match *out)
{
    char *s = arena_alloc(pc->arena, f->body_len + 6);
    const char **list = arena_alloc(pc->arena, (out->cpe_count + 1) * sizeof *list);
    if (!s || !list) return vscan_fail(pc, "out of memory");
    memcpy(s, "cpe:/", 5);
    memcpy(s + 5, f->body, f->body_len + 1);
    if (out->cpe_count) memcpy(list, out->cpe, out->cpe_count * sizeof *list);
    list[out->cpe_count++] = s;
    out->cpe = list;
    return 0;
}

/* Version fields; a field given twice keeps the later one, as nmap. */
static int match_fields(struct parse_ctx *pc, char *p, struct vscan_match *out)
{
    struct field f;
    int rc;
    while ((rc = next_field(pc, &p, &f)) > 0) {
        if (mode_is(&f, "cpe:")) {
            if (add_cpe(pc, &f, out)) return -1;
            continue;
        }
        int idx = field_index(&f);
        if (idx < 0)
            return vscan_fail(pc, "unknown template specifier '%.*s'", (int)f.mode_len, f.mode);
        out->tmpl[idx] = arena_strndup(pc->arena, f.body, f.body_len);
        if (!out->tmpl[idx]) return vscan_fail(pc, "out of memory");
    }
    return rc;
}

int vscan_parse_match_line(struct parse_ctx *pc, char *line, struct vscan_match *out)
{
    char *p = line;
    if (strncmp(p, "softmatch ", 10) == 0) {
        out->soft = true;
        p += 10;
    } else if (strncmp(p, "match ", 6) == 0) {
        p += 6;
    } else {
        return vscan_fail(pc, "a match line begins with \"match\" or \"softmatch\"");
    }
    char *sp = strchr(p, ' ');
    if (!sp) return vscan_fail(pc, "could not find the service name");
    if (sp == p) return vscan_fail(pc, "empty service name");
    out->service = arena_strndup(pc->arena, p, (size_t)(sp - p));
    if (!out->service) return vscan_fail(pc, "out of memory");
    out->line = pc->line;
    p = sp;
    if (match_regex(pc, &p, out)) return -1;
    return match_fields(pc, p, out);
}

/* One port number at *pp; nmap allows blanks before it but not after a '-'. */
static int port_number(struct parse_ctx *pc, const char **pp, unsigned *out)
{
    const char *p = *pp;
    if (!is_digit(*p))
        return vscan_fail(pc, "an example of proper port list form is \"21-25,53,80\"");
    unsigned long v = 0;
    while (is_digit(*p)) {
        v = v * 10 + (unsigned long)(*p++ - '0');
        if (v > 65535) return vscan_fail(pc, "ports must be between 0 and 65535 inclusive");
    }
    *out = (unsigned)v;
    *pp = p;
    return 0;
}

static int push_range(struct parse_ctx *pc, struct range_vec *v, unsigned lo, unsigned hi)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        struct vscan_port_range *nv = realloc(v->v, cap * sizeof *nv);
        if (!nv) return vscan_fail(pc, "out of memory");
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = (struct vscan_port_range){(uint16_t)lo, (uint16_t)hi};
    return 0;
}

int vscan_parse_ports(struct parse_ctx *pc, const char *s, struct range_vec *v)
{
    const char *p = s;
    do {
        while (is_space(*p))
            p++;
        unsigned lo, hi;
        if (port_number(pc, &p, &lo)) return -1;
        while (is_space(*p))
            p++;
        hi = lo;
        if (*p == '-') {
            p++;
            if (port_number(pc, &p, &hi)) return -1;
            if (hi < lo) return vscan_fail(pc, "port range %u-%u is backwards", lo, hi);
        }
        while (is_space(*p))
            p++;
        if (*p && *p != ',')
            return vscan_fail(pc, "an example of proper port list form is \"21-25,53,80\"");
        if (push_range(pc, v, lo, hi)) return -1;
        if (*p == ',') p++;
    } while (*p);
    return 0;
}

int vscan_parse_number(struct parse_ctx *pc, const char *s, unsigned lo, unsigned hi,
                       const char *what, unsigned *out)
{
    const char *p = s;
    while (is_space(*p))
        p++;
    unsigned long v = 0;
    const char *digits = p;
    while (is_digit(*p) && v <= hi)
        v = v * 10 + (unsigned long)(*p++ - '0');
    while (is_space(*p))
        p++;
    if (p == digits || *p || v < lo || v > hi)
        return vscan_fail(pc, "%s must be a number between %u and %u", what, lo, hi);
    *out = (unsigned)v;
    return 0;
}
