// SPDX-License-Identifier: MIT
// XML output (-oX), nmap.dtd version 1.05. The layout, newlines included,
// is nmap 7.93's, because tools diff and parse these files line by line.
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/plan.h"
#include "core/log.h"
#include "report/escape.h"
#include "report/tracefmt.h"
#include "report/partial.h"
#include "report/portview.h"
#include "report/svcfmt.h"
#include "report/textfmt.h"
#include "report/writer.h"
#include "scan/techniques.h"

#define XML_DEFAULT_STYLESHEET "file:///usr/share/nmap/nmap.xsl"

/* w->state points here once the document head is written, so a run that
 * dies before run_begin still gets a complete, valid document. */
static char xml_head_written;

/* One line per scan type, as nmap (scan/techniques.c: plan_scan_types);
 * --scanflags shows on the TCP line whatever the TCP type. */
static int put_scaninfo(FILE *fp, const struct plan *plan)
{
    struct scan_type scans[SCAN_TYPES_MAX];
    size_t n_scans = plan_scan_types(plan, scans);
    for (size_t i = 0; i < n_scans; i++) {
        enum proto_index proto = scans[i].proto;
        size_t n = plan->ports.count[proto];
        char *services = ports_ranges_sorted(plan->ports.ports[proto], n);
        if (!services) return -1;
        fprintf(fp, "<scaninfo type=\"%s\"", scans[i].type);
        if (proto == PROTO_TCP && plan->scanflags_set) {
            char flags[32];
            tech_format_scanflags(plan->scanflags, flags, sizeof flags);
            fprintf(fp, " scanflags=\"%s\"", flags);
        }
        fprintf(fp, " protocol=\"%s\" numservices=\"%zu\" services=\"%s\"/>\n",
                proto_name(proto), n, services);
        free(services);
    }
    return 0;
}

/* A resumed run appends to the earlier run's open document (--resume
 * removed its closing tags), as nmap's resumed XML does: no second head. */
static bool continues_document(const struct writer *w, const struct plan *plan)
{
    struct stat st;
    return plan->resuming && !w->to_stdout && fstat(fileno(w->fp), &st) == 0 && st.st_size > 0;
}

static int xml_run_begin(struct writer *w, const struct run *run)
{
    const struct plan *plan = run->plan;
    const char *cmd = plan->command_line ? plan->command_line : CMAP_NAME;
    char when[32];
    fmt_ctime(run->start_time.tv_sec, when, sizeof when);
    bool continued = continues_document(w, plan);
    w->state = &xml_head_written;
    if (continued) return 0;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n", w->fp);
    if (!plan->no_stylesheet) {
        fputs("<?xml-stylesheet href=\"", w->fp);
        put_xml(w->fp, plan->stylesheet ? plan->stylesheet : XML_DEFAULT_STYLESHEET);
        fputs("\" type=\"text/xsl\"?>\n", w->fp);
    }
    fprintf(w->fp, "<!-- %s %s scan initiated %s as: ", CMAP_NAME, CMAP_VERSION, when);
    put_xml(w->fp, cmd);
    /* scanner="nmap": the DTD allows no other value, and consumers check it. */
    fputs(" -->\n<nmaprun scanner=\"nmap\" args=\"", w->fp);
    put_xml(w->fp, cmd);
    fprintf(w->fp,
            "\" start=\"%lld\" startstr=\"%s\" version=\"7.93\" xmloutputversion=\"1.05\">\n",
            (long long)run->start_time.tv_sec, when);
    int rc = put_scaninfo(w->fp, plan);
    fprintf(w->fp, "<verbose level=\"%d\"/>\n<debugging level=\"%d\"/>\n",
            plan->verbosity > 0 ? plan->verbosity : 0, plan->debugging > 0 ? plan->debugging : 0);
    if (flush_status(w->fp) != 0) return -1;
    return rc;
}

static void put_status(FILE *fp, const char *state, enum reason reason, unsigned ttl)
{
    fprintf(fp, "<status state=\"%s\" reason=\"%s\" reason_ttl=\"%u\"/>\n", state,
            reason_name(reason), ttl);
}

static void put_address(FILE *fp, const struct host *h)
{
    char ip[NET_ADDR_STRLEN];
    net_addr_format(&h->addr, ip, sizeof ip);
    fprintf(fp, "<address addr=\"%s\" addrtype=\"%s\"/>\n", ip,
            h->addr.family == AF_INET6 ? "ipv6" : "ipv4");
    if (!h->has_mac) return;
    const uint8_t *m = h->mac;
    fprintf(fp, "<address addr=\"%02X:%02X:%02X:%02X:%02X:%02X\" addrtype=\"mac\"", m[0], m[1],
            m[2], m[3], m[4], m[5]);
    if (h->mac_vendor) {
        fputs(" vendor=\"", fp);
        put_xml(fp, h->mac_vendor);
        fputc('"', fp);
    }
    fputs("/>\n", fp);
}

static void put_hostname(FILE *fp, const char *name, const char *type)
{
    fputs("<hostname name=\"", fp);
    put_xml(fp, name);
    fprintf(fp, "\" type=\"%s\"/>\n", type);
}

/* Up hosts always carry <hostnames>; others only when they have a name. */
static void put_hostnames(FILE *fp, const struct host *h, bool always)
{
    bool user = h->target_name && *h->target_name, ptr = h->rdns && *h->rdns;
    if (!always && !user && !ptr) return;
    fputs("<hostnames>\n", fp);
    if (user) put_hostname(fp, h->target_name, "user");
    if (ptr) put_hostname(fp, h->rdns, "PTR");
    fputs("</hostnames>\n", fp);
}

static int put_extraports(FILE *fp, const struct port_view *v)
{
    for (size_t s = 0; s < v->n_ignored_states; s++) {
        enum port_state state = v->state_order[s];
        fprintf(fp, "<extraports state=\"%s\" count=\"%zu\">\n", port_state_name(state),
                v->state_count[state]);
        for (size_t i = 0; i < v->n_groups; i++) {
            const struct ignored_group *g = &v->groups[i];
            if (g->state != state) continue;
            char *ranges = port_view_group_ranges(v, g);
            if (!ranges) return -1;
            /* nmap writes proto="n/a" for -sO, which nmap.dtd refuses;
             * cmap keeps "ip" so the document stays valid. */
            fprintf(fp, "<extrareasons reason=\"%s\" count=\"%zu\" proto=\"%s\" ports=\"%s\"/>\n",
                    reason_name(g->reason), g->count, proto_name(g->proto), ranges);
            free(ranges);
        }
        fputs("</extraports>\n", fp);
    }
    return 0;
}

static void put_attr(FILE *fp, const char *name, const char *value)
{
    if (!value) return;
    fprintf(fp, " %s=\"", name);
    put_xml(fp, value);
    fputc('"', fp);
}

/* nmap's <service>: attributes in its order, then the CPEs as children. */
static int put_service(FILE *fp, const struct port_result *p)
{
    const struct service_info *s = p->svc;
    struct svc_view v;
    svc_view_of(s, &v);
    const char *name = v.name ? v.name : p->service;
    fputs("<service", fp);
    put_attr(fp, "name", name ? name : "unknown");
    if (!s) {
        fputs(" method=\"table\" conf=\"3\"/>", fp);
        return 0;
    }
    put_attr(fp, "product", v.product);
    put_attr(fp, "version", v.version);
    put_attr(fp, "extrainfo", v.extrainfo);
    put_attr(fp, "hostname", s->hostname);
    put_attr(fp, "ostype", s->ostype);
    put_attr(fp, "devicetype", s->devicetype);
    if (s->fingerprint) {
        char *flat = svc_flat_fingerprint(s->fingerprint);
        if (!flat) return -1;
        put_attr(fp, "servicefp", flat);
        free(flat);
    }
    if (s->ssl_tunnel) fputs(" tunnel=\"ssl\"", fp);
    fprintf(fp, " method=\"%s\" conf=\"%u\"", s->method == SVC_METHOD_PROBED ? "probed" : "table",
            (unsigned)s->conf);
    if (s->n_cpe == 0) {
        fputs("/>", fp);
        return 0;
    }
    fputc('>', fp);
    for (size_t i = 0; i < s->n_cpe; i++) {
        if (!s->cpe[i]) continue;
        fputs("<cpe>", fp);
        put_xml(fp, s->cpe[i]);
        fputs("</cpe>", fp);
    }
    fputs("</service>", fp);
    return 0;
}

/* Script text as nmap's XML carries it: printable ASCII, tab, newline and
 * CR kept (the escaping below turns them into references), every other
 * byte written as the text "\xHH" first. */
static int put_script_text(FILE *fp, const char *s)
{
    size_t len = strlen(s);
    char *kept = malloc(len * 4 + 1), *o = kept;
    if (!kept) return -1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 0x20 && *p < 0x7f) || *p == '\t' || *p == '\n' || *p == '\r')
            *o++ = (char)*p;
        else
            o += sprintf(o, "\\x%02X", *p);
    }
    *o = '\0';
    put_xml(fp, kept);
    free(kept);
    return 0;
}

/* Deeper structures are cut here (nmap's Lua cannot build them anyway);
 * the writer's recursion stays bounded whatever the engine hands over. */
#define SCRIPT_ELEM_MAX_DEPTH 200

/* A structured result: <table key> on a line of its own around its items,
 * <elem key>text</elem> for each leaf, one per line, as nmap. */
static int put_script_elems(FILE *fp, const struct script_elem *e, size_t n, int depth)
{
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        bool table = !e[i].value;
        fputs(table ? "<table" : "<elem", fp);
        if (e[i].key) {
            fputs(" key=\"", fp);
            rc |= put_script_text(fp, e[i].key);
            fputc('"', fp);
        }
        if (table) {
            fputs(">\n", fp);
            if (depth < SCRIPT_ELEM_MAX_DEPTH)
                rc |= put_script_elems(fp, e[i].children, e[i].n_children, depth + 1);
            fputs("</table>\n", fp);
        } else {
            fputc('>', fp);
            rc |= put_script_text(fp, e[i].value);
            fputs("</elem>\n", fp);
        }
    }
    return rc;
}

/* <script id output/>, or with its structured result inside (nmap's
 * <script ...></script> for an empty table, the value as text for a number
 * or a boolean). */
static int put_scripts(FILE *fp, const struct script_result *r, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        fputs("<script id=\"", fp);
        rc |= put_script_text(fp, r[i].id ? r[i].id : "");
        fputs("\" output=\"", fp);
        rc |= put_script_text(fp, r[i].output ? r[i].output : "");
        if (!r[i].n_elems && !r[i].structured && !r[i].text) {
            fputs("\"/>", fp);
            continue;
        }
        fputs("\">", fp);
        if (r[i].text) rc |= put_script_text(fp, r[i].text);
        rc |= put_script_elems(fp, r[i].elems, r[i].n_elems, 1);
        fputs("</script>", fp);
    }
    return rc;
}

/* <hostscript>, <prescript>, <postscript>: only when there are results
 * (nmap.dtd wants one script at least), with no newline after. */
static int put_script_group(FILE *fp, const char *tag, const struct script_result *r, size_t n)
{
    if (!n) return 0;
    fprintf(fp, "<%s>", tag);
    int rc = put_scripts(fp, r, n);
    fprintf(fp, "</%s>", tag);
    return rc;
}

/* A port with no name, fingerprint or tunnel gets no <service> element,
 * as nmap. */
static int put_port(FILE *fp, const struct host *h, const struct port_result *p, bool scripts)
{
    fprintf(fp,
            "<port protocol=\"%s\" portid=\"%u\"><state state=\"%s\" reason=\"%s\" "
            "reason_ttl=\"%u\"/>",
            proto_name(p->proto), p->port, port_state_name(p->state), reason_name(p->reason),
            p->reason_ttl);
    if (p->proto == PROTO_IP) {
        /* -sO: nmap writes the protocol's name on a line of its own, with
         * its own attribute order and confidence. */
        if (p->service) {
            fputs("\n<service name=\"", fp);
            put_xml(fp, p->service);
            fputs("\" conf=\"8\" method=\"table\"/>", fp);
        }
    } else if (svc_port_has_service(p) && put_service(fp, p) != 0) {
        return -1;
    }
    /* -sV's version scripts alone show nothing (nmap's o.script). */
    const struct port_scripts *ps = scripts ? host_port_scripts(h, p->proto, p->port) : NULL;
    if (ps && put_scripts(fp, ps->scripts, ps->n_scripts) != 0) return -1;
    fputs("</port>\n", fp);
    return 0;
}

static int put_ports(FILE *fp, const struct host *h, const struct port_view *v, bool scripts)
{
    fputs("<ports>", fp);
    if (put_extraports(fp, v) != 0) return -1;
    for (size_t i = 0; i < v->n; i++)
        if (port_view_shown(v, v->sorted[i]) && put_port(fp, h, v->sorted[i], scripts) != 0)
            return -1;
    fputs("</ports>\n", fp);
    return 0;
}

static int put_up_host(FILE *fp, const struct run *run, const struct host *h)
{
    const struct plan *plan = run->plan;
    struct port_view v;
    if (port_view_build(&v, h, plan) != 0) return -1;
    bool scanned = plan_scans_ports(plan);
    int rc = 0;
    if (!port_view_host_hidden(&v, plan)) {
        /* A ping scan's hosts carry no times, as nmap's, unless scripts
         * ran (their host timeout clock is the host's start). */
        if (scanned || run->script_scan)
            fprintf(fp, "<host starttime=\"%lld\" endtime=\"%lld\"%s>",
                    (long long)h->start_time.tv_sec, (long long)h->end_time.tv_sec,
                    h->timed_out ? " timedout=\"true\"" : "");
        else
            fputs("<host>", fp);
        put_status(fp, "up", h->reason, h->reason_ttl);
        put_address(fp, h);
        put_hostnames(fp, h, true);
        if (scanned && !h->timed_out) rc = put_ports(fp, h, &v, run->script_scan);
        if (!h->timed_out && run->script_scan && put_script_group(fp, "hostscript", h->host_scripts,
                                              h->n_host_scripts) != 0)
            rc = -1;
        trace_put_xml(fp, h);
        if (h->have_times)
            fprintf(fp, "<times srtt=\"%lld\" rttvar=\"%lld\" to=\"%lld\"/>\n",
                    (long long)h->srtt_us, (long long)h->rttvar_us, (long long)h->timeout_us);
        fputs("</host>\n", fp);
    }
    port_view_free(&v);
    return rc;
}

/* -sL and down hosts: no times, no ports. -sL hosts are "user-set" in
 * nmap whatever the engine recorded. */
static void put_bare_host(FILE *fp, const struct host *h)
{
    bool listed = h->state == HOST_STATE_UNKNOWN;
    fputs("<host>", fp);
    put_status(fp, listed ? "unknown" : "down", listed ? REASON_USER_SET : h->reason,
               listed ? 0 : h->reason_ttl);
    put_address(fp, h);
    if (listed) put_hostnames(fp, h, false);
    fputs("</host>\n", fp);
}

static int xml_host_done(struct writer *w, const struct run *run, const struct host *h)
{
    const struct plan *plan = run->plan;
    int rc = 0;
    if (h->state == HOST_STATE_UP)
        rc = put_up_host(w->fp, run, h);
    else if (h->state == HOST_STATE_UNKNOWN || (h->state == HOST_STATE_DOWN && plan->verbosity > 0))
        put_bare_host(w->fp, h);
    if (flush_status(w->fp) != 0) return -1;
    return rc;
}

static int xml_run_end(struct writer *w, const struct run *run)
{
    if (!w->state && xml_run_begin(w, run) != 0) return -1;
    char when[32], summary[160];
    fmt_ctime(run->end_time.tv_sec, when, sizeof when);
    fmt_run_summary(run, summary, sizeof summary);
    int rc = 0;
    if (!run->error_message)
        rc = put_script_group(w->fp, "postscript", run->post_scripts, run->n_post_scripts);
    fprintf(w->fp,
            "<runstats><finished time=\"%lld\" timestr=\"%s\" summary=\"Nmap done at %s; %s\" "
            "elapsed=\"%.2f\" exit=\"%s\"",
            (long long)run->end_time.tv_sec, when, when, summary, run_elapsed(run),
            run->error_message ? "error" : "success");
    if (run->error_message) {
        fputs(" errormsg=\"", w->fp);
        put_xml(w->fp, run->error_message);
        fputc('"', w->fp);
    }
    fprintf(w->fp, "/><hosts up=\"%lu\" down=\"%lu\" total=\"%lu\"/>\n</runstats>\n</nmaprun>\n",
            run->hosts_up, run_hosts_down(run), run->hosts_total);
    if (flush_status(w->fp) != 0) return -1;
    return rc;
}

/* nmap writes task elements with -v only. */
static int xml_task(struct writer *w, const struct run *run, const struct task_event *t, bool end)
{
    if (run_verbosity(run) <= 0 && run_debugging(run) <= 0) return 0;
    fprintf(w->fp, "<%s task=\"", end ? "taskend" : "taskbegin");
    put_xml(w->fp, t->name);
    fprintf(w->fp, "\" time=\"%lld\"", (long long)t->time.tv_sec);
    char extra[96];
    if (end && task_extrainfo(t, extra, sizeof extra)) fprintf(w->fp, " extrainfo=\"%s\"", extra);
    fputs("/>\n", w->fp);
    return flush_status(w->fp);
}

static int xml_task_begin(struct writer *w, const struct run *run, const struct task_event *t)
{
    return xml_task(w, run, t, false);
}

static int xml_task_end(struct writer *w, const struct run *run, const struct task_event *t)
{
    return xml_task(w, run, t, true);
}

/* Written whatever the verbosity, as nmap's printStats() does. */
static int xml_task_progress(struct writer *w, const struct run *run,
                             const struct progress_event *e)
{
    (void)run;
    fputs("<taskprogress task=\"", w->fp);
    put_xml(w->fp, e->task);
    fprintf(w->fp, "\" time=\"%lld\" percent=\"%.2f\"", (long long)e->time.tv_sec, e->percent);
    if (e->have_etc)
        fprintf(w->fp, " remaining=\"%.f\" etc=\"%lld\"", e->remaining, (long long)e->etc);
    fputs("/>\n", w->fp);
    return flush_status(w->fp);
}

/* nmap's <hosthint>: a host its ping scan found up, written then (inside
 * the ping task), before its names are known. */
static int xml_host_hint(struct writer *w, const struct run *run, const struct host *h,
                         enum reason reason)
{
    (void)run;
    fputs("<hosthint>", w->fp);
    put_status(w->fp, "up", reason, 0);
    put_address(w->fp, h);
    fputs("<hostnames>\n</hostnames>\n</hosthint>\n", w->fp);
    return flush_status(w->fp);
}

/* NSE's prerule results, before the first host. */
static int xml_pre_scripts(struct writer *w, const struct run *run)
{
    int rc = put_script_group(w->fp, "prescript", run->pre_scripts, run->n_pre_scripts);
    if (flush_status(w->fp) != 0) return -1;
    return rc;
}

/* A comment keeps the document valid against nmap.dtd; --resume reads it. */
static int xml_host_partial(struct writer *w, const struct run *run, const struct host *h)
{
    (void)run;
    if (partial_record_put(w->fp, h, PARTIAL_XML_PREFIX, PARTIAL_XML_SUFFIX) != 0) return -1;
    return flush_status(w->fp);
}

const struct writer_ops xml_writer_ops = {
    .name = "XML",
    .run_begin = xml_run_begin,
    .host_done = xml_host_done,
    .run_end = xml_run_end,
    .destroy = NULL,
    .task_begin = xml_task_begin,
    .task_end = xml_task_end,
    .task_progress = xml_task_progress,
    .host_partial = xml_host_partial,
    .host_hint = xml_host_hint,
    .pre_scripts = xml_pre_scripts,
};
