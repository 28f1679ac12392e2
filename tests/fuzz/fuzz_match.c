// SPDX-License-Identifier: MIT
// Service-probe matching and template substitution against nmap's real
// database: the hostile part of -sV is the response, not the probe file,
// so /usr/share/nmap/nmap-service-probes is loaded and compiled once and
// every input is a response. Layout: byte 0 picks the probe (modulo the
// probe count, 0 = NULL probe, file order), the rest is the response.
// Checks: every field is NUL-terminated inside nmap's buffer, a line
// without a template leaves its field empty and unflagged, the answer
// comes from the probe's own fallback chain, and the first-byte/length
// screen (prefilter) and the interpreter give the JIT's answer; after
// svc_sanitize (what the engine does before any writer sees a field) only
// printable ASCII is left, within nmap's lengths.
#include <stdbool.h>

#include "fuzz_common.h"
#include "report/model.h"
#include "report/svcfmt.h"
#include "service/match.h"

#define PROBES_PATH "/usr/share/nmap/nmap-service-probes"

static struct vscan_db *db;
static struct vscan_matcher *fast;        /* what the scanner uses */
static struct vscan_matcher *unscreened;  /* JIT, no prefilter */
static struct vscan_matcher *interpreter; /* no JIT, no prefilter */

/* PCRE2 is not instrumented, so libFuzzer's coverage sees little of the
 * matching. One extra counter per match line of the file (libFuzzer reads
 * this section as coverage) turns "a new line matched" into progress. */
#define MAX_LINES 32768
__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t line_hit[MAX_LINES];
static size_t *first_line; /* per probe: index of its first line */

static void count_hit(const struct vscan_result *r)
{
    size_t i = first_line[r->source - db->probes] + (size_t)(r->match - r->source->matches);
    if (i < MAX_LINES && line_hit[i] < 255) line_hit[i]++;
}

static void compile_failed(void *ud, const struct vscan_match *m, const char *msg)
{
    (void)ud;
    fprintf(stderr, "fuzz_match: %s line %u: %s\n", PROBES_PATH, m->line, msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[512] = "";
    db = vscan_load(PROBES_PATH, err, sizeof err);
    if (!db) {
        fprintf(stderr, "fuzz_match: cannot load %s (install nmap-common): %s\n", PROBES_PATH,
                err);
        exit(2);
    }
    long failed = vscan_compile(db, 0, compile_failed, NULL);
    if (failed != 0 || db->probe_count == 0) {
        fprintf(stderr, "fuzz_match: %s: %ld regexes failed to compile\n", PROBES_PATH, failed);
        exit(2);
    }
    first_line = malloc(db->probe_count * sizeof *first_line);
    if (!first_line) abort();
    for (size_t i = 0, n = 0; i < db->probe_count; i++) {
        first_line[i] = n;
        n += db->probes[i].match_count;
    }
    fast = vscan_matcher_new(db, 0);
    unscreened = vscan_matcher_new(db, VSCAN_MATCH_NO_PREFILTER);
    interpreter = vscan_matcher_new(db, VSCAN_MATCH_NO_JIT | VSCAN_MATCH_NO_PREFILTER);
    if (!fast || !unscreened || !interpreter) {
        fprintf(stderr, "fuzz_match: out of memory\n");
        exit(2);
    }
    return 0;
}

/* A field is a C string that ends inside its buffer. */
static void check_field(const char *f, size_t size)
{
    FUZZ_CHECK(memchr(f, '\0', size) != NULL);
    FUZZ_CHECK(strlen(f) < size);
}

static bool in_chain(const struct vscan_probe *probe, const struct vscan_probe *p)
{
    for (size_t i = 0; i < probe->fallback_count; i++)
        if (probe->fallbacks[i] == p) return true;
    return false;
}

static void check_result(const struct vscan_probe *probe, bool hit, const struct vscan_result *r)
{
    const char *const f[VSCAN_NFIELDS] = {r->product,  r->version, r->info,
                                          r->hostname, r->ostype,  r->devicetype};
    static const size_t size[VSCAN_NFIELDS] = {VSCAN_PRODUCT_LEN, VSCAN_VERSION_LEN,
                                               VSCAN_INFO_LEN,    VSCAN_HOSTNAME_LEN,
                                               VSCAN_OSTYPE_LEN,  VSCAN_DEVICETYPE_LEN};
    for (int i = 0; i < VSCAN_NFIELDS; i++)
        check_field(f[i], size[i]);
    check_field(r->cpe_a, VSCAN_CPE_LEN);
    check_field(r->cpe_h, VSCAN_CPE_LEN);
    check_field(r->cpe_o, VSCAN_CPE_LEN);
    FUZZ_CHECK(r->limit_hits == 0 || r->last_limit_hit != NULL);
    if (!hit) {
        FUZZ_CHECK(r->match == NULL && r->source == NULL && r->failed == 0);
        for (int i = 0; i < VSCAN_NFIELDS; i++)
            FUZZ_CHECK(f[i][0] == '\0');
        FUZZ_CHECK(!r->cpe_a[0] && !r->cpe_h[0] && !r->cpe_o[0]);
        return;
    }
    FUZZ_CHECK(r->match && r->source && in_chain(probe, r->source));
    FUZZ_CHECK(r->match >= r->source->matches &&
               r->match < r->source->matches + r->source->match_count);
    for (int i = 0; i < VSCAN_NFIELDS; i++) {
        if (r->match->tmpl[i]) continue;
        FUZZ_CHECK(f[i][0] == '\0' && !(r->failed & (1u << i)));
    }
    if (r->match->cpe_count == 0) {
        FUZZ_CHECK(!r->cpe_a[0] && !r->cpe_h[0] && !r->cpe_o[0]);
        FUZZ_CHECK(!(r->failed & VSCAN_FAILED_CPE));
    }
    FUZZ_CHECK(!r->cpe_a[0] || strncmp(r->cpe_a, "cpe:/a", 6) == 0);
    FUZZ_CHECK(!r->cpe_h[0] || strncmp(r->cpe_h, "cpe:/h", 6) == 0);
    FUZZ_CHECK(!r->cpe_o[0] || strncmp(r->cpe_o, "cpe:/o", 6) == 0);
}

static void check_printable(const char *s, size_t max)
{
    if (!s) return;
    FUZZ_CHECK(strlen(s) <= max);
    for (; *s; s++)
        FUZZ_CHECK(*s >= 0x20 && *s <= 0x7e);
}

/* The fields as the engine hands them to the writers. */
static void check_sanitized(const struct vscan_result *r)
{
    char *cpe[3] = {NULL, NULL, NULL};
    size_t n_cpe = 0;
    const char *const found[3] = {r->cpe_a, r->cpe_h, r->cpe_o};
    for (int i = 0; i < 3; i++)
        if (found[i][0]) cpe[n_cpe++] = strdup(found[i]);
    struct service_info svc = {
        .product = strdup(r->product),
        .version = strdup(r->version),
        .extrainfo = strdup(r->info),
        .hostname = strdup(r->hostname),
        .ostype = strdup(r->ostype),
        .devicetype = strdup(r->devicetype),
        .cpe = cpe,
        .n_cpe = n_cpe,
    };
    svc_sanitize(&svc);
    check_printable(svc.product, 80);
    check_printable(svc.version, 80);
    check_printable(svc.extrainfo, 256);
    check_printable(svc.hostname, 80);
    check_printable(svc.ostype, 32);
    check_printable(svc.devicetype, 32);
    for (size_t i = 0; i < n_cpe; i++) {
        check_printable(svc.cpe[i], 80);
        free(svc.cpe[i]);
    }
    free(svc.product);
    free(svc.version);
    free(svc.extrainfo);
    free(svc.hostname);
    free(svc.ostype);
    free(svc.devicetype);
}

/* Two lookups agree unless a line hit a PCRE2 limit in either: the JIT
 * and the interpreter count towards the limits differently. */
static void check_same(const struct vscan_result *a, bool hit_a, const struct vscan_result *b,
                       bool hit_b)
{
    if (a->limit_hits || b->limit_hits) return;
    FUZZ_CHECK(hit_a == hit_b && a->match == b->match && a->failed == b->failed);
    FUZZ_CHECK(!strcmp(a->product, b->product) && !strcmp(a->version, b->version) &&
               !strcmp(a->info, b->info) && !strcmp(a->hostname, b->hostname) &&
               !strcmp(a->ostype, b->ostype) && !strcmp(a->devicetype, b->devicetype) &&
               !strcmp(a->cpe_a, b->cpe_a) && !strcmp(a->cpe_h, b->cpe_h) &&
               !strcmp(a->cpe_o, b->cpe_o));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const struct vscan_probe *probe = &db->probes[data[0] % db->probe_count];
    size_t len = size - 1;
    /* An exactly-sized copy: ASan sees any read past the response. */
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) abort();
    if (len) memcpy(buf, data + 1, len);

    static struct vscan_result r, r2;
    bool hit = vscan_match_response(fast, probe, buf, len, &r);
    check_result(probe, hit, &r);
    if (hit) {
        count_hit(&r);
        check_sanitized(&r);
    }
    bool hit2 = vscan_match_response(unscreened, probe, buf, len, &r2);
    check_same(&r, hit, &r2, hit2);
    /* The interpreter is slow on long responses; short ones suffice for
     * a differential check of the JIT. */
    if (len <= 512) {
        hit2 = vscan_match_response(interpreter, probe, buf, len, &r2);
        check_result(probe, hit2, &r2);
        check_same(&r, hit, &r2, hit2);
    }
    free(buf);
    return 0;
}
