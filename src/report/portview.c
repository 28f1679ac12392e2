// SPDX-License-Identifier: MIT
#include "report/portview.h"

#include <stdlib.h>
#include <string.h>

#include "scan/techniques.h"

bool port_state_ignored(enum port_state state, size_t count, const struct plan *plan)
{
    if (plan->debugging > 2) return false;
    if (state == PORT_OPEN || state == PORT_UNKNOWN || count == 0) return false;
    if (plan->open_only && state != PORT_OPEN_FILTERED && state != PORT_UNFILTERED) return true;
    size_t limit = 25;
    if (plan->verbosity > 0 || plan->debugging > 0) {
        int v = plan->verbosity > 0 ? plan->verbosity : 0;
        int d = plan->debugging > 0 ? plan->debugging : 0;
        limit *= (size_t)(1 + v + 20 * d);
    }
    return count > limit;
}

static int cmp_port_ptr(const void *a, const void *b)
{
    const struct port_result *x = *(const struct port_result *const *)a;
    const struct port_result *y = *(const struct port_result *const *)b;
    if (x->proto != y->proto) return x->proto < y->proto ? -1 : 1;
    if (x->port != y->port) return x->port < y->port ? -1 : 1;
    return 0;
}

/* Ignored states, most ports first; ties keep nmap's state numbering
 * (closed before filtered before unfiltered before open|filtered). */
static void order_states(struct port_view *v)
{
    static const enum port_state by_nmap_number[] = {
        PORT_CLOSED, PORT_FILTERED, PORT_UNFILTERED, PORT_OPEN_FILTERED, PORT_CLOSED_FILTERED,
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof by_nmap_number / sizeof by_nmap_number[0]; i++) {
        enum port_state s = by_nmap_number[i];
        if (!v->ignored[s]) continue;
        size_t j = n++;
        while (j > 0 && v->state_count[v->state_order[j - 1]] < v->state_count[s]) {
            v->state_order[j] = v->state_order[j - 1];
            j--;
        }
        v->state_order[j] = s;
    }
    v->n_ignored_states = n;
}

static size_t state_rank(const struct port_view *v, enum port_state s)
{
    for (size_t i = 0; i < v->n_ignored_states; i++)
        if (v->state_order[i] == s) return i;
    return v->n_ignored_states;
}

/* Groups by state rank, then by the position of their first port: the
 * order nmap collects reasons in. Groups are few, so insertion sort. */
static void order_by_state_then_port(struct port_view *v)
{
    for (size_t i = 1; i < v->n_groups; i++) {
        struct ignored_group g = v->groups[i];
        size_t rank = state_rank(v, g.state), j = i;
        while (j > 0) {
            size_t prank = state_rank(v, v->groups[j - 1].state);
            if (rank > prank || (rank == prank && g.first > v->groups[j - 1].first)) break;
            v->groups[j] = v->groups[j - 1];
            j--;
        }
        v->groups[j] = g;
    }
}

/* nmap sorts one state's reasons with a bottom-up merge sort (reason.cc's
 * reason_sort) whose merge takes the right-hand element on equal counts,
 * over a list that starts with an empty sentinel entry. Equal counts
 * therefore come out in an order that depends on that algorithm, so it is
 * reproduced step by step here (merge widths 1, 2, 4, ...). */
static void nmap_reason_sort(struct ignored_group *a, size_t n, struct ignored_group *tmp)
{
    for (size_t width = 1; width < n; width *= 2) {
        size_t out = 0;
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t p = lo, pend = lo + width < n ? lo + width : n;
            size_t q = pend, qend = pend + width < n ? pend + width : n;
            while (p < pend || q < qend) {
                bool take_p = q >= qend || (p < pend && a[q].count < a[p].count);
                tmp[out++] = take_p ? a[p++] : a[q++];
            }
        }
        memcpy(a, tmp, n * sizeof *a);
    }
}

static int order_groups(struct port_view *v)
{
    order_by_state_then_port(v);
    struct ignored_group *buf = malloc(2 * (v->n_groups + 1) * sizeof *buf);
    if (!buf) return -1;
    size_t i = 0;
    while (i < v->n_groups) {
        size_t j = i;
        while (j < v->n_groups && v->groups[j].state == v->groups[i].state)
            j++;
        size_t n = j - i + 1;
        buf[0] = (struct ignored_group){.state = v->groups[i].state, .count = 0};
        memcpy(buf + 1, v->groups + i, (j - i) * sizeof *buf);
        nmap_reason_sort(buf, n, buf + n);
        size_t k = i;
        for (size_t m = 0; m < n; m++)
            if (buf[m].count) v->groups[k++] = buf[m];
        i = j;
    }
    free(buf);
    return 0;
}

static int add_to_group(struct port_view *v, const struct port_result *p, size_t pos)
{
    for (size_t i = 0; i < v->n_groups; i++) {
        struct ignored_group *g = &v->groups[i];
        if (g->state == p->state && g->proto == p->proto && g->reason == p->reason) {
            g->count++;
            return 0;
        }
    }
    struct ignored_group *grown = realloc(v->groups, (v->n_groups + 1) * sizeof *grown);
    if (!grown) return -1;
    v->groups = grown;
    v->groups[v->n_groups++] = (struct ignored_group){
        .state = p->state, .proto = p->proto, .reason = p->reason, .count = 1, .first = pos};
    return 0;
}

int port_view_build(struct port_view *v, const struct host *h, const struct plan *plan)
{
    memset(v, 0, sizeof *v);
    if (h->n_ports == 0) return 0;
    v->sorted = malloc(h->n_ports * sizeof *v->sorted);
    if (!v->sorted) return -1;
    for (size_t i = 0; i < h->n_ports; i++)
        v->sorted[i] = &h->ports[i];
    v->n = h->n_ports;
    qsort(v->sorted, v->n, sizeof *v->sorted, cmp_port_ptr);
    for (size_t i = 0; i < v->n; i++)
        if (v->sorted[i]->state < PORT_STATE_COUNT) v->state_count[v->sorted[i]->state]++;
    for (int s = 0; s < PORT_STATE_COUNT; s++)
        v->ignored[s] = port_state_ignored((enum port_state)s, v->state_count[s], plan);
    order_states(v);
    for (size_t i = 0; i < v->n; i++) {
        if (port_view_shown(v, v->sorted[i])) continue;
        v->n_ignored++;
        if (add_to_group(v, v->sorted[i], i) != 0) {
            port_view_free(v);
            return -1;
        }
    }
    if (order_groups(v) != 0) {
        port_view_free(v);
        return -1;
    }
    return 0;
}

void port_view_free(struct port_view *v)
{
    free(v->sorted);
    free(v->groups);
    memset(v, 0, sizeof *v);
}

bool port_view_has_open(const struct port_view *v)
{
    return v->state_count[PORT_OPEN] + v->state_count[PORT_OPEN_FILTERED] +
               v->state_count[PORT_UNFILTERED] >
           0;
}

char *port_view_group_ranges(const struct port_view *v, const struct ignored_group *g)
{
    uint16_t *ports = malloc((g->count ? g->count : 1) * sizeof *ports);
    if (!ports) return NULL;
    size_t n = 0;
    for (size_t i = 0; i < v->n && n < g->count; i++) {
        const struct port_result *p = v->sorted[i];
        if (p->state == g->state && p->proto == g->proto && p->reason == g->reason)
            ports[n++] = p->port;
    }
    char *ranges = portlist_ranges(ports, n);
    free(ports);
    return ranges;
}

static int cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

char *ports_ranges_sorted(const uint16_t *ports, size_t n)
{
    if (n == 0) return strdup("");
    uint16_t *copy = malloc(n * sizeof *copy);
    if (!copy) return NULL;
    memcpy(copy, ports, n * sizeof *copy);
    qsort(copy, n, sizeof *copy, cmp_u16);
    char *ranges = portlist_ranges(copy, n);
    free(copy);
    return ranges;
}

const char *port_view_group_proto(const struct ignored_group *g)
{
    return g->proto == PROTO_IP ? "n/a" : proto_name(g->proto);
}

bool plan_scans_ports(const struct plan *plan)
{
    if (plan->list_scan) return false;
    for (int p = 0; p < PROTO_COUNT; p++)
        if (plan->ports.count[p] > 0) return true;
    return false;
}

bool port_view_host_hidden(const struct port_view *v, const struct plan *plan)
{
    return plan->open_only && plan_scans_ports(plan) && !port_view_has_open(v);
}

size_t plan_scan_types(const struct plan *plan, struct scan_type out[SCAN_TYPES_MAX])
{
    size_t n = 0;
    if (!plan_scans_ports(plan)) return 0;
    if (plan->tcp_scan != TCP_SCAN_NONE)
        out[n++] = (struct scan_type){PROTO_TCP, tcp_scan_xml_type(plan->tcp_scan)};
    if (plan->udp_scan) out[n++] = (struct scan_type){PROTO_UDP, "udp"};
    for (unsigned t = SCTP_SCAN_INIT; t <= SCTP_SCAN_COOKIE; t <<= 1)
        if (plan->sctp_scan & t) out[n++] = (struct scan_type){PROTO_SCTP, sctp_scan_xml_type(t)};
    if (plan->ip_proto_scan) out[n++] = (struct scan_type){PROTO_IP, "ipproto"};
    return n;
}
