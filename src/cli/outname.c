// SPDX-License-Identifier: MIT
#include "cli/outname.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* strftime format for each expandable letter. */
static const char *format_for(char c)
{
    switch (c) {
    case 'H':
        return "%H";
    case 'M':
        return "%M";
    case 'S':
        return "%S";
    case 'T':
        return "%H%M%S";
    case 'R':
        return "%H%M";
    case 'm':
        return "%m";
    case 'd':
        return "%d";
    case 'y':
        return "%y";
    case 'Y':
        return "%Y";
    case 'D':
        return "%m%d%y";
    default:
        return NULL;
    }
}

char *outname_expand(const char *pattern, const struct tm *tm)
{
    /* Each two-character escape grows to at most 6 characters (%T); a year
     * beyond 9999 is the only longer case, covered by the 16 spare bytes. */
    size_t cap = strlen(pattern) * 3 + 16;
    char *out = malloc(cap);
    if (!out) return NULL;
    size_t n = 0;
    for (const char *p = pattern; *p; p++) {
        if (*p != '%') {
            out[n++] = *p;
            continue;
        }
        if (*++p == '\0') break;
        const char *fmt = format_for(*p);
        if (!fmt) {
            out[n++] = *p;
            continue;
        }
        char piece[32];
        size_t len = strftime(piece, sizeof piece, fmt, tm);
        if (n + len + 1 > cap) break;
        memcpy(out + n, piece, len);
        n += len;
    }
    out[n] = '\0';
    return out;
}

const char *outname_check(const char *filename, const char *option, char *msg, size_t len)
{
    if (filename[0] == '-' && filename[1] != '\0') {
        snprintf(msg, len,
                 "Output filename begins with '-'. Try '-%s ./%s' if you really want it to be "
                 "named as such.",
                 option, filename);
        return msg;
    }
    if (strcmp(option, "o") == 0 && filename[0] && strchr("NAXGS", filename[0])) {
        snprintf(msg, len,
                 "You are using a deprecated option in a dangerous way. Did you mean: -o%c %s",
                 filename[0], filename + 1);
        return msg;
    }
    if (filename[0] == '-' && strcmp(option, "oA") == 0) {
        snprintf(msg, len, "Cannot display multiple output types to stdout.");
        return msg;
    }
    return NULL;
}
