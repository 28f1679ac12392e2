// SPDX-License-Identifier: MIT
// An output format is one writer: a table of callbacks over run events.
// Writers only see the result model. Every callback returns 0, or -1 on a
// write error (which the caller reports; a write error is never ignored).
#ifndef CMAP_REPORT_WRITER_H
#define CMAP_REPORT_WRITER_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "report/model.h"

struct writer {
    const struct writer_ops *ops;
    FILE *fp;
    bool to_stdout;   /* writing to the terminal/pipe rather than a file */
    bool interactive; /* the normal output shown on stdout (vs. -oN file) */
    void *state;      /* per-writer private data */
};

/* A phase of the run as nmap announces it with -v ("Initiating Connect Scan
 * at 15:39", "Scanning 127.0.0.1 [2 ports]", "Completed ...") and in XML
 * (<taskbegin>/<taskend>). */
struct task_event {
    const char *name;        /* "Connect Scan", "System DNS resolution of 1 host." */
    struct timeval time;     /* when it began, or ended */
    double elapsed;          /* seconds, for the end */
    size_t n_hosts;          /* hosts in the group */
    const struct host *host; /* the host when n_hosts == 1 */
    size_t ports_per_host;   /* 0 for tasks that are not port scans */
    size_t n_services;       /* "Service scan": ports probed (begin) or done (end) */
    bool total_hosts;        /* discovery: the end says "N total hosts" */
};

/* A status report on a running task: nmap's "Stats: ..." line (on a key
 * press or at --stats-every), the "<task> Timing: About 2.10% done; ETC:
 * 14:09 (0:03:06 remaining)" line and the XML <taskprogress>. */
struct progress_event {
    const char *task;        /* "Connect Scan" */
    struct timeval time;     /* when */
    double percent;          /* 0..100 */
    bool have_etc;           /* false below 1% done: no estimate yet */
    double remaining;        /* seconds left (nmap-rounded) */
    time_t etc;              /* estimated end, wall clock */
    const struct tm *etc_tm; /* local time of etc; NULL if unknown */
    bool with_stats;         /* the Stats line first (keys, --stats-every) */
    long elapsed;            /* whole seconds since the run began */
    unsigned long hosts_done, hosts_up, hosts_active;
};

struct writer_ops {
    const char *name;
    int (*run_begin)(struct writer *w, const struct run *run);
    int (*host_done)(struct writer *w, const struct run *run, const struct host *host);
    int (*run_end)(struct writer *w, const struct run *run);
    void (*destroy)(struct writer *w);
    /* Optional progress events (NULL: the format has none). */
    int (*task_begin)(struct writer *w, const struct run *run, const struct task_event *t);
    int (*task_end)(struct writer *w, const struct run *run, const struct task_event *t);
    int (*port_found)(struct writer *w, const struct run *run, const struct host *host,
                      const struct port_result *port);
    int (*task_progress)(struct writer *w, const struct run *run, const struct progress_event *e);
    /* A line of nmap's free-form log (runtime-key answers, --packet-trace
     * CONN lines, -d reports): on the interactive output, and in the -oN
     * file too when to_file (nmap's LOG_PLAIN / LOG_NORMAL). */
    int (*message)(struct writer *w, const struct run *run, const char *line, bool to_file);
    /* A host the run was interrupted in: its finished ports, as a record
     * --resume reads back (report/partial.h). Files only; NULL: none. */
    int (*host_partial)(struct writer *w, const struct run *run, const struct host *host);
    /* A host discovery just found up, before its port scan: nmap's
     * <hosthint>, with reason the hint's own. NULL: none. */
    int (*host_hint)(struct writer *w, const struct run *run, const struct host *host,
                     enum reason reason);
    /* NSE's prerule results (run->pre_scripts), once they are known, before
     * the first host: "Pre-scan script results:" / <prescript>. NULL: none.
     * Postrule results (run->post_scripts) are written by run_end. */
    int (*pre_scripts)(struct writer *w, const struct run *run);
};

extern const struct writer_ops normal_writer_ops;
extern const struct writer_ops xml_writer_ops;
extern const struct writer_ops grepable_writer_ops;
extern const struct writer_ops kiddie_writer_ops; /* -oS */
extern const struct writer_ops json_writer_ops;   /* -oJ */
extern const struct writer_ops jsonl_writer_ops;  /* -oJL */

/* The set of writers for a run: interactive stdout plus every -o file. */
struct outputs;

/* Open every requested output (nmap's "Failed to open XML output file X for
 * writing: ..." on failure, through pfatal). */
struct outputs *outputs_open(const struct plan *plan);
int outputs_run_begin(struct outputs *o, const struct run *run);
int outputs_host_done(struct outputs *o, const struct run *run, const struct host *host);
/* For a host left unfinished by an interruption, instead of host_done. */
int outputs_host_partial(struct outputs *o, const struct run *run, const struct host *host);
int outputs_task_begin(struct outputs *o, const struct run *run, const struct task_event *t);
int outputs_host_hint(struct outputs *o, const struct run *run, const struct host *host,
                      enum reason reason);
/* After NSE's pre-scan phase, when run->n_pre_scripts > 0. */
int outputs_pre_scripts(struct outputs *o, const struct run *run);
int outputs_task_end(struct outputs *o, const struct run *run, const struct task_event *t);
/* Safe to call from scan worker threads. */
int outputs_port_found(struct outputs *o, const struct run *run, const struct host *host,
                       const struct port_result *port);
/* Safe to call from scan worker threads. */
int outputs_task_progress(struct outputs *o, const struct run *run, const struct progress_event *e);
int outputs_message(struct outputs *o, const struct run *run, const char *line, bool to_file);
/* cmap's live progress line on a terminal stdout: drawn in place (text),
 * or erased (NULL). Any other output to stdout erases it first, so it never
 * mixes with results. Only call when stdout is a terminal. */
void outputs_live_line(struct outputs *o, const char *text);
/* Writes the end of every output and closes files; reports write errors. */
int outputs_run_end(struct outputs *o, const struct run *run);
void outputs_free(struct outputs *o);

#endif
