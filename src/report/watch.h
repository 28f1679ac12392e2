// SPDX-License-Identifier: MIT
// Watching a run while it works: nmap's runtime keys (v/V d/D p/P ? and
// any other key for status), --stats-every, the automatic -v timing lines,
// the -d reports (timing report, sending rates), and cmap's own live
// progress line on a terminal. The engine drives it through the observer's
// tick; everything it prints goes through the outputs.
#ifndef CMAP_REPORT_WATCH_H
#define CMAP_REPORT_WATCH_H

#include <stddef.h>

struct plan;
struct run;
struct outputs;
struct runtime;
struct scan_observer;

struct watch;

/* Opens the keyboard (unless --noninteractive), and at -d writes nmap's
 * "Timing report" block. Call after outputs_run_begin. rt must outlive it. */
struct watch *watch_open(const struct plan *plan, struct runtime *rt, struct outputs *out,
                         const struct run *run);

/* A task is starting: hosts_done finished before it (nmap's "hosts
 * completed"), hosts_up of which are up, and hosts_active in this task. */
void watch_task_begin(struct watch *w, const char *task, unsigned long hosts_done,
                      unsigned long hosts_up, unsigned long hosts_active);
/* Let the engine report to the watcher: sets obs->tick, obs->message,
 * obs->watch_ctx and obs->rt; leaves port_found and ctx alone. */
void watch_observe(struct watch *w, struct scan_observer *obs);
/* The task ended (after its "Completed ..." line): erases the live line and
 * at -d writes nmap's "Overall sending rates". */
void watch_task_end(struct watch *w);

/* Restores the terminal. NULL is fine. */
void watch_close(struct watch *w);

#endif
