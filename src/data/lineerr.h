// SPDX-License-Identifier: MIT
// The "label:line: what" error every data-file parser reports, written
// once: where the parser is (file label and line) and where the text goes.
#ifndef CMAP_DATA_LINEERR_H
#define CMAP_DATA_LINEERR_H

#include <stddef.h>

struct line_error {
    const char *label; /* the file's path, or a caller's name for the text */
    size_t lineno;     /* 1-based line the parser is on */
    char *err;         /* NULL or errlen == 0: errors are not written */
    size_t errlen;
};

/* Writes "label:lineno: " and the formatted text into e->err (cut to
 * fit). Returns NULL, so a parser can `return line_error_fail(...)`. */
void *line_error_fail(struct line_error *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
