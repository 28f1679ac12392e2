// SPDX-License-Identifier: MIT
// The target iterator. Specs come from exactly one source, as in nmap's
// grab_next_host_spec: -iR if given, else the -iL file, else the command
// line (nmap ignores command-line targets when -iL is used); once that is
// exhausted, from the specs scripts added (nmap's NewTargets, read by its
// HostGroupState::next_expression). Each spec is walked by a cursor;
// addresses then pass the exclusions and --unique, and --randomize-hosts
// shuffles them in chunks.
#include "target/targets.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cli/plan.h"
#include "core/log.h"
#include "target/addrset.h"
#include "target/exclude.h"
#include "target/hostfile.h"
#include "target/randomip.h"
#include "target/specstart.h"

/* nmap's lookahead with --randomize-hosts is 4 * PING_GROUP_SZ (4096). */
#define SHUFFLE_CHUNK 16384

struct target_iter {
    const struct plan *plan;
    struct spec_context ctx;

    char *const *argv;
    size_t argc, argi;
    FILE *input;
    char spec_buf[HOSTFILE_SPEC_MAX];
    bool random_mode;
    long long random_left; /* -iR N; 0 means endless */
    struct random_ip rnd;
    bool source_done; /* the -iL file or the command line is exhausted */

    char **added; /* specs added while the run goes on (target_iter_add) */
    size_t n_added, added_pos, added_cap;

    struct spec_cursor cur;
    struct exclude_set *excl;
    struct seen_set seen;

    struct target *chunk; /* --randomize-hosts buffer */
    size_t chunk_n, chunk_pos;
    uint64_t shuffle_state;

    char *unresolved_last; /* last spec if it failed to resolve */
    size_t produced;

    target_filter_fn filter;
    void *filter_ctx;
};

struct target_iter *target_iter_open(const struct plan *plan)
{
    struct target_iter *it = calloc(1, sizeof *it);
    if (!it) abort();
    it->plan = plan;
    it->ctx.family = plan->address_family == AF_INET6 ? AF_INET6 : AF_INET;
    it->ctx.resolve_all = plan->resolve_all;
    it->ctx.verbosity = plan->verbosity;
    it->excl = exclude_new();
    it->argv = plan->targets;
    it->argc = plan->n_targets;
    if (plan->random_targets >= 0) {
        it->random_mode = true;
        it->random_left = plan->random_targets;
        random_ip_init(&it->rnd);
    } else if (plan->input_file) {
        if (strcmp(plan->input_file, "-") == 0) {
            it->input = stdin;
        } else if (!(it->input = fopen(plan->input_file, "r"))) {
            pfatal("Failed to open input file %s for reading", plan->input_file);
        }
    }
    return it;
}

static void add_exclude(struct target_iter *it, const char *spec)
{
    size_t len = strlen(spec) + 256;
    char *err = malloc(len);
    if (!err) abort();
    if (exclude_add_spec(it->excl, spec, it->ctx.family, err, len) < 0) fatal("%s", err);
    free(err);
}

static void load_exclude_file(struct target_iter *it, const char *path)
{
    FILE *fp = fopen(path, "r");
    char buf[HOSTFILE_SPEC_MAX];
    size_t n;
    if (!fp) pfatal("Failed to open exclude file %s for reading", path);
    while ((n = hostfile_next(fp, buf, sizeof buf)) > 0) {
        if (n >= sizeof buf)
            fatal("One of your exclude file specifications was too long to read (>= %u chars)",
                  (unsigned)sizeof buf);
        add_exclude(it, buf);
    }
    fclose(fp);
}

void target_iter_load_excludes(struct target_iter *it)
{
    for (size_t i = 0; i < it->plan->n_excludes; i++)
        add_exclude(it, it->plan->excludes[i]);
    if (it->plan->exclude_file) load_exclude_file(it, it->plan->exclude_file);
}

struct target_iter *target_iter_new(const struct plan *plan)
{
    struct target_iter *it = target_iter_open(plan);
    target_iter_load_excludes(it);
    return it;
}

void target_iter_set_filter(struct target_iter *it, target_filter_fn fn, void *ctx)
{
    it->filter = fn;
    it->filter_ctx = ctx;
}

void target_iter_set_skip_hook(struct target_iter *it, target_skip_fn fn, void *ctx)
{
    it->ctx.skip = fn;
    it->ctx.skip_ctx = ctx;
}

/* The next spec string from the command line or the -iL file; NULL at the
 * end. A spec too long for nmap's buffer ends the run as nmap's does. */
static const char *next_source_spec(struct target_iter *it)
{
    if (!it->input) return it->argi < it->argc ? it->argv[it->argi++] : NULL;
    size_t n = hostfile_next(it->input, it->spec_buf, sizeof it->spec_buf);
    if (n == 0) return NULL;
    if (n >= sizeof it->spec_buf) {
        error("One of the host specifications from your input file is too long (>= %u chars)",
              (unsigned)sizeof it->spec_buf);
        exit(EXIT_FATAL);
    }
    return it->spec_buf;
}

/* The run's own specs first (none with -iR, whose addresses come from
 * next_random), then those added since. */
static const char *next_spec(struct target_iter *it)
{
    if (!it->random_mode && !it->source_done) {
        const char *spec = next_source_spec(it);
        if (spec) return spec;
        it->source_done = true;
    }
    return it->added_pos < it->n_added ? it->added[it->added_pos++] : NULL;
}

void target_iter_add(struct target_iter *it, const char *spec)
{
    if (it->n_added == it->added_cap) {
        size_t cap = it->added_cap ? 2 * it->added_cap : 16;
        char **grown = realloc(it->added, cap * sizeof *grown);
        if (!grown) abort();
        it->added = grown;
        it->added_cap = cap;
    }
    if (!(it->added[it->n_added] = strdup(spec))) abort();
    it->n_added++;
}

/* Start the next spec that yields a walk; false when none is left. nmap
 * tries a name that failed once more when the specs run out after a batch
 * of targets, so its messages appear twice; we do the same. */
static bool advance_spec(struct target_iter *it)
{
    const char *spec;
    while ((spec = next_spec(it)) != NULL) {
        free(it->unresolved_last);
        it->unresolved_last = NULL;
        enum spec_outcome o = spec_start(&it->ctx, spec, &it->cur);
        if (o == SPEC_READY) return true;
        if (o == SPEC_UNRESOLVED && !(it->unresolved_last = strdup(spec))) abort();
    }
    cursor_reset(&it->cur);
    if (it->unresolved_last && it->produced > 0)
        spec_retry_unresolved(&it->ctx, it->unresolved_last);
    free(it->unresolved_last);
    it->unresolved_last = NULL;
    return false;
}

static bool wanted(struct target_iter *it, const struct net_addr *a)
{
    if (exclude_contains(it->excl, a)) return false;
    return !it->plan->unique || seen_set_add(&it->seen, a);
}

static int next_random(struct target_iter *it, struct target *out)
{
    uint32_t v;
    if (it->plan->random_targets > 0 && it->random_left == 0) return 0;
    while (random_ip_next(&it->rnd, &v)) {
        memset(out, 0, sizeof *out);
        net_addr_set_v4(&out->addr, v);
        if (!wanted(it, &out->addr)) continue;
        if (it->random_left > 0) it->random_left--;
        return 1;
    }
    return 0;
}

/* The next target in spec order, before any shuffling. */
static int next_ordered(struct target_iter *it, struct target *out)
{
    if (it->random_mode && next_random(it, out)) return 1;
    for (;;) {
        struct net_addr a;
        while (cursor_next(&it->cur, &a)) {
            if (!wanted(it, &a)) continue;
            cursor_describe(&it->cur, &a, out);
            it->produced++;
            return 1;
        }
        if (!advance_spec(it)) return 0;
    }
}

/* next_ordered, minus what the filter drops. */
static int next_kept(struct target_iter *it, struct target *out)
{
    while (next_ordered(it, out)) {
        if (!it->filter || it->filter(out, it->filter_ctx)) return 1;
        target_clear(out);
    }
    return 0;
}

static uint64_t shuffle_rand(struct target_iter *it)
{
    /* xorshift64*: plenty for ordering hosts; not for secrets. */
    uint64_t x = it->shuffle_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    it->shuffle_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static void refill_chunk(struct target_iter *it)
{
    if (!it->chunk) {
        it->chunk = calloc(SHUFFLE_CHUNK, sizeof *it->chunk);
        if (!it->chunk) abort();
        if (getrandom(&it->shuffle_state, sizeof it->shuffle_state, 0) < 0 || !it->shuffle_state)
            it->shuffle_state = 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)it;
    }
    it->chunk_n = it->chunk_pos = 0;
    while (it->chunk_n < SHUFFLE_CHUNK && next_kept(it, &it->chunk[it->chunk_n]))
        it->chunk_n++;
    for (size_t i = it->chunk_n; i > 1; i--) {
        size_t j = (size_t)(shuffle_rand(it) % i);
        struct target t = it->chunk[i - 1];
        it->chunk[i - 1] = it->chunk[j];
        it->chunk[j] = t;
    }
}

int target_iter_next(struct target_iter *it, struct target *out)
{
    if (!it->plan->randomize_hosts) return next_kept(it, out);
    if (it->chunk_pos == it->chunk_n) refill_chunk(it);
    if (it->chunk_pos == it->chunk_n) return 0;
    *out = it->chunk[it->chunk_pos++];
    return 1;
}

void target_iter_free(struct target_iter *it)
{
    if (!it) return;
    for (size_t i = it->chunk_pos; i < it->chunk_n; i++)
        target_clear(&it->chunk[i]);
    free(it->chunk);
    if (it->input && it->input != stdin) fclose(it->input);
    cursor_reset(&it->cur);
    exclude_free(it->excl);
    seen_set_free(&it->seen);
    free(it->unresolved_last);
    for (size_t i = 0; i < it->n_added; i++)
        free(it->added[i]);
    free(it->added);
    free(it);
}

void target_clear(struct target *t)
{
    free(t->name);
    free(t->others);
    memset(t, 0, sizeof *t);
}
