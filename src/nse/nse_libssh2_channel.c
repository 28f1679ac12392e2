// SPDX-License-Identifier: MIT
// libssh2's channels for NSE (libssh2.luadoc: open_channel .. channel_close),
// which ssh-run uses to run a command: each call drives libssh2 on the
// session's socket and waits in the NSE loop as the session calls do
// (nse_libssh2.c).
#include <stdint.h>
#include <string.h>

#include "nse/nse_libssh2.h"

/* channel_read's chunk, as nmap's */
#define READ_CHUNK 2048

static int request_pty_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    /* 1 session, 2 the new channel */
    struct ssh_sess *ss = ssh2_enter(L, kctx != 0);
    struct ssh_chan *ch = lua_touserdata(L, 2);
    int rc = libssh2_channel_request_pty(ch->c, "vanilla");
    if (rc == LIBSSH2_ERROR_EAGAIN) return ssh2_wait_io(L, ss, 1, request_pty_k);
    ssh2_fail_if(L, ss, rc, "Requesting pty");
    lua_settop(L, 2);
    return 1;
}

static int open_channel_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    struct ssh_sess *ss = ssh2_enter(L, kctx != 0);
    struct ssh_chan *ch = lua_touserdata(L, 2);
    ch->c = libssh2_channel_open_session(ss->s);
    if (!ch->c) {
        if (libssh2_session_last_errno(ss->s) == LIBSSH2_ERROR_EAGAIN)
            return ssh2_wait_io(L, ss, 1, open_channel_k);
        ssh2_fail_if(L, ss, libssh2_session_last_errno(ss->s), "Opening channel");
        return luaL_error(L, "Opening channel");
    }
    ch->sess = ss;
    return request_pty_k(L, LUA_OK, 0);
}

/* open_channel(session): a session channel with a pseudo terminal. */
static int l_open_channel(lua_State *L)
{
    ssh2_live_sess(L, 1);
    lua_settop(L, 1);
    struct ssh_chan *ch = lua_newuserdatauv(L, sizeof *ch, 1);
    memset(ch, 0, sizeof *ch);
    luaL_setmetatable(L, CHANNEL_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, 2, 1);
    return open_channel_k(L, LUA_OK, 0);
}

static int channel_read_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    /* kctx: bit 0 resumed after a wait, bit 1 stderr */
    struct ssh_sess *ss = ssh2_enter(L, (kctx & 1) != 0);
    struct ssh_chan *ch = ssh2_check_chan(L, 2);
    char buf[READ_CHUNK];
    int stream = (kctx & 2) ? SSH_EXTENDED_DATA_STDERR : 0;
    ssize_t rc = libssh2_channel_read_ex(ch->c, stream, buf, sizeof buf);
    if (rc == LIBSSH2_ERROR_EAGAIN) return ssh2_wait_k(L, ss, 1, channel_read_k, 1 | (kctx & 2));
    if (rc > 0) {
        lua_pushlstring(L, buf, (size_t)rc);
        return 1;
    }
    ssh2_fail_if(L, ss, rc, "Reading from channel");
    lua_pushnil(L);
    return 1;
}

static int l_channel_read(lua_State *L)
{
    lua_settop(L, 2);
    return channel_read_k(L, LUA_OK, 0);
}

static int l_channel_read_stderr(lua_State *L)
{
    lua_settop(L, 2);
    return channel_read_k(L, LUA_OK, 2);
}

static int channel_write_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    struct ssh_sess *ss = ssh2_enter(L, kctx != 0);
    struct ssh_chan *ch = ssh2_check_chan(L, 2);
    if (!lua_isstring(L, 3)) return luaL_error(L, "Invalid buffer");
    size_t n;
    const char *buf = lua_tolstring(L, 3, &n);
    ssize_t rc = libssh2_channel_write(ch->c, buf, n);
    if (rc == LIBSSH2_ERROR_EAGAIN) return ssh2_wait_io(L, ss, 1, channel_write_k);
    ssh2_fail_if(L, ss, rc, "Writing to channel");
    lua_pushinteger(L, (lua_Integer)rc);
    return 1;
}

static int l_channel_write(lua_State *L)
{
    lua_settop(L, 3);
    return channel_write_k(L, LUA_OK, 0);
}

static int channel_exec_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    struct ssh_sess *ss = ssh2_enter(L, kctx != 0);
    struct ssh_chan *ch = ssh2_check_chan(L, 2);
    size_t n;
    const char *cmd = luaL_checklstring(L, 3, &n);
    if (n > UINT32_MAX) return luaL_argerror(L, 3, "too long");
    int rc = libssh2_channel_process_startup(ch->c, "exec", 4, cmd, (unsigned)n);
    if (rc == LIBSSH2_ERROR_EAGAIN) return ssh2_wait_io(L, ss, 1, channel_exec_k);
    ssh2_fail_if(L, ss, rc, "Error executing command");
    return 0;
}

static int l_channel_exec(lua_State *L)
{
    lua_settop(L, 3);
    return channel_exec_k(L, LUA_OK, 0);
}

static int channel_send_eof_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    struct ssh_sess *ss = ssh2_enter(L, kctx != 0);
    struct ssh_chan *ch = ssh2_check_chan(L, 2);
    int rc = libssh2_channel_send_eof(ch->c);
    if (rc == LIBSSH2_ERROR_EAGAIN) return ssh2_wait_io(L, ss, 1, channel_send_eof_k);
    ssh2_fail_if(L, ss, rc, "Error sending EOF");
    return 0;
}

static int l_channel_send_eof(lua_State *L)
{
    lua_settop(L, 2);
    return channel_send_eof_k(L, LUA_OK, 0);
}

static int l_channel_eof(lua_State *L)
{
    struct ssh_chan *ch = ssh2_check_chan(L, 1);
    int rc = libssh2_channel_eof(ch->c);
    if (rc < 0) return luaL_error(L, "Error checking for EOF");
    lua_pushboolean(L, rc);
    return 1;
}

static int channel_close_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    struct ssh_sess *ss = ssh2_enter(L, kctx != 0);
    struct ssh_chan *ch = ssh2_check_chan(L, 2);
    int rc = libssh2_channel_close(ch->c);
    if (rc == LIBSSH2_ERROR_EAGAIN) return ssh2_wait_io(L, ss, 1, channel_close_k);
    ssh2_fail_if(L, ss, rc, "Error closing channel");
    return 0;
}

static int l_channel_close(lua_State *L)
{
    lua_settop(L, 2);
    return channel_close_k(L, LUA_OK, 0);
}

const luaL_Reg nse_libssh2_channel_funcs[] = {
    {"open_channel", l_open_channel},
    {"channel_read", l_channel_read},
    {"channel_read_stderr", l_channel_read_stderr},
    {"channel_write", l_channel_write},
    {"channel_exec", l_channel_exec},
    {"channel_send_eof", l_channel_send_eof},
    {"channel_eof", l_channel_eof},
    {"channel_close", l_channel_close},
    {NULL, NULL},
};
