// SPDX-License-Identifier: MIT
#include "data/slurp.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *slurp_file(const char *path, size_t max_size, size_t *len, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    struct stat st;
    if (!fp || fstat(fileno(fp), &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (fp) fclose(fp);
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max_size) {
        snprintf(err, errlen, "%s: not a regular file of at most %zu bytes", path, max_size);
        fclose(fp);
        return NULL;
    }
    size_t size = (size_t)st.st_size;
    char *text = malloc(size + 1);
    size_t got = text ? fread(text, 1, size, fp) : 0;
    int io_error = !text || got != size || ferror(fp);
    fclose(fp);
    if (io_error) {
        snprintf(err, errlen, "%s: %s", path, text ? "read error" : "out of memory");
        free(text);
        return NULL;
    }
    text[size] = '\0';
    *len = size;
    return text;
}
