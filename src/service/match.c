// SPDX-License-Identifier: MIT
// Trying a response against match lines, and filling the version fields
// of the line that matched.
#include <stdlib.h>
#include <string.h>

#include "service/match.h"
#include "service/match_internal.h"

/* nmap's limits against pathological patterns (service_scan.cc sets
 * match_limit 100000 and match_limit_recursion 10000 on every regex). */
#define NMAP_MATCH_LIMIT 100000u
#define NMAP_DEPTH_LIMIT 10000u
/* The JIT's machine stack: PCRE2's default 32 KB on the thread stack is
 * too small for some of the file's nested repetitions on long responses. */
#define JIT_STACK_START (32u * 1024u)
#define JIT_STACK_MAX (1024u * 1024u)

struct vscan_matcher {
    const struct vscan_db *db;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack;
    uint32_t match_opts; /* PCRE2_NO_JIT when measuring the interpreter */
    bool prefilter;
};

struct vscan_matcher *vscan_matcher_new(const struct vscan_db *db, unsigned flags)
{
    if (!db->compiled) return NULL;
    struct vscan_matcher *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->db = db;
    m->md = pcre2_match_data_create(db->compiled->max_groups + 1, NULL);
    m->mctx = pcre2_match_context_create(NULL);
    if (db->compiled->jit)
        m->jit_stack = pcre2_jit_stack_create(JIT_STACK_START, JIT_STACK_MAX, NULL);
    if (!m->md || !m->mctx || (db->compiled->jit && !m->jit_stack)) {
        vscan_matcher_free(m);
        return NULL;
    }
    pcre2_set_match_limit(m->mctx, NMAP_MATCH_LIMIT);
    pcre2_set_depth_limit(m->mctx, NMAP_DEPTH_LIMIT);
    if (m->jit_stack) pcre2_jit_stack_assign(m->mctx, NULL, m->jit_stack);
    m->match_opts = (flags & VSCAN_MATCH_NO_JIT) ? PCRE2_NO_JIT : 0;
    m->prefilter = !(flags & VSCAN_MATCH_NO_PREFILTER);
    return m;
}

void vscan_matcher_free(struct vscan_matcher *m)
{
    if (!m) return;
    pcre2_match_data_free(m->md);
    pcre2_match_context_free(m->mctx);
    pcre2_jit_stack_free(m->jit_stack);
    free(m);
}

/* False when the regex cannot match buf: too short, or anchored with a
 * first byte it cannot start with. Same answers as pcre2_match's own
 * start-up checks, without the call. */
static bool may_match(const struct vscan_regex *r, const uint8_t *buf, size_t len)
{
    if (len < r->minlen) return false;
    if (!r->anchored || len == 0) return true;
    uint8_t c = buf[0];
    if (r->has_first) return (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) == r->first;
    if (r->has_bitmap) return (r->bitmap[c / 8] >> (c % 8)) & 1u;
    return true;
}

static void fill_field(char *dst, size_t size, const char *tmpl, const struct vscan_captures *caps,
                       unsigned bit, unsigned *failed)
{
    if (tmpl && vscan_template_fill(tmpl, caps, false, dst, size) != 0) *failed |= bit;
}

/* nmap files a CPE by its part letter; one of each kind is kept, the last
 * template of a kind winning; an unknown part is ignored. */
static void fill_cpes(const struct vscan_match *line, const struct vscan_captures *caps,
                      struct vscan_result *out)
{
    for (size_t i = 0; i < line->cpe_count; i++) {
        const char *t = line->cpe[i];
        char *dst = t[5] == 'a'   ? out->cpe_a
                    : t[5] == 'h' ? out->cpe_h
                    : t[5] == 'o' ? out->cpe_o
                                  : NULL;
        if (dst && vscan_template_fill(t, caps, true, dst, VSCAN_CPE_LEN) != 0)
            out->failed |= VSCAN_FAILED_CPE;
    }
}

static void fill_result(const struct vscan_match *line, const struct vscan_captures *caps,
                        struct vscan_result *out)
{
    char *const dst[VSCAN_NFIELDS] = {out->product,  out->version, out->info,
                                      out->hostname, out->ostype,  out->devicetype};
    static const size_t size[VSCAN_NFIELDS] = {VSCAN_PRODUCT_LEN, VSCAN_VERSION_LEN,
                                               VSCAN_INFO_LEN,    VSCAN_HOSTNAME_LEN,
                                               VSCAN_OSTYPE_LEN,  VSCAN_DEVICETYPE_LEN};
    for (int f = 0; f < VSCAN_NFIELDS; f++)
        fill_field(dst[f], size[f], line->tmpl[f], caps, 1u << f, &out->failed);
    fill_cpes(line, caps, out);
}

/* Runs one line: pcre2_match's count (highest set group + 1) on a match,
 * with the captures in m->md; 0 otherwise. */
static int try_line(struct vscan_matcher *m, const struct vscan_match *line, const uint8_t *buf,
                    size_t len, struct vscan_result *out)
{
    const struct vscan_regex *r = line->re;
    if (!r || !r->code || (m->prefilter && !may_match(r, buf, len))) return 0;
    int rc = pcre2_match(r->code, buf, len, 0, m->match_opts, m->md, m->mctx);
    if (rc > 0) return rc;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
        rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
        out->limit_hits++;
        out->last_limit_hit = line;
    }
    return 0;
}

/* The first of probe's lines that matches, filled into out (whose
 * fields are still empty: out is cleared once per lookup). */
static bool match_lines(struct vscan_matcher *m, const struct vscan_probe *probe,
                        const uint8_t *buf, size_t len, struct vscan_result *out)
{
    if (m->db->compiled->jit_pending) vscan_jit_adopt(m->db->compiled);
    for (size_t i = 0; i < probe->match_count; i++) {
        const struct vscan_match *line = &probe->matches[i];
        int count = try_line(m, line, buf, len, out);
        if (count == 0) continue;
        out->match = line;
        out->source = probe;
        struct vscan_captures caps = {
            .subject = buf,
            .subject_len = len,
            .ovector = pcre2_get_ovector_pointer(m->md),
            .count = (unsigned)count,
        };
        fill_result(line, &caps, out);
        return true;
    }
    return false;
}

bool vscan_match_probe(struct vscan_matcher *m, const struct vscan_probe *probe, const uint8_t *buf,
                       size_t len, struct vscan_result *out)
{
    memset(out, 0, sizeof *out);
    return match_lines(m, probe, buf, len, out);
}

bool vscan_match_response(struct vscan_matcher *m, const struct vscan_probe *probe,
                          const uint8_t *buf, size_t len, struct vscan_result *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < probe->fallback_count; i++)
        if (match_lines(m, probe->fallbacks[i], buf, len, out)) return true;
    return false;
}
