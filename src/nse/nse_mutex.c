// SPDX-License-Identifier: MIT
// nmap.mutex and nmap.condvar (nse-c-api.md §3.4): locks and condition
// variables between script threads, which are coroutines of one Lua state,
// so no OS locking is involved. A thread that must wait yields through
// nse_yield; the thread that frees the lock (or signals) hands the waiter
// to the engine's WAITING_TO_RUNNING. Destructors registered with the
// engine release a lock, or wake condvar waiters, when a thread ends
// without doing so itself (error, timeout), so no script can deadlock
// others by dying.
//
// Each mutex or condvar is a state table shared by its function and its
// destructor: [1..n] the waiting threads, field "owner" the lock holder.
// The same object gives the same function while that function lives
// (a weak-valued cache per kind).
#include "nse/nse_host.h"

#include <stdbool.h>
#include <string.h>

static const char mutex_cache_key = 'm';
static const char condvar_cache_key = 'c';

/* Make thread `co` (a value at index co_idx of L) runnable again: the yielded
 * C call returns no values. Called from the running thread, so the engine's
 * function runs on L itself. */
static void wake(lua_State *L, int co_idx)
{
    co_idx = lua_absindex(L, co_idx);
    lua_getfield(L, LUA_REGISTRYINDEX, "NSE_WAITING_TO_RUNNING");
    if (!lua_isfunction(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    lua_pushvalue(L, co_idx);
    lua_call(L, 1, 0);
}

/* Remove every occurrence of the value at v_idx from the array at t_idx. */
static void array_remove(lua_State *L, int t_idx, int v_idx)
{
    t_idx = lua_absindex(L, t_idx);
    v_idx = lua_absindex(L, v_idx);
    lua_Integer n = (lua_Integer)lua_rawlen(L, t_idx), j = 1;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, t_idx, i);
        if (lua_rawequal(L, -1, v_idx)) {
            lua_pop(L, 1);
            continue;
        }
        lua_rawseti(L, t_idx, j++);
    }
    for (; j <= n; j++) {
        lua_pushnil(L);
        lua_rawseti(L, t_idx, j);
    }
}

/* The function cached for the object at index 1, or a new closure of fn
 * over a new state table. */
static int cached(lua_State *L, const char *cache_key, lua_CFunction fn)
{
    int t = lua_type(L, 1);
    luaL_argcheck(L, t != LUA_TNONE && t != LUA_TNIL && t != LUA_TBOOLEAN && t != LUA_TNUMBER, 1,
                  "object expected"); /* nmap's words: not nil, boolean or number */
    lua_settop(L, 1);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, cache_key) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_createtable(L, 0, 1);
        lua_pushliteral(L, "v");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, cache_key);
    }
    /* stack: obj, cache */
    lua_pushvalue(L, 1);
    if (lua_rawget(L, 2) == LUA_TFUNCTION) return 1;
    lua_pop(L, 1);
    lua_newtable(L); /* the state */
    lua_pushcclosure(L, fn, 1);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -2);
    lua_rawset(L, 2);
    return 1;
}

/* ---- mutex ----------------------------------------------------------------- */

/* Continuation of a "lock" that waited: the lock was handed over. */
static int lock_done(lua_State *L, int status, lua_KContext k)
{
    (void)L;
    (void)status;
    (void)k;
    return 0;
}

/* Hand the mutex of state table `st` to its first waiter, or free it. */
static void mutex_release(lua_State *L, int st)
{
    st = lua_absindex(L, st);
    if (lua_rawgeti(L, st, 1) == LUA_TTHREAD) {
        lua_pushvalue(L, -1);
        lua_setfield(L, st, "owner");
        /* shift the queue */
        lua_Integer n = (lua_Integer)lua_rawlen(L, st);
        for (lua_Integer i = 1; i < n; i++) {
            lua_rawgeti(L, st, i + 1);
            lua_rawseti(L, st, i);
        }
        lua_pushnil(L);
        lua_rawseti(L, st, n);
        wake(L, -1);
        lua_pop(L, 1);
    } else {
        lua_pop(L, 1);
        lua_pushnil(L);
        lua_setfield(L, st, "owner");
    }
}

/* Destructor fn(thread, key=state): the thread ended holding or waiting
 * for the lock. */
static int mutex_destructor(lua_State *L)
{
    int st = lua_upvalueindex(1);
    lua_settop(L, 1);
    lua_getfield(L, st, "owner");
    bool owner = lua_rawequal(L, -1, 1);
    lua_pop(L, 1);
    if (owner)
        mutex_release(L, st);
    else
        array_remove(L, st, 1);
    return 0;
}

/* Outside a run (a script's top level while nse_main loads it) the engine
 * has no threads yet, and nothing to register with. */
static bool engine_running(lua_State *L)
{
    bool yes = lua_getfield(L, LUA_REGISTRYINDEX, "NSE_DESTRUCTOR") == LUA_TFUNCTION;
    lua_pop(L, 1);
    return yes;
}

static void add_destructor(lua_State *L, int st, lua_CFunction fn)
{
    st = lua_absindex(L, st);
    if (!engine_running(L)) return;
    lua_pushvalue(L, st); /* key */
    lua_pushvalue(L, st);
    lua_pushcclosure(L, fn, 1); /* fn */
    nse_destructor(L, 'a');
}

static int mutex_fn(lua_State *L)
{
    static const char *const ops[] = {"lock", "done", "trylock", "running", NULL};
    int st = lua_upvalueindex(1);
    int op = luaL_checkoption(L, 1, NULL, ops);
    lua_settop(L, 1);
    lua_getfield(L, st, "owner"); /* 2 */
    lua_pushthread(L);            /* 3 */
    switch (op) {
    case 0: /* lock */
        add_destructor(L, st, mutex_destructor);
        if (lua_isnil(L, 2)) {
            lua_pushvalue(L, 3);
            lua_setfield(L, st, "owner");
            return 0;
        }
        lua_pushvalue(L, 3);
        lua_rawseti(L, st, (lua_Integer)lua_rawlen(L, st) + 1);
        return nse_yield(L, 0, lock_done);
    case 1: /* done */
        if (!lua_rawequal(L, 2, 3)) return luaL_error(L, "Do not have a lock on this mutex");
        if (engine_running(L)) {
            lua_pushvalue(L, st);
            nse_destructor(L, 'r');
        }
        mutex_release(L, st);
        return 0;
    case 2: /* trylock */
        if (!lua_isnil(L, 2)) {
            lua_pushboolean(L, 0);
            return 1;
        }
        add_destructor(L, st, mutex_destructor);
        lua_pushvalue(L, 3);
        lua_setfield(L, st, "owner");
        lua_pushboolean(L, 1);
        return 1;
    default: /* running */
        lua_pushvalue(L, 2);
        return 1;
    }
}

int nse_mutex(lua_State *L)
{
    return cached(L, &mutex_cache_key, mutex_fn);
}

/* ---- condition variable ------------------------------------------------------ */

/* Wake every waiter of state `st` and empty the queue. */
static void condvar_broadcast(lua_State *L, int st)
{
    st = lua_absindex(L, st);
    lua_Integer n = (lua_Integer)lua_rawlen(L, st);
    /* Take the list first: a woken thread may wait again at once. */
    lua_createtable(L, (int)n, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, st, i);
        lua_rawseti(L, -2, i);
        lua_pushnil(L);
        lua_rawseti(L, st, i);
    }
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        wake(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* Destructor of a thread that used the condvar: wake all, so nobody waits
 * for a signal from a thread that is gone. */
static int condvar_destructor(lua_State *L)
{
    condvar_broadcast(L, lua_upvalueindex(1));
    return 0;
}

static int wait_done(lua_State *L, int status, lua_KContext k)
{
    (void)L;
    (void)status;
    (void)k;
    return 0;
}

static int condvar_fn(lua_State *L)
{
    static const char *const ops[] = {"wait", "signal", "broadcast", NULL};
    int st = lua_upvalueindex(1);
    int op = luaL_checkoption(L, 1, NULL, ops);
    lua_settop(L, 1);
    switch (op) {
    case 0: /* wait */
        lua_pushthread(L);
        lua_rawseti(L, st, (lua_Integer)lua_rawlen(L, st) + 1);
        return nse_yield(L, 0, wait_done);
    case 1: { /* signal: the most recent waiter */
        lua_Integer n = (lua_Integer)lua_rawlen(L, st);
        if (n > 0) {
            lua_rawgeti(L, st, n);
            lua_pushnil(L);
            lua_rawseti(L, st, n);
            wake(L, -1);
        }
        return 0;
    }
    default:
        condvar_broadcast(L, st);
        return 0;
    }
}

int nse_condvar(lua_State *L)
{
    cached(L, &condvar_cache_key, condvar_fn);
    /* Every caller gets the broadcast-on-exit destructor. */
    lua_getupvalue(L, -1, 1);
    add_destructor(L, -1, condvar_destructor);
    lua_pop(L, 1);
    return 1;
}
