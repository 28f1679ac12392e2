// SPDX-License-Identifier: MIT
// Hosts-file names (see hosts_file.h): read once into an array sorted by
// address, so a lookup is a binary search even for the hundred-thousand-
// line files that ad blockers install.
#include "dns/hosts_file.h"

#include <stdlib.h>
#include <string.h>

static const char BLANKS[] = " \t\r\n\v\f";

static int cmp_addr(const struct net_addr *a, const struct net_addr *b)
{
    if (a->family != b->family) return a->family < b->family ? -1 : 1;
    size_t n = a->family == AF_INET ? 4 : 16;
    return memcmp(a->bytes, b->bytes, n);
}

static int cmp_entry(const void *x, const void *y)
{
    const struct hosts_entry *a = x, *b = y;
    int c = cmp_addr(&a->addr, &b->addr);
    if (c != 0) return c;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* The address and first name of one line, cut in place. */
static int parse_line(char *line, struct net_addr *addr, char **name)
{
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    char *save = NULL;
    char *a = strtok_r(line, BLANKS, &save);
    char *n = a ? strtok_r(NULL, BLANKS, &save) : NULL;
    if (!n || net_addr_parse(a, AF_UNSPEC, addr) != 0) return -1;
    addr->scope_id = 0;
    *name = n;
    return 0;
}

int hosts_file_read(FILE *fp, struct hosts_file *out)
{
    out->v = NULL;
    out->n = 0;
    size_t cap = 0, lineno = 0;
    char *line = NULL;
    size_t line_cap = 0;
    int rc = 0;
    while (getline(&line, &line_cap, fp) >= 0) {
        lineno++;
        struct net_addr addr;
        char *name;
        if (parse_line(line, &addr, &name) != 0) continue;
        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct hosts_entry *nv = realloc(out->v, ncap * sizeof *nv);
            if (!nv) {
                rc = -1;
                break;
            }
            out->v = nv;
            cap = ncap;
        }
        char *copy = strdup(name);
        if (!copy) {
            rc = -1;
            break;
        }
        out->v[out->n++] = (struct hosts_entry){.addr = addr, .name = copy, .line = lineno};
    }
    free(line);
    if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, cmp_entry);
    return rc;
}

int hosts_file_load(const char *path, struct hosts_file *out)
{
    out->v = NULL;
    out->n = 0;
    FILE *fp = fopen(path, "re");
    if (!fp) return 0;
    int rc = hosts_file_read(fp, out);
    fclose(fp);
    return rc;
}

const char *hosts_file_lookup(const struct hosts_file *h, const struct net_addr *addr)
{
    size_t lo = 0, hi = h->n;
    /* The first entry not below addr: the earliest line for it, if any. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_addr(&h->v[mid].addr, addr) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < h->n && cmp_addr(&h->v[lo].addr, addr) == 0) return h->v[lo].name;
    return NULL;
}

void hosts_file_free(struct hosts_file *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->v[i].name);
    free(h->v);
    h->v = NULL;
    h->n = 0;
}
