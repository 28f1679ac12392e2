// SPDX-License-Identifier: MIT
// A TLS client over a non-blocking socket the caller owns, for version
// detection inside SSL/TLS tunnels (nmap's ssl/<service>). OpenSSL with
// every protocol version and cipher the library still has enabled
// (security level 0), no certificate verification: the point is to talk to
// the service, not to trust it. Each call does as much as it can without
// blocking and says what it waits for.
#ifndef CMAP_SERVICE_TLS_H
#define CMAP_SERVICE_TLS_H

#include <stddef.h>

enum tls_io {
    TLS_IO_DONE = 0,   /* the operation completed (maybe partially: see *n) */
    TLS_IO_WANT_READ,  /* call again when the socket is readable */
    TLS_IO_WANT_WRITE, /* call again when the socket is writable */
    TLS_IO_EOF,        /* the peer closed the connection */
    TLS_IO_ERROR,      /* handshake or protocol failure */
};

struct tls_conn;

/* The one client context (created on first use; NULL if OpenSSL cannot),
 * shared by version detection and NSE's sockets (src/nse) as nmap's nsock
 * has one for both. */
struct ssl_ctx_st; /* OpenSSL's SSL_CTX */
struct ssl_ctx_st *tls_client_ctx(void);

/* NULL when OpenSSL cannot set up a context (out of memory). sni may be
 * NULL. The descriptor stays the caller's: tls_conn_free does not close it. */
struct tls_conn *tls_conn_new(int fd, const char *sni);
enum tls_io tls_conn_handshake(struct tls_conn *c);
/* *n: bytes written or read when DONE. */
enum tls_io tls_conn_write(struct tls_conn *c, const void *buf, size_t len, size_t *n);
enum tls_io tls_conn_read(struct tls_conn *c, void *buf, size_t cap, size_t *n);
void tls_conn_free(struct tls_conn *c);

#endif
