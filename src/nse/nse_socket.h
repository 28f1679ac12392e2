// SPDX-License-Identifier: MIT
// What the files of nmap.socket share (nse_socket*.c, nse_ssl_cert.c): the
// socket userdata and its one pending operation. A script call that must
// wait (connect, send, a receive) starts an operation on the event loop of
// the NSE context and yields; the loop callback that ends it records a
// status and restores the thread, and the call's continuation turns the
// status and the receive buffer into nmap's return values (nse-c-api.md
// §3.1). So no Lua runs inside loop callbacks except nse_restore.
#ifndef CMAP_NSE_NSE_SOCKET_H
#define CMAP_NSE_NSE_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <openssl/ssl.h>

#include "nse/nse_host.h"

#define NSE_SOCKET_MT "nsock"
#define NSE_SSL_CERT_MT "SSL_CERT"
#define NSE_SOCKET_DEFAULT_TIMEOUT_MS 30000
/* The most a socket buffers: a peer that streams without end fills it and
 * the read stops there (nmap would keep growing it). */
#define NSE_SOCKET_BUF_MAX ((size_t)16 << 20)

enum nse_sock_status { NS_OK, NS_TIMEOUT, NS_EOF, NS_ERROR, NS_CANCELLED };
enum nse_sock_op { OP_NONE, OP_CONNECT, OP_HANDSHAKE, OP_SEND, OP_READ, OP_PCAP };
enum nse_read_until { RU_ANY, RU_BYTES, RU_LINES };
/* what --script-trace calls a request (nsock's function names) */
enum nse_trace_kind {
    TK_CONNECT_TCP, TK_CONNECT_UDP, TK_CONNECT_SSL, TK_RECONNECT_SSL,
    TK_WRITE, TK_SENDTO, TK_READ, TK_READBYTES, TK_READLINES,
};

struct pcap;

struct nse_sock {
    struct nse_ctx *ctx;
    int fd;
    int type;          /* SOCK_STREAM or SOCK_DGRAM: the protocol of new() or connect() */
    int af;            /* AF_INET or AF_INET6, from new() */
    bool udp_default;  /* new("udp") */
    SSL *ssl;
    bool connected;
    bool eof;          /* the peer closed its side */
    int64_t timeout_ms; /* -1: none */

    char *buf;         /* what the pending read gathers */
    size_t len, cap;
    char *lbuf;        /* receive_buf's leftovers (its own buffer, as nmap's) */
    size_t llen, lcap;

    bool bound;        /* bind() gave an address/port to use at connect */
    struct sockaddr_storage bind_ss;
    socklen_t bind_len;
    struct sockaddr_storage peer;
    socklen_t peer_len;
    char sni[256];

    /* The pending operation (at most one: its thread is suspended in it). */
    enum nse_sock_op op;
    enum nse_sock_status st;
    int err;            /* errno of an NS_ERROR */
    lua_State *thread;  /* the suspended caller */
    int thread_ref;     /* keeps it alive while waiting */
    int self_ref;       /* keeps this userdata alive while waiting */
    struct loop_timer *timer;
    unsigned watching;  /* loop interest now set on fd */
    bool ssl_after_connect;
    enum nse_read_until until;
    size_t want;
    size_t len_at_start; /* buffer length when the read began */
    const char *out;     /* send: the string (anchored by out_ref) */
    size_t out_len, out_off;
    int out_ref;
    int64_t deadline_us; /* receive_buf: one deadline over its re-waits */

    /* --script-trace: nsock's numbering and the local end at connect */
    unsigned long iod_id, eid;
    enum nse_trace_kind tkind;
    struct sockaddr_storage local;
    socklen_t local_len;

    /* pcap_open: a capture instead of a connection */
    struct pcap *pcap;
    int pcap_linkhdr;    /* bytes of layer 2 header before layer 3 */
    char *pkt;           /* last captured packet (pcap_receive's result) */
    size_t pkt_len, pkt_caplen;
    double pkt_time;
};

/* nse_socket_io.c: the event-loop side */
/* Start op on s for the running thread L. With try_now it first does
 * what it can at once: false when that finished it (or the loop refused;
 * s->st says how it went), and the caller returns its results directly.
 * true when the thread must wait: the caller returns nse_yield(L, ...)
 * and its continuation reads s->st. */
bool nse_sock_start(lua_State *L, struct nse_sock *s, enum nse_sock_op op, bool try_now);
/* Close the connection (or capture) and drop buffered data. */
void nse_sock_close_fd(struct nse_sock *s);
/* Push the result of a finished op's status: nil,"TIMEOUT" etc. */
int nse_sock_push_status(lua_State *L, enum nse_sock_status st);
/* The shared client context for "ssl" connections (NULL on failure). */
SSL_CTX *nse_sock_ssl_ctx(void);
/* nse_socket_trace.c: --script-trace. NSE's lines ("NSE: TCP l > r |
 * what", data as text or hex dump) and nsock's ("NSOCK INFO [t] ..."). */
bool nse_sock_tracing(const struct nse_ctx *ctx);
void nse_sock_trace(const struct nse_sock *s, const char *dir, const char *what);
void nse_sock_trace_data(const struct nse_sock *s, const char *dir, const char *data, size_t len);
void nse_sock_trace_local(struct nse_sock *s); /* remember the local end */
void nse_sock_trace_iod_new(struct nse_sock *s);
void nse_sock_trace_iod_delete(struct nse_sock *s);
void nse_sock_trace_setup_udp(struct nse_sock *s);
/* A request (n: bytes to write, or bytes/lines wanted), numbered as nsock
 * does; then, when it ends, its callback line and NSE's line. */
void nse_sock_trace_request(struct nse_sock *s, enum nse_trace_kind kind, size_t n);
void nse_sock_trace_done(struct nse_sock *s);
unsigned long nse_sock_trace_timer(struct nse_ctx *ctx, double secs);
void nse_sock_trace_timer_done(struct nse_ctx *ctx, unsigned long eid);
void nse_sock_trace_timer_cancel(struct nse_ctx *ctx, unsigned long eid);

/* nse_socket.c: a thread was made runnable (loop(ms) may return) */
void nse_sock_count_restore(void);

/* nse_socket_lock.c */
/* The socket lock of the running thread's base: true when held (taken now
 * or before), false when the caller must wait (it was queued). */
bool nse_sock_lock(lua_State *L, int sock_idx);
void nse_sock_unlock_socket(lua_State *L, int sock_idx);
void nse_sock_release_stale(lua_State *L);
int nse_sock_waiting(lua_State *L);

/* nse_socket_pcap.c */
void nse_sock_pcap_methods(lua_State *L); /* adds to the table on top */
void nse_sock_pcap_free(struct nse_sock *s);
bool nse_sock_pcap_read(struct nse_sock *s); /* one packet into s->pkt */

/* nse_ssl_cert.c: push the cert object of x (takes a reference) or nil */
struct x509_st;
void nse_push_ssl_cert(lua_State *L, struct x509_st *x);
int nse_parse_ssl_certificate(lua_State *L);

#endif
