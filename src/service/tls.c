// SPDX-License-Identifier: MIT
// The TLS client of version detection. One SSL_CTX for the whole process,
// made on first use, configured to shake hands with whatever the server
// still speaks: every protocol version this OpenSSL build has, every
// cipher including the NULL and anonymous ones, security level 0, legacy
// renegotiation and servers without the renegotiation extension allowed.
// Nothing is verified. A connection is then one SSL object on the caller's
// descriptor, so opening many at once costs little.
//
// The socket BIO writes with write(2); a peer that resets the connection
// would raise SIGPIPE, which cmap ignores process-wide (core/signals.c).
#include "service/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

struct tls_conn {
    SSL *ssl;
};

static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static SSL_CTX *shared_ctx;

static void ctx_init(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) return;
    /* Version 0 means "the lowest (highest) the library supports". */
    SSL_CTX_set_min_proto_version(ctx, 0);
    SSL_CTX_set_max_proto_version(ctx, 0);
    SSL_CTX_set_security_level(ctx, 0);
    /* SSL_OP_ALL: the workarounds for known server bugs. The legacy options
     * let servers that predate RFC 5746 finish the handshake; ignoring an
     * EOF without close_notify makes a plain close read as end of stream,
     * which is what a banner grabber wants. */
    SSL_CTX_set_options(ctx, SSL_OP_ALL | SSL_OP_LEGACY_SERVER_CONNECT |
                                 SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION |
                                 SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_TICKET);
    SSL_CTX_clear_options(ctx, SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
    /* Everything up to TLS 1.2, NULL and anonymous suites included; TLS 1.3
     * keeps OpenSSL's default suites (all it implements). The fallback list
     * only matters if this build rejects the wider one. */
    if (!SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0"))
        SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    /* Non-blocking writes may stop part way; the caller retries with the
     * rest, possibly from another buffer address. */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    ERR_clear_error();
    shared_ctx = ctx;
}

/* RFC 6066: a server name is a DNS host name, never an address literal. */
static int sni_usable(const char *sni)
{
    unsigned char addr[16];
    if (!sni || !sni[0] || strlen(sni) > 255) return 0;
    return inet_pton(AF_INET, sni, addr) != 1 && inet_pton(AF_INET6, sni, addr) != 1;
}

SSL_CTX *tls_client_ctx(void)
{
    return pthread_once(&ctx_once, ctx_init) == 0 ? shared_ctx : NULL;
}

struct tls_conn *tls_conn_new(int fd, const char *sni)
{
    if (fd < 0 || !tls_client_ctx()) return NULL;
    struct tls_conn *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->ssl = SSL_new(shared_ctx);
    /* SSL_set_fd makes a socket BIO with BIO_NOCLOSE: the fd stays ours. */
    if (!c->ssl || !SSL_set_fd(c->ssl, fd) ||
        (sni_usable(sni) && !SSL_set_tlsext_host_name(c->ssl, sni))) {
        SSL_free(c->ssl);
        free(c);
        ERR_clear_error();
        return NULL;
    }
    SSL_set_connect_state(c->ssl);
    return c;
}

/* Maps the outcome of a failed SSL call. OpenSSL's error queue is per
 * thread; it is emptied so one connection's failure never leaks into the
 * next call on this thread. */
static enum tls_io failure(struct tls_conn *c, int ret)
{
    int saved_errno = errno;
    int e = SSL_get_error(c->ssl, ret);
    unsigned long queued = ERR_peek_error();
    ERR_clear_error();
    switch (e) {
    case SSL_ERROR_WANT_READ:
        return TLS_IO_WANT_READ;
    case SSL_ERROR_WANT_WRITE:
        return TLS_IO_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN:
        return TLS_IO_EOF;
    case SSL_ERROR_SYSCALL:
        /* No queued error and no errno: the peer closed the socket. */
        if (queued == 0 && saved_errno == 0) return TLS_IO_EOF;
        /* A reset (the peer closed with our ClientHello unread) is the
         * peer closing too, as it is for a plain-text probe. */
        if (saved_errno == ECONNRESET || saved_errno == EPIPE) return TLS_IO_EOF;
        if (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK || saved_errno == EINTR)
            return SSL_want_write(c->ssl) ? TLS_IO_WANT_WRITE : TLS_IO_WANT_READ;
        return TLS_IO_ERROR;
    default:
        return TLS_IO_ERROR;
    }
}

enum tls_io tls_conn_handshake(struct tls_conn *c)
{
    ERR_clear_error();
    errno = 0;
    int ret = SSL_do_handshake(c->ssl);
    if (ret == 1) return TLS_IO_DONE;
    return failure(c, ret);
}

enum tls_io tls_conn_write(struct tls_conn *c, const void *buf, size_t len, size_t *n)
{
    *n = 0;
    /* SSL_write_ex treats an empty write as an error; nothing to do here. */
    if (len == 0) return TLS_IO_DONE;
    ERR_clear_error();
    errno = 0;
    size_t done = 0;
    if (SSL_write_ex(c->ssl, buf, len, &done) == 1) {
        *n = done;
        return TLS_IO_DONE;
    }
    return failure(c, 0);
}

enum tls_io tls_conn_read(struct tls_conn *c, void *buf, size_t cap, size_t *n)
{
    *n = 0;
    if (cap == 0) return TLS_IO_DONE;
    ERR_clear_error();
    errno = 0;
    size_t done = 0;
    if (SSL_read_ex(c->ssl, buf, cap, &done) == 1) {
        *n = done;
        return TLS_IO_DONE;
    }
    return failure(c, 0);
}

void tls_conn_free(struct tls_conn *c)
{
    if (!c) return;
    SSL_free(c->ssl);
    free(c);
}
