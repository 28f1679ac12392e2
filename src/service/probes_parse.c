// SPDX-License-Identifier: MIT
// nmap-service-probes, file level: lines, the directive of each, and the
// links resolved once the whole file is read (fallbacks may name probes
// further down). Everything kept lives in the database's arena.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/slurp.h"
#include "scan/portspec.h"
#include "service/probes_build.h"

/* The real file is 2.5 MB; refuse to slurp something absurd. */
#define MAX_FILE_SIZE (64u * 1024u * 1024u)
#define BITMAP_BYTES (65536u / 8u)

struct probe_build {
    struct vscan_probe p;
    struct vscan_match *m;
    size_t nm, capm;
    struct range_vec ports, ssl;
    char *fallback; /* the latest fallback directive, if any */
    unsigned fallback_line;
};

struct parser {
    struct parse_ctx pc;
    struct vscan_db *db;
    struct probe_build *pb;
    size_t n, cap;
    int exclude_seen;
};

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int parse_exclude(struct parser *ps, const char *spec)
{
    if (ps->exclude_seen) return vscan_fail(&ps->pc, "only 1 Exclude directive is allowed");
    if (ps->n) return vscan_fail(&ps->pc, "the Exclude directive must precede all Probes");
    ps->exclude_seen = 1;
    uint8_t *table = calloc(PORTSPEC_TABLE_SIZE, 1);
    if (!table) return vscan_fail(&ps->pc, "out of memory");
    struct portspec_opts opts = {.protos = PORTSPEC_ALL_PORT_PROTOS, .qualifiers = true};
    bool dup = false;
    char msg[256];
    int rc = portspec_parse(spec, &opts, table, &dup, msg, sizeof msg);
    if (rc < 0) vscan_fail(&ps->pc, "bad Exclude directive: %s", msg);
    for (unsigned proto = 0; rc == 0 && proto < PROTO_IP; proto++) {
        uint8_t *bits = arena_alloc(ps->pc.arena, BITMAP_BYTES);
        if (!bits) {
            rc = vscan_fail(&ps->pc, "out of memory");
            break;
        }
        for (unsigned port = 0; port < PORTSPEC_TABLE_SIZE; port++)
            if (table[port] & PORTSPEC_BIT(proto)) bits[port / 8] |= (uint8_t)(1u << (port % 8));
        ps->db->exclude[proto] = bits;
    }
    free(table);
    return rc;
}

static int add_probe(struct parser *ps, char *rest)
{
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 64;
        struct probe_build *nb = realloc(ps->pb, cap * sizeof *nb);
        if (!nb) return vscan_fail(&ps->pc, "out of memory");
        ps->pb = nb;
        ps->cap = cap;
    }
    struct probe_build *b = &ps->pb[ps->n++];
    memset(b, 0, sizeof *b);
    b->p.line = ps->pc.line;
    b->p.rarity = VSCAN_DEFAULT_RARITY;
    b->p.totalwaitms = VSCAN_DEFAULT_WAITMS;
    b->p.tcpwrappedms = VSCAN_DEFAULT_TCPWRAPPEDMS;
    if (vscan_parse_probe_line(&ps->pc, rest, &b->p)) return -1;
    /* nmap takes the probe with an empty string as the NULL probe and
     * asserts there is only one. */
    if (b->p.payload_len == 0) {
        for (size_t i = 0; i + 1 < ps->n; i++)
            if (ps->pb[i].p.payload_len == 0)
                return vscan_fail(&ps->pc,
                                  "a second probe with an empty probe string (line %u "
                                  "already has the NULL probe)",
                                  ps->pb[i].p.line);
    }
    return 0;
}

static int do_match(struct parser *ps, struct probe_build *b, char *line, char *arg)
{
    (void)arg;
    if (b->nm == b->capm) {
        size_t cap = b->capm ? b->capm * 2 : 16;
        struct vscan_match *nm = realloc(b->m, cap * sizeof *nm);
        if (!nm) return vscan_fail(&ps->pc, "out of memory");
        b->m = nm;
        b->capm = cap;
    }
    struct vscan_match *m = &b->m[b->nm];
    memset(m, 0, sizeof *m);
    if (vscan_parse_match_line(&ps->pc, line, m)) return -1;
    b->nm++;
    if (m->soft)
        ps->db->softmatch_count++;
    else
        ps->db->match_count++;
    return 0;
}

static int do_ports(struct parser *ps, struct probe_build *b, char *line, char *arg)
{
    (void)line;
    return vscan_parse_ports(&ps->pc, arg, &b->ports);
}

static int do_sslports(struct parser *ps, struct probe_build *b, char *line, char *arg)
{
    (void)line;
    return vscan_parse_ports(&ps->pc, arg, &b->ssl);
}

static int do_rarity(struct parser *ps, struct probe_build *b, char *line, char *arg)
{
    (void)line;
    return vscan_parse_number(&ps->pc, arg, 1, 9, "rarity", &b->p.rarity);
}

static int do_totalwaitms(struct parser *ps, struct probe_build *b, char *line, char *arg)
{
    (void)line;
    return vscan_parse_number(&ps->pc, arg, 100, 300000, "totalwaitms", &b->p.totalwaitms);
}

static int do_tcpwrappedms(struct parser *ps, struct probe_build *b, char *line, char *arg)
{
    (void)line;
    return vscan_parse_number(&ps->pc, arg, 100, 300000, "tcpwrappedms", &b->p.tcpwrappedms);
}

static int do_fallback(struct parser *ps, struct probe_build *b, char *line, char *arg)
{
    (void)line;
    b->fallback = arena_strndup(ps->pc.arena, arg, strlen(arg));
    b->fallback_line = ps->pc.line;
    return b->fallback ? 0 : vscan_fail(&ps->pc, "out of memory");
}

static int do_misplaced_exclude(struct parser *ps, struct probe_build *b, char *line, char *arg)
{
    (void)b, (void)line, (void)arg;
    return vscan_fail(&ps->pc, "the Exclude directive must precede all Probes");
}

/* Directives inside a probe's section; the name includes its one space. */
static const struct directive {
    const char *name;
    int (*handle)(struct parser *ps, struct probe_build *b, char *line, char *arg);
} directives[] = {
    {"match ", do_match},
    {"softmatch ", do_match},
    {"ports ", do_ports},
    {"sslports ", do_sslports},
    {"rarity ", do_rarity},
    {"fallback ", do_fallback},
    {"totalwaitms ", do_totalwaitms},
    {"tcpwrappedms ", do_tcpwrappedms},
    {"Exclude ", do_misplaced_exclude},
};

static int blank(const char *s)
{
    return s[strspn(s, " \t\v\f")] == '\0';
}

static int parse_line(struct parser *ps, char *line)
{
    if (line[0] == '#' || blank(line)) return 0;
    if (starts(line, "Probe ")) return add_probe(ps, line + 6);
    if (ps->n == 0) {
        if (starts(line, "Exclude ")) return parse_exclude(ps, line + 8);
        return vscan_fail(&ps->pc, "line was expected to begin with \"Probe \" or \"Exclude \"");
    }
    for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++) {
        const struct directive *d = &directives[i];
        if (starts(line, d->name))
            return d->handle(ps, &ps->pb[ps->n - 1], line, line + strlen(d->name));
    }
    return vscan_fail(&ps->pc, "unknown directive");
}

/* Splits a private copy of the text into lines (CR LF or LF). */
static int parse_lines(struct parser *ps, char *text, size_t len)
{
    char *p = text, *end = text + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *stop = nl ? nl : end;
        ps->pc.line++;
        if (memchr(p, '\0', (size_t)(stop - p))) return vscan_fail(&ps->pc, "NUL byte in line");
        if (stop > p && stop[-1] == '\r') stop[-1] = '\0';
        *stop = '\0';
        if (parse_line(ps, p)) return -1;
        p = stop + 1;
    }
    return 0;
}

/* Distinct service names of b's matches, first appearance first, found
 * with a small open-addressing set (GetRequest has almost 5000 matches). */
static int collect_services(struct parser *ps, struct vscan_probe *p)
{
    size_t slots = 16;
    while (slots < 2 * p->match_count)
        slots *= 2;
    const char **set = calloc(slots, sizeof *set);
    const char **list = arena_alloc(ps->pc.arena, (p->match_count + 1) * sizeof *list);
    if (!set || !list) {
        free(set);
        return vscan_fail(&ps->pc, "out of memory");
    }
    size_t n = 0;
    for (size_t i = 0; i < p->match_count; i++) {
        const char *name = p->matches[i].service;
        uint32_t h = 2166136261u;
        for (const char *c = name; *c; c++)
            h = (h ^ (uint8_t)*c) * 16777619u;
        size_t k = h & (slots - 1);
        while (set[k] && strcmp(set[k], name) != 0)
            k = (k + 1) & (slots - 1);
        if (!set[k]) set[k] = list[n++] = name;
    }
    free(set);
    p->services = list;
    p->service_count = n;
    return 0;
}

/* Moves one probe's growable arrays into the arena. */
static int settle_probe(struct parser *ps, struct probe_build *b, struct vscan_probe *p)
{
    struct arena *a = ps->pc.arena;
    *p = b->p;
    p->match_count = b->nm;
    p->matches = arena_memdup(a, b->m, b->nm * sizeof *b->m);
    p->port_ranges = b->ports.n;
    p->ports = arena_memdup(a, b->ports.v, b->ports.n * sizeof *b->ports.v);
    p->sslport_ranges = b->ssl.n;
    p->sslports = arena_memdup(a, b->ssl.v, b->ssl.n * sizeof *b->ssl.v);
    if (!p->matches || !p->ports || !p->sslports) return vscan_fail(&ps->pc, "out of memory");
    return collect_services(ps, p);
}

/* A fallback names a probe of the same protocol or, failing that, of the
 * other: nmap 7.93's own file has TCP DNSVersionBindReqTCP fall back to
 * UDP DNSVersionBindReq (checked against nmap: a TCP probe then finds the
 * UDP probe's lines, and a same-named TCP probe wins when both exist). */
static const struct vscan_probe *fallback_probe(const struct vscan_db *db, const char *name,
                                                enum proto_index proto)
{
    const struct vscan_probe *p = vscan_probe_by_name(db, name, proto);
    return p ? p : vscan_probe_by_name(db, name, proto == PROTO_TCP ? PROTO_UDP : PROTO_TCP);
}

/* nmap's compileFallbacks: the probe, the named probes,
 * then for TCP the NULL probe; the NULL probe falls back to nothing. */
static int link_fallbacks(struct parser *ps, struct probe_build *b, struct vscan_probe *p)
{
    const struct vscan_db *db = ps->db;
    const struct vscan_probe **list =
        arena_alloc(ps->pc.arena, (VSCAN_MAX_NAMED_FALLBACKS + 2) * sizeof *list);
    if (!list) return vscan_fail(&ps->pc, "out of memory");
    size_t n = 0;
    list[n++] = p;
    if (p != db->null_probe && b->fallback) {
        ps->pc.line = b->fallback_line;
        char *save = NULL;
        for (char *tok = strtok_r(b->fallback, ", \t", &save); tok;
             tok = strtok_r(NULL, ", \t", &save)) {
            if (n > VSCAN_MAX_NAMED_FALLBACKS)
                return vscan_fail(&ps->pc, "too many fallbacks in probe %s (at most %u)", p->name,
                                  VSCAN_MAX_NAMED_FALLBACKS);
            list[n] = fallback_probe(db, tok, p->proto);
            if (!list[n])
                return vscan_fail(&ps->pc, "unknown fallback '%s' in probe %s", tok, p->name);
            n++;
        }
    }
    if (p != db->null_probe && p->proto == PROTO_TCP && db->null_probe) list[n++] = db->null_probe;
    p->fallbacks = list;
    p->fallback_count = n;
    return 0;
}

static int link_probes(struct parser *ps)
{
    struct vscan_db *db = ps->db;
    db->probes = arena_alloc(ps->pc.arena, (ps->n ? ps->n : 1) * sizeof *db->probes);
    if (!db->probes) return vscan_fail(&ps->pc, "out of memory");
    db->probe_count = ps->n;
    for (size_t i = 0; i < ps->n; i++) {
        if (settle_probe(ps, &ps->pb[i], &db->probes[i])) return -1;
        if (db->probes[i].payload_len == 0) db->null_probe = &db->probes[i];
    }
    for (size_t i = 0; i < ps->n; i++)
        if (link_fallbacks(ps, &ps->pb[i], &db->probes[i])) return -1;
    return 0;
}

static void free_builds(struct parser *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        free(ps->pb[i].m);
        free(ps->pb[i].ports.v);
        free(ps->pb[i].ssl.v);
    }
    free(ps->pb);
}

struct vscan_db *vscan_parse(const char *text, size_t len, const char *label, char *err,
                             size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    struct vscan_db *db = calloc(1, sizeof *db);
    char *copy = len < SIZE_MAX ? malloc(len + 1) : NULL;
    struct parser ps = {.pc = {.label = label, .err = err, .errlen = errlen}, .db = db};
    if (!db || !copy) {
        free(db);
        free(copy);
        vscan_fail(&ps.pc, "out of memory");
        return NULL;
    }
    ps.pc.arena = &db->arena;
    if (len) memcpy(copy, text, len);
    int rc = parse_lines(&ps, copy, len);
    if (rc == 0) rc = link_probes(&ps);
    free_builds(&ps);
    free(copy);
    if (rc) {
        vscan_free(db);
        return NULL;
    }
    return db;
}

struct vscan_db *vscan_load(const char *path, char *err, size_t errlen)
{
    size_t size = 0;
    char *text = slurp_file(path, MAX_FILE_SIZE, &size, err, errlen);
    if (!text) return NULL;
    struct vscan_db *db = vscan_parse(text, size, path, err, errlen);
    free(text);
    return db;
}
