// SPDX-License-Identifier: MIT
// The socket lock (nse-c-api.md §3.1): about max(20, --max-parallelism)
// script threads hold open sockets at once (one more, counted as nmap
// 7.93 counts, measured in the lab), so a -sC run against a big
// host group cannot open thousands of connections; the others wait inside
// connect until loop(ms) finds a slot. A thread keeps its slot while it
// has a socket open; a thread that ended gives it up and its sockets are
// closed. State lives in the registry: LOCKS maps a base thread to the
// set of its sockets (weak keys both, so collected threads and sockets
// drop out by themselves), WAITERS lists the threads waiting to connect.
#include "nse/nse_socket.h"

#include "cli/plan.h"

static const char locks_key = 'l';
static const char waiters_key = 'w';

static void push_weak_table(lua_State *L, const void *key)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE) return;
    lua_pop(L, 1);
    lua_newtable(L);
    if (key == &locks_key) {
        lua_newtable(L);
        lua_pushliteral(L, "k");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
    }
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

static int slots(lua_State *L)
{
    const struct plan *p = nse_ctx(L)->plan;
    int max = p ? p->timing.max_parallelism : 0;
    return max > 20 ? max : 20;
}

static int count_entries(lua_State *L, int t)
{
    int n = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        n++;
        lua_pop(L, 1);
    }
    return n;
}

bool nse_sock_lock(lua_State *L, int sock_idx)
{
    sock_idx = lua_absindex(L, sock_idx);
    nse_base(L);
    if (lua_isnil(L, -1)) { /* not inside a script thread: no accounting */
        lua_pop(L, 1);
        return true;
    }
    int base = lua_gettop(L);
    push_weak_table(L, &locks_key);
    int locks = base + 1;
    lua_pushvalue(L, base);
    if (lua_rawget(L, locks) == LUA_TTABLE) { /* already holds a slot */
        lua_pushvalue(L, sock_idx);
        lua_pushboolean(L, 1);
        lua_rawset(L, -3);
        lua_settop(L, base - 1);
        return true;
    }
    lua_pop(L, 1);
    /* nmap admits while the count of holders is <= the limit, so one
     * more than the limit hold sockets at once; the same here. */
    if (count_entries(L, locks) <= slots(L)) {
        lua_newtable(L);
        lua_newtable(L);
        lua_pushliteral(L, "k");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
        lua_pushvalue(L, sock_idx);
        lua_pushboolean(L, 1);
        lua_rawset(L, -3);
        lua_pushvalue(L, base);
        lua_insert(L, -2);
        lua_rawset(L, locks);
        lua_settop(L, base - 1);
        return true;
    }
    /* Queue the calling thread (the one that will yield). */
    push_weak_table(L, &waiters_key);
    lua_pushthread(L);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    lua_settop(L, base - 1);
    return false;
}

void nse_sock_unlock_socket(lua_State *L, int sock_idx)
{
    sock_idx = lua_absindex(L, sock_idx);
    push_weak_table(L, &locks_key);
    int locks = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, locks)) {
        lua_pushvalue(L, sock_idx);
        lua_pushnil(L);
        lua_rawset(L, -3);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* coroutine.status's test: a thread that returned or raised is dead. */
static bool thread_dead(lua_State *co)
{
    lua_Debug ar;
    int st = lua_status(co);
    if (st == LUA_YIELD) return false;
    if (st != LUA_OK) return true;
    if (lua_getstack(co, 0, &ar) > 0) return false; /* running or normal */
    return lua_gettop(co) == 0;
}

void nse_sock_release_stale(lua_State *L)
{
    int top = lua_gettop(L);
    push_weak_table(L, &locks_key);
    int locks = top + 1;
    /* Collect the stale bases first: a table must not change under next. */
    lua_newtable(L);
    int stale = top + 2;
    int n_stale = 0;
    lua_pushnil(L);
    while (lua_next(L, locks)) {
        lua_State *co = lua_tothread(L, -2);
        bool dead = !co || thread_dead(co);
        lua_pushnil(L);
        bool empty = !lua_next(L, -2);
        if (!empty) lua_pop(L, 2);
        if (dead || empty) {
            lua_pushvalue(L, -2);
            lua_rawseti(L, stale, ++n_stale);
        }
        lua_pop(L, 1);
    }
    for (int i = 1; i <= n_stale; i++) {
        lua_rawgeti(L, stale, i);
        lua_pushvalue(L, -1);
        lua_rawget(L, locks);
        lua_State *co = lua_tothread(L, -2);
        if (!co || thread_dead(co)) {
            /* close what the ended thread left open */
            int set = lua_gettop(L);
            lua_pushnil(L);
            while (lua_next(L, set)) {
                struct nse_sock *s = luaL_testudata(L, -2, NSE_SOCKET_MT);
                if (s && s->op == OP_NONE) nse_sock_close_fd(s);
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
        lua_pushnil(L);
        lua_rawset(L, locks);
    }
    /* Wake as many waiters as there are free slots; each retries. */
    int free_slots = slots(L) + 1 - count_entries(L, locks);
    push_weak_table(L, &waiters_key);
    int waiters = lua_gettop(L);
    lua_Integer nw = (lua_Integer)lua_rawlen(L, waiters);
    lua_Integer woken = 0;
    while (woken < nw && free_slots-- > 0) {
        lua_rawgeti(L, waiters, ++woken);
        lua_State *co = lua_tothread(L, -1);
        lua_pop(L, 1);
        if (co && lua_status(co) == LUA_YIELD) {
            nse_sock_count_restore();
            nse_restore(co, 0);
        }
    }
    if (woken > 0) { /* shift the rest down */
        for (lua_Integer i = woken + 1; i <= nw; i++) {
            lua_rawgeti(L, waiters, i);
            lua_rawseti(L, waiters, i - woken);
        }
        for (lua_Integer i = nw - woken + 1; i <= nw; i++) {
            lua_pushnil(L);
            lua_rawseti(L, waiters, i);
        }
    }
    lua_settop(L, top);
}

int nse_sock_waiting(lua_State *L)
{
    push_weak_table(L, &waiters_key);
    int n = (int)lua_rawlen(L, -1);
    lua_pop(L, 1);
    return n;
}
