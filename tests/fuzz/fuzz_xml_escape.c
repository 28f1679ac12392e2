// SPDX-License-Identifier: MIT
// put_xml on arbitrary bytes. Its output goes into XML attributes and
// comments, so it must hold no markup character, no "--", no byte XML 1.0
// forbids, only well-formed references, and it must decode back to the
// input with C0 controls spelled as "\xHH".
#include <stdbool.h>

#include "fuzz_common.h"
#include "report/escape.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Decodes the reference at p (just after '&') into *byte; returns its
 * length after the '&', or 0 when it is not one put_xml may write. */
static size_t decode_reference(const char *p, unsigned char *byte)
{
    static const struct {
        const char *text;
        char c;
    } named[] = {{"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'}, {"apos;", '\''}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t n = strlen(named[i].text);
        if (strncmp(p, named[i].text, n) == 0) {
            *byte = (unsigned char)named[i].c;
            return n;
        }
    }
    if (strncmp(p, "#45;", 4) == 0) {
        *byte = '-';
        return 4;
    }
    if (p[0] != '#' || p[1] != 'x') return 0;
    unsigned v = 0;
    size_t digits = 0;
    for (; digits < 2 && hex_value(p[2 + digits]) >= 0; digits++)
        v = v * 16 + (unsigned)hex_value(p[2 + digits]);
    if (digits == 0 || p[2 + digits] != ';') return 0;
    *byte = (unsigned char)v;
    return 3 + digits;
}

/* What put_xml must decode to: the input with C0 controls other than tab,
 * newline and CR replaced by the text "\xHH". */
static char *expected_text(const char *in)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = fuzz_memstream(&buf, &len);
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            fprintf(fp, "\\x%02x", *p);
        else
            fputc(*p, fp);
    }
    fclose(fp);
    return buf;
}

static void check_escaped(const char *in, const char *out)
{
    char *decoded = malloc(strlen(out) + 1);
    if (!decoded) abort();
    size_t n = 0;
    for (const char *p = out; *p; p++) {
        unsigned char c = (unsigned char)*p;
        FUZZ_CHECK(c >= 0x20 && c < 0x7f);
        FUZZ_CHECK(c != '<' && c != '>' && c != '"' && c != '\'');
        FUZZ_CHECK(!(c == '-' && p[1] == '-'));
        if (c == '&') {
            size_t used = decode_reference(p + 1, &c);
            FUZZ_CHECK(used > 0);
            p += used;
        }
        decoded[n++] = (char)c;
    }
    decoded[n] = '\0';
    char *want = expected_text(in);
    FUZZ_CHECK(strcmp(decoded, want) == 0);
    free(want);
    free(decoded);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fuzz_cstring(data, size);
    char *out = NULL;
    size_t len = 0;
    FILE *fp = fuzz_memstream(&out, &len);
    put_xml(fp, in);
    fclose(fp);
    FUZZ_CHECK(strlen(out) == len);
    check_escaped(in, out);
    free(out);
    free(in);
    return 0;
}
