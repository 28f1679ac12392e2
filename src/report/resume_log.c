// SPDX-License-Identifier: MIT
// The --resume file reader. Like nmap's gather_logfile_resumption_state:
// the command line follows the first " as: " (the header of every format),
// and the last finished host is the last "Host: " line if there is one
// (grepable), else the last <address> of an IP family (XML), else the last
// "Nmap scan report for" (normal). cmap also checks the header really is
// one, reads its own partial-host records, and never writes to the file.
#include "report/resume_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

/* nmap's limits: a 4096-byte command buffer, less 32 for "nmap
 * --append-output ", and arg_parse's 254 words. */
#define ARGS_MAX (4096 - 32)
#define WORDS_MAX 254
#define RESUME_PREFIX CMAP_NAME " --append-output "

static const char *const header_starts[] = {"# Nmap ", "# cmap ", "<!-- Nmap ", "<!-- cmap "};
static const char partial_text_prefix[] = PARTIAL_TEXT_PREFIX;
static const char partial_xml_prefix[] = PARTIAL_XML_PREFIX;
static const char partial_xml_suffix[] = PARTIAL_XML_SUFFIX;

struct text {
    const char *s;
    size_t len;
};

static int failf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int failf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static bool starts_with(struct text t, const char *prefix)
{
    size_t n = strlen(prefix);
    return t.len >= n && memcmp(t.s, prefix, n) == 0;
}

static bool ends_with(struct text t, const char *suffix)
{
    size_t n = strlen(suffix);
    return t.len >= n && memcmp(t.s + t.len - n, suffix, n) == 0;
}

/* The header line must be a scanner's: "# Nmap 7.93 scan initiated ...
 * as: " or its XML comment form, from nmap or cmap. */
static bool is_header_line(struct text line)
{
    bool known = false;
    for (size_t i = 0; i < sizeof header_starts / sizeof header_starts[0]; i++)
        known = known || starts_with(line, header_starts[i]);
    return known && memmem(line.s, line.len, " scan initiated ", 16) != NULL;
}

/* Where the arguments begin: after " as: " and the program name, which
 * may be quoted ("..." or '...', or &quot;...&quot; in XML). */
static const char *skip_program(const char *p, const char *end, bool *unclosed)
{
    *unclosed = false;
    while (p < end && *p != ' ' && *p != '\n' && *p != '\t') {
        if (*p == '"' || *p == '\'') {
            const char *close = memchr(p + 1, *p, (size_t)(end - p - 1));
            if (!close) return *unclosed = true, NULL;
            p = close + 1;
        } else if ((size_t)(end - p) >= 6 && strncasecmp(p, "&quot;", 6) == 0) {
            const char *close = memmem(p + 6, (size_t)(end - p - 6), "&quot;", 6);
            if (!close) return *unclosed = true, NULL;
            p = close + 6;
        } else {
            p++;
        }
    }
    return p;
}

/* Decode one entity at s (which starts with '&') into out; returns the
 * bytes consumed, 0 when it is not one. */
static size_t decode_entity(const char *s, size_t len, char *out, size_t *n)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t l = strlen(named[i].name);
        if (len >= l && memcmp(s, named[i].name, l) == 0) {
            out[(*n)++] = named[i].c;
            return l;
        }
    }
    if (len < 4 || s[1] != '#') return 0;
    bool hex = s[2] == 'x' || s[2] == 'X';
    size_t i = hex ? 3 : 2;
    unsigned long v = 0;
    size_t digits = 0;
    for (; i < len && digits < 6; i++, digits++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'          ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
        if (d < 0) break;
        v = v * (hex ? 16 : 10) + (unsigned long)d;
    }
    /* cmap and nmap escape single bytes this way; nothing larger. */
    if (digits == 0 || i >= len || s[i] != ';' || v == 0 || v > 0xff) return 0;
    out[(*n)++] = (char)v;
    return i + 1;
}

/* XML text to plain text; out has room for len + 1 bytes. */
static void xml_unescape(const char *s, size_t len, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t used = s[i] == '&' ? decode_entity(s + i, len - i, out, &n) : 0;
        if (used == 0) out[n++] = s[i++];
        i += used;
    }
    out[n] = '\0';
}

/* Split like nmap's arg_parse: words separated by white space; a word that
 * starts with a quote runs to the matching quote. -1 for an unclosed quote
 * or too many words. */
static int split_words(char *s, char **words)
{
    int n = 0;
    for (;;) {
        while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
            s++;
        if (!*s) return n;
        char *end;
        if (*s == '"' || *s == '\'') {
            end = strchr(s + 1, *s);
            s++;
            if (!end) return -1;
        } else {
            end = s + 1;
            while (*end && !(*end == ' ' || (*end >= '\t' && *end <= '\r')))
                end++;
        }
        if (n >= WORDS_MAX) return -1;
        words[n++] = s;
        bool more = *end != '\0';
        *end = '\0';
        s = more ? end + 1 : end;
    }
}

/* "cmap --append-output <args>" as an argv in one allocation. */
static int build_argv(const char *args, size_t len, bool xml, struct resume_log *out)
{
    size_t prefix = strlen(RESUME_PREFIX);
    char *words[WORDS_MAX];
    char *line = malloc(prefix + len + 1);
    if (!line) return -1;
    memcpy(line, RESUME_PREFIX, prefix);
    if (xml)
        xml_unescape(args, len, line + prefix);
    else {
        memcpy(line + prefix, args, len);
        line[prefix + len] = '\0';
    }
    out->randomized = strstr(line, "--randomize-hosts") != NULL;
    int n = split_words(line, words);
    if (n > 0) {
        size_t bytes = (size_t)(n + 1) * sizeof(char *) + prefix + len + 1;
        out->argv = malloc(bytes);
        char *text = out->argv ? (char *)(out->argv + n + 1) : NULL;
        for (int i = 0; text && i < n; i++) {
            out->argv[i] = text;
            text = stpcpy(text, words[i]) + 1;
        }
        if (out->argv) out->argv[n] = NULL;
        out->argc = out->argv ? n : 0;
    }
    free(line);
    return out->argv ? 0 : -1;
}

/* Find the command line and turn it into argv; *rest is what follows the
 * header line. */
static int read_command(const char *buf, size_t len, const char *fname, struct resume_log *out,
                        struct text *rest, char *err, size_t errlen)
{
    const char *as = memmem(buf, len, " as: ", 5);
    const char *line = as;
    while (line && line > buf && line[-1] != '\n')
        line--;
    if (!as || !is_header_line((struct text){line, (size_t)(as - line)}))
        return failf(err, errlen,
                     "Unable to parse supposed log file %s.  Are you sure this is an Nmap "
                     "output file?",
                     fname);
    const char *end = buf + len;
    bool unclosed;
    const char *p = skip_program(as + 5, end, &unclosed);
    if (unclosed)
        return failf(err, errlen, "Unable to parse supposed log file %s: unclosed quote.", fname);
    if (p >= end || *p != ' ' || p + 1 >= end || p[1] == '\n')
        return failf(err, errlen, "Unable to parse supposed log file %s.  Sorry", fname);
    p++;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl || (size_t)(nl - p) >= ARGS_MAX)
        return failf(err, errlen,
                     "Unable to parse supposed log file %s.  Perhaps the Nmap execution had not "
                     "finished at least one host?  In that case there is no use \"resuming\"",
                     fname);
    const char *close = memmem(p, (size_t)(nl - p), "-->", 3);
    const char *args_end = close ? close : nl;
    if (build_argv(p, (size_t)(args_end - p), close != NULL, out) != 0)
        return failf(err, errlen, "Unable to parse supposed log file %s.  Sorry", fname);
    *rest = (struct text){nl + 1, (size_t)(end - nl - 1)};
    return 0;
}

/* ---- the hosts ---- */

enum log_kind { KIND_NORMAL, KIND_XML, KIND_GREPABLE };

static bool next_line(struct text *rest, struct text *line)
{
    if (rest->len == 0) return false;
    const char *nl = memchr(rest->s, '\n', rest->len);
    size_t n = nl ? (size_t)(nl - rest->s) : rest->len;
    *line = (struct text){rest->s, n};
    rest->s += nl ? n + 1 : n;
    rest->len -= nl ? n + 1 : n;
    return true;
}

/* nmap's precedence: grepable lines win over XML, XML over normal. */
static enum log_kind detect_kind(struct text rest)
{
    enum log_kind kind = KIND_NORMAL;
    struct text line;
    while (next_line(&rest, &line)) {
        if (starts_with(line, "Host: ")) return KIND_GREPABLE;
        if (starts_with(line, "<address addr=\"")) kind = KIND_XML;
    }
    return kind;
}

static int parse_ip(struct text t, const char *fname, struct net_addr *out, char *err,
                    size_t errlen)
{
    char ip[NET_ADDR_STRLEN];
    if (t.len == 0 || t.len >= sizeof ip || memchr(t.s, '\0', t.len))
        return failf(err, errlen, "Unable to parse supposed log file %s.  Sorry", fname);
    memcpy(ip, t.s, t.len);
    ip[t.len] = '\0';
    if (net_addr_parse(ip, AF_UNSPEC, out) != 0)
        return failf(err, errlen, "Unable to parse ip (%s) in supposed log file %s.  Sorry", ip,
                     fname);
    return 0;
}

static struct text until(struct text t, const char *stops)
{
    size_t n = 0;
    while (n < t.len && !strchr(stops, t.s[n]))
        n++;
    return (struct text){t.s, n};
}

/* The address of a finished host on this line: 1 found, 0 none, -1 bad. */
static int complete_host(struct text line, enum log_kind kind, const char *fname,
                         struct net_addr *addr, char *err, size_t errlen)
{
    static const char report[] = "Nmap scan report for ";
    static const char address[] = "<address addr=\"";
    struct text ip;
    if (kind == KIND_GREPABLE && starts_with(line, "Host: ")) {
        ip = until((struct text){line.s + 6, line.len - 6}, " \t");
    } else if (kind == KIND_XML && starts_with(line, address)) {
        struct text after = {line.s + sizeof address - 1, line.len - (sizeof address - 1)};
        ip = until(after, "\"");
        if (ip.len == after.len)
            return failf(err, errlen, "Unable to parse supposed log file %s.  Sorry", fname);
        struct text type = {ip.s + ip.len, after.len - ip.len};
        if (!starts_with(type, "\" addrtype=\"ipv4\"") &&
            !starts_with(type, "\" addrtype=\"ipv6\""))
            return 0;
    } else if (kind == KIND_NORMAL && starts_with(line, report)) {
        struct text name = {line.s + sizeof report - 1, line.len - (sizeof report - 1)};
        const char *open = name.len ? memrchr(name.s, '(', name.len) : NULL;
        if (open && ends_with(name, ")"))
            ip = (struct text){open + 1, (size_t)(name.s + name.len - 1 - (open + 1))};
        else
            ip = until(name, " ");
    } else {
        return 0;
    }
    return parse_ip(ip, fname, addr, err, errlen) == 0 ? 1 : -1;
}

bool resume_same_host(const struct net_addr *a, const struct net_addr *b)
{
    struct net_addr x = *a, y = *b;
    x.scope_id = y.scope_id = 0;
    return net_addr_equal(&x, &y);
}

static struct resume_entry *find_entry(struct resume_log *log, const struct net_addr *a)
{
    for (size_t i = 0; i < log->n_partials; i++)
        if (resume_same_host(&log->partials[i].host.addr, a)) return &log->partials[i];
    return NULL;
}

static void note_complete(struct resume_log *log, const struct net_addr *a)
{
    struct resume_entry *e = find_entry(log, a);
    if (e) {
        e->finished = true;
        return;
    }
    log->last = *a;
    log->have_last = true;
}

/* A partial record replaces any earlier one for the same host. */
static int note_partial(struct resume_log *log, struct text rec, const char *fname, char *err,
                        size_t errlen)
{
    char why[160];
    struct partial_host h;
    if (partial_record_parse(rec.s, rec.len, &h, why, sizeof why) != 0)
        return failf(err, errlen,
                     "Unable to parse supposed log file %s: bad partial host record: %s", fname,
                     why);
    struct resume_entry *e = find_entry(log, &h.addr);
    if (!e) {
        struct resume_entry *v = realloc(log->partials, (log->n_partials + 1) * sizeof *v);
        if (!v) {
            partial_host_free(&h);
            return failf(err, errlen, "Out of memory reading %s", fname);
        }
        log->partials = v;
        e = &v[log->n_partials++];
    } else {
        partial_host_free(&e->host);
    }
    *e = (struct resume_entry){.host = h};
    return 0;
}

/* The record inside a partial line, or {NULL, 0} when the line is not one. */
static struct text partial_record(struct text line, bool *cut)
{
    *cut = false;
    if (starts_with(line, partial_text_prefix)) {
        size_t skip = sizeof partial_text_prefix - 1;
        return (struct text){line.s + skip, line.len - skip};
    }
    if (!starts_with(line, partial_xml_prefix)) return (struct text){NULL, 0};
    size_t skip = sizeof partial_xml_prefix - 1;
    struct text rec = {line.s + skip, line.len - skip};
    if (!ends_with(rec, partial_xml_suffix)) return *cut = true, rec;
    rec.len -= sizeof partial_xml_suffix - 1;
    return rec;
}

static int read_hosts(struct text rest, const char *fname, struct resume_log *out, char *err,
                      size_t errlen)
{
    enum log_kind kind = detect_kind(rest);
    struct text line;
    while (next_line(&rest, &line)) {
        bool cut;
        struct text rec = partial_record(line, &cut);
        if (cut)
            return failf(err, errlen,
                         "Unable to parse supposed log file %s: partial host record cut short",
                         fname);
        if (rec.s) {
            if (note_partial(out, rec, fname, err, errlen) != 0) return -1;
            continue;
        }
        struct net_addr a;
        int found = complete_host(line, kind, fname, &a, err, errlen);
        if (found < 0) return -1;
        if (found) note_complete(out, &a);
    }
    return 0;
}

int resume_log_parse(const char *buf, size_t len, const char *fname, struct resume_log *out,
                     char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (len < 20)
        return failf(err, errlen, "Output file %s is too short -- no use resuming", fname);
    struct text rest;
    int rc = read_command(buf, len, fname, out, &rest, err, errlen);
    if (rc == 0) rc = read_hosts(rest, fname, out, err, errlen);
    if (rc != 0) resume_log_free(out);
    return rc;
}

void resume_log_free(struct resume_log *log)
{
    free(log->argv);
    for (size_t i = 0; i < log->n_partials; i++)
        partial_host_free(&log->partials[i].host);
    free(log->partials);
    memset(log, 0, sizeof *log);
}
