// SPDX-License-Identifier: MIT
// The socket side of a connect scan: open, start and finish non-blocking
// connects, and map the kernel's answer to nmap's port state and reason.
#ifndef CMAP_SCAN_TCPCONN_H
#define CMAP_SCAN_TCPCONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* What a connect() result means for the port. */
enum conn_verdict {
    CONN_IN_PROGRESS, /* no answer yet: wait for writability */
    CONN_RESULT,      /* final: state and reason are set */
    CONN_NO_RESULT,   /* nmap logs it and leaves the port to its default */
    CONN_RESOURCE,    /* out of ports, buffers or descriptors: try again later */
    CONN_FATAL,       /* nmap bails out of the scan */
};

struct conn_outcome {
    enum conn_verdict verdict;
    uint8_t state;  /* enum port_state, for CONN_RESULT */
    uint8_t reason; /* enum reason, for CONN_RESULT */
};

/* A non-blocking, close-on-exec TCP socket, or -1 with errno set. */
int tcpconn_socket(int family);
/* Start connecting; returns 0 when connected at once, else the errno
 * (EINPROGRESS while the handshake runs). */
int tcpconn_start(int fd, const struct sockaddr *sa, socklen_t len);
/* Ask again without waiting: a second connect() reports the handshake's
 * outcome if the kernel already has it, which on loopback it always does.
 * Returns 0 (connected), EALREADY (still running) or the failure errno. */
int tcpconn_recheck(int fd, const struct sockaddr *sa, socklen_t len);
/* The pending error of a socket that became writable (0 = connected). */
int tcpconn_so_error(int fd);
/* Close an established connection with a RST (SO_LINGER 0), as nmap does,
 * so a full scan leaves no TIME_WAIT sockets and no four-way close behind. */
void tcpconn_close_reset(int fd);
/* True when the socket connected to itself (local address and port equal
 * the target's): on a loopback scan the ephemeral source port can equal the
 * destination port, and TCP simultaneous open then "succeeds". */
bool tcpconn_is_self_connect(int fd, const struct sockaddr *sa, socklen_t len);

/* Classify an errno from connect()/SO_ERROR like nmap's connect scan
 * (scan_engine_connect.cc, handleConnectResult). */
struct conn_outcome tcpconn_classify(int err);

#endif
