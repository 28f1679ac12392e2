// SPDX-License-Identifier: MIT
// Writing and reading the partial-host record (see partial.h). Ports are
// grouped by protocol, state, reason and TTL and folded into ranges, so a
// 65535-port host with one open port is a line of a few dozen bytes.
#include "report/partial.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/portlist.h"

#define NAME_MAX_LEN 4096
#define PORTS_PER_PROTO 65536

/* Bytes a name keeps as they are; everything else is written %HH, which
 * keeps spaces, '-' (no "--" inside an XML comment) and markup out. */
static bool plain_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':';
}

bool partial_port_final(const struct port_result *p)
{
    return p->reason != REASON_NO_RESPONSE && p->state != PORT_UNKNOWN;
}

static void put_name(FILE *fp, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (plain_byte(*c))
            fputc(*c, fp);
        else
            fprintf(fp, "%%%02X", *c);
    }
}

static int cmp_group_then_port(const void *a, const void *b)
{
    const struct port_result *x = a, *y = b;
    if (x->proto != y->proto) return x->proto < y->proto ? -1 : 1;
    if (x->state != y->state) return x->state < y->state ? -1 : 1;
    if (x->reason != y->reason) return x->reason < y->reason ? -1 : 1;
    if (x->reason_ttl != y->reason_ttl) return x->reason_ttl < y->reason_ttl ? -1 : 1;
    return (x->port > y->port) - (x->port < y->port);
}

static bool same_group(const struct port_result *a, const struct port_result *b)
{
    return a->proto == b->proto && a->state == b->state && a->reason == b->reason &&
           a->reason_ttl == b->reason_ttl;
}

/* One "proto/state/reason/ttl=ranges" token from v[0] on; returns how many
 * ports it covered. */
static size_t put_group(FILE *fp, const struct port_result *v, size_t n)
{
    fprintf(fp, " %s/%s/%s/%u=", proto_name((enum proto_index)v[0].proto),
            port_state_name((enum port_state)v[0].state), reason_name((enum reason)v[0].reason),
            v[0].reason_ttl);
    size_t i = 0;
    while (i < n && same_group(&v[i], &v[0])) {
        size_t j = i;
        while (j + 1 < n && same_group(&v[j + 1], &v[0]) && v[j + 1].port == v[j].port + 1)
            j++;
        fprintf(fp, "%s%u", i ? "," : "", v[i].port);
        if (j > i) fprintf(fp, "-%u", v[j].port);
        i = j + 1;
    }
    return i;
}

int partial_record_put(FILE *fp, const struct host *h, const char *prefix, const char *suffix)
{
    struct port_result *final = malloc((h->n_ports ? h->n_ports : 1) * sizeof *final);
    if (!final) return -1;
    size_t n = 0;
    for (size_t i = 0; i < h->n_ports; i++)
        if (partial_port_final(&h->ports[i])) final[n++] = h->ports[i];
    qsort(final, n, sizeof *final, cmp_group_then_port);

    char ip[NET_ADDR_STRLEN];
    net_addr_format(&h->addr, ip, sizeof ip);
    fprintf(fp, "%shost %s", prefix, ip);
    /* The zone, which outputs leave out as nmap does, is needed to reach a
     * link-local host again. */
    if (h->addr.family == AF_INET6 && h->addr.scope_id) fprintf(fp, "%%%u", h->addr.scope_id);
    if (h->target_name && *h->target_name) {
        fputs(" name=", fp);
        put_name(fp, h->target_name);
    }
    for (size_t i = 0; i < h->n_other_addrs; i++) {
        net_addr_format(&h->other_addrs[i], ip, sizeof ip);
        fprintf(fp, "%s%s", i ? "," : " others=", ip);
    }
    for (size_t i = 0; i < n;)
        i += put_group(fp, final + i, n - i);
    fprintf(fp, " end%s\n", suffix);
    free(final);
    return 0;
}

/* ---- reading ---- */

struct cursor {
    const char *p, *end;
    char *err;
    size_t errlen;
};

struct token {
    const char *s;
    size_t len;
};

/* "what", then the offending token (shortened) when there is one. */
static int fail(struct cursor *c, const char *what, struct token t)
{
    int shown = t.len > 40 ? 40 : (int)t.len;
    if (!t.s)
        snprintf(c->err, c->errlen, "%s", what);
    else
        snprintf(c->err, c->errlen, "%s \"%.*s%s\"", what, shown, t.s, t.len > 40 ? "..." : "");
    return -1;
}

/* The next space-separated token; false at the end. Empty tokens (two
 * spaces) are returned as such and rejected by their readers. */
static bool next_token(struct cursor *c, struct token *t)
{
    if (c->p >= c->end) return false;
    const char *sp = memchr(c->p, ' ', (size_t)(c->end - c->p));
    const char *stop = sp ? sp : c->end;
    *t = (struct token){c->p, (size_t)(stop - c->p)};
    c->p = sp ? sp + 1 : c->end;
    return true;
}

static bool token_is(struct token t, const char *word)
{
    return t.len == strlen(word) && memcmp(t.s, word, t.len) == 0;
}

static int parse_addr(const char *s, size_t len, struct net_addr *out)
{
    char buf[NET_ADDR_STRLEN];
    if (len == 0 || len >= sizeof buf) return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return net_addr_parse(buf, AF_UNSPEC, out);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int parse_name(struct cursor *c, struct token t, struct partial_host *out)
{
    if (out->name || t.len == 0 || t.len > NAME_MAX_LEN) return fail(c, "bad name", t);
    char *name = malloc(t.len + 1);
    if (!name) return fail(c, "out of memory for", t);
    size_t n = 0;
    for (size_t i = 0; i < t.len; i++) {
        unsigned char ch = (unsigned char)t.s[i];
        if (plain_byte(ch)) {
            name[n++] = (char)ch;
            continue;
        }
        int hi = ch == '%' && i + 2 < t.len ? hex_value(t.s[i + 1]) : -1;
        int lo = hi >= 0 ? hex_value(t.s[i + 2]) : -1;
        if (lo < 0 || hi * 16 + lo == 0) {
            free(name);
            return fail(c, "bad name", t);
        }
        name[n++] = (char)(hi * 16 + lo);
        i += 2;
    }
    name[n] = '\0';
    out->name = name;
    return 0;
}

static int parse_others(struct cursor *c, struct token t, struct partial_host *out)
{
    if (out->others || t.len == 0) return fail(c, "bad other addresses", t);
    size_t n = 1;
    for (size_t i = 0; i < t.len; i++)
        n += t.s[i] == ',';
    out->others = calloc(n, sizeof *out->others);
    if (!out->others) return fail(c, "out of memory for", t);
    const char *s = t.s, *end = t.s + t.len;
    for (;;) {
        const char *comma = memchr(s, ',', (size_t)(end - s));
        const char *stop = comma ? comma : end;
        if (parse_addr(s, (size_t)(stop - s), &out->others[out->n_others]) != 0)
            return fail(c, "bad other address in", t);
        out->n_others++;
        if (!comma) return 0;
        s = comma + 1;
    }
}

/* The index of a name in a table of n names, or -1. */
static int lookup(const char *s, size_t len, const char *(*name)(int), int n)
{
    for (int i = 0; i < n; i++) {
        const char *candidate = name(i);
        if (candidate && strlen(candidate) == len && memcmp(candidate, s, len) == 0) return i;
    }
    return -1;
}

static const char *proto_at(int i)
{
    return proto_name((enum proto_index)i);
}

static const char *state_at(int i)
{
    return i == PORT_UNKNOWN ? NULL : port_state_name((enum port_state)i);
}

static const char *reason_at(int i)
{
    return reason_name((enum reason)i);
}

/* Split s at the first sep into a head and the rest. */
static bool split(struct token *s, char sep, struct token *head)
{
    const char *at = memchr(s->s, sep, s->len);
    if (!at) return false;
    *head = (struct token){s->s, (size_t)(at - s->s)};
    s->len -= head->len + 1;
    s->s = at + 1;
    return true;
}

static bool parse_uint(struct token t, unsigned max, unsigned *out)
{
    if (t.len == 0 || t.len > 5) return false;
    unsigned v = 0;
    for (size_t i = 0; i < t.len; i++) {
        if (t.s[i] < '0' || t.s[i] > '9') return false;
        v = v * 10 + (unsigned)(t.s[i] - '0');
    }
    *out = v;
    return v <= max;
}

/* What every port of one group shares. */
static bool parse_group_key(struct token *t, struct port_result *key)
{
    struct token f[3];
    unsigned ttl;
    struct token ttl_field;
    if (!split(t, '/', &f[0]) || !split(t, '/', &f[1]) || !split(t, '/', &f[2])) return false;
    if (!split(t, '=', &ttl_field) || !parse_uint(ttl_field, 255, &ttl)) return false;
    int proto = lookup(f[0].s, f[0].len, proto_at, PROTO_COUNT);
    int state = lookup(f[1].s, f[1].len, state_at, PORT_STATE_COUNT);
    int reason = lookup(f[2].s, f[2].len, reason_at, REASON_COUNT);
    if (proto < 0 || state < 0 || reason < 0) return false;
    *key = (struct port_result){.proto = (uint8_t)proto,
                                .state = (uint8_t)state,
                                .reason = (uint8_t)reason,
                                .reason_ttl = (uint8_t)ttl};
    return true;
}

struct port_sink {
    struct partial_host *out;
    size_t cap;
    uint8_t *seen; /* one bit per protocol and port */
};

static bool add_port(struct port_sink *k, const struct port_result *key, unsigned port)
{
    size_t bit = (size_t)key->proto * PORTS_PER_PROTO + port;
    if (k->seen[bit / 8] & (1u << (bit % 8))) return false;
    k->seen[bit / 8] |= (uint8_t)(1u << (bit % 8));
    if (k->out->n_ports == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 256;
        struct port_result *v = realloc(k->out->ports, cap * sizeof *v);
        if (!v) return false;
        k->out->ports = v;
        k->cap = cap;
    }
    struct port_result *p = &k->out->ports[k->out->n_ports++];
    *p = *key;
    p->port = (uint16_t)port;
    return true;
}

static int parse_group(struct cursor *c, struct token t, struct port_sink *k)
{
    struct token rest = t, range;
    struct port_result key;
    /* Only finished ports are ever recorded; anything else is not ours. */
    if (!parse_group_key(&rest, &key) || !partial_port_final(&key))
        return fail(c, "bad port group", t);
    for (bool last = false; !last;) {
        last = !split(&rest, ',', &range);
        if (last) range = rest;
        struct token lo_t = range, hi_t = range;
        unsigned lo, hi;
        /* "a-b" gives lo_t "a" and hi_t "b"; a lone "a" leaves both "a". */
        (void)split(&hi_t, '-', &lo_t);
        if (!parse_uint(lo_t, PORTS_PER_PROTO - 1, &lo) ||
            !parse_uint(hi_t, PORTS_PER_PROTO - 1, &hi) || lo > hi)
            return fail(c, "bad port range in", t);
        for (unsigned p = lo; p <= hi; p++)
            if (!add_port(k, &key, p)) return fail(c, "duplicate port (or no memory) in", t);
    }
    return 0;
}

static int parse_fields(struct cursor *c, struct partial_host *out)
{
    struct port_sink sink = {.out = out};
    sink.seen = calloc((size_t)PROTO_COUNT * PORTS_PER_PROTO / 8, 1);
    if (!sink.seen) return fail(c, "out of memory reading the record", (struct token){0});
    struct token t = {0};
    int rc = 0;
    bool ended = false;
    while (!ended && next_token(c, &t)) {
        if (token_is(t, "end")) {
            ended = true;
            continue;
        }
        if (t.len > 5 && memcmp(t.s, "name=", 5) == 0 && out->n_ports == 0)
            rc = parse_name(c, (struct token){t.s + 5, t.len - 5}, out);
        else if (t.len > 7 && memcmp(t.s, "others=", 7) == 0 && out->n_ports == 0)
            rc = parse_others(c, (struct token){t.s + 7, t.len - 7}, out);
        else
            rc = parse_group(c, t, &sink);
        if (rc != 0) break;
    }
    free(sink.seen);
    if (rc == 0 && !ended) return fail(c, "record cut short (no \"end\")", (struct token){0});
    if (rc == 0 && c->p < c->end)
        return fail(
            c, "text after the end of the record:", (struct token){c->p, (size_t)(c->end - c->p)});
    return rc;
}

int partial_record_parse(const char *text, size_t len, struct partial_host *out, char *err,
                         size_t errlen)
{
    struct cursor c = {.p = text, .end = text + len, .err = err, .errlen = errlen};
    struct token t = {text, 0};
    memset(out, 0, sizeof *out);
    int rc = -1;
    if (!next_token(&c, &t) || !token_is(t, "host"))
        rc = fail(&c, "not a partial-host record:", t);
    else if (!next_token(&c, &t) || parse_addr(t.s, t.len, &out->addr) != 0)
        rc = fail(&c, "bad host address", t);
    else
        rc = parse_fields(&c, out);
    if (rc != 0) partial_host_free(out);
    return rc;
}

void partial_host_free(struct partial_host *p)
{
    free(p->name);
    free(p->others);
    free(p->ports);
    memset(p, 0, sizeof *p);
}
