// SPDX-License-Identifier: MIT
// ONC RPC for version detection's RPC grinding (nmap's -sV on a port that
// speaks SunRPC): nmap-rpc parsed into program numbers and names, NULL
// procedure calls built for a program, and replies parsed. Pure functions
// over byte buffers with explicit lengths; every reply is hostile input.
#ifndef CMAP_SERVICE_RPC_H
#define CMAP_SERVICE_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rpc_db;

/* Parses nmap-rpc ("name number aliases..." lines, # comments). NULL with
 * "path:line: what" in err on failure. */
struct rpc_db *rpc_db_load(const char *path, char *err, size_t errlen);
struct rpc_db *rpc_db_parse(const char *text, size_t len, const char *label, char *err,
                            size_t errlen);
void rpc_db_free(struct rpc_db *db);
size_t rpc_db_count(const struct rpc_db *db);
uint32_t rpc_db_program(const struct rpc_db *db, size_t i); /* file order */
const char *rpc_db_name(const struct rpc_db *db, uint32_t program); /* NULL: unknown */

/* A NULL-procedure call to program/version with the given xid, with the
 * TCP record mark when tcp. Returns its length, 0 if cap is too small. */
size_t rpc_build_null_call(uint8_t *buf, size_t cap, uint32_t xid, uint32_t program,
                           uint32_t version, bool tcp);

enum rpc_reply_kind {
    RPC_REPLY_INVALID = 0, /* not an RPC reply to our xid */
    RPC_REPLY_SUCCESS,     /* the program and version exist */
    RPC_REPLY_PROG_UNAVAIL,
    RPC_REPLY_PROG_MISMATCH, /* the program exists: low..high are its versions */
    RPC_REPLY_OTHER_ERROR,   /* a valid reply with another error */
};

struct rpc_reply {
    enum rpc_reply_kind kind;
    uint32_t low, high; /* PROG_MISMATCH */
};

/* Parses a reply (with the record mark when tcp) to the call with xid. */
bool rpc_parse_reply(const uint8_t *buf, size_t len, bool tcp, uint32_t xid,
                     struct rpc_reply *out);

#endif
