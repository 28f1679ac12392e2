// SPDX-License-Identifier: MIT
// The nmap.socket module (nse-c-api.md §2.2, §3.1): NSE sockets whose
// methods look blocking to scripts but yield the script thread while the
// event loop (nse_socket_io.c) does the waiting, plus the engine's
// loop(ms) and stdnse.sleep's timer. Return conventions are nmap's: true
// [, data] on success, nil,"TIMEOUT"/"EOF"/"ERROR" on an I/O failure (a
// read that got bytes before failing still succeeds with them), and
// false,msg for bad arguments or names that do not resolve.
#include "nse/nse_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "cli/plan.h"
#include "core/loop.h"

static unsigned long restores; /* threads made runnable by this module */

/* Buffers above this are freed once emptied, so a socket that once read
 * megabytes does not hold them while the script goes on. */
#define BUF_KEEP ((size_t)256 << 10)

static struct nse_sock *check_sock(lua_State *L, int idx)
{
    struct nse_sock *s = luaL_checkudata(L, idx, NSE_SOCKET_MT);
    /* The socket's one operation suspends the thread that started it; any
     * call while it is pending comes from another thread. */
    if (s->op != OP_NONE) luaL_error(L, "Invalid reuse of a socket from one thread to another.");
    return s;
}

static int safe_error(lua_State *L, const char *msg)
{
    lua_pushboolean(L, 0);
    lua_pushstring(L, msg);
    return 2;
}

static int l_new(lua_State *L)
{
    static const char *const protos[] = {"tcp", "udp", NULL};
    static const char *const afs[] = {"inet", "inet6", NULL};
    int proto = luaL_checkoption(L, 1, "tcp", protos);
    int af = luaL_checkoption(L, 2, "inet", afs);
    struct nse_ctx *ctx = nse_ctx(L);
    struct nse_sock *s = lua_newuserdatauv(L, sizeof *s, 0);
    memset(s, 0, sizeof *s);
    s->ctx = ctx;
    s->fd = -1;
    s->udp_default = proto == 1;
    s->type = proto == 1 ? SOCK_DGRAM : SOCK_STREAM;
    s->af = af == 1 ? AF_INET6 : AF_INET;
    s->timeout_ms = NSE_SOCKET_DEFAULT_TIMEOUT_MS;
    s->thread_ref = s->self_ref = s->out_ref = LUA_NOREF;
    luaL_setmetatable(L, NSE_SOCKET_MT);
    return 1;
}

static int l_gc(lua_State *L)
{
    struct nse_sock *s = luaL_checkudata(L, 1, NSE_SOCKET_MT);
    if (s->timer) loop_timer_cancel(s->ctx->loop, s->timer);
    s->timer = NULL;
    if (s->fd >= 0 && !s->pcap) nse_sock_trace(s, ">", "CLOSE");
    nse_sock_trace_iod_delete(s);
    nse_sock_close_fd(s);
    nse_sock_pcap_free(s);
    free(s->buf);
    s->buf = NULL;
    free(s->lbuf);
    s->lbuf = NULL;
    s->lcap = s->llen = 0;
    s->cap = 0;
    return 0;
}

/* ---- connect ---- */

/* The address and SNI of a host argument (table or string). */
static const char *host_arg(lua_State *L, int idx, const char **sni)
{
    *sni = NULL;
    if (lua_istable(L, idx)) {
        lua_getfield(L, idx, "targetname");
        if (lua_type(L, -1) == LUA_TSTRING) *sni = lua_tostring(L, -1);
        lua_getfield(L, idx, "ip");
        const char *ip = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : *sni;
        lua_pop(L, 2); /* both strings stay referenced by the table */
        if (!ip) luaL_argerror(L, idx, "host table has no 'ip' or 'targetname'");
        return ip;
    }
    const char *h = luaL_checkstring(L, idx);
    *sni = h;
    return h;
}

static lua_Integer port_arg(lua_State *L, int idx, const char **proto)
{
    lua_Integer n;
    *proto = NULL;
    if (lua_istable(L, idx)) {
        lua_getfield(L, idx, "number");
        if (!lua_isinteger(L, -1)) luaL_argerror(L, idx, "port table needs an integer 'number'");
        n = lua_tointeger(L, -1);
        lua_getfield(L, idx, "protocol");
        if (lua_type(L, -1) == LUA_TSTRING) *proto = lua_tostring(L, -1);
        lua_pop(L, 2);
    } else {
        n = luaL_checkinteger(L, idx);
    }
    if (n < 0 || n > 65535) luaL_argerror(L, idx, "port out of range");
    return n;
}

static bool is_literal(const char *h)
{
    unsigned char a[16];
    return inet_pton(AF_INET, h, a) == 1 || inet_pton(AF_INET6, h, a) == 1;
}

/* getaddrinfo: numeric first, then a name in nmap's address family. */
static int resolve(const struct nse_sock *s, const char *host, int port, int type,
                   struct sockaddr_storage *ss, socklen_t *len)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = type;
    hints.ai_flags = AI_NUMERICHOST;
    hints.ai_family = AF_UNSPEC;
    char serv[8];
    snprintf(serv, sizeof serv, "%d", port);
    int rc = getaddrinfo(host, serv, &hints, &res);
    if (rc == EAI_NONAME) {
        hints.ai_flags = 0;
        hints.ai_family = s->ctx->plan ? s->ctx->plan->address_family : AF_INET;
        if (hints.ai_family != AF_INET6) hints.ai_family = AF_INET;
        rc = getaddrinfo(host, serv, &hints, &res);
    }
    if (rc != 0) return rc;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

static int connect_k(lua_State *L, int status, lua_KContext kctx);

static int connect_done_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    (void)kctx;
    struct nse_sock *s = luaL_checkudata(L, 1, NSE_SOCKET_MT);
    if (s->st != NS_OK) {
        /* The socket stays open (unconnected) until close or collection,
         * as nmap's iod does: close() then succeeds and is traced. */
        s->connected = false;
        if (s->ssl) {
            SSL_free(s->ssl);
            s->ssl = NULL;
            ERR_clear_error();
        }
        return nse_sock_push_status(L, s->st);
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int connect_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    (void)kctx;
    lua_settop(L, 4);
    struct nse_sock *s = check_sock(L, 1);
    const char *sni, *pproto;
    const char *host = host_arg(L, 2, &sni);
    lua_Integer port = port_arg(L, 3, &pproto);
    static const char *const methods[] = {"tcp", "udp", "ssl", NULL};
    int how = luaL_checkoption(L, 4, pproto ? pproto : (s->udp_default ? "udp" : "tcp"), methods);
    bool ssl = how == 2;
    int type = how == 1 ? SOCK_DGRAM : SOCK_STREAM;

    if (!nse_sock_lock(L, 1)) return nse_yield(L, 0, connect_k); /* wait for a slot */

    struct sockaddr_storage ss;
    socklen_t sslen;
    int rc = resolve(s, host, (int)port, type, &ss, &sslen);
    if (rc != 0) return safe_error(L, gai_strerror(rc));

    nse_sock_trace_iod_delete(s);
    nse_sock_close_fd(s); /* reconnecting drops the old connection */
    nse_sock_trace_iod_new(s);
    s->type = type;
    s->ssl_after_connect = ssl;
    s->sni[0] = 0;
    if (ssl && sni && !is_literal(sni) && strlen(sni) < sizeof s->sni)
        memcpy(s->sni, sni, strlen(sni) + 1);
    s->fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0) return safe_error(L, "Nsock connect failed immediately");
    memcpy(&s->peer, &ss, sslen);
    s->peer_len = sslen;
    if (s->bound) {
        /* nsock binds inside its connect: a failure is the connect's */
        int one = 1;
        setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (s->bind_ss.ss_family != ss.ss_family ||
            bind(s->fd, (struct sockaddr *)&s->bind_ss, s->bind_len) != 0) {
            nse_sock_close_fd(s);
            return nse_sock_push_status(L, NS_ERROR);
        }
    }
    bool now = connect(s->fd, (struct sockaddr *)&ss, sslen) == 0;
    int connect_errno = errno;
    nse_sock_trace_local(s);
    nse_sock_trace_request(s, ssl ? TK_CONNECT_SSL : type == SOCK_DGRAM ? TK_CONNECT_UDP : TK_CONNECT_TCP, 0);
    if (!now && connect_errno != EINPROGRESS) {
        s->st = NS_ERROR;
        s->err = connect_errno;
        nse_sock_trace_done(s);
        return connect_done_k(L, LUA_OK, 0);
    }
    if (nse_sock_start(L, s, OP_CONNECT, now)) return nse_yield(L, 0, connect_done_k);
    return connect_done_k(L, LUA_OK, 0);
}

static int l_connect(lua_State *L)
{
    check_sock(L, 1);
    return connect_k(L, LUA_OK, 0);
}

static int reconnect_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    (void)kctx;
    struct nse_sock *s = luaL_checkudata(L, 1, NSE_SOCKET_MT);
    if (s->st != NS_OK) {
        SSL_free(s->ssl);
        s->ssl = NULL;
        return nse_sock_push_status(L, s->st);
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* STARTTLS: the handshake on the connected stream; what was buffered is
 * dropped, as nmap's. */
static int l_reconnect_ssl(lua_State *L)
{
    struct nse_sock *s = check_sock(L, 1);
    lua_settop(L, 1);
    if (s->fd < 0) return luaL_error(L, "socket must be connected");
    if (!s->connected || s->type != SOCK_STREAM) return safe_error(L, "socket must be a connected stream");
    if (s->ssl) return safe_error(L, "socket is already SSL");
    s->len = 0;
    s->llen = 0;
    s->ssl_after_connect = true;
    SSL_CTX *ctx = nse_sock_ssl_ctx();
    s->ssl = ctx ? SSL_new(ctx) : NULL;
    if (!s->ssl || !SSL_set_fd(s->ssl, s->fd) ||
        (s->sni[0] && !SSL_set_tlsext_host_name(s->ssl, s->sni))) {
        SSL_free(s->ssl);
        s->ssl = NULL;
        return safe_error(L, "SSL setup failed");
    }
    SSL_set_connect_state(s->ssl);
    nse_sock_trace_request(s, TK_RECONNECT_SSL, 0);
    if (nse_sock_start(L, s, OP_HANDSHAKE, true)) return nse_yield(L, 0, reconnect_k);
    return reconnect_k(L, LUA_OK, 0);
}

/* ---- send ---- */

static int send_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    (void)kctx;
    struct nse_sock *s = luaL_checkudata(L, 1, NSE_SOCKET_MT);
    return nse_sock_push_status(L, s->st);
}

static int l_send(lua_State *L)
{
    struct nse_sock *s = check_sock(L, 1);
    size_t n;
    const char *data = luaL_checklstring(L, 2, &n);
    lua_settop(L, 2);
    if (s->fd < 0) return luaL_error(L, "socket must be connected");
    nse_sock_trace_data(s, ">", data, n);
    s->out = data;
    s->out_len = n;
    s->out_off = 0;
    lua_pushvalue(L, 2);
    s->out_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    nse_sock_trace_request(s, TK_WRITE, n);
    if (nse_sock_start(L, s, OP_SEND, true)) return nse_yield(L, 0, send_k);
    return send_k(L, LUA_OK, 0);
}

static int l_sendto(lua_State *L)
{
    struct nse_sock *s = check_sock(L, 1);
    const char *sni, *pproto;
    const char *host = host_arg(L, 2, &sni);
    lua_Integer port = port_arg(L, 3, &pproto);
    size_t n;
    const char *data = luaL_checklstring(L, 4, &n);
    struct sockaddr_storage ss;
    socklen_t sslen;
    int rc = resolve(s, host, (int)port, s->type, &ss, &sslen);
    if (rc != 0) return safe_error(L, gai_strerror(rc));
    if (s->fd < 0) {
        s->fd = socket(ss.ss_family, s->type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s->fd < 0) return safe_error(L, strerror(errno));
        nse_sock_trace_iod_new(s);
        nse_sock_trace_setup_udp(s);
        if (s->bound && s->bind_ss.ss_family == ss.ss_family &&
            bind(s->fd, (struct sockaddr *)&s->bind_ss, s->bind_len) != 0) {
            int e = errno;
            nse_sock_close_fd(s);
            return safe_error(L, strerror(e));
        }
    }
    memcpy(&s->peer, &ss, sslen);
    s->peer_len = sslen;
    nse_sock_trace_request(s, TK_SENDTO, n);
    nse_sock_trace_data(s, ">", data, n);
    /* A datagram goes out whole or not at all; the socket buffer is
     * practically never full for UDP, so no waiting here. */
    s->len_at_start = s->len;
    s->st = NS_OK;
    s->err = 0;
    if (sendto(s->fd, data, n, MSG_NOSIGNAL | MSG_DONTWAIT, (struct sockaddr *)&ss, sslen) < 0) {
        s->st = NS_ERROR;
        s->err = errno;
    }
    nse_sock_trace_done(s);
    return nse_sock_push_status(L, s->st);
}

/* ---- receive ---- */

static int recv_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    (void)kctx;
    struct nse_sock *s = luaL_checkudata(L, 1, NSE_SOCKET_MT);
    if (s->st != NS_OK && s->len == 0) return nse_sock_push_status(L, s->st);
    lua_pushboolean(L, 1);
    lua_pushlstring(L, s->buf ? s->buf : "", s->len);
    s->len = 0;
    if (s->cap > BUF_KEEP) { /* a big read's buffer is not kept for the next */
        free(s->buf);
        s->buf = NULL;
        s->cap = 0;
    }
    return 2;
}

static int receive_common(lua_State *L, enum nse_read_until until, size_t want)
{
    struct nse_sock *s = check_sock(L, 1);
    lua_settop(L, 1);
    if (s->fd < 0) return luaL_error(L, "socket must be connected");
    /* Each receive reads afresh (s->buf is emptied by every return). */
    s->len = 0;
    s->until = until;
    s->want = want;
    s->len_at_start = s->len;
    s->deadline_us = 0;
    nse_sock_trace_request(s, until == RU_BYTES ? TK_READBYTES : until == RU_LINES ? TK_READLINES : TK_READ,
                           want);
    if (s->eof) {
        s->st = NS_EOF;
        nse_sock_trace_done(s);
        return recv_k(L, LUA_OK, 0);
    }
    if (nse_sock_start(L, s, OP_READ, true)) return nse_yield(L, 0, recv_k);
    return recv_k(L, LUA_OK, 0);
}

static int l_receive(lua_State *L)
{
    return receive_common(L, RU_ANY, 0);
}

static size_t count_arg(lua_State *L, int idx)
{
    lua_Integer n = luaL_checkinteger(L, idx);
    return n < 0 ? 0 : (size_t)n;
}

static int l_receive_lines(lua_State *L)
{
    return receive_common(L, RU_LINES, count_arg(L, 2));
}

static int l_receive_bytes(lua_State *L)
{
    return receive_common(L, RU_BYTES, count_arg(L, 2));
}

/* receive_buf keeps its own buffer, apart from what receive,
 * receive_bytes and receive_lines return: as in nmap, those read only
 * what arrives next and never see receive_buf's leftovers. */
static bool lbuf_take(struct nse_sock *s)
{
    if (s->len == 0) return true;
    if (s->lcap - s->llen < s->len) {
        size_t cap = s->lcap ? s->lcap : 4096;
        while (cap - s->llen < s->len) cap *= 2;
        char *b = realloc(s->lbuf, cap);
        if (!b) return false;
        s->lbuf = b;
        s->lcap = cap;
    }
    memcpy(s->lbuf + s->llen, s->buf, s->len);
    s->llen += s->len;
    s->len = 0;
    return true;
}

/* The delimiter is looked for in this thread (a pattern via string.find,
 * or the script's function), between waits for more data; one deadline
 * covers all the waits. */
static int recvbuf_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    lua_settop(L, 3);
    struct nse_sock *s = luaL_checkudata(L, 1, NSE_SOCKET_MT);
    if (kctx == 1) {
        if (s->st != NS_OK && s->len == 0) {
            s->deadline_us = 0;
            return nse_sock_push_status(L, s->st);
        }
        if (!lbuf_take(s)) return luaL_error(L, "out of memory");
    }
    for (;;) {
        /* the delimiter is tried even on an empty buffer, as nmap does */
        if (lua_isfunction(L, 2)) {
            lua_pushvalue(L, 2);
            lua_pushlstring(L, s->lbuf, s->llen);
            lua_call(L, 1, 2);
        } else {
            lua_getglobal(L, "string");
            lua_getfield(L, -1, "find");
            lua_remove(L, -2);
            lua_pushlstring(L, s->lbuf, s->llen);
            lua_pushvalue(L, 2);
            lua_call(L, 2, 2);
        }
        int isnum_l, isnum_r;
        lua_Number l = lua_tonumberx(L, -2, &isnum_l);
        lua_Number r = lua_tonumberx(L, -1, &isnum_r);
        lua_pop(L, 2);
        if (isnum_l && isnum_r) {
            if (l > r || r > (lua_Number)s->llen) return luaL_error(L, "invalid indices for match");
            size_t end = r < 0 ? 0 : (size_t)r;
            size_t take = lua_toboolean(L, 3) ? end : (l - 1 < 0 ? 0 : (size_t)(l - 1));
            lua_pushboolean(L, 1);
            lua_pushlstring(L, s->lbuf, take);
            if (end > 0 && s->llen > end) memmove(s->lbuf, s->lbuf + end, s->llen - end);
            s->llen -= end;
            if (s->llen == 0 && s->lcap > BUF_KEEP) {
                free(s->lbuf);
                s->lbuf = NULL;
                s->lcap = 0;
            }
            s->deadline_us = 0;
            return 2;
        }
        if (s->llen >= NSE_SOCKET_BUF_MAX) { /* no delimiter in all it may hold */
            s->deadline_us = 0;
            return nse_sock_push_status(L, NS_ERROR);
        }
        if (s->fd < 0) return luaL_error(L, "socket must be connected");
        if (s->eof) {
            s->deadline_us = 0;
            return nse_sock_push_status(L, NS_EOF);
        }
        if (s->deadline_us == 0 && s->timeout_ms >= 0)
            s->deadline_us = loop_refresh_now(s->ctx->loop) + s->timeout_ms * 1000;
        s->until = RU_ANY;
        s->len = 0;
        s->len_at_start = 0;
        nse_sock_trace_request(s, TK_READ, 0);
        if (nse_sock_start(L, s, OP_READ, true)) return nse_yield(L, 1, recvbuf_k);
        if (s->st != NS_OK && s->len == 0) {
            s->deadline_us = 0;
            return nse_sock_push_status(L, s->st);
        }
        if (!lbuf_take(s)) return luaL_error(L, "out of memory");
    }
}

static int l_receive_buf(lua_State *L)
{
    struct nse_sock *s = check_sock(L, 1);
    int t = lua_type(L, 2);
    if (t != LUA_TFUNCTION && t != LUA_TSTRING) luaL_typeerror(L, 2, "function/string");
    luaL_checktype(L, 3, LUA_TBOOLEAN);
    lua_settop(L, 3);
    if (s->fd < 0) return luaL_error(L, "socket must be connected");
    s->deadline_us = 0;
    return recvbuf_k(L, LUA_OK, 0);
}

/* ---- the rest ---- */

static int l_close(lua_State *L)
{
    struct nse_sock *s = check_sock(L, 1);
    if (s->fd < 0 && !s->pcap) return safe_error(L, "socket already closed");
    if (!s->pcap) nse_sock_trace(s, ">", "CLOSE");
    nse_sock_trace_iod_delete(s);
    nse_sock_close_fd(s);
    nse_sock_pcap_free(s);
    nse_sock_unlock_socket(L, 1);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_set_timeout(lua_State *L)
{
    struct nse_sock *s = check_sock(L, 1);
    lua_Number t = floor(luaL_checknumber(L, 2));
    if (t < -1) return luaL_error(L, "Negative timeout: %f", (double)t);
    s->timeout_ms = t > 1e12 ? (int64_t)1e12 : (int64_t)t;
    lua_pushboolean(L, 1);
    return 1;
}

static void push_addr(lua_State *L, const struct sockaddr_storage *ss, int *port)
{
    char buf[INET6_ADDRSTRLEN] = "0.0.0.0";
    *port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const void *)ss;
        inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
        *port = ntohs(in->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const void *)ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
        *port = ntohs(in6->sin6_port);
    }
    lua_pushstring(L, buf);
}

static int l_get_info(lua_State *L)
{
    struct nse_sock *s = check_sock(L, 1);
    if (s->fd < 0) return luaL_error(L, "socket must be connected");
    struct sockaddr_storage local = {0}, remote = {0};
    socklen_t ll = sizeof local, rl = sizeof remote;
    getsockname(s->fd, (struct sockaddr *)&local, &ll);
    if (getpeername(s->fd, (struct sockaddr *)&remote, &rl) != 0) memcpy(&remote, &s->peer, sizeof remote);
    int lp, rp;
    lua_pushboolean(L, 1);
    push_addr(L, &local, &lp);
    lua_pushinteger(L, lp);
    push_addr(L, &remote, &rp);
    lua_pushinteger(L, rp);
    return 5;
}

static int l_bind(lua_State *L)
{
    struct nse_sock *s = check_sock(L, 1);
    const char *addr = luaL_optstring(L, 2, NULL);
    lua_Integer port = luaL_checkinteger(L, 3);
    if (port < 0 || port > 65535) return luaL_argerror(L, 3, "port out of range");
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    hints.ai_family = addr ? AF_UNSPEC : s->af;
    hints.ai_socktype = s->type;
    char serv[8];
    snprintf(serv, sizeof serv, "%d", (int)port);
    int rc = getaddrinfo(addr, serv, &hints, &res);
    if (rc != 0) {
        lua_pushboolean(L, 0);
        lua_pushfstring(L, "getaddrinfo: %s", gai_strerror(rc));
        return 2;
    }
    memcpy(&s->bind_ss, res->ai_addr, res->ai_addrlen);
    s->bind_len = res->ai_addrlen;
    s->bound = true;
    freeaddrinfo(res);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_get_ssl_certificate(lua_State *L)
{
    struct nse_sock *s = check_sock(L, 1);
    if (!s->ssl) return luaL_argerror(L, 1, "not a SSL socket");
    X509 *x = SSL_get1_peer_certificate(s->ssl);
    if (!x) {
        lua_pushnil(L);
        return 1;
    }
    nse_push_ssl_cert(L, x);
    return 1;
}

/* ---- module functions ---- */

/* stdnse.sleep: a timer that restores the thread; the thread's destructor
 * cancels it if the thread ends first (script timeout). */
struct sleeper {
    struct nse_ctx *ctx;
    struct loop_timer *timer;
    lua_State *thread;
    int thread_ref, self_ref;
    unsigned long eid; /* --script-trace's timer event */
};

static void sleeper_release(struct sleeper *z)
{
    lua_State *M = z->ctx->main_L;
    int tref = z->thread_ref, sref = z->self_ref;
    z->thread_ref = z->self_ref = LUA_NOREF;
    z->thread = NULL;
    luaL_unref(M, LUA_REGISTRYINDEX, tref);
    luaL_unref(M, LUA_REGISTRYINDEX, sref);
}

static void sleep_fire(struct loop *loop, struct loop_timer *timer, void *arg)
{
    (void)loop;
    (void)timer;
    struct sleeper *z = arg;
    z->timer = NULL;
    if (!z->thread) return;
    nse_sock_trace_timer_done(z->ctx, z->eid);
    restores++;
    nse_restore(z->thread, 0);
    sleeper_release(z);
}

/* Run when the thread ends, also long after the timer fired: nmap keeps
 * the destructor after the sleep and its trace shows the cancel then. */
static int sleep_destructor(lua_State *L)
{
    struct sleeper *z = lua_touserdata(L, 2);
    if (z) nse_sock_trace_timer_cancel(z->ctx, z->eid);
    if (z && z->timer) {
        loop_timer_cancel(z->ctx->loop, z->timer);
        z->timer = NULL;
        sleeper_release(z);
    }
    return 0;
}

/* A sleeper collected with its timer pending (the state is closing, or the
 * thread was dropped) takes the timer with it. */
static int sleeper_gc(lua_State *L)
{
    struct sleeper *z = lua_touserdata(L, 1);
    if (z && z->timer) {
        loop_timer_cancel(z->ctx->loop, z->timer);
        z->timer = NULL;
    }
    return 0;
}

static int sleep_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)L;
    (void)status;
    (void)kctx;
    return 0; /* the destructor stays until the thread ends, as nmap's */
}

static int l_sleep(lua_State *L)
{
    lua_Number secs = luaL_checknumber(L, 1);
    if (secs < 0 || secs != secs) return luaL_error(L, "argument to sleep (%f) must not be negative", (double)secs);
    if (secs > 1e7) secs = 1e7;
    struct nse_ctx *ctx = nse_ctx(L);
    lua_settop(L, 1);
    struct sleeper *z = lua_newuserdatauv(L, sizeof *z, 0);
    memset(z, 0, sizeof *z);
    z->ctx = ctx;
    z->thread_ref = z->self_ref = LUA_NOREF;
    if (luaL_newmetatable(L, "nse.sleeper")) {
        lua_pushcfunction(L, sleeper_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    z->eid = nse_sock_trace_timer(ctx, secs);
    z->timer = loop_timer_add(ctx->loop, (int64_t)(secs * 1e6), 0, sleep_fire, z);
    if (!z->timer) return luaL_error(L, "out of memory");
    lua_pushthread(L);
    z->thread = L;
    z->thread_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, 2);
    z->self_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, 2);
    lua_pushcfunction(L, sleep_destructor);
    nse_destructor(L, 'a');
    return nse_yield(L, 0, sleep_k);
}

void nse_sock_count_restore(void)
{
    restores++;
}

/* The engine's turn of the event loop: free the socket slots of threads
 * done with them, then wait for events up to ms, returning as soon as a
 * thread was made runnable or nothing is left to wait for. */
static int l_loop(lua_State *L)
{
    lua_Number ms = luaL_checknumber(L, 1);
    struct nse_ctx *ctx = nse_ctx(L);
    unsigned long before = restores;
    nse_sock_release_stale(L);
    struct loop *lp = ctx->loop;
    if (!lp) return 0;
    int64_t end = loop_refresh_now(lp) + (int64_t)(ms > 0 ? ms * 1000 : 0);
    while (restores == before) {
        if (loop_watch_count(lp) == 0 && loop_timer_count(lp) == 0) break;
        int64_t left = end - loop_refresh_now(lp);
        if (left < 0) left = 0;
        if (loop_run_once(lp, left) < 0) break;
        if (loop_refresh_now(lp) >= end) break;
    }
    return 0;
}

static int l_get_stats(lua_State *L)
{
    lua_newtable(L);
    lua_pushinteger(L, nse_sock_waiting(L));
    lua_setfield(L, -2, "connect_waiting");
    return 1;
}

int luaopen_nse_socket(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"connect", l_connect},
        {"send", l_send},
        {"sendto", l_sendto},
        {"receive", l_receive},
        {"receive_lines", l_receive_lines},
        {"receive_bytes", l_receive_bytes},
        {"receive_buf", l_receive_buf},
        {"close", l_close},
        {"set_timeout", l_set_timeout},
        {"get_info", l_get_info},
        {"bind", l_bind},
        {"reconnect_ssl", l_reconnect_ssl},
        {"get_ssl_certificate", l_get_ssl_certificate},
        {NULL, NULL},
    };
    static const luaL_Reg funcs[] = {
        {"new", l_new},
        {"loop", l_loop},
        {"sleep", l_sleep},
        {"parse_ssl_certificate", nse_parse_ssl_certificate},
        {"get_stats", l_get_stats},
        {NULL, NULL},
    };
    luaL_newmetatable(L, NSE_SOCKET_MT);
    luaL_newlib(L, methods);
    nse_sock_pcap_methods(L);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushnil(L); /* tostring shows "userdata: 0x...", as nmap's */
    lua_setfield(L, -2, "__name");
    lua_pushliteral(L, "nsock");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    return 1;
}
