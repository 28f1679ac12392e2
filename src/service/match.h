// SPDX-License-Identifier: MIT
// The match lines' regexes compiled with PCRE2 (JIT where the platform has
// it) and tried against a response as nmap 7.93 does: binary-safe, from
// offset 0, nmap's limits (match limit 100000, recursion depth 10000; a
// pattern that hits one counts as not matching), file order, first hit
// wins, soft or hard alike. The compiled database is shared read-only by
// all threads; each thread matches through its own vscan_matcher.
#ifndef CMAP_SERVICE_MATCH_H
#define CMAP_SERVICE_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service/probes.h"
#include "service/template.h"

/* vscan_compile flags */
#define VSCAN_COMPILE_NO_JIT 1u
/* JIT-compile in a thread: vscan_compile returns once every pattern is
 * compiled for the interpreter (and so validated), two thirds sooner; the
 * matcher switches to the JIT code when the thread is done. For a run's
 * service scan, whose first answers take milliseconds to arrive. */
#define VSCAN_COMPILE_JIT_BACKGROUND 2u

/* Called for each regex PCRE2 refuses; msg is PCRE2's message with the
 * offset. The match then never matches. */
typedef void (*vscan_compile_fail_fn)(void *ud, const struct vscan_match *m, const char *msg);

/* Compiles every match and softmatch of db. Returns how many failed
 * (0 for nmap's own file), or -1 when memory ran out. */
long vscan_compile(struct vscan_db *db, unsigned flags, vscan_compile_fail_fn on_fail, void *ud);
/* Whether vscan_compile JIT-compiled the patterns. */
bool vscan_jit_active(const struct vscan_db *db);
/* Releases the compiled regexes (vscan_free does it too). */
void vscan_uncompile(struct vscan_db *db);

/* Result of a lookup: the matching line and its filled fields ("" when the
 * line has no such template or it could not be filled). */
struct vscan_result {
    const struct vscan_match *match;  /* NULL: no line matched */
    const struct vscan_probe *source; /* the probe whose line it is */
    char product[VSCAN_PRODUCT_LEN];
    char version[VSCAN_VERSION_LEN];
    char info[VSCAN_INFO_LEN];
    char hostname[VSCAN_HOSTNAME_LEN];
    char ostype[VSCAN_OSTYPE_LEN];
    char devicetype[VSCAN_DEVICETYPE_LEN];
    char cpe_a[VSCAN_CPE_LEN], cpe_h[VSCAN_CPE_LEN], cpe_o[VSCAN_CPE_LEN];
    /* Templates that could not be filled: bit 1 << enum vscan_field, and
     * VSCAN_FAILED_CPE. nmap prints "Warning: Servicescan failed to fill
     * ..." for these. */
    unsigned failed;
    /* Lines skipped because PCRE2 hit a limit (nmap warns with -d/-vv). */
    unsigned limit_hits;
    const struct vscan_match *last_limit_hit;
};
#define VSCAN_FAILED_CPE (1u << VSCAN_NFIELDS)

/* matcher flags, for measuring (bench/match_bench.c) */
#define VSCAN_MATCH_NO_JIT 1u       /* interpret even when JIT code exists */
#define VSCAN_MATCH_NO_PREFILTER 2u /* skip the first-byte/length screen */

struct vscan_matcher;
/* A matcher for db (which must be compiled); NULL when memory runs out. */
struct vscan_matcher *vscan_matcher_new(const struct vscan_db *db, unsigned flags);
void vscan_matcher_free(struct vscan_matcher *m);

/* The first of probe's own lines matching buf[0..len). */
bool vscan_match_probe(struct vscan_matcher *m, const struct vscan_probe *probe, const uint8_t *buf,
                       size_t len, struct vscan_result *out);
/* nmap's lookup of a response to probe: the lines of probe->fallbacks in
 * order (the probe, its fallback probes, the NULL probe). */
bool vscan_match_response(struct vscan_matcher *m, const struct vscan_probe *probe,
                          const uint8_t *buf, size_t len, struct vscan_result *out);

#endif
