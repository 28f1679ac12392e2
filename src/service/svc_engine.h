// SPDX-License-Identifier: MIT
// Version detection's engine, shared by its three files: svc_exec.c runs
// one probe on one connection (connect, TLS, send, read, match),
// svc_port.c walks a port through nmap's chain of probes and decides, and
// service_scan.c schedules ports and writes results.
//
// Speed without changing answers: nmap runs a port's probes one after
// another, each waiting up to its totalwaitms. Here up to SVC_WINDOW
// connections per port run the next probes of the chain at once
// ("speculative" executions); their outcomes are still applied strictly in
// nmap's chain order, and an outcome is dropped when nmap would not have
// sent that probe (a soft match narrowed the chain, or the NULL probe got
// a banner and nmap would have sent the next probe on its connection).
#ifndef CMAP_SERVICE_SVC_ENGINE_H
#define CMAP_SERVICE_SVC_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/nsock_trace.h"
#include "service/match.h"
#include "service/probe_chain.h"

struct loop;
struct loop_timer;
struct host;
struct port_result;
struct plan;
struct scan_observer;
struct tls_conn;
struct svc_scan;
struct svc_port;
struct svc_grind;
struct rpc_db;

/* Connections one port may have open at once (its current probe plus
 * speculative ones). */
#define SVC_WINDOW 3
/* nmap stops reading a response once it holds this many bytes
 * (service_scan.cc's read handler), so a chargen cannot feed it forever. */
#define SVC_RESP_ENOUGH 4096u
/* One read's worth beyond that (nsock reads in 8 KiB pieces). */
#define SVC_READ_CHUNK 8192u
/* nmap's DEFAULT_CONNECT_TIMEOUT and DEFAULT_CONNECT_SSL_TIMEOUT (ms). */
#define SVC_CONNECT_MS 5000
#define SVC_CONNECT_SSL_MS 8000

struct svc_exec {
    struct svc_port *port;
    const struct vscan_probe *probe;
    int fd;
    struct tls_conn *tls;
    int phase; /* svc_exec.c's */
    enum exec_end end;
    bool speculative;   /* launched ahead of nmap's order */
    int64_t started_us; /* connect began */
    int64_t exec_us;    /* the probe was "executed": connected (nmap's exec time) */
    int64_t ended_us;
    struct loop_timer *timer;
    uint8_t *buf;
    size_t len, cap;
    size_t sent;
    bool have_soft, have_hard;
    struct vscan_result soft, hard;
    /* nsock's view for the trace (core/nsock_trace.h): the connection's
     * I/O descriptor and the events pending on it; 0: none. */
    unsigned long iod;
    long conn_eid, read_eid, write_eid;
    int conn_err; /* a connect that failed at once */
};

struct svc_fp_resp {
    const char *probe_name;
    uint8_t *data;
    size_t len;
};

enum svc_final {
    SVC_PENDING = 0,
    SVC_HARD,
    SVC_SOFT,
    SVC_NOMATCH,
    SVC_TCPWRAPPED,
    SVC_INCOMPLETE,
    SVC_EXCLUDED,
};

struct svc_port {
    struct svc_scan *scan;
    struct host *host;
    struct port_result *pr;
    struct sockaddr_storage sa;
    socklen_t salen;
    enum proto_index proto;
    struct probe_chain chain;
    bool ssl; /* probing inside TLS */
    bool started;
    enum svc_final final;
    struct svc_exec *cur;              /* the probe nmap would be running */
    struct svc_exec *spec[SVC_WINDOW]; /* running ahead, for later probes */
    struct loop_timer *timer;          /* speculation start / NULL re-check */
    bool soft;
    struct vscan_result soft_res;
    struct vscan_result hard_res;
    bool ssl_name; /* the match said "ssl/<name>" */
    /* nmap's tcpwrap_possible: no probe has read data or timed out yet,
     * so a chain that ends with every connection closed is tcpwrapped. */
    bool tcpwrap_possible;
    bool kicked;         /* queued for svc_port_process */
    int64_t deadline_us; /* host timeout on the loop's clock; 0: none */
    /* RPC grinding after the probes (svc_rpc.c). */
    struct svc_grind *grind;
    bool grind_done, no_grind, rpc_found;
    uint32_t rpc_program, rpc_low, rpc_high;
    struct svc_fp_resp *fp;
    size_t n_fp, fp_cap;
};

struct svc_scan {
    const struct plan *plan;
    const struct scan_observer *obs;
    const struct vscan_db *db;
    struct vscan_matcher *matcher;
    struct loop *loop;
    struct svc_port *ports;
    size_t n_ports, next_port, active_ports, done_ports;
    size_t max_active; /* nmap's ideal_parallelism */
    size_t fds, fd_budget;
    int window; /* SVC_WINDOW, or 1 at -T0..-T2 */
    bool trace; /* "Service scan sending probe" and match lines */
    struct nsock_trace nsock;
    bool loop_traced;
    int intensity;
    bool tls_ok;
    const struct rpc_db *rpc_db; /* nmap-rpc, NULL: no grinding */
};

/* svc_exec.c */
struct svc_exec *svc_exec_start(struct svc_port *p, const struct vscan_probe *probe, bool spec);
/* Sends probe on prev's connection, keeping what prev read (nmap's probe
 * after the NULL probe). prev is consumed. */
struct svc_exec *svc_exec_continue(struct svc_exec *prev, const struct vscan_probe *probe);
void svc_exec_free(struct svc_exec *e);
/* Ends a running execution as if its totalwaitms had passed. */
void svc_exec_expire(struct svc_exec *e);

/* svc_port.c */
void svc_port_begin(struct svc_port *p);
/* An execution ended (e->end set). */
void svc_port_exec_done(struct svc_exec *e);
/* Applies finished executions and starts what comes next. */
void svc_port_process(struct svc_port *p);
/* Frees the responses kept for the fingerprint. */
void svc_port_release(struct svc_port *p);
/* Ends the port now (host timeout, stop): its state becomes final. */
void svc_port_abort(struct svc_port *p, enum svc_final final);

/* svc_rpc.c: starts grinding a finished port; false when it cannot (the
 * port is then reported at once). The port is reported when it ends. */
bool svc_grind_start(struct svc_port *p);
void svc_grind_free(struct svc_port *p);

/* service_scan.c */
/* Queues the port for svc_port_process on the loop's next turn. */
void svc_port_kick(struct svc_port *p);
void svc_scan_port_finished(struct svc_scan *s, struct svc_port *p);
void svc_trace(struct svc_scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void svc_port_addr(const struct svc_port *p, char *buf, size_t len);

#endif
