// SPDX-License-Identifier: MIT
// How far a running task is, in nmap's terms: the completion fraction of a
// group (scan_engine.cc getCompletionFraction), the estimate of time left
// and the schedule of the automatic -v timing lines (timing.cc
// ScanProgressMeter), and the texts of the status lines. Pure arithmetic
// and formatting; watch.c decides when to print.
#ifndef CMAP_REPORT_PROGRESS_H
#define CMAP_REPORT_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* A host's share of done-ness: each finished port counts maxtries - 1 and
 * every probe sent counts 1, out of maxtries per port; capped below 1 until
 * the host is really done (nmap's formula). maxtries is the host's current
 * try limit + 1. */
double progress_host_fraction(unsigned long finished, unsigned long sent, unsigned maxtries,
                              size_t n_ports);

/* nmap's estimate: time used is counted in whole seconds; below 1% done
 * there is no estimate. */
struct progress_estimate {
    double percent;   /* 0..100 */
    bool have_etc;    /* false below 1% done */
    double remaining; /* seconds left plus nmap's 0.5 rounding term */
    time_t etc;       /* estimated wall-clock end */
};
void progress_estimate(double fraction, time_t begin, time_t now, struct progress_estimate *e);

/* When nmap prints an unrequested timing line at -v: not before 30 s into
 * the task, at most every 30 s, only if the estimate is 30 s or more away
 * and moved noticeably (any change at -d). */
struct progress_meter {
    time_t begin, last_print, last_test, last_est;
};
void progress_meter_start(struct progress_meter *m, time_t begin);
bool progress_meter_due(struct progress_meter *m, double fraction, time_t now, int verbosity,
                        int debugging);
/* Record that a timing line was printed (automatic or requested). */
void progress_meter_printed(struct progress_meter *m, const struct progress_estimate *e,
                            time_t now);

/* "Stats: 0:00:04 elapsed; 0 hosts completed (1 up), 1 undergoing Connect Scan" */
int progress_format_stats(char *buf, size_t len, long elapsed_s, unsigned long done,
                          unsigned long up, unsigned long active, const char *task);
/* "Connect Scan Timing: About 2.10% done; ETC: 14:09 (0:03:06 remaining)",
 * or "... About 0.50% done" without an estimate; etc_tm is the local time
 * of e->etc (NULL prints nmap's "ETC: Unknown"). */
int progress_format_timing(char *buf, size_t len, const char *task,
                           const struct progress_estimate *e, const struct tm *etc_tm);
/* cmap's live line for a terminal: "Connect Scan: 42.10% done, 0:00:05
 * elapsed, ~0:00:07 left", cut to fit width columns (no wrapping, or the
 * carriage return that redraws it would land on the wrong row). */
int progress_format_live(char *buf, size_t len, size_t width, const char *task,
                         const struct progress_estimate *e, long task_elapsed_s);

#endif
