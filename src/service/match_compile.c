// SPDX-License-Identifier: MIT
// Compiling nmap-service-probes regexes with PCRE2. nmap 7.93 links PCRE1
// (8.x) and passes the regex text unchanged with PCRE_CASELESS/PCRE_DOTALL
// for the i/s flags; PCRE2 reads the same Perl syntax. The differences that
// matter here are handled where they arise:
//  - the newline convention is fixed to LF (PCRE1's default build), so $
//    and . behave the same whatever PCRE2 was built with;
//  - an unset group below the highest set one is PCRE2_UNSET, not -1;
//    template.c substitutes it as empty;
//  - PCRE1's match_limit_recursion is PCRE2's depth limit.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/match.h"
#include "service/match_internal.h"

static uint8_t fold(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/* What PCRE2 knows about the start of a match. A fixed first byte of a
 * caseless pattern is stored folded and compared folded: PCRE2 does not
 * say whether that byte is caseless, and the folded comparison accepts a
 * superset, so no real match is ever screened out. */
static void start_facts(struct vscan_regex *r)
{
    uint32_t opts = 0, type = 0, unit = 0;
    const uint8_t *bitmap = NULL;
    pcre2_pattern_info(r->code, PCRE2_INFO_MINLENGTH, &r->minlen);
    pcre2_pattern_info(r->code, PCRE2_INFO_ALLOPTIONS, &opts);
    r->anchored = (opts & PCRE2_ANCHORED) != 0;
    if (!r->anchored) return;
    pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTCODETYPE, &type);
    if (type == 1 && pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTCODEUNIT, &unit) == 0) {
        r->has_first = true;
        r->first = fold((uint8_t)unit);
    } else if (pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTBITMAP, &bitmap) == 0 && bitmap) {
        r->has_bitmap = true;
        memcpy(r->bitmap, bitmap, sizeof r->bitmap);
    }
}

static void report(const struct vscan_match *m, int code, size_t offset,
                   vscan_compile_fail_fn on_fail, void *ud)
{
    if (!on_fail) return;
    PCRE2_UCHAR text[256];
    if (pcre2_get_error_message(code, text, sizeof text) < 0)
        snprintf((char *)text, sizeof text, "error %d", code);
    char msg[320];
    snprintf(msg, sizeof msg, "at regex offset %zu: %s", offset, (const char *)text);
    on_fail(ud, m, msg);
}

/* Returns 0, or 1 when PCRE2 refused the pattern. */
static int compile_one(struct vscan_match *m, struct vscan_regex *r, pcre2_compile_context *cctx,
                       struct vscan_compiled *c, vscan_compile_fail_fn on_fail, void *ud)
{
    uint32_t opts = (m->caseless ? PCRE2_CASELESS : 0) | (m->dotall ? PCRE2_DOTALL : 0);
    int code = 0;
    PCRE2_SIZE offset = 0;
    m->re = r;
    r->code = pcre2_compile((PCRE2_SPTR)m->pattern, m->pattern_len, opts, &code, &offset, cctx);
    if (!r->code) {
        report(m, code, offset, on_fail, ud);
        return 1;
    }
    uint32_t groups = 0;
    pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &groups);
    if (groups > c->max_groups) c->max_groups = groups;
    /* A pattern the JIT cannot take still works interpreted. */
    if (c->jit && !c->jit_pending) pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);
    start_facts(r);
    return 0;
}

static void *jit_thread_main(void *arg)
{
    struct vscan_compiled *c = arg;
    for (size_t i = 0; i < c->count; i++) {
        if (!c->regs[i].code) continue;
        /* A copy, so the matcher may keep using the original meanwhile. */
        pcre2_code *copy = pcre2_code_copy(c->regs[i].code);
        if (copy) pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE);
        c->jitted[i] = copy;
    }
    atomic_store_explicit(&c->jit_ready, true, memory_order_release);
    return NULL;
}

/* Starts the JIT thread; false when it cannot (then JIT in place). */
static bool start_jit_thread(struct vscan_compiled *c)
{
    c->jitted = calloc(c->count ? c->count : 1, sizeof *c->jitted);
    if (c->jitted && pthread_create(&c->jit_thread, NULL, jit_thread_main, c) == 0) return true;
    free(c->jitted);
    c->jitted = NULL;
    return false;
}

static void finish_jit_thread(struct vscan_compiled *c, bool adopt)
{
    pthread_join(c->jit_thread, NULL);
    c->jit_pending = false;
    for (size_t i = 0; i < c->count; i++) {
        if (!c->jitted[i]) continue;
        if (adopt) {
            pcre2_code_free(c->regs[i].code);
            c->regs[i].code = c->jitted[i];
        } else {
            pcre2_code_free(c->jitted[i]);
        }
    }
    free(c->jitted);
    c->jitted = NULL;
}

void vscan_jit_adopt(struct vscan_compiled *c)
{
    if (c->jit_pending && atomic_load_explicit(&c->jit_ready, memory_order_acquire))
        finish_jit_thread(c, true);
}

static bool jit_available(void)
{
    uint32_t jit = 0;
    return pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0 && jit;
}

long vscan_compile(struct vscan_db *db, unsigned flags, vscan_compile_fail_fn on_fail, void *ud)
{
    vscan_uncompile(db);
    size_t total = db->match_count + db->softmatch_count;
    struct vscan_compiled *c = calloc(1, sizeof *c);
    struct vscan_regex *regs = calloc(total ? total : 1, sizeof *regs);
    pcre2_compile_context *cctx = pcre2_compile_context_create(NULL);
    if (!c || !regs || !cctx || pcre2_set_newline(cctx, PCRE2_NEWLINE_LF) != 0) {
        free(c);
        free(regs);
        pcre2_compile_context_free(cctx);
        return -1;
    }
    c->regs = regs;
    c->count = total;
    c->jit = !(flags & VSCAN_COMPILE_NO_JIT) && jit_available();
    c->jit_pending = c->jit && (flags & VSCAN_COMPILE_JIT_BACKGROUND);
    atomic_init(&c->jit_ready, false);
    db->compiled = c;
    long failed = 0;
    size_t k = 0;
    for (size_t i = 0; i < db->probe_count; i++) {
        struct vscan_probe *p = &db->probes[i];
        for (size_t j = 0; j < p->match_count && k < total; j++)
            failed += compile_one(&p->matches[j], &regs[k++], cctx, c, on_fail, ud);
    }
    pcre2_compile_context_free(cctx);
    if (c->jit_pending && !start_jit_thread(c)) {
        c->jit_pending = false;
        for (size_t i = 0; i < k; i++)
            if (regs[i].code) pcre2_jit_compile(regs[i].code, PCRE2_JIT_COMPLETE);
    }
    return failed;
}

bool vscan_jit_active(const struct vscan_db *db)
{
    return db->compiled && db->compiled->jit;
}

void vscan_uncompile(struct vscan_db *db)
{
    struct vscan_compiled *c = db->compiled;
    if (!c) return;
    if (c->jit_pending) finish_jit_thread(c, false);
    for (size_t i = 0; i < c->count; i++)
        pcre2_code_free(c->regs[i].code);
    for (size_t i = 0; i < db->probe_count; i++)
        for (size_t j = 0; j < db->probes[i].match_count; j++)
            db->probes[i].matches[j].re = NULL;
    free(c->regs);
    free(c);
    db->compiled = NULL;
}
