// SPDX-License-Identifier: MIT
// The -iL reader over a memory stream, compared with a straightforward
// model of its grammar: specs split on blanks and NUL, '#' comments to the
// end of the line. Run with a full-size and a tiny buffer so truncation is
// exercised as well.
#include <stdbool.h>

#include "fuzz_common.h"
#include "target/hostfile.h"

static bool model_separator(uint8_t c)
{
    return c == ' ' || c == '\r' || c == '\n' || c == '\t' || c == '\0';
}

/* The model's next spec: its offset and length in data, from *pos.
 * Returns false at the end of the input. */
static bool model_next(const uint8_t *data, size_t size, size_t *pos, size_t *off, size_t *len)
{
    size_t p = *pos;
    while (p < size && (model_separator(data[p]) || data[p] == '#')) {
        if (data[p] == '#')
            while (p < size && data[p] != '\n')
                p++;
        else
            p++;
    }
    if (p >= size) return false;
    *off = p;
    while (p < size && !model_separator(data[p]) && data[p] != '#')
        p++;
    *len = p - *off;
    *pos = p;
    return true;
}

static void check_with_buffer(const uint8_t *data, size_t size, size_t bufsize)
{
    FILE *fp = fmemopen((void *)data, size, "r");
    if (!fp) abort();
    char *buf = malloc(bufsize);
    if (!buf) abort();
    size_t pos = 0, off, want;
    for (;;) {
        size_t got = hostfile_next(fp, buf, bufsize);
        if (!model_next(data, size, &pos, &off, &want)) {
            FUZZ_CHECK(got == 0);
            break;
        }
        FUZZ_CHECK(got == want);
        size_t kept = got < bufsize ? got : bufsize - 1;
        FUZZ_CHECK(strlen(buf) == kept);
        FUZZ_CHECK(memcmp(buf, data + off, kept) == 0);
    }
    free(buf);
    fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0; /* fmemopen refuses an empty buffer */
    check_with_buffer(data, size, HOSTFILE_SPEC_MAX);
    check_with_buffer(data, size, 4);
    return 0;
}
