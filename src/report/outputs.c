// SPDX-License-Identifier: MIT
// The run's set of writers: interactive normal output on stdout plus every
// -oN/-oX/-oG file. Opens them, fans each event out, and reports a failed
// write once per output (a full disk must not pass silently).
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "core/log.h"
#include "report/writer.h"

#define MAX_OUTPUTS (OUT_FORMAT_COUNT + 1)

struct output {
    struct writer w;
    const char *label; /* file name for error messages */
    bool failed;       /* reported once; no more writes after */
    bool closed;
};

struct outputs {
    struct output out[MAX_OUTPUTS];
    size_t n;
    pthread_mutex_t lock; /* port_found arrives from scan worker threads */
    bool live_shown;      /* cmap's live progress line is on the terminal */
};

/* Open order and wording are nmap's: normal, then machine (grepable), then
 * script kiddie, then XML; cmap's JSON formats last. The first failure ends
 * the run. */
static const struct {
    enum output_format format;
    const char *kind;
    const struct writer_ops *ops;
} formats[OUT_FORMAT_COUNT] = {
    {OUT_NORMAL, "normal", &normal_writer_ops},
    {OUT_GREPABLE, "machine", &grepable_writer_ops},
    {OUT_KIDDIE, "$Cr!pT |<!dd!3", &kiddie_writer_ops},
    {OUT_XML, "XML", &xml_writer_ops},
    {OUT_JSON, "JSON", &json_writer_ops},
    {OUT_JSONL, "JSON Lines", &jsonl_writer_ops},
};

static bool any_to_stdout(const struct plan *plan)
{
    for (int f = 0; f < OUT_FORMAT_COUNT; f++)
        if (plan->output_path[f] && strcmp(plan->output_path[f], "-") == 0) return true;
    return false;
}

static void add(struct outputs *o, const struct writer_ops *ops, FILE *fp, const char *label,
                bool to_stdout, bool interactive)
{
    struct output *out = &o->out[o->n++];
    *out = (struct output){.label = label};
    out->w =
        (struct writer){.ops = ops, .fp = fp, .to_stdout = to_stdout, .interactive = interactive};
}

struct outputs *outputs_open(const struct plan *plan)
{
    struct outputs *o = calloc(1, sizeof *o);
    if (!o) fatal("Out of memory opening outputs");
    pthread_mutex_init(&o->lock, NULL);
    /* Any format on stdout replaces the interactive text; -v0 silences it. */
    if (!any_to_stdout(plan) && !plan->silent_stdout)
        add(o, &normal_writer_ops, stdout, "stdout", true, true);
    for (size_t i = 0; i < OUT_FORMAT_COUNT; i++) {
        const char *path = plan->output_path[formats[i].format];
        if (!path) continue;
        if (strcmp(path, "-") == 0) {
            add(o, formats[i].ops, stdout, "stdout", true, false);
            continue;
        }
        FILE *fp = fopen(path, plan->append_output ? "a" : "w");
        if (!fp) pfatal("Failed to open %s output file %s for writing", formats[i].kind, path);
        add(o, formats[i].ops, fp, path, false, false);
    }
    return o;
}

/* Record a failure: one message per output, then it is left alone. */
static int check(struct output *out, int rc)
{
    if (rc == 0) return 0;
    int saved = errno ? errno : EIO;
    /* A reader that went away (cmap ... | head) is not worth a message; the
     * exit status still says the output is incomplete. */
    bool quiet = saved == EPIPE && out->w.to_stdout;
    if (!out->failed && !quiet)
        error("%s: error writing %s: %s", CMAP_NAME, out->label, strerror(saved));
    out->failed = true;
    return -1;
}

/* The live line is drawn without a newline; anything else written to
 * stdout first wipes it, so results never share a row with it. */
static void erase_live(struct outputs *o)
{
    if (!o->live_shown) return;
    fputs("\r\033[K", stdout);
    o->live_shown = false;
}

/* Every event goes through one path: take the lock (scan workers report
 * from their own threads), wipe the live progress line so nothing shares a
 * row with it, and hand the event to each output that is still healthy. */
enum event_kind {
    EV_RUN_BEGIN,
    EV_HOST_DONE,
    EV_HOST_PARTIAL,
    EV_HOST_HINT,
    EV_PRE_SCRIPTS,
    EV_TASK_BEGIN,
    EV_TASK_END,
    EV_TASK_PROGRESS,
    EV_PORT_FOUND,
    EV_MESSAGE,
};

struct event {
    enum event_kind kind;
    const struct host *host;
    const struct task_event *task;
    const struct progress_event *progress;
    const struct port_result *port;
    const char *line;
    bool to_file;
    enum reason reason; /* EV_HOST_HINT */
};

/* The writer's handler for e; optional handlers that are absent write nothing. */
static int deliver(struct writer *w, const struct run *run, const struct event *e)
{
    const struct writer_ops *ops = w->ops;
    switch (e->kind) {
    case EV_RUN_BEGIN:
        return ops->run_begin(w, run);
    case EV_HOST_DONE:
        return ops->host_done(w, run, e->host);
    case EV_HOST_PARTIAL:
        return ops->host_partial ? ops->host_partial(w, run, e->host) : 0;
    case EV_HOST_HINT:
        return ops->host_hint ? ops->host_hint(w, run, e->host, e->reason) : 0;
    case EV_PRE_SCRIPTS:
        return ops->pre_scripts ? ops->pre_scripts(w, run) : 0;
    case EV_TASK_BEGIN:
        return ops->task_begin ? ops->task_begin(w, run, e->task) : 0;
    case EV_TASK_END:
        return ops->task_end ? ops->task_end(w, run, e->task) : 0;
    case EV_TASK_PROGRESS:
        return ops->task_progress ? ops->task_progress(w, run, e->progress) : 0;
    case EV_PORT_FOUND:
        return ops->port_found ? ops->port_found(w, run, e->host, e->port) : 0;
    case EV_MESSAGE:
        return ops->message ? ops->message(w, run, e->line, e->to_file) : 0;
    }
    return 0;
}

static int emit(struct outputs *o, const struct run *run, const struct event *e)
{
    int rc = 0;
    pthread_mutex_lock(&o->lock);
    erase_live(o);
    for (size_t i = 0; i < o->n; i++) {
        struct output *out = &o->out[i];
        if (out->failed || out->closed) continue;
        errno = 0;
        if (check(out, deliver(&out->w, run, e)) != 0) rc = -1;
    }
    pthread_mutex_unlock(&o->lock);
    return rc;
}

int outputs_run_begin(struct outputs *o, const struct run *run)
{
    return emit(o, run, &(struct event){.kind = EV_RUN_BEGIN});
}

int outputs_host_done(struct outputs *o, const struct run *run, const struct host *host)
{
    return emit(o, run, &(struct event){.kind = EV_HOST_DONE, .host = host});
}

int outputs_host_partial(struct outputs *o, const struct run *run, const struct host *host)
{
    return emit(o, run, &(struct event){.kind = EV_HOST_PARTIAL, .host = host});
}

int outputs_host_hint(struct outputs *o, const struct run *run, const struct host *host,
                      enum reason reason)
{
    return emit(o, run, &(struct event){.kind = EV_HOST_HINT, .host = host, .reason = reason});
}

int outputs_pre_scripts(struct outputs *o, const struct run *run)
{
    return emit(o, run, &(struct event){.kind = EV_PRE_SCRIPTS});
}

int outputs_task_begin(struct outputs *o, const struct run *run, const struct task_event *t)
{
    return emit(o, run, &(struct event){.kind = EV_TASK_BEGIN, .task = t});
}

int outputs_task_end(struct outputs *o, const struct run *run, const struct task_event *t)
{
    return emit(o, run, &(struct event){.kind = EV_TASK_END, .task = t});
}

int outputs_port_found(struct outputs *o, const struct run *run, const struct host *host,
                       const struct port_result *port)
{
    return emit(o, run, &(struct event){.kind = EV_PORT_FOUND, .host = host, .port = port});
}

int outputs_task_progress(struct outputs *o, const struct run *run, const struct progress_event *e)
{
    return emit(o, run, &(struct event){.kind = EV_TASK_PROGRESS, .progress = e});
}

int outputs_message(struct outputs *o, const struct run *run, const char *line, bool to_file)
{
    return emit(o, run, &(struct event){.kind = EV_MESSAGE, .line = line, .to_file = to_file});
}

/* Only over the interactive text: with a format on stdout (-oX -) or -v0
 * there is no terminal text to keep company with. */
void outputs_live_line(struct outputs *o, const char *text)
{
    pthread_mutex_lock(&o->lock);
    bool interactive = false;
    for (size_t i = 0; i < o->n; i++) {
        const struct output *out = &o->out[i];
        if (out->w.interactive && !out->failed && !out->closed) interactive = true;
    }
    erase_live(o);
    if (interactive && text) {
        fputs(text, stdout);
        o->live_shown = true;
    }
    fflush(stdout);
    pthread_mutex_unlock(&o->lock);
}

/* Files are closed here so that a failing close (NFS, full disk) is still
 * reported; stdout is only flushed, later messages may follow. */
static int close_output(struct output *out)
{
    out->closed = true;
    if (out->w.to_stdout) return fflush(out->w.fp) == 0 ? 0 : -1;
    int rc = fclose(out->w.fp);
    out->w.fp = NULL;
    return rc == 0 ? 0 : -1;
}

int outputs_run_end(struct outputs *o, const struct run *run)
{
    int rc = 0;
    erase_live(o);
    for (size_t i = 0; i < o->n; i++) {
        struct output *out = &o->out[i];
        if (out->closed) continue;
        errno = 0;
        if (!out->failed && check(out, out->w.ops->run_end(&out->w, run)) != 0) rc = -1;
        errno = 0;
        if (check(out, close_output(out)) != 0) rc = -1;
    }
    return rc;
}

void outputs_free(struct outputs *o)
{
    if (!o) return;
    for (size_t i = 0; i < o->n; i++) {
        struct output *out = &o->out[i];
        if (out->w.ops->destroy) out->w.ops->destroy(&out->w);
        if (!out->closed && !out->w.to_stdout) fclose(out->w.fp);
    }
    pthread_mutex_destroy(&o->lock);
    free(o);
}
