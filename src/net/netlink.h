// SPDX-License-Identifier: MIT
// rtnetlink requests: a dump (every link, address or route) or a single
// query, with the reply handed message by message to a callback. Walking a
// reply buffer is a pure function so it can be tested and fuzzed on bytes.
#ifndef CMAP_NET_NETLINK_H
#define CMAP_NET_NETLINK_H

#include <stddef.h>
#include <stdint.h>

/* Called with each message's type and its payload (after the nlmsghdr).
 * Returns 0 to go on, -1 to stop with an error. */
typedef int (*nl_msg_fn)(void *ctx, uint16_t type, const uint8_t *payload, size_t len);

enum nl_walk_result {
    NL_WALK_MORE = 0, /* buffer used up, more messages follow */
    NL_WALK_DONE,     /* NLMSG_DONE, or the single reply of a non-dump */
    NL_WALK_ERROR,    /* NLMSG_ERROR with a code (in *err), a callback error, or malformed */
};

/* Walks the messages in buf[0..len) carrying sequence number seq (others
 * are skipped). *err gets a positive errno for NL_WALK_ERROR. */
enum nl_walk_result nl_walk(const uint8_t *buf, size_t len, uint32_t seq, nl_msg_fn fn, void *ctx,
                            int *err);

/* Sends an RTM_GET* request: a dump when req_len == 0, else the request
 * body req (a struct ifinfomsg, ifaddrmsg or rtmsg and its attributes). Each
 * reply message goes to fn. Returns 0, or -1 with errno set. */
int nl_request(uint16_t type, uint8_t family, const void *req, size_t req_len, nl_msg_fn fn,
               void *ctx);

/* Attributes of one message: attrs[type] points at the payload of the
 * last attribute of each type < max (NULL when absent), lens[type] its
 * length. Returns -1 if an attribute header runs past the data. */
int nl_attrs(const uint8_t *data, size_t len, const uint8_t **attrs, size_t *lens, size_t max);

#endif
