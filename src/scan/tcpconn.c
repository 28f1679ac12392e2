// SPDX-License-Identifier: MIT
#include "scan/tcpconn.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "report/model.h"

int tcpconn_socket(int family)
{
    return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
}

int tcpconn_start(int fd, const struct sockaddr *sa, socklen_t len)
{
    return connect(fd, sa, len) == 0 ? 0 : errno;
}

int tcpconn_recheck(int fd, const struct sockaddr *sa, socklen_t len)
{
    if (connect(fd, sa, len) == 0) return 0;
    if (errno == EISCONN) return 0;
    if (errno == EINPROGRESS) return EALREADY;
    return errno;
}

int tcpconn_so_error(int fd)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
    return err;
}

void tcpconn_close_reset(int fd)
{
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

bool tcpconn_is_self_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
    struct sockaddr_storage local;
    socklen_t local_len = sizeof local;
    if (getsockname(fd, (struct sockaddr *)&local, &local_len) < 0) return false;
    if (local_len != len || local.ss_family != sa->sa_family) return false;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const void *)&local, *b = (const void *)sa;
        return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
    }
    const struct sockaddr_in6 *a = (const void *)&local, *b = (const void *)sa;
    return a->sin6_port == b->sin6_port &&
           memcmp(&a->sin6_addr, &b->sin6_addr, sizeof a->sin6_addr) == 0;
}

static struct conn_outcome result(enum port_state state, enum reason reason)
{
    return (struct conn_outcome){.verdict = CONN_RESULT, .state = state, .reason = reason};
}

static struct conn_outcome verdict(enum conn_verdict v)
{
    return (struct conn_outcome){.verdict = v};
}

struct conn_outcome tcpconn_classify(int err)
{
    switch (err) {
    case 0:
        return result(PORT_OPEN, REASON_SYN_ACK);
    case ECONNREFUSED:
        return result(PORT_CLOSED, REASON_CONN_REFUSED);
    /* A reset in SYN-SENT is ECONNREFUSED; a reset (or a close that made
     * the write fail) after the handshake is this: the port answered the
     * SYN with a SYN/ACK, so it is open, as nmap sees it when it looks
     * before the peer resets. */
    case ECONNRESET:
    case EPIPE:
        return result(PORT_OPEN, REASON_SYN_ACK);
    case EACCES: /* IPv6 admin-prohibited unreachables arrive as EACCES */
        return result(PORT_FILTERED, REASON_ADMIN_PROHIBITED);
    case EHOSTUNREACH:
        return result(PORT_FILTERED, REASON_HOST_UNREACH);
    case ENETUNREACH:
        return result(PORT_FILTERED, REASON_NET_UNREACH);
    case ENOPROTOOPT:
        return result(PORT_FILTERED, REASON_PROTO_UNREACH);
    case ENONET:
        return result(PORT_FILTERED, REASON_DEST_UNREACH);
    case ETIMEDOUT:
    case EHOSTDOWN:
        return result(PORT_FILTERED, REASON_NO_RESPONSE);
    case EINPROGRESS:
    case EALREADY:
        return verdict(CONN_IN_PROGRESS);
    case EADDRNOTAVAIL: /* ephemeral ports exhausted */
    case EAGAIN:
    case ENOBUFS:
    case ENOMEM:
    case EMFILE:
    case ENFILE:
        return verdict(CONN_RESOURCE);
    case ENETDOWN:
    case ENETRESET:
    case ECONNABORTED:
        return verdict(CONN_FATAL);
    default: /* EPERM from a local firewall, among others */
        return verdict(CONN_NO_RESULT);
    }
}
