// SPDX-License-Identifier: MIT
// cmap: the phases of a run, in order. Everything else lives in modules.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "cli/plan.h"
#include "core/log.h"
#include "core/signals.h"
#include "report/writer.h"
#include "scan/connect.h"
#include "scan/hostgroup.h"
#include "scan/service_table.h"
#include "target/targets.h"

/* The fatal hook needs these to close every output with exit="error". */
static struct outputs *active_outputs;
static struct run *active_run;

static void finish_outputs_on_fatal(const char *message)
{
    if (!active_outputs || !active_run) return;
    gettimeofday(&active_run->end_time, NULL);
    active_run->error_message = message;
    outputs_run_end(active_outputs, active_run);
    outputs_free(active_outputs);
    active_outputs = NULL;
}

/* Reverse DNS: for hosts that are up, every host with -R, none with -n. */
static void resolve_names(const struct plan *plan, struct host **hosts, size_t n)
{
    if (plan->dns == DNS_NEVER) return;
    for (size_t i = 0; i < n && !scan_stop_requested; i++) {
        bool up = hosts[i]->state == HOST_STATE_UP;
        if (plan->dns == DNS_ALWAYS || up || plan->list_scan)
            hosts[i]->rdns = target_reverse_lookup(&hosts[i]->addr);
    }
}

/* Port scan one group. Until host discovery exists every host is up
 * (nmap -Pn: reason user-set). Returns -1 if interrupted. */
static int scan_group(const struct plan *plan, struct host **hosts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        hosts[i]->state = plan->list_scan ? HOST_STATE_UNKNOWN : HOST_STATE_UP;
        hosts[i]->reason = plan->list_scan ? REASON_UNKNOWN : REASON_USER_SET;
    }
    int rc = 0;
    if (!plan->list_scan && plan->tcp_scan == TCP_SCAN_CONNECT)
        rc = connect_scan(plan, hosts, n);
    else
        for (size_t i = 0; i < n; i++) gettimeofday(&hosts[i]->end_time, NULL);
    resolve_names(plan, hosts, n);
    for (size_t i = 0; i < n; i++) service_table_fill(hosts[i], plan->services);
    return rc;
}

static int report_group(struct outputs *out, struct run *run, struct host **hosts, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        /* An interrupted group reports only the hosts that finished. */
        if (run->interrupted && hosts[i]->end_time.tv_sec == 0) continue;
        run->hosts_total++;
        if (hosts[i]->state == HOST_STATE_UP) run->hosts_up++;
        if (hosts[i]->state == HOST_STATE_DOWN) run->hosts_down++;
        if (outputs_host_done(out, run, hosts[i]) != 0) rc = -1;
    }
    return rc;
}

static int run_scan(const struct plan *plan, struct target_iter *targets, struct outputs *out,
                    struct run *run)
{
    struct hostgroup group;
    hostgroup_init(&group, hostgroup_size(plan));
    int rc = 0;
    while (!run->interrupted) {
        size_t n = hostgroup_fill(&group, targets);
        if (n == 0) break;
        if (scan_group(plan, group.hosts, n) != 0 || scan_stop_requested)
            run->interrupted = scan_stop_requested != 0;
        if (report_group(out, run, group.hosts, n) != 0) rc = -1;
        hostgroup_clear(&group);
    }
    hostgroup_free(&group);
    if (run->hosts_total == 0 && !run->interrupted)
        error("WARNING: No targets were specified, so 0 hosts scanned.");
    return rc;
}

int main(int argc, char **argv)
{
    signals_install();
    struct plan plan;
    int status = 0;
    if (plan_from_args(argc, argv, &plan, &status) == PLAN_EXIT) return status;

    /* nmap's message order: an unreadable -iL fails before the banner,
     * a bad exclusion after it. */
    struct target_iter *targets = target_iter_open(&plan);
    struct run run = {.plan = &plan};
    gettimeofday(&run.start_time, NULL);
    struct outputs *out = outputs_open(&plan);
    active_outputs = out;
    active_run = &run;
    log_set_fatal_hook(finish_outputs_on_fatal);

    int rc = outputs_run_begin(out, &run);
    target_iter_load_excludes(targets);
    if (run_scan(&plan, targets, out, &run) != 0) rc = -1;
    target_iter_free(targets);
    gettimeofday(&run.end_time, NULL);
    if (outputs_run_end(out, &run) != 0) rc = -1;
    active_outputs = NULL;
    outputs_free(out);
    plan_free(&plan);

    if (run.interrupted) return 128 + (int)scan_stop_requested;
    return rc == 0 ? 0 : EXIT_FATAL;
}
