// SPDX-License-Identifier: MIT
// nmap sorts nmap-services by frequency with a stable sort (std::list::sort)
// and takes the first N of each protocol, so among equal frequencies the
// earlier line in the file wins. The 1000th and 1001st TCP ports of 7.93
// tie (0.000152), so this rule decides the default scan. The result is the
// same set as that sort, found in linear time: the N-th largest frequency T
// by quickselect, then every port above T and the first ones equal to T.
#include "scan/topports.h"

#include <stdbool.h>
#include <stdlib.h>

#include "data/services.h"
#include "scan/portspec.h"

static void swap(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

static double median3(double a, double b, double c)
{
    if ((a <= b && b <= c) || (c <= b && b <= a)) return b;
    if ((b <= a && a <= c) || (c <= a && a <= b)) return a;
    return c;
}

/* The k-th largest value (k from 1) of v[0..n), reordering v. Three-way
 * partitioning keeps it linear with the thousands of 0.000000 entries. */
static double kth_largest(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n, target = k - 1;
    while (hi - lo > 1) {
        double pivot = median3(v[lo], v[lo + (hi - lo) / 2], v[hi - 1]);
        size_t gt_end = lo, i = lo, lt_start = hi;
        while (i < lt_start) {
            if (v[i] > pivot)
                swap(&v[gt_end++], &v[i++]);
            else if (v[i] < pivot)
                swap(&v[i], &v[--lt_start]);
            else
                i++;
        }
        if (target < gt_end)
            hi = gt_end;
        else if (target >= lt_start)
            lo = lt_start;
        else
            return pivot;
    }
    return v[lo];
}

struct candidates {
    const struct service_entry **e; /* file order */
    double *freq;                   /* scratch for the selection */
    size_t n;
};

static void collect(const struct service_entry *all, size_t count, unsigned proto,
                    const uint8_t *restrict_to, struct candidates *c)
{
    uint8_t bit = (uint8_t)PORTSPEC_BIT(proto);
    c->n = 0;
    for (size_t i = 0; i < count; i++) {
        if (all[i].proto != proto) continue;
        if (restrict_to && !(restrict_to[all[i].port] & bit)) continue;
        c->e[c->n] = &all[i];
        c->freq[c->n] = all[i].frequency;
        c->n++;
    }
}

static void mark_ratio(const struct candidates *c, double level, uint8_t bit, uint8_t *table)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->e[i]->frequency >= level) table[c->e[i]->port] |= bit;
}

static void mark_top(struct candidates *c, size_t want, uint8_t bit, uint8_t *table)
{
    if (c->n <= want) {
        mark_ratio(c, 0.0, bit, table);
        return;
    }
    double threshold = kth_largest(c->freq, c->n, want);
    size_t above = 0;
    for (size_t i = 0; i < c->n; i++)
        above += c->e[i]->frequency > threshold;
    size_t ties = want - above;
    for (size_t i = 0; i < c->n; i++) {
        double f = c->e[i]->frequency;
        if (f > threshold || (f == threshold && ties > 0)) {
            table[c->e[i]->port] |= bit;
            ties -= f == threshold;
        }
    }
}

int topports_select(const struct services_db *db, double level, unsigned protos,
                    const uint8_t *restrict_to, uint8_t *table)
{
    size_t count = 0;
    const struct service_entry *all = services_entries(db, &count);
    if (count == 0) return 0;
    struct candidates c = {malloc(count * sizeof *c.e), malloc(count * sizeof *c.freq), 0};
    if (!c.e || !c.freq) {
        free(c.e);
        free(c.freq);
        return -1;
    }
    for (unsigned proto = PROTO_TCP; proto <= PROTO_SCTP; proto++) {
        if (!(protos & PORTSPEC_BIT(proto))) continue;
        collect(all, count, proto, restrict_to, &c);
        if (level < 1)
            mark_ratio(&c, level, (uint8_t)PORTSPEC_BIT(proto), table);
        else
            mark_top(&c, (size_t)level, (uint8_t)PORTSPEC_BIT(proto), table);
    }
    free(c.e);
    free(c.freq);
    return 0;
}
