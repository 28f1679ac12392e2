// SPDX-License-Identifier: MIT
// The nmap-services parser on arbitrary text, and the frequency parser on
// its own. A parsed table must be consistent (lookups find the first entry
// of each port/protocol, names are sane tokens, frequencies lie in [0, 1]);
// a rejected one must say "label:line: what".
#include <math.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include "data/services.h"
#include "data/services_fast.h"
#include "data/services_num.h"
#include "fuzz_common.h"

#define LABEL "fuzz-services"

static void check_entry(const struct services_db *db, const struct service_entry *e)
{
    size_t n = strlen(e->name);
    FUZZ_CHECK(n > 0 && n <= 127);
    FUZZ_CHECK(strpbrk(e->name, " \t\r\n\v\f") == NULL);
    FUZZ_CHECK(e->proto < PROTO_IP);
    FUZZ_CHECK(isfinite(e->frequency) && e->frequency >= 0.0 && e->frequency <= 1.0);
    FUZZ_CHECK(services_name(db, e->port, (enum proto_index)e->proto) == e->name);
}

/* "fuzz-services:N: message" with 1 <= N <= the number of lines. */
/* The input as a file (memfd), for the loader that maps files. */
static int as_file(const uint8_t *data, size_t size, char *path, size_t pathlen)
{
    int fd = memfd_create("fuzz-services", MFD_CLOEXEC);
    if (fd < 0) abort();
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) abort();
        done += (size_t)n;
    }
    snprintf(path, pathlen, "/proc/self/fd/%d", fd);
    return fd;
}

/* The ports a subset load keeps: a fixed few, plus the first entries the
 * full parse found, so the kept set usually overlaps the file. */
static void wanted_ports(const struct service_entry *e, size_t count, struct port_list *pl,
                         uint16_t store[PROTO_COUNT][8])
{
    static const uint16_t fixed[] = {7, 22, 80};
    memset(pl, 0, sizeof *pl);
    for (unsigned p = 0; p < PROTO_IP; p++) {
        pl->ports[p] = store[p];
        for (size_t i = 0; i < 3; i++)
            store[p][pl->count[p]++] = fixed[i];
    }
    for (size_t i = 0; i < count && i < 4; i++)
        store[e[i].proto][pl->count[e[i].proto]++] = e[i].port;
}

/* services_load_ports validates the same lines and keeps the same names
 * for the ports it was asked for, and no others. */
static void check_subset(const uint8_t *data, size_t size, const struct services_db *full,
                         const char *full_err)
{
    size_t count = 0;
    const struct service_entry *e = services_entries(full, &count);
    struct port_list pl;
    uint16_t store[PROTO_COUNT][8];
    wanted_ports(e, count, &pl, store);
    char path[64], err[512] = "";
    int fd = as_file(data, size, path, sizeof path);
    struct services_db *sub = services_load_ports(path, &pl, err, sizeof err);
    close(fd);
    FUZZ_CHECK((sub != NULL) == (full != NULL));
    if (!sub) {
        /* Same "line: what" after the differing labels. */
        FUZZ_CHECK(strncmp(err, path, strlen(path)) == 0);
        FUZZ_CHECK(strcmp(strchr(err + strlen(path), ':'), strchr(full_err, ':')) == 0);
        return;
    }
    size_t sub_count = 0;
    const struct service_entry *se = services_entries(sub, &sub_count);
    FUZZ_CHECK(sub_count <= count);
    for (size_t i = 0; i < sub_count; i++) {
        const char *name = services_name(full, se[i].port, (enum proto_index)se[i].proto);
        FUZZ_CHECK(name && strcmp(name, se[i].name) == 0);
    }
    for (unsigned p = 0; p < PROTO_IP; p++)
        for (size_t i = 0; i < pl.count[p]; i++) {
            const char *a = services_name(full, pl.ports[p][i], (enum proto_index)p);
            const char *b = services_name(sub, pl.ports[p][i], (enum proto_index)p);
            FUZZ_CHECK((a == NULL) == (b == NULL) && (!a || strcmp(a, b) == 0));
        }
    FUZZ_CHECK(services_has_frequencies(sub) == services_has_frequencies(full));
    services_free(sub);
}

/* services_load_protos keeps exactly the full table's entries of the
 * chosen protocols (which depend on the input), in order. */
static void check_protocols(const uint8_t *data, size_t size, const struct services_db *full,
                            const char *full_err)
{
    bool protos[PROTO_COUNT] = {0};
    for (unsigned p = 0; p < PROTO_IP; p++)
        protos[p] = size > p && (data[p] & 1);
    char path[64], err[512] = "";
    int fd = as_file(data, size, path, sizeof path);
    struct services_db *sub = services_load_protos(path, protos, err, sizeof err);
    close(fd);
    FUZZ_CHECK((sub != NULL) == (full != NULL));
    if (!sub) {
        FUZZ_CHECK(strcmp(strchr(err + strlen(path), ':'), strchr(full_err, ':')) == 0);
        return;
    }
    size_t count = 0, sub_count = 0, k = 0;
    const struct service_entry *e = services_entries(full, &count);
    const struct service_entry *se = services_entries(sub, &sub_count);
    for (size_t i = 0; i < count; i++) {
        if (!protos[e[i].proto]) continue;
        FUZZ_CHECK(k < sub_count && se[k].port == e[i].port && se[k].proto == e[i].proto &&
                   strcmp(se[k].name, e[i].name) == 0 && se[k].frequency == e[i].frequency);
        k++;
    }
    FUZZ_CHECK(k == sub_count);
    FUZZ_CHECK(services_has_frequencies(sub) == services_has_frequencies(full));
    services_free(sub);
}

/* The loader (fast path and full parser) and the full parser alone agree:
 * the same error, or the same entries in the same order. */
static void check_against_reference(const uint8_t *data, size_t size, const struct services_db *db,
                                    const char *err)
{
    char ref_err[512] = "";
    struct services_db *ref =
        services_parse_reference((const char *)data, size, LABEL, ref_err, sizeof ref_err);
    FUZZ_CHECK((db == NULL) == (ref == NULL));
    if (!db) {
        FUZZ_CHECK(strcmp(err, ref_err) == 0);
        return;
    }
    size_t n = 0, rn = 0;
    const struct service_entry *e = services_entries(db, &n);
    const struct service_entry *r = services_entries(ref, &rn);
    FUZZ_CHECK(n == rn);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(strcmp(e[i].name, r[i].name) == 0 && e[i].port == r[i].port &&
                   e[i].proto == r[i].proto && e[i].frequency == r[i].frequency);
    FUZZ_CHECK(services_has_frequencies(db) == services_has_frequencies(ref));
    services_free(ref);
}

static void check_db(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1); /* unterminated: the length rules */
    if (!text) abort();
    if (size) memcpy(text, data, size);
    char err[512] = "";
    struct services_db *db = services_parse(text, size, LABEL, err, sizeof err);
    free(text);
    if (!db) {
        fuzz_check_line_error(err, LABEL, data, size);
    } else {
        size_t count;
        const struct service_entry *e = services_entries(db, &count);
        for (size_t i = 0; i < count; i++)
            check_entry(db, &e[i]);
    }
    check_subset(data, size, db, err);
    check_protocols(data, size, db, err);
    check_against_reference(data, size, db, err);
    services_free(db);
}

/* One line the fast path read must be one the full parser reads the same
 * way: one entry with the same name, port, protocol and frequency, and the
 * line ends at its first newline. */
static void check_fast_entry(const struct services_fast_line *fl, const char *end)
{
    const char *nl = memchr(fl->name, '\n', (size_t)(end - fl->name));
    FUZZ_CHECK(nl && fl->next == nl + 1);
    char err[512] = "";
    struct services_db *one =
        services_parse_reference(fl->name, (size_t)(fl->next - fl->name), LABEL, err, sizeof err);
    FUZZ_CHECK(one != NULL);
    size_t count = 0;
    const struct service_entry *e = services_entries(one, &count);
    FUZZ_CHECK(count == 1);
    FUZZ_CHECK(strlen(e->name) == fl->name_len && memcmp(e->name, fl->name, fl->name_len) == 0);
    FUZZ_CHECK(e->port == fl->port && e->proto == fl->proto);
    double freq = -1;
    FUZZ_CHECK(services_parse_ratio(fl->frequency, 8, &freq) == SERVICES_RATIO_OK);
    FUZZ_CHECK(freq == e->frequency);
    services_free(one);
}

struct run_check {
    const char *end;
    char *expect; /* where the next line read must start */
};

static void check_run_line(void *ctx, const struct services_fast_line *fl)
{
    struct run_check *rc = ctx;
    FUZZ_CHECK(fl->name == rc->expect); /* lines in order, none skipped */
    check_fast_entry(fl, rc->end);
    rc->expect = fl->next;
}

/* The fast path, line by line and in runs over the whole text (as the
 * loader reads it): every line it takes checks out, and a run stops only
 * at a line start. */
static void check_fast_path(const uint8_t *data, size_t size)
{
    /* A file with a NUL byte is refused before any line is read. */
    if (memchr(data, '\0', size)) return;
    char *text = malloc(size + 1);
    if (!text) abort();
    if (size) memcpy(text, data, size);
    text[size] = '\0';
    char *end = text + size;
    for (char *p = text; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *next = nl ? nl + 1 : end;
        struct services_fast_line fl;
        if (services_fast_line(p, end, &fl) == 0) {
            FUZZ_CHECK(fl.next == next);
            check_fast_entry(&fl, end);
        }
        p = next;
    }
    for (char *p = text; p < end;) {
        struct run_check rc = {.end = end, .expect = p};
        struct services_fast_walk walk = {.emit = check_run_line, .ctx = &rc};
        size_t lines = 0;
        char *stop = services_fast_run(p, end, &walk, &lines);
        FUZZ_CHECK(stop == rc.expect && stop <= end);
        FUZZ_CHECK((lines == 0) == (stop == p));
        /* The line it stopped at is the full parser's; go on after it. */
        char *nl = stop < end ? memchr(stop, '\n', (size_t)(end - stop)) : NULL;
        p = nl ? nl + 1 : end;
    }
    free(text);
}

static void check_ratio(const uint8_t *data, size_t size)
{
    char *exact = malloc(size ? size : 1);
    if (!exact) abort();
    if (size) memcpy(exact, data, size);
    double v = -1;
    int rc = services_parse_ratio(exact, size, &v);
    FUZZ_CHECK(rc >= SERVICES_RATIO_OK && rc <= SERVICES_RATIO_ABOVE_ONE);
    if (rc == SERVICES_RATIO_OK) FUZZ_CHECK(isfinite(v) && v >= 0.0 && v <= 1.0);
    free(exact);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_db(data, size);
    check_fast_path(data, size);
    check_ratio(data, size < 64 ? size : 64);
    return 0;
}
