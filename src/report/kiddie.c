// SPDX-License-Identifier: MIT
// -oS: nmap writes every normal-output line (its LOG_PLAIN) also to the
// kiddie log, except the "# ..." file header and trailer, which are
// LOG_NORMAL only, taking the terminal's "Starting ..." and "Nmap done:"
// lines instead; terminal-only lines (-v progress, hints) stay out. So the
// normal writer renders each event as for the terminal, into memory, and
// the text is transformed on its way to the file.
#include "report/kiddie.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cli/plan.h"
#include "report/textfmt.h"
#include "report/writer.h"

void kiddie_seed(struct kiddie_rng *rng, uint64_t seed)
{
    rng->state = seed;
}

/* splitmix64 (Steele, Lea, Flood 2014): small, fast, good enough for a
 * joke output, and every bit of its result is usable. */
static uint64_t next_random(struct kiddie_rng *rng)
{
    uint64_t z = (rng->state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* nmap's substitution table; `next` is the byte after c (0 at the end). */
static char leet(char c, char next, uint64_t r)
{
    switch (c) {
    case 'A':
        return '4';
    case 'e':
    case 'E':
        return '3';
    case 'i':
    case 'I':
        return "!|1"[(r >> 8) % 3];
    case 'o':
    case 'O':
        return '0';
    case 's':
    case 'S':
        return next && !isalnum((unsigned char)next) ? 'z' : '$';
    case 'z':
        return 's';
    case 'Z':
        return 'S';
    default:
        return c;
    }
}

void kiddie_transform(char *text, size_t len, struct kiddie_rng *rng)
{
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        uint64_t r = next_random(rng);
        if ((r & 1) == 0) {
            text[i] = leet(c, i + 1 < len ? text[i + 1] : '\0', r);
        } else if ((r >> 16) % 3 == 0) {
            if (c >= 'A' && c <= 'Z')
                text[i] = (char)(c - 'A' + 'a');
            else if (c >= 'a' && c <= 'z')
                text[i] = (char)(c - 'a' + 'A');
        }
    }
}

/* The normal writer renders into memory; the text is flipped and written. */
struct capture {
    struct writer inner;
    char *buf;
    size_t len;
};

static int capture_open(struct capture *c)
{
    *c = (struct capture){0};
    FILE *mem = open_memstream(&c->buf, &c->len);
    if (!mem) return -1;
    c->inner = (struct writer){.ops = &normal_writer_ops, .fp = mem, .interactive = true};
    return 0;
}

static int capture_emit(struct writer *w, struct capture *c, int rc)
{
    if (fclose(c->inner.fp) != 0) rc = -1;
    if (rc == 0 && c->len) {
        kiddie_transform(c->buf, c->len, w->state);
        fwrite(c->buf, 1, c->len, w->fp);
    }
    free(c->buf);
    if (flush_status(w->fp) != 0) return -1;
    return rc;
}

static uint64_t fresh_seed(void)
{
    uint64_t seed;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) == (ssize_t)sizeof seed) return seed;
    return (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

static int kiddie_run_begin(struct writer *w, const struct run *run)
{
    struct kiddie_rng *rng = malloc(sizeof *rng);
    if (!rng) return -1;
    kiddie_seed(rng, fresh_seed());
    w->state = rng;
    struct capture c;
    if (capture_open(&c) != 0) return -1;
    return capture_emit(w, &c, normal_writer_ops.run_begin(&c.inner, run));
}

static int kiddie_host_done(struct writer *w, const struct run *run, const struct host *h)
{
    struct capture c;
    if (!w->state || capture_open(&c) != 0) return -1;
    return capture_emit(w, &c, normal_writer_ops.host_done(&c.inner, run, h));
}

static int kiddie_pre_scripts(struct writer *w, const struct run *run)
{
    struct capture c;
    if (!w->state || capture_open(&c) != 0) return -1;
    return capture_emit(w, &c, normal_writer_ops.pre_scripts(&c.inner, run));
}

/* "Note: Host seems down ..." is a terminal hint in nmap (LOG_STDOUT); the
 * normal writer leaves it out when discovery was skipped, so the trailer
 * is rendered as for a -Pn run. A run that ended on a fatal error gets no
 * trailer, as nmap's fatal() writes to the normal log and stderr only. */
static int kiddie_run_end(struct writer *w, const struct run *run)
{
    if (!w->state && kiddie_run_begin(w, run) != 0) return -1;
    struct plan quiet_plan = *run->plan;
    quiet_plan.skip_discovery = true;
    struct run quiet_run = *run;
    quiet_run.plan = &quiet_plan;
    struct capture c;
    if (capture_open(&c) != 0) return -1;
    return capture_emit(w, &c, normal_writer_ops.run_end(&c.inner, &quiet_run));
}

static void kiddie_destroy(struct writer *w)
{
    free(w->state);
    w->state = NULL;
}

const struct writer_ops kiddie_writer_ops = {
    .name = "kiddie",
    .run_begin = kiddie_run_begin,
    .host_done = kiddie_host_done,
    .run_end = kiddie_run_end,
    .destroy = kiddie_destroy,
    .pre_scripts = kiddie_pre_scripts,
};
