// SPDX-License-Identifier: MIT
// OpenSSL, loaded the first time version detection opens a TLS connection
// instead of when cmap starts (see core/lazylib.h): linked in, libssl and
// libcrypto add some 19,000 relocations and 90 dirty pages to every start,
// a tenth of a two-port connect scan's whole run time.
//
// Only what src/service/tls.c calls is here; OpenSSL's macros (the
// SSL_CTX_set_min_proto_version family, SSL_set_tlsext_host_name,
// SSL_want_write) expand to SSL_CTX_ctrl, SSL_ctrl and SSL_want.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "core/lazylib.h"

/* libssl3 in Debian 12; libcrypto comes with it as its dependency, and
 * dlsym on libssl's handle finds libcrypto's functions too. */
static const char *const sonames[] = {"libssl.so.3", NULL};
static struct lazylib ssl_lib = LAZYLIB_INIT(sonames, "libssl3");

#define FORWARD(ret, name, params, args) LAZY_FORWARD(ssl_lib, ret, name, params, args)
#define FORWARD_VOID(name, params, args) LAZY_FORWARD_VOID(ssl_lib, name, params, args)

/* The way in: without the library there is no method and so no context,
 * which tls.c reports as TLS being unavailable (tls_conn_new returns NULL). */
typedef const SSL_METHOD *(*TLS_client_method_fn)(void);
const SSL_METHOD *TLS_client_method(void)
{
    TLS_client_method_fn fn = (TLS_client_method_fn)lazylib_sym(&ssl_lib, "TLS_client_method");
    return fn ? fn() : NULL;
}

typedef SSL_CTX *(*SSL_CTX_new_fn)(const SSL_METHOD *);
SSL_CTX *SSL_CTX_new(const SSL_METHOD *meth)
{
    if (!meth) return NULL;
    SSL_CTX_new_fn fn = (SSL_CTX_new_fn)lazylib_sym(&ssl_lib, "SSL_CTX_new");
    return fn ? fn(meth) : NULL;
}

FORWARD_VOID(ERR_clear_error, (void), ())
FORWARD(unsigned long, ERR_peek_error, (void), ())
FORWARD(uint64_t, SSL_CTX_clear_options, (SSL_CTX * ctx, uint64_t op), (ctx, op))
FORWARD(uint64_t, SSL_CTX_set_options, (SSL_CTX * ctx, uint64_t op), (ctx, op))
FORWARD(long, SSL_CTX_ctrl, (SSL_CTX * ctx, int cmd, long larg, void *parg),
        (ctx, cmd, larg, parg))
FORWARD(int, SSL_CTX_set_cipher_list, (SSL_CTX * ctx, const char *str), (ctx, str))
FORWARD_VOID(SSL_CTX_set_security_level, (SSL_CTX * ctx, int level), (ctx, level))
FORWARD_VOID(SSL_CTX_set_verify, (SSL_CTX * ctx, int mode, SSL_verify_cb cb), (ctx, mode, cb))
FORWARD(long, SSL_ctrl, (SSL * ssl, int cmd, long larg, void *parg), (ssl, cmd, larg, parg))
FORWARD(int, SSL_do_handshake, (SSL * s), (s))
FORWARD_VOID(SSL_free, (SSL * s), (s))
FORWARD(int, SSL_get_error, (const SSL *s, int ret), (s, ret))
FORWARD(SSL *, SSL_new, (SSL_CTX * ctx), (ctx))
FORWARD(int, SSL_read_ex, (SSL * s, void *buf, size_t num, size_t *readbytes),
        (s, buf, num, readbytes))
FORWARD_VOID(SSL_set_connect_state, (SSL * s), (s))
FORWARD(int, SSL_set_fd, (SSL * s, int fd), (s, fd))
FORWARD(int, SSL_want, (const SSL *s), (s))
FORWARD(int, SSL_write_ex, (SSL * s, const void *buf, size_t num, size_t *written),
        (s, buf, num, written))
