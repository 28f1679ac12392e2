// SPDX-License-Identifier: MIT
#include "target/hostfile.h"

#include <stdbool.h>

static bool is_separator(int c)
{
    return c == ' ' || c == '\r' || c == '\n' || c == '\t' || c == '\0';
}

/* Skip separators and comments; returns the first character of a spec or EOF. */
static int skip_to_spec(FILE *fp)
{
    int c = getc(fp);
    while (is_separator(c) || c == '#') {
        if (c == '#') {
            while ((c = getc(fp)) != EOF && c != '\n')
                ;
        } else {
            c = getc(fp);
        }
    }
    return c;
}

size_t hostfile_next(FILE *fp, char *buf, size_t n)
{
    size_t i = 0;
    int c = skip_to_spec(fp);
    while (c != EOF && !is_separator(c) && c != '#') {
        if (i < n) buf[i] = (char)c;
        i++;
        c = getc(fp);
    }
    if (c != EOF) ungetc(c, fp);
    if (n > 0) buf[i < n ? i : n - 1] = '\0';
    return i;
}
