// SPDX-License-Identifier: MIT
// JSON output. -oJ writes one document: the run's header, then "hosts"
// filled as each host finishes (one host per line), then the task events
// (-v) and progress reports, and "runstats". -oJL writes JSON Lines: a
// "run" record first, one record per host, task event or progress report,
// each flushed as soon as it is known so `| jq` sees hosts while the scan
// goes on, and a "runstats" record last.
#include <stdlib.h>

#include "report/jsonmodel.h"
#include "report/textfmt.h"
#include "report/writer.h"

/* Depth of the hosts array inside the document object. */
#define HOSTS_DEPTH 2

struct json_doc {
    struct jw jw;
    char **tasks; /* task records, rendered as they happen, written at the end */
    size_t n_tasks, cap_tasks;
};

static struct json_doc *doc_of(struct writer *w)
{
    if (!w->state) {
        struct json_doc *d = calloc(1, sizeof *d);
        if (!d) return NULL;
        jw_init(&d->jw, w->fp);
        w->state = d;
    }
    return w->state;
}

static int doc_run_begin(struct writer *w, const struct run *run)
{
    struct json_doc *d = doc_of(w);
    if (!d) return -1;
    jw_object_begin(&d->jw);
    int rc = json_run_members(&d->jw, run);
    jw_key(&d->jw, "hosts");
    jw_array_begin(&d->jw, true);
    if (flush_status(w->fp) != 0) return -1;
    return rc;
}

static int doc_host_done(struct writer *w, const struct run *run, const struct host *h)
{
    struct json_doc *d = w->state;
    if (!d) return -1;
    int rc = json_host(&d->jw, run, h);
    if (flush_status(w->fp) != 0) return -1;
    return rc < 0 ? -1 : 0;
}

/* Task events happen between hosts, while the hosts array is open, so
 * they are rendered into memory as they come (a few per host group) and
 * written after it. */
struct pending {
    FILE *mem;
    char *text;
    size_t len;
    struct jw jw;
};

static int pending_open(struct pending *p)
{
    *p = (struct pending){0};
    p->mem = open_memstream(&p->text, &p->len);
    if (!p->mem) return -1;
    jw_init(&p->jw, p->mem);
    return 0;
}

/* shown: what the renderer returned (1 written, 0 nothing, -1 failed). */
static int pending_keep(struct json_doc *d, struct pending *p, int shown)
{
    if (fclose(p->mem) != 0) shown = -1;
    if (shown > 0 && d->n_tasks == d->cap_tasks) {
        size_t cap = d->cap_tasks ? d->cap_tasks * 2 : 16;
        char **grown = realloc(d->tasks, cap * sizeof *grown);
        if (grown) {
            d->tasks = grown;
            d->cap_tasks = cap;
        } else {
            shown = -1;
        }
    }
    if (shown <= 0) {
        free(p->text);
        return shown < 0 ? -1 : 0;
    }
    d->tasks[d->n_tasks++] = p->text;
    return 0;
}

static int doc_task(struct writer *w, const struct run *run, const struct task_event *t, bool end)
{
    struct json_doc *d = w->state;
    struct pending p;
    if (!d || pending_open(&p) != 0) return -1;
    return pending_keep(d, &p, json_task(&p.jw, run, t, end));
}

static int doc_task_begin(struct writer *w, const struct run *run, const struct task_event *t)
{
    return doc_task(w, run, t, false);
}

static int doc_task_end(struct writer *w, const struct run *run, const struct task_event *t)
{
    return doc_task(w, run, t, true);
}

static int doc_task_progress(struct writer *w, const struct run *run,
                             const struct progress_event *e)
{
    (void)run;
    struct json_doc *d = w->state;
    struct pending p;
    if (!d || pending_open(&p) != 0) return -1;
    json_task_progress(&p.jw, e);
    return pending_keep(d, &p, 1);
}

/* Also the end of a run that failed before it began (a fatal error while
 * starting): the document is still complete. */
static int doc_run_end(struct writer *w, const struct run *run)
{
    if (!w->state && doc_run_begin(w, run) != 0) return -1;
    struct json_doc *d = w->state;
    jw_close_to(&d->jw, HOSTS_DEPTH);
    jw_array_end(&d->jw);
    /* The prerule results came while the hosts array was open; both lists
     * are still in the run. */
    json_scripts(&d->jw, "prescripts", run->pre_scripts, run->n_pre_scripts);
    if (!run->error_message)
        json_scripts(&d->jw, "postscripts", run->post_scripts, run->n_post_scripts);
    jw_key(&d->jw, "tasks");
    jw_array_begin(&d->jw, true);
    for (size_t i = 0; i < d->n_tasks; i++)
        jw_raw(&d->jw, d->tasks[i]);
    jw_array_end(&d->jw);
    jw_key(&d->jw, "runstats");
    json_runstats(&d->jw, run);
    jw_object_end(&d->jw);
    fputc('\n', w->fp);
    return flush_status(w->fp);
}

static void doc_destroy(struct writer *w)
{
    struct json_doc *d = w->state;
    if (!d) return;
    for (size_t i = 0; i < d->n_tasks; i++)
        free(d->tasks[i]);
    free(d->tasks);
    free(d);
    w->state = NULL;
}

const struct writer_ops json_writer_ops = {
    .name = "JSON",
    .run_begin = doc_run_begin,
    .host_done = doc_host_done,
    .run_end = doc_run_end,
    .destroy = doc_destroy,
    .task_begin = doc_task_begin,
    .task_end = doc_task_end,
    .task_progress = doc_task_progress,
};

/* w->state points here once the "run" record is out. */
static char lines_begun;

/* One record, one line, on its way out at once. */
static int end_line(struct writer *w, int rendered)
{
    if (rendered > 0) fputc('\n', w->fp);
    if (flush_status(w->fp) != 0) return -1;
    return rendered < 0 ? -1 : 0;
}

static int lines_run_begin(struct writer *w, const struct run *run)
{
    struct jw j;
    jw_init(&j, w->fp);
    w->state = &lines_begun;
    jw_object_begin(&j);
    int rc = json_run_members(&j, run);
    jw_object_end(&j);
    return end_line(w, rc < 0 ? -1 : 1);
}

static int lines_host_done(struct writer *w, const struct run *run, const struct host *h)
{
    struct jw j;
    jw_init(&j, w->fp);
    return end_line(w, json_host(&j, run, h));
}

static int lines_task_begin(struct writer *w, const struct run *run, const struct task_event *t)
{
    struct jw j;
    jw_init(&j, w->fp);
    return end_line(w, json_task(&j, run, t, false));
}

static int lines_task_end(struct writer *w, const struct run *run, const struct task_event *t)
{
    struct jw j;
    jw_init(&j, w->fp);
    return end_line(w, json_task(&j, run, t, true));
}

static int lines_task_progress(struct writer *w, const struct run *run,
                               const struct progress_event *e)
{
    (void)run;
    struct jw j;
    jw_init(&j, w->fp);
    json_task_progress(&j, e);
    return end_line(w, 1);
}

/* NSE's prerule results, a record before the first host. */
static int lines_pre_scripts(struct writer *w, const struct run *run)
{
    struct jw j;
    jw_init(&j, w->fp);
    return end_line(w, json_script_record(&j, "prescript", run->pre_scripts, run->n_pre_scripts));
}

static int lines_run_end(struct writer *w, const struct run *run)
{
    if (!w->state && lines_run_begin(w, run) != 0) return -1;
    struct jw j;
    jw_init(&j, w->fp);
    if (!run->error_message &&
        end_line(w, json_script_record(&j, "postscript", run->post_scripts,
                                       run->n_post_scripts)) != 0)
        return -1;
    jw_init(&j, w->fp);
    json_runstats(&j, run);
    return end_line(w, 1);
}

const struct writer_ops jsonl_writer_ops = {
    .name = "JSON Lines",
    .run_begin = lines_run_begin,
    .host_done = lines_host_done,
    .run_end = lines_run_end,
    .destroy = NULL,
    .task_begin = lines_task_begin,
    .task_end = lines_task_end,
    .task_progress = lines_task_progress,
    .pre_scripts = lines_pre_scripts,
};
