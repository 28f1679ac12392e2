// SPDX-License-Identifier: MIT
// cmap: the phases of a run, in order. Everything else lives in modules.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "cli/plan.h"
#include "core/log.h"
#include "core/privdrop.h"
#include "core/runtime.h"
#include "core/signals.h"
#include "dns/rdns.h"
#include "discovery/discovery.h"
#include "net/iflist.h"
#include "net/source.h"
#include "nse/nse.h"
#include "raw/packet_trace.h"
#include "report/watch.h"
#include "report/resume.h"
#include "report/writer.h"
#include "scan/connect.h"
#include "scan/syn.h"
#include "scan/techniques.h"
#include "scan/hostgroup.h"
#include "scan/service_table.h"
#include "service/service_scan.h"
#include "target/targets.h"
#include "trace/tnames.h"
#include "trace/trace.h"

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
    struct watch *watch; /* keys, --stats-every, progress line */
    struct rdns *rdns;   /* the parallel resolver; NULL with -n or --system-dns */
    struct nse *nse;     /* the script engine; NULL when no script runs */
    struct task_event dns_task;
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

static void dns_task_begin(void *ctx, const char *name, size_t n)
{
    struct run_ctx *c = ctx;
    c->dns_task = (struct task_event){.name = name, .n_hosts = n};
    gettimeofday(&c->dns_task.time, NULL);
    outputs_task_begin(c->out, c->run, &c->dns_task);
}

static void dns_task_end(void *ctx, const char *name, size_t n)
{
    (void)name;
    (void)n;
    task_finish(ctx, &((struct run_ctx *)ctx)->dns_task);
}

static void dns_debug(void *ctx, const char *line)
{
    struct run_ctx *c = ctx;
    outputs_message(c->out, c->run, line, false);
}

static void dns_warning(void *ctx, const char *line)
{
    (void)ctx;
    error("%s", line);
}

/* Reverse DNS before the port scan, as nmap: for hosts that are up, every
 * host with -R, none with -n. */
static void resolve_names(struct run_ctx *c, struct host **all, size_t n_all)
{
    if (c->plan->dns == DNS_NEVER || n_all == 0) return;
    struct host **hosts = calloc(n_all, sizeof *hosts);
    if (!hosts) fatal("Out of memory");
    size_t n = 0;
    for (size_t i = 0; i < n_all; i++)
        if (all[i]->state == HOST_STATE_UP || c->plan->dns == DNS_ALWAYS ||
            all[i]->state == HOST_STATE_UNKNOWN)
            hosts[n++] = all[i];
    if (n == 0 || c->rdns) {
        if (n > 0) rdns_resolve(c->rdns, hosts, n);
        free(hosts);
        return;
    }
    char name[64];
    snprintf(name, sizeof name, "System DNS resolution of %zu host%s.", n, n == 1 ? "" : "s");
    struct task_event t = task_now(name, hosts, n, 0);
    outputs_task_begin(c->out, c->run, &t);
    for (size_t i = 0; i < n && !scan_stop_requested; i++)
        hosts[i]->rdns = target_reverse_lookup(&hosts[i]->addr);
    task_finish(c, &t);
    free(hosts);
}

/* Discovery's task lines ("Initiating ARP Ping Scan", ...). */
static void discovery_task(void *ctx, bool begin, const char *name, struct host **hosts, size_t n,
                           size_t probes)
{
    static struct task_event t;
    struct run_ctx *c = ctx;
    if (begin) {
        t = task_now(name, hosts, n, probes);
        t.total_hosts = true;
        outputs_task_begin(c->out, c->run, &t);
    } else {
        task_finish(c, &t);
    }
}

/* nmap writes a <hosthint> for a host its ping scan finds up, when a port
 * scan follows. */
static void discovery_hint(void *ctx, const struct host *host, enum reason reason)
{
    struct run_ctx *c = ctx;
    if (c->plan->ping_scan) return;
    outputs_host_hint(c->out, c->run, host, reason);
}

/* The hosts discovery found up, in group order, at the front of hosts;
 * returns how many. */
static size_t up_hosts(struct host **hosts, size_t n, struct host **up)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (hosts[i]->state == HOST_STATE_UP) up[k++] = hosts[i];
    return k;
}

static void report_port(void *ctx, const struct host *host, const struct port_result *port)
{
    struct run_ctx *c = ctx;
    outputs_port_found(c->out, c->run, host, port);
}

/* Version detection (-sV) over the open ports the port scan found, as
 * nmap's "Service scan" task. */
static int version_group(struct run_ctx *c, struct host **hosts, size_t n)
{
    size_t services = service_scan_count(c->plan, hosts, n);
    if (services == 0) return 0;
    struct task_event t = task_now("Service scan", hosts, n, 0);
    t.n_services = services;
    outputs_task_begin(c->out, c->run, &t);
    struct scan_observer obs = {.port_found = NULL, .ctx = c};
    watch_observe(c->watch, &obs);
    watch_task_begin(c->watch, t.name, c->run->hosts_total, c->run->hosts_up + n, n);
    int rc = service_scan(c->plan, hosts, n, &obs);
    task_finish(c, &t);
    watch_task_end(c->watch);
    return rc;
}

/* --traceroute after the scans, as nmap's "Traceroute" task. */
static int trace_stage(struct run_ctx *c, struct host **hosts, size_t n)
{
    if (n == 0) return 0;
    struct task_event t = task_now("Traceroute", hosts, n, 0);
    outputs_task_begin(c->out, c->run, &t);
    struct scan_observer obs = {.ctx = c};
    watch_observe(c->watch, &obs);
    watch_task_begin(c->watch, t.name, c->run->hosts_total, c->run->hosts_up + n, n);
    int rc = trace_group(c->plan, hosts, n, &obs);
    task_finish(c, &t);
    watch_task_end(c->watch);
    if (rc == 0 && c->plan->dns != DNS_NEVER) trace_name_hops(hosts, n, c->rdns);
    return rc;
}

/* One technique over the group: the connect scan, or a raw technique for
 * proto. Returns -1 if interrupted. */
static int port_scan(struct run_ctx *c, struct host **hosts, size_t n, enum proto_index proto)
{
    const struct plan *plan = c->plan;
    struct scan_technique tech;
    bool raw = technique_for_plan(plan, proto, &tech);
    struct task_event t =
        task_now(raw ? tech.task_name : "Connect Scan", hosts, n, plan->ports.count[proto]);
    outputs_task_begin(c->out, c->run, &t);
    struct scan_observer obs = {.port_found = report_port, .ctx = c};
    watch_observe(c->watch, &obs);
    watch_task_begin(c->watch, t.name, c->run->hosts_total, c->run->hosts_up + n, n);
    int rc = raw ? raw_scan(plan, &tech, hosts, n, &obs) : connect_scan(plan, hosts, n, &obs);
    task_finish(c, &t);
    watch_task_end(c->watch);
    return rc;
}

/* -sY, -sZ, or both as nmap runs them: INIT first, each its own task. */
static int sctp_scans(struct run_ctx *c, struct host **hosts, size_t n)
{
    int rc = 0;
    for (unsigned t = SCTP_SCAN_INIT; t <= SCTP_SCAN_COOKIE && rc == 0; t <<= 1) {
        if (!(c->plan->sctp_scan & t) || scan_stop_requested) continue;
        struct plan one = *c->plan;
        one.sctp_scan = t;
        struct run_ctx sub = *c;
        sub.plan = &one;
        rc = port_scan(&sub, hosts, n, PROTO_SCTP);
    }
    return rc;
}

/* Discovery, then the port scan of the hosts found up (the TCP technique,
 * then UDP, then SCTP, as nmap orders its tasks), then version detection.
 * Returns -1 if interrupted. */
static int scan_group(struct run_ctx *c, struct host **all, size_t n_all)
{
    const struct plan *plan = c->plan;
    int rc = 0;
    for (size_t i = 0; i < n_all; i++) {
        all[i]->state = HOST_STATE_UNKNOWN;
        all[i]->reason = REASON_UNKNOWN;
    }
    if (!plan->list_scan) rc = discover_hosts(plan, all, n_all, discovery_task, discovery_hint, c);
    resolve_names(c, all, n_all);
    struct host **hosts = calloc(n_all ? n_all : 1, sizeof *hosts);
    if (!hosts) fatal("Out of memory");
    size_t n = plan->list_scan ? 0 : up_hosts(all, n_all, hosts);
    if (rc != 0) n = 0;
    bool tcp = plan->tcp_scan != TCP_SCAN_NONE && plan->ports.count[PROTO_TCP] > 0;
    bool udp = plan->udp_scan && plan->ports.count[PROTO_UDP] > 0;
    bool sctp = plan->sctp_scan != SCTP_SCAN_NONE && plan->ports.count[PROTO_SCTP] > 0;
    bool ipproto = plan->ip_proto_scan && plan->ports.count[PROTO_IP] > 0;
    bool scan_ports = n > 0 && !plan->ping_scan && (tcp || udp || sctp || ipproto);
    /* Hosts the port scan will not take are finished once discovery is (an
     * interrupted port scan leaves its unfinished hosts for --resume). */
    for (size_t i = 0; i < n_all && rc == 0; i++)
        if (all[i]->end_time.tv_sec == 0 && (!scan_ports || all[i]->state != HOST_STATE_UP))
            gettimeofday(&all[i]->end_time, NULL);
    if (scan_ports && tcp) rc = port_scan(c, hosts, n, PROTO_TCP);
    if (scan_ports && udp && rc == 0 && !scan_stop_requested)
        rc = port_scan(c, hosts, n, PROTO_UDP);
    if (scan_ports && sctp && rc == 0 && !scan_stop_requested) rc = sctp_scans(c, hosts, n);
    if (scan_ports && ipproto && rc == 0 && !scan_stop_requested)
        rc = port_scan(c, hosts, n, PROTO_IP);
    for (size_t i = 0; i < n; i++)
        service_table_fill(hosts[i], plan->services, plan->protocols);
    if (rc == 0 && !scan_stop_requested && plan->version_scan) rc = version_group(c, hosts, n);
    if (rc == 0 && !scan_stop_requested && plan->traceroute) rc = trace_stage(c, hosts, n);
    /* Scripts last, as nmap: they see the ports, versions and route. */
    if (rc == 0 && !scan_stop_requested && c->nse && n > 0) rc = nse_scan_group(c->nse, hosts, n);
    free(hosts);
    return rc;
}

static int report_group(struct outputs *out, struct run *run, struct host **hosts, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        /* An interrupted group reports only the hosts that finished; the
         * others leave a record of their finished ports for --resume. */
        if (run->interrupted && hosts[i]->end_time.tv_sec == 0) {
            if (outputs_host_partial(out, run, hosts[i]) != 0) rc = -1;
            continue;
        }
        if (hosts[i]->state == HOST_STATE_SKIPPED) continue; /* no route: not counted */
        run->hosts_total++;
        if (hosts[i]->state == HOST_STATE_UP) run->hosts_up++;
        if (hosts[i]->state == HOST_STATE_DOWN) run->hosts_down++;
        if (outputs_host_done(out, run, hosts[i]) != 0) rc = -1;
    }
    return rc;
}

/* --resume: first the hosts the earlier run left half-scanned, in groups
 * that scan only the ports they had not finished. */
static int run_resumed_hosts(struct run_ctx *c, struct resume *resume)
{
    struct resume_group g;
    int rc = 0;
    while (!c->run->interrupted && resume_next_group(resume, c->plan, &g)) {
        struct run_ctx sub = *c;
        sub.plan = &g.plan;
        if (scan_group(&sub, g.hosts.hosts, g.hosts.count) != 0 || scan_stop_requested)
            c->run->interrupted = scan_stop_requested != 0;
        resume_group_merge(resume, c->plan, &g);
        if (report_group(c->out, c->run, g.hosts.hosts, g.hosts.count) != 0) rc = -1;
        resume_group_free(&g);
    }
    return rc;
}

/* Targets the scripts added (pre-scan scripts, or the last group's host
 * scripts) join the run after its own, as nmap's NewTargets do. */
static void queue_script_targets(struct run_ctx *c, struct target_iter *targets)
{
    char **added;
    size_t n = nse_new_targets(c->nse, &added);
    for (size_t i = 0; i < n; i++) {
        target_iter_add(targets, added[i]);
        free(added[i]);
    }
    free(added);
}

static int run_scan(struct run_ctx *c, struct target_iter *targets)
{
    struct run *run = c->run;
    struct hostgroup group;
    hostgroup_init(&group, hostgroup_size(c->plan));
    int rc = 0;
    while (!run->interrupted) {
        queue_script_targets(c, targets);
        size_t n = hostgroup_fill(&group, targets);
        if (n == 0) break;
        if (scan_group(c, group.hosts, n) != 0 || scan_stop_requested)
            run->interrupted = scan_stop_requested != 0;
        if (report_group(c->out, run, group.hosts, n) != 0) rc = -1;
        hostgroup_clear(&group);
        if (syn_scan_failure()) break; /* nmap's run ends there */
    }
    hostgroup_free(&group);
    /* nmap does not warn when the run was for --script-updatedb. */
    if (run->hosts_total == 0 && !run->interrupted && !c->plan->script_updatedb)
        error("WARNING: No targets were specified, so 0 hosts scanned.");
    return rc;
}

/* The raw sockets and captures need privilege, so they open before the drop.
 * Without them an explicit -sS fails as nmap's does; the default scan of a
 * privileged user falls back to a connect scan. */
static void open_raw_engine(struct plan *plan)
{
    /* Without a raw socket discovery falls back to connect(), as nmap's. */
    if (!plan->list_scan && plan->privileged) discovery_open(plan);
    if (plan->ping_scan || !plan_uses_raw(plan)) return;
    if (syn_scan_open(plan) == 0) return;
    if (!plan->tcp_scan_default) fatal("%s", syn_scan_open_error());
    error("WARNING: %s; falling back to a connect scan (-sT).", syn_scan_open_error());
    plan->tcp_scan = TCP_SCAN_CONNECT;
}

/* --script-help: nmap's banner, the descriptions (as XML too with -oX),
 * and nothing else; no scan. */
static int script_help(struct plan *plan)
{
    bool stdout_taken = false;
    for (int i = 0; i < OUT_FORMAT_COUNT; i++)
        if (i != OUT_NORMAL && plan->output_path[i] && strcmp(plan->output_path[i], "-") == 0)
            stdout_taken = true;
    if (!stdout_taken && !plan->silent_stdout) {
        time_t now = time(NULL);
        struct tm tm;
        char when[64] = "";
        if (localtime_r(&now, &tm)) strftime(when, sizeof when, "%Y-%m-%d %H:%M %Z", &tm);
        printf("Starting %s %s ( %s ) at %s\n", CMAP_NAME, CMAP_VERSION, CMAP_URL, when);
        fflush(stdout);
    }
    struct run run = {.plan = plan};
    nse_close(nse_open(plan, &run, NULL, NULL));
    plan_free(plan);
    return 0;
}

/* The script engine around the scan: opened (loading the scripts) and
 * its pre-scan phase run before the first host group, as nmap's. */
static void open_scripts(struct run_ctx *c)
{
    if (!nse_wanted(c->plan)) return;
    c->nse = nse_open(c->plan, c->run, c->out, c->watch);
    if (nse_pre_scan(c->nse) != 0) c->run->interrupted = true;
    if (c->run->n_pre_scripts > 0 && outputs_pre_scripts(c->out, c->run) != 0)
        error("Failed to write the pre-scan script results");
}

int main(int argc, char **argv)
{
    signals_install();
    /* `cmap --resume FILE` runs the command line FILE recorded. */
    struct resume *resume = resume_open(argc, argv);
    if (resume) resume_args(resume, &argc, &argv);
    struct plan plan;
    int status = 0;
    if (plan_from_args(argc, argv, &plan, &status) == PLAN_EXIT) {
        status = resume_plan_failed(resume, status);
        resume_free(resume);
        return status;
    }
    if (plan.script_help) return script_help(&plan);
    struct runtime rt;
    runtime_init(&rt, &plan);

    /* nmap's message order: an unreadable -iL fails before the banner,
     * a bad exclusion after it. */
    struct target_iter *targets = target_iter_open(&plan);
    if (resume) target_iter_set_filter(targets, resume_filter, resume);
    if (plan.iflist) { /* as nmap: after the -iL check, before any output */
        int iflist_status = iflist_run(&plan);
        target_iter_free(targets);
        plan_free(&plan);
        resume_free(resume);
        return iflist_status;
    }
    /* Before the outputs: a fallback to a connect scan changes their header. */
    source_setup(&plan); /* -e/-S, which the raw sockets are bound by */
    open_raw_engine(&plan);
    resume_prepare(resume, &plan);
    struct run run = {.plan = &plan, .rt = &rt, .script_scan = plan.script_scan};
    gettimeofday(&run.start_time, NULL);
    struct outputs *out = outputs_open(&plan);
    active_outputs = out;
    active_run = &run;
    log_set_fatal_hook(finish_outputs_on_fatal);

    int rc = outputs_run_begin(out, &run);
    source_check(); /* nmap complains about -e/-S after its banner */
    trace_open(&plan); /* after the banner, as nmap refuses it */
    struct watch *watch = watch_open(&plan, &rt, out, &run);
    struct scan_observer trace_obs = {0}; /* --packet-trace's SENT/RCVD lines */
    watch_observe(watch, &trace_obs);
    ptrace_set_sink(trace_obs.message, trace_obs.watch_ctx, trace_obs.rt);
    target_iter_load_excludes(targets);
    /* Everything that needs privilege is open: drop it before the first probe. */
    privdrop_for_run(&plan);
    struct run_ctx ctx = {.plan = &plan, .out = out, .run = &run, .watch = watch};
    struct rdns_events dns_events = {.task_begin = dns_task_begin, .task_end = dns_task_end,
                                     .debug = dns_debug, .warning = dns_warning, .ctx = &ctx};
    if (plan.dns != DNS_NEVER && !plan.system_dns) ctx.rdns = rdns_open(&plan, &dns_events);
    open_scripts(&ctx);
    if (resume && !run.interrupted && run_resumed_hosts(&ctx, resume) != 0) rc = -1;
    if (!run.interrupted && run_scan(&ctx, targets) != 0) rc = -1;
    if (ctx.nse && !run.interrupted && nse_post_scan(ctx.nse) != 0) run.interrupted = true;
    nse_close(ctx.nse);
    rdns_close(ctx.rdns);
    ptrace_set_sink(NULL, NULL, NULL);
    watch_close(watch);
    target_iter_free(targets);
    gettimeofday(&run.end_time, NULL);
    if (syn_scan_failure()) { /* as nmap's fatal error, after what was found */
        run.error_message = syn_scan_failure();
        rc = -1;
    }
    if (outputs_run_end(out, &run) != 0) rc = -1;
    active_outputs = NULL;
    outputs_free(out);
    script_results_free(run.pre_scripts, run.n_pre_scripts);
    script_results_free(run.post_scripts, run.n_post_scripts);
    trace_close();
    syn_scan_close();
    discovery_close();
    plan_free(&plan);
    resume_free(resume);

    if (run.interrupted) return 128 + (int)scan_stop_requested;
    return rc == 0 ? 0 : EXIT_FATAL;
}
