// SPDX-License-Identifier: MIT
#include "report/jsonmodel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "core/log.h"
#include "report/portview.h"
#include "report/svcfmt.h"
#include "report/textfmt.h"
#include "report/tracefmt.h"
#include "scan/techniques.h"

/* XML's <scaninfo>: one entry per scan type run, in nmap's order. */
static int put_scaninfo(struct jw *j, const struct plan *plan)
{
    jw_key(j, "scaninfo");
    jw_array_begin(j, false);
    struct scan_type scans[SCAN_TYPES_MAX];
    size_t n_scans = plan_scan_types(plan, scans);
    int rc = 0;
    for (size_t i = 0; i < n_scans; i++) {
        enum proto_index proto = scans[i].proto;
        size_t n = plan->ports.count[proto];
        char *services = ports_ranges_sorted(plan->ports.ports[proto], n);
        if (!services) {
            rc = -1;
            continue;
        }
        jw_object_begin(j);
        jw_kstring(j, "type", scans[i].type);
        if (proto == PROTO_TCP && plan->scanflags_set) {
            char flags[32];
            tech_format_scanflags(plan->scanflags, flags, sizeof flags);
            jw_kstring(j, "scanflags", flags);
        }
        jw_kstring(j, "protocol", proto_name(proto));
        jw_kint(j, "numservices", (int64_t)n);
        jw_kstring(j, "services", services);
        jw_object_end(j);
        free(services);
    }
    jw_array_end(j);
    return rc;
}

int json_run_members(struct jw *j, const struct run *run)
{
    const struct plan *plan = run->plan;
    char when[32];
    fmt_ctime(run->start_time.tv_sec, when, sizeof when);
    jw_kstring(j, "type", "run");
    jw_kstring(j, "scanner", CMAP_NAME);
    jw_kstring(j, "version", CMAP_VERSION);
    jw_kstring(j, "nmap_version", "7.93");
    jw_kstring(j, "format_version", CMAP_JSON_FORMAT_VERSION);
    jw_kstring(j, "args", plan->command_line ? plan->command_line : CMAP_NAME);
    jw_kint(j, "start", (int64_t)run->start_time.tv_sec);
    jw_kstring(j, "startstr", when);
    int rc = put_scaninfo(j, plan);
    jw_kint(j, "verbose", plan->verbosity > 0 ? plan->verbosity : 0);
    jw_kint(j, "debugging", plan->debugging > 0 ? plan->debugging : 0);
    return rc;
}

static void put_status(struct jw *j, const char *state, enum reason reason, unsigned ttl)
{
    jw_key(j, "status");
    jw_object_begin(j);
    jw_kstring(j, "state", state);
    jw_kstring(j, "reason", reason_name(reason));
    jw_kint(j, "reason_ttl", ttl);
    jw_object_end(j);
}

static void put_addresses(struct jw *j, const struct host *h)
{
    char ip[NET_ADDR_STRLEN];
    net_addr_format(&h->addr, ip, sizeof ip);
    jw_key(j, "addresses");
    jw_array_begin(j, false);
    jw_object_begin(j);
    jw_kstring(j, "addr", ip);
    jw_kstring(j, "addrtype", h->addr.family == AF_INET6 ? "ipv6" : "ipv4");
    jw_object_end(j);
    jw_array_end(j);
}

static void put_hostname(struct jw *j, const char *name, const char *type)
{
    jw_object_begin(j);
    jw_kstring(j, "name", name);
    jw_kstring(j, "type", type);
    jw_object_end(j);
}

/* Always an array, empty when the host has no name. */
static void put_hostnames(struct jw *j, const struct host *h)
{
    jw_key(j, "hostnames");
    jw_array_begin(j, false);
    if (h->target_name && *h->target_name) put_hostname(j, h->target_name, "user");
    if (h->rdns && *h->rdns) put_hostname(j, h->rdns, "PTR");
    jw_array_end(j);
}

static int put_extrareasons(struct jw *j, const struct port_view *v, enum port_state state)
{
    jw_key(j, "extrareasons");
    jw_array_begin(j, false);
    int rc = 0;
    for (size_t i = 0; i < v->n_groups && rc == 0; i++) {
        const struct ignored_group *g = &v->groups[i];
        if (g->state != state) continue;
        char *ranges = port_view_group_ranges(v, g);
        if (!ranges) {
            rc = -1;
            break;
        }
        jw_object_begin(j);
        jw_kstring(j, "reason", reason_name(g->reason));
        jw_kint(j, "count", (int64_t)g->count);
        jw_kstring(j, "proto", proto_name(g->proto));
        jw_kstring(j, "ports", ranges);
        jw_object_end(j);
        free(ranges);
    }
    jw_array_end(j);
    return rc;
}

/* XML's <extraports>: the ports the text formats fold away, by state. */
static int put_extraports(struct jw *j, const struct port_view *v)
{
    jw_key(j, "extraports");
    jw_array_begin(j, false);
    int rc = 0;
    for (size_t s = 0; s < v->n_ignored_states && rc == 0; s++) {
        enum port_state state = v->state_order[s];
        jw_object_begin(j);
        jw_kstring(j, "state", port_state_name(state));
        jw_kint(j, "count", (int64_t)v->state_count[state]);
        rc = put_extrareasons(j, v, state);
        jw_object_end(j);
    }
    jw_array_end(j);
    return rc;
}

/* XML's <service> with the same names; the CPEs as an array, and the ONC
 * RPC program and versions (which nmap 7.93's XML no longer carries) as
 * the DTD names them. */
static int put_service(struct jw *j, const struct port_result *p)
{
    const struct service_info *s = p->svc;
    struct svc_view v;
    svc_view_of(s, &v);
    const char *name = v.name ? v.name : p->service;
    jw_key(j, "service");
    jw_object_begin(j);
    jw_kstring(j, "name", name ? name : "unknown");
    if (!s) {
        jw_kstring(j, "method", "table");
        jw_kint(j, "conf", p->proto == PROTO_IP ? 8 : 3); /* as <service> in -oX */
        jw_object_end(j);
        return 0;
    }
    const char *const fields[][2] = {
        {"product", v.product},    {"version", v.version}, {"extrainfo", v.extrainfo},
        {"hostname", s->hostname}, {"ostype", s->ostype},  {"devicetype", s->devicetype},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i][1]) jw_kstring(j, fields[i][0], fields[i][1]);
    int rc = 0;
    if (s->fingerprint) {
        char *flat = svc_flat_fingerprint(s->fingerprint);
        if (flat)
            jw_kstring(j, "servicefp", flat);
        else
            rc = -1;
        free(flat);
    }
    if (s->ssl_tunnel) jw_kstring(j, "tunnel", "ssl");
    jw_kstring(j, "method", s->method == SVC_METHOD_PROBED ? "probed" : "table");
    jw_kint(j, "conf", s->conf);
    if (s->rpc) {
        jw_kstring(j, "proto", "rpc");
        jw_kint(j, "rpcnum", s->rpc_program);
        jw_kint(j, "lowver", s->rpc_low);
        jw_kint(j, "highver", s->rpc_high);
    }
    if (s->n_cpe) {
        jw_key(j, "cpe");
        jw_array_begin(j, false);
        for (size_t i = 0; i < s->n_cpe; i++)
            if (s->cpe[i]) jw_string(j, s->cpe[i]);
        jw_array_end(j);
    }
    jw_object_end(j);
    return rc;
}

/* Script text as nmap's XML carries it (and so as its readers know it):
 * printable ASCII, tab, newline and CR kept, every other byte as the text
 * "\xHH". */
static void put_script_text(struct jw *j, const char *key, const char *s)
{
    size_t len = strlen(s);
    char *kept = malloc(len * 4 + 1), *o = kept;
    if (!kept) {
        jw_kstring(j, key, ""); /* out of memory: the record stays well formed */
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 0x20 && *p < 0x7f) || *p == '\t' || *p == '\n' || *p == '\r')
            *o++ = (char)*p;
        else
            o += sprintf(o, "\\x%02X", *p);
    }
    *o = '\0';
    jw_kstring(j, key, kept);
    free(kept);
}

/* The XML's nested <table key>/<elem key>: {"key", "value"} for a leaf,
 * {"key", "elems": [...]} for a table; no key for an array item. */
static void put_script_elems(struct jw *j, const struct script_elem *e, size_t n, int depth)
{
    jw_key(j, "elems");
    jw_array_begin(j, false);
    for (size_t i = 0; i < n; i++) {
        jw_object_begin(j);
        if (e[i].key) put_script_text(j, "key", e[i].key);
        if (e[i].value)
            put_script_text(j, "value", e[i].value);
        else
            put_script_elems(j, e[i].children, depth < JSON_SCRIPT_MAX_DEPTH ? e[i].n_children : 0,
                             depth + 1);
        jw_object_end(j);
    }
    jw_array_end(j);
}

void json_scripts(struct jw *j, const char *key, const struct script_result *r, size_t n)
{
    if (!n) return;
    jw_key(j, key);
    jw_array_begin(j, false);
    for (size_t i = 0; i < n; i++) {
        jw_object_begin(j);
        put_script_text(j, "id", r[i].id ? r[i].id : "");
        put_script_text(j, "output", r[i].output ? r[i].output : "");
        if (r[i].text)
            put_script_text(j, "value", r[i].text);
        else if (r[i].n_elems || r[i].structured)
            put_script_elems(j, r[i].elems, r[i].n_elems, 1);
        jw_object_end(j);
    }
    jw_array_end(j);
}

int json_script_record(struct jw *j, const char *type, const struct script_result *r, size_t n)
{
    if (!n) return 0;
    jw_object_begin(j);
    jw_kstring(j, "type", type);
    json_scripts(j, "scripts", r, n);
    jw_object_end(j);
    return 1;
}

static int put_port(struct jw *j, const struct host *h, const struct port_result *p,
                    bool scripts)
{
    jw_object_begin(j);
    jw_kstring(j, "protocol", proto_name(p->proto));
    jw_kint(j, "portid", p->port);
    jw_key(j, "state");
    jw_object_begin(j);
    jw_kstring(j, "state", port_state_name(p->state));
    jw_kstring(j, "reason", reason_name(p->reason));
    jw_kint(j, "reason_ttl", p->reason_ttl);
    jw_object_end(j);
    int rc = svc_port_has_service(p) ? put_service(j, p) : 0;
    /* -sV's version scripts alone show nothing, as in the XML. */
    const struct port_scripts *ps = scripts ? host_port_scripts(h, p->proto, p->port) : NULL;
    if (ps) json_scripts(j, "scripts", ps->scripts, ps->n_scripts);
    jw_object_end(j);
    return rc;
}

/* Every scanned port, folded or not, so a reader needs no range parsing;
 * with --open only the ports the XML lists (the rest stay counted in
 * extraports), as the user asked for those alone. */
static int put_ports(struct jw *j, const struct run *run, const struct host *h,
                     const struct port_view *v)
{
    const struct plan *plan = run->plan;
    jw_key(j, "ports");
    jw_object_begin(j);
    int rc = put_extraports(j, v);
    jw_key(j, "port");
    jw_array_begin(j, false);
    for (size_t i = 0; i < v->n; i++)
        if ((!plan->open_only || port_view_shown(v, v->sorted[i])) &&
            put_port(j, h, v->sorted[i], run->script_scan) != 0)
            rc = -1;
    jw_array_end(j);
    jw_object_end(j);
    return rc;
}

static void put_times(struct jw *j, const struct host *h)
{
    jw_key(j, "times");
    jw_object_begin(j);
    jw_kint(j, "srtt", h->srtt_us);
    jw_kint(j, "rttvar", h->rttvar_us);
    jw_kint(j, "to", h->timeout_us);
    jw_object_end(j);
}

static int put_up_host(struct jw *j, const struct run *run, const struct host *h)
{
    const struct plan *plan = run->plan;
    struct port_view v;
    if (port_view_build(&v, h, plan) != 0) return -1;
    bool scanned = plan_scans_ports(plan);
    if (plan->open_only && scanned && !port_view_has_open(&v)) {
        port_view_free(&v);
        return 0;
    }
    jw_object_begin(j);
    jw_kstring(j, "type", "host");
    jw_kint(j, "starttime", (int64_t)h->start_time.tv_sec);
    jw_kint(j, "endtime", (int64_t)h->end_time.tv_sec);
    jw_kbool(j, "timedout", h->timed_out);
    put_status(j, "up", h->reason, h->reason_ttl);
    put_addresses(j, h);
    put_hostnames(j, h);
    int rc = scanned && !h->timed_out ? put_ports(j, run, h, &v) : 0;
    if (!h->timed_out && run->script_scan) json_scripts(j, "hostscripts", h->host_scripts, h->n_host_scripts);
    trace_put_json(j, h);
    if (h->have_times) put_times(j, h);
    jw_object_end(j);
    port_view_free(&v);
    return rc == 0 ? 1 : -1;
}

/* -sL hosts ("unknown", user-set as in nmap) and down hosts: no times, no
 * ports. */
static void put_bare_host(struct jw *j, const struct host *h)
{
    bool listed = h->state == HOST_STATE_UNKNOWN;
    jw_object_begin(j);
    jw_kstring(j, "type", "host");
    put_status(j, listed ? "unknown" : "down", listed ? REASON_USER_SET : h->reason,
               listed ? 0 : h->reason_ttl);
    put_addresses(j, h);
    put_hostnames(j, h);
    jw_object_end(j);
}

int json_host(struct jw *j, const struct run *run, const struct host *h)
{
    const struct plan *plan = run->plan;
    if (h->state == HOST_STATE_UP) return put_up_host(j, run, h);
    if (h->state == HOST_STATE_UNKNOWN || (h->state == HOST_STATE_DOWN && plan->verbosity > 0)) {
        put_bare_host(j, h);
        return 1;
    }
    return 0;
}

int json_task(struct jw *j, const struct run *run, const struct task_event *t, bool end)
{
    if (run_verbosity(run) <= 0 && run_debugging(run) <= 0) return 0;
    jw_object_begin(j);
    jw_kstring(j, "type", end ? "taskend" : "taskbegin");
    jw_kstring(j, "task", t->name);
    jw_kint(j, "time", (int64_t)t->time.tv_sec);
    char extra[96];
    if (end && task_extrainfo(t, extra, sizeof extra)) jw_kstring(j, "extrainfo", extra);
    jw_object_end(j);
    return 1;
}

void json_task_progress(struct jw *j, const struct progress_event *e)
{
    jw_object_begin(j);
    jw_kstring(j, "type", "taskprogress");
    jw_kstring(j, "task", e->task);
    jw_kint(j, "time", (int64_t)e->time.tv_sec);
    jw_key(j, "percent");
    jw_fixed2(j, e->percent);
    if (e->have_etc) {
        jw_kint(j, "remaining",
                isfinite(e->remaining) && fabs(e->remaining) < 9e15
                    ? (int64_t)(e->remaining + (e->remaining < 0 ? -0.5 : 0.5))
                    : 0);
        jw_kint(j, "etc", (int64_t)e->etc);
    }
    jw_object_end(j);
}

void json_runstats(struct jw *j, const struct run *run)
{
    char when[32], summary[160], done[256];
    fmt_ctime(run->end_time.tv_sec, when, sizeof when);
    fmt_run_summary(run, summary, sizeof summary);
    snprintf(done, sizeof done, "Nmap done at %s; %s", when, summary);
    jw_object_begin(j);
    jw_kstring(j, "type", "runstats");
    jw_key(j, "finished");
    jw_object_begin(j);
    jw_kint(j, "time", (int64_t)run->end_time.tv_sec);
    jw_kstring(j, "timestr", when);
    jw_kstring(j, "summary", done);
    jw_key(j, "elapsed");
    jw_fixed2(j, run_elapsed(run));
    jw_kstring(j, "exit", run->error_message ? "error" : "success");
    if (run->error_message) jw_kstring(j, "errormsg", run->error_message);
    jw_object_end(j);
    jw_key(j, "hosts");
    jw_object_begin(j);
    jw_kint(j, "up", (int64_t)run->hosts_up);
    jw_kint(j, "down", (int64_t)run_hosts_down(run));
    jw_kint(j, "total", (int64_t)run->hosts_total);
    jw_object_end(j);
    jw_object_end(j);
}
