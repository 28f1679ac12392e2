// SPDX-License-Identifier: MIT
// Helpers shared by the libFuzzer harnesses: fuzz input turned into C
// strings in exactly-sized heap blocks (so ASan sees any read past the end)
// and an invariant check that crashes loudly, which libFuzzer records.
#ifndef CMAP_FUZZ_COMMON_H
#define CMAP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A broken invariant is a finding: print it and abort so libFuzzer saves
 * the input as a crash. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* data[0..size) plus a NUL, in a block of exactly size + 1 bytes. Bytes
 * after an embedded NUL are simply not seen by string functions. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) abort();
    if (size) memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* The next NUL-separated piece of the input, starting at *pos (which moves
 * past it); NULL when the input is used up. */
static inline char *fuzz_next_piece(const uint8_t *data, size_t size, size_t *pos)
{
    if (*pos > size) return NULL;
    const uint8_t *start = data + *pos;
    const uint8_t *nul = memchr(start, '\0', size - *pos);
    size_t len = nul ? (size_t)(nul - start) : size - *pos;
    *pos += len + 1;
    return fuzz_cstring(start, len);
}

/* Text written to a memory stream; the caller frees *buf. */
static inline FILE *fuzz_memstream(char **buf, size_t *len)
{
    FILE *fp = open_memstream(buf, len);
    if (!fp) abort();
    return fp;
}

/* Lines in the input (a last line without a newline counts). */
static inline size_t fuzz_count_lines(const uint8_t *data, size_t size)
{
    size_t n = 1;
    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n';
    return n;
}

/* A data-file parser's error must read "label:line: what", with a line
 * inside the input and some text after it. */
static inline void fuzz_check_line_error(const char *err, const char *label, const uint8_t *data,
                                         size_t size)
{
    size_t len = strlen(label);
    FUZZ_CHECK(strncmp(err, label, len) == 0 && err[len] == ':');
    char *end;
    unsigned long line = strtoul(err + len + 1, &end, 10);
    FUZZ_CHECK(line >= 1 && line <= fuzz_count_lines(data, size));
    FUZZ_CHECK(end[0] == ':' && end[1] == ' ' && end[2] != '\0');
}

#endif
