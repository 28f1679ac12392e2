// SPDX-License-Identifier: MIT
// Small formatting helpers shared by the writers: nmap's time stamps, its
// significant-digit numbers, the run summary and the "name (ip)" label.
#ifndef CMAP_REPORT_TEXTFMT_H
#define CMAP_REPORT_TEXTFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "core/addr.h"
#include "report/model.h"

/* ctime() layout without the newline, "Sun Nov 22 14:04:58 2026", in local
 * time and always with English names whatever the locale. buf >= 32. */
void fmt_ctime(time_t t, char *buf, size_t len);

/* d rounded to `digits` significant digits and printed with just enough
 * decimals (nmap's num_to_string_sigdigits): 0.0000473 -> "0.000047". */
void fmt_sigdigits(double d, int digits, char *buf, size_t len);

/* Seconds between the run's start and end. */
double run_elapsed(const struct run *run);

/* "1 IP address (1 host up) scanned in 0.04 seconds". */
void fmt_run_summary(const struct run *run, char *buf, size_t len);

/* Hosts down as nmap counts them: every host scanned that was not up. */
unsigned long run_hosts_down(const struct run *run);

/* nmap's NameIP(): "name (ip)" with the user's name, else the PTR name, or
 * just "ip"; names are made terminal-safe. */
void put_name_ip(FILE *fp, const struct host *h);

/* Directory part of the nmap-services path, for "Read data files from". */
void fmt_dirname(const char *path, char *buf, size_t len);

struct task_event;
/* What nmap puts in parentheses after "Completed <task> at ..., N.NNs
 * elapsed" and in <taskend extrainfo="">: "7 total ports", "3 services on
 * 1 host". false when the task has none. */
bool task_extrainfo(const struct task_event *t, char *buf, size_t len);

/* Push buffered output to the file: 0, or -1 if any write on fp failed
 * (errno tells why). */
int flush_status(FILE *fp);

#endif
