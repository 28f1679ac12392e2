// SPDX-License-Identifier: MIT
// One host's ports as the writers present them: sorted the way nmap lists
// them, with the "ignored" states (folded into "Not shown:" / <extraports>
// / "Ignored State:") decided once so all formats agree.
#ifndef CMAP_REPORT_PORTVIEW_H
#define CMAP_REPORT_PORTVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/plan.h"
#include "report/model.h"

/* Ignored ports sharing state, protocol and reason: one "N closed tcp ports
 * (conn-refused)" item, one <extrareasons> element. */
struct ignored_group {
    enum port_state state;
    enum proto_index proto;
    enum reason reason;
    size_t count;
    size_t first; /* position of its first port in sorted[] (tie-break) */
};

struct port_view {
    const struct port_result **sorted; /* by protocol (tcp first), then port */
    size_t n;
    size_t state_count[PORT_STATE_COUNT];
    bool ignored[PORT_STATE_COUNT];
    size_t n_ignored;        /* ports in ignored states */
    size_t n_ignored_states; /* distinct ignored states present */
    /* Ignored states present, most ports first (nmap's order). */
    enum port_state state_order[PORT_STATE_COUNT];
    /* Groups ordered by state_order, then most ports first. */
    struct ignored_group *groups;
    size_t n_groups;
};

/* nmap's rule for folding a state: never open; with --open every state
 * that cannot be open; otherwise when its count exceeds 25 x (1 + v + 20 d);
 * nothing is folded from -ddd on. */
bool port_state_ignored(enum port_state state, size_t count, const struct plan *plan);

/* Build the view; -1 when out of memory. */
int port_view_build(struct port_view *v, const struct host *h, const struct plan *plan);
void port_view_free(struct port_view *v);

/* Whether the port is listed (not folded into an ignored state). */
static inline bool port_view_shown(const struct port_view *v, const struct port_result *p)
{
    return p->state >= PORT_STATE_COUNT || !v->ignored[p->state];
}

/* --open hides hosts without a port that could be open. */
bool port_view_has_open(const struct port_view *v);

/* Ports of one ignored group in ascending order, folded into ranges
 * ("1-21,23-79") for <extrareasons ports="">. Caller frees; NULL when out
 * of memory. */
char *port_view_group_ranges(const struct port_view *v, const struct ignored_group *g);

/* Sorted copy of a scan-order port list folded into ranges, for
 * <scaninfo services=""> and "# Ports scanned:". Caller frees. */
char *ports_ranges_sorted(const uint16_t *ports, size_t n);

/* The protocol of an ignored group as nmap names it in "Not shown:" and
 * <extrareasons proto="">: "n/a" for -sO's IP protocols. */
const char *port_view_group_proto(const struct ignored_group *g);

/* Whether the plan scans ports at all (not -sL). */
bool plan_scans_ports(const struct plan *plan);

/* One scan type of the run, as <scaninfo> names it. */
struct scan_type {
    enum proto_index proto;
    const char *type; /* "syn", "udp", "sctpinit", "ipproto"... */
};
#define SCAN_TYPES_MAX 5
/* The run's scan types in nmap's order (TCP, UDP, SCTP INIT, SCTP
 * COOKIE-ECHO, IP protocol): every one requested, also one left without
 * ports (nmap lists it with numservices 0); none for a run without a port
 * scan. Returns how many. */
size_t plan_scan_types(const struct plan *plan, struct scan_type out[SCAN_TYPES_MAX]);
/* --open leaves out hosts of a port scan that have no open, open|filtered
 * or unfiltered port (they still count as up). */
bool port_view_host_hidden(const struct port_view *v, const struct plan *plan);

#endif
