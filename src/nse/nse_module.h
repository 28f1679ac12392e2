// SPDX-License-Identifier: MIT
// The entry points of cmap-nse.so, as the binary (nse.c) resolves them with
// dlsym: the only names the two sides agree on. Lua stays out of this
// header, so the binary is built without Lua's headers.
#ifndef CMAP_NSE_NSE_MODULE_H
#define CMAP_NSE_NSE_MODULE_H

#include <stddef.h>

struct plan;
struct run;
struct host;
struct outputs;
struct watch;
struct nse_engine;

/* nse_main.lua's phases, in the order a run calls them. */
enum nse_phase { NSE_PHASE_PRE = 0, NSE_PHASE_SCAN, NSE_PHASE_POST };

/* Start Lua and run nse_main.lua (loading the chosen scripts). On failure
 * NULL, with nmap's message (the Lua error and its traceback) in err. */
typedef struct nse_engine *(*nse_module_open_fn)(const struct plan *plan, struct run *run,
                                                 struct outputs *out, struct watch *watch,
                                                 char *err, size_t errlen);
/* One phase over hosts (only NSE_PHASE_SCAN reads them). 0, or -1 with the
 * message in err. */
typedef int (*nse_module_run_fn)(struct nse_engine *e, enum nse_phase phase, struct host **hosts,
                                 size_t n, char *err, size_t errlen);
typedef void (*nse_module_close_fn)(struct nse_engine *e);
/* The targets scripts added (nmap.add_targets) since the last call, as
 * malloc'd strings in a malloc'd array the caller frees; how many. */
typedef size_t (*nse_module_take_targets_fn)(struct nse_engine *e, char ***out);

#define NSE_MODULE_OPEN "cmap_nse_module_open"
#define NSE_MODULE_RUN "cmap_nse_module_run"
#define NSE_MODULE_CLOSE "cmap_nse_module_close"
#define NSE_MODULE_TAKE_TARGETS "cmap_nse_module_take_targets"

#endif
