// SPDX-License-Identifier: MIT
// The result model as JSON records, shared by -oJ (one document) and -oJL
// (one record per line). Field names follow nmap's XML (nmap.dtd 1.05) so
// nothing the XML carries is missing and its readers find their way; the
// schema is docs/cmap-json.schema.json.
#ifndef CMAP_REPORT_JSONMODEL_H
#define CMAP_REPORT_JSONMODEL_H

#include <stdbool.h>

#include "report/jsonw.h"
#include "report/model.h"
#include "report/writer.h"

/* Version of the JSON layout; bumped when a field changes meaning. */
#define CMAP_JSON_FORMAT_VERSION "1.0"

/* The members of the "run" record (type, scanner, args, start, scaninfo,
 * verbose, debugging) into an object the caller opened. -1 when out of
 * memory. */
int json_run_members(struct jw *j, const struct run *run);

/* The host as a "host" record, for the hosts the XML reports too: 1 when
 * written, 0 when the host is not reported, -1 when out of memory. */
int json_host(struct jw *j, const struct run *run, const struct host *h);

/* Levels of a script's structured result written; deeper tables are
 * written empty (nmap's Lua cannot build much deeper ones anyway). */
#define JSON_SCRIPT_MAX_DEPTH 64

/* NSE results as an array of script objects (id, output, elems) under
 * `key` in the object the caller opened; nothing when n is 0. */
void json_scripts(struct jw *j, const char *key, const struct script_result *r, size_t n);

/* A "prescript" or "postscript" record (-oJL) holding the run's prerule or
 * postrule results: 1 when written, 0 when there are none. */
int json_script_record(struct jw *j, const char *type, const struct script_result *r, size_t n);

/* A "taskbegin"/"taskend" record; 0 (nothing written) without -v or -d,
 * as nmap's XML. */
int json_task(struct jw *j, const struct run *run, const struct task_event *t, bool end);

/* A "taskprogress" record (XML's <taskprogress>): a status report on a
 * running task, on a key press or at --stats-every. */
void json_task_progress(struct jw *j, const struct progress_event *e);

/* The "runstats" record: finished time, elapsed, exit status, host counts. */
void json_runstats(struct jw *j, const struct run *run);

#endif
