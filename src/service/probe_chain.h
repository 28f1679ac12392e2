// SPDX-License-Identifier: MIT
// Which probe version detection sends next to a port, as nmap 7.93 picks
// it (ServiceNFO::nextProbe): the NULL probe first (TCP only), then the
// probes of the port's protocol whose ports (or, inside TLS, sslports)
// name the port, in file order and whatever their rarity, then the other
// probes of the protocol with rarity <= intensity, in file order. After a
// soft match only probes whose match lines can name the soft-matched
// service are sent. A pure state machine: the engine (service_scan.c)
// runs the probes; tests drive it directly.
#ifndef CMAP_SERVICE_PROBE_CHAIN_H
#define CMAP_SERVICE_PROBE_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service/probes.h"

enum chain_stage { CHAIN_INITIAL, CHAIN_NULL, CHAIN_MATCHING, CHAIN_NONMATCHING, CHAIN_DONE };

struct probe_chain {
    const struct vscan_db *db;
    enum proto_index proto;
    uint16_t port;
    bool ssl;
    int intensity;
    enum chain_stage stage;
    size_t pos;               /* index into db->probes while MATCHING/NONMATCHING */
    const char *soft_service; /* set by probe_chain_soft; NULL: none */
};

void probe_chain_init(struct probe_chain *c, const struct vscan_db *db, enum proto_index proto,
                      uint16_t port, bool ssl, int intensity);
/* Advances to the next probe and returns it; NULL when the chain is over. */
const struct vscan_probe *probe_chain_next(struct probe_chain *c);
/* Records a soft match (only the first counts, as in nmap). */
void probe_chain_soft(struct probe_chain *c, const char *service);
/* The next n probes probe_chain_next would return if nothing soft-matched
 * meanwhile, without advancing. Returns how many were written. */
size_t probe_chain_peek(const struct probe_chain *c, const struct vscan_probe **out, size_t n);

/* How one probe's connection ended. */
enum exec_end {
    EXEC_RUNNING = 0,
    EXEC_HARD,       /* a hard match: the port is identified */
    EXEC_TIMEOUT,    /* totalwaitms passed (or the response filled up) */
    EXEC_EOF,        /* the peer closed */
    EXEC_RESET,      /* ECONNRESET, ECONNREFUSED, ECONNABORTED while reading */
    EXEC_ERROR_NEXT, /* EPIPE, EIO (a TLS failure), ...: try the next probe */
    EXEC_INCOMPLETE, /* connect or write failed, unreachable: give up the port */
};

/* What an ending without a hard match means (nmap's read handler):
 *   timeout       the response joins the fingerprint; the next probe may
 *                 ride the same connection when this was the NULL probe;
 *   close         the response joins the fingerprint; the NULL probe
 *                 closed without data before tcpwrappedms => tcpwrapped;
 *   reset         no fingerprint; same tcpwrapped rule;
 *   other errors  next probe on a new connection; failures end the port.
 * Reading data or timing out makes tcpwrapped impossible for the port;
 * a chain that ends while it is still possible ends tcpwrapped. */
enum probe_verdict { VERDICT_NEXT, VERDICT_NEXT_NEW_CONN, VERDICT_TCPWRAPPED, VERDICT_INCOMPLETE };

struct probe_outcome {
    enum exec_end end;
    bool null_probe;
    size_t len;      /* bytes the probe's response holds */
    int64_t used_ms; /* from the connection (or the send) to the end */
    unsigned tcpwrappedms;
};

/* *tcpwrap_possible is the port's flag, updated. *add_fp: whether the
 * response goes into the fingerprint. */
enum probe_verdict probe_judge(const struct probe_outcome *o, bool *tcpwrap_possible, bool *add_fp);

#endif
