// SPDX-License-Identifier: MIT
// What the engine's own files share (nse_engine.c, nse_cnse.c,
// nse_output.c): the engine's state around the shared nse_ctx, the cnse
// table nse_main.lua is given, and the storing of results into the model.
#ifndef CMAP_NSE_NSE_ENGINE_H
#define CMAP_NSE_NSE_ENGINE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/time.h>

#include "data/datafile.h"
#include "nse/nse_host.h"
#include "nse/nse_module.h"
#include "report/writer.h"
#include "scan/observer.h"

struct xml_node;

/* The engine. ctx comes first: nse_ctx(L) is this engine, so engine code
 * may cast it back (nse_engine_of). */
struct nse_engine {
    struct nse_ctx ctx;
    struct outputs *out;
    struct watch *watch; /* runtime keys and timing lines; NULL: none */
    struct scan_observer obs;
    struct datafile_ctx df;
    enum nse_phase phase;
    /* The current NSE task ("Initiating NSE at ..."), begun by the
     * progress meter nse_main.lua creates for each phase. */
    struct task_event task;
    char task_name[32];
    bool task_open;
    /* cnse.xml_*: while a result's table is formatted, the element tree
     * being captured; otherwise (--script-help) XML text goes to help_xml. */
    struct xml_node *capture, *capture_at;
    FILE *help_xml;
    bool help_tag_open; /* a start tag awaits its '>' */
};

static inline struct nse_engine *nse_engine_of(lua_State *L)
{
    return (struct nse_engine *)nse_ctx(L);
}

/* nse_cnse.c: push the cnse table for e (nse-c-api.md §1.2). */
void nse_cnse_push(lua_State *L, struct nse_engine *e);

/* nse_output.c: the results. Each takes the output (tab, str) at tab_idx
 * and str_idx (either may be nil) and stores a script_result for id. */
void nse_output_script(lua_State *L, const char *id, int tab_idx, int str_idx);
void nse_output_host(lua_State *L, struct host *h, const char *id, int tab_idx, int str_idx);
void nse_output_port(lua_State *L, struct host *h, const struct port_result *p, const char *id,
                     int tab_idx, int str_idx);
/* The cnse.xml_* functions, which capture into the tree while a result is
 * formatted, and write --script-help's XML otherwise. */
int nse_xml_start_tag(lua_State *L);
int nse_xml_end_tag(lua_State *L);
int nse_xml_newline(lua_State *L);
int nse_xml_write_escaped(lua_State *L);
int nse_protect_xml(lua_State *L);
/* Release a capture left behind by an error. */
void nse_output_reset(struct nse_engine *e);

#endif
