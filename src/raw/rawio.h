// SPDX-License-Identifier: MIT
// The edge of the raw engine: a raw IP socket to send whole packets we
// built (IPPROTO_RAW, so the kernel adds nothing but the IPv4 checksum and
// length) and a libpcap capture on Linux's "any" device, so replies are seen
// whichever interface the route to each target uses. Both need CAP_NET_RAW
// and are opened before privileges are dropped; the BPF filter can be
// changed afterwards without privilege.
#ifndef CMAP_RAW_RAWIO_H
#define CMAP_RAW_RAWIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct pcap;

#define RAW_IO_DEVICES_MAX 16

struct raw_io {
    int family; /* AF_INET or AF_INET6 */
    int link_fd; /* --send-eth: packet socket for frames to a neighbour's MAC, -1 if none */
    /* The interfaces the current scan's probes leave by (raw_io_watch_device),
     * so a send failure can tell a vanished interface from a refused probe. */
    int devices[RAW_IO_DEVICES_MAX];
    unsigned n_devices;
    int send_fd;
    struct pcap *pcap;
    int dlt;     /* the capture's link-layer type */
    int pcap_fd; /* selectable descriptor for the event loop */
};

/* Opens both ends for one address family. 0, or -1 with a message in err
 * and errno set (EPERM/EACCES: no privilege for raw sockets or capture). */
int raw_io_open(struct raw_io *io, int family, char *err, size_t errlen);
/* --send-eth: a packet socket (SOCK_DGRAM: the kernel writes the Ethernet
 * header for the sockaddr_ll's interface and MAC) for messages addressed
 * to an AF_PACKET name. 0 or -1 with errno. */
int raw_io_open_link(struct raw_io *io);
/* Replaces the capture filter (tcpdump syntax). 0 or -1 with err. */
int raw_io_set_filter(struct raw_io *io, const char *filter, char *err, size_t errlen);
/* Sends up to n prepared messages, each by the socket its name's family
 * calls for (AF_PACKET: link_fd); returns how many went out (0 when the
 * socket buffer is full: EAGAIN/ENOBUFS), or -1 on another error (errno). */
int raw_io_send(struct raw_io *io, struct mmsghdr *msgs, unsigned n);
/* -e: probes leave by this interface (SO_BINDTODEVICE on the send
 * socket); needs the privilege raw_io_open needed. 0 or -1 with errno. */
int raw_io_bind_device(struct raw_io *io, const char *dev);
/* Remember interface index oif as one the scan sends by (a full list
 * keeps the first ones); reset: forget them all. */
void raw_io_watch_device(struct raw_io *io, int oif);
void raw_io_watch_reset(struct raw_io *io);
/* True when one of the watched interfaces no longer exists (deleted, or
 * its namespace gone): nmap's scan ends there ("The interface
 * disappeared"). */
bool raw_io_device_lost(const struct raw_io *io);
void raw_io_close(struct raw_io *io);

#endif
