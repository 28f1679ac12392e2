// SPDX-License-Identifier: MIT
// The C side of nse_main.lua's thread protocol (nse-c-api.md §1.3). A C
// function that must wait (a socket read, a mutex, a sleep) yields through
// _R.NSE_YIELD so nse_main's patched coroutine.resume carries the yield up
// to the scheduler; the event callback that ends the wait hands the results
// to _R.NSE_WAITING_TO_RUNNING, and the scheduler resumes the thread with
// them. Threads that end early run the destructors registered here.
#include "nse/nse_host.h"

#include "core/log.h"

static const char ctx_key = 'c'; /* its address is the registry key */

void nse_set_ctx(lua_State *L, struct nse_ctx *ctx)
{
    lua_pushlightuserdata(L, ctx);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &ctx_key);
}

struct nse_ctx *nse_ctx(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &ctx_key);
    struct nse_ctx *ctx = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!ctx) luaL_error(L, "NSE context missing");
    return ctx;
}

int nse_yield(lua_State *L, lua_KContext kctx, lua_KFunction k)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "NSE_YIELD");
    lua_pushthread(L);
    lua_call(L, 1, 1); /* the engine's unique yield marker */
    return lua_yieldk(L, 1, kctx, k);
}

/* The waiting thread is suspended, so the call to WAITING_TO_RUNNING runs on
 * the engine's main thread (inside nmap.socket.loop, which the main thread
 * is executing), with the thread and the values moved over. */
void nse_restore(lua_State *L, int n)
{
    lua_State *M = nse_ctx(L)->main_L;
    luaL_checkstack(L, 2, "nse_restore");
    luaL_checkstack(M, n + 3, "nse_restore");
    lua_getfield(M, LUA_REGISTRYINDEX, "NSE_WAITING_TO_RUNNING");
    lua_pushthread(L);
    lua_xmove(L, M, 1);
    if (n > 0) lua_xmove(L, M, n);
    if (lua_pcall(M, n + 1, 0, 0) != LUA_OK)
        fatal("NSE: WAITING_TO_RUNNING failed: %s", lua_tostring(M, -1));
}

void nse_destructor(lua_State *L, char what)
{
    luaL_checkstack(L, 6, "nse_destructor");
    int key = what == 'a' ? lua_gettop(L) - 1 : lua_gettop(L);
    lua_getfield(L, LUA_REGISTRYINDEX, "NSE_DESTRUCTOR");
    lua_pushstring(L, what == 'a' ? "add" : "remove");
    lua_pushthread(L);
    lua_pushvalue(L, key);
    if (what == 'a')
        lua_pushvalue(L, key + 1);
    else
        lua_pushnil(L);
    if (lua_pcall(L, 4, 0, 0) != LUA_OK)
        fatal("NSE: destructor registration failed: %s", lua_tostring(L, -1));
    lua_pop(L, what == 'a' ? 2 : 1);
}

void nse_base(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "NSE_BASE");
    if (lua_isnil(L, -1)) return; /* before nse_main set it: nil */
    lua_call(L, 0, 1);
}

bool nse_selectedbyname(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "NSE_SELECTED_BY_NAME");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return false;
    }
    lua_call(L, 0, 1);
    bool by_name = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return by_name;
}
