// SPDX-License-Identifier: MIT
// nmap-services parser. Start-up cost matters (a two-port scan must start in
// about a millisecond), so the file is read once into one buffer, names are
// terminated in place, entries live in one array sized by a newline count,
// and lookups go through a flat per-protocol 65536-slot index.
#include "data/services.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/prefault.h"
#include "data/services_fast.h"
#include "data/services_num.h"

/* nmap reads the name with "%127s"; longer names are malformed lines. */
#define MAX_NAME_LEN 127
/* Far above the real file (1 MB); refuses to slurp something absurd. */
#define MAX_FILE_SIZE (64u * 1024u * 1024u)
#define PORT_SLOTS 65536u
#define INDEXED_PROTOS 3u /* tcp, udp, sctp */
#define PREFAULT_MIN_TEXT (64u * 1024u)

struct services_db {
    char *text;                    /* the file; names point into it */
    struct service_entry *entries; /* file order, duplicates dropped */
    size_t count;
    uint32_t *index; /* [proto][port] -> entry number + 1 */
    bool has_frequencies;
    bool full_parser_only; /* services_parse_reference: no fast path */
    size_t mapped_len;     /* text is a private file mapping of this size, 0 = heap */
    const uint8_t *want;   /* [proto][port / 8] bits: entries kept; NULL = all */
    size_t n_wanted;       /* ports named in want: an upper bound on entries */
};

struct parse_ctx {
    const char *label;
    size_t lineno;
    char *err;
    size_t errlen;
};

static int fail(struct parse_ctx *pc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parse_ctx *pc, const char *fmt, ...)
{
    if (!pc->err || pc->errlen == 0) return -1;
    int n = snprintf(pc->err, pc->errlen, "%s:%zu: ", pc->label, pc->lineno);
    if (n < 0 || (size_t)n >= pc->errlen) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pc->err + n, pc->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Byte classes for the hot loops: 1 = blank, 2 = newline. */
static const uint8_t byte_class[256] = {
    [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\v'] = 1, ['\f'] = 1, ['\n'] = 2};

static bool is_blank(char c)
{
    return byte_class[(unsigned char)c] == 1;
}

static char *skip_blank(char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p;
}

/* Tokens end at a blank or at the end of the line. */
static inline char *token_end(char *p, const char *end)
{
    while (p < end && byte_class[(unsigned char)*p] == 0)
        p++;
    return p;
}

static bool at_line_end(const char *p, const char *end)
{
    return p == end || *p == '\n';
}

/* The start of the next line. */
static char *next_line(char *p, char *end)
{
    char *nl = at_line_end(p, end) ? p : memchr(p, '\n', (size_t)(end - p));
    return nl ? nl + 1 : end;
}

/* Errors quote at most this much of an offending token. */
static int quote_len(const char *from, const char *to)
{
    size_t n = (size_t)(to - from);
    return n > 40 ? 40 : (int)n;
}

/* ASCII-lowercases letters; other bytes never compare equal to one. */
static char fold(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c | 0x20) : c;
}

static int proto_from_token(const char *p, size_t len)
{
    if (len == 3 && fold(p[1]) == 'c' && fold(p[0]) == 't' && fold(p[2]) == 'p') return PROTO_TCP;
    if (len == 3 && fold(p[1]) == 'd' && fold(p[0]) == 'u' && fold(p[2]) == 'p') return PROTO_UDP;
    if (len == 4 && fold(p[0]) == 's' && fold(p[1]) == 'c' && fold(p[2]) == 't' &&
        fold(p[3]) == 'p')
        return PROTO_SCTP;
    return -1;
}

/* "port/proto": returns the protocol, -2 for one nmap ignores (ddp, divert,
 * ...), -1 on error. */
static int parse_port_proto(char *tok, char *tok_end, uint16_t *port, struct parse_ctx *pc)
{
    uint32_t v = 0;
    char *p = tok;
    while (p < tok_end && *p >= '0' && *p <= '9') {
        if (v <= 65535) v = v * 10 + (uint32_t)(*p - '0');
        p++;
    }
    if (p == tok || v > 65535) {
        char *slash = memchr(tok, '/', (size_t)(tok_end - tok));
        char *num_end = slash ? slash : tok_end;
        return fail(pc, "bad port number '%.*s'", quote_len(tok, num_end), tok);
    }
    if (p == tok_end || *p != '/') return fail(pc, "missing /protocol after port number %u", v);
    p++;
    if (p == tok_end) return fail(pc, "missing protocol after '%u/'", v);
    *port = (uint16_t)v;
    int proto = proto_from_token(p, (size_t)(tok_end - p));
    return proto < 0 ? -2 : proto;
}

/* The optional third field. Returns 1 for a frequency, 0 for an alias word
 * (the /etc/services layout nmap also accepts), -1 on error. */
static int parse_frequency(const char *tok, const char *tok_end, double *out, struct parse_ctx *pc)
{
    int len = quote_len(tok, tok_end);
    int rc = services_parse_ratio(tok, (size_t)(tok_end - tok), out);
    if (rc == SERVICES_RATIO_BAD) return fail(pc, "bad frequency '%.*s'", len, tok);
    if (rc == SERVICES_RATIO_ZERO_DENOMINATOR)
        return fail(pc, "frequency '%.*s' has a zero denominator", len, tok);
    if (rc == SERVICES_RATIO_ABOVE_ONE)
        return fail(pc, "frequency '%.*s' is greater than 1", len, tok);
    return rc == SERVICES_RATIO_OK ? 1 : 0;
}

static bool wanted(const struct services_db *db, uint16_t port, int proto)
{
    if (!db->want) return true;
    return db->want[(size_t)proto * (PORT_SLOTS / 8) + port / 8] & (1u << (port % 8));
}

static void add_entry(struct services_db *db, const char *name, uint16_t port, int proto,
                      double freq)
{
    uint32_t *slot = &db->index[(size_t)proto * PORT_SLOTS + port];
    if (*slot) return; /* nmap keeps the first of duplicated port/proto lines */
    struct service_entry *e = &db->entries[db->count++];
    e->name = name;
    e->port = port;
    e->proto = (uint8_t)proto;
    e->frequency = freq;
    *slot = (uint32_t)db->count;
}

/* The fields of an entry line, from its name on; *rest is left where the
 * unparsed tail of the line (a comment) starts. The name is terminated in
 * place by overwriting the blank that ends it. */
static int parse_entry(struct services_db *db, char *name, char *end, char **rest,
                       struct parse_ctx *pc)
{
    char *p = token_end(name, end);
    if (p - name > MAX_NAME_LEN)
        return fail(pc, "service name longer than %d characters", MAX_NAME_LEN);
    char *tok = skip_blank(p, end);
    if (at_line_end(tok, end) || *tok == '#')
        return fail(pc, "missing port/protocol after service name");
    char *tok_end = token_end(tok, end);
    uint16_t port = 0;
    int proto = parse_port_proto(tok, tok_end, &port, pc);
    *rest = tok_end;
    if (proto < 0) return proto == -1 ? -1 : 0;
    double freq = 0;
    char *f = skip_blank(tok_end, end);
    if (!at_line_end(f, end) && *f != '#') {
        *rest = token_end(f, end);
        int rc = parse_frequency(f, *rest, &freq, pc);
        if (rc < 0) return -1;
        if (rc == 1) db->has_frequencies = true;
    }
    /* A subset load validates every line but keeps (and so writes into)
     * only the wanted ones: the file's other pages are never copied. */
    if (!wanted(db, port, proto)) return 0;
    *p = '\0';
    add_entry(db, name, port, proto, freq);
    return 0;
}

/* One line starting at *pp; leaves *pp at the next line. */
static int parse_line(struct services_db *db, char **pp, char *end, struct parse_ctx *pc)
{
    char *p = skip_blank(*pp, end), *rest = p;
    if (!at_line_end(p, end) && *p != '#' && parse_entry(db, p, end, &rest, pc) < 0) return -1;
    *pp = next_line(rest, end);
    return 0;
}

/* Every entry needs a line of its own. */
static size_t max_entries(const char *text, size_t len)
{
    size_t n = 1;
    for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        n++;
    return n;
}

static size_t line_of(const char *text, const char *at)
{
    size_t n = 1;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(at - p))) != NULL; p++)
        n++;
    return n;
}

/* A line the fast path read: db->has_frequencies is set by the caller. */
static void add_fast_line(void *ctx, const struct services_fast_line *fl)
{
    struct services_db *db = ctx;
    double freq = 0;
    services_parse_ratio(fl->frequency, 8, &freq);
    fl->name[fl->name_len] = '\0';
    add_entry(db, fl->name, fl->port, fl->proto, freq);
}

static int parse_all(struct services_db *db, size_t len, struct parse_ctx *pc)
{
    if (len == 0) return 0;
    char *p = db->text, *end = db->text + len;
    const char *nul = memchr(p, '\0', len);
    if (nul) {
        pc->lineno = line_of(p, nul);
        return fail(pc, "NUL byte in line");
    }
    const struct services_fast_walk walk = {.want = db->want, .emit = add_fast_line, .ctx = db};
    while (p < end) {
        size_t lines = 0;
        if (!db->full_parser_only) p = services_fast_run(p, end, &walk, &lines);
        if (lines) db->has_frequencies = true;
        pc->lineno += lines;
        if (p >= end) break;
        pc->lineno++;
        if (parse_line(db, &p, end, pc) < 0) return -1;
    }
    return 0;
}

/* Parses db->text (len bytes) into db; frees db on failure. */
static struct services_db *parse_into(struct services_db *db, size_t len, const char *label,
                                      char *err, size_t errlen)
{
    struct parse_ctx pc = {label ? label : "nmap-services", 0, err, errlen};
    size_t n_entries = db->want ? db->n_wanted + 1 : max_entries(db->text, len);
    db->entries = malloc(n_entries * sizeof *db->entries);
    db->index = calloc(INDEXED_PROTOS * PORT_SLOTS, sizeof *db->index);
    if (!db->entries || !db->index) {
        fail(&pc, "out of memory");
        services_free(db);
        return NULL;
    }
    /* A whole table of a real file fills most of the index's pages; a small
     * file (tests, a custom --servicedb) touches a few, on demand. */
    if (!db->want && len >= PREFAULT_MIN_TEXT) {
        prefault_write(db->entries, n_entries * sizeof *db->entries);
        prefault_write(db->index, INDEXED_PROTOS * PORT_SLOTS * sizeof *db->index);
    }
    if (parse_all(db, len, &pc) < 0) {
        services_free(db);
        return NULL;
    }
    return db;
}

/* Takes ownership of text (len bytes plus room for a terminator). */
static struct services_db *parse_owned(char *text, size_t len, const char *label, char *err,
                                       size_t errlen, bool full_parser_only)
{
    struct services_db *db = calloc(1, sizeof *db);
    if (!db) {
        free(text);
        struct parse_ctx pc = {label ? label : "nmap-services", 0, err, errlen};
        fail(&pc, "out of memory");
        return NULL;
    }
    db->text = text;
    db->full_parser_only = full_parser_only;
    text[len] = '\0';
    return parse_into(db, len, label, err, errlen);
}

static struct services_db *parse_copy(const char *text, size_t len, const char *label, char *err,
                                      size_t errlen, bool full_parser_only)
{
    if (!text && len) return NULL;
    char *copy = malloc(len + 1);
    if (!copy) {
        struct parse_ctx pc = {label ? label : "nmap-services", 0, err, errlen};
        fail(&pc, "out of memory");
        return NULL;
    }
    if (len) memcpy(copy, text, len);
    return parse_owned(copy, len, label, err, errlen, full_parser_only);
}

struct services_db *services_parse(const char *text, size_t len, const char *label, char *err,
                                   size_t errlen)
{
    return parse_copy(text, len, label, err, errlen, false);
}

struct services_db *services_parse_reference(const char *text, size_t len, const char *label,
                                             char *err, size_t errlen)
{
    return parse_copy(text, len, label, err, errlen, true);
}

static void open_error(const char *path, int e, char *err, size_t errlen)
{
    if (err && errlen)
        snprintf(err, errlen, "Unable to open %s for reading service information: %s (%d)", path,
                 strerror(e), e);
}

static char *read_whole(int fd, size_t size)
{
    char *buf = malloc(size + 1);
    if (buf) prefault_write(buf, size + 1);
    size_t got = 0;
    while (buf && got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            free(buf);
            return NULL;
        }
        got += (size_t)n;
    }
    return buf;
}

/* Opens a regular file of sane size. Returns the fd, or -1 with the error
 * written to err. */
static int open_checked(const char *path, size_t *size, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        open_error(path, errno, err, errlen);
        return -1;
    }
    struct stat st;
    int e = 0;
    if (fstat(fd, &st) != 0)
        e = errno;
    else if (!S_ISREG(st.st_mode))
        e = EINVAL;
    else if ((unsigned long long)st.st_size > MAX_FILE_SIZE)
        e = EFBIG;
    if (e) {
        close(fd);
        open_error(path, e, err, errlen);
        return -1;
    }
    *size = (size_t)st.st_size;
    return fd;
}

struct services_db *services_load(const char *path, char *err, size_t errlen)
{
    size_t size = 0;
    int fd = open_checked(path, &size, err, errlen);
    if (fd < 0) return NULL;
    errno = 0;
    char *text = read_whole(fd, size);
    int e = text ? 0 : (errno ? errno : EIO);
    close(fd);
    if (e) {
        open_error(path, e, err, errlen);
        return NULL;
    }
    return parse_owned(text, size, path, err, errlen, false);
}

/* The file as a private writable mapping: pages come straight from the page
 * cache and only those written to (wanted names) are copied. */
static int map_file(const char *path, char **text_out, size_t *len, char *err, size_t errlen)
{
    size_t size = 0;
    int fd = open_checked(path, &size, err, errlen);
    if (fd < 0) return -1;
    char *text = NULL;
    int e = 0;
    if (size > 0) {
        text = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (text == MAP_FAILED) {
            e = errno;
            text = NULL;
        }
    }
    close(fd);
    if (e) {
        open_error(path, e, err, errlen);
        return -1;
    }
    *text_out = text;
    *len = size;
    return 0;
}

static uint8_t *want_bits(const struct port_list *ports)
{
    uint8_t *want = calloc(INDEXED_PROTOS, PORT_SLOTS / 8);
    if (!want) return NULL;
    for (unsigned proto = 0; proto < INDEXED_PROTOS; proto++)
        for (size_t i = 0; i < ports->count[proto]; i++) {
            uint16_t port = ports->ports[proto][i];
            want[proto * (PORT_SLOTS / 8) + port / 8] |= (uint8_t)(1u << (port % 8));
        }
    return want;
}

/* A private mapping of path, parsed keeping the entries in want (taken
 * over); n_wanted bounds how many there can be. */
static struct services_db *load_mapped(const char *path, uint8_t *want, size_t n_wanted, char *err,
                                       size_t errlen)
{
    size_t len = 0;
    char *text = NULL;
    if (!want || map_file(path, &text, &len, err, errlen) < 0) {
        if (!want && err && errlen) snprintf(err, errlen, "%s: out of memory", path);
        free(want);
        return NULL;
    }
    struct services_db *db = calloc(1, sizeof *db);
    if (!db) {
        free(want);
        if (text) munmap(text, len);
        if (err && errlen) snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    db->text = text; /* NULL for an empty file */
    db->mapped_len = len;
    db->want = want;
    db->n_wanted = n_wanted;
    return parse_into(db, len, path, err, errlen);
}

struct services_db *services_load_ports(const char *path, const struct port_list *ports, char *err,
                                        size_t errlen)
{
    size_t n = 0;
    for (unsigned proto = 0; proto < INDEXED_PROTOS; proto++)
        n += ports->count[proto];
    return load_mapped(path, want_bits(ports), n, err, errlen);
}

struct services_db *services_load_protos(const char *path, const bool *protos, char *err,
                                         size_t errlen)
{
    uint8_t *want = calloc(INDEXED_PROTOS, PORT_SLOTS / 8);
    size_t n = 0;
    for (unsigned proto = 0; want && proto < INDEXED_PROTOS; proto++) {
        if (!protos[proto]) continue;
        memset(want + proto * (PORT_SLOTS / 8), 0xff, PORT_SLOTS / 8);
        n += PORT_SLOTS;
    }
    return load_mapped(path, want, n, err, errlen);
}

void services_free(struct services_db *db)
{
    if (!db) return;
    if (db->mapped_len)
        munmap(db->text, db->mapped_len);
    else
        free(db->text);
    free((void *)db->want);
    free(db->entries);
    free(db->index);
    free(db);
}

const char *services_name(const struct services_db *db, uint16_t port, enum proto_index proto)
{
    if (!db || (unsigned)proto >= INDEXED_PROTOS) return NULL;
    uint32_t slot = db->index[(size_t)proto * PORT_SLOTS + port];
    return slot ? db->entries[slot - 1].name : NULL;
}

const struct service_entry *services_entries(const struct services_db *db, size_t *count)
{
    if (count) *count = db ? db->count : 0;
    return db ? db->entries : NULL;
}

bool services_has_frequencies(const struct services_db *db)
{
    return db && db->has_frequencies;
}
