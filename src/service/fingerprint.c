// SPDX-License-Identifier: MIT
// nmap's service fingerprint text. The layout was taken from nmap 7.93's
// own output (tests/unit/test_fingerprint.c holds a real one): a header
// "SF-Port<n>-<TCP|UDP>:V=7.93[%T=SSL]%I=<intensity>%D=<month>/<day>
// %Time=<hex seconds>%P=<platform>", then per response
// "%r(<probe>,<hex total length>,"<escaped bytes>")", a final ';', and the
// whole wrapped so the first line holds 74 characters and each later line
// "SF:" and 71 more. Escaping keeps letters and digits, writes NUL as \0
// (\x00 before a digit, so the text stays a valid regex), backslashes the
// regex metacharacters, keeps other punctuation, uses \r \n \t, and \xhh
// for the rest. Only the first 900 bytes of a response are written, and
// no response is added once the text (line breaks included) is longer
// than 2200 characters; with -d or --version-trace nmap 7.93 allows 1300
// bytes and 10000 characters (measured: an unknown banner's 23rd answer
// is the last one nmap writes without them, all 30 are written with).
#include "core/platform.h"
#include "service/fingerprint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FP_VERSION "7.93"
#define FP_WRAP 74
#define FP_RESP_USED 900
#define FP_RESP_USED_DEBUG 1300
/* nmap stops adding responses once the text passed this many characters
 * (checked before each response). */
#define FP_MAX_LEN 2200
#define FP_MAX_LEN_DEBUG 10000

struct fpbuf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void put(struct fpbuf *b, char c)
{
    if (b->oom) return;
    if (b->len + 6 > b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 1024;
        char *np = realloc(b->p, ncap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
    /* The wrap counts the inserted "\nSF:" as part of the text, as nmap
     * does, which gives 74 characters first and 71 after "SF:" later. */
    if (b->len % (FP_WRAP + 1) == FP_WRAP) {
        memcpy(b->p + b->len, "\nSF:", 4);
        b->len += 4;
    }
    b->p[b->len++] = c;
}

static void puts_fp(struct fpbuf *b, const char *s)
{
    while (*s)
        put(b, *s++);
}


static void put_byte(struct fpbuf *b, const uint8_t *d, size_t i, size_t used)
{
    uint8_t c = d[i];
    char hex[8];
    if (isalnum(c) && c < 0x80) {
        put(b, (char)c);
    } else if (c == '\0') {
        puts_fp(b, (i + 1 < used && isdigit(d[i + 1])) ? "\\x00" : "\\0");
    } else if (strchr("\\?\"[]().*+$^|", c)) {
        put(b, '\\');
        put(b, (char)c);
    } else if (c < 0x80 && ispunct(c)) {
        put(b, (char)c);
    } else if (c == '\r') {
        puts_fp(b, "\\r");
    } else if (c == '\n') {
        puts_fp(b, "\\n");
    } else if (c == '\t') {
        puts_fp(b, "\\t");
    } else {
        snprintf(hex, sizeof hex, "\\x%02x", c);
        puts_fp(b, hex);
    }
}

char *vscan_fingerprint(const struct vscan_fp_input *in)
{
    struct fpbuf b = {0};
    char head[256];
    struct tm tm;
    time_t when = in->when;
    if (!localtime_r(&when, &tm)) memset(&tm, 0, sizeof tm);
    snprintf(head, sizeof head, "SF-Port%u-%s:V=%s%s%%I=%d%%D=%d/%d%%Time=%X%%P=%s",
             (unsigned)in->port, in->proto == PROTO_UDP ? "UDP" : "TCP", FP_VERSION,
             in->ssl ? "%T=SSL" : "", in->intensity, tm.tm_mon + 1, tm.tm_mday,
             (unsigned)(uint32_t)when, cmap_platform());
    puts_fp(&b, head);
    for (size_t r = 0; r < in->n_responses; r++) {
        const struct vscan_fp_response *resp = &in->responses[r];
        if (resp->len == 0) continue;
        if (b.len > (in->debug ? FP_MAX_LEN_DEBUG : FP_MAX_LEN)) break;
        snprintf(head, sizeof head, "%%r(%.64s,%zX,\"", resp->probe_name, resp->len);
        puts_fp(&b, head);
        size_t limit = in->debug ? FP_RESP_USED_DEBUG : FP_RESP_USED;
        size_t used = resp->len < limit ? resp->len : limit;
        for (size_t i = 0; i < used; i++)
            put_byte(&b, resp->data, i, used);
        put(&b, '"');
        put(&b, ')');
    }
    /* The terminating ';' is never wrapped. */
    if (!b.oom && b.len + 2 > b.cap) {
        char *np = realloc(b.p, b.len + 2);
        if (!np)
            b.oom = true;
        else
            b.p = np;
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    b.p[b.len++] = ';';
    b.p[b.len] = '\0';
    return b.p;
}
