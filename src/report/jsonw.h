// SPDX-License-Identifier: MIT
// A small streaming JSON emitter: it writes values straight to a FILE and
// places the commas, so the writers say what they emit, not how to
// separate it. The state is plain data, so a document can stay open across
// writer callbacks (hosts are added to -oJ's array as they finish).
#ifndef CMAP_REPORT_JSONW_H
#define CMAP_REPORT_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* cmap's documents nest five levels deep (document, host, ports, port,
 * state), plus two per level of a script's structured result, which the
 * writer cuts at JSON_SCRIPT_MAX_DEPTH (jsonmodel.h); the limit leaves
 * room for both. */
#define JW_MAX_DEPTH 160

struct jw {
    FILE *fp;
    int depth;
    bool has_items[JW_MAX_DEPTH]; /* the container at this level has members */
    bool lines[JW_MAX_DEPTH];     /* each member of this array on its own line */
    bool is_array[JW_MAX_DEPTH];
    bool after_key; /* a key was written; its value comes next */
};

void jw_init(struct jw *j, FILE *fp);

void jw_object_begin(struct jw *j);
void jw_object_end(struct jw *j);
/* lines: put each element on a line of its own (host arrays), so big
 * documents stay readable and line-oriented tools can cope. */
void jw_array_begin(struct jw *j, bool lines);
void jw_array_end(struct jw *j);

/* Close every container deeper than `depth` (a dangling key gets null),
 * so a run that ends mid-record still leaves well-formed JSON. */
void jw_close_to(struct jw *j, int depth);

/* Inside an object: the member name; the next value call is its value. */
void jw_key(struct jw *j, const char *key);

void jw_string(struct jw *j, const char *s);
/* A value that is already JSON text (a record rendered earlier). */
void jw_raw(struct jw *j, const char *json);
void jw_int(struct jw *j, int64_t v);
void jw_bool(struct jw *j, bool v);
/* A number with two decimals ("0.04" seconds); non-finite values, which
 * JSON cannot express, are written as 0. */
void jw_fixed2(struct jw *j, double v);

/* Member shorthands: key, then value. */
void jw_kstring(struct jw *j, const char *key, const char *s);
void jw_kint(struct jw *j, const char *key, int64_t v);
void jw_kbool(struct jw *j, const char *key, bool v);

#endif
