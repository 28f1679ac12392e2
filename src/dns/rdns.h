// SPDX-License-Identifier: MIT
// nmap's parallel reverse-DNS resolver ("mass_dns"), measured against nmap
// 7.93: names from /etc/hosts first (the first name of the first line with
// the address), then PTR queries for the rest, many in flight on one event
// loop, to the servers of --dns-servers or /etc/resolv.conf. Each query is
// bounded in time: per try 4, 4 and 5 s with one server; 2.5 and 4 s on
// each of two; 2.5 and 3 s on each of the first three of three or more.
// SERVFAIL counts as a failed try; NXDOMAIN is final; REFUSED, answers that
// are not for the question and NOERROR without a record are ignored (the
// try then times out); a CNAME without a PTR at its end goes to the system
// resolver afterwards.
//
// Where cmap differs, on purpose: a server that has sent nothing at all while
// 20 tries timed out is given up for the rest of the group, and one that
// cannot even be connected to (no route) is skipped at once, so a dead
// server costs one round of timeouts instead of 13 s per ten hosts. A
// server that answered once is never given up.
#ifndef CMAP_DNS_RDNS_H
#define CMAP_DNS_RDNS_H

#include <stddef.h>

struct plan;
struct host;

/* How the resolver talks to the rest of the run. Every callback may be NULL. */
struct rdns_events {
    /* A task for -v's "Initiating <name> at ..." / "Completed <name> at
     * ..., 0.01s elapsed": "Parallel DNS resolution of 3 hosts." and, for
     * names handed to the system resolver, "System DNS resolution of 1 host." */
    void (*task_begin)(void *ctx, const char *name, size_t n_hosts);
    void (*task_end)(void *ctx, const char *name, size_t n_hosts);
    /* A -d line, for the interactive output only (nmap: stdout only). */
    void (*debug)(void *ctx, const char *line);
    /* A warning for stderr and the -oN file (nmap's LOG_NORMAL|LOG_STDERR). */
    void (*warning)(void *ctx, const char *line);
    void *ctx;
};

/* Where the resolver reads its files; tests point these elsewhere. */
struct rdns_files {
    const char *resolv_conf; /* RESOLV_CONF_PATH */
    const char *hosts;       /* RDNS_HOSTS_PATH */
};
#define RDNS_HOSTS_PATH "/etc/hosts"

struct rdns;

/* A resolver for the run (plan: --dns-servers, -d). Files are read at the
 * first rdns_resolve. NULL if memory is short. */
struct rdns *rdns_open(const struct plan *plan, const struct rdns_events *events);
struct rdns *rdns_open_files(const struct plan *plan, const struct rdns_events *events,
                             const struct rdns_files *files);
void rdns_close(struct rdns *r);

/* Fill host->rdns (when a name is found) for every host whose rdns is NULL.
 * Returns 0, 1 if a stop was requested (scan_stop_requested) before the end,
 * or -1 if the event loop or sockets could not be set up (hosts then keep
 * no name; the reason went to the warning callback). */
int rdns_resolve(struct rdns *r, struct host **hosts, size_t n);

#endif
