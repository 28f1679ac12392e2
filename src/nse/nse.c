// SPDX-License-Identifier: MIT
// The binary's side of NSE: decide whether a run needs the engine, load
// cmap-nse.so when it does, and call its entry points (nse_module.h). The
// module is looked for beside the binary first (a build tree, or an
// install that keeps them together), then in CMAP_NSE_LIBDIR.
#include "nse/nse.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "core/log.h"
#include "core/signals.h"
#include "nse/nse_module.h"

#ifndef CMAP_NSE_LIBDIR
#define CMAP_NSE_LIBDIR "/usr/local/lib/cmap"
#endif

#define MODULE_NAME "cmap-nse.so"
#define ERR_MAX 16384 /* a Lua error with its traceback */

struct nse {
    const struct plan *plan;
    void *handle;
    struct nse_engine *engine;
    nse_module_run_fn run;
    nse_module_close_fn close;
    nse_module_take_targets_fn take_targets;
    /* Opened by a thread while the scan goes on (see nse_open): joined
     * before the engine is first used; err holds a failure's message. */
    bool opening;
    pthread_t opener;
    struct run *run_model;
    struct outputs *out;
    struct watch *watch;
    char *err;
};

bool nse_wanted(const struct plan *plan)
{
    return plan->script_scan || plan->version_scan || plan->script_updatedb || plan->script_help;
}

/* dlopen the module from the first place that has it; on failure a
 * message naming every path tried and why each failed. */
static void *load_module(const struct plan *plan, char *err, size_t errlen)
{
    char paths[2][PATH_MAX];
    size_t n = 0;
    const char *slash = plan->exe_path ? strrchr(plan->exe_path, '/') : NULL;
    if (slash) {
        int len = (int)(slash - plan->exe_path);
        int w = snprintf(paths[n], sizeof paths[n], "%.*s/%s", len, plan->exe_path, MODULE_NAME);
        if (w > 0 && (size_t)w < sizeof paths[n]) n++;
    }
    snprintf(paths[n++], sizeof paths[0], "%s/%s", CMAP_NSE_LIBDIR, MODULE_NAME);
    size_t used =
        (size_t)snprintf(err, errlen, "cannot load the NSE module %s; tried:", MODULE_NAME);
    for (size_t i = 0; i < n; i++) {
        void *h = dlopen(paths[i], RTLD_NOW | RTLD_LOCAL);
        if (h) return h;
        const char *why = dlerror();
        if (used < errlen)
            used += (size_t)snprintf(err + used, errlen - used, "\n  %s", why ? why : paths[i]);
    }
    return NULL;
}

/* Loads the module and starts the engine; false with nse->err set. */
static bool open_engine(struct nse *nse)
{
    const char *what = "NSE: failed to initialize the script engine:\n";
    size_t skip = strlen(what);
    snprintf(nse->err, ERR_MAX, "%s", what);
    nse->handle = load_module(nse->plan, nse->err + skip, ERR_MAX - skip);
    if (!nse->handle) return false;
    /* POSIX: a data pointer from dlsym converts to the function's type. */
    nse_module_open_fn open_fn;
    *(void **)&open_fn = dlsym(nse->handle, NSE_MODULE_OPEN);
    *(void **)&nse->run = dlsym(nse->handle, NSE_MODULE_RUN);
    *(void **)&nse->close = dlsym(nse->handle, NSE_MODULE_CLOSE);
    *(void **)&nse->take_targets = dlsym(nse->handle, NSE_MODULE_TAKE_TARGETS);
    if (!open_fn || !nse->run || !nse->close || !nse->take_targets) {
        snprintf(nse->err + skip, ERR_MAX - skip, "%s lacks its entry points", MODULE_NAME);
        return false;
    }
    nse->engine =
        open_fn(nse->plan, nse->run_model, nse->out, nse->watch, nse->err + skip, ERR_MAX - skip);
    return nse->engine != NULL;
}

static void *opener_main(void *arg)
{
    struct nse *nse = arg;
    if (!open_engine(nse)) nse->engine = NULL;
    return NULL;
}

/* The engine, once the opening thread is done; a failure to open ends the
 * run as it would have at the start. */
static struct nse *ready(struct nse *nse)
{
    if (nse && nse->opening) {
        pthread_join(nse->opener, NULL);
        nse->opening = false;
        if (!nse->engine) fatal("%s\n", nse->err);
    }
    return nse;
}

/* Loading the scripts takes a tenth of a second or more of Lua. nmap does
 * it before the scan, and with -v says so ("NSE: Loaded 45 scripts") before
 * anything else; when nothing about it is shown (-sV's version scripts, no
 * -v, -d or traces) it is done by a thread while the port and service
 * scans run, and joined when the first script phase begins. */
static bool open_in_background(const struct plan *plan)
{
    return plan->version_scan && !plan->script_scan && !plan->script_updatedb &&
           !plan->script_help && plan->verbosity == 0 && plan->debugging == 0 &&
           !plan->script_trace && !plan->packet_trace && !plan->version_trace;
}

struct nse *nse_open(const struct plan *plan, struct run *run, struct outputs *out,
                     struct watch *watch)
{
    struct nse *nse = calloc(1, sizeof *nse);
    if (nse) nse->err = calloc(1, ERR_MAX);
    if (!nse || !nse->err) fatal("Out of memory starting NSE");
    nse->plan = plan;
    nse->run_model = run;
    nse->out = out;
    nse->watch = watch;
    if (open_in_background(plan) && pthread_create(&nse->opener, NULL, opener_main, nse) == 0) {
        nse->opening = true;
        return nse;
    }
    if (!open_engine(nse)) fatal("%s\n", nse->err);
    return nse;
}

static int run_phase(struct nse *nse, enum nse_phase phase, struct host **hosts, size_t n)
{
    if (!ready(nse)) return 0;
    char *err = calloc(1, ERR_MAX);
    if (!err) fatal("Out of memory running NSE");
    if (nse->run(nse->engine, phase, hosts, n, err, ERR_MAX) != 0) fatal("%s", err);
    free(err);
    return scan_stop_requested ? -1 : 0;
}

/* As nmap, the pre- and post-scan phases run for --script and -sC only,
 * not for -sV's version scripts alone. */
int nse_pre_scan(struct nse *nse)
{
    if (!nse || !nse->plan->script_scan) return 0;
    return run_phase(nse, NSE_PHASE_PRE, NULL, 0);
}

int nse_scan_group(struct nse *nse, struct host **hosts, size_t n)
{
    return run_phase(nse, NSE_PHASE_SCAN, hosts, n);
}

int nse_post_scan(struct nse *nse)
{
    if (!nse || !nse->plan->script_scan) return 0;
    return run_phase(nse, NSE_PHASE_POST, NULL, 0);
}

size_t nse_new_targets(struct nse *nse, char ***out)
{
    *out = NULL;
    /* Still loading in the background: no script has run to add any. */
    if (!nse || nse->opening || !nse->engine) return 0;
    return nse->take_targets(nse->engine, out);
}

void nse_close(struct nse *nse)
{
    if (!nse) return;
    if (nse->opening) {
        /* No script phase came (no host was up): say what nmap would have
         * said at the start. */
        pthread_join(nse->opener, NULL);
        nse->opening = false;
        if (!nse->engine) error("%s", nse->err);
    }
    if (nse->engine) nse->close(nse->engine);
    free(nse->err);
    /* The module stays mapped: atexit handlers or OpenSSL's cleanup may
     * still point into it. */
    free(nse);
}
