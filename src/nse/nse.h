// SPDX-License-Identifier: MIT
// The Nmap Scripting Engine as the scan pipeline sees it: a run that has
// scripts to run (--script, -sC, -A, or -sV's version scripts) opens the
// engine once, runs its phases around the scan, and closes it.
//
// The engine itself (Lua, LPeg, OpenSSL, zlib and the nmap API for scripts)
// lives in a loadable module, cmap-nse.so, loaded here on first use: a scan
// without scripts maps none of it. The module calls back into the binary
// (the event loop, data-file search, the result model), which is why the
// binary exports its symbols.
#ifndef CMAP_NSE_NSE_H
#define CMAP_NSE_NSE_H

#include <stdbool.h>
#include <stddef.h>

struct plan;
struct run;
struct host;
struct outputs;
struct watch;

/* True when the plan runs any script (the engine must be opened). */
bool nse_wanted(const struct plan *plan);

struct nse;

/* Load the module, start Lua, run nse_main.lua over the plan's rules
 * (which loads and selects the scripts; with --script-help it describes
 * them instead). A failure is fatal, with nmap's message ("NSE: failed to
 * initialize the script engine:" and the Lua traceback), as in nmap.
 * Task lines go to out; the watcher (may be NULL) answers runtime keys and
 * prints the timing lines while scripts run. */
struct nse *nse_open(const struct plan *plan, struct run *run, struct outputs *out,
                     struct watch *watch);

/* nmap's three phases. Each returns 0, or -1 when interrupted; an engine
 * error is fatal ("NSE: Script Engine Scan Aborted."), as in nmap. Results go into the model:
 * run->pre_scripts/post_scripts, host->host_scripts/port_scripts, and
 * port service info changed by nmap.set_port_version. */
int nse_pre_scan(struct nse *nse);
int nse_scan_group(struct nse *nse, struct host **hosts, size_t n);
int nse_post_scan(struct nse *nse);

/* The targets scripts added (target.add with --script-args newtargets)
 * since the last call, as malloc'd strings in a malloc'd array; how many.
 * nmap scans them after the run's own targets. */
size_t nse_new_targets(struct nse *nse, char ***out);

void nse_close(struct nse *nse);

#endif
