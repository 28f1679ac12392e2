// SPDX-License-Identifier: MIT
// The TLS client against an in-process OpenSSL server over a socketpair,
// both ends non-blocking and driven by poll(2) in one thread: handshake,
// SNI, a transfer large enough to need several WANT_WRITE rounds, end of
// stream, servers limited to old protocols or NULL ciphers (which a default
// client refuses), and peers that are not TLS at all. The server's key and
// self-signed certificate are made here, so nothing touches the network or
// the disk.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "service/tls.h"

struct identity {
    EVP_PKEY *key;
    X509 *cert;
};

static struct identity modern, weak;

static int make_cert(struct identity *id, size_t rsa_bits)
{
    /* RSA so that the old RSA-key-exchange suites are possible too. */
    id->key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", rsa_bits);
    id->cert = X509_new();
    if (!id->key || !id->cert) return -1;
    ASN1_INTEGER_set(X509_get_serialNumber(id->cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(id->cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(id->cert), 3600);
    X509_set_pubkey(id->cert, id->key);
    X509_NAME *name = X509_get_subject_name(id->cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"cmap-test", -1,
                               -1, 0);
    X509_set_issuer_name(id->cert, name);
    return X509_sign(id->cert, id->key, EVP_sha256()) > 0 ? 0 : -1;
}

static int make_identity(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    /* 512 bits: an old appliance's key, below security level 1. */
    return make_cert(&modern, 2048) == 0 && make_cert(&weak, 512) == 0 ? 0 : -1;
}

static int free_identity(void **state)
{
    (void)state;
    X509_free(modern.cert);
    EVP_PKEY_free(modern.key);
    X509_free(weak.cert);
    EVP_PKEY_free(weak.key);
    return 0;
}

struct server {
    SSL_CTX *ctx;
    SSL *ssl;
    int fd;
    char sni[256];
    int sni_seen;
};

static int on_servername(SSL *ssl, int *alert, void *arg)
{
    (void)alert;
    struct server *s = arg;
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (name) {
        s->sni_seen = 1;
        strncpy(s->sni, name, sizeof s->sni - 1);
    }
    return SSL_TLSEXT_ERR_OK;
}

/* A socketpair; *client_fd is for tls_conn, the other end for the server. */
static void pair(int *client_fd, int *server_fd)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    *client_fd = sv[0];
    *server_fd = sv[1];
}

/* max_version 0: any. ciphers NULL: OpenSSL's defaults. */
static void server_start_as(struct server *s, int fd, int max_version, const char *ciphers,
                            const struct identity *id)
{
    memset(s, 0, sizeof *s);
    s->fd = fd;
    s->ctx = SSL_CTX_new(TLS_server_method());
    assert_non_null(s->ctx);
    SSL_CTX_set_security_level(s->ctx, 0);
    SSL_CTX_set_min_proto_version(s->ctx, 0);
    if (max_version) assert_int_equal(SSL_CTX_set_max_proto_version(s->ctx, max_version), 1);
    if (ciphers) assert_int_equal(SSL_CTX_set_cipher_list(s->ctx, ciphers), 1);
    assert_int_equal(SSL_CTX_use_certificate(s->ctx, id->cert), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey(s->ctx, id->key), 1);
    SSL_CTX_set_tlsext_servername_callback(s->ctx, on_servername);
    SSL_CTX_set_tlsext_servername_arg(s->ctx, s);
    s->ssl = SSL_new(s->ctx);
    assert_non_null(s->ssl);
    SSL_set_fd(s->ssl, fd);
    SSL_set_accept_state(s->ssl);
}

static void server_start(struct server *s, int fd, int max_version, const char *ciphers)
{
    server_start_as(s, fd, max_version, ciphers, &modern);
}

static void server_stop(struct server *s)
{
    SSL_free(s->ssl);
    SSL_CTX_free(s->ctx);
    if (s->fd >= 0) close(s->fd);
    ERR_clear_error();
}

/* Waits (at most 2 s) for what the client asked for, or for the server's
 * socket to be readable, so both sides move. */
static void wait_io(int cfd, enum tls_io want, int sfd)
{
    struct pollfd p[2] = {
        {.fd = cfd, .events = want == TLS_IO_WANT_WRITE ? POLLOUT : POLLIN},
        {.fd = sfd, .events = POLLIN},
    };
    assert_true(poll(p, sfd >= 0 ? 2 : 1, 2000) > 0);
}

/* Runs the client handshake and the server's accept until both finish. */
static void handshake_both(struct tls_conn *c, int cfd, struct server *s)
{
    int client_done = 0, server_done = 0;
    for (int i = 0; i < 1000 && !(client_done && server_done); i++) {
        enum tls_io r = TLS_IO_WANT_READ;
        if (!client_done) {
            r = tls_conn_handshake(c);
            assert_true(r == TLS_IO_DONE || r == TLS_IO_WANT_READ || r == TLS_IO_WANT_WRITE);
            client_done = r == TLS_IO_DONE;
        }
        if (!server_done) {
            int a = SSL_accept(s->ssl);
            if (a == 1)
                server_done = 1;
            else
                assert_int_equal(SSL_get_error(s->ssl, a), SSL_ERROR_WANT_READ);
        }
        if (!(client_done && server_done)) wait_io(cfd, r, s->fd);
    }
    assert_true(client_done && server_done);
}

static void echo_round(struct tls_conn *c, int cfd, struct server *s)
{
    size_t n = 99;
    assert_int_equal(tls_conn_write(c, "hello\r\n", 7, &n), TLS_IO_DONE);
    assert_int_equal(n, 7);
    char buf[64];
    int got = -1;
    for (int i = 0; i < 100 && got <= 0; i++) {
        got = SSL_read(s->ssl, buf, sizeof buf);
        if (got <= 0) wait_io(cfd, TLS_IO_WANT_READ, s->fd);
    }
    assert_int_equal(got, 7);
    assert_memory_equal(buf, "hello\r\n", 7);
    assert_int_equal(SSL_write(s->ssl, "220 ready\r\n", 11), 11);
    enum tls_io r;
    n = 0;
    while ((r = tls_conn_read(c, buf, sizeof buf, &n)) == TLS_IO_WANT_READ)
        wait_io(cfd, r, -1);
    assert_int_equal(r, TLS_IO_DONE);
    assert_int_equal(n, 11);
    assert_memory_equal(buf, "220 ready\r\n", 11);
}

/* Reads until end of stream, which must come within a few rounds. */
static void expect_eof(struct tls_conn *c, int cfd)
{
    char buf[64];
    size_t n;
    enum tls_io r = TLS_IO_WANT_READ;
    for (int i = 0; i < 100 && r == TLS_IO_WANT_READ; i++) {
        r = tls_conn_read(c, buf, sizeof buf, &n);
        if (r == TLS_IO_WANT_READ) wait_io(cfd, r, -1);
    }
    assert_int_equal(r, TLS_IO_EOF);
}

static void test_handshake_exchange_close_notify(void **state)
{
    (void)state;
    int cfd, sfd;
    pair(&cfd, &sfd);
    struct server s;
    server_start(&s, sfd, 0, NULL);
    struct tls_conn *c = tls_conn_new(cfd, "mail.example.test");
    assert_non_null(c);
    handshake_both(c, cfd, &s);
    assert_int_equal(SSL_version(s.ssl), TLS1_3_VERSION);
    assert_true(s.sni_seen);
    assert_string_equal(s.sni, "mail.example.test");
    echo_round(c, cfd, &s);
    /* A clean TLS close (close_notify). */
    SSL_shutdown(s.ssl);
    expect_eof(c, cfd);
    tls_conn_free(c);
    /* The descriptor is still the caller's and still open. */
    assert_true(fcntl(cfd, F_GETFD) != -1);
    close(cfd);
    server_stop(&s);
}

static void test_plain_close_is_eof(void **state)
{
    (void)state;
    int cfd, sfd;
    pair(&cfd, &sfd);
    struct server s;
    server_start(&s, sfd, 0, NULL);
    struct tls_conn *c = tls_conn_new(cfd, NULL);
    assert_non_null(c);
    handshake_both(c, cfd, &s);
    assert_false(s.sni_seen);
    echo_round(c, cfd, &s);
    /* The server just closes its socket, as many banner services do. */
    close(s.fd);
    s.fd = -1;
    expect_eof(c, cfd);
    tls_conn_free(c);
    close(cfd);
    server_stop(&s);
}

static void test_address_is_not_sent_as_sni(void **state)
{
    (void)state;
    int cfd, sfd;
    pair(&cfd, &sfd);
    struct server s;
    server_start(&s, sfd, 0, NULL);
    struct tls_conn *c = tls_conn_new(cfd, "127.0.0.1");
    assert_non_null(c);
    handshake_both(c, cfd, &s);
    assert_false(s.sni_seen);
    tls_conn_free(c);
    close(cfd);
    server_stop(&s);
}

/* A server from the TLS 1.0 era: a 512-bit key and DHE over a 1024-bit
 * group (RFC 5114's), which OpenSSL 3 refuses at Debian's default
 * security level 2. */
static void test_old_server(void **state)
{
    (void)state;
    int cfd, sfd;
    pair(&cfd, &sfd);
    struct server s;
    server_start_as(&s, sfd, TLS1_VERSION, "DHE-RSA-AES128-SHA:@SECLEVEL=0", &weak);
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    assert_non_null(pc);
    assert_int_equal(EVP_PKEY_paramgen_init(pc), 1);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"dh_1024_160", 0),
        OSSL_PARAM_construct_end(),
    };
    assert_int_equal(EVP_PKEY_CTX_set_params(pc, params), 1);
    EVP_PKEY *dh = NULL;
    assert_int_equal(EVP_PKEY_paramgen(pc, &dh), 1);
    EVP_PKEY_CTX_free(pc);
    assert_int_equal(SSL_CTX_set0_tmp_dh_pkey(s.ctx, dh), 1);
    SSL_free(s.ssl);
    s.ssl = SSL_new(s.ctx);
    SSL_set_fd(s.ssl, sfd);
    SSL_set_accept_state(s.ssl);
    struct tls_conn *c = tls_conn_new(cfd, NULL);
    assert_non_null(c);
    handshake_both(c, cfd, &s);
    assert_int_equal(SSL_version(s.ssl), TLS1_VERSION);
    assert_string_equal(SSL_get_cipher_name(s.ssl), "DHE-RSA-AES128-SHA");
    echo_round(c, cfd, &s);
    tls_conn_free(c);
    close(cfd);
    server_stop(&s);
}

/* A NULL-encryption-only server: the client must offer eNULL suites. */
static void test_null_cipher_server(void **state)
{
    (void)state;
    int cfd, sfd;
    pair(&cfd, &sfd);
    struct server s;
    server_start(&s, sfd, TLS1_2_VERSION, "eNULL:@SECLEVEL=0");
    struct tls_conn *c = tls_conn_new(cfd, NULL);
    assert_non_null(c);
    handshake_both(c, cfd, &s);
    assert_non_null(strstr(SSL_get_cipher_name(s.ssl), "NULL"));
    echo_round(c, cfd, &s);
    tls_conn_free(c);
    close(cfd);
    server_stop(&s);
}

/* 1 MiB through a socketpair whose buffers are far smaller: the client's
 * writes stop part way (partial writes) or with WANT_WRITE, and every
 * byte arrives in order. */
static void test_large_transfer(void **state)
{
    (void)state;
    int cfd, sfd;
    pair(&cfd, &sfd);
    struct server s;
    server_start(&s, sfd, 0, NULL);
    struct tls_conn *c = tls_conn_new(cfd, NULL);
    assert_non_null(c);
    handshake_both(c, cfd, &s);
    const size_t total = 1 << 20;
    uint8_t *out = malloc(total), *in = malloc(total);
    assert_non_null(out);
    assert_non_null(in);
    for (size_t i = 0; i < total; i++)
        out[i] = (uint8_t)(i * 7 + (i >> 11));
    size_t sent = 0, recvd = 0;
    int short_writes = 0;
    for (int i = 0; i < 100000 && recvd < total; i++) {
        enum tls_io r = TLS_IO_DONE;
        if (sent < total) {
            size_t n = 0;
            r = tls_conn_write(c, out + sent, total - sent, &n);
            assert_true(r == TLS_IO_DONE || r == TLS_IO_WANT_WRITE);
            short_writes += r == TLS_IO_WANT_WRITE || n < total - sent;
            sent += n;
        }
        int got = SSL_read(s.ssl, in + recvd, (int)(total - recvd));
        if (got > 0) recvd += (size_t)got;
        if (got <= 0 && r == TLS_IO_WANT_WRITE) wait_io(cfd, r, s.fd);
    }
    assert_int_equal(sent, total);
    assert_int_equal(recvd, total);
    assert_memory_equal(in, out, total);
    assert_true(short_writes > 0);
    free(out);
    free(in);
    tls_conn_free(c);
    close(cfd);
    server_stop(&s);
}

static enum tls_io handshake_until_final(struct tls_conn *c, int cfd)
{
    enum tls_io r = TLS_IO_WANT_READ;
    for (int i = 0; i < 100 && (r == TLS_IO_WANT_READ || r == TLS_IO_WANT_WRITE); i++) {
        r = tls_conn_handshake(c);
        if (r == TLS_IO_WANT_READ || r == TLS_IO_WANT_WRITE) wait_io(cfd, r, -1);
    }
    return r;
}

/* A plain-text service answering the ClientHello with its banner. */
static void test_garbage_peer_is_error(void **state)
{
    (void)state;
    int cfd, sfd;
    pair(&cfd, &sfd);
    static const char banner[] = "HTTP/1.0 400 Bad Request\r\nServer: x\r\n\r\n";
    assert_int_equal(write(sfd, banner, sizeof banner - 1), (ssize_t)(sizeof banner - 1));
    struct tls_conn *c = tls_conn_new(cfd, "x.test");
    assert_non_null(c);
    assert_int_equal(handshake_until_final(c, cfd), TLS_IO_ERROR);
    /* A failed handshake leaves nothing behind for the next connection. */
    assert_int_equal(ERR_peek_error(), 0);
    tls_conn_free(c);
    close(cfd);
    close(sfd);
}

/* Random bytes shaped like a TLS record header, then a close. */
static void test_bogus_record_is_error(void **state)
{
    (void)state;
    int cfd, sfd;
    pair(&cfd, &sfd);
    uint8_t junk[300] = {0x16, 0x03, 0x03, 0x01, 0x20, 0x02};
    for (size_t i = 6; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 131);
    assert_int_equal(write(sfd, junk, sizeof junk), (ssize_t)sizeof junk);
    struct tls_conn *c = tls_conn_new(cfd, NULL);
    assert_non_null(c);
    assert_int_equal(handshake_until_final(c, cfd), TLS_IO_ERROR);
    tls_conn_free(c);
    close(cfd);
    close(sfd);
}

/* The peer reads the ClientHello and closes without answering: end of
 * stream, not a TLS failure (nmap's tcpwrapped case). */
static void test_close_during_handshake_is_eof(void **state)
{
    (void)state;
    int cfd, sfd;
    pair(&cfd, &sfd);
    struct tls_conn *c = tls_conn_new(cfd, NULL);
    assert_non_null(c);
    assert_int_equal(tls_conn_handshake(c), TLS_IO_WANT_READ);
    uint8_t hello[4096];
    ssize_t got = read(sfd, hello, sizeof hello);
    assert_true(got > 5);
    assert_int_equal(hello[0], 0x16); /* a handshake record */
    close(sfd);
    assert_int_equal(handshake_until_final(c, cfd), TLS_IO_EOF);
    tls_conn_free(c);
    close(cfd);
}

/* The peer closes with the ClientHello unread, which resets the
 * connection: also the peer closing. */
static void test_reset_during_handshake_is_eof(void **state)
{
    (void)state;
    int cfd, sfd;
    pair(&cfd, &sfd);
    struct tls_conn *c = tls_conn_new(cfd, NULL);
    assert_non_null(c);
    assert_int_equal(tls_conn_handshake(c), TLS_IO_WANT_READ);
    close(sfd);
    assert_int_equal(handshake_until_final(c, cfd), TLS_IO_EOF);
    tls_conn_free(c);
    close(cfd);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    assert_null(tls_conn_new(-1, NULL));
    tls_conn_free(NULL);
    int cfd, sfd;
    pair(&cfd, &sfd);
    struct tls_conn *c = tls_conn_new(cfd, "");
    assert_non_null(c);
    size_t n = 5;
    assert_int_equal(tls_conn_write(c, "", 0, &n), TLS_IO_DONE);
    assert_int_equal(n, 0);
    tls_conn_free(c);
    close(cfd);
    close(sfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_exchange_close_notify),
        cmocka_unit_test(test_plain_close_is_eof),
        cmocka_unit_test(test_address_is_not_sent_as_sni),
        cmocka_unit_test(test_old_server),
        cmocka_unit_test(test_null_cipher_server),
        cmocka_unit_test(test_large_transfer),
        cmocka_unit_test(test_garbage_peer_is_error),
        cmocka_unit_test(test_bogus_record_is_error),
        cmocka_unit_test(test_close_during_handshake_is_eof),
        cmocka_unit_test(test_reset_during_handshake_is_eof),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, make_identity, free_identity);
}
