// SPDX-License-Identifier: MIT
#include "report/escape.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static const char *xml_entity(unsigned char c)
{
    switch (c) {
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '&':
        return "&amp;";
    case '"':
        return "&quot;";
    case '\'':
        return "&apos;";
    default:
        return NULL;
    }
}

void put_xml(FILE *fp, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        const char *entity = xml_entity(*p);
        if (entity)
            fputs(entity, fp);
        else if (*p == '-' && p > (const unsigned char *)s && p[-1] == '-')
            fputs("&#45;", fp);
        else if (*p == '\t' || *p == '\n' || *p == '\r' || *p >= 0x7f)
            fprintf(fp, "&#x%x;", *p);
        else if (*p < 0x20)
            fprintf(fp, "\\x%02x", *p);
        else
            fputc(*p, fp);
    }
}

/* Length of the valid UTF-8 sequence starting at p (2-4 bytes) encoding a
 * printable code point (not a C1 control, not a surrogate, not overlong,
 * not a line separator or bidi control); 0 when the bytes are not one. */
static size_t utf8_printable_len(const unsigned char *p)
{
    size_t len;
    uint32_t cp, min;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        len = 2, cp = p[0] & 0x1fu, min = 0x80;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        len = 3, cp = p[0] & 0x0fu, min = 0x800;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        len = 4, cp = p[0] & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) return 0; /* also stops at the NUL */
        cp = (cp << 6) | (p[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    if (cp < 0xa0) return 0; /* C1 controls: 0x9b is a CSI on some terminals */
    /* Line and paragraph separators end lines for Unicode-aware readers, and
     * bidi embeddings/overrides/isolates can make text read as something
     * else (CVE-2021-42574): escape them too. */
    if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
        (cp >= 0x2066 && cp <= 0x2069))
        return 0;
    return len;
}

void put_safe(FILE *fp, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p >= 0x20 && *p < 0x7f) {
            fputc(*p++, fp);
            continue;
        }
        size_t len = *p >= 0x80 ? utf8_printable_len(p) : 0;
        if (len) {
            fwrite(p, 1, len, fp);
            p += len;
        } else {
            fprintf(fp, "\\x%02x", *p++);
        }
    }
}

char *safe_strdup(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) return NULL;
    put_safe(mem, s);
    if (fclose(mem) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
