// SPDX-License-Identifier: MIT
// nmap-rpc and the few ONC RPC messages (RFC 5531) RPC grinding needs.
//
// nmap-rpc has /etc/rpc's shape: "name number aliases... # comment". nmap
// reads only the first two columns and skips any line that does not start
// with them; here a line that starts a name but has no valid number after
// it is an error with its line number, since a data file that says
// something unreadable should be fixed rather than half-used.
//
// Replies are parsed field by field against the remaining length; nothing
// in them is trusted, the verifier length included.
#include "data/slurp.h"
#include "service/rpc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The real file is 48 KB. */
#define MAX_FILE_SIZE (16u * 1024u * 1024u)
/* /etc/rpc names are short; anything longer is not a program name. */
#define MAX_NAME_LEN 64
/* RFC 5531: an opaque_auth body is at most 400 bytes. */
#define MAX_AUTH_BODY 400

#define MSG_CALL 0
#define MSG_REPLY 1
#define RPC_VERSION 2
#define MSG_ACCEPTED 0
#define MSG_DENIED 1
#define ACCEPT_SUCCESS 0
#define ACCEPT_PROG_UNAVAIL 1
#define ACCEPT_PROG_MISMATCH 2
#define ACCEPT_SYSTEM_ERR 5
#define REJECT_RPC_MISMATCH 0
#define REJECT_AUTH_ERROR 1
#define RECORD_LAST 0x80000000u

struct rpc_entry {
    uint32_t program;
    uint32_t name_off; /* into names */
    size_t line_order; /* position in the file, to keep the first duplicate */
};

struct rpc_db {
    struct rpc_entry *by_file; /* file order, first occurrence of each number */
    struct rpc_entry *by_num;  /* the same, sorted by number */
    size_t count, cap;
    char *names;
    size_t names_len, names_cap;
};

void rpc_db_free(struct rpc_db *db)
{
    if (!db) return;
    free(db->by_file);
    free(db->by_num);
    free(db->names);
    free(db);
}

size_t rpc_db_count(const struct rpc_db *db)
{
    return db ? db->count : 0;
}

uint32_t rpc_db_program(const struct rpc_db *db, size_t i)
{
    return db && i < db->count ? db->by_file[i].program : 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct rpc_entry *x = a, *y = b;
    if (x->program != y->program) return (x->program > y->program) - (x->program < y->program);
    return (x->line_order > y->line_order) - (x->line_order < y->line_order);
}

static int cmp_program(const void *a, const void *b)
{
    uint32_t x = ((const struct rpc_entry *)a)->program, y = ((const struct rpc_entry *)b)->program;
    return (x > y) - (x < y);
}

static const struct rpc_entry *find(const struct rpc_db *db, uint32_t program)
{
    if (!db || !db->by_num) return NULL;
    struct rpc_entry key = {.program = program};
    return bsearch(&key, db->by_num, db->count, sizeof key, cmp_program);
}

const char *rpc_db_name(const struct rpc_db *db, uint32_t program)
{
    const struct rpc_entry *e = find(db, program);
    return e ? db->names + e->name_off : NULL;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Appends an entry; duplicates go once the file is read. -1: no memory. */
static int add_entry(struct rpc_db *db, const char *name, size_t name_len, uint32_t program)
{
    if (db->names_len > UINT32_MAX - MAX_NAME_LEN - 1) return -1;
    if (db->count == db->cap) {
        size_t cap = db->cap ? db->cap * 2 : 256;
        struct rpc_entry *n = realloc(db->by_file, cap * sizeof *n);
        if (!n) return -1;
        db->by_file = n;
        db->cap = cap;
    }
    if (db->names_cap - db->names_len < name_len + 1) {
        size_t cap = db->names_cap ? db->names_cap : 4096;
        while (cap - db->names_len < name_len + 1)
            cap *= 2;
        char *n = realloc(db->names, cap);
        if (!n) return -1;
        db->names = n;
        db->names_cap = cap;
    }
    db->by_file[db->count] = (struct rpc_entry){program, (uint32_t)db->names_len, db->count};
    db->count++;
    memcpy(db->names + db->names_len, name, name_len);
    db->names[db->names_len + name_len] = '\0';
    db->names_len += name_len + 1;
    return 0;
}

/* One line (without its newline). 0 ok, -1 with err filled. */
static int parse_line(struct rpc_db *db, const char *s, size_t len, const char *label,
                      unsigned long lineno, char *err, size_t errlen)
{
    size_t i = 0;
    while (i < len && is_blank(s[i]))
        i++;
    if (i == len || s[i] == '#') return 0;
    size_t name_start = i;
    while (i < len && !is_blank(s[i]) && s[i] != '#')
        i++;
    size_t name_len = i - name_start;
    if (name_len > MAX_NAME_LEN) {
        snprintf(err, errlen, "%s:%lu: program name longer than %d characters", label, lineno,
                 MAX_NAME_LEN);
        return -1;
    }
    while (i < len && is_blank(s[i]))
        i++;
    if (i == len || s[i] == '#') {
        snprintf(err, errlen, "%s:%lu: program name without a number", label, lineno);
        return -1;
    }
    uint64_t program = 0;
    size_t digits = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
        program = program * 10 + (uint64_t)(s[i] - '0');
        if (program > UINT32_MAX) {
            snprintf(err, errlen, "%s:%lu: program number out of range (0-4294967295)", label,
                     lineno);
            return -1;
        }
    }
    if (digits == 0 || (i < len && !is_blank(s[i]) && s[i] != '#')) {
        snprintf(err, errlen, "%s:%lu: program number is not a decimal number", label, lineno);
        return -1;
    }
    /* The rest (aliases, comment) is not used. */
    if (add_entry(db, s + name_start, name_len, (uint32_t)program)) {
        snprintf(err, errlen, "%s:%lu: out of memory", label, lineno);
        return -1;
    }
    return 0;
}

/* The lookup index, and duplicates of a program number dropped: the first
 * line naming a program wins, as a lookup in file order would, and grinding
 * asks each program once. */
static int index_entries(struct rpc_db *db)
{
    db->by_num = malloc(db->count * sizeof *db->by_num);
    bool *dup = calloc(db->count, sizeof *dup);
    if (!db->by_num || !dup) {
        free(dup);
        return -1;
    }
    memcpy(db->by_num, db->by_file, db->count * sizeof *db->by_num);
    qsort(db->by_num, db->count, sizeof *db->by_num, cmp_entry);
    size_t kept = 0;
    for (size_t i = 0; i < db->count; i++) {
        if (kept && db->by_num[kept - 1].program == db->by_num[i].program)
            dup[db->by_num[i].line_order] = true;
        else
            db->by_num[kept++] = db->by_num[i];
    }
    size_t k = 0;
    for (size_t i = 0; i < db->count; i++)
        if (!dup[i]) db->by_file[k++] = db->by_file[i];
    free(dup);
    db->count = kept;
    return 0;
}

struct rpc_db *rpc_db_parse(const char *text, size_t len, const char *label, char *err,
                            size_t errlen)
{
    if (!label) label = "nmap-rpc";
    struct rpc_db *db = calloc(1, sizeof *db);
    if (!db) {
        snprintf(err, errlen, "%s: out of memory", label);
        return NULL;
    }
    unsigned long lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        lineno++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t line_len = nl ? (size_t)(nl - (text + pos)) : len - pos;
        if (memchr(text + pos, '\0', line_len)) {
            snprintf(err, errlen, "%s:%lu: NUL byte in line", label, lineno);
            rpc_db_free(db);
            return NULL;
        }
        if (parse_line(db, text + pos, line_len, label, lineno, err, errlen)) {
            rpc_db_free(db);
            return NULL;
        }
        pos += line_len + 1;
    }
    if (db->count && index_entries(db)) {
        snprintf(err, errlen, "%s: out of memory", label);
        rpc_db_free(db);
        return NULL;
    }
    return db;
}

struct rpc_db *rpc_db_load(const char *path, char *err, size_t errlen)
{
    size_t size = 0;
    char *text = slurp_file(path, MAX_FILE_SIZE, &size, err, errlen);
    if (!text) return NULL;
    struct rpc_db *db = rpc_db_parse(text, size, path, err, errlen);
    free(text);
    return db;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t rpc_build_null_call(uint8_t *buf, size_t cap, uint32_t xid, uint32_t program,
                           uint32_t version, bool tcp)
{
    /* xid, CALL, RPC version 2, program, version, procedure 0, then the
     * credential and verifier, both AUTH_NULL with an empty body. */
    const uint32_t body[] = {xid, MSG_CALL, RPC_VERSION, program, version, 0, 0, 0, 0, 0};
    const size_t body_len = sizeof body / sizeof body[0] * 4;
    size_t mark = tcp ? 4 : 0;
    if (!buf || cap < mark + body_len) return 0;
    if (tcp) put32(buf, RECORD_LAST | (uint32_t)body_len);
    for (size_t i = 0; i < sizeof body / sizeof body[0]; i++)
        put32(buf + mark + 4 * i, body[i]);
    return mark + body_len;
}

/* A cursor over the reply: every read checks what is left. */
struct cur {
    const uint8_t *p;
    size_t left;
};

static bool take32(struct cur *c, uint32_t *v)
{
    if (c->left < 4) return false;
    *v = get32(c->p);
    c->p += 4;
    c->left -= 4;
    return true;
}

static bool skip(struct cur *c, size_t n)
{
    if (c->left < n) return false;
    c->p += n;
    c->left -= n;
    return true;
}

static bool parse_body(struct cur *c, uint32_t xid, struct rpc_reply *out)
{
    uint32_t rxid, mtype, stat;
    if (!take32(c, &rxid) || rxid != xid || !take32(c, &mtype) || mtype != MSG_REPLY ||
        !take32(c, &stat))
        return false;
    if (stat == MSG_DENIED) {
        /* RPC_MISMATCH (our RPC version) or AUTH_ERROR: the peer is an RPC
         * server, but the call tells nothing about the program. */
        uint32_t reject, a, b;
        if (!take32(c, &reject)) return false;
        if (reject == REJECT_RPC_MISMATCH) {
            if (!take32(c, &a) || !take32(c, &b)) return false;
        } else if (reject == REJECT_AUTH_ERROR) {
            if (!take32(c, &a)) return false;
        } else {
            return false;
        }
        out->kind = RPC_REPLY_OTHER_ERROR;
        return true;
    }
    if (stat != MSG_ACCEPTED) return false;
    uint32_t flavor, vlen, accept;
    if (!take32(c, &flavor) || !take32(c, &vlen) || vlen > MAX_AUTH_BODY)
        return false;
    /* The body is padded to a multiple of four. */
    if (!skip(c, (vlen + 3u) & ~3u) || !take32(c, &accept)) return false;
    switch (accept) {
    case ACCEPT_SUCCESS:
        out->kind = RPC_REPLY_SUCCESS;
        return true;
    case ACCEPT_PROG_UNAVAIL:
        out->kind = RPC_REPLY_PROG_UNAVAIL;
        return true;
    case ACCEPT_PROG_MISMATCH:
        if (!take32(c, &out->low) || !take32(c, &out->high)) return false;
        out->kind = RPC_REPLY_PROG_MISMATCH;
        return true;
    default:
        if (accept > ACCEPT_SYSTEM_ERR) return false;
        out->kind = RPC_REPLY_OTHER_ERROR;
        return true;
    }
}

bool rpc_parse_reply(const uint8_t *buf, size_t len, bool tcp, uint32_t xid,
                     struct rpc_reply *out)
{
    struct rpc_reply r = {.kind = RPC_REPLY_INVALID};
    struct cur c = {buf, buf ? len : 0};
    bool ok = true;
    if (tcp) {
        /* One complete record in one fragment; the grinder reassembles
         * fragmented records before calling with tcp false. */
        uint32_t mark;
        ok = take32(&c, &mark) && (mark & RECORD_LAST) && (mark & ~RECORD_LAST) <= c.left;
        if (ok) c.left = mark & ~RECORD_LAST;
    }
    if (ok && !parse_body(&c, xid, &r)) r = (struct rpc_reply){.kind = RPC_REPLY_INVALID};
    if (out) *out = r;
    return r.kind != RPC_REPLY_INVALID;
}
