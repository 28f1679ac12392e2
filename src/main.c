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

/* What the phases of a group need besides the hosts. */
struct run_ctx {
    const struct plan *plan;
    struct outputs *out;
    struct run *run;
};

static struct task_event task_now(const char *name, struct host **hosts, size_t n, size_t ports)
{
    struct task_event t = {
        .name = name, .n_hosts = n, .host = n == 1 ? hosts[0] : NULL, .ports_per_host = ports};
    gettimeofday(&t.time, NULL);
    return t;
}

static void task_finish(struct run_ctx *c, struct task_event *t)
{
    struct timeval began = t->time;
    gettimeofday(&t->time, NULL);
    t->elapsed =
        (double)(t->time.tv_sec - began.tv_sec) + (double)(t->time.tv_usec - began.tv_usec) / 1e6;
    outputs_task_end(c->out, c->run, t);
}

/* Reverse DNS before the port scan, as nmap: for hosts that are up (all of
 * them while every host is treated as up), every host with -R, none with -n. */
static void resolve_names(struct run_ctx *c, struct host **hosts, size_t n)
{
    if (c->plan->dns == DNS_NEVER || n == 0) return;
    char name[64];
    snprintf(name, sizeof name, "System DNS resolution of %zu host%s.", n, n == 1 ? "" : "s");
    struct task_event t = task_now(name, hosts, n, 0);
    outputs_task_begin(c->out, c->run, &t);
    for (size_t i = 0; i < n && !scan_stop_requested; i++)
        hosts[i]->rdns = target_reverse_lookup(&hosts[i]->addr);
    task_finish(c, &t);
}

static void report_open_port(void *ctx, const struct host *host, const struct port_result *port)
{
    struct run_ctx *c = ctx;
    outputs_port_found(c->out, c->run, host, port);
}

/* Port scan one group. Until host discovery exists every host is up
 * (nmap -Pn: reason user-set). Returns -1 if interrupted. */
static int scan_group(struct run_ctx *c, struct host **hosts, size_t n)
{
    const struct plan *plan = c->plan;
    for (size_t i = 0; i < n; i++) {
        hosts[i]->state = plan->list_scan ? HOST_STATE_UNKNOWN : HOST_STATE_UP;
        hosts[i]->reason = plan->list_scan ? REASON_UNKNOWN : REASON_USER_SET;
    }
    resolve_names(c, hosts, n);
    int rc = 0;
    size_t n_ports = plan->ports.count[PROTO_TCP];
    if (!plan->list_scan && plan->tcp_scan == TCP_SCAN_CONNECT && n_ports > 0) {
        struct task_event t = task_now("Connect Scan", hosts, n, n_ports);
        outputs_task_begin(c->out, c->run, &t);
        struct scan_observer obs = {.port_open = report_open_port, .ctx = c};
        rc = connect_scan(plan, hosts, n, &obs);
        task_finish(c, &t);
    } else {
        for (size_t i = 0; i < n; i++)
            gettimeofday(&hosts[i]->end_time, NULL);
    }
    for (size_t i = 0; i < n; i++)
        service_table_fill(hosts[i], plan->services);
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

static int run_scan(struct run_ctx *c, struct target_iter *targets)
{
    struct run *run = c->run;
    struct hostgroup group;
    hostgroup_init(&group, hostgroup_size(c->plan));
    int rc = 0;
    while (!run->interrupted) {
        size_t n = hostgroup_fill(&group, targets);
        if (n == 0) break;
        if (scan_group(c, group.hosts, n) != 0 || scan_stop_requested)
            run->interrupted = scan_stop_requested != 0;
        if (report_group(c->out, run, group.hosts, n) != 0) rc = -1;
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
    struct run_ctx ctx = {.plan = &plan, .out = out, .run = &run};
    if (run_scan(&ctx, targets) != 0) rc = -1;
    target_iter_free(targets);
    gettimeofday(&run.end_time, NULL);
    if (outputs_run_end(out, &run) != 0) rc = -1;
    active_outputs = NULL;
    outputs_free(out);
    plan_free(&plan);

    if (run.interrupted) return 128 + (int)scan_stop_requested;
    return rc == 0 ? 0 : EXIT_FATAL;
}
