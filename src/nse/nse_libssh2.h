// SPDX-License-Identifier: MIT
// What the two halves of NSE's libssh2 module share: the session and
// channel userdata, and the wait and check helpers every blocking call
// uses (nse_libssh2.c: sessions, authentication and the waits;
// nse_libssh2_channel.c: channels). Only these two files include it.
#ifndef CMAP_NSE_NSE_LIBSSH2_H
#define CMAP_NSE_NSE_LIBSSH2_H

#include <stdbool.h>
#include <stdint.h>

#include <libssh2.h>
#include <lauxlib.h>
#include <lua.h>

struct nse_ctx;
struct nse_sock;
struct loop_timer;

#define SESSION_MT "libssh2.session"
#define CHANNEL_MT "libssh2.channel"

struct ssh_sess {
    struct nse_ctx *ctx;
    LIBSSH2_SESSION *s;    /* NULL once closed or failed */
    struct nse_sock *sock; /* the connection (the userdata is our uservalue 1) */
    int64_t timeout_ms;
    bool peer_eof; /* a recv of the current call saw the peer's FIN or RST */

    /* The pending wait: at most one, its thread suspended in it. */
    lua_State *thread;
    int thread_ref, self_ref;
    struct loop_timer *timer;
    bool watching;
    bool timed_out;
};

struct ssh_chan {
    LIBSSH2_CHANNEL *c;    /* owned by the session: libssh2_session_free frees it */
    struct ssh_sess *sess; /* kept alive by our uservalue 1 */
};

/* Suspend L until the descriptor is ready in the direction libssh2 is
 * blocked in, or the session's timeout passes; k then runs with kctx
 * (nonzero). idx: the session's stack index. Must be the return of the C
 * function. ssh2_wait_io: kctx 1. */
int ssh2_wait_k(lua_State *L, struct ssh_sess *ss, int idx, lua_KFunction k, lua_KContext kctx);
int ssh2_wait_io(lua_State *L, struct ssh_sess *ss, int idx, lua_KFunction k);
/* The start of each blocking call's continuation on the session at 1:
 * after a wait (resumed), its end; on the first entry, a fresh EOF flag. */
struct ssh_sess *ssh2_enter(lua_State *L, bool resumed);
/* A call's step that failed with rc (< 0, not EAGAIN) raises: "EOF" when
 * the server closed the connection, else `what`. Returns when rc >= 0. */
void ssh2_fail_if(lua_State *L, struct ssh_sess *ss, long rc, const char *what);
struct ssh_sess *ssh2_live_sess(lua_State *L, int idx);
struct ssh_chan *ssh2_check_chan(lua_State *L, int idx);

/* open_channel .. channel_close, for luaopen_libssh2. */
extern const luaL_Reg nse_libssh2_channel_funcs[];

#endif
