// SPDX-License-Identifier: MIT
// Reading a whole data file into memory for a parser, with the checks every
// loader needs: a regular file, no larger than the parser's limit, read in
// full. One place, so every data file fails the same clear way.
#ifndef CMAP_DATA_SLURP_H
#define CMAP_DATA_SLURP_H

#include <stddef.h>

/* The file's bytes (NUL-terminated, *len without the terminator; free()
 * them), or NULL with "path: what" in err: the system's error, "not a
 * regular file of at most N bytes", "read error" or "out of memory". */
char *slurp_file(const char *path, size_t max_size, size_t *len, char *err, size_t errlen);

#endif
