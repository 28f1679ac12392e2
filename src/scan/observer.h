// SPDX-License-Identifier: MIT
// What a scan tells the rest of the run while it works (nmap's -v
// "Discovered open port" lines, status on request, --packet-trace lines).
// Callbacks may come from worker threads, several at once.
#ifndef CMAP_SCAN_OBSERVER_H
#define CMAP_SCAN_OBSERVER_H

#include <stdbool.h>
#include <stddef.h>

struct host;
struct port_result;
struct runtime;

/* How far the engine is with the group, for status lines. */
struct scan_status {
    double fraction;           /* nmap's completion fraction, 0..1 */
    size_t hosts_done;         /* hosts of the group finished */
    unsigned long probes_sent; /* so far, all hosts */
    unsigned in_flight;        /* probes awaiting an answer */
    bool finished;             /* the last report, after the scan ended */
};

/* How often the engine reports status (and the watcher polls the keyboard):
 * 100 ms answers a key press without delay a person would notice. */
#define SCAN_TICK_US 100000

struct scan_observer {
    /* A port's state is known from an answer (not from silence). */
    void (*port_found)(void *ctx, const struct host *host, const struct port_result *port);
    void *ctx;

    /* Optional (NULL: none), all with watch_ctx. tick: every SCAN_TICK_US
     * while the scan runs, and once with finished set when it ends.
     * message: a line of free-form log (CONN lines), to_file as in
     * writer.h. */
    void (*tick)(void *watch_ctx, const struct scan_status *status);
    void (*message)(void *watch_ctx, const char *line, bool to_file);
    void *watch_ctx;
    /* Switches that may change while the scan runs (packet trace); NULL:
     * the plan's. */
    const struct runtime *rt;
};

#endif
