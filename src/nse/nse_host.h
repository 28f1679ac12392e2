// SPDX-License-Identifier: MIT
// What the parts of the NSE module share: the engine's context, the
// yield/restore protocol of nse_main.lua (nse-c-api.md §1.3), host and port
// tables (§3.6), and each C library's luaopen function. Only code inside
// cmap-nse.so includes this.
#ifndef CMAP_NSE_NSE_HOST_H
#define CMAP_NSE_NSE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>

#include "core/nsock_trace.h"

struct plan;
struct run;
struct host;
struct port_result;
struct loop;

/* One per Lua state (one per run). */
struct nse_ctx {
    lua_State *main_L;   /* the engine's main thread (nse_main.lua's) */
    const struct plan *plan;
    struct run *run;
    struct loop *loop;   /* the loop nmap.socket.loop(ms) turns; sockets and timers watch it */
    struct host **hosts; /* the host group of the current NSE_SCAN phase; NULL otherwise */
    size_t n_hosts;
    struct nsock_trace nsock; /* the numbering of script sockets' nsock lines */
};

/* The context of L (any thread of it): set once by the engine with
 * nse_set_ctx right after creating the state. */
struct nse_ctx *nse_ctx(lua_State *L);
void nse_set_ctx(lua_State *L, struct nse_ctx *ctx);

/* End a blocking C function: call _R.NSE_YIELD(thread) and lua_yieldk with
 * its value, continuing in k (may be NULL) with ctx when resumed. Must be
 * the `return` of the lua_CFunction. */
int nse_yield(lua_State *L, lua_KContext ctx, lua_KFunction k);
/* From an event callback: hand the n values on top of L's stack to the
 * yielded C call of thread L as its results (pops them), making the thread
 * runnable at the next round (_R.NSE_WAITING_TO_RUNNING). */
void nse_restore(lua_State *L, int n);
/* what 'a': register the function on top of the stack (popped) as a
 * destructor of the running thread's base, keyed by the value below it
 * (also popped), called as fn(thread, key) when the thread ends.
 * what 'r': remove the destructor keyed by the value on top (popped). */
void nse_destructor(lua_State *L, char what);
/* Push the base coroutine of the running script thread (nil outside one). */
void nse_base(lua_State *L);
/* True when the running script was chosen by name (+1 verbosity,
 * version intensity 9). */
bool nse_selectedbyname(lua_State *L);

/* Host and port tables. nse_gethost resolves the host table at idx to the
 * model's host (its _Target lightuserdata, else its ip or targetname in
 * _R.NSE_CURRENT_HOSTS) or raises "host is not being processed right now".
 * nse_getport finds the port table at idx ({number, protocol}) among h's
 * scanned ports, NULL when it was not scanned. */
struct host *nse_gethost(lua_State *L, int idx);
struct port_result *nse_getport(lua_State *L, struct host *h, int idx);
/* h's ports by protocol then number: indexes into h->ports, kept until
 * nse_push_host(h) or a change of h's port list (nse_tables.c). */
const uint32_t *nse_port_order(lua_State *L, const struct host *h);
/* Push a new host table / port table built from the model (§3.6). */
void nse_push_host(lua_State *L, struct host *h);
void nse_push_port(lua_State *L, const struct host *h, const struct port_result *p);

/* nmap.mutex(obj) and nmap.condvar(obj) (nse_mutex.c, §3.4). */
int nse_mutex(lua_State *L);
int nse_condvar(lua_State *L);
/* The targets scripts queued with nmap.add_targets since the last call,
 * handed over (the queue empties): *out is a malloc'd array of malloc'd
 * strings the caller frees; returns their count (0: *out is NULL). */
size_t nse_take_new_targets(lua_State *L, char ***out);

/* The C libraries, preloaded with luaL_requiref by the engine. */
int luaopen_nmap(lua_State *L);       /* nse_nmaplib.c; requires nmap.socket itself */
int luaopen_nse_socket(lua_State *L); /* nse_socket.c: the nmap.socket module */
int luaopen_nse_dnet(lua_State *L);   /* nse_dnet.c: the nmap.dnet module */
int luaopen_lfs(lua_State *L);        /* nse_lfs.c */
int luaopen_openssl(lua_State *L);    /* nse_openssl.c */
int luaopen_zlib(lua_State *L);       /* nse_zlib.c */
int luaopen_libssh2(lua_State *L);    /* nse_libssh2.c */
int luaopen_lpeg(lua_State *L);       /* Debian's liblua5.4-lpeg */

/* openssl's BIGNUM userdata (nse_openssl.c), for the certificate parser:
 * pushes bn as a Lua BIGNUM, taking ownership. */
struct bignum_st;
void nse_push_bignum(lua_State *L, struct bignum_st *bn);

#endif
