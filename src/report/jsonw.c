// SPDX-License-Identifier: MIT
#include "report/jsonw.h"

#include <inttypes.h>
#include <math.h>

#include "report/jsonesc.h"

void jw_init(struct jw *j, FILE *fp)
{
    *j = (struct jw){.fp = fp};
}

/* Before any value or key: the separator the container needs. */
static void separate(struct jw *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth == 0) return;
    int d = j->depth - 1;
    if (j->has_items[d]) fputc(',', j->fp);
    if (j->lines[d]) fputc('\n', j->fp);
    j->has_items[d] = true;
}

/* Nesting deeper than JW_MAX_DEPTH is a bug in a writer, never input
 * driven; the extra levels then lose their separators rather than write
 * outside the arrays. */
static void open_level(struct jw *j, char c, bool lines)
{
    separate(j);
    fputc(c, j->fp);
    if (j->depth < JW_MAX_DEPTH) {
        j->has_items[j->depth] = false;
        j->lines[j->depth] = lines;
        j->is_array[j->depth] = c == '[';
    }
    j->depth++;
}

static void close_level(struct jw *j, char c)
{
    if (j->depth > 0) j->depth--;
    if (j->depth < JW_MAX_DEPTH && j->lines[j->depth] && j->has_items[j->depth]) fputc('\n', j->fp);
    fputc(c, j->fp);
}

void jw_object_begin(struct jw *j)
{
    open_level(j, '{', false);
}

void jw_object_end(struct jw *j)
{
    close_level(j, '}');
}

void jw_array_begin(struct jw *j, bool lines)
{
    open_level(j, '[', lines);
}

void jw_array_end(struct jw *j)
{
    close_level(j, ']');
}

void jw_close_to(struct jw *j, int depth)
{
    if (j->after_key) {
        fputs("null", j->fp);
        j->after_key = false;
    }
    while (j->depth > depth && j->depth > 0) {
        int d = j->depth - 1;
        close_level(j, d < JW_MAX_DEPTH && j->is_array[d] ? ']' : '}');
    }
}

void jw_key(struct jw *j, const char *key)
{
    separate(j);
    json_put_string(j->fp, key);
    fputc(':', j->fp);
    j->after_key = true;
}

void jw_string(struct jw *j, const char *s)
{
    separate(j);
    json_put_string(j->fp, s ? s : "");
}

void jw_raw(struct jw *j, const char *json)
{
    separate(j);
    fputs(json, j->fp);
}

void jw_int(struct jw *j, int64_t v)
{
    separate(j);
    fprintf(j->fp, "%" PRId64, v);
}

void jw_bool(struct jw *j, bool v)
{
    separate(j);
    fputs(v ? "true" : "false", j->fp);
}

void jw_fixed2(struct jw *j, double v)
{
    separate(j);
    fprintf(j->fp, "%.2f", isfinite(v) ? v : 0.0);
}

void jw_kstring(struct jw *j, const char *key, const char *s)
{
    jw_key(j, key);
    jw_string(j, s);
}

void jw_kint(struct jw *j, const char *key, int64_t v)
{
    jw_key(j, key);
    jw_int(j, v);
}

void jw_kbool(struct jw *j, const char *key, bool v)
{
    jw_key(j, key);
    jw_bool(j, v);
}
