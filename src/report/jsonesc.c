// SPDX-License-Identifier: MIT
#include "report/jsonesc.h"

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at p and its code point in *cp; 0 when
 * p[0] does not begin one. Stops at the terminating NUL, which is never a
 * continuation byte. */
static size_t utf8_decode(const unsigned char *p, uint32_t *cp)
{
    size_t len;
    uint32_t v, min;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        len = 2, v = p[0] & 0x1fu, min = 0x80;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        len = 3, v = p[0] & 0x0fu, min = 0x800;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        len = 4, v = p[0] & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) return 0;
        v = (v << 6) | (p[i] & 0x3fu);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
    *cp = v;
    return len;
}

static void put_ascii(FILE *fp, unsigned char c)
{
    switch (c) {
    case '"':
        fputs("\\\"", fp);
        return;
    case '\\':
        fputs("\\\\", fp);
        return;
    case '\b':
        fputs("\\b", fp);
        return;
    case '\f':
        fputs("\\f", fp);
        return;
    case '\n':
        fputs("\\n", fp);
        return;
    case '\r':
        fputs("\\r", fp);
        return;
    case '\t':
        fputs("\\t", fp);
        return;
    default:
        if (c < 0x20 || c == 0x7f)
            fprintf(fp, "\\u%04x", c);
        else
            fputc(c, fp);
    }
}

/* Non-ASCII text starting at p; returns how many bytes were consumed. */
static size_t put_non_ascii(FILE *fp, const unsigned char *p)
{
    uint32_t cp = 0;
    size_t len = utf8_decode(p, &cp);
    if (len == 0) {
        fputs("\\ufffd", fp);
        return 1;
    }
    if (cp <= 0x9f || cp == 0x2028 || cp == 0x2029)
        fprintf(fp, "\\u%04x", (unsigned)cp);
    else
        fwrite(p, 1, len, fp);
    return len;
}

void json_put_string(FILE *fp, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', fp);
    while (*p) {
        if (*p < 0x80)
            put_ascii(fp, *p++);
        else
            p += put_non_ascii(fp, p);
    }
    fputc('"', fp);
}
