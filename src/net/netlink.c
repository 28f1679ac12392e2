// SPDX-License-Identifier: MIT
#include "net/netlink.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Big enough for a full page of dump messages (the kernel sizes dump
 * batches to the receive buffer, up to 32 KiB). */
#define NL_RECV_BUF 32768
#define NL_REQ_MAX 256

/* Reads a header field by field: the buffer may not be aligned. */
static bool read_header(const uint8_t *p, size_t left, struct nlmsghdr *h)
{
    if (left < sizeof *h) return false;
    memcpy(h, p, sizeof *h);
    return h->nlmsg_len >= sizeof *h && h->nlmsg_len <= left;
}

static int error_code(const uint8_t *payload, size_t len)
{
    int32_t code;
    if (len < sizeof code) return EPROTO;
    memcpy(&code, payload, sizeof code);
    if (code >= 0) return 0;
    /* -INT32_MIN does not exist, and no errno is that large anyway. */
    return code == INT32_MIN ? EPROTO : -code;
}

enum nl_walk_result nl_walk(const uint8_t *buf, size_t len, uint32_t seq, nl_msg_fn fn, void *ctx,
                            int *err)
{
    size_t off = 0;
    *err = 0;
    while (off < len) {
        struct nlmsghdr h;
        if (!read_header(buf + off, len - off, &h)) {
            *err = EPROTO;
            return NL_WALK_ERROR;
        }
        const uint8_t *payload = buf + off + NLMSG_HDRLEN;
        size_t plen = h.nlmsg_len - NLMSG_HDRLEN; /* read_header: len >= header */
        size_t step = NLMSG_ALIGN(h.nlmsg_len);
        off = step < len - off ? off + step : len;
        if (h.nlmsg_seq != seq) continue;
        if (h.nlmsg_type == NLMSG_DONE) return NL_WALK_DONE;
        if (h.nlmsg_type == NLMSG_ERROR) {
            *err = error_code(payload, plen);
            return *err ? NL_WALK_ERROR : NL_WALK_DONE; /* 0 is an ACK */
        }
        if (fn(ctx, h.nlmsg_type, payload, plen) != 0) {
            *err = EINVAL;
            return NL_WALK_ERROR;
        }
        if (!(h.nlmsg_flags & NLM_F_MULTI)) return NL_WALK_DONE;
    }
    return NL_WALK_MORE;
}

int nl_attrs(const uint8_t *data, size_t len, const uint8_t **attrs, size_t *lens, size_t max)
{
    memset(attrs, 0, max * sizeof *attrs);
    memset(lens, 0, max * sizeof *lens);
    size_t off = 0;
    while (len - off >= sizeof(struct rtattr)) {
        struct rtattr a;
        memcpy(&a, data + off, sizeof a);
        if (a.rta_len < sizeof a || a.rta_len > len - off) return -1;
        if (a.rta_type < max) {
            attrs[a.rta_type] = data + off + RTA_LENGTH(0);
            lens[a.rta_type] = a.rta_len - RTA_LENGTH(0);
        }
        size_t step = RTA_ALIGN(a.rta_len);
        off = step < len - off ? off + step : len;
    }
    return 0;
}

static int open_socket(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return -1;
    struct sockaddr_nl local = {.nl_family = AF_NETLINK};
    if (bind(fd, (struct sockaddr *)&local, sizeof local) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static int send_request(int fd, uint16_t type, uint8_t family, const void *req, size_t req_len,
                        uint32_t seq)
{
    uint8_t msg[NL_REQ_MAX];
    struct rtgenmsg gen = {.rtgen_family = family};
    if (req_len == 0) {
        req = &gen;
        req_len = sizeof gen;
    }
    if (req_len > sizeof msg - NLMSG_HDRLEN) {
        errno = EMSGSIZE;
        return -1;
    }
    bool dump = req == &gen;
    struct nlmsghdr h = {.nlmsg_len = (uint32_t)NLMSG_LENGTH(req_len),
                         .nlmsg_type = type,
                         .nlmsg_flags = (uint16_t)(NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0)),
                         .nlmsg_seq = seq};
    memset(msg, 0, sizeof msg);
    memcpy(msg, &h, sizeof h);
    memcpy(msg + NLMSG_HDRLEN, req, req_len);
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    ssize_t n = sendto(fd, msg, h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel);
    return n == (ssize_t)h.nlmsg_len ? 0 : -1;
}

static int receive_into(int fd, uint8_t *buf, uint32_t seq, nl_msg_fn fn, void *ctx)
{
    for (;;) {
        ssize_t n = recv(fd, buf, NL_RECV_BUF, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = EPROTO;
            return -1;
        }
        int err;
        enum nl_walk_result r = nl_walk(buf, (size_t)n, seq, fn, ctx, &err);
        if (r == NL_WALK_DONE) return 0;
        if (r == NL_WALK_ERROR) {
            errno = err;
            return -1;
        }
    }
}

static int receive_all(int fd, uint32_t seq, nl_msg_fn fn, void *ctx)
{
    /* On the heap, not in thread-local storage: glibc zeroes every
     * thread's TLS block when the thread (the main one too) starts, and
     * 32 KB of it cost every run of cmap eight page faults, netlink or not. */
    uint8_t *buf = malloc(NL_RECV_BUF);
    if (!buf) return -1;
    int rc = receive_into(fd, buf, seq, fn, ctx);
    free(buf);
    return rc;
}

int nl_request(uint16_t type, uint8_t family, const void *req, size_t req_len, nl_msg_fn fn,
               void *ctx)
{
    static _Atomic uint32_t next_seq = 1;
    uint32_t seq = next_seq++;
    int fd = open_socket();
    if (fd < 0) return -1;
    int rc = send_request(fd, type, family, req, req_len, seq);
    if (rc == 0) rc = receive_all(fd, seq, fn, ctx);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}
