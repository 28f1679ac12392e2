// SPDX-License-Identifier: MIT
// What a scan tells the rest of the run while it works (nmap's -v
// "Discovered open port" lines). Callbacks may come from worker threads.
#ifndef CMAP_SCAN_OBSERVER_H
#define CMAP_SCAN_OBSERVER_H

struct host;
struct port_result;

struct scan_observer {
    void (*port_open)(void *ctx, const struct host *host, const struct port_result *port);
    void *ctx;
};

#endif
