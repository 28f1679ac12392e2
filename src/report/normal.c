// SPDX-License-Identifier: MIT
// Normal output: the interactive text on stdout and the -oN file. Both are
// the same report; they differ only in the first and last lines and in the
// stdout-only hints.
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/plan.h"
#include "core/log.h"
#include "core/runtime.h"
#include "raw/packet_trace.h"
#include "report/escape.h"
#include "report/partial.h"
#include "report/portview.h"
#include "report/progress.h"
#include "report/svcfmt.h"
#include "report/textfmt.h"
#include "report/tracefmt.h"
#include "report/writer.h"

/* nmap numbers the columns in this order; VERSION comes last. */
enum { COL_PORT, COL_STATE, COL_SERVICE, COL_REASON, COL_VERSION, N_COLS };

static int normal_run_begin(struct writer *w, const struct run *run)
{
    const struct plan *plan = run->plan;
    time_t start = run->start_time.tv_sec;
    if (w->interactive) {
        struct tm tm;
        char when[64] = "";
        if (localtime_r(&start, &tm)) strftime(when, sizeof when, "%Y-%m-%d %H:%M %Z", &tm);
        fprintf(w->fp, "Starting %s %s ( %s ) at %s\n", CMAP_NAME, CMAP_VERSION, CMAP_URL, when);
    } else {
        char when[32];
        fmt_ctime(start, when, sizeof when);
        fprintf(w->fp, "# %s %s scan initiated %s as: ", CMAP_NAME, CMAP_VERSION, when);
        put_safe(w->fp, plan->command_line ? plan->command_line : CMAP_NAME);
        fputc('\n', w->fp);
    }
    return flush_status(w->fp);
}

static void put_host_status(FILE *fp, const struct plan *plan, const struct host *h)
{
    fputs("Host is up", fp);
    if (plan->reason || plan->debugging) {
        fprintf(fp, ", received %s", reason_name(h->reason));
        if (h->reason_ttl) fprintf(fp, " ttl %u", h->reason_ttl);
    }
    if (h->have_times) {
        char latency[32];
        fmt_sigdigits((double)h->srtt_us / 1e6, 2, latency, sizeof latency);
        fprintf(fp, " (%ss latency)", latency);
    }
    fputs(".\n", fp);
}

/* "Other addresses for" and "rDNS record for" only make sense when the user
 * named the target. */
static void put_name_notes(FILE *fp, const struct host *h)
{
    if (!h->target_name) return;
    if (h->n_other_addrs) {
        fputs("Other addresses for ", fp);
        put_safe(fp, h->target_name);
        fputs(" (not scanned):", fp);
        for (size_t i = 0; i < h->n_other_addrs; i++) {
            char ip[NET_ADDR_STRLEN];
            net_addr_format(&h->other_addrs[i], ip, sizeof ip);
            fprintf(fp, " %s", ip);
        }
        fputc('\n', fp);
    }
    if (h->rdns && *h->rdns && strcmp(h->rdns, h->target_name) != 0) {
        char ip[NET_ADDR_STRLEN];
        net_addr_format(&h->addr, ip, sizeof ip);
        fprintf(fp, "rDNS record for %s: ", ip);
        put_safe(fp, h->rdns);
        fputc('\n', fp);
    }
}

static void put_scan_times(FILE *fp, const struct host *h)
{
    time_t start = h->start_time.tv_sec;
    struct tm tm;
    char when[64] = "";
    if (localtime_r(&start, &tm)) strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z", &tm);
    long secs = (long)(h->end_time.tv_sec - h->start_time.tv_sec);
    fprintf(fp, "Scanned at %s for %lds\n", when, secs < 0 ? 0 : secs);
}

static bool has_filtered_tcp(const struct port_view *v)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->sorted[i]->proto == PROTO_TCP && v->sorted[i]->state == PORT_FILTERED) return true;
    return false;
}

static void put_not_shown(FILE *fp, const struct port_view *v)
{
    fputs("Not shown: ", fp);
    for (size_t i = 0; i < v->n_groups; i++) {
        const struct ignored_group *g = &v->groups[i];
        /* nmap picks "port" or "ports" by the state's total, not the group's. */
        bool one = v->state_count[g->state] == 1;
        fprintf(fp, "%s%zu %s %s %s%s (%s)", i ? ", " : "", g->count, port_state_name(g->state),
                port_view_group_proto(g), g->proto == PROTO_IP ? "protocol" : "port",
                one ? "" : "s", reason_name(g->reason));
    }
    fputc('\n', fp);
}

/* Script output as nmap prints it: printable ASCII and tabs as they are,
 * every other byte (a CR, an escape sequence, UTF-8) as "\xHH". The text
 * came from a script and usually from the network, so nothing else reaches
 * the terminal. */
static void put_script_bytes(FILE *fp, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 0x20 && c < 0x7f) || c == '\t')
            fputc(c, fp);
        else
            fprintf(fp, "\\x%02X", c);
    }
}

/* nmap's complaint about a script whose output is empty: an error, so on
 * stderr (not the terminal's report) and in the -oN file; the -oS copy of
 * the report never gets it. */
static void put_empty_script_error(FILE *fp, const struct writer *w, const struct script_result *r)
{
    FILE *to = !w->interactive ? fp : w->to_stdout ? stderr : NULL;
    if (!to) return;
    fputs("Bug in ", to);
    put_script_bytes(to, r->id, strlen(r->id));
    fputs(": no string output.\n", to);
}

/* One result: "|_id: text" on one line, or "| id: first" ... "|_last"
 * (a final newline starts no line of its own, an empty output is the
 * error above). */
static void put_script(FILE *fp, const struct writer *w, const struct script_result *r)
{
    const char *out = r->output ? r->output : "";
    if (!*out) {
        put_empty_script_error(fp, w, r);
        return;
    }
    for (const char *line = out;;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        bool last = !nl || !nl[1];
        fputs(last ? "|_" : "| ", fp);
        if (line == out) {
            put_script_bytes(fp, r->id, strlen(r->id));
            fputs(": ", fp);
        }
        put_script_bytes(fp, line, len);
        fputc('\n', fp);
        if (last) break;
        line = nl + 1;
    }
}

/* "Pre-scan script results:", "Host script results:" and the like. Script
 * results are shown only when scripts were asked for (run->script_scan):
 * -sV alone runs the version scripts for what they learn about services,
 * and nmap shows none of their output. */
static void put_script_block(FILE *fp, const struct writer *w, const char *title,
                             const struct script_result *r, size_t n)
{
    if (!n) return;
    fprintf(fp, "%s\n", title);
    for (size_t i = 0; i < n; i++)
        put_script(fp, w, &r[i]);
}

/* Text from the network (names, versions) is made terminal-safe here,
 * before the column widths are measured. */
static char *cell_text(const struct port_result *p, int col, bool version_scan)
{
    char buf[SVC_VERSION_MAX];
    switch (col) {
    case COL_PORT:
        /* -sO's rows are the protocol number alone. */
        if (p->proto == PROTO_IP)
            snprintf(buf, sizeof buf, "%u", p->port);
        else
            snprintf(buf, sizeof buf, "%u/%s", p->port, proto_name(p->proto));
        break;
    case COL_STATE:
        snprintf(buf, sizeof buf, "%s", port_state_name(p->state));
        break;
    case COL_SERVICE:
        svc_port_name(p, version_scan, buf);
        return safe_strdup(buf);
    case COL_VERSION:
        svc_full_version(p->svc, buf);
        return safe_strdup(buf);
    default:
        if (p->reason_ttl)
            snprintf(buf, sizeof buf, "%s ttl %u", reason_name(p->reason), p->reason_ttl);
        else
            snprintf(buf, sizeof buf, "%s", reason_name(p->reason));
    }
    return strdup(buf);
}

/* Empty cells at the end of a row (a port with no version) leave no
 * trailing spaces. */
static void put_row(FILE *fp, const char *const *cells, const size_t *width, const int *cols,
                    int ncols)
{
    int last = ncols - 1;
    while (last > 0 && !*cells[cols[last]])
        last--;
    for (int c = 0; c <= last; c++) {
        const char *cell = cells[cols[c]];
        fputs(cell, fp);
        if (c < last) fprintf(fp, "%*s", (int)(width[cols[c]] - strlen(cell) + 1), "");
    }
    fputc('\n', fp);
}

/* Columns are as wide as their widest cell, one space apart; the last one
 * is not padded (nmap's NmapOutputTable). */
static int put_port_table(FILE *fp, const struct writer *w, const struct host *h,
                          const struct port_view *v, bool with_reason, bool version_scan,
                          bool protocols, bool scripts)
{
    const char *const header[N_COLS] = {protocols ? "PROTOCOL" : "PORT", "STATE", "SERVICE",
                                        "REASON", "VERSION"};
    int cols[N_COLS], ncols = 0;
    for (int c = 0; c < N_COLS; c++)
        if ((c != COL_REASON || with_reason) && (c != COL_VERSION || version_scan))
            cols[ncols++] = c;
    size_t rows = v->n - v->n_ignored, r = 0;
    char **cells = calloc(rows * N_COLS + 1, sizeof *cells);
    const struct port_result **row_port = calloc(rows + 1, sizeof *row_port);
    if (!cells || !row_port) {
        free(cells);
        free(row_port);
        return -1;
    }
    size_t width[N_COLS];
    for (int c = 0; c < N_COLS; c++)
        width[c] = strlen(header[c]);
    int rc = 0;
    for (size_t i = 0; i < v->n && rc == 0; i++) {
        if (!port_view_shown(v, v->sorted[i])) continue;
        row_port[r] = v->sorted[i];
        for (int k = 0; k < ncols; k++) {
            int c = cols[k];
            char *cell = cell_text(v->sorted[i], c, version_scan);
            cells[r * N_COLS + c] = cell;
            if (!cell)
                rc = -1;
            else if (strlen(cell) > width[c])
                width[c] = strlen(cell);
        }
        r++;
    }
    if (rc == 0) {
        /* nmap formats the script lines while it builds the table, so its
         * complaints about empty outputs come out before the table does. */
        for (size_t i = 0; i < rows; i++) {
            const struct port_scripts *ps =
                scripts ? host_port_scripts(h, row_port[i]->proto, row_port[i]->port) : NULL;
            for (size_t k = 0; ps && k < ps->n_scripts; k++)
                if (!ps->scripts[k].output || !*ps->scripts[k].output)
                    put_empty_script_error(fp, w, &ps->scripts[k]);
        }
        put_row(fp, header, width, cols, ncols);
        for (size_t i = 0; i < rows; i++) {
            put_row(fp, (const char *const *)&cells[i * N_COLS], width, cols, ncols);
            /* A port's script results follow its row; they take no part in
             * the column widths. */
            const struct port_scripts *ps =
                scripts ? host_port_scripts(h, row_port[i]->proto, row_port[i]->port) : NULL;
            for (size_t k = 0; ps && k < ps->n_scripts; k++)
                if (ps->scripts[k].output && *ps->scripts[k].output)
                    put_script(fp, w, &ps->scripts[k]);
        }
    }
    for (size_t i = 0; i < rows * N_COLS; i++)
        free(cells[i]);
    free(cells);
    free(row_port);
    return rc;
}

/* The "SF-Port..." fingerprints of the listed ports that answered but
 * matched nothing, for the user to submit (nmap keeps the first nine). */
static void put_fingerprints(FILE *fp, const struct port_view *v)
{
    const char *fps[SVC_MAX_SAVED_FPS];
    size_t n = 0;
    for (size_t i = 0; i < v->n && n < SVC_MAX_SAVED_FPS; i++) {
        const struct port_result *p = v->sorted[i];
        if (port_view_shown(v, p) && p->svc && p->svc->fingerprint) fps[n++] = p->svc->fingerprint;
    }
    if (n == 0) return;
    fprintf(fp,
            "%zu service%s unrecognized despite returning data. If you know the "
            "service/version, please submit the following fingerprint%s at "
            "https://nmap.org/cgi-bin/submit.cgi?new-service :\n",
            n, n > 1 ? "s" : "", n > 1 ? "s" : "");
    for (size_t i = 0; i < n; i++) {
        if (n > 1)
            fputs("==============NEXT SERVICE FINGERPRINT (SUBMIT INDIVIDUALLY)=============="
                  "\n",
                  fp);
        /* nmap's fingerprint text is printable ASCII and newlines; anything
         * else would not have come from it. */
        for (const char *line = fps[i]; line;) {
            const char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            char *copy = strndup(line, len);
            if (copy) put_safe(fp, copy);
            free(copy);
            fputc('\n', fp);
            line = nl ? nl + 1 : NULL;
        }
    }
}

/* The port table and what belongs to it; the lines nmap prints after its
 * MAC address (Service Info, the trace, final times) and the empty line
 * that ends the host are put_up_host()'s. */
static int put_ports(FILE *fp, const struct writer *w, const struct run *run,
                     const struct host *h, const struct port_view *v)
{
    const struct plan *plan = run->plan;
    if (v->n_ignored == v->n) {
        fprintf(fp, "All %zu scanned ports on ", v->n);
        put_name_ip(fp, h);
        fputs(" are in ignored states.\n", fp);
    }
    if (v->n_ignored)
        put_not_shown(fp, v);
    else
        fputc('\n', fp);
    /* --defeat-rst-ratelimit (implied by --open): nmap warns whenever some
     * TCP port came out filtered. */
    if (plan->defeat_rst_ratelimit && plan->tcp_scan != TCP_SCAN_NONE && has_filtered_tcp(v))
        fputs("Some closed ports may be reported as filtered due to --defeat-rst-ratelimit\n", fp);
    int rc = 0;
    if (v->n_ignored < v->n) {
        rc = put_port_table(fp, w, h, v, plan->reason || plan->debugging, plan->version_scan,
                            plan->ip_proto_scan, run->script_scan);
        put_fingerprints(fp, v);
    }
    return rc;
}

/* nmap's order after the port table: MAC address, Service Info, the host
 * script results, the traceroute, then (-d, terminal only) the final
 * times. */
static int put_up_host(FILE *fp, const struct writer *w, const struct run *run,
                       const struct host *h, bool final_times)
{
    const struct plan *plan = run->plan;
    struct port_view v;
    if (port_view_build(&v, h, plan) != 0) return -1;
    int rc = 0;
    bool scanned = plan_scans_ports(plan);
    if (!port_view_host_hidden(&v, plan)) {
        fputs("Nmap scan report for ", fp);
        put_name_ip(fp, h);
        fputc('\n', fp);
        put_host_status(fp, plan, h);
        put_name_notes(fp, h);
        bool ports = false;
        if (h->timed_out) {
            fputs("Skipping host ", fp);
            put_name_ip(fp, h);
            fputs(" due to host timeout\n", fp);
        } else {
            if (plan->verbosity > 1 || plan->debugging > 0) put_scan_times(fp, h);
            ports = scanned && v.n > 0;
            if (ports) rc = put_ports(fp, w, run, h, &v);
        }
        if (h->has_mac) {
            const uint8_t *m = h->mac;
            fprintf(fp, "MAC Address: %02X:%02X:%02X:%02X:%02X:%02X (", m[0], m[1], m[2], m[3],
                    m[4], m[5]);
            put_safe(fp, h->mac_vendor ? h->mac_vendor : "Unknown");
            fputs(")\n", fp);
        }
        if (ports) svc_put_info_line(fp, h);
        if (!h->timed_out && run->script_scan)
            put_script_block(fp, w, "\nHost script results:", h->host_scripts, h->n_host_scripts);
        bool traced = trace_put_normal(fp, h, plan->debugging > 0);
        if (ports && final_times && h->have_times)
            fprintf(fp, "Final times for host: srtt: %lld rttvar: %lld  to: %lld\n",
                    (long long)h->srtt_us, (long long)h->rttvar_us, (long long)h->timeout_us);
        /* A script scan ends every host's block with an empty line, even a
         * ping scan's (nmap's o.script). */
        if (ports || traced || run->script_scan) fputc('\n', fp);
    }
    port_view_free(&v);
    return rc;
}

static int normal_host_done(struct writer *w, const struct run *run, const struct host *h)
{
    const struct plan *plan = run->plan;
    int rc = 0;
    switch (h->state) {
    case HOST_STATE_UP:
        rc = put_up_host(w->fp, w, run, h, w->interactive && run_debugging(run) > 0);
        break;
    case HOST_STATE_UNKNOWN: /* -sL lists names only */
        fputs("Nmap scan report for ", w->fp);
        put_name_ip(w->fp, h);
        fputc('\n', w->fp);
        break;
    case HOST_STATE_DOWN:
        if (plan->verbosity > 0) {
            fputs("Nmap scan report for ", w->fp);
            put_name_ip(w->fp, h);
            if (plan->reason || plan->debugging)
                fprintf(w->fp, " [host down, received %s]\n", reason_name(h->reason));
            else
                fputs(" [host down]\n", w->fp);
        }
        break;
    default:
        break; /* skipped hosts are not reported */
    }
    if (flush_status(w->fp) != 0) return -1;
    return rc;
}

static void put_data_files(FILE *fp, const struct plan *plan)
{
    if (!plan->services_path || (plan->verbosity <= 0 && plan->debugging <= 0)) return;
    char dir[4096];
    fmt_dirname(plan->services_path, dir, sizeof dir);
    if (plan->debugging > 0) {
        const char *slash = strrchr(plan->services_path, '/');
        fprintf(fp, "Read from %s: %s.\n", dir, slash ? slash + 1 : plan->services_path);
    } else {
        fprintf(fp, "Read data files from: %s\n", dir);
    }
}

/* nmap's count of raw packets under the "Nmap done" line, with -v or -d,
 * when a raw engine ran: terminal (and -oS) only, as nmap's LOG_STDOUT. */
static void put_raw_counts(FILE *fp, const struct run *run)
{
    int v = run->rt ? runtime_verbosity(run->rt) : run->plan->verbosity;
    int d = run->rt ? runtime_debugging(run->rt) : run->plan->debugging;
    if ((v <= 0 && d <= 0) || !ptrace_raw_used()) return;
    struct ptrace_counts c;
    ptrace_counts(&c);
    char line[160];
    ptrace_format_counts(&c, line, sizeof line);
    fprintf(fp, "           %s\n", line);
}

static int normal_run_end(struct writer *w, const struct run *run)
{
    const struct plan *plan = run->plan;
    char summary[160];
    fmt_run_summary(run, summary, sizeof summary);
    if (run->error_message) {
        /* stderr already has the message; the -oN file gets it too, as
         * nmap's fatal() writes it there, and no trailer. */
        if (!w->interactive) {
            put_safe(w->fp, run->error_message);
            fputs("\nQUITTING!\n", w->fp);
        }
        return flush_status(w->fp);
    }
    put_script_block(w->fp, w, "Post-scan script results:", run->post_scripts,
                     run->n_post_scripts);
    put_data_files(w->fp, plan);
    /* nmap warns on every UDP scan with the option, whatever was found. */
    if (plan->defeat_icmp_ratelimit && plan->udp_scan)
        fputs("WARNING: Some ports marked closed|filtered may actually be open. For more "
              "accurate results, do not use --defeat-icmp-ratelimit .\n",
              w->fp);
    if (plan->version_scan && run->hosts_up > 0)
        fputs("Service detection performed. Please report any incorrect results at "
              "https://nmap.org/submit/ .\n",
              w->fp);
    if (w->interactive) {
        if (run->hosts_total == 1 && run->hosts_up == 0 && !plan->list_scan &&
            !plan->skip_discovery)
            fputs("Note: Host seems down. If it is really up, but blocking our ping probes, "
                  "try -Pn\n",
                  w->fp);
        fprintf(w->fp, "Nmap done: %s\n", summary);
        put_raw_counts(w->fp, run);
    } else {
        char when[32];
        fmt_ctime(run->end_time.tv_sec, when, sizeof when);
        fprintf(w->fp, "# Nmap done at %s -- %s\n", when, summary);
    }
    return flush_status(w->fp);
}

/* -v progress lines go to the terminal only, as nmap's LOG_STDOUT. */
static bool shows_progress(const struct writer *w, const struct run *run)
{
    return w->interactive && (run_verbosity(run) > 0 || run_debugging(run) > 0);
}

static void put_hhmm(FILE *fp, time_t t)
{
    struct tm tm;
    char hhmm[16] = "";
    if (localtime_r(&t, &tm)) strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
    fputs(hhmm, fp);
}

static int normal_task_begin(struct writer *w, const struct run *run, const struct task_event *t)
{
    if (!shows_progress(w, run)) return 0;
    fprintf(w->fp, "Initiating %s at ", t->name);
    put_hhmm(w->fp, t->time.tv_sec);
    fputc('\n', w->fp);
    if (t->ports_per_host) {
        size_t n = t->ports_per_host;
        if (t->n_hosts == 1 && t->host) {
            fputs("Scanning ", w->fp);
            put_name_ip(w->fp, t->host);
            fprintf(w->fp, " [%zu port%s]\n", n, n == 1 ? "" : "s");
        } else {
            fprintf(w->fp, "Scanning %zu hosts [%zu port%s/host]\n", t->n_hosts, n,
                    n == 1 ? "" : "s");
        }
    } else if (t->n_services) {
        size_t n = t->n_services;
        fprintf(w->fp, "Scanning %zu service%s on ", n, n == 1 ? "" : "s");
        if (t->n_hosts == 1 && t->host)
            put_name_ip(w->fp, t->host);
        else
            fprintf(w->fp, "%zu hosts", t->n_hosts);
        fputc('\n', w->fp);
    }
    return flush_status(w->fp);
}

static int normal_task_end(struct writer *w, const struct run *run, const struct task_event *t)
{
    if (!shows_progress(w, run)) return 0;
    fprintf(w->fp, "Completed %s at ", t->name);
    put_hhmm(w->fp, t->time.tv_sec);
    fprintf(w->fp, ", %.2fs elapsed", t->elapsed);
    char extra[96];
    if (task_extrainfo(t, extra, sizeof extra)) fprintf(w->fp, " (%s)", extra);
    fputc('\n', w->fp);
    return flush_status(w->fp);
}

static int normal_port_found(struct writer *w, const struct run *run, const struct host *h,
                             const struct port_result *p)
{
    /* nmap announces open ports with -v, and every answered port with -dd. */
    if (!shows_progress(w, run) || (p->state != PORT_OPEN && run_debugging(run) < 2)) return 0;
    char ip[NET_ADDR_STRLEN];
    net_addr_format(&h->addr, ip, sizeof ip);
    fprintf(w->fp, "Discovered %s port %u/%s on %s\n", port_state_name((enum port_state)p->state),
            p->port, proto_name((enum proto_index)p->proto), ip);
    return flush_status(w->fp);
}

/* Status lines are nmap's LOG_STDOUT: the terminal only, never -oN. */
static int normal_task_progress(struct writer *w, const struct run *run,
                                const struct progress_event *e)
{
    (void)run;
    if (!w->interactive) return 0;
    char line[256];
    if (e->with_stats) {
        progress_format_stats(line, sizeof line, e->elapsed, e->hosts_done, e->hosts_up,
                              e->hosts_active, e->task);
        fprintf(w->fp, "%s\n", line);
    }
    struct progress_estimate est = {
        .percent = e->percent, .have_etc = e->have_etc, .remaining = e->remaining, .etc = e->etc};
    progress_format_timing(line, sizeof line, e->task, &est, e->etc_tm);
    fprintf(w->fp, "%s\n", line);
    return flush_status(w->fp);
}

static int normal_message(struct writer *w, const struct run *run, const char *line, bool to_file)
{
    (void)run;
    if (!w->interactive && !to_file) return 0;
    fprintf(w->fp, "%s\n", line);
    return flush_status(w->fp);
}

/* The record --resume reads back; the terminal has no use for it. */
static int normal_host_partial(struct writer *w, const struct run *run, const struct host *h)
{
    (void)run;
    if (w->interactive) return 0;
    if (partial_record_put(w->fp, h, PARTIAL_TEXT_PREFIX, "") != 0) return -1;
    return flush_status(w->fp);
}

/* Before the first host, in the report and the -oN file alike. */
static int normal_pre_scripts(struct writer *w, const struct run *run)
{
    put_script_block(w->fp, w, "Pre-scan script results:", run->pre_scripts, run->n_pre_scripts);
    return flush_status(w->fp);
}

const struct writer_ops normal_writer_ops = {
    .name = "normal",
    .run_begin = normal_run_begin,
    .host_done = normal_host_done,
    .run_end = normal_run_end,
    .destroy = NULL,
    .task_begin = normal_task_begin,
    .task_end = normal_task_end,
    .port_found = normal_port_found,
    .task_progress = normal_task_progress,
    .message = normal_message,
    .host_partial = normal_host_partial,
    .pre_scripts = normal_pre_scripts,
};
