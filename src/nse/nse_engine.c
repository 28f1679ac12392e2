// SPDX-License-Identifier: MIT
// The engine: one Lua state per run that runs nmap's own nse_main.lua
// unmodified (nse-c-api.md §1.1). Opening loads the C libraries, finds
// nse_main.lua through the data-file search and calls it with the cnse
// table and the --script rules; it selects and loads the scripts and
// returns its `main`, which each phase calls with the host group.
//
// Everything here runs on the scan's thread; scripts wait inside
// nmap.socket.loop, which turns the engine's own event loop.
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include <lualib.h>

#include "core/clock.h"
#include "core/addr.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/signals.h"
#include "nse/nse_engine.h"
#include "report/model.h"

/* Lua cannot recover from an error outside any pcall: say so and stop. */
static int panic(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    fatal("NSE: unprotected Lua error: %s", msg ? msg : "(not a string)");
}

/* The message handler of every protected call: the error with a traceback,
 * as nmap shows it. */
static int traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* The --script list as nse_main.lua's rules: nmap splits it at commas. */
static void push_rules(lua_State *L, const struct plan *plan)
{
    lua_newtable(L);
    lua_Integer n = 0;
    for (size_t i = 0; i < plan->n_script_rules; i++) {
        lua_pushstring(L, plan->script_rules[i]);
        lua_rawseti(L, -2, ++n);
    }
}

/* Under pcall (so errors carry nmap's traceback, through a C frame as in
 * nmap): load nse_main.lua and call it with (cnse, rules); leaves main. */
static int init_main(lua_State *L)
{
    struct nse_engine *e = lua_touserdata(L, 1);
    const char *path = lua_tostring(L, 2);
    if (luaL_loadfile(L, path) != LUA_OK) lua_error(L);
    nse_cnse_push(L, e);
    push_rules(L, e->ctx.plan);
    lua_call(L, 2, 1);
    if (!lua_isfunction(L, -1)) luaL_error(L, "nse_main.lua did not return a function");
    return 1;
}

static void copy_error(lua_State *L, char *err, size_t errlen)
{
    const char *msg = lua_tostring(L, -1);
    snprintf(err, errlen, "%s", msg ? msg : "unknown error");
    lua_pop(L, 1);
}

static bool open_libraries(lua_State *L, char *err, size_t errlen)
{
    static const struct {
        const char *name;
        lua_CFunction open;
    } libs[] = {
        /* nmap's order; pcre (unused by every script) is left out.
         * luaopen_nmap requires nmap.socket. */
        {"nmap", luaopen_nmap},       {"lfs", luaopen_lfs},   {"lpeg", luaopen_lpeg},
        {"openssl", luaopen_openssl}, {"zlib", luaopen_zlib},
        {"libssh2", luaopen_libssh2},
    };
    lua_pushcfunction(L, traceback);
    int handler = lua_gettop(L);
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        /* As require would: open(name), protected since it may raise. */
        lua_pushcfunction(L, libs[i].open);
        lua_pushstring(L, libs[i].name);
        if (lua_pcall(L, 1, 1, handler) != LUA_OK) {
            copy_error(L, err, errlen);
            lua_pop(L, 1);
            return false;
        }
        /* As luaL_requiref(L, name, open, 1): package.loaded[name] and a global. */
        luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
        lua_pushvalue(L, -2);
        lua_setfield(L, -2, libs[i].name);
        lua_pop(L, 1);
        lua_setglobal(L, libs[i].name);
    }
    lua_pop(L, 1);
    return true;
}

struct nse_engine *cmap_nse_module_open(const struct plan *plan, struct run *run,
                                        struct outputs *out, struct watch *watch, char *err,
                                        size_t errlen);
int cmap_nse_module_run(struct nse_engine *e, enum nse_phase phase, struct host **hosts, size_t n,
                        char *err, size_t errlen);
void cmap_nse_module_close(struct nse_engine *e);
size_t cmap_nse_module_take_targets(struct nse_engine *e, char ***out);

/* Script sockets' nsock lines: one pool for the run, as NSE's in nmap,
 * with times counted from the run's start. */
static void start_nsock_trace(struct nse_ctx *ctx)
{
    struct timeval now;
    clock_wall(&now);
    int64_t since = 0;
    if (ctx->run && ctx->run->start_time.tv_sec)
        since = (int64_t)(now.tv_sec - ctx->run->start_time.tv_sec) * 1000000 +
                (now.tv_usec - ctx->run->start_time.tv_usec);
    if (since < 0) since = 0;
    int level = nsock_trace_level_for(ctx->plan->debugging, ctx->plan->script_trace);
    nsock_trace_start(&ctx->nsock, level, clock_mono_us() - since, stderr);
}

struct nse_engine *cmap_nse_module_open(const struct plan *plan, struct run *run,
                                        struct outputs *out, struct watch *watch, char *err,
                                        size_t errlen)
{
    struct nse_engine *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "Out of memory");
        return NULL;
    }
    e->ctx.plan = plan;
    e->ctx.run = run;
    e->out = out;
    e->watch = watch;
    e->df = (struct datafile_ctx){
        .datadir = plan->datadir, .exe_path = plan->exe_path, .debugging = plan->debugging};
    e->ctx.loop = loop_new();
    start_nsock_trace(&e->ctx);
    lua_State *L = e->ctx.loop ? luaL_newstate() : NULL;
    if (!L) {
        snprintf(err, errlen, "Out of memory starting Lua");
        cmap_nse_module_close(e);
        return NULL;
    }
    e->ctx.main_L = L;
    lua_atpanic(L, panic);
    if (plan->debugging >= 1 && !plan->script_help) {
        printf("NSE: Using %s.\n", LUA_VERSION);
        fflush(stdout);
    }
    nse_set_ctx(L, &e->ctx);
    luaL_openlibs(L);
    /* A new collection cycle once the heap grows 30% past what the last
     * one kept (Lua's default waits for 100%). Loading the scripts makes
     * mostly garbage: measured on the lab, -sC's load peaks at 17 MB
     * instead of 32 MB and takes less CPU (0.15 s instead of 0.21 s, the
     * smaller heap faulting in fewer pages); -sV's at 13 MB instead of 27. */
    lua_gc(L, LUA_GCINC, 130, 0, 0);
    if (!open_libraries(L, err, errlen)) {
        cmap_nse_module_close(e);
        return NULL;
    }
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "NSE_CURRENT_HOSTS");

    /* --script-help with -oX: nmap writes the description as XML there. */
    const char *xml = plan->output_path[OUT_XML];
    if (plan->script_help && xml) {
        e->help_xml = strcmp(xml, "-") == 0 ? stdout : fopen(xml, plan->append_output ? "a" : "w");
        if (!e->help_xml) {
            snprintf(err, errlen, "Failed to open XML output file %s for writing", xml);
            cmap_nse_module_close(e);
            return NULL;
        }
    }
    char path[PATH_MAX];
    if (datafile_find(&e->df, "nse_main.lua", path, sizeof path) < 0) {
        snprintf(err, errlen, "%s", path);
        cmap_nse_module_close(e);
        return NULL;
    }
    lua_pushcfunction(L, traceback);
    lua_pushcfunction(L, init_main);
    lua_pushlightuserdata(L, e);
    lua_pushstring(L, path);
    if (lua_pcall(L, 2, 1, 1) != LUA_OK) {
        copy_error(L, err, errlen);
        cmap_nse_module_close(e);
        return NULL;
    }
    lua_setfield(L, LUA_REGISTRYINDEX, "NSE_MAIN");
    lua_pop(L, 1);
    /* main compares it with '>': an integer, 0 when --min-parallelism is unset. */
    lua_pushinteger(L, plan->timing.min_parallelism);
    lua_setfield(L, LUA_REGISTRYINDEX, "NSE_PARALLELISM");
    return e;
}

/* nmap's key for a host in NSE_CURRENT_HOSTS: its address, and the name
 * it was given by. Hosts whose --host-timeout expired are left out. */
static void set_current_hosts(lua_State *L, struct host **hosts, size_t n)
{
    lua_createtable(L, 0, (int)(n < 1000 ? n * 2 : 2000));
    for (size_t i = 0; i < n; i++) {
        if (hosts[i]->timed_out) continue;
        char ip[NET_ADDR_STRLEN];
        net_addr_format(&hosts[i]->addr, ip, sizeof ip);
        lua_pushlightuserdata(L, hosts[i]);
        lua_setfield(L, -2, ip);
        if (hosts[i]->target_name) {
            lua_pushlightuserdata(L, hosts[i]);
            lua_setfield(L, -2, hosts[i]->target_name);
        }
    }
    lua_setfield(L, LUA_REGISTRYINDEX, "NSE_CURRENT_HOSTS");
}

/* A stop request (Ctrl-C, SIGTERM) ends the phase: nse_main.lua's
 * scheduler runs Lua between every turn of the loop, so a count hook on
 * the main thread notices within a few milliseconds. Script threads
 * inherit the hook but are left alone; they end with the phase. */
static int stop_key;

static void stop_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    if (!scan_stop_requested) return;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &stop_key);
    bool main_thread = lua_touserdata(L, -1) == (void *)L;
    lua_pop(L, 1);
    if (main_thread) luaL_error(L, "interrupted");
}

static const char *const scantypes[] = {"NSE_PRE_SCAN", "NSE_SCAN", "NSE_POST_SCAN"};

/* Under pcall: main(hosts, scantype). */
static int run_main(lua_State *L)
{
    struct nse_engine *e = lua_touserdata(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, "NSE_MAIN");
    lua_createtable(L, (int)(e->ctx.n_hosts < 100000 ? e->ctx.n_hosts : 100000), 0);
    lua_Integer k = 0;
    for (size_t i = 0; i < e->ctx.n_hosts; i++) {
        if (e->ctx.hosts[i]->timed_out) continue;
        nse_push_host(L, e->ctx.hosts[i]);
        lua_rawseti(L, -2, ++k);
    }
    lua_pushstring(L, scantypes[e->phase]);
    lua_call(L, 2, 0);
    return 0;
}

int cmap_nse_module_run(struct nse_engine *e, enum nse_phase phase, struct host **hosts, size_t n,
                        char *err, size_t errlen)
{
    lua_State *L = e->ctx.main_L;
    e->phase = phase;
    if (phase != NSE_PHASE_SCAN) n = 0;
    e->ctx.hosts = n ? hosts : NULL;
    e->ctx.n_hosts = n;
    set_current_hosts(L, hosts, n);
    lua_pushlightuserdata(L, L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &stop_key);
    lua_sethook(L, stop_hook, LUA_MASKCOUNT, 1000);
    int base = lua_gettop(L);
    lua_pushcfunction(L, traceback);
    lua_pushcfunction(L, run_main);
    lua_pushlightuserdata(L, e);
    int rc = 0;
    /* An error after a stop request is the hook's: the run is interrupted. */
    if (lua_pcall(L, 1, 0, base + 1) != LUA_OK && !scan_stop_requested) {
        const char *msg = lua_tostring(L, -1);
        snprintf(err, errlen,
                 "NSE: Script Engine Scan Aborted.\nAn error was thrown by the engine: %s",
                 msg ? msg : "(no message)");
        rc = -1;
    }
    lua_sethook(L, NULL, 0, 0);
    lua_settop(L, base);
    nse_output_reset(e);
    e->ctx.hosts = NULL;
    e->ctx.n_hosts = 0;
    set_current_hosts(L, NULL, 0);
    /* Results hold no Lua references: what a phase left behind can go. */
    lua_gc(L, LUA_GCCOLLECT, 0);
    return rc;
}

/* Targets scripts added with --script-args newtargets: the binary hands
 * them to the target iterator between host groups, as nmap reads its
 * NewTargets. Those added by post-scan scripts are never scanned, as in
 * nmap. */
size_t cmap_nse_module_take_targets(struct nse_engine *e, char ***out)
{
    *out = NULL;
    if (!e || !e->ctx.main_L) return 0;
    return nse_take_new_targets(e->ctx.main_L, out);
}

void cmap_nse_module_close(struct nse_engine *e)
{
    if (!e) return;
    if (e->ctx.main_L) lua_close(e->ctx.main_L);
    nse_output_reset(e);
    if (e->help_xml && e->help_xml != stdout)
        fclose(e->help_xml);
    else if (e->help_xml)
        fflush(stdout);
    if (e->ctx.loop) loop_free(e->ctx.loop);
    free(e);
}
