// SPDX-License-Identifier: MIT
// The libssh2 module of NSE (nselib/libssh2.luadoc), which ssh-auth-methods,
// ssh-brute, ssh-publickey-acceptance and ssh-run load through
// libssh2-utility. A session's TCP connection is made by nmap.socket's
// connect, so it fails, is locked and is traced as any script socket.
// libssh2 then runs non-blocking on that socket's descriptor (through the
// I/O callbacks below); whenever it would block (LIBSSH2_ERROR_EAGAIN) the
// calling script thread yields and the NSE event loop waits for the
// direction libssh2 is blocked in, bounded by the session's timeout, so a
// slow or silent server never holds up other scripts.
//
// Results follow nmap 7.93's binding, which reads through nmap.socket: a
// failed connect raises connect's message ("ERROR", "TIMEOUT"), a wait
// that times out raises "TIMEOUT" and the server closing (or resetting)
// the connection while libssh2 needs more raises "EOF"; other failures
// return or raise what nmap's does. Unlike nmap's, set_timeout bounds the
// waits (nmap's sets libssh2's blocking-mode timeout, unused there), a
// closed session is an error (nmap's aborts on an assertion), and so is a
// key blob too short for its algorithm name (nmap's calls it accepted:
// libssh2 refuses it with the code that otherwise means "acceptable").
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libssh2.h>

#include "core/loop.h"
#include "nse/nse_host.h"
#include "nse/nse_libssh2.h"
#include "nse/nse_socket.h"

/* A wait's bound until set_timeout: nmap's binding waits in an
 * nmap.socket receive, whose default timeout this is. */
#define DEFAULT_TIMEOUT_MS NSE_SOCKET_DEFAULT_TIMEOUT_MS
/* read_publickey reads at most this much of a key file */
#define KEYFILE_MAX ((size_t)1 << 20)

/* ---- I/O callbacks: the descriptor is read from the socket each time,
 * so nothing is sent on a number the socket closed and the system reused */

static int sess_fd(const struct ssh_sess *ss)
{
    return ss->sock ? ss->sock->fd : -1;
}

static ssize_t cb_recv(libssh2_socket_t sock, void *buf, size_t len, int flags, void **abstract)
{
    (void)sock;
    struct ssh_sess *ss = *abstract;
    int fd = sess_fd(ss);
    if (fd < 0) return -EBADF;
    ssize_t n;
    do {
        n = recv(fd, buf, len, flags);
    } while (n < 0 && errno == EINTR);
    /* a reset is an end too (the peer closed with our data unread) */
    if ((n == 0 && len > 0) || (n < 0 && errno == ECONNRESET)) ss->peer_eof = true;
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return -EAGAIN;
        return -errno;
    }
    return n;
}

static ssize_t cb_send(libssh2_socket_t sock, const void *buf, size_t len, int flags,
                       void **abstract)
{
    (void)sock;
    struct ssh_sess *ss = *abstract;
    int fd = sess_fd(ss);
    if (fd < 0) return -EBADF;
    ssize_t n;
    do {
        n = send(fd, buf, len, flags | MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return -EAGAIN;
        return -errno;
    }
    return n;
}

/* ---- waiting on the event loop ---- */

/* Stop watching the descriptor and the clock. */
static void wait_stop(struct ssh_sess *ss)
{
    struct loop *loop = ss->ctx->loop;
    if (ss->watching) {
        int fd = sess_fd(ss);
        if (fd >= 0) loop_unwatch(loop, fd);
        ss->watching = false;
    }
    if (ss->timer) loop_timer_cancel(loop, ss->timer);
    ss->timer = NULL;
}

/* Drop the wait and the anchors of its thread and session. */
static void wait_release(struct ssh_sess *ss)
{
    wait_stop(ss);
    lua_State *M = ss->ctx->main_L;
    int tref = ss->thread_ref, sref = ss->self_ref;
    ss->thread = NULL;
    ss->thread_ref = ss->self_ref = LUA_NOREF;
    luaL_unref(M, LUA_REGISTRYINDEX, tref);
    luaL_unref(M, LUA_REGISTRYINDEX, sref);
}

/* The wait is over: its thread runs at the next round. */
static void wait_end(struct ssh_sess *ss, bool timed_out)
{
    lua_State *T = ss->thread;
    if (!T) return;
    ss->timed_out = timed_out;
    wait_stop(ss);
    nse_sock_count_restore(); /* nmap.socket.loop(ms) returns for it */
    nse_restore(T, 0);
    wait_release(ss); /* after the restore: the refs keep T alive for it */
}

static void on_fd(struct loop *loop, int fd, unsigned events, void *arg)
{
    (void)loop;
    (void)fd;
    (void)events;
    wait_end(arg, false);
}

static void on_timer(struct loop *loop, struct loop_timer *timer, void *arg)
{
    (void)loop;
    (void)timer;
    struct ssh_sess *ss = arg;
    ss->timer = NULL;
    wait_end(ss, true);
}

/* The waiting thread's script ended (script timeout, error): drop the
 * wait so nothing restores it later. Called as fn(thread, session). */
static int wait_destructor(lua_State *L)
{
    struct ssh_sess *ss = lua_touserdata(L, 2);
    if (ss && ss->thread) wait_release(ss);
    return 0;
}

/* Suspend L until the descriptor is ready in the direction libssh2 is
 * blocked in, or the session's timeout passes; k then runs with kctx
 * (nonzero). idx: the session's stack index. Must be the return of the C
 * function. wait_io: kctx 1. */
int ssh2_wait_k(lua_State *L, struct ssh_sess *ss, int idx, lua_KFunction k, lua_KContext kctx)
{
    int fd = sess_fd(ss);
    if (fd < 0) {
        lua_pushliteral(L, "ERROR");
        return lua_error(L);
    }
    int dir = libssh2_session_block_directions(ss->s);
    unsigned events = 0;
    if (dir & LIBSSH2_SESSION_BLOCK_INBOUND) events |= LOOP_READABLE;
    if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND) events |= LOOP_WRITABLE;
    if (!events) events = LOOP_READABLE;
    struct loop *loop = ss->ctx->loop;
    if (!loop || loop_watch(loop, fd, events, on_fd, ss) != 0) {
        lua_pushliteral(L, "ERROR");
        return lua_error(L);
    }
    ss->watching = true;
    ss->timed_out = false;
    if (ss->timeout_ms > 0) {
        ss->timer = loop_timer_add(loop, ss->timeout_ms * 1000, 0, on_timer, ss);
        if (!ss->timer) {
            loop_unwatch(loop, fd);
            ss->watching = false;
            return luaL_error(L, "out of memory");
        }
    }
    lua_pushthread(L);
    ss->thread = L;
    ss->thread_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, idx);
    ss->self_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, idx);
    lua_pushcfunction(L, wait_destructor);
    nse_destructor(L, 'a');
    return nse_yield(L, kctx, k);
}

int ssh2_wait_io(lua_State *L, struct ssh_sess *ss, int idx, lua_KFunction k)
{
    return ssh2_wait_k(L, ss, idx, k, 1);
}

/* In a continuation after wait_io: the destructor goes; a timeout raises
 * "TIMEOUT" as nmap's receive would have. */
static void wait_resumed(lua_State *L, struct ssh_sess *ss, int idx)
{
    lua_pushvalue(L, idx);
    nse_destructor(L, 'r');
    if (ss->timed_out) {
        ss->timed_out = false;
        lua_pushliteral(L, "TIMEOUT");
        lua_error(L);
    }
}

/* After a libssh2 call failed with rc (not EAGAIN): when it failed because
 * the server closed the connection while it waited for more, "EOF" is
 * raised, as nmap's binding's receive would have. Other failures are
 * libssh2's: nmap's binding sees them only as a libssh2 result. */
static void raise_socket_failure(lua_State *L, struct ssh_sess *ss, int rc)
{
    bool eof = ss->peer_eof;
    ss->peer_eof = false;
    if (eof && (rc == LIBSSH2_ERROR_SOCKET_DISCONNECT || rc == LIBSSH2_ERROR_SOCKET_RECV ||
                rc == LIBSSH2_ERROR_SOCKET_NONE)) {
        lua_pushliteral(L, "EOF");
        lua_error(L);
    }
}

/* A call's step that failed with rc (< 0, not EAGAIN): raises as
 * raise_socket_failure says, else `what`. Returns only when rc >= 0. */
void ssh2_fail_if(lua_State *L, struct ssh_sess *ss, long rc, const char *what)
{
    if (rc >= 0) return;
    raise_socket_failure(L, ss, (int)rc);
    luaL_error(L, "%s", what);
}

/* ---- argument checks ---- */

static struct ssh_sess *check_sess(lua_State *L, int idx)
{
    struct ssh_sess *ss = luaL_testudata(L, idx, SESSION_MT);
    if (!ss) luaL_typeerror(L, idx, "ssh2");
    if (ss->thread) luaL_error(L, "Invalid reuse of a session from one thread to another.");
    return ss;
}

struct ssh_sess *ssh2_live_sess(lua_State *L, int idx)
{
    struct ssh_sess *ss = check_sess(L, idx);
    if (!ss->s) luaL_error(L, "session is not open");
    return ss;
}

/* The start of each blocking call's continuation on the session at 1:
 * after a wait (resumed), its end; on the first entry, a fresh EOF flag. */
struct ssh_sess *ssh2_enter(lua_State *L, bool resumed)
{
    struct ssh_sess *ss = ssh2_live_sess(L, 1);
    if (resumed)
        wait_resumed(L, ss, 1);
    else
        ss->peer_eof = false;
    return ss;
}

struct ssh_chan *ssh2_check_chan(lua_State *L, int idx)
{
    struct ssh_chan *ch = luaL_testudata(L, idx, CHANNEL_MT);
    if (!ch) luaL_typeerror(L, idx, "channel");
    if (!ch->c || !ch->sess || !ch->sess->s) luaL_error(L, "channel is closed");
    return ch;
}

/* ---- session lifetime ---- */

/* Free the libssh2 session without waiting on the server: the connection
 * is shut first, so closing channels cannot wait for replies. */
static void drop_session(struct ssh_sess *ss)
{
    if (!ss->s) return;
    int fd = sess_fd(ss);
    if (fd >= 0) shutdown(fd, SHUT_RDWR);
    for (int i = 0; i < 8; i++)
        if (libssh2_session_free(ss->s) != LIBSSH2_ERROR_EAGAIN) break;
    ss->s = NULL;
}

/* Close the session's nmap.socket (uservalue 1 of the session at idx). */
static void close_socket(lua_State *L, struct ssh_sess *ss, int idx)
{
    if (!ss->sock) return;
    if (ss->sock->fd >= 0) {
        lua_getiuservalue(L, idx, 1);
        lua_getfield(L, -1, "close");
        lua_insert(L, -2);
        lua_call(L, 1, 0);
    }
}

static int sess_gc(lua_State *L)
{
    struct ssh_sess *ss = lua_touserdata(L, 1);
    if (!ss) return 0;
    if (ss->thread) wait_release(ss);
    drop_session(ss);
    return 0;
}

static int handshake_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    struct ssh_sess *ss = lua_touserdata(L, 3);
    if (kctx) wait_resumed(L, ss, 3);
    int rc = libssh2_session_handshake(ss->s, sess_fd(ss));
    if (rc == LIBSSH2_ERROR_EAGAIN) return ssh2_wait_io(L, ss, 3, handshake_k);
    if (rc != 0) {
        drop_session(ss);
        close_socket(L, ss, 3);
        /* libssh2 reports the end of the stream as its step's failure
         * (banner, key exchange): what was waited for never came */
        raise_socket_failure(L, ss, LIBSSH2_ERROR_SOCKET_DISCONNECT);
        return luaL_error(L, "Unable to complete libssh2 handshake.");
    }
    lua_settop(L, 3);
    return 1;
}

static int connected_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    (void)kctx;
    /* 1 host, 2 port, 3 session, 4 connect's status, 5 its error */
    struct ssh_sess *ss = lua_touserdata(L, 3);
    if (!lua_toboolean(L, 4)) {
        drop_session(ss);
        lua_settop(L, 5);
        return lua_error(L); /* connect's message, as nmap's */
    }
    lua_settop(L, 3);
    lua_getiuservalue(L, 3, 1);
    struct nse_sock *sock = luaL_checkudata(L, -1, NSE_SOCKET_MT);
    lua_pop(L, 1);
    if (sock->fd < 0) return luaL_error(L, "Unable to complete libssh2 handshake.");
    ss->sock = sock;
    return handshake_k(L, LUA_OK, 0);
}

/* session_open(host, port): the session, or an error raised. */
static int l_session_open(lua_State *L)
{
    luaL_checkinteger(L, 2);
    lua_settop(L, 2);
    struct ssh_sess *ss = lua_newuserdatauv(L, sizeof *ss, 1); /* 3 */
    memset(ss, 0, sizeof *ss);
    ss->ctx = nse_ctx(L);
    ss->timeout_ms = DEFAULT_TIMEOUT_MS;
    ss->thread_ref = ss->self_ref = LUA_NOREF;
    luaL_setmetatable(L, SESSION_MT);
    ss->s = libssh2_session_init_ex(NULL, NULL, NULL, ss);
    if (!ss->s) {
        lua_pushboolean(L, 0);
        lua_pushliteral(L, "trying to initiate session");
        return 2;
    }
    libssh2_session_set_blocking(ss->s, 0);
    libssh2_session_callback_set(ss->s, LIBSSH2_CALLBACK_RECV, (void *)cb_recv);
    libssh2_session_callback_set(ss->s, LIBSSH2_CALLBACK_SEND, (void *)cb_send);

    lua_getglobal(L, "nmap");
    lua_getfield(L, -1, "new_socket");
    lua_remove(L, -2);
    lua_call(L, 0, 1);
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, 3, 1);
    lua_getfield(L, -1, "connect"); /* sock connect */
    lua_insert(L, -2);              /* connect sock */
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_callk(L, 3, 2, 0, connected_k);
    return connected_k(L, LUA_OK, 0);
}

static int l_hostkey_hash(lua_State *L)
{
    static const char *const names[] = {"md5", "sha1", NULL};
    static const int types[] = {LIBSSH2_HOSTKEY_HASH_MD5, LIBSSH2_HOSTKEY_HASH_SHA1};
    static const int lens[] = {16, 20};
    int t = luaL_checkoption(L, 2, "sha1", names);
    struct ssh_sess *ss = ssh2_live_sess(L, 1);
    const unsigned char *h = (const unsigned char *)libssh2_hostkey_hash(ss->s, types[t]);
    if (!h) {
        lua_pushboolean(L, 0);
        lua_pushliteral(L, "could not get hostkey hash");
        return 2;
    }
    char out[20 * 3];
    size_t n = 0;
    for (int i = 0; i < lens[t]; i++)
        n += (size_t)snprintf(out + n, sizeof out - n, i ? ":%02X" : "%02X", h[i]);
    lua_pushlstring(L, out, n);
    return 1;
}

static int l_set_timeout(lua_State *L)
{
    lua_Integer ms = luaL_checkinteger(L, 2);
    struct ssh_sess *ss = check_sess(L, 1);
    /* libssh2's 0 is "no timeout"; the script timeout still bounds it */
    if (ms < 0) ms = 0;
    if (ms > INT64_MAX / 1000) ms = INT64_MAX / 1000;
    ss->timeout_ms = ms;
    return 0;
}

/* Push the methods of a comma list as a table (empty names skipped). */
static void push_list(lua_State *L, const char *list)
{
    lua_newtable(L);
    lua_Integer i = 0;
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n > 0) {
            lua_pushlstring(L, p, n);
            lua_rawseti(L, -2, ++i);
        }
        p += n;
        if (*p == ',') p++;
    }
}

static int userauth_list_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    struct ssh_sess *ss = ssh2_enter(L, kctx != 0);
    size_t ulen;
    const char *user = luaL_checklstring(L, 2, &ulen);
    if (ulen > UINT32_MAX) return luaL_argerror(L, 2, "too long");
    char *list = libssh2_userauth_list(ss->s, user, (unsigned)ulen);
    if (list) {
        push_list(L, list);
        return 1;
    }
    if (libssh2_session_last_errno(ss->s) == LIBSSH2_ERROR_EAGAIN)
        return ssh2_wait_io(L, ss, 1, userauth_list_k);
    if (libssh2_userauth_authenticated(ss->s)) {
        lua_pushliteral(L, "none_auth");
        return 1;
    }
    raise_socket_failure(L, ss, libssh2_session_last_errno(ss->s));
    char *msg = NULL;
    libssh2_session_last_error(ss->s, &msg, NULL, 0);
    lua_pushboolean(L, 0);
    lua_pushfstring(L, "userauth_list: %s", msg ? msg : "");
    return 2;
}

static int l_userauth_list(lua_State *L)
{
    lua_settop(L, 2);
    return userauth_list_k(L, LUA_OK, 0);
}

static int userauth_password_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    struct ssh_sess *ss = ssh2_enter(L, kctx != 0);
    size_t ulen, plen;
    const char *user = luaL_checklstring(L, 2, &ulen);
    const char *pass = luaL_checklstring(L, 3, &plen);
    if (ulen > UINT32_MAX || plen > UINT32_MAX) return luaL_error(L, "argument too long");
    int rc = libssh2_userauth_password_ex(ss->s, user, (unsigned)ulen, pass, (unsigned)plen, NULL);
    if (rc == LIBSSH2_ERROR_EAGAIN) return ssh2_wait_io(L, ss, 1, userauth_password_k);
    if (rc != 0) raise_socket_failure(L, ss, rc);
    lua_pushboolean(L, rc == 0);
    return 1;
}

static int l_userauth_password(lua_State *L)
{
    lua_settop(L, 3);
    return userauth_password_k(L, LUA_OK, 0);
}

static int userauth_publickey_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    struct ssh_sess *ss = ssh2_enter(L, kctx != 0);
    size_t ulen;
    const char *user = luaL_checklstring(L, 2, &ulen);
    const char *priv = luaL_checkstring(L, 3);
    const char *pass = lua_isstring(L, 4) ? lua_tostring(L, 4) : NULL;
    const char *pub = lua_isstring(L, 5) ? lua_tostring(L, 5) : NULL;
    if (ulen > UINT32_MAX) return luaL_argerror(L, 2, "too long");
    int rc = libssh2_userauth_publickey_fromfile_ex(ss->s, user, (unsigned)ulen, pub, priv, pass);
    if (rc == LIBSSH2_ERROR_EAGAIN) return ssh2_wait_io(L, ss, 1, userauth_publickey_k);
    if (rc != 0) raise_socket_failure(L, ss, rc);
    lua_pushboolean(L, rc == 0);
    return 1;
}

static int l_userauth_publickey(lua_State *L)
{
    lua_settop(L, 5);
    return userauth_publickey_k(L, LUA_OK, 0);
}

/* The second field of a public key file's first line, base64-decoded
 * (base64.dec, as nmap's): a space, CR or LF ends each field. */
static int l_read_publickey(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    FILE *f = fopen(path, "r");
    if (!f) return luaL_error(L, "Error reading file");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    int c;
    size_t seen = 0;
    while (seen < KEYFILE_MAX && (c = getc(f)) != EOF && c != '\r' && c != '\n' && c != ' ')
        seen++;
    while (seen < KEYFILE_MAX && (c = getc(f)) != EOF && c != '\r' && c != '\n' && c != ' ') {
        luaL_addchar(&b, (char)c);
        seen++;
    }
    fclose(f);
    luaL_pushresult(&b);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "base64");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "dec");
    lua_pushvalue(L, -3);
    lua_call(L, 1, 1);
    return 1;
}

/* Asked to sign, which libssh2 does only once the server said the key is
 * acceptable (SSH_MSG_USERAUTH_PK_OK): refusing ends the attempt there,
 * with LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED, and nothing is signed. */
static int refuse_sign(LIBSSH2_SESSION *session, unsigned char **sig, size_t *sig_len,
                       const unsigned char *data, size_t data_len, void **abstract)
{
    (void)session;
    (void)data;
    (void)data_len;
    (void)abstract;
    *sig = NULL;
    *sig_len = 0;
    return -1;
}

static int publickey_canauth_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    struct ssh_sess *ss = ssh2_enter(L, kctx != 0);
    size_t ulen, klen = 0;
    const char *user = luaL_checklstring(L, 2, &ulen);
    if (!lua_isstring(L, 3)) return luaL_error(L, "Invalid public key");
    const unsigned char *key = (const unsigned char *)lua_tolstring(L, 3, &klen);
    /* The blob starts with its algorithm's name (a uint32 length then the
     * name), which libssh2 takes on trust. */
    if (klen < 4 || ulen > UINT32_MAX || klen > UINT32_MAX ||
        ((uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 | (uint32_t)key[2] << 8 | key[3]) >
            klen - 4)
        return luaL_error(L, "Invalid Publickey");
    int rc = libssh2_userauth_publickey(ss->s, user, key, klen, refuse_sign, NULL);
    if (rc == LIBSSH2_ERROR_EAGAIN) return ssh2_wait_io(L, ss, 1, publickey_canauth_k);
    if (rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED || rc == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    if (rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED) {
        lua_pushboolean(L, 0);
        return 1;
    }
    raise_socket_failure(L, ss, (int)rc);
    return luaL_error(L, "Invalid Publickey");
}

static int l_publickey_canauth(lua_State *L)
{
    lua_settop(L, 3);
    return publickey_canauth_k(L, LUA_OK, 0);
}

static int session_close_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    struct ssh_sess *ss = check_sess(L, 1);
    if (!ss->s) return 0;
    if (kctx) {
        /* a timeout here only ends the goodbye */
        lua_pushvalue(L, 1);
        nse_destructor(L, 'r');
    }
    if (!ss->timed_out) {
        int rc = libssh2_session_disconnect(ss->s, "Normal Shutdown");
        if (rc == LIBSSH2_ERROR_EAGAIN) return ssh2_wait_io(L, ss, 1, session_close_k);
    }
    ss->timed_out = false;
    /* A failed goodbye is not an error: nmap's binding hands it to a
     * socket pair, which always takes it. */
    drop_session(ss);
    close_socket(L, ss, 1);
    return 0;
}

static int l_session_close(lua_State *L)
{
    lua_settop(L, 1);
    return session_close_k(L, LUA_OK, 0);
}

int luaopen_libssh2(lua_State *L)
{
    /* the channel functions come from nse_libssh2_channel.c */
    static const luaL_Reg funcs[] = {
        {"session_open", l_session_open},
        {"hostkey_hash", l_hostkey_hash},
        {"set_timeout", l_set_timeout},
        {"userauth_list", l_userauth_list},
        {"userauth_publickey", l_userauth_publickey},
        {"read_publickey", l_read_publickey},
        {"publickey_canauth", l_publickey_canauth},
        {"userauth_password", l_userauth_password},
        {"session_close", l_session_close},
        {NULL, NULL},
    };
    static bool initialized;
    if (!initialized && libssh2_init(0) != 0) return luaL_error(L, "unable to open libssh2");
    initialized = true;
    /* tostring shows "userdata: 0x...", as nmap's (no __name) */
    luaL_newmetatable(L, SESSION_MT);
    lua_pushcfunction(L, sess_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushnil(L);
    lua_setfield(L, -2, "__name");
    lua_pop(L, 1);
    luaL_newmetatable(L, CHANNEL_MT);
    lua_pushnil(L);
    lua_setfield(L, -2, "__name");
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    luaL_setfuncs(L, nse_libssh2_channel_funcs, 0);
    return 1;
}
