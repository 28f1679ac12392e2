// SPDX-License-Identifier: MIT
// Every byte of the file is checked: a prefix is 6 to 12 hex digits, then
// blanks, then a vendor name of printable characters; anything else stops
// the load with the line that broke it. Entries are kept sorted by
// (prefix length, value) so a lookup is one binary search per length.
#include "data/macprefixes.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/lineerr.h"
#include "data/slurp.h"

#define MIN_DIGITS 6
#define MAX_DIGITS 12
/* The real file is under 1 MB; refuse something absurd. */
#define MAX_FILE_SIZE (16u * 1024u * 1024u)
#define MAX_VENDOR 255

struct mac_entry {
    uint64_t value; /* the prefix's digits as a number */
    uint8_t digits;
    uint32_t vendor; /* offset into names */
};

struct mac_prefixes {
    struct mac_entry *entries;
    size_t n;
    char *names;
    uint16_t lengths; /* bit d set: some prefix has d digits */
};

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct mac_entry *x = a, *y = b;
    if (x->digits != y->digits) return x->digits < y->digits ? -1 : 1;
    return x->value < y->value ? -1 : x->value > y->value;
}

/* One non-comment line into e; the vendor is copied to names + *used. */
static bool parse_line(struct line_error *p, const char *s, size_t len, struct mac_entry *e,
                       char *names, size_t *used)
{
    size_t i = 0;
    uint64_t v = 0;
    while (i < len && hexval(s[i]) >= 0) {
        if (i == MAX_DIGITS) return line_error_fail(p, "prefix longer than %d hex digits", MAX_DIGITS);
        v = v << 4 | (uint64_t)hexval(s[i]);
        i++;
    }
    if (i < MIN_DIGITS)
        return line_error_fail(p, "prefix must be %d to %d hex digits", MIN_DIGITS, MAX_DIGITS);
    uint8_t digits = (uint8_t)i;
    if (i == len || (s[i] != ' ' && s[i] != '\t')) return line_error_fail(p, "no blank after the prefix");
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t end = len;
    while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r'))
        end--;
    if (end == i) return line_error_fail(p, "no vendor name");
    if (end - i > MAX_VENDOR) return line_error_fail(p, "vendor name longer than %d bytes", MAX_VENDOR);
    for (size_t k = i; k < end; k++)
        if (((unsigned char)s[k] < 0x20 && s[k] != '\t') || s[k] == 0x7f)
            return line_error_fail(p, "control character in the vendor name");
    *e = (struct mac_entry){.value = v, .digits = digits, .vendor = (uint32_t)*used};
    /* A tab inside the name becomes a space: names go into terminal and
     * grepable output, where a tab would read as a field separator. */
    for (size_t k = i; k < end; k++)
        names[*used + k - i] = s[k] == '\t' ? ' ' : s[k];
    names[*used + end - i] = '\0';
    *used += end - i + 1;
    return true;
}

static bool is_skipped(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
        i++;
    return i == len || s[i] == '#';
}

struct mac_prefixes *macprefixes_parse(const char *text, size_t len, const char *label, char *err,
                                       size_t errlen)
{
    struct line_error p = {.label = label, .err = err, .errlen = errlen};
    if (len > MAX_FILE_SIZE) return line_error_fail(&p, "file larger than %u bytes", MAX_FILE_SIZE);
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    struct mac_prefixes *db = calloc(1, sizeof *db);
    if (db) db->entries = calloc(lines, sizeof *db->entries);
    if (db) db->names = malloc(len + 1);
    if (!db || !db->entries || !db->names) {
        macprefixes_free(db);
        return line_error_fail(&p, "out of memory");
    }
    size_t used = 0, pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t llen = nl ? (size_t)(nl - (text + pos)) : len - pos;
        p.lineno++;
        if (memchr(text + pos, '\0', llen)) {
            macprefixes_free(db);
            return line_error_fail(&p, "NUL byte in the line");
        }
        if (!is_skipped(text + pos, llen)) {
            struct mac_entry *e = &db->entries[db->n];
            if (!parse_line(&p, text + pos, llen, e, db->names, &used)) {
                macprefixes_free(db);
                return NULL;
            }
            db->lengths |= (uint16_t)(1u << e->digits);
            db->n++;
        }
        pos += llen + 1;
    }
    qsort(db->entries, db->n, sizeof *db->entries, cmp_entry);
    return db;
}

struct mac_prefixes *macprefixes_load(const char *path, char *err, size_t errlen)
{
    size_t size = 0;
    char *text = slurp_file(path, MAX_FILE_SIZE, &size, err, errlen);
    if (!text) return NULL;
    struct mac_prefixes *db = macprefixes_parse(text, size, path, err, errlen);
    free(text);
    return db;
}

void macprefixes_free(struct mac_prefixes *db)
{
    if (!db) return;
    free(db->entries);
    free(db->names);
    free(db);
}

size_t macprefixes_count(const struct mac_prefixes *db)
{
    return db ? db->n : 0;
}

const char *macprefixes_vendor(const struct mac_prefixes *db, const uint8_t mac[6])
{
    if (!db) return NULL;
    uint64_t whole = 0;
    for (int i = 0; i < 6; i++)
        whole = whole << 8 | mac[i];
    for (int d = MAX_DIGITS; d >= MIN_DIGITS; d--) {
        if (!(db->lengths & (1u << d))) continue;
        struct mac_entry key = {.value = whole >> (4 * (MAX_DIGITS - d)), .digits = (uint8_t)d};
        const struct mac_entry *hit =
            bsearch(&key, db->entries, db->n, sizeof *db->entries, cmp_entry);
        if (hit) return db->names + hit->vendor;
    }
    return NULL;
}
