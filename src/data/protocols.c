// SPDX-License-Identifier: MIT
// Every line is checked: a name of printable non-blank characters (no
// '#'), blanks, a decimal number 0-255, then optional blanks and a '#'
// comment; anything else stops the load with the line that broke it. A
// number named twice keeps its first name, as the first match is what a
// reader of the file would expect.
#include "data/protocols.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/lineerr.h"
#include "data/slurp.h"

/* The real file is about 8 KB; refuse something absurd. */
#define MAX_FILE_SIZE (1024u * 1024u)
#define N_PROTOS 256

struct protocols_db {
    const char *names[N_PROTOS];
    char *store; /* every name, NUL-terminated, one after the other */
    size_t n;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static bool name_char(char c)
{
    return (unsigned char)c > 0x20 && (unsigned char)c < 0x7f && c != '#';
}

/* One non-comment line; the name is copied to store + *used. */
static bool parse_line(struct line_error *p, struct protocols_db *db, const char *s, size_t len,
                       size_t *used)
{
    size_t i = 0;
    while (i < len && is_blank(s[i]))
        i++;
    size_t name = i;
    while (i < len && name_char(s[i]))
        i++;
    size_t name_len = i - name;
    if (name_len == 0) return line_error_fail(p, "bad character in the protocol name");
    if (name_len > PROTOCOLS_NAME_MAX)
        return line_error_fail(p, "protocol name longer than %d bytes", PROTOCOLS_NAME_MAX);
    if (i == len || !is_blank(s[i])) return line_error_fail(p, "no blank after the protocol name");
    while (i < len && is_blank(s[i]))
        i++;
    if (i == len || s[i] < '0' || s[i] > '9') return line_error_fail(p, "no protocol number");
    unsigned num = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        num = num * 10 + (unsigned)(s[i] - '0');
        if (num >= N_PROTOS) return line_error_fail(p, "protocol number above 255");
        i++;
    }
    size_t after = i;
    while (i < len && is_blank(s[i]))
        i++;
    if (i < len && (s[i] != '#' || i == after))
        return line_error_fail(p, "unexpected text after the protocol number");
    if (db->names[num]) return true; /* the first name stays */
    memcpy(db->store + *used, s + name, name_len);
    db->store[*used + name_len] = '\0';
    db->names[num] = db->store + *used;
    *used += name_len + 1;
    db->n++;
    return true;
}

static bool is_skipped(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && is_blank(s[i]))
        i++;
    return i == len || s[i] == '#';
}

struct protocols_db *protocols_parse(const char *text, size_t len, const char *label, char *err,
                                     size_t errlen)
{
    struct line_error p = {.label = label, .err = err, .errlen = errlen};
    if (len > MAX_FILE_SIZE) return line_error_fail(&p, "file larger than %u bytes", MAX_FILE_SIZE);
    struct protocols_db *db = calloc(1, sizeof *db);
    if (db) db->store = malloc(len + 1);
    if (!db || !db->store) {
        protocols_free(db);
        return line_error_fail(&p, "out of memory");
    }
    size_t used = 0, pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t llen = nl ? (size_t)(nl - (text + pos)) : len - pos;
        p.lineno++;
        bool ok = true;
        if (memchr(text + pos, '\0', llen))
            ok = line_error_fail(&p, "NUL byte in the line");
        else if (!is_skipped(text + pos, llen))
            ok = parse_line(&p, db, text + pos, llen, &used);
        if (!ok) {
            protocols_free(db);
            return NULL;
        }
        pos += llen + 1;
    }
    return db;
}

struct protocols_db *protocols_load(const char *path, char *err, size_t errlen)
{
    size_t size = 0;
    char *text = slurp_file(path, MAX_FILE_SIZE, &size, err, errlen);
    if (!text) return NULL;
    struct protocols_db *db = protocols_parse(text, size, path, err, errlen);
    free(text);
    return db;
}

void protocols_free(struct protocols_db *db)
{
    if (!db) return;
    free(db->store);
    free(db);
}

size_t protocols_count(const struct protocols_db *db)
{
    return db ? db->n : 0;
}

const char *protocols_name(const struct protocols_db *db, uint8_t proto)
{
    return db ? db->names[proto] : NULL;
}

const char *const *protocols_names(const struct protocols_db *db)
{
    return db ? db->names : NULL;
}
