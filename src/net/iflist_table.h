// SPDX-License-Identifier: MIT
// nmap's NmapOutputTable layout: each column as wide as its widest cell,
// one space between columns, and no padding after a row's last non-empty
// cell (so rows never end in blanks).
#ifndef CMAP_NET_IFLIST_TABLE_H
#define CMAP_NET_IFLIST_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct text_table {
    size_t rows, cols;
    char **cells; /* rows * cols, NULL for an empty cell */
};

int text_table_init(struct text_table *t, size_t rows, size_t cols);
/* Sets a cell from a printf format; -1 when out of memory. */
int text_table_set(struct text_table *t, size_t row, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* -1 when out of memory (nothing printed). */
int text_table_print(const struct text_table *t, FILE *fp);
void text_table_free(struct text_table *t);

#endif
