// SPDX-License-Identifier: MIT
// The event-loop side of nmap.socket: a socket's one pending operation
// (connect, TLS handshake, send, read) driven by fd readiness on the NSE
// context's loop, bounded by a timer for the socket's timeout. Each step
// does what it can without blocking; when the operation is over its status
// is recorded and the waiting script thread is restored (nse_restore), and
// the method's continuation builds the return values in that thread.
#include "nse/nse_socket.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "core/loop.h"
#include "service/tls.h"

/* Version detection's client context (service/tls.c): every protocol
 * version and cipher the library has, nothing verified; scripts want to
 * talk to the service and read its certificate, not to trust it. */
SSL_CTX *nse_sock_ssl_ctx(void)
{
    return tls_client_ctx();
}

int nse_sock_push_status(lua_State *L, enum nse_sock_status st)
{
    static const char *const names[] = {"SUCCESS", "TIMEOUT", "EOF", "ERROR", "CANCELLED"};
    if (st == NS_OK) {
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushnil(L);
    lua_pushstring(L, names[st]);
    return 2;
}

void nse_sock_close_fd(struct nse_sock *s)
{
    if (s->pcap) nse_sock_pcap_free(s); /* its descriptor is pcap's */
    if (s->ssl) {
        SSL_free(s->ssl);
        s->ssl = NULL;
        ERR_clear_error();
    }
    if (s->fd >= 0) {
        if (s->watching) loop_forget(s->ctx->loop, s->fd);
        s->watching = 0;
        close(s->fd);
        s->fd = -1;
    }
    s->connected = false;
    s->eof = false;
    s->len = 0;
    s->llen = 0;
}

static void on_fd(struct loop *loop, int fd, unsigned events, void *arg);

static void set_interest(struct nse_sock *s, unsigned events)
{
    if (s->watching == events) return;
    if (events == 0) {
        loop_unwatch(s->ctx->loop, s->fd);
    } else if (loop_watch(s->ctx->loop, s->fd, events, on_fd, s) != 0) {
        events = 0;
    }
    s->watching = events;
}

/* Space for one more read; false at the cap. */
static bool buf_reserve(struct nse_sock *s, size_t more)
{
    if (s->len >= NSE_SOCKET_BUF_MAX) return false;
    if (s->len + more > NSE_SOCKET_BUF_MAX) more = NSE_SOCKET_BUF_MAX - s->len;
    if (s->cap - s->len >= more) return true;
    size_t cap = s->cap ? s->cap : 4096;
    while (cap - s->len < more) cap *= 2;
    char *b = realloc(s->buf, cap);
    if (!b) return false;
    s->buf = b;
    s->cap = cap;
    return true;
}

static size_t count_lines(const char *p, size_t n)
{
    size_t lines = 0;
    const char *end = p + n;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        lines++;
        p++;
    }
    return lines;
}

static bool read_satisfied(const struct nse_sock *s)
{
    if (s->len >= NSE_SOCKET_BUF_MAX) return true;
    switch (s->until) {
    case RU_ANY:
        return s->len > s->len_at_start;
    case RU_BYTES:
        return s->len >= s->want && s->len > s->len_at_start;
    case RU_LINES:
        return s->len > s->len_at_start && count_lines(s->buf, s->len) >= s->want;
    }
    return true;
}

/* Outcome of a step: the op is over (status in s->st) or must wait for
 * the events in *want. */
enum step { STEP_DONE, STEP_WAIT };

static enum step done(struct nse_sock *s, enum nse_sock_status st, int err)
{
    s->st = st;
    s->err = err;
    return STEP_DONE;
}

static enum step ssl_failure(struct nse_sock *s, int ret, unsigned *want, bool reading)
{
    int saved = errno;
    int e = SSL_get_error(s->ssl, ret);
    ERR_clear_error();
    switch (e) {
    case SSL_ERROR_WANT_READ:
        *want = LOOP_READABLE;
        return STEP_WAIT;
    case SSL_ERROR_WANT_WRITE:
        *want = LOOP_WRITABLE;
        return STEP_WAIT;
    case SSL_ERROR_ZERO_RETURN:
        return done(s, reading ? NS_EOF : NS_ERROR, 0);
    case SSL_ERROR_SYSCALL:
        if (saved == EAGAIN || saved == EWOULDBLOCK || saved == EINTR) {
            *want = SSL_want_write(s->ssl) ? LOOP_WRITABLE : LOOP_READABLE;
            return STEP_WAIT;
        }
        if (reading && (saved == 0 || saved == ECONNRESET)) return done(s, NS_EOF, 0);
        return done(s, NS_ERROR, saved ? saved : EIO);
    default:
        return done(s, NS_ERROR, EIO);
    }
}

static enum step step_handshake(struct nse_sock *s, unsigned *want)
{
    ERR_clear_error();
    errno = 0;
    int ret = SSL_do_handshake(s->ssl);
    if (ret == 1) {
        s->connected = true;
        return done(s, NS_OK, 0);
    }
    return ssl_failure(s, ret, want, false);
}

static enum step step_connect(struct nse_sock *s, unsigned *want)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err == EINPROGRESS || err == EALREADY) {
        *want = LOOP_WRITABLE;
        return STEP_WAIT;
    }
    if (err) return done(s, NS_ERROR, err);
    if (!s->ssl_after_connect) {
        s->connected = true;
        return done(s, NS_OK, 0);
    }
    SSL_CTX *ctx = nse_sock_ssl_ctx();
    s->ssl = ctx ? SSL_new(ctx) : NULL;
    if (!s->ssl || !SSL_set_fd(s->ssl, s->fd) ||
        (s->sni[0] && !SSL_set_tlsext_host_name(s->ssl, s->sni))) {
        ERR_clear_error();
        return done(s, NS_ERROR, EIO);
    }
    SSL_set_connect_state(s->ssl);
    s->op = OP_HANDSHAKE;
    return step_handshake(s, want);
}

static enum step step_send(struct nse_sock *s, unsigned *want)
{
    while (s->out_off < s->out_len) {
        const char *p = s->out + s->out_off;
        size_t n = s->out_len - s->out_off;
        if (s->ssl) {
            size_t w = 0;
            ERR_clear_error();
            errno = 0;
            if (SSL_write_ex(s->ssl, p, n, &w) != 1) return ssl_failure(s, 0, want, false);
            s->out_off += w;
            continue;
        }
        ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                *want = LOOP_WRITABLE;
                return STEP_WAIT;
            }
            return done(s, NS_ERROR, errno);
        }
        s->out_off += (size_t)w;
    }
    return done(s, NS_OK, 0);
}

/* Reads what is there (for UDP one datagram), at most 1 MiB per turn so
 * one fast peer cannot starve the others, then judges the condition: what
 * arrived in one readiness event is returned together, as nsock does. */
static enum step step_read(struct nse_sock *s, unsigned *want)
{
    size_t turn = 0;
    unsigned ssl_want = 0;
    size_t chunk = s->type == SOCK_DGRAM ? 65536 : 16384;
    while (turn < ((size_t)1 << 20) && s->len < NSE_SOCKET_BUF_MAX) {
        if (!buf_reserve(s, chunk)) return done(s, NS_ERROR, ENOMEM);
        size_t room = s->cap - s->len;
        if (room > chunk) room = chunk;
        size_t got = 0;
        if (s->ssl) {
            ERR_clear_error();
            errno = 0;
            if (SSL_read_ex(s->ssl, s->buf + s->len, room, &got) != 1) {
                enum step r = ssl_failure(s, 0, &ssl_want, true);
                if (r == STEP_WAIT) break;
                if (s->st == NS_EOF) s->eof = true;
                /* A read that fails after some bytes still returns them. */
                if (s->len > s->len_at_start) return done(s, NS_OK, 0);
                return r;
            }
        } else {
            ssize_t n = recv(s->fd, s->buf + s->len, room, 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                if (s->len > s->len_at_start) return done(s, NS_OK, 0);
                return done(s, NS_ERROR, errno);
            }
            if (n == 0 && s->type == SOCK_STREAM) {
                s->eof = true;
                if (s->len > s->len_at_start) return done(s, NS_OK, 0);
                return done(s, NS_EOF, 0);
            }
            got = (size_t)n;
        }
        s->len += got;
        turn += got;
        if (s->type == SOCK_DGRAM && read_satisfied(s)) break;
    }
    if (read_satisfied(s)) return done(s, NS_OK, 0);
    *want = ssl_want ? ssl_want : LOOP_READABLE;
    return STEP_WAIT;
}

static enum step step(struct nse_sock *s, unsigned *want)
{
    *want = 0;
    switch (s->op) {
    case OP_CONNECT:
        return step_connect(s, want);
    case OP_HANDSHAKE:
        return step_handshake(s, want);
    case OP_SEND:
        return step_send(s, want);
    case OP_READ:
        return step_read(s, want);
    case OP_PCAP:
        if (nse_sock_pcap_read(s)) return done(s, NS_OK, 0);
        *want = LOOP_READABLE;
        return STEP_WAIT;
    case OP_NONE:
        break;
    }
    return done(s, NS_ERROR, EINVAL);
}

/* The op is over: stop watching, restore the thread, drop the anchors.
 * Nothing touches s after the last unref (a collection may free it). */
static void finish(struct nse_sock *s)
{
    struct loop *loop = s->ctx->loop;
    if (s->op != OP_PCAP) nse_sock_trace_done(s);
    if (s->watching && s->fd >= 0) loop_unwatch(loop, s->fd);
    s->watching = 0;
    if (s->timer) loop_timer_cancel(loop, s->timer);
    s->timer = NULL;
    if (s->out_ref != LUA_NOREF) {
        luaL_unref(s->ctx->main_L, LUA_REGISTRYINDEX, s->out_ref);
        s->out_ref = LUA_NOREF;
    }
    s->out = NULL;
    s->op = OP_NONE;
    lua_State *M = s->ctx->main_L;
    lua_State *T = s->thread;
    int tref = s->thread_ref, sref = s->self_ref;
    s->thread = NULL;
    s->thread_ref = s->self_ref = LUA_NOREF;
    nse_sock_count_restore();
    nse_restore(T, 0);
    luaL_unref(M, LUA_REGISTRYINDEX, tref);
    luaL_unref(M, LUA_REGISTRYINDEX, sref);
}

static void on_fd(struct loop *loop, int fd, unsigned events, void *arg)
{
    (void)loop;
    (void)fd;
    (void)events;
    struct nse_sock *s = arg;
    if (s->op == OP_NONE || !s->thread) {
        set_interest(s, 0);
        return;
    }
    unsigned want;
    if (step(s, &want) == STEP_DONE) {
        finish(s);
        return;
    }
    set_interest(s, want);
    if (!s->watching) {
        s->st = NS_ERROR;
        s->err = errno;
        finish(s);
    }
}

static void on_timer(struct loop *loop, struct loop_timer *timer, void *arg)
{
    (void)loop;
    (void)timer;
    struct nse_sock *s = arg;
    s->timer = NULL;
    if (s->op == OP_NONE || !s->thread) return;
    s->st = NS_TIMEOUT;
    s->err = 0;
    /* A read that got something before the deadline returns it. */
    if (s->op == OP_READ && s->len > s->len_at_start) s->st = NS_OK;
    finish(s);
}

bool nse_sock_start(lua_State *L, struct nse_sock *s, enum nse_sock_op op, bool try_now)
{
    s->op = op;
    s->st = NS_OK;
    s->err = 0;
    unsigned want = LOOP_WRITABLE; /* a connect in progress: SO_ERROR means nothing yet */
    if (try_now && step(s, &want) == STEP_DONE) {
        if (op != OP_PCAP) nse_sock_trace_done(s);
        s->op = OP_NONE;
        if (s->out_ref != LUA_NOREF) {
            luaL_unref(L, LUA_REGISTRYINDEX, s->out_ref);
            s->out_ref = LUA_NOREF;
        }
        return false; /* finished at once: no wait */
    }
    set_interest(s, want);
    if (!s->watching) {
        s->st = NS_ERROR;
        s->err = errno;
        if (op != OP_PCAP) nse_sock_trace_done(s);
        s->op = OP_NONE;
        return false;
    }
    int64_t delay_ms = s->timeout_ms;
    if (s->deadline_us > 0) {
        int64_t left = s->deadline_us - loop_refresh_now(s->ctx->loop);
        delay_ms = left > 0 ? left / 1000 : 0;
    }
    if (delay_ms >= 0) {
        s->timer = loop_timer_add(s->ctx->loop, delay_ms * 1000, 0, on_timer, s);
        if (!s->timer) luaL_error(L, "out of memory");
    }
    lua_pushthread(L);
    s->thread = L;
    s->thread_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, 1);
    s->self_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return true;
}
