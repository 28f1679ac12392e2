// SPDX-License-Identifier: MIT
#include "report/tracefmt.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "report/escape.h"

/* The probe's protocol as nmap names it: the port protocols in lower case,
 * ICMP by its nmap-protocols name. */
static const char *proto_label(const struct host_trace *t)
{
    switch (t->proto) {
    case IPPROTO_TCP:
        return "tcp";
    case IPPROTO_UDP:
        return "udp";
    case IPPROTO_ICMP:
        return "icmp";
    case IPPROTO_ICMPV6:
        return "ipv6-icmp";
    default:
        return "unknown";
    }
}

static bool has_trace(const struct host *h)
{
    return h->trace && h->trace->n_hops > 0;
}

/* One row of the table; cells NULL when empty, full: text spanning the
 * columns after the first. */
struct row {
    char hop[16];
    char rtt[32];
    char addr[NET_ADDR_STRLEN];
    const char *name; /* the hop's PTR name: "name (addr)" */
    char *full;
};

static void put_padded(FILE *fp, const char *s, size_t width)
{
    fputs(s, fp);
    for (size_t n = strlen(s); n < width; n++)
        fputc(' ', fp);
}

static void put_rows(FILE *fp, const struct row *rows, size_t n)
{
    size_t w0 = 0, w1 = 0;
    for (size_t i = 0; i < n; i++) {
        if (strlen(rows[i].hop) > w0) w0 = strlen(rows[i].hop);
        if (!rows[i].full && strlen(rows[i].rtt) > w1) w1 = strlen(rows[i].rtt);
    }
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        if (r->full) {
            put_padded(fp, r->hop, w0);
            fputc(' ', fp);
            fputs(r->full, fp);
        } else if (r->addr[0]) {
            put_padded(fp, r->hop, w0);
            fputc(' ', fp);
            put_padded(fp, r->rtt, w1);
            fputc(' ', fp);
            if (r->name) {
                put_safe(fp, r->name);
                fprintf(fp, " (%s)", r->addr);
            } else {
                fputs(r->addr, fp);
            }
        } else if (r->rtt[0]) {
            put_padded(fp, r->hop, w0);
            fputc(' ', fp);
            fputs(r->rtt, fp); /* trailing blanks trimmed, as nmap's tables */
        } else {
            fputs(r->hop, fp);
        }
        fputc('\n', fp);
    }
}

bool trace_put_normal(FILE *fp, const struct host *h, bool debugging)
{
    if (!has_trace(h)) return false;
    const struct host_trace *t = h->trace;
    fputc('\n', fp);
    if (t->kind == TRACE_TCP || t->kind == TRACE_UDP)
        fprintf(fp, "TRACEROUTE (using port %u/%s)\n", t->port, proto_label(t));
    else if (t->kind == TRACE_ICMP)
        fprintf(fp, "TRACEROUTE (using proto %u/%s)\n", t->proto, proto_label(t));
    else
        fputs("TRACEROUTE\n", fp);
    struct row *rows = calloc(t->n_hops + 2, sizeof *rows);
    char full[NET_ADDR_STRLEN + 64];
    if (!rows) return true;
    size_t n = 0, i = 0;
    rows[n++] = (struct row){.hop = "HOP", .rtt = "RTT", .addr = "ADDRESS"};
    if (!debugging) {
        /* The hops another host's trace found, folded into one line. */
        const struct trace_hop *shared = NULL;
        for (; i < t->n_hops && !net_addr_equal(&t->hops[i].tag, &h->addr); i++)
            shared = &t->hops[i];
        if (shared) {
            char tag[NET_ADDR_STRLEN];
            net_addr_format(&shared->tag, tag, sizeof tag);
            if (shared->ttl == 1)
                snprintf(full, sizeof full, "Hop 1 is the same as for %s", tag);
            else
                snprintf(full, sizeof full, "Hops 1-%u are the same as for %s", shared->ttl, tag);
            rows[n] = (struct row){.hop = "-", .full = full};
            n++;
        }
    }
    while (i < t->n_hops) {
        const struct trace_hop *hp = &t->hops[i];
        struct row *r = &rows[n++];
        snprintf(r->hop, sizeof r->hop, "%u", hp->ttl);
        if (hp->timed_out) {
            unsigned end = hp->ttl;
            i++;
            if (!debugging)
                for (; i < t->n_hops && t->hops[i].timed_out; i++)
                    end = t->hops[i].ttl;
            if (end == hp->ttl)
                snprintf(r->rtt, sizeof r->rtt, "...");
            else
                snprintf(r->rtt, sizeof r->rtt, "... %u", end);
            continue;
        }
        if (hp->rtt_ms < 0)
            snprintf(r->rtt, sizeof r->rtt, "--");
        else
            snprintf(r->rtt, sizeof r->rtt, "%.2f ms", hp->rtt_ms);
        net_addr_format(&hp->addr, r->addr, sizeof r->addr);
        r->name = hp->name;
        i++;
    }
    put_rows(fp, rows, n);
    free(rows);
    return true;
}

void trace_put_xml(FILE *fp, const struct host *h)
{
    if (!has_trace(h)) return;
    const struct host_trace *t = h->trace;
    fputs("<trace", fp);
    if (t->kind == TRACE_TCP || t->kind == TRACE_UDP)
        fprintf(fp, " port=\"%u\" proto=\"%s\"", t->port, proto_label(t));
    else if (t->kind == TRACE_ICMP && t->proto == IPPROTO_ICMP)
        fputs(" proto=\"icmp\"", fp); /* nmap names no protocol for ICMPv6 */
    fputs(">\n", fp);
    for (size_t i = 0; i < t->n_hops; i++) {
        const struct trace_hop *hp = &t->hops[i];
        if (hp->timed_out) continue;
        char a[NET_ADDR_STRLEN];
        net_addr_format(&hp->addr, a, sizeof a);
        fprintf(fp, "<hop ttl=\"%u\" ipaddr=\"", hp->ttl);
        put_xml(fp, a);
        if (hp->rtt_ms < 0)
            fputs("\" rtt=\"--\"", fp);
        else
            fprintf(fp, "\" rtt=\"%.2f\"", hp->rtt_ms);
        if (hp->name) {
            fputs(" host=\"", fp);
            put_xml(fp, hp->name);
            fputc('"', fp);
        }
        fputs("/>\n", fp);
    }
    fputs("</trace>\n", fp);
}

void trace_put_json(struct jw *j, const struct host *h)
{
    if (!has_trace(h)) return;
    const struct host_trace *t = h->trace;
    jw_key(j, "trace");
    jw_object_begin(j);
    if (t->kind == TRACE_TCP || t->kind == TRACE_UDP) jw_kint(j, "port", t->port);
    if (t->kind != TRACE_DIRECT) jw_kstring(j, "proto", proto_label(t));
    jw_key(j, "hops");
    jw_array_begin(j, false);
    for (size_t i = 0; i < t->n_hops; i++) {
        const struct trace_hop *hp = &t->hops[i];
        jw_object_begin(j);
        jw_kint(j, "ttl", hp->ttl);
        if (!hp->timed_out) {
            char a[NET_ADDR_STRLEN];
            net_addr_format(&hp->addr, a, sizeof a);
            jw_kstring(j, "ipaddr", a);
            if (hp->rtt_ms >= 0) {
                jw_key(j, "rtt");
                jw_fixed2(j, hp->rtt_ms);
            }
            if (hp->name) jw_kstring(j, "host", hp->name);
        }
        jw_kbool(j, "timedout", hp->timed_out);
        jw_object_end(j);
    }
    jw_array_end(j);
    jw_object_end(j);
}
