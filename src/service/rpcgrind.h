// SPDX-License-Identifier: MIT
// RPC grinding as a state machine without I/O: which ONC RPC program
// listens on a port that version detection matched as "rpcbind", and
// which versions of it. As nmap 7.93 does it (its rpc-grind version
// script): a NULL call for every program of nmap-rpc, in file order, all
// with one random version no program has; PROG_UNAVAIL means "not this
// one", PROG_MISMATCH means "this one" and carries the lowest and highest
// version the program supports. nmap reports the program's nmap-rpc name
// as the service, "low-high" (or one number) as the version and
// "RPC #<number>" as extra info.
//
// The caller owns the socket and the clock:
//   while (!rpcgrind_done(g)) {
//       while ((n = rpcgrind_next_call(g, buf, sizeof buf)) > 0) send(buf, n);
//       wait for data, up to a timeout:
//           data  -> rpcgrind_feed_reply(g, data, len)
//           none  -> rpcgrind_timeout(g)
//   }
//   rpcgrind_result(g, &program, &low, &high);
// Several calls may be in flight at once (a small window) so a long
// nmap-rpc costs few round trips; the answer is still the first matching
// program in file order, as with nmap.
#ifndef CMAP_SERVICE_RPCGRIND_H
#define CMAP_SERVICE_RPCGRIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service/rpc.h"

/* Calls in flight at once. */
#define RPCGRIND_WINDOW 8
/* Enough for any call rpcgrind_next_call writes. */
#define RPCGRIND_CALL_MAX 64

struct rpcgrind;

/* db must outlive the grinder. tcp: calls carry the record mark and
 * replies are a byte stream; otherwise each call and reply is a datagram.
 * NULL when out of memory. */
struct rpcgrind *rpcgrind_new(const struct rpc_db *db, bool tcp);
/* Same, with the xid base and the bogus version chosen by the caller
 * (tests; rpcgrind_new picks random ones as nmap does). */
struct rpcgrind *rpcgrind_new_with(const struct rpc_db *db, bool tcp, uint32_t xid,
                                   uint32_t version);
void rpcgrind_free(struct rpcgrind *g);

/* The next call to send, written to buf; its length, or 0 when nothing is
 * to be sent now: either the grinder is done or the window is full and it
 * waits for replies (rpcgrind_done tells which). */
size_t rpcgrind_next_call(struct rpcgrind *g, uint8_t *buf, size_t cap);
/* Bytes received: for TCP any piece of the stream (records may be split
 * or joined anywhere), for UDP one whole datagram. Unrelated or stale
 * replies are ignored; a peer that keeps sending things that are not
 * replies to our calls ends the grinding. */
void rpcgrind_feed_reply(struct rpcgrind *g, const uint8_t *buf, size_t len);
/* No reply came in time. Over UDP the calls in flight are sent again (up
 * to two more times); over TCP, where nothing is lost, the grinding ends. */
void rpcgrind_timeout(struct rpcgrind *g);
bool rpcgrind_done(const struct rpcgrind *g);

/* Whether a program was identified; its number and version range. */
bool rpcgrind_result(const struct rpcgrind *g, uint32_t *program, uint32_t *low, uint32_t *high);
/* nmap's version field: "low-high", or one number when they are equal.
 * Returns the length written, 0 if cap is too small. */
size_t rpcgrind_format_version(uint32_t low, uint32_t high, char *buf, size_t cap);
/* Calls handed out so far (retransmissions included), for traces. */
size_t rpcgrind_calls_sent(const struct rpcgrind *g);

#endif
