// SPDX-License-Identifier: MIT
// The cnse table: the private C side nse_main.lua is called with
// (nse-c-api.md §1.2). File and script lookup through nmap's data-file
// search, the options that shape script selection, the progress meter
// behind "Initiating NSE at ...", the host-timeout checks, the iterator
// over a host's ports for portrules, and the sinks of script results.
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli/plan.h"
#include "core/log.h"
#include "nse/nse_engine.h"
#include "report/model.h"
#include "report/watch.h"

#define NMAP_URL "https://nmap.org"

/* 1 file, 2 directory, 0 neither (or unreadable). */
static int path_kind(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return 0;
    if (S_ISREG(st.st_mode)) return access(path, R_OK) == 0 ? 1 : 0;
    if (S_ISDIR(st.st_mode)) return access(path, R_OK | X_OK) == 0 ? 2 : 0;
    return 0;
}

/* nmap's answer for a found path: "file", or "directory" when the name
 * asked for ends in '/', else "bare_directory" (nse_main.lua then refuses
 * a directory rule without its slash). */
static int push_found(lua_State *L, const char *asked, int kind, const char *path)
{
    size_t len = strlen(asked);
    if (kind == 1)
        lua_pushliteral(L, "file");
    else if (len > 0 && asked[len - 1] == '/')
        lua_pushliteral(L, "directory");
    else
        lua_pushliteral(L, "bare_directory");
    lua_pushstring(L, path);
    return 2;
}

static int push_missing(lua_State *L, const char *asked)
{
    lua_pushnil(L);
    lua_pushfstring(L, "no path to file/directory: %s", asked);
    return 2;
}

/* A relative name in the working directory, made absolute. */
static int find_in_cwd(const char *name, char *out, size_t outlen)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return 0;
    int n = snprintf(out, outlen, "%s/%s", cwd, name);
    if (n <= 0 || (size_t)n >= outlen) return 0;
    return path_kind(out);
}

/* An absolute path as is; otherwise prefix+name on the data search path,
 * then (for scripts only, as nmap) name in the working directory. */
static int fetch(lua_State *L, const char *prefix, bool cwd)
{
    const char *name = luaL_checkstring(L, 1);
    char path[PATH_MAX];
    if (name[0] == '/') {
        int kind = path_kind(name);
        return kind ? push_found(L, name, kind, name) : push_missing(L, name);
    }
    char rel[PATH_MAX];
    int n = snprintf(rel, sizeof rel, "%s%s", prefix, name);
    if (n > 0 && (size_t)n < sizeof rel) {
        int kind = datafile_find_entry(&nse_engine_of(L)->df, rel, path, sizeof path);
        if (kind > 0) return push_found(L, name, kind, path);
    }
    int kind = cwd ? find_in_cwd(name, path, sizeof path) : 0;
    return kind ? push_found(L, name, kind, path) : push_missing(L, name);
}

static int l_fetchfile_absolute(lua_State *L)
{
    return fetch(L, "", false); /* nselib modules, script.db, --script-args-file */
}

static int l_fetchscript(lua_State *L)
{
    return fetch(L, "scripts/", true);
}

/* The runtime keys are answered by cmap's watcher while the engine ticks
 * it (see the progress meter below), as during the scans: a status key
 * prints the status there, so nse_main.lua never needs to. */
static int l_key_was_pressed(lua_State *L)
{
    lua_pushboolean(L, 0);
    return 1;
}

/* ---- the progress meter: nmap's task lines for each NSE phase ---------- */

/* nse_main.lua makes one per runlevel of a phase. Creating it begins
 * nmap's task ("Initiating NSE at ...", <taskbegin task="NSE">); each round
 * of the scheduler asks "mayBePrinted" and then reports the fraction done,
 * which ticks cmap's watcher (runtime keys, the -v "NSE Timing: About ..."
 * lines, the live progress line) no more often than the scans do;
 * "endTask" ends the task ("Completed NSE at ..., 0.00s elapsed"). */
struct meter {
    struct timeval began;
    int64_t last_tick_us;
    bool ended;
};

static int64_t tv_us(const struct timeval *tv)
{
    return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

static int64_t now_us(void)
{
    struct timeval now;
    gettimeofday(&now, NULL);
    return tv_us(&now);
}

static void meter_tick(struct nse_engine *e, double fraction, bool finished)
{
    if (!e->obs.tick) return;
    struct scan_status st = {.fraction = fraction < 0   ? 0
                                         : fraction > 1 ? 1
                                                        : fraction,
                             .finished = finished};
    e->obs.tick(e->obs.watch_ctx, &st);
}

static int meter_call(lua_State *L)
{
    struct nse_engine *e = nse_engine_of(L);
    struct meter *m = lua_touserdata(L, lua_upvalueindex(1));
    const char *op = luaL_checkstring(L, 1);
    if (strcmp(op, "printStats") == 0 || strcmp(op, "printStatsIfNecessary") == 0) {
        double fraction = luaL_checknumber(L, 2);
        if (!m->ended) meter_tick(e, fraction, false);
    } else if (strcmp(op, "mayBePrinted") == 0) {
        int64_t now = now_us();
        bool due = !m->ended && e->obs.tick && now - m->last_tick_us >= SCAN_TICK_US;
        if (due) m->last_tick_us = now;
        lua_pushboolean(L, due);
        return 1;
    } else if (strcmp(op, "endTask") == 0) {
        if (!m->ended && e->task_open) {
            struct timeval now;
            gettimeofday(&now, NULL);
            e->task.elapsed = (double)(tv_us(&now) - tv_us(&m->began)) / 1e6;
            e->task.time = now;
            outputs_task_end(e->out, e->ctx.run, &e->task);
            e->task_open = false;
            if (e->watch) {
                meter_tick(e, 1.0, true);
                watch_task_end(e->watch);
            }
        }
        m->ended = true;
    } else {
        return luaL_error(L, "unknown progress meter operation: %s", op);
    }
    return 0;
}

/* scan_progress_meter(name): begins the task and returns the closure that
 * reports on it. */
static int l_scan_progress_meter(lua_State *L)
{
    struct nse_engine *e = nse_engine_of(L);
    const char *name = luaL_checkstring(L, 1);
    struct meter *m = lua_newuserdatauv(L, sizeof *m, 0);
    memset(m, 0, sizeof *m);
    gettimeofday(&m->began, NULL);
    m->last_tick_us = tv_us(&m->began);
    snprintf(e->task_name, sizeof e->task_name, "%s", name);
    e->task = (struct task_event){.name = e->task_name, .time = m->began};
    e->task_open = e->out != NULL; /* --script-help has no outputs */
    if (e->out) outputs_task_begin(e->out, e->ctx.run, &e->task);
    if (e->out && e->watch) {
        const struct run *run = e->ctx.run;
        watch_observe(e->watch, &e->obs);
        watch_task_begin(e->watch, e->task_name, run->hosts_total, run->hosts_up + e->ctx.n_hosts,
                         e->ctx.n_hosts);
    }
    lua_pushcclosure(L, meter_call, 1);
    return 1;
}

/* ---- host timeouts ------------------------------------------------------ */

/* cmap's --host-timeout is wall time from the start of the host's scan, so
 * the clock needs no starting or stopping around its scripts. */
static int l_timedout(lua_State *L)
{
    struct nse_engine *e = nse_engine_of(L);
    struct host *h = nse_gethost(L, 1);
    bool out = h->timed_out;
    int64_t limit = e->ctx.plan->timing.host_timeout;
    if (!out && limit > 0 && h->start_time.tv_sec) {
        struct timeval now;
        gettimeofday(&now, NULL);
        out = tv_us(&now) - tv_us(&h->start_time) > limit;
    }
    lua_pushboolean(L, out);
    return 1;
}

static int l_timeout_clock(lua_State *L)
{
    nse_gethost(L, 1); /* as nmap: an unknown host is an error */
    return 0;
}

/* ---- ports(host): the ports portrules are tried on ---------------------- */

struct port_iter {
    struct host *host;
    size_t n, next;
    size_t idx[]; /* into host->ports, in nmap's order */
};

static int state_rank(uint8_t state)
{
    switch (state) {
    case PORT_OPEN:
        return 0;
    case PORT_OPEN_FILTERED:
        return 1;
    case PORT_UNFILTERED:
        return 2;
    default:
        return -1;
    }
}

static const struct port_result *sort_ports;

static int port_order(const void *a, const void *b)
{
    const struct port_result *x = &sort_ports[*(const size_t *)a];
    const struct port_result *y = &sort_ports[*(const size_t *)b];
    int d = state_rank(x->state) - state_rank(y->state);
    if (!d) d = (int)x->proto - (int)y->proto;
    if (!d) d = (int)x->port - (int)y->port;
    return d;
}

static int ports_step(lua_State *L)
{
    struct port_iter *it = lua_touserdata(L, lua_upvalueindex(1));
    while (it->next < it->n) {
        const struct port_result *p = &it->host->ports[it->idx[it->next++]];
        if (state_rank(p->state) < 0) continue; /* changed by a script since */
        nse_push_port(L, it->host, p);
        return 1;
    }
    lua_pushnil(L);
    return 1;
}

/* open, then open|filtered, then unfiltered; TCP, UDP, SCTP; by number. */
static int l_ports(lua_State *L)
{
    struct host *h = nse_gethost(L, 1);
    size_t n = 0;
    for (size_t i = 0; i < h->n_ports; i++)
        if (h->ports[i].proto <= PROTO_SCTP && state_rank(h->ports[i].state) >= 0) n++;
    struct port_iter *it = lua_newuserdatauv(L, sizeof *it + n * sizeof it->idx[0], 0);
    it->host = h;
    it->n = 0;
    it->next = 0;
    for (size_t i = 0; i < h->n_ports; i++)
        if (h->ports[i].proto <= PROTO_SCTP && state_rank(h->ports[i].state) >= 0)
            it->idx[it->n++] = i;
    sort_ports = h->ports;
    qsort(it->idx, it->n, sizeof it->idx[0], port_order);
    lua_pushcclosure(L, ports_step, 1);
    return 1;
}

/* ---- results ----------------------------------------------------------- */

static int l_script_set_output(lua_State *L)
{
    nse_output_script(L, luaL_checkstring(L, 1), 2, 3);
    return 0;
}

static int l_host_set_output(lua_State *L)
{
    struct host *h = nse_gethost(L, 1);
    nse_output_host(L, h, luaL_checkstring(L, 2), 3, 4);
    return 0;
}

static int l_port_set_output(lua_State *L)
{
    struct host *h = nse_gethost(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    const struct port_result *p = nse_getport(L, h, 2);
    if (!p) return luaL_error(L, "port was not scanned");
    nse_output_port(L, h, p, luaL_checkstring(L, 3), 4, 5);
    return 0;
}

/* nse_main's raw writer (no "NSE: ", no newline): --script-help's text. */
static int l_log_write(lua_State *L)
{
    static const char *const where[] = {"stdout", "stderr", NULL};
    int to = luaL_checkoption(L, 1, NULL, where);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    FILE *fp = to == 0 ? stdout : stderr;
    if (to == 0) {
        const struct plan *plan = nse_engine_of(L)->ctx.plan;
        for (int i = 0; i < OUT_FORMAT_COUNT; i++)
            if (i != OUT_NORMAL && plan->output_path[i] && !strcmp(plan->output_path[i], "-"))
                return 0; /* stdout carries another format */
        if (plan->silent_stdout) return 0;
    }
    fwrite(s, 1, len, fp);
    fflush(fp);
    return 0;
}

static void set_string(lua_State *L, const char *key, const char *value)
{
    if (!value) return;
    lua_pushstring(L, value);
    lua_setfield(L, -2, key);
}

static void set_bool(lua_State *L, const char *key, bool value)
{
    lua_pushboolean(L, value);
    lua_setfield(L, -2, key);
}

void nse_cnse_push(lua_State *L, struct nse_engine *e)
{
    static const luaL_Reg fns[] = {
        {"fetchfile_absolute", l_fetchfile_absolute},
        {"fetchscript", l_fetchscript},
        {"key_was_pressed", l_key_was_pressed},
        {"scan_progress_meter", l_scan_progress_meter},
        {"timedOut", l_timedout},
        {"startTimeOutClock", l_timeout_clock},
        {"stopTimeOutClock", l_timeout_clock},
        {"ports", l_ports},
        {"script_set_output", l_script_set_output},
        {"host_set_output", l_host_set_output},
        {"port_set_output", l_port_set_output},
        {"log_write", l_log_write},
        {"xml_start_tag", nse_xml_start_tag},
        {"xml_end_tag", nse_xml_end_tag},
        {"xml_newline", nse_xml_newline},
        {"xml_write_escaped", nse_xml_write_escaped},
        {"protect_xml", nse_protect_xml},
        {NULL, NULL},
    };
    const struct plan *plan = e->ctx.plan;
    luaL_newlib(L, fns);
    lua_pushliteral(L, "scripts/script.db");
    lua_setfield(L, -2, "script_dbpath");
    set_bool(L, "scriptupdatedb", plan->script_updatedb);
    set_bool(L, "scripthelp", plan->script_help);
    set_bool(L, "scriptversion", plan->version_scan);
    set_bool(L, "default", plan->script_scan);
    /* nmap always hands over the arguments, "" when none were given. */
    set_string(L, "scriptargs", plan->script_args ? plan->script_args : "");
    set_string(L, "scriptargsfile", plan->script_args_file);
    lua_pushnumber(L, plan->script_timeout);
    lua_setfield(L, -2, "script_timeout");
    lua_pushliteral(L, NMAP_URL);
    lua_setfield(L, -2, "NMAP_URL");
}
