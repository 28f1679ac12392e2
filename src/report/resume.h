// SPDX-License-Identifier: MIT
// --resume: continue a run that was interrupted. As nmap, `cmap --resume
// FILE` re-runs the command line recorded in FILE with --append-output and
// skips every target up to and including the last host FILE reports as
// finished. Beyond nmap, hosts the earlier run left half-scanned (its
// partial-host records) are scanned first, for the ports they had not
// finished only, and reported with their earlier ports merged back.
//
// In main: resume_open before parsing, resume_args to parse the recovered
// command line instead, resume_plan_failed if that fails, resume_prepare
// before the outputs open, resume_filter on the target iterator, then the
// groups of resume_next_group through the usual scan and report, then the
// remaining targets as usual.
#ifndef CMAP_REPORT_RESUME_H
#define CMAP_REPORT_RESUME_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/plan.h"
#include "scan/hostgroup.h"

struct resume;
struct target;

/* For exactly `cmap --resume FILE` (and NMAP_ARGS unset, as in nmap; any
 * other use of --resume is refused by the option parser): read FILE and
 * return what to resume. NULL for every other command line. A file that
 * cannot be resumed from is fatal here, with nmap's messages, before any
 * output file is touched. */
struct resume *resume_open(int argc, char **argv);
/* The command line to parse instead of the real one; valid until
 * resume_free. */
void resume_args(const struct resume *r, int *argc, char ***argv);
/* The recovered command line did not parse (its message is already out):
 * the exit status. Passes status through without a resume or for 0. */
int resume_plan_failed(const struct resume *r, int status);
/* Before the outputs open: mark the plan as resuming and reopen the XML
 * output's document (drop the closing <runstats> and </nmaprun> the
 * interrupted run wrote), so the appended hosts keep one valid document,
 * as nmap's resumed XML is. Fatal if the XML file cannot be prepared. No-op
 * for r == NULL. */
void resume_prepare(struct resume *r, struct plan *plan);
/* target_filter_fn for the target iterator (ctx is the resume): drops the
 * targets before and at the last finished host, and the half-scanned
 * hosts, which resume_next_group hands out. */
bool resume_filter(const struct target *t, void *ctx);

/* Half-scanned hosts, handed out in groups that share a port list: hosts
 * whose remaining ports largely overlap are scanned together (each scans
 * at most twice its own remaining ports), the others apart. */
struct resume_group {
    struct plan plan;       /* the run's plan, with only this group's ports;
                               never plan_free() it */
    struct hostgroup hosts; /* hosts.hosts[0 .. hosts.count) */
    size_t *entries;        /* which record each host came from */
};

/* Fill g with the next group; false when none is left. */
bool resume_next_group(struct resume *r, const struct plan *plan, struct resume_group *g);
/* After the scan (finished or interrupted): put each host's earlier ports
 * back, so it is reported, or recorded as partial again, whole. */
void resume_group_merge(const struct resume *r, const struct plan *plan, struct resume_group *g);
void resume_group_free(struct resume_group *g);

void resume_free(struct resume *r);

#endif
