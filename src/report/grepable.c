// SPDX-License-Identifier: MIT
// Grepable output (-oG): one "Host:" line per fact, fields separated by
// tabs, port entries "port/state/proto/owner/service/rpc/version/".
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "core/log.h"
#include "report/escape.h"
#include "report/partial.h"
#include "report/portview.h"
#include "report/svcfmt.h"
#include "report/textfmt.h"
#include "report/writer.h"

static int put_ports_scanned(FILE *fp, const struct plan *plan)
{
    static const char *const label[PROTO_COUNT] = {
        [PROTO_TCP] = "TCP", [PROTO_UDP] = "UDP", [PROTO_SCTP] = "SCTP", [PROTO_IP] = "PROTOCOLS"};
    fputs("# Ports scanned:", fp);
    for (int p = 0; p < PROTO_COUNT; p++) {
        size_t n = plan->list_scan ? 0 : plan->ports.count[p];
        char *ranges = ports_ranges_sorted(plan->ports.ports[p], n);
        if (!ranges) return -1;
        fprintf(fp, " %s(%zu;%s)", label[p], n, ranges);
        free(ranges);
    }
    fputc('\n', fp);
    return 0;
}

static int grepable_run_begin(struct writer *w, const struct run *run)
{
    const struct plan *plan = run->plan;
    char when[32];
    fmt_ctime(run->start_time.tv_sec, when, sizeof when);
    fprintf(w->fp, "# %s %s scan initiated %s as: ", CMAP_NAME, CMAP_VERSION, when);
    put_safe(w->fp, plan->command_line ? plan->command_line : CMAP_NAME);
    fputc('\n', w->fp);
    int rc = plan->verbosity > 0 ? put_ports_scanned(w->fp, plan) : 0;
    if (flush_status(w->fp) != 0) return -1;
    return rc;
}

/* "Host: 127.0.0.1 (localhost)": the PTR name, not the user's. */
static void put_host_label(FILE *fp, const struct host *h)
{
    char ip[NET_ADDR_STRLEN];
    net_addr_format(&h->addr, ip, sizeof ip);
    fprintf(fp, "Host: %s (", ip);
    if (h->rdns) put_safe(fp, h->rdns);
    fputc(')', fp);
}

static void put_status_line(FILE *fp, const struct host *h, const char *status)
{
    put_host_label(fp, h);
    fprintf(fp, "\tStatus: %s\n", status);
}

/* '/' separates the fields of an entry, so nmap writes it as '|'. */
static int put_field(FILE *fp, const char *s)
{
    char *safe = safe_strdup(s);
    if (!safe) return -1;
    for (char *c = safe; *c; c++)
        if (*c == '/') *c = '|';
    fputs(safe, fp);
    free(safe);
    return 0;
}

static int put_ports_line(FILE *fp, const struct plan *plan, const struct host *h,
                          const struct port_view *v)
{
    put_host_label(fp, h);
    fputs(plan->ip_proto_scan ? "\tProtocols: " : "\tPorts: ", fp);
    bool first = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct port_result *p = v->sorted[i];
        if (!port_view_shown(v, p)) continue;
        if (p->proto == PROTO_IP) { /* -sO: "1/open/icmp/" */
            fprintf(fp, "%s%u/%s/", first ? "" : ", ", p->port, port_state_name(p->state));
            if (p->service && put_field(fp, p->service) != 0) return -1;
            fputc('/', fp);
            first = false;
            continue;
        }
        fprintf(fp, "%s%u/%s/%s//", first ? "" : ", ", p->port, port_state_name(p->state),
                proto_name(p->proto));
        char text[SVC_VERSION_MAX];
        if (svc_port_has_service(p)) {
            svc_port_name(p, plan->version_scan, text);
            if (put_field(fp, text) != 0) return -1;
        }
        fputs("//", fp);
        svc_full_version(p->svc, text);
        if (put_field(fp, text) != 0) return -1;
        fputc('/', fp);
        first = false;
    }
    if (v->n_ignored_states == 1) {
        enum port_state s = v->state_order[0];
        fprintf(fp, "\tIgnored State: %s (%zu)", port_state_name(s), v->state_count[s]);
    }
    fputc('\n', fp);
    return 0;
}

static int put_up_host(FILE *fp, const struct plan *plan, const struct host *h)
{
    struct port_view v;
    if (port_view_build(&v, h, plan) != 0) return -1;
    bool scanned = plan_scans_ports(plan);
    int rc = 0;
    if (!port_view_host_hidden(&v, plan)) {
        put_status_line(fp, h, "Up");
        if (h->timed_out)
            put_status_line(fp, h, "Timeout");
        else if (scanned)
            rc = put_ports_line(fp, plan, h, &v);
    }
    port_view_free(&v);
    return rc;
}

static int grepable_host_done(struct writer *w, const struct run *run, const struct host *h)
{
    int rc = 0;
    if (h->state == HOST_STATE_UP)
        rc = put_up_host(w->fp, run->plan, h);
    else if (h->state == HOST_STATE_UNKNOWN)
        put_status_line(w->fp, h, "Unknown");
    else if (h->state == HOST_STATE_DOWN && run_verbosity(run) > 0)
        put_status_line(w->fp, h, "Down");
    if (flush_status(w->fp) != 0) return -1;
    return rc;
}

/* After a fatal error nmap leaves the grepable file without a trailer. */
static int grepable_run_end(struct writer *w, const struct run *run)
{
    if (!run->error_message) {
        char when[32], summary[160];
        fmt_ctime(run->end_time.tv_sec, when, sizeof when);
        fmt_run_summary(run, summary, sizeof summary);
        fprintf(w->fp, "# Nmap done at %s -- %s\n", when, summary);
    }
    return flush_status(w->fp);
}

/* A comment line, which grepable consumers skip; --resume reads it back. */
static int grepable_host_partial(struct writer *w, const struct run *run, const struct host *h)
{
    (void)run;
    if (partial_record_put(w->fp, h, PARTIAL_TEXT_PREFIX, "") != 0) return -1;
    return flush_status(w->fp);
}

const struct writer_ops grepable_writer_ops = {
    .name = "grepable",
    .run_begin = grepable_run_begin,
    .host_done = grepable_host_done,
    .run_end = grepable_run_end,
    .destroy = NULL,
    .host_partial = grepable_host_partial,
};
