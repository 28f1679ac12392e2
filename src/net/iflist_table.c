// SPDX-License-Identifier: MIT
#include "net/iflist_table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int text_table_init(struct text_table *t, size_t rows, size_t cols)
{
    t->rows = rows;
    t->cols = cols;
    t->cells = rows && cols ? calloc(rows * cols, sizeof *t->cells) : NULL;
    return rows && cols && !t->cells ? -1 : 0;
}

int text_table_set(struct text_table *t, size_t row, size_t col, const char *fmt, ...)
{
    if (row >= t->rows || col >= t->cols) return -1;
    char **cell = &t->cells[row * t->cols + col];
    free(*cell);
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(cell, fmt, ap);
    va_end(ap);
    if (n < 0) *cell = NULL;
    return n < 0 ? -1 : 0;
}

static size_t cell_len(const struct text_table *t, size_t row, size_t col)
{
    const char *s = t->cells[row * t->cols + col];
    return s ? strlen(s) : 0;
}

static void print_row(const struct text_table *t, size_t row, const size_t *width, FILE *fp)
{
    size_t items = 0, written = 0;
    for (size_t c = 0; c < t->cols; c++)
        items += t->cells[row * t->cols + c] != NULL;
    for (size_t c = 0; c < t->cols; c++) {
        const char *s = t->cells[row * t->cols + c];
        size_t len = s ? strlen(s) : 0;
        if (len) fputs(s, fp), written++;
        if (written < items) fprintf(fp, "%*s", (int)(width[c] - len + 1), "");
    }
    fputc('\n', fp);
}

int text_table_print(const struct text_table *t, FILE *fp)
{
    size_t *width = calloc(t->cols ? t->cols : 1, sizeof *width);
    if (!width) return -1;
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->cols; c++)
            if (cell_len(t, r, c) > width[c]) width[c] = cell_len(t, r, c);
    for (size_t r = 0; r < t->rows; r++)
        print_row(t, r, width, fp);
    free(width);
    return 0;
}

void text_table_free(struct text_table *t)
{
    for (size_t i = 0; t->cells && i < t->rows * t->cols; i++)
        free(t->cells[i]);
    free(t->cells);
    t->cells = NULL;
}
