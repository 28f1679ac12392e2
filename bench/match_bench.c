// SPDX-License-Identifier: MIT
// Version-detection matcher benchmark. Loads nmap-service-probes, compiles
// every match line with PCRE2, and times the lookup of each recorded
// response in bench/banners/<Probe>/<name> (the directory names the probe
// that elicits it) the way nmap does it: the probe's lines, its fallbacks,
// then the NULL probe's, first match wins. Columns (microseconds, median of
// RUNS runs, each run long enough to time):
//   jit       JIT code and the first-byte/length screen (cmap's default)
//   interp    the PCRE2 interpreter with the screen
//   noscreen  JIT code, every line entering pcre2_match
//   all-lines JIT, every one of the file's lines tried (no early exit)
//
// usage: match_bench [nmap-service-probes [banners-dir]]
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/match.h"

#define RUNS 7
#define MIN_RUN_SECONDS 0.002
#define MAX_BANNER (64u * 1024u)
#define MAX_BANNERS 256

struct banner {
    char probe[256], name[256];
    uint8_t *data;
    size_t len;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_banner(const void *a, const void *b)
{
    const struct banner *x = a, *y = b;
    int c = strcmp(x->probe, y->probe);
    return c ? c : strcmp(x->name, y->name);
}

static void on_fail(void *ud, const struct vscan_match *m, const char *msg)
{
    (void)ud;
    printf("  line %u: %s: m|%s|\n", m->line, msg, m->pattern);
}

static int read_banner(const char *dir, const char *probe, const char *name, struct banner *b)
{
    if (strlen(probe) >= sizeof b->probe || strlen(name) >= sizeof b->name) return -1;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", dir, probe, name);
    FILE *fp = fopen(path, "rb");
    if (!fp) return -1;
    b->data = malloc(MAX_BANNER);
    b->len = b->data ? fread(b->data, 1, MAX_BANNER, fp) : 0;
    fclose(fp);
    strcpy(b->probe, probe);
    strcpy(b->name, name);
    return b->data ? 0 : -1;
}

/* Every regular file one level below dir; returns the count. */
static size_t read_banners(const char *dir, struct banner *out)
{
    size_t n = 0;
    DIR *top = opendir(dir);
    if (!top) return 0;
    struct dirent *p;
    while ((p = readdir(top)) && n < MAX_BANNERS) {
        if (p->d_name[0] == '.') continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", dir, p->d_name);
        DIR *d = opendir(sub);
        if (!d) continue;
        struct dirent *f;
        while ((f = readdir(d)) && n < MAX_BANNERS)
            if (f->d_name[0] != '.' && read_banner(dir, p->d_name, f->d_name, &out[n]) == 0) n++;
        closedir(d);
    }
    closedir(top);
    qsort(out, n, sizeof *out, cmp_banner);
    return n;
}

struct job {
    struct vscan_matcher *m;
    const struct vscan_db *db;
    const struct vscan_probe *probe; /* NULL: every line of the file */
    const struct banner *b;
    struct vscan_result r;
};

static void run_once(struct job *j)
{
    if (j->probe) {
        vscan_match_response(j->m, j->probe, j->b->data, j->b->len, &j->r);
        return;
    }
    for (size_t i = 0; i < j->db->probe_count; i++)
        vscan_match_probe(j->m, &j->db->probes[i], j->b->data, j->b->len, &j->r);
}

/* Median microseconds per lookup. */
static double time_job(struct job *j)
{
    size_t iters = 1;
    for (;;) {
        double t0 = now_s();
        for (size_t i = 0; i < iters; i++)
            run_once(j);
        if (now_s() - t0 >= MIN_RUN_SECONDS || iters >= (1u << 20)) break;
        iters *= 2;
    }
    double runs[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_s();
        for (size_t i = 0; i < iters; i++)
            run_once(j);
        runs[r] = (now_s() - t0) / (double)iters * 1e6;
    }
    qsort(runs, RUNS, sizeof runs[0], cmp_double);
    return runs[RUNS / 2];
}

static struct vscan_db *load(const char *path, unsigned flags, double *parse_ms, double *compile_ms)
{
    char err[512];
    double t0 = now_s();
    struct vscan_db *db = vscan_load(path, err, sizeof err);
    double t1 = now_s();
    if (!db) {
        fprintf(stderr, "match_bench: %s\n", err);
        return NULL;
    }
    long failed = vscan_compile(db, flags, flags ? NULL : on_fail, NULL);
    *parse_ms = (t1 - t0) * 1e3;
    *compile_ms = (now_s() - t1) * 1e3;
    if (failed < 0) {
        fprintf(stderr, "match_bench: out of memory\n");
        vscan_free(db);
        return NULL;
    }
    if (!flags) {
        size_t total = db->match_count + db->softmatch_count;
        printf("%zu probes, %zu match + %zu softmatch lines: %zu compiled, %ld failed%s\n",
               db->probe_count, db->match_count, db->softmatch_count, total - (size_t)failed,
               failed, vscan_jit_active(db) ? ", JIT on" : ", JIT unavailable");
    }
    return db;
}

static const struct vscan_probe *banner_probe(const struct vscan_db *db, const char *name)
{
    const struct vscan_probe *p = vscan_probe_by_name(db, name, PROTO_TCP);
    return p ? p : vscan_probe_by_name(db, name, PROTO_UDP);
}

static void print_row(const struct banner *b, const double us[4], const struct vscan_result *r)
{
    int w = printf("%s/%s", b->probe, b->name);
    printf("%*s %5zu %9.1f %9.1f %9.1f %9.1f  ", w < 36 ? 36 - w : 0, "", b->len, us[0], us[1],
           us[2], us[3]);
    if (r->match)
        printf("%s%s %s %s (line %u)\n", r->match->soft ? "soft " : "", r->match->service,
               r->product, r->version, r->match->line);
    else
        printf("(no match)\n");
}

static int bench(const struct vscan_db *db, const struct banner *bs, size_t n)
{
    static const unsigned modes[3] = {0, VSCAN_MATCH_NO_JIT, VSCAN_MATCH_NO_PREFILTER};
    struct vscan_matcher *m[3];
    for (int i = 0; i < 3; i++)
        if (!(m[i] = vscan_matcher_new(db, modes[i]))) return 1;
    printf("\n%-36s %5s %9s %9s %9s %9s  %s\n", "banner", "bytes", "jit", "interp", "noscreen",
           "all-lines", "result");
    double sum[4] = {0};
    for (size_t i = 0; i < n; i++) {
        const struct vscan_probe *p = banner_probe(db, bs[i].probe);
        if (!p) {
            printf("%s/%s: no probe named %s\n", bs[i].probe, bs[i].name, bs[i].probe);
            continue;
        }
        double us[4];
        struct job j = {.db = db, .probe = p, .b = &bs[i]};
        for (int k = 0; k < 3; k++) {
            j.m = m[k];
            us[k] = time_job(&j);
        }
        struct vscan_result found = j.r;
        struct job all = {.m = m[0], .db = db, .b = &bs[i]};
        us[3] = time_job(&all);
        print_row(&bs[i], us, &found);
        for (int k = 0; k < 4; k++)
            sum[k] += us[k];
    }
    printf("%-36s %5s %9.1f %9.1f %9.1f %9.1f\n", "total", "", sum[0], sum[1], sum[2], sum[3]);
    for (int i = 0; i < 3; i++)
        vscan_matcher_free(m[i]);
    return 0;
}

int main(int argc, char **argv)
{
    const char *file = argc > 1 ? argv[1] : "/usr/share/nmap/nmap-service-probes";
    const char *dir = argc > 2 ? argv[2] : "bench/banners";
    double parse_ms, jit_ms, interp_parse_ms, interp_ms;
    struct vscan_db *plain = load(file, VSCAN_COMPILE_NO_JIT, &interp_parse_ms, &interp_ms);
    vscan_free(plain);
    struct vscan_db *db = load(file, 0, &parse_ms, &jit_ms);
    if (!plain || !db) return 1;
    printf("parse %.1f ms; compile %.1f ms interpreted only, %.1f ms with JIT\n", parse_ms,
           interp_ms, jit_ms);
    static struct banner bs[MAX_BANNERS];
    size_t n = read_banners(dir, bs);
    if (n == 0) {
        fprintf(stderr, "match_bench: no banners under %s\n", dir);
        vscan_free(db);
        return 1;
    }
    int rc = bench(db, bs, n);
    for (size_t i = 0; i < n; i++)
        free(bs[i].data);
    vscan_free(db);
    return rc;
}
