// SPDX-License-Identifier: MIT
#include "data/lineerr.h"

#include <stdarg.h>
#include <stdio.h>

void *line_error_fail(struct line_error *e, const char *fmt, ...)
{
    if (!e->err || e->errlen == 0) return NULL;
    int n = snprintf(e->err, e->errlen, "%s:%zu: ", e->label, e->lineno);
    if (n < 0 || (size_t)n >= e->errlen) return NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->err + n, e->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return NULL;
}
